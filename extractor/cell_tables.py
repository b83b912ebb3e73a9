"""Tables whose grid was lost with each cell on a line of its own (a one-column '|' table, short paragraphs, or
paragraphs between '|' lines), put back in rows.

A run of short cells opens with its header (项目 | 预算数 | 决算数, or 收入 | 预算数 | … | 支出 | 预算 | … side by
side); the cells that follow are read in rows as wide as the header, and a row is kept only while every row has the
first row's shape (a label where the first row has one, a figure where it has one); lines of '|' alone that open
every row are row marks, not blank cells. Every header cell must be a known label column (项目, 收入) over the labels
and a known amount column (预算数, 决算数, 合计) over the figures. The line before the run that names a 表 is its title
and gives its year. Findings on these tables are at most warnings.
Vocabulary: patterns/cell_tables.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import YEAR, TableCell
from extractor.figures import Figure, parse_cell
from extractor.model import Document, Location, Paragraph, Table
from extractor.normalize import compact


@dataclass
class CellRow:
    """One row read back: its label, the label of its side (收入, 支出) when the table has two, its figures by
    column header."""

    label: str
    side: str
    cells: dict[str, TableCell] = field(default_factory=dict)


@dataclass
class CellTable:
    """A table read back from cells on their own lines: title, year, header and rows."""

    title: str
    year: Optional[int]
    header: list[str]
    rows: list[CellRow]


@dataclass
class _Cell:
    text: str
    location: Location


@lru_cache(maxsize=1)
def _spec() -> dict:
    d = patterns.load("cell_tables")
    return {"max_cell": d["max_cell"], "max_header": d["max_header"], "min_rows": d["min_rows"],
            "min_columns": d["min_columns"], "value_column": regex.compile(d["value_column"]),
            "label_column": regex.compile(d["label_column"]),
            "unit_line": regex.compile(d["unit_line"]), "title": regex.compile(d["title"]),
            "unit": regex.compile(d["unit"])}


def _runs(doc: Document) -> list[tuple[int, list[_Cell], Optional[str]]]:
    """Runs of short cells: (block index where the run starts, its cells, its unit). Paragraphs between two '|' lines
    are one cell (一般公共 / 预算); without '|' lines each paragraph is one; in a one-column '|' table a blank line is a
    blank cell (a figure left empty), which keeps the cells after it in their columns."""
    spec = _spec()
    runs, cells, pending = [], [], []
    start, unit = None, None

    def flush():
        if pending:
            cells.append(_Cell("".join(c.text for c in pending), pending[0].location))
            pending.clear()

    def close():
        nonlocal cells, start
        flush()
        if start is not None and cells:
            runs.append((start, cells, unit))
        cells, start = [], None

    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            if block.width > 1 and any(compact(c.text) for row in block.rows for c in row):
                close()
                continue
            unit = block.unit or unit
            start = i if start is None else start
            filled = any(row and compact(row[0].text) for row in block.rows)
            for r, row in enumerate(block.rows):
                flush()
                text = compact(row[0].text) if row else ""
                if text:
                    cells.append(_Cell(text, block.cell_location(row[0])))
                elif filled:
                    cells.append(_Cell("", Location(page=block.page, table=block.index, row=r + 1, col=1)))
            continue
        text = compact(block.text)
        if not text:
            continue
        if spec["unit_line"].search(text):
            close()
            found = spec["unit"].search(text)
            unit = found.group() if found else unit
            continue
        if len(text) > spec["max_cell"]:
            close()
            continue
        start = i if start is None else start
        pending.append(_Cell(text, block.location()))
        if not _separated(doc.blocks, i):
            flush()
    close()
    return runs


def _separated(blocks: list, i: int) -> bool:
    """Whether cells around paragraph i are marked off by '|' lines (paragraphs between them make one cell)."""
    return any(isinstance(b, Table) and not any(compact(c.text) for r in b.rows for c in r)
               for b in blocks[max(0, i - 2):i + 3])


def _title(doc: Document, start: int) -> tuple[str, Optional[int]]:
    spec = _spec()
    for block in reversed(doc.blocks[max(0, start - 4):start]):
        if isinstance(block, Paragraph):
            t = compact(block.text)
            if spec["title"].search(t):
                m = YEAR.search(t)
                return t, int(m.group(1)) if m else None
    return "", None


def _figure(text: str, unit: Optional[str]) -> Optional[Figure]:
    fig = parse_cell(text)
    if fig is not None and fig.kind == "number" and unit:
        fig = Figure(fig.value, fig.decimals, unit, "amount", fig.raw, fig.start, fig.end)
    return fig


def _without_row_marks(cells: list[_Cell]) -> list[_Cell]:
    """The cells of a table whose rows are each opened by a line of '|' alone (| / 项 目 | / 预 算 数 | / … / | / 合 计 |
    / 246 | …): those blank marks dropped, when they open the run and recur at one step; the cells as they are
    otherwise (a blank then stands for an empty figure)."""
    blanks = [k for k, c in enumerate(cells) if not c.text]
    if len(blanks) < 2 or blanks[0] != 0:
        return cells
    step = blanks[1]
    if step < 3 or any(b != k * step for k, b in enumerate(blanks)) or len(cells) - blanks[-1] > step:
        return cells
    return [c for c in cells if c.text]


def _read(cells: list[_Cell], unit: Optional[str]) -> Optional[tuple[list[str], list[CellRow]]]:
    spec = _spec()
    cells = _without_row_marks(cells)
    figs = [_figure(c.text, unit) for c in cells]
    first = next((k for k, f in enumerate(figs) if f is not None), None)
    if first is None or first < 3 or first - 1 > spec["max_header"]:
        return None
    header = [c.text for c in cells[:first - 1]]
    width = len(header)
    shape = [figs[first - 1 + k] is not None for k in range(width) if first - 1 + k < len(figs)]
    if len(shape) < width or shape[0] or sum(shape) < spec["min_columns"]:
        return None
    if not all(spec["value_column" if is_figure else "label_column"].match(h) for h, is_figure in zip(header, shape)):
        return None
    rows = []
    at = first - 1
    while at + width <= len(cells):
        group = range(at, at + width)
        if [figs[k] is not None or (is_figure and not cells[k].text) for k, is_figure in zip(group, shape)] != shape:
            break
        side = ""
        for k, is_figure in zip(group, shape):
            column = header[k - at]
            if not is_figure:
                side = column
                rows.append(CellRow(cells[k].text, side))
                continue
            c = cells[k]
            if figs[k] is not None:
                rows[-1].cells[column] = TableCell(figs[k], 0, k - at, c.location, f"{rows[-1].label} | {c.text}")
        at += width
    if len({r.side for r in rows}) * spec["min_rows"] > len(rows):
        return None
    return header, rows


def cell_tables(doc: Document) -> list[CellTable]:
    out = []
    for start, cells, unit in _runs(doc):
        found = _read(cells, unit)
        if found is None:
            continue
        title, year = _title(doc, start)
        out.append(CellTable(title, year, *found))
    return out
