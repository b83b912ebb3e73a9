"""项目支出绩效自评表: the funds block, the indicator rows, the 总分 and 等级 rows, and the notes below.

Rows and columns are found by the words of patterns/project_tables.yaml, so a provincial variant that
renames a column or moves it needs no code change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

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
    aligned: bool = False
    fused: bool = False

    @property
    def where(self) -> str:
        """How findings name the table: 表3, or where a table whose grid was lost begins."""
        if self.table is not None:
            return f"表{self.table}"
        how = "数字连写，按模板拆分" if self.fused else "表格线已丢失，按模板还原"
        return f"{self.first.describe() if self.first else ''}起的自评表（{how}）"

    @property
    def fund_total(self) -> Optional[FundRow]:
        return next((f for f in self.funds if f.kind == "total"), None)


def _text(cell: Cell) -> str:
    return compact(cell.text)


ANNOTATION = regex.compile(r"(?:[（(][^（）()]*[)）])+$")
HEADER_WEIGHT = regex.compile(r"[（(](\d+(?:\.\d+)?)分")


def columns_of(row: list[Cell], spec: dict) -> dict[str, int]:
    """Column index per role: each header cell, with or without a trailing note in brackets (预算数(A), 执行率(B/A),
    得分(20分*执行率)), takes the role of the longest synonym it equals or ends with; a role seen twice keeps its
    first column."""
    out: dict[str, int] = {}
    key = id(spec)
    _synonyms(key, spec)
    for c, cell in enumerate(row):
        t = _text(cell)
        if not t:
            continue
        role = _role(t, key)
        if role is not None and role not in out:
            out[role] = c
    return out


@lru_cache(maxsize=8192)
def _role(t: str, key: int) -> Optional[str]:
    """The role a header cell's compacted text takes under the column spec of _SYNONYMS[key], or None."""
    lengths, roles = _SYNONYMS[key]
    forms = (t, ANNOTATION.sub("", t)) if t[-1] in ")）" else (t,)
    return next((roles[f[-n:]] for n in lengths for f in forms if f[-n:] in roles), None)


_SYNONYMS: dict[int, tuple[list[int], dict[str, str]]] = {}


def _synonyms(key: int, spec: dict) -> tuple[list[int], dict[str, str]]:
    """A column spec's synonym lengths, longest first, and its role by synonym (a synonym of two roles keeps the
    first), built once per spec: the loaded patterns live as long as the process."""
    if key not in _SYNONYMS:
        roles: dict[str, str] = {}
        for role, ws in spec.items():
            for w in ws:
                roles.setdefault(w, role)
        _SYNONYMS[key] = sorted({len(w) for w in roles}, reverse=True), roles
    return _SYNONYMS[key]


def total_label(text: str, words: list[str]) -> bool:
    """Whether a row's label names the funds total: it ends with one of words, or does before the colon some forms
    print after it (年度资金总额:, the 安徽 template). A source row's colon is kept: 其他资金: heads a list of another
    breakdown in the 湖南 整体支出 form."""
    label = compact(text)
    return any(label.endswith(w) or label.rstrip(":：").endswith(w) for w in words)


def _label(row: list[Cell], upto: int) -> str:
    for cell in row[:upto]:
        if not cell.covered and _text(cell):
            return _text(cell)
    return ""


def _cell(row: list[Cell], c: Optional[int]) -> Optional[Cell]:
    """The row's cell at column c, or None outside the row (a row placed by its anchor cells may not reach a column)."""
    return row[c] if c is not None and 0 <= c < len(row) else None


def _value(table: Table, row: list[Cell], c: int, label: str = "") -> Optional[Value]:
    if not 0 <= c < len(row):
        return None
    cell = row[c]
    text = cell.text.strip()
    fig = parse_cell(text) if text and text not in ("—", "-", "/") else None
    return Value(text, fig, table.cell_location(cell), f"{label} | {text}" if label else text)


def bracket_weight(text: str, location: Location) -> Optional[Value]:
    """A 分值 a header's (compacted) text prints in brackets ((20分)), as a value standing where the text does."""
    m = HEADER_WEIGHT.search(text)
    return Value(m.group(1), parse_cell(m.group(1)), location, text) if m is not None else None


def _header_weight(table: Table, row: list[Cell]) -> Optional[Value]:
    """The funds block's 分值 printed in its header instead of a column (预算执行情况(万元)(20分) | … | 得分(20分*执行率)):
    the first weight in brackets of a header cell."""
    return next((v for cell in row if not cell.covered
                 and (v := bracket_weight(_text(cell), table.cell_location(cell))) is not None), None)


def read_project_table(table: Table, notes: list[str]) -> Optional[ProjectTable]:
    """The table as a 项目支出绩效自评表, or None when it is not one. In a table whose rows lost cells (a text table
    whose merged cells vanished) a row shorter than its header is placed by its anchor cells (see _shift); a table
    where such a row with figures could not be placed keeps no total, so no sum is checked over rows that are
    missing."""
    spec = patterns.load("project_tables")
    fund_cols = ind_cols = None
    fund_header = ind_header = None
    for r, row in enumerate(table.rows):
        if fund_cols is None:
            cols = columns_of(row, spec["funds"]["columns"])
            if {"budget", "actual"} <= set(cols):
                fund_cols, fund_header = cols, r
            continue
        cols = columns_of(row, spec["indicators"]["columns"])
        if {"level1", "score"} <= set(cols) and ("target" in cols or "actual" in cols):
            ind_cols, ind_header = cols, r
            break
    if fund_cols is None or ind_cols is None:
        return None
    out = ProjectTable(table.index, table.unit, notes=notes)
    first_fund_col = min(fund_cols.values())
    header_weight = None if "weight" in fund_cols else _header_weight(table, table.rows[fund_header])
    fund_width = len(table.rows[fund_header])
    for row in table.rows[fund_header + 1:ind_header]:
        shift = _shift(row, fund_cols, fund_width, ("rate",), _is_rate)
        label = _label(row, max(1, first_fund_col - shift))
        kind = ("total" if total_label(label, spec["funds"]["total_rows"]) else
                "part" if any(w in label for w in spec["funds"]["part_rows"]) else None)
        if kind is None:
            continue
        label = label.rstrip(":：")
        out.aligned |= shift > 0
        cells = {role: v for role, c in fund_cols.items() if (v := _value(table, row, c - shift, label)) is not None}
        if kind == "total" and header_weight is not None:
            cells["weight"] = header_weight
        out.funds.append(FundRow(label, kind, cells))
    level1 = ""
    missed = False
    first_ind_col = min(ind_cols.values())
    ind_width = len(table.rows[ind_header])
    for row in table.rows[ind_header + 1:]:
        shift = _shift(row, ind_cols, ind_width, ("weight", "score"), plain_number)
        label = _label(row, max(1, first_ind_col + 1 - shift))
        if any(label.startswith(w) for w in spec["grade_rows"]):
            out.grade = next((Value(c.text.strip(), None, table.cell_location(c)) for c in row[1:]
                              if not c.covered and _text(c) and _text(c) != label), None)
            continue
        if any(label == w for w in spec["indicators"]["total_rows"]):
            if len(row) < ind_width and not shift:
                missed = True
                continue
            for role in ("weight", "score"):
                c = ind_cols.get(role)
                v = _value(table, row, c - shift, label) if c is not None else None
                if v is not None and v.figure is not None:
                    out.total[role] = v
            continue
        if "level1" in ind_cols:
            cell = _cell(row, ind_cols["level1"] - shift)
            if cell is not None and _text(cell):
                level1 = _text(cell)
        name_col = ind_cols.get("level3", ind_cols.get("level2"))
        cell = _cell(row, None if name_col is None else name_col - shift)
        name = _text(cell) if cell is not None else ""
        cells = {role: v for role, c in ind_cols.items() if (v := _value(table, row, c - shift, name)) is not None}
        if name and cells.get("score") is not None and cells["score"].figure is not None:
            out.aligned |= shift > 0
            out.indicators.append(IndicatorRow(name, level1, cells))
        elif len(row) < ind_width and any(plain_number(_text(c)) for c in row):
            missed = True
    if missed:
        out.total = {}
    return out


def rate_agrees(actual: Figure, budget: Figure, rate: Figure, spread: Optional[Decimal] = None) -> bool:
    """Whether 执行数 ÷ 预算数 gives the printed 执行率 (in percent), each figure standing for ±½ unit of its last
    printed digit; with spread, only when the two amounts are fine enough to give the rate within spread points (1
    and 0 give any rate from 0% to 100%)."""
    def bounds(fig: Figure) -> tuple[Decimal, Decimal]:
        half = Decimal(5) * Decimal(10) ** (-(fig.decimals + 1))
        return fig.value - half, fig.value + half

    (a_lo, a_hi), (b_lo, b_hi), (r_lo, r_hi) = bounds(actual), bounds(budget), bounds(rate)
    if b_lo <= 0:
        return False
    low, high = a_lo / b_hi * 100, a_hi / b_lo * 100
    return (spread is None or high - low <= spread) and low < r_hi and high > r_lo


def _is_rate(text: str) -> bool:
    fig = parse_cell(text) if text else None
    return fig is not None and fig.kind == "rate"


def plain_number(text: str) -> bool:
    """Whether a cell is one bare figure or score (a 分值 or 得分), not an amount, rate or count."""
    fig = parse_cell(text) if text else None
    return fig is not None and fig.kind in ("number", "score")


def _shift(row: list[Cell], cols: dict[str, int], width: int, anchor: tuple[str, ...], fits) -> int:
    """How far a row that lost cells at its left (a text table whose merged cells vanished) stands from its header:
    its anchor cells (the funds row's one % value; an indicator row's last 分值 and 得分, with nothing but words after
    them) are matched to their header columns. 0 for a row as wide as its header, or one the anchor does not place."""
    if len(row) >= width or not all(a in cols for a in anchor):
        return 0
    texts = [_text(c) for c in row]
    if len(anchor) == 1:
        found = [i for i, t in enumerate(texts) if fits(t)]
        if len(found) != 1:
            return 0
        shift = cols[anchor[0]] - found[0]
    else:
        last = max((i for i, t in enumerate(texts) if fits(t)), default=-1)
        if last < len(anchor) - 1 or not all(fits(texts[last - k]) for k in range(len(anchor))):
            return 0
        if [cols[a] for a in anchor] != list(range(cols[anchor[-1]] - len(anchor) + 1, cols[anchor[-1]] + 1)):
            return 0
        shift = cols[anchor[-1]] - last
    return shift if 0 < shift <= width - len(row) else 0


def _read_any(pt: ProjectTable) -> bool:
    """Whether the grid gave a figure: a table whose header was found but whose rows placed none (values on a line of
    their own, merged cells dropped) is left to the reading by the template."""
    return bool(pt.indicators or pt.total) or any(v.figure is not None for f in pt.funds for v in f.cells.values())


def project_tables(doc: Document) -> list[ProjectTable]:
    """Every 项目支出绩效自评表 of the document, each with the paragraphs that follow it as its notes. A table whose rows
    differ in length (a text table whose merged or blank cells vanished) is read both by its grid and by the template
    (extractor/flattened.py), and the reading that places more figures is kept."""
    from extractor.flattened import flattened_project_tables
    from extractor.fused import fused_project_tables
    out = []
    blocks = doc.blocks
    grids: dict[int, Table] = {}
    for i, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        notes = []
        for after in blocks[i + 1:i + 8]:
            if not isinstance(after, Paragraph):
                break
            notes.append(compact(after.text))
        found = read_project_table(block, notes)
        if found is not None and _read_any(found):
            out.append(found)
            grids[block.index] = block
    flats = flattened_project_tables(doc, set(), frozenset(k for k, t in grids.items() if not _ragged(t)))
    starts = {ft.first.table: ft for ft in flats if ft.first is not None and ft.first.table in grids}
    kept = [starts[pt.table] if pt.table in starts and _ragged(grids[pt.table]) and _placed(starts[pt.table]) >
            _placed(pt) else pt for pt in out]
    kept += [ft for ft in flats if ft.first is None or ft.first.table not in grids]
    return kept + [ft for ft in fused_project_tables(doc) if not _read_before(ft, kept)
                   and (ft.fund_total is not None or not kept)]


def _read_before(fused: ProjectTable, tables: list[ProjectTable]) -> bool:
    """Whether a table of fused funds rows repeats the funds total of a table read otherwise (a summary of the table
    printed above it)."""
    def amounts(pt: ProjectTable) -> Optional[tuple]:
        total = pt.fund_total
        if total is None:
            return None
        figures = [total.cells.get(k) for k in ("budget", "actual")]
        return tuple(v.figure.value if v is not None and v.figure is not None else None for v in figures)
    mine = amounts(fused)
    return mine is not None and any(amounts(pt) == mine for pt in tables)


def _ragged(table: Table) -> bool:
    return len({len(row) for row in table.rows if len(row) > 1}) > 1


def _placed(pt: ProjectTable) -> int:
    """How many figures a reading put in their cells: the indicator rows' and the funds rows'."""
    return sum(1 for ind in pt.indicators for v in ind.cells.values() if v.figure is not None) + sum(
        1 for f in pt.funds for v in f.cells.values() if v.figure is not None)
