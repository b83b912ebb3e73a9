"""document.ocr_pages — PDF pages that are scans whose text comes from text recognition (OCR).

Fails:  a report scanned and made searchable: each page one image with an invisible text layer laid over it.
        Its figures are read from that layer, so a recognition slip (≥ read as 2, a lost decimal point) can
        look like a discrepancy: one unverifiable check (info) naming the pages, so the auditor compares
        a finding there with the page image before taking it up.
Passes: the text is drawn visibly (a letterhead or background picture behind typeset text): no check.
A failed check whose figures all sit on such pages says so at the end of its message (annotate).
A page counts when its first, middle and last characters are drawn invisible (render mode 3) and images cover
90% of it or more (extractor/readers/pdf.py). The message gives the pages as runs (第1–30、32页); the evidence
points at the first 20, quoting each page's opening words.
Scanned pages without any text layer that this tool recognised itself (the jxcheck[ocr] extra) are named the
same way in a check of their own, and a failed check with any figure on one of them ends with
（第N页为扫描件，数字由本工具文字识别读出，请对照原件核对）.
"""
from __future__ import annotations

from extractor.facts import Facts
from extractor.model import Location
from scoring.model import Check, Evidence
from scoring.rules.common import MAX_PLACES, opening_text, page_ranges

RULE = "document.ocr_pages"


def annotate(check: Check, pages: list[int], recognized: list[int] = ()) -> Check:
    """A failed check whose evidence lies on OCR pages only, or that rests on a figure this tool recognised, gets a
    note asking to compare with the scan."""
    if check.status != "fail" or not check.evidence or not (pages or recognized):
        return check
    on = {e.location.page for e in check.evidence}
    read = sorted(on & set(recognized))
    if read:
        check.message += f"（第{page_ranges(read)}页为扫描件，数字由本工具文字识别读出，请对照原件核对）"
    elif pages and on <= set(pages):
        check.message += f"（第{page_ranges(sorted(on))}页为扫描件，数字来自文字识别，请对照原件核实）"
    return check


def _named(pages: list[int], message: str, facts: Facts) -> Check:
    return Check(rule=RULE, status="unverifiable", severity="info", message=message, numbers=[],
                 evidence=[Evidence(quote=opening_text(facts, page=p), location=Location(page=p))
                           for p in pages[:MAX_PLACES]])


def check(facts: Facts) -> list[Check]:
    out = []
    if facts.ocr_pages:
        out.append(_named(facts.ocr_pages, f"第{page_ranges(facts.ocr_pages)}页是扫描件，文字来自文字识别（OCR）：识别错误"
                          "（如“≥”认作“2”、小数点丢失）会让数字看似不符，这些页上的问题请先对照原件图像核实。", facts))
    if facts.recognized_pages:
        out.append(_named(facts.recognized_pages, f"第{page_ranges(facts.recognized_pages)}页是扫描件，没有文字层，其文字和数字"
                          "由本工具文字识别（OCR）读出：识别错误（如“≥”认作“2”、小数点丢失）会让数字看似不符，这些页上的问题请对照原件核对。",
                          facts))
    return out
