"""Saved web pages (.html, .htm, .mht, a page named .doc): the article as the DOCX gives it, page furniture left
out, the page's own charset, rowspan/colspan as merged cells, and a file read by its content, not its name."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import read_document
from jxcheck.api import check_file

from test_hostile import assert_error

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
PAGES = [("zj2020_self", "html"), ("zj2020_self", "doc"), ("zj2018_review", "htm"), ("zj2018_review", "mht")]
FURNITURE = ("首页", "当前位置", "相关链接", "9999", "3000万元", "8888", "7777", "版权所有", "分享到", "阅读次数")


def _grid(doc):
    return [[(c.text, c.covered, c.anchor_text) for c in row] for t in doc.tables for row in t.rows]


@pytest.mark.parametrize("stem,ext", PAGES, ids=lambda v: v)
def test_a_saved_page_reads_as_its_docx(stem, ext):
    page, docx = read_document(str(SEEDS / f"{stem}.{ext}")), read_document(str(SEEDS / f"{stem}.docx"))
    assert page.error is None and page.format == "html"
    assert _grid(page) == _grid(docx) and any(c.covered for t in page.tables for row in t.rows for c in row) == bool(docx.tables)
    assert [" ".join(p.text.split()) for p in page.paragraphs] == [" ".join(p.text.split()) for p in docx.paragraphs]
    assert not any(word in page.text() for word in FURNITURE)


@pytest.mark.parametrize("stem,ext", PAGES, ids=lambda v: v)
def test_a_saved_page_gets_the_checks_of_its_docx(stem, ext):
    page, docx = check_file(str(SEEDS / f"{stem}.{ext}")), check_file(str(SEEDS / f"{stem}.docx"))
    assert page["format"] == "html"
    assert (page["unit"], page["year"], page["report_type"]) == (docx["unit"], docx["year"], docx["report_type"])
    keys = [sorted((c["rule"], c["status"], c["reported"] or "", tuple(sorted(c["numbers"]))) for c in r["checks"])
            for r in (page, docx)]
    assert keys[0] == keys[1] and page["findings"]


def test_the_page_charset_is_the_one_it_names(tmp_path):
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
    text = "<p>整体支出完成率为97%。</p><table><tr><td rowspan='2'>项目</td><td colspan='2'>金额（万元）</td></tr>" \
           "<tr><td>预算</td><td>执行</td></tr><tr><td>合计</td><td>100</td><td>97</td></tr></table></body></html>"
    (tmp_path / "gbk.htm").write_bytes((body + text).encode("gbk"))
    doc = read_document(str(tmp_path / "gbk.htm"))
    assert doc.error is None and doc.paragraphs[0].text == "整体支出完成率为97%。"
    rows = doc.tables[0].rows
    assert [c.text for c in rows[0]] == ["项目", "金额（万元）", ""] and rows[0][2].anchor_text == "金额（万元）"
    assert rows[1][0].covered and rows[1][0].anchor_text == "项目" and [c.text for c in rows[2]] == ["合计", "100", "97"]


def test_a_layout_table_is_read_as_content(tmp_path):
    page = ("<html><body><table><tr><td><p>项目资金100万元。</p><table><tr><td>预算</td><td>执行</td></tr>"
            "<tr><td>100</td><td>90</td></tr></table></td></tr></table></body></html>")
    (tmp_path / "layout.html").write_text(page, encoding="utf-8")
    doc = read_document(str(tmp_path / "layout.html"))
    assert [p.text for p in doc.paragraphs] == ["项目资金100万元。"]
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [["预算", "执行"], ["100", "90"]]


def test_text_under_another_name_is_read_as_text(tmp_path):
    text = (SEEDS / "zj2020_self.txt").read_bytes()
    for name in ("report.pdf", "report.docx", "report.xlsx"):
        (tmp_path / name).write_bytes(text)
        result = check_file(str(tmp_path / name))
        assert result["status"] == "ok" and result["format"] == "txt"
        assert [f["reported"] for f in result["findings"]] == ["2251.36"]
    (tmp_path / "ascii.docx").write_bytes(b"this is not a zip")
    assert_error(tmp_path / "ascii.docx", "corrupt")


def test_an_empty_page_is_a_clear_error(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><script>var a = 1;</script><div class='nav'>首页</div></body></html>",
                                         encoding="utf-8")
    assert_error(tmp_path / "empty.html", "unreadable")
    (tmp_path / "archive.mht").write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
                                           b"--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n")
    assert_error(tmp_path / "archive.mht", "unreadable")
