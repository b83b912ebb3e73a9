"""The fast ruled-table reader agrees with pdfplumber, the reference, on every corpus PDF page."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import regex

from extractor.readers.pdf_grid import find_tables

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PDFS = sorted(CORPUS.rglob("*.pdf"))


def _squeeze(rows):
    return [[None if c is None else regex.sub(r"\s", "", c) for c in row] for row in rows]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_grid_tables_match_pdfplumber(path):
    pdf = pdfium.PdfDocument(str(path))
    with pdfplumber.open(path) as reference:
        for i, ref_page in enumerate(reference.pages):
            page = pdf[i]
            textpage = page.get_textpage()
            ours = [_squeeze(t.rows) for t in find_tables(page, textpage)]
            theirs = [_squeeze(t.extract()) for t in ref_page.find_tables()]
            assert ours == theirs, f"page {i + 1}"
    pdf.close()


def test_seed_has_ruled_tables():
    pdf = pdfium.PdfDocument(str(CORPUS / "seeds" / "zj2018_review.pdf"))
    page = pdf[2]
    tables = find_tables(page, page.get_textpage())
    assert tables and any("3.98" in (c or "") for row in tables[0].rows for c in row)
    pdf.close()


SEEDS = [CORPUS / "seeds" / "zj2018_review.pdf", CORPUS / "project-tables" / "pt01_road_maint.pdf"]


def _typed_page_lines(page, textpage):
    """_page_lines as it was read through pypdfium2's typed calls, one rectangle at a time: the reference."""
    import ctypes

    import pypdfium2.raw as raw

    from extractor.readers.pdf import _join_runs
    _, height = page.get_size()
    l, t, r, b = (ctypes.c_double() for _ in range(4))
    lines, pos = [], 0
    for piece in textpage.get_text_range().split("\r\n"):
        start, pos = pos, pos + len(piece) + 2
        n = raw.FPDFText_CountRects(textpage.raw, start, len(piece)) if piece.strip() else 0
        boxes = []
        for k in range(n):
            raw.FPDFText_GetRect(textpage.raw, k, *(ctypes.byref(v) for v in (l, t, r, b)))
            boxes.append((l.value, t.value, r.value, b.value))
        if boxes:
            lines.append((height - max(x[1] for x in boxes), min(x[0] for x in boxes), max(x[2] for x in boxes),
                          height - min(x[3] for x in boxes), piece))
    return _join_runs(lines)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_lines_and_cells_read_through_plain_pointers_are_pypdfium2s(path):
    from extractor.readers.pdf import _page_lines
    pdf = pdfium.PdfDocument(str(path))
    cells = 0
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        assert _page_lines(page, textpage) == _typed_page_lines(page, textpage), f"page {i + 1}"
        _, height = page.get_size()
        for table in find_tables(page, textpage):
            texts = [c for row in table.rows for c in row if c is not None]
            cells += len(texts)
            assert all(isinstance(c, str) for c in texts)
        from extractor.readers.pdf_grid import _BoundedText, _cells, _edges
        bounded = _BoundedText(textpage)
        for x0, y0, x1, y1 in _cells(*_edges(page, height)):
            box = (x0 + 0.5, height - y1 + 0.5, x1 - 0.5, height - y0 - 0.5)
            assert bounded(box[0], box[3], box[2], box[1]) == textpage.get_text_bounded(*box)
    assert cells > 100
    pdf.close()


def test_rectangle_slots_grow_past_their_first_size():
    from extractor.readers import pdfium_calls
    slots = pdfium_calls.Slots(size=2)
    slots.reserve(300)
    assert len(slots.refs) >= 300
    import ctypes
    ctypes.c_double.from_address(slots.refs[299][3]).value = 7.5
    assert slots.values(300)[4 * 299 + 3] == 7.5
