"""Traditional script and pinyin mark-up: read as simplified, checked as the simplified seeds are, quoted as printed."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import read_document
from extractor.model import Document, Paragraph
from extractor.script import PrintedText, is_traditional, simplify, simplify_document, strip_pinyin
from jxcheck.api import check_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _performed(result):
    return sorted((c["rule"], c["status"], c["severity"], c["reported"] or "", c["expected"] or "", tuple(sorted(c["numbers"])))
                  for c in result["checks"])


@pytest.mark.parametrize("stem", ["zj2020_self", "zj2018_review"])
@pytest.mark.parametrize("ext", ["txt", "docx"])
def test_a_seed_in_traditional_script_gets_the_checks_of_the_simplified_one(stem, ext):
    simplified = check_file(str(CORPUS / "seeds" / f"{stem}.{ext}"))
    traditional = check_file(str(CORPUS / "traditional" / f"{stem}_hant.{ext}"))
    assert (traditional["unit"], traditional["year"], traditional["report_type"]) == \
        (simplified["unit"], simplified["year"], simplified["report_type"])
    assert _performed(traditional) == _performed(simplified) and traditional["findings"]


def test_the_quotes_are_as_printed_and_the_places_as_read():
    result = check_file(str(CORPUS / "traditional" / "zj2020_self_hant.txt"))
    [finding] = result["findings"]
    simplified = check_file(str(CORPUS / "seeds" / "zj2020_self.txt"))["findings"][0]
    assert [e["paragraph"] for e in finding["evidence"]] == [e["paragraph"] for e in simplified["evidence"]]
    assert finding["evidence"][0]["quote"] == "工作職能。2020年財政撥款決(jué)算收入2251.36萬元，財政撥款決算支出217"
    assert finding["message"].startswith("财政拨款收入 2251.36万元")


def test_pinyin_is_dropped_and_latin_words_kept():
    assert strip_pinyin("預(yù)算执行（zhí）率")[0] == "預算执行率"
    text, offsets = strip_pinyin("績(jì)效100万元")
    assert text == "績效100万元" and offsets[:3] == [0, 5, 6]
    assert strip_pinyin("生产总值(GDP)增长(kg)")[0] == "生产总值(GDP)增长(kg)"
    assert simplify("預(yù)算執行率為97%", True)[0] == "预算执行率为97%"
    assert simplify("批覆預算", True)[0] == "批复预算"


def test_simplified_text_is_left_alone():
    doc = read_document(str(CORPUS / "seeds" / "zj2018_review.txt"))
    assert not doc.traditional and not any(p.printed for p in doc.paragraphs)
    few = Document(path="x", format="txt", blocks=[Paragraph(1, "湛江市行政服務中心2018年项目资金100万元")])
    assert not is_traditional(few) and simplify_document(few).paragraphs[0].text == "湛江市行政服務中心2018年项目资金100万元"


def test_a_quote_maps_back_piece_by_piece():
    doc = Document(path="x", format="txt", blocks=[Paragraph(1, "財政撥款決(jué)算收入2251.36萬元，較上年增長  5%。" * 3)])
    doc.traditional = True
    para = doc.paragraphs[0]
    para.printed, para.text = para.text, simplify(para.text, True)[0]
    printed = PrintedText(doc)
    assert printed.quote("拨款决算收入2251.36万元 | 未见") == "撥款決(jué)算收入2251.36萬元 | 未见"
    assert printed.quote("较上年增长 5%") == "較上年增長 5%"
