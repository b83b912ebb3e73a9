"""Read a workbook (.xlsx/.xlsm through openpyxl, .xls/.et through xlrd): every sheet as tables and paragraphs.

Cells print as their number format prints them (numfmt), formulas by their cached values, merged ranges as
merged cells (the anchor holds the text, the positions it covers are covered, as a DOCX table gives them). In each
block of rows between blank rows, the rows before the first and after the last row of two or more cells (a title, a
金额单位 caption, notes) are paragraphs, as they are above and below a DOCX table."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Iterable, Optional

from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Cell, Document, Paragraph, ReadError, Table
from extractor.readers.numfmt import render_date, render_number

RESAVE = "请用 Excel/WPS 打开后重新另存为 XLSX"
MAX_CELLS = 2_000_000


@dataclass
class Grid:
    """One sheet: its printed cell texts by (row, col), 0-based, and its merged ranges (top, left, bottom, right)."""

    texts: dict[tuple[int, int], str]
    merges: list[tuple[int, int, int, int]]


def _corrupt(kind: str, exc: Exception) -> ReadError:
    return ReadError("corrupt", f"{kind} 文件已损坏或无法解析，{RESAVE} / corrupt {kind} workbook "
                                f"({type(exc).__name__}): open it in Excel/WPS and save it again")


def _too_many(count: int) -> ReadError:
    return ReadError("too_large", f"工作表单元格过多（{count} 个，上限 {MAX_CELLS}），请拆分文件 / "
                                  f"too many cells in the workbook ({count}, limit {MAX_CELLS}): split it")


def _safe_zip(data: bytes, limits: Limits, deadline: Deadline) -> bytes:
    """The workbook's zip rebuilt from members read under the archive limits, so openpyxl inflates nothing unchecked."""
    from extractor.readers.docx import open_zip, read_member
    zf = open_zip(data, limits, "XLSX")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in zf.infolist():
            if not info.is_dir():
                copy.writestr(info.filename, read_member(zf, info.filename, limits, deadline))
    return out.getvalue()


def _xlsx_grids(data: bytes, limits: Limits, deadline: Deadline) -> Iterable[Grid]:
    import openpyxl
    try:
        book = openpyxl.load_workbook(io.BytesIO(_safe_zip(data, limits, deadline)), data_only=True)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on malformed workbooks
        raise _corrupt("XLSX", exc) from None
    total = 0
    for ws in book.worksheets:
        texts: dict[tuple[int, int], str] = {}
        cells = getattr(ws, "_cells", {})
        total += len(cells)
        if total > MAX_CELLS:
            raise _too_many(total)
        for (row, col), cell in cells.items():
            if cell.value is None:
                continue
            text = _print(cell.value, cell.number_format)
            if text:
                texts[(row - 1, col - 1)] = text
        deadline.check()
        merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        yield Grid(texts, merges)


def _print(value, fmt: Optional[str]) -> str:
    """A cell's value as printed: text stripped, numbers and dates through their number format."""
    import datetime as dt
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return render_date(value, fmt)
    if isinstance(value, (int, float)):
        return render_number(value, fmt)
    return str(value).strip()


def _xls_grids(data: bytes, limits: Limits, deadline: Deadline) -> Iterable[Grid]:
    import xlrd
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ReadError("encrypted", "XLS 已加密，请在 Excel/WPS 中去除密码后另存 / "
                                         "encrypted XLS: remove the password and save it again") from None
        raise _corrupt("XLS", exc) from None
    except Exception as exc:  # noqa: BLE001 - xlrd raises many types on malformed workbooks
        raise _corrupt("XLS", exc) from None
    total = 0
    try:
        for index in range(book.nsheets):
            sheet = book.get_sheet(index)
            total += sheet.nrows * sheet.ncols
            if total > MAX_CELLS:
                raise _too_many(total)
            texts: dict[tuple[int, int], str] = {}
            for r in range(sheet.nrows):
                if r % 256 == 0:
                    deadline.check()
                for c, cell in enumerate(sheet.row(r)):
                    text = _xls_text(book, sheet, r, c, cell)
                    if text:
                        texts[(r, c)] = text
            merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
            book.unload_sheet(index)
            yield Grid(texts, merges)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _corrupt("XLS", exc) from None


def _xls_text(book, sheet, r: int, c: int, cell) -> str:
    import xlrd
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value.strip()
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return _print(bool(cell.value), None)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    xf = book.xf_list[sheet.cell_xf_index(r, c)]
    fmt = book.format_map.get(xf.format_key)
    fmt_str = fmt.format_str if fmt is not None else None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return render_date(xlrd.xldate_as_datetime(cell.value, book.datemode), fmt_str)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return render_number(cell.value, None)
    return render_number(cell.value, fmt_str)


def _layout(grid: Grid, deadline: Deadline) -> list:
    """The sheet's paragraphs and tables in row order (see the module's docstring)."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for top, left, bottom, right in grid.merges:
        extent[(top, left)] = (bottom, right)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    covered[(r, c)] = (top, left)
    by_row: dict[int, list[int]] = {}
    for (r, c) in grid.texts:
        by_row.setdefault(r, []).append(c)
    if not by_row:
        return []
    spans: dict[int, set] = {}
    for (r, c), anchor in covered.items():
        if anchor[0] < r and anchor in grid.texts:
            spans.setdefault(r, set()).add(anchor)
    width = {r: len(by_row.get(r, [])) + len(spans.get(r, ())) for r in set(by_row) | set(spans)}
    rows = sorted(width)
    groups: list[list[int]] = []
    for r in rows:
        if groups and r == groups[-1][-1] + 1:
            groups[-1].append(r)
        else:
            groups.append([r])
    blocks: list = []
    for group in groups:
        deadline.check()
        multi = [r for r in group if width[r] >= 2]
        if not multi:
            blocks += _paragraphs(grid, group, by_row)
            continue
        first, last = group.index(multi[0]), group.index(multi[-1])
        blocks += _paragraphs(grid, group[:first], by_row)
        blocks.append(_table(grid, group[first:last + 1], covered, extent))
        blocks += _paragraphs(grid, group[last + 1:], by_row)
    return blocks


def _paragraphs(grid: Grid, rows: list[int], by_row: dict[int, list[int]]) -> list[Paragraph]:
    out = []
    for r in rows:
        for c in sorted(by_row.get(r, [])):
            out += [Paragraph(index=0, text=line.strip()) for line in grid.texts[(r, c)].split("\n") if line.strip()]
    return out


def _table(grid: Grid, rows: list[int], covered: dict, extent: dict) -> Table:
    used = [c for (r, c) in grid.texts if rows[0] <= r <= rows[-1]]
    used += [extent[(r, c)][1] for (r, c) in extent if (r, c) in grid.texts and rows[0] <= r <= rows[-1]]
    left, right = min(used), max(used)
    table_rows = []
    for i, r in enumerate(rows):
        row = []
        for j, c in enumerate(range(left, right + 1)):
            anchor = covered.get((r, c))
            if anchor is not None and rows[0] <= anchor[0] and left <= anchor[1]:
                row.append(Cell(text="", row=i, col=j, covered=True, anchor_text=grid.texts.get(anchor, "")))
            else:
                row.append(Cell(text=grid.texts.get((r, c), ""), row=i, col=j))
        table_rows.append(row)
    return Table(index=0, rows=table_rows)


def _read(path: str, grids: Iterable[Grid], fmt: str, deadline: Deadline) -> Document:
    blocks: list = []
    for grid in grids:
        blocks += _layout(grid, deadline)
    para = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            para += 1
            block.index = para
    if not blocks:
        raise ReadError("unreadable", "工作簿中没有任何内容，请确认文件 / the workbook holds no cells with content: check the file")
    return Document(path=path, format=fmt, blocks=blocks)


def read_xlsx(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    deadline = deadline or Deadline(limits.timeout_seconds)
    return _read(path, _xlsx_grids(data, limits, deadline), "xlsx", deadline)


def read_xls(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    deadline = deadline or Deadline(limits.timeout_seconds)
    return _read(path, _xls_grids(data, limits, deadline), "xls", deadline)
