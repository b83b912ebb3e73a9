"""Workbooks (.xlsx, .xls): number formats printed in Decimal, merged cells as a DOCX table gives them, title and
note rows as paragraphs, formulas by cached value, and broken workbooks as clear errors."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.document import read_document
from extractor.readers.numfmt import exact, is_date_format, render_number
from jxcheck.api import check_file

from test_hostile import assert_error

TABLES = Path(__file__).resolve().parent.parent / "corpus" / "project-tables"


@pytest.mark.parametrize("value,fmt,printed", [
    (0.95, "0.00%", "95.00%"),
    (0.8842, "0.00%", "88.42%"),
    (0.1 + 0.2, "General", "0.3"),
    (0.1 + 0.2, "0.00", "0.30"),
    (2.675, "0.00", "2.68"),
    (1.005, "0.00", "1.01"),
    (2500000.0, "#,##0.00", "2,500,000.00"),
    (1234567, "#,##0,", "1,235"),
    (-1234.5, "#,##0.00_);(#,##0.00)", "(1,234.50)"),
    (-1234.5, "#,##0.00;[Red]-#,##0.00", "-1,234.50"),
    (0, '0.00;-0.00;"-"', "-"),
    (1234.5, '0.00"万元"', "1234.50万元"),
    (10, "General", "10"),
    (96.5, "@", "96.5"),
    (0.1234, "0%", "12%"),
])
def test_a_number_prints_as_its_format_prints_it(value, fmt, printed):
    assert render_number(value, fmt) == printed


def test_a_float_becomes_the_decimal_a_spreadsheet_shows():
    assert exact(0.1 + 0.2) == Decimal("0.3") and exact(2251.36) == Decimal("2251.36") and exact(7) == Decimal(7)
    assert is_date_format('yyyy"年"m"月"d"日"') and not is_date_format("0.00%") and not is_date_format("General")


def _workbook(path: Path) -> Path:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    sheet["A1"] = "项目支出绩效自评表"
    sheet.merge_cells("A1:D1")
    sheet.append(["资金来源", "全年预算数", "全年执行数", "执行率"])
    sheet.append(["本年财政拨款", 300, 270, 0.9])
    sheet.append(["上年结转", 100, 90.1 - 0.1, 0.9])
    sheet.append(["合计", 400, 360, 0.9])
    sheet.merge_cells("A6:A7")
    sheet["A6"] = "说明"
    sheet["B6"] = "备注一"
    sheet["B7"] = "备注二"
    for row in sheet.iter_rows(min_row=3, max_row=5):
        row[1].number_format = row[2].number_format = "#,##0.00"
        row[3].number_format = "0.00%"
    sheet["A9"] = "填表说明：执行率=执行数÷预算数。"
    other = book.create_sheet("表2")
    other.append(["指标", "权重", "得分"])
    other.append(["整体支出完成率", 5, "=B2-1"])
    book.save(path)
    return path


def test_a_workbook_reads_as_paragraphs_and_tables_with_merged_cells(tmp_path):
    doc = read_document(str(_workbook(tmp_path / "book.xlsx")))
    assert doc.error is None and doc.format == "xlsx"
    kinds = [(type(b).__name__, getattr(b, "text", None)) for b in doc.blocks]
    assert kinds == [("Paragraph", "项目支出绩效自评表"), ("Table", None), ("Paragraph", "填表说明：执行率=执行数÷预算数。"),
                     ("Table", None)]
    first, second = doc.tables
    assert [c.text for c in first.rows[1]] == ["本年财政拨款", "300.00", "270.00", "90.00%"]
    assert [c.text for c in first.rows[2]] == ["上年结转", "100.00", "90.00", "90.00%"]
    merged = first.rows[5][0]
    assert first.rows[4][0].text == "说明" and merged.covered and merged.text == "" and merged.anchor_text == "说明"
    assert [c.text for c in second.rows[1]] == ["整体支出完成率", "5", ""]


def test_a_workbook_named_otherwise_is_read_by_its_content(tmp_path):
    book = _workbook(tmp_path / "book.xlsx")
    shutil.copy(book, tmp_path / "renamed.docx")
    doc = read_document(str(tmp_path / "renamed.docx"))
    assert doc.error is None and doc.format == "xlsx" and doc.text() == read_document(str(book)).text()
    shutil.copy(TABLES / "pt05_rural_water.xls", tmp_path / "pt05.et")
    assert read_document(str(tmp_path / "pt05.et")).format == "xls"


def test_the_xls_copy_reads_as_the_xlsx():
    xlsx, xls = (read_document(str(TABLES / f"pt05_rural_water.{ext}")) for ext in ("xlsx", "xls"))
    assert xlsx.error is None and xls.error is None
    assert xlsx.text() == xls.text()
    rate = next(c for row in xlsx.tables[0].rows for c in row if c.text.endswith("%") and c.text[0].isdigit())
    assert rate.text == "88.42%"


def test_the_workbook_finding_names_the_table_cell():
    result = check_file(str(TABLES / "pt05_rural_water.xlsx"))
    finding = next(f for f in result["findings"] if f["rule"] == "score.rule")
    assert finding["reported"] == "10.00" and finding["expected"] == "8.84"
    assert any(e["table"] == 1 and e["quote"].endswith("88.42%") for e in finding["evidence"])


@pytest.mark.parametrize("name,data,code", [
    ("broken.xlsx", None, "corrupt"),
    ("noise.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le") + bytes(600), "corrupt"),
])
def test_a_broken_workbook_is_a_clear_error(tmp_path, name, data, code):
    path = tmp_path / name
    if data is None:
        import zipfile
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("xl/workbook.xml", "<not-a-workbook")
    else:
        path.write_bytes(data)
    assert_error(path, code)


def test_an_empty_workbook_is_unreadable(tmp_path):
    import openpyxl
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    assert_error(tmp_path / "empty.xlsx", "unreadable")
