"""document.picture_pages — pages that are pictures without a text layer, whose figures were not checked.

Fails:  a PDF whose page 2 is a scanned copy of the stamped 项目支出绩效自评表 (one image, no text): one
        unverifiable check (info) naming page 2, so the auditor knows its figures were not read.
Passes: every page has a text layer (a page may hold a logo, a photo with a caption, or a chart
        beside its text): no check is recorded.
A page is a picture page when it prints fewer than 50 characters and images cover 30% of it or more
(extractor/readers/pdf.py); a PDF with no text at all is not checked and gets the no_text_layer error instead.
"""
from __future__ import annotations

from extractor.facts import Facts
from extractor.model import Location
from scoring.model import Check, Evidence

RULE = "document.picture_pages"


def check(facts: Facts) -> list[Check]:
    pages = facts.picture_pages
    if not pages:
        return []
    listed = "、".join(str(p) for p in pages)
    message = (f"第{listed}页是图片（扫描件或截图），没有文字层，页上的数字未能核查；"
               f"如需核查，请取得文字版或先做文字识别（OCR）。")
    return [Check(rule=RULE, status="unverifiable", severity="info", message=message, numbers=[],
                  evidence=[Evidence(quote=f"（第{p}页：图片，无文字层）", location=Location(page=p)) for p in pages])]
