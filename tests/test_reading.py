"""Reading: encodings, merged cells, tables split by blank lines or pages, and bad input."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.document import read_document
from jxcheck.api import check_file

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_give_the_same_findings(tmp_path, encoding):
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    base = check_file(str(SEEDS / "zj2020_self.txt"))
    other = check_file(str(path))
    assert [(f["rule"], f["reported"]) for f in other["findings"]] == [(f["rule"], f["reported"]) for f in base["findings"]]


def test_docx_merged_cells_are_not_double_counted():
    doc = read_document(str(SEEDS / "zj2018_review.docx"))
    table = next(t for t in doc.tables if any("公用经费" in c.text for row in t.rows for c in row))
    texts = [c.text for row in table.rows for c in row]
    assert texts.count("财政资金") == 1
    covered = [c for row in table.rows for c in row if c.covered]
    assert covered and all(c.text == "" for c in covered)


def test_pdf_table_continued_on_next_page_is_stitched():
    doc = read_document(str(SEEDS / "zj2018_review.pdf"))
    table = next(t for t in doc.tables if t.rows and t.rows[0][0].text == "项目名称" and t.width == 5)
    pages = {c.page for row in table.rows for c in row}
    assert len(table.rows) == 24 and len(pages) == 2


def test_txt_table_split_by_blank_line_stays_one_table():
    doc = read_document(str(SEEDS / "zj2018_review.txt"))
    assert any(len(t.rows) == 24 and t.width == 5 for t in doc.tables)


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "unreadable"),
    ("random.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "corrupt"),
    ("random.docx", b"PK\x03\x04" + bytes(range(200)), "corrupt"),
    ("notzip.docx", b"this is not a zip", "corrupt"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "unsupported_format"),
])
def test_bad_input_is_a_clear_error(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    result = check_file(str(path))
    assert result["status"] == "error" and result["error"]["code"] == code
    assert "/" in result["error"]["message"]
