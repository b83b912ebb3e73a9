"""discrepancies.xlsx: a 汇总 sheet and one workpaper sheet per audited unit, written with XlsxWriter.

Each sheet starts with the workpaper header (被审计单位, 期间, 索引号, 编制人/日期, 复核人/日期; blank where
unknown), then a table with a frozen header row and an autofilter.
Numbers: 报告数, 复算数 and 差额 are numeric cells whenever they parse. A rate is stored as a fraction with a
percent format at its printed decimals (98.53% → 0.9853, shown 98.53%); the difference of a rate (unit %) is in
percentage points and stored as points with the format 0.00"个百分点". Other figures keep their printed decimals
in the number format. Text that does not parse stays text, and so does a figure Excel cannot hold exactly (more
than 15 significant digits, or beyond a double's range). Values are written from their Decimal digits, so a
cell holds exactly the printed figure.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

import xlsxwriter

from jxcheck.outputs import REPORT_TYPE_ZH, files_of, SEVERITY_ZH, by_unit, parse_number, period_of, place, rows_of, totals
from jxcheck.rule_docs import name_zh
from jxcheck.reviews import DECISIONS, READ_PREFIX, SIGNOFF_FIELDS, SUMMARY_KEY
from jxcheck.units import UNKNOWN

SUMMARY = "汇总"
TITLE = "绩效评价报告数字核查工作底稿"
COLUMNS = [("年度", 8), ("文件", 34), ("报告类型", 14), ("规则", 22), ("规则名称", 16), ("严重程度", 9), ("说明", 60),
           ("报告数", 13), ("复算数", 13), ("差额", 13), ("金额单位", 9), ("页码", 18), ("原文", 50), ("复核结论", 10),
           ("复核说明", 30), ("编号", 18)]
TITLES = [t for t, _ in COLUMNS]
DECISION_COL = TITLES.index("复核结论") + 1
TICK_SHEET = "勾稽标记"
TICK_COLUMNS = [("标记", 6), ("规则", 22), ("规则名称", 16), ("严重程度", 9), ("说明", 60), ("报告数", 13), ("复算数", 13),
                ("差额", 13), ("金额单位", 9), ("页码", 18), ("原文", 50), ("编号", 18)]
TICKS = {"pass": "✓", "fail": "≠", "unverifiable": "?"}
LEGEND = "标记：✓ 通过（复算一致）　≠ 不符（错误、警告；严重程度为提示的是注意事项）　? 无法核实（见说明）"
FOOTER = "&C第 &P 页，共 &N 页"
GONE_SHEET = "失效复核"
GONE_COLUMNS = [("编号", 18), ("复核结论", 10), ("复核说明", 30), ("复核人", 14), ("时间", 18), ("文件", 34),
                ("规则", 22), ("说明", 60)]
UNIT_LABEL = "被审计单位"
SUMMARY_COLUMNS = [("单位", 34), ("工作表", 22), ("文档数", 9), ("年度", 14), ("错误", 8), ("警告", 8),
                   ("无法核实", 10), ("无法读取", 10)]
FAILED_COLUMNS = ["单位", "文件", "错误代码", "说明"]
HEADER_ROW = 5
ROW_LINE_HEIGHT = 15
WRAPPED = tuple(TITLES.index(t) + 1 for t in ("文件", "说明", "页码", "原文", "复核说明"))
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")
MAX_CELL = 32767
EXCEL_DIGITS = 15
EXCEL_SMALLEST, EXCEL_LARGEST = Decimal("1E-300"), Decimal("1E+300")
HEAD_FILL = "#DDEBF7"
SEVERITY_FILL = {"error": "#F8CBAD", "warning": "#FFE699"}


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-valid sheet name (≤31 chars, none of []:*?/\\, not blank, unique ignoring case); taken is updated."""
    base = INVALID_SHEET_CHARS.sub("_", ILLEGAL_CHARACTERS.sub("", name or "")).strip().strip("'").strip()
    base = base[:31] or "单位"
    candidate, n = base, 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f"~{n}"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS.sub("", value)[:MAX_CELL]


def _decimals_format(decimals: int, percent: bool = False, suffix: str = "") -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if percent:
        body = "0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return body + (f'"{suffix}"' if suffix else "")


def excel_number(value: Decimal) -> bool:
    """Excel keeps 15 significant digits within a double's range; a figure beyond that stays text, so the
    cell never shows a number other than the one printed."""
    if not value:
        return True
    digits = len(value.normalize().as_tuple().digits)
    return digits <= EXCEL_DIGITS and EXCEL_SMALLEST <= abs(value) <= EXCEL_LARGEST


def numeric_cell(text: Optional[str], points: bool = False) -> tuple[Any, Optional[str]]:
    """The cell value and number format for a printed figure (see the module docstring)."""
    parsed = parse_number(text)
    if parsed is None or not excel_number(parsed[0]):
        return text, None
    value, decimals, rate = parsed
    if rate:
        return value / Decimal(100), _decimals_format(decimals, percent=True)
    if points:
        return value, _decimals_format(decimals, suffix="个百分点")
    return value, _decimals_format(decimals)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell needs at its column's width (a CJK character is two width units)."""
    width = max(width, 4)
    return sum(max(1, -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) // width)) for line in text.split("\n"))


class Sheet:
    """One worksheet with a cache of the workbook's cell formats, written cell by cell."""

    def __init__(self, book: "Book", name: str):
        self.book = book
        self.ws = book.wb.add_worksheet(name)

    def put(self, row: int, col: int, value: Any, **style) -> None:
        """Write a value at a 1-based row and column: text as text (never a formula), numbers as numbers."""
        fmt = self.book.format(**style) if style else None
        r, c = row - 1, col - 1
        if value is None or value == "":
            if fmt is not None:
                self.ws.write_blank(r, c, None, fmt)
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            self.ws.write_number(r, c, value, fmt)
        else:
            self.ws.write_string(r, c, _text(str(value)), fmt)

    def header(self, unit: str, period: str, width: int, signed: Optional[dict[str, str]] = None) -> None:
        """The workpaper header; signed holds the sign-offs already given (索引号, 编制人/日期, 复核人/日期)."""
        signed = signed or {}
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW - 1)
        ws.merge_range(0, 0, 0, width - 1, TITLE, self.book.format(bold=True, font_size=14))
        fields = [(2, 1, UNIT_LABEL, unit), (2, 4, "期间", period), (2, 7, "索引号", signed.get("索引号", "")),
                  (3, 1, "编制人/日期", signed.get("编制人/日期", "")), (3, 4, "复核人/日期", signed.get("复核人/日期", ""))]
        for row, col, label, value in fields:
            self.put(row, col, label, bold=True)
            self.put(row, col + 1, value)
        self.print_marks(unit, signed.get("索引号", ""))

    def print_marks(self, unit: str, index: str) -> None:
        """The printed page's header (title, unit, 索引号) and footer (page numbers)."""
        def clip(text: str, n: int) -> str:
            return _text(text)[:n].replace("&", "&&")
        self.ws.set_header(f"&L{clip(TITLE, 40)}&C{clip(unit, 60)}&R索引号：{clip(index, 40)}")
        self.ws.set_footer(FOOTER)

    def table_head(self, columns: list[tuple[str, int]], row: int) -> None:
        for i, (title, width) in enumerate(columns):
            self.put(row, i + 1, title, bold=True, bg_color=HEAD_FILL)
            self.ws.set_column(i, i, width)

    def table_end(self, columns: int, last_row: int) -> None:
        self.ws.freeze_panes(HEADER_ROW, 0)
        self.ws.autofilter(HEADER_ROW - 1, 0, max(last_row, HEADER_ROW) - 1, columns - 1)


class Book:
    """The workbook and its formats, one Format object per distinct style."""

    def __init__(self, path: str):
        self.wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                             "strings_to_urls": False, "in_memory": True})
        self.formats: dict[tuple, Any] = {}

    def format(self, **style):
        key = tuple(sorted(style.items()))
        if key not in self.formats:
            self.formats[key] = self.wb.add_format(dict(style))
        return self.formats[key]

    def close(self) -> None:
        self.wb.close()


def row_id(doc: dict, finding: dict) -> str:
    """The id a workbook row is read back by: the finding's id, or for an unreadable document its doc id."""
    return finding.get("id") or f"{READ_PREFIX}{doc.get('doc_id') or doc.get('sha256')}"


def _figures(check: dict) -> list[tuple[Any, Optional[str], None]]:
    """The 报告数, 复算数 and 差额 cells of a check."""
    out = []
    for key in ("reported", "expected", "difference"):
        value, fmt = numeric_cell(check.get(key), points=(key == "difference" and check.get("unit") == "%"))
        out.append((value, fmt, None))
    return out


def _tick_sheet(sheet: Sheet, groups: dict[str, list[dict]], checks_of) -> None:
    """Every check of every document, passed and unverifiable ones too, each with its tick mark: a section per
    document (its unit, year and files), under the legend."""
    ws = sheet.ws
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.merge_range(0, 0, 0, len(TICK_COLUMNS) - 1, f"{TITLE}：勾稽标记", sheet.book.format(bold=True, font_size=14))
    sheet.put(2, 1, LEGEND)
    sheet.print_marks("勾稽标记", "")
    sheet.table_head(TICK_COLUMNS, HEADER_ROW)
    ws.repeat_rows(HEADER_ROW - 1)
    ws.freeze_panes(HEADER_ROW, 0)
    book = sheet.book
    top, wrap = book.format(valign="top"), book.format(valign="top", text_wrap=True)
    marks = {key: book.format(valign="top", align="center", bold=True, **({"bg_color": fill} if fill else {}))
             for key, fill in (("pass", None), ("unverifiable", None), ("info", None), *SEVERITY_FILL.items())}
    r = HEADER_ROW
    for unit, docs in groups.items():
        for doc in docs:
            if doc["status"] == "error":
                continue
            checks = checks_of(doc)
            counts = {k: sum(1 for c in checks if c["status"] == k) for k in TICKS}
            r += 1
            files = files_of(doc).replace("\n", "；")
            title = (f"{unit} · {doc.get('year') or '年度未识别'} · {files}：检查 {len(checks)} 项，"
                     f"✓ {counts['pass']}，≠ {counts['fail']}，? {counts['unverifiable']}")
            ws.merge_range(r - 1, 0, r - 1, len(TICK_COLUMNS) - 1, _text(title),
                           book.format(bold=True, bg_color=HEAD_FILL))
            for c in checks:
                r += 1
                ev = c.get("evidence") or []
                mark = marks[c["severity"] if c["status"] == "fail" else c["status"]]
                ws.write_string(r - 1, 0, TICKS.get(c["status"], c["status"]), mark)
                texts = (c["rule"], name_zh(c["rule"]), SEVERITY_ZH.get(c["severity"], c["severity"]), c["message"])
                for col, text in enumerate(texts, start=1):
                    ws.write_string(r - 1, col, _text(text), wrap if col == 4 else top)
                for col, (value, num_format, _) in enumerate(_figures(c), start=5):
                    _put_fast(ws, r - 1, col, value, book.format(valign="top", num_format=num_format)
                              if num_format else top)
                tail = (c.get("unit"), "\n".join(place(e) for e in ev), "\n".join(e.get("quote", "") for e in ev),
                        c.get("id"))
                for col, text in enumerate(tail, start=8):
                    if text:
                        ws.write_string(r - 1, col, _text(text), wrap if col in (9, 10) else top)


def _put_fast(ws, row: int, col: int, value: Any, fmt) -> None:
    """A figure cell at a 0-based place: a number, or the printed text when it is not one."""
    if value is None or value == "":
        return
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, _text(str(value)), fmt)


def _unit_sheet(sheet: Sheet, unit: str, docs: list[dict], decisions: dict[str, tuple[str, str]],
                signed: dict[str, str]) -> None:
    sheet.header(unit, period_of(docs), len(COLUMNS), signed)
    sheet.table_head(COLUMNS, HEADER_ROW)
    widths = [w for _, w in COLUMNS]
    r = HEADER_ROW
    for doc in docs:
        for f in rows_of(doc):
            r += 1
            ev = f.get("evidence") or []
            cells: list[tuple[Any, Optional[str], Optional[str]]] = [
                (doc.get("year"), None, None), (files_of(doc), None, None),
                (REPORT_TYPE_ZH.get(doc.get("report_type"), doc.get("report_type")), None, None),
                (f["rule"], None, None), (name_zh(f["rule"]), None, None),
                (SEVERITY_ZH.get(f["severity"], f["severity"]), None, SEVERITY_FILL.get(f["severity"])),
                (f["message"], None, None)]
            cells += _figures(f)
            fid = row_id(doc, f)
            decision, reason = decisions.get(fid, ("", ""))
            cells += [(f.get("unit"), None, None), ("\n".join(place(e) for e in ev), None, None),
                      ("\n".join(e.get("quote", "") for e in ev), None, None), (decision, None, None),
                      (reason, None, None), (fid, None, None)]
            for col, (value, num_format, fill) in enumerate(cells, start=1):
                style: dict[str, Any] = {"valign": "top", "text_wrap": col in WRAPPED}
                if num_format:
                    style["num_format"] = num_format
                if fill:
                    style["bg_color"] = fill
                sheet.put(r, col, value, **style)
            lines = max(_lines(_text(str(cells[c - 1][0] or "")), widths[c - 1]) for c in WRAPPED)
            sheet.ws.set_row(r - 1, ROW_LINE_HEIGHT * lines)
    if r > HEADER_ROW:
        sheet.ws.data_validation(HEADER_ROW, DECISION_COL - 1, r - 1, DECISION_COL - 1, {
            "validate": "list", "source": list(DECISIONS), "error_title": "复核结论",
            "error_message": "请选择 确认、排除 或 待核，理由写在“复核说明”列"})
    sheet.table_end(len(COLUMNS), r)


def _gone_sheet(sheet: Sheet, gone: list) -> None:
    """The decisions whose finding has gone (its document changed, or the check no longer fails)."""
    sheet.ws.merge_range(0, 0, 0, len(GONE_COLUMNS) - 1, "失效的复核结论：对应的问题在本次检查中已不存在（文档已更改或不再不符）",
                         sheet.book.format(bold=True, font_size=12))
    sheet.table_head(GONE_COLUMNS, HEADER_ROW)
    r = HEADER_ROW
    for review in gone:
        r += 1
        values = [review.finding_id, review.decision, review.reason, review.reviewer,
                  review.at.strftime("%Y-%m-%d %H:%M") if review.at else "", review.path, review.rule, review.message]
        for col, value in enumerate(values, start=1):
            sheet.put(r, col, value, valign="top", text_wrap=col in (3, 6, 8))
    sheet.table_end(len(GONE_COLUMNS), r)


def _summary_sheet(sheet: Sheet, groups: dict[str, list[dict]], names: dict[str, str], docs: list[dict],
                   signed: dict[str, str]) -> None:
    sheet.header(f"全部单位（共 {len(groups)} 个）", period_of(docs), len(SUMMARY_COLUMNS), signed)
    sheet.table_head(SUMMARY_COLUMNS, HEADER_ROW)
    link = sheet.book.format(font_color="#0563C1", underline=1)
    r = HEADER_ROW
    for unit, unit_docs in groups.items():
        r += 1
        years = sorted({d["year"] for d in unit_docs if d.get("year")})
        t = totals(unit_docs)
        values = [unit, None, len(unit_docs), "、".join(map(str, years)), t.errors, t.warnings, t.unverifiable,
                  t.unreadable]
        for col, value in enumerate(values, start=1):
            sheet.put(r, col, value)
        target = names[unit].replace("'", "''")
        sheet.ws.write_url(r - 1, 1, f"internal:'{target}'!A1", link, string=names[unit])
    sheet.table_end(len(SUMMARY_COLUMNS), r)
    failed = [(unit, d) for unit, unit_docs in groups.items() for d in unit_docs if d["status"] == "error"]
    if failed:
        r += 2
        sheet.put(r, 1, "无法读取的文档", bold=True)
        r += 1
        for col, title in enumerate(FAILED_COLUMNS, start=1):
            sheet.put(r, col, title, bold=True, bg_color=HEAD_FILL)
        for unit, d in failed:
            r += 1
            err = d.get("error") or {}
            for col, value in enumerate((unit, d["path"], err.get("code"), err.get("message")), start=1):
                sheet.put(r, col, value)


def written_cells(docs: list[dict], decisions: Optional[dict[str, tuple[str, str]]] = None,
                  signoffs: Optional[dict[str, dict[str, str]]] = None
                  ) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, str]]]:
    """What write_xlsx writes into the cells a reviewer fills: (复核结论, 复核说明) by row id, sign-offs by sheet
    key (unit key, or 汇总)."""
    decisions, signoffs = decisions or {}, signoffs or {}
    rows = {row_id(d, f): decisions.get(row_id(d, f), ("", "")) for d in docs for f in rows_of(d)}
    keys = [SUMMARY_KEY] + list(by_unit(docs))
    sheets = {k: {name: signoffs.get(k, {}).get(name, "") for name in SIGNOFF_FIELDS} for k in keys}
    return rows, sheets


def write_xlsx(path: str, docs: list[dict], decisions: Optional[dict[str, tuple[str, str]]] = None,
               signoffs: Optional[dict[str, dict[str, str]]] = None, gone: Optional[list] = None,
               all_checks: Optional[dict[str, list[dict]]] = None) -> None:
    """Write the workbook: 汇总 first, then one sheet per unit (单位未识别 last), 勾稽标记 (every check with its tick
    mark), then 失效复核 when some decisions' findings have gone. decisions (by finding id) and signoffs (by unit
    key, 汇总 for the summary) fill the cells reviewers fill; all_checks gives a document's checks, passed ones
    included, by doc id, where its object holds only the others."""
    decisions, signoffs = decisions or {}, signoffs or {}
    groups = by_unit(docs)
    taken = {SUMMARY.lower(), GONE_SHEET.lower(), TICK_SHEET.lower()}
    names = {unit: sheet_name(unit, taken) for unit in groups}
    book = Book(path)
    try:
        _summary_sheet(Sheet(book, SUMMARY), groups, names, docs, signoffs.get(SUMMARY_KEY, {}))
        for unit, unit_docs in groups.items():
            _unit_sheet(Sheet(book, names[unit]), unit if unit != UNKNOWN else "", unit_docs, decisions,
                        signoffs.get(unit, {}))
        _tick_sheet(Sheet(book, TICK_SHEET), groups, lambda d: (all_checks or {}).get(d.get("doc_id"), d["checks"]))
        if gone:
            _gone_sheet(Sheet(book, GONE_SHEET), gone)
    finally:
        book.close()
