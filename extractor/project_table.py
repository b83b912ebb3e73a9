"""项目支出绩效自评表: the funds block, the indicator rows, the 总分 and 等级 rows, and the notes below.

Rows and columns are found by the words of patterns/project_tables.yaml, so a provincial variant that
renames a column or moves it needs no code change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import patterns
from extractor.figures import Figure, parse_cell
from extractor.model import Cell, Document, Location, Paragraph, Table
from extractor.normalize import compact


@dataclass
class Value:
    """A cell: its text, its figure if it holds one, and where it is."""

    text: str
    figure: Optional[Figure]
    location: Location
    quote: str = ""


@dataclass
class FundRow:
    label: str
    kind: str
    cells: dict[str, Value]


@dataclass
class IndicatorRow:
    name: str
    level1: str
    cells: dict[str, Value]


@dataclass
class ProjectTable:
    """One 项目支出绩效自评表."""

    table: Optional[int]
    unit: Optional[str]
    funds: list[FundRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    total: dict[str, Value] = field(default_factory=dict)
    grade: Optional[Value] = None
    notes: list[str] = field(default_factory=list)
    first: Optional[Location] = None

    @property
    def where(self) -> str:
        """How findings name the table: 表3, or where a table whose grid was lost begins."""
        if self.table is not None:
            return f"表{self.table}"
        return f"{self.first.describe() if self.first else ''}起的自评表（表格线已丢失，按模板还原）"

    @property
    def fund_total(self) -> Optional[FundRow]:
        return next((f for f in self.funds if f.kind == "total"), None)


def _text(cell: Cell) -> str:
    return compact(cell.text)


def _columns(row: list[Cell], spec: dict) -> dict[str, int]:
    """Column index per role: each header cell takes the role of the longest synonym it equals or ends
    with; a role seen twice keeps its first column."""
    out: dict[str, int] = {}
    for c, cell in enumerate(row):
        t = _text(cell)
        best = max(((len(w), role) for role, words in spec.items() for w in words if t == w or t.endswith(w)),
                   default=None)
        if t and best is not None and best[1] not in out:
            out[best[1]] = c
    return out


def _label(row: list[Cell], upto: int) -> str:
    for cell in row[:upto]:
        if not cell.covered and _text(cell):
            return _text(cell)
    return ""


def _value(table: Table, row: list[Cell], c: int, label: str = "") -> Optional[Value]:
    if c >= len(row):
        return None
    cell = row[c]
    text = cell.text.strip()
    fig = parse_cell(text) if text and text not in ("—", "-", "/") else None
    return Value(text, fig, table.cell_location(cell), f"{label} | {text}" if label else text)


def read_project_table(table: Table, notes: list[str]) -> Optional[ProjectTable]:
    """The table as a 项目支出绩效自评表, or None when it is not one."""
    spec = patterns.load("project_tables")
    fund_cols = ind_cols = None
    fund_header = ind_header = None
    for r, row in enumerate(table.rows):
        cols = _columns(row, spec["funds"]["columns"])
        if fund_cols is None and {"budget", "actual"} <= set(cols):
            fund_cols, fund_header = cols, r
            continue
        cols = _columns(row, spec["indicators"]["columns"])
        if fund_cols is not None and ind_cols is None and {"level1", "score"} <= set(cols) and (
                "target" in cols or "actual" in cols):
            ind_cols, ind_header = cols, r
    if fund_cols is None or ind_cols is None:
        return None
    out = ProjectTable(table.index, table.unit, notes=notes)
    first_fund_col = min(fund_cols.values())
    for row in table.rows[fund_header + 1:ind_header]:
        label = _label(row, first_fund_col)
        kind = ("total" if any(label == w or label.endswith(w) for w in spec["funds"]["total_rows"]) else
                "part" if any(w in label for w in spec["funds"]["part_rows"]) else None)
        if kind is None:
            continue
        cells = {role: v for role, c in fund_cols.items() if (v := _value(table, row, c, label)) is not None}
        out.funds.append(FundRow(label, kind, cells))
    level1 = ""
    first_ind_col = min(ind_cols.values())
    for row in table.rows[ind_header + 1:]:
        label = _label(row, first_ind_col + 1)
        if any(label.startswith(w) for w in spec["grade_rows"]):
            out.grade = next((Value(c.text.strip(), None, table.cell_location(c)) for c in row[1:]
                              if not c.covered and _text(c) and _text(c) != label), None)
            continue
        if any(label == w for w in spec["indicators"]["total_rows"]):
            for role in ("weight", "score"):
                c = ind_cols.get(role)
                v = _value(table, row, c, label) if c is not None else None
                if v is not None and v.figure is not None:
                    out.total[role] = v
            continue
        if "level1" in ind_cols:
            cell = row[ind_cols["level1"]] if ind_cols["level1"] < len(row) else None
            if cell is not None and _text(cell):
                level1 = _text(cell)
        name_col = ind_cols.get("level3", ind_cols.get("level2"))
        name = _text(row[name_col]) if name_col is not None and name_col < len(row) else ""
        cells = {role: v for role, c in ind_cols.items() if (v := _value(table, row, c, name)) is not None}
        if name and cells.get("score") is not None and cells["score"].figure is not None:
            out.indicators.append(IndicatorRow(name, level1, cells))
    return out


def project_tables(doc: Document) -> list[ProjectTable]:
    """Every 项目支出绩效自评表 of the document, each with the paragraphs that follow it as its notes."""
    out = []
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        notes = []
        for after in blocks[i + 1:i + 8]:
            if not isinstance(after, Paragraph):
                break
            notes.append(compact(after.text))
        found = read_project_table(block, notes)
        if found is not None:
            out.append(found)
    from extractor.flattened import flattened_project_tables
    return out + flattened_project_tables(doc, {pt.table for pt in out})
