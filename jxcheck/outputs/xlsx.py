"""discrepancies.xlsx: a 汇总 sheet and one workpaper sheet per audited unit.

Each sheet starts with the workpaper header (被审计单位, 期间, 索引号, 编制人/日期, 复核人/日期; blank where
unknown), then a table with a frozen header row and an autofilter.
Numbers: 报告数, 复算数 and 差额 are numeric cells whenever they parse. A rate is stored as a fraction with a
percent format at its printed decimals (98.53% → 0.9853, shown 98.53%); the difference of a rate (unit %) is in
percentage points and stored as points with the format 0.00"个百分点". Other figures keep their printed decimals
in the number format. Text that does not parse stays text.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jxcheck.outputs import REPORT_TYPE_ZH, SEVERITY_ZH, by_unit, period_of, parse_number, rows_of, where
from jxcheck.units import UNKNOWN

SUMMARY = "汇总"
TITLE = "绩效评价报告数字核查工作底稿"
COLUMNS = [("年度", 8), ("文件", 34), ("报告类型", 14), ("规则", 22), ("严重程度", 9), ("说明", 60),
           ("报告数", 13), ("复算数", 13), ("差额", 13), ("页码", 18), ("原文", 50), ("复核结论", 24)]
SUMMARY_COLUMNS = [("单位", 34), ("工作表", 22), ("文档数", 9), ("年度", 14), ("错误", 8), ("警告", 8),
                   ("无法核实", 10), ("无法读取", 10)]
FAILED_COLUMNS = ["单位", "文件", "错误代码", "说明"]
HEADER_ROW = 5
ROW_LINE_HEIGHT = 15
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_CELL = 32767
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SEVERITY_FILL = {"error": PatternFill("solid", fgColor="F8CBAD"), "warning": PatternFill("solid", fgColor="FFE699")}
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-valid sheet name (≤31 chars, none of []:*?/\\, not blank, unique ignoring case); taken is updated."""
    base = INVALID_SHEET_CHARS.sub("_", ILLEGAL_CHARACTERS_RE.sub("", name or "")).strip().strip("'").strip()
    base = base[:31] or "单位"
    candidate, n = base, 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f"~{n}"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    return value


def _put(ws, row: int, col: int, value: Any, number_format: Optional[str] = None):
    cell = ws.cell(row=row, column=col, value=_text(value))
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def _decimals_format(decimals: int, percent: bool = False, suffix: str = "") -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if percent:
        body = "0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return body + (f'"{suffix}"' if suffix else "")


def numeric_cell(text: Optional[str], points: bool = False) -> tuple[Any, Optional[str]]:
    """The cell value and number format for a printed figure (see the module docstring)."""
    parsed = parse_number(text)
    if parsed is None:
        return text, None
    value, decimals, rate = parsed
    if rate:
        return value / Decimal(100), _decimals_format(decimals, percent=True)
    if points:
        return value, _decimals_format(decimals, suffix="个百分点")
    return value, _decimals_format(decimals)


def _header(ws, unit: str, period: str, width: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _put(ws, 1, 1, TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    fields = [(2, 1, "被审计单位", unit), (2, 4, "期间", period), (2, 7, "索引号", ""),
              (3, 1, "编制人/日期", ""), (3, 4, "复核人/日期", "")]
    for row, col, label, value in fields:
        _put(ws, row, col, label).font = BOLD
        _put(ws, row, col + 1, value)


def _table_head(ws, columns: list[tuple[str, int]], row: int) -> None:
    for i, (title, w) in enumerate(columns, start=1):
        cell = _put(ws, row, i, title)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        ws.column_dimensions[get_column_letter(i)].width = max(w, ws.column_dimensions[get_column_letter(i)].width or 0)


def _lines(ws, row: int, col: int) -> int:
    """Lines a wrapped cell needs at its column's width (a CJK character is two width units)."""
    text = str(ws.cell(row=row, column=col).value or "")
    width = max(int(ws.column_dimensions[get_column_letter(col)].width or 10), 4)
    return sum(max(1, -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) // width)) for line in text.split("\n"))


def _unit_sheet(ws, unit: str, docs: list[dict]) -> None:
    _header(ws, unit, period_of(docs), len(COLUMNS))
    _table_head(ws, COLUMNS, HEADER_ROW)
    r = HEADER_ROW
    for doc in docs:
        for f in rows_of(doc):
            r += 1
            ev = f.get("evidence") or []
            _put(ws, r, 1, doc.get("year"))
            _put(ws, r, 2, doc["path"])
            _put(ws, r, 3, REPORT_TYPE_ZH.get(doc.get("report_type"), doc.get("report_type")))
            _put(ws, r, 4, f["rule"])
            sev = _put(ws, r, 5, SEVERITY_ZH.get(f["severity"], f["severity"]))
            if f["severity"] in SEVERITY_FILL:
                sev.fill = SEVERITY_FILL[f["severity"]]
            _put(ws, r, 6, f["message"]).alignment = WRAP
            for col, key in ((7, "reported"), (8, "expected"), (9, "difference")):
                value, fmt = numeric_cell(f.get(key), points=(key == "difference" and f.get("unit") == "%"))
                _put(ws, r, col, value, fmt)
            _put(ws, r, 10, "\n".join(where(e) for e in ev)).alignment = WRAP
            _put(ws, r, 11, "\n".join(e.get("quote", "") for e in ev)).alignment = WRAP
            _put(ws, r, 12, "")
            ws.row_dimensions[r].height = ROW_LINE_HEIGHT * max(_lines(ws, r, c) for c in (6, 10, 11))
            for c in range(1, len(COLUMNS) + 1):
                ws.cell(row=r, column=c).alignment = Alignment(wrap_text=c in (6, 10, 11), vertical="top")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{max(r, HEADER_ROW)}"


def _summary_sheet(ws, groups: dict[str, list[dict]], sheets: dict[str, str], docs: list[dict]) -> None:
    _header(ws, f"全部单位（共 {len(groups)} 个）", period_of(docs), len(SUMMARY_COLUMNS))
    _table_head(ws, SUMMARY_COLUMNS, HEADER_ROW)
    r = HEADER_ROW
    for unit, unit_docs in groups.items():
        r += 1
        findings = [f for d in unit_docs for f in d["findings"]]
        years = sorted({d["year"] for d in unit_docs if d.get("year")})
        values = [unit, sheets[unit], len(unit_docs), "、".join(map(str, years)),
                  sum(1 for f in findings if f["severity"] == "error"),
                  sum(1 for f in findings if f["severity"] == "warning"),
                  sum(1 for d in unit_docs for c in d["checks"] if c["status"] == "unverifiable"),
                  sum(1 for d in unit_docs if d["status"] == "error")]
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
        link = ws.cell(row=r, column=2)
        link.hyperlink = f"#'{sheets[unit]}'!A1"
        link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(SUMMARY_COLUMNS))}{max(r, HEADER_ROW)}"
    failed = [(unit, d) for unit, unit_docs in groups.items() for d in unit_docs if d["status"] == "error"]
    if failed:
        r += 2
        _put(ws, r, 1, "无法读取的文档").font = BOLD
        r += 1
        for col, title in enumerate(FAILED_COLUMNS, start=1):
            cell = _put(ws, r, col, title)
            cell.font = BOLD
            cell.fill = HEAD_FILL
        for unit, d in failed:
            r += 1
            err = d.get("error") or {}
            for col, value in enumerate((unit, d["path"], err.get("code"), err.get("message")), start=1):
                _put(ws, r, col, value)


def write_xlsx(path: str, docs: list[dict]) -> None:
    """Write the workbook: 汇总 first, then one sheet per unit (单位未识别 last)."""
    groups = by_unit(docs)
    taken = {SUMMARY.lower()}
    sheets = {unit: sheet_name(unit, taken) for unit in groups}
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY
    _summary_sheet(summary, groups, sheets, docs)
    for unit, unit_docs in groups.items():
        _unit_sheet(wb.create_sheet(sheets[unit]), unit if unit != UNKNOWN else "", unit_docs)
    wb.save(path)
