"""document.pictures — what a document shows as pictures, whose figures were not read and so not checked.

Fails:  a PDF whose page 2 is a scanned copy of the stamped 项目支出绩效自评表 (one image, no text); a DOCX
        with a 15 × 9 cm screenshot of a budget table after its 第8段: one unverifiable check (info)
        naming page 2, or 第8段后 and the size, so the auditor knows those figures were not read.
Passes: every page has a text layer, and the DOCX pictures are small (a 2 cm logo, a seal): no check
        is recorded.
A PDF page is a picture when it prints fewer than 50 characters and images cover 30% of it or more; a DOCX
picture, chart or embedded object counts from 7 × 3 cm (extractor/readers). A PDF or DOCX with no text at all
is not checked and gets the no_text_layer error instead. A first page that prints a report's title (报告, no
figure) over a picture is its designed cover and is not named. The message gives pages as runs (第3–40页) and the
first 20 DOCX pictures; the evidence points at the first 20 places, quoting the opening words of the page or
of the paragraph the picture is in (nothing for a page with no text).
"""
from __future__ import annotations

import patterns
from extractor.facts import Facts
from extractor.model import Location, Picture
from scoring.model import Check, Evidence
from scoring.rules.common import MAX_PLACES, opening_text, page_ranges

RULE = "document.pictures"


def _where(p: Picture) -> str:
    return "文首" if p.paragraph == 0 else f"第{p.paragraph}段" + ("后" if p.after else "")


def _size(p: Picture) -> str:
    return f"{p.width_cm:.1f} × {p.height_cm:.1f} 厘米" if p.width_cm is not None and p.height_cm is not None else ""


def _cover(facts: Facts, page: int) -> bool:
    """Page 1 printing a cover word (patterns/documents.yaml) and no figure: a report's designed cover."""
    if page != 1:
        return False
    on_page = [pf for pf in facts.paragraphs if pf.paragraph.page == page]
    words = patterns.load("documents")["cover_words"]
    return (not any(pf.facts for pf in on_page)
            and any(w in pf.norm.text for pf in on_page for w in words))


def check(facts: Facts) -> list[Check]:
    pages = [p for p in facts.pictures if p.page is not None and not _cover(facts, p.page)]
    inline = [p for p in facts.pictures if p.page is None]
    parts, evidence = [], []
    if pages:
        parts.append(f"第{page_ranges([p.page for p in pages])}页几乎全是图片（扫描件或截图），图片中的数字未能核查")
        evidence += [Evidence(quote=opening_text(facts, page=p.page), location=Location(page=p.page))
                     for p in pages[:MAX_PLACES]]
    if inline:
        places = []
        for p in inline[:MAX_PLACES]:
            where, size = _where(p), _size(p)
            places.append(f"{where}（{size}）" if size else where)
            evidence.append(Evidence(quote=opening_text(facts, paragraph=p.paragraph or None),
                                     location=Location(paragraph=p.paragraph or None)))
        listed = "、".join(places) + ("等" if len(inline) > MAX_PLACES else "")
        parts.append(f"文中有 {len(inline)} 张图片、图表或嵌入对象：{listed}，其中的数字（如表格截图）未能核查")
    if not parts:
        return []
    message = "；".join(parts) + "；如需核查，请取得文字版或先做文字识别（OCR）。"
    return [Check(rule=RULE, status="unverifiable", severity="info", message=message, numbers=[], evidence=evidence)]
