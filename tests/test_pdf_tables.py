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
