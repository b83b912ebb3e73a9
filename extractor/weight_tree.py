"""Weight trees of scoring tables: each indicator with its printed weight (分值/权重) and its children, by level.

Levels come from the header's 一级指标 | 二级指标 | 三级指标 columns; a weight from its own column or from the label
(部门决策(25分), 投入(15)). A header cell left of the levels that carries a weight (绩效指标(90分)) is a root over the
block's 一级 indicators, and so is a funds header's first cell (预算执行情况(10分)) over its 总额 row's weight.
In a grid, covered and empty level cells continue the indicator above. In a text table whose merged cells were lost,
a row that omits its leading cells holds the last levels (right-aligned), and the cells after its labels follow the
deepest level's column; such a tree is marked lost_grid. A node is complete when a sibling, a higher level, a new
header, a total row or a stop row follows it (a header repeated on the next page continues the table); the end of a
table leaves the open nodes incomplete (the rest may stand on the next page or past the excerpt). A 得分 column after
the deepest level's 分值 gives each deepest indicator its score, and the total row its total score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import patterns
from extractor.figures import Figure, parse_cell
from extractor.model import Cell, Location, Table
from extractor.normalize import compact


@dataclass
class Node:
    """An indicator (or a root block) with its printed weight, if any."""

    level: int
    name: str
    weight: Optional[Figure]
    location: Location
    quote: str
    children: list["Node"] = field(default_factory=list)
    complete: bool = False
    broken: bool = False
    score: Optional[tuple[Figure, Location, str]] = None
    bonus: bool = False


@dataclass
class Total:
    figure: Figure
    location: Location
    quote: str
    parts: list[Node]
    complete: bool
    score: Optional[tuple[Figure, Location, str]] = None


@dataclass
class WeightTree:
    """The weight nodes of one table; lost_grid when rows were placed by right-alignment (text without a grid);
    partial when an indicator may be unseen (its label printing no weight), so only a group that adds up is judged."""

    table: int
    nodes: list[Node] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    lost_grid: bool = False
    name: str = ""
    partial: bool = False

    @property
    def where(self) -> str:
        return self.name or f"表{self.table}"

    def close_from(self, level: int) -> None:
        """Marks the groups at this level and deeper complete (a row known to open at this level or above follows)."""
        for node in self.nodes:
            if node.level >= level:
                node.complete = True


def _spec() -> dict:
    return patterns.load("weight_trees")


def label_weight(text: str, spec: dict) -> tuple[str, Optional[Figure]]:
    """The name and the weight a label prints (部门决策(25分) → 部门决策, 25)."""
    return _label_weight(compact(text), spec["label_weight"], spec["max_weight"], spec["max_bare"])


@lru_cache(maxsize=8192)
def _label_weight(t: str, pattern: str, max_weight, max_bare) -> tuple[str, Optional[Figure]]:
    """label_weight of a compacted text, by text (tables repeat their labels, and rows are read more than once)."""
    m = patterns.compiled(pattern).match(t)
    if m is None:
        return t, None
    inner, unit = m.group("inner"), m.group("unit")
    if patterns.compiled(r"\d").search(inner) or (inner and not unit):
        return t, None
    value = Decimal(m.group("value"))
    if value > max_weight or (not unit and value > max_bare):
        return t, None
    fig = parse_cell(m.group("value"))
    return (m.group("name") or inner or t), fig


def _weight_cell(text: str, spec: dict) -> Optional[Figure]:
    t = text.strip()
    fig = parse_cell(t) if t else None
    if fig is None or fig.kind not in ("number", "score") or fig.value < 0 or fig.value > spec["max_weight"]:
        return None
    return fig


def _blank(text: str) -> bool:
    return compact(text) in ("", "—", "-", "/", "－", "——")


def _label_like(text: str, spec: dict) -> bool:
    t = compact(text)
    if not t:
        return False
    if label_weight(t, spec)[1] is not None:
        return True
    return _words(t)


@lru_cache(maxsize=8192)
def _words(t: str) -> bool:
    """Whether a compacted text holds a Chinese character and is no figure."""
    return bool(patterns.compiled(r"\p{Han}").search(t)) and parse_cell(t) is None


@dataclass
class _Header:
    row: int
    levels: list[int]
    level_weights: dict[int, int]
    leaf_weight: Optional[int]
    root: Optional[Node]
    width: int
    ragged: bool
    leaf_score: Optional[int] = None


def _levels_header(table: Table, r: int, spec: dict) -> Optional[_Header]:
    row = table.rows[r]
    if sum(1 for cell in row if "级" in cell.text and not cell.covered) < 2:
        return None
    levels: dict[int, int] = {}
    for c, cell in enumerate(row):
        m = patterns.compiled(spec["level_header"]).match(compact(cell.text)) if not cell.covered and "级" in cell.text else None
        if m is not None:
            levels.setdefault("一二三四".index(m.group("level")), c)
    if len(levels) < 2 or sorted(levels) != list(range(len(levels))):
        return None
    cols = [levels[k] for k in sorted(levels)]
    if cols != sorted(cols):
        return None
    level_weights, leaf = {}, None
    for c, cell in enumerate(row):
        if cell.covered or not patterns.compiled(spec["weight_header"]).match(compact(cell.text)):
            continue
        if c - 1 in cols[:-1]:
            level_weights[cols.index(c - 1)] = c
        elif c > cols[-1] and leaf is None:
            leaf = c
    root = None
    first = next((c for c in range(cols[0]) if not row[c].covered and compact(row[c].text)), None)
    if first is not None:
        name, weight = label_weight(row[first].text, spec)
        if weight is not None:
            root = Node(0, name, weight, table.cell_location(row[first]), compact(row[first].text)[:60])
    end = leaf if leaf is not None else len(row)
    ragged = not any(patterns.compiled(spec["text_header"]).search(compact(row[c].text)) for c in range(cols[-1] + 1, end))
    score = None
    if leaf is not None:
        score = next((c for c in range(leaf + 1, len(row)) if not row[c].covered
                      and patterns.compiled(spec["score_header"]).match(compact(row[c].text))), None)
    return _Header(r, cols, level_weights, leaf, root, len(row), ragged, score)


def _fund_header(table: Table, r: int, spec: dict) -> Optional[tuple[Node, int, int]]:
    """A funds header opened by a weighted label (预算执行情况(10分)): its root, weight column and first value column."""
    row = table.rows[r]
    first = next((cell for cell in row if not cell.covered and compact(cell.text)), None)
    if first is None:
        return None
    name, weight = label_weight(first.text, spec)
    if weight is None:
        return None
    filled = [(c, cell) for c, cell in enumerate(row) if not cell.covered and compact(cell.text)]
    w = next((c for c, cell in filled if patterns.compiled(spec["weight_header"]).match(compact(cell.text))), None)
    v = next((c for c, cell in filled if patterns.compiled(spec["fund_value_header"]).match(compact(cell.text))), None)
    if w is None or v is None or v > w:
        return None
    return Node(0, name, weight, table.cell_location(first), compact(first.text)[:60]), w, v


def _grid(table: Table) -> bool:
    return any(cell.covered for row in table.rows for cell in row)


class _Reader:
    def __init__(self, table: Table, spec: dict, text: bool, headers: list[Optional[_Header]]):
        self.table, self.spec, self.text = table, spec, text
        self.headers = headers
        self.tree = WeightTree(table.index)
        self.open: list[Node] = []
        self.header: Optional[_Header] = None
        self.tops: list[Node] = []

    def close(self, level: int) -> None:
        while self.open and self.open[-1].level >= level:
            self.open.pop().complete = True

    def close_all(self) -> None:
        self.close(0)
        self.header = None

    def add(self, node: Node) -> None:
        self.close(node.level)
        if self.open:
            self.open[-1].children.append(node)
        else:
            self.tops.append(node)
        self.tree.nodes.append(node)
        self.open.append(node)

    def breaks(self) -> None:
        for node in self.open:
            node.broken = True

    def total(self, row: list[Cell]) -> None:
        """A total row: its weight (in the weight column of a grid, or the cell after its label in text) against the
        blocks read since the table's start or the last total."""
        fig, cell = None, None
        header = self.header
        col = header.leaf_weight if header is not None else None
        if col is not None and not self.text and col < len(row) and not row[col].covered:
            cell = row[col]
        elif col is not None and self.text:
            at = next((i for i, c in enumerate(row) if compact(c.text)), None)
            if at is not None and col < len(row) and at < col and all(not compact(c.text) for c in row[at + 1:col]):
                cell = row[col]
            else:
                cell = row[at + 1] if at is not None and at + 1 < len(row) else None
        if cell is not None:
            fig = _weight_cell(cell.text, self.spec)
        score = None
        sc = header.leaf_score if header is not None else None
        if sc is not None and sc < len(row) and not row[sc].covered and (not self.text or len(row) >= header.width):
            found = _weight_cell(row[sc].text, self.spec)
            score = (found, self.table.cell_location(row[sc]), compact(row[sc].text)) if found is not None else None
        self.close_all()
        tops, self.tops = self.tops, []
        if fig is None:
            return
        roots = [t for t in tops if t.level == 0]
        if roots:
            parts, complete = roots, len(roots) >= 2 and len(roots) == len(tops)
        elif tops and all(t.weight is not None for t in tops):
            parts, complete = tops, True
        else:
            return
        quote = " | ".join(compact(c.text) for c in row if compact(c.text))[:60]
        self.tree.totals.append(Total(fig, self.table.cell_location(cell), quote, parts, complete, score))

    def fund_block(self, start: int, root: Node, wcol: int, vcol: int) -> int:
        """The rows of a funds block: the 总额 row's weight is the root's part; returns the next row to read."""
        self.add(root)
        r = start + 1
        rows = self.table.rows
        while r < len(rows):
            row = rows[r]
            if self._starts_block(r):
                break
            filled = [c for c in row if not c.covered and compact(c.text)]
            if filled:
                label = compact(filled[0].text)
                if self.text:
                    i = row.index(filled[0])
                    at = i + 1 + (wcol - vcol)
                    cell = row[at] if at < len(row) else None
                else:
                    cell = row[wcol] if wcol < len(row) and not row[wcol].covered else None
                fig = _weight_cell(cell.text, self.spec) if cell is not None else None
                if fig is not None:
                    if patterns.compiled(self.spec["fund_total"]).match(label) and not root.children:
                        root.children.append(Node(1, label, fig, self.table.cell_location(cell), f"{label} | {cell.text.strip()}"))
                        if self.text:
                            self.tree.lost_grid = True
                    else:
                        root.broken = True
            r += 1
        return r

    def _texts(self, r: int) -> list[str]:
        return [compact(c.text) for c in self.table.rows[r] if not c.covered]

    def _starts_block(self, r: int) -> bool:
        row = self.table.rows[r]
        first = next((compact(c.text) for c in row if not c.covered and compact(c.text)), "")
        return (self.headers[r] is not None or _fund_header(self.table, r, self.spec) is not None
                or bool(patterns.compiled(self.spec["total_rows"]).match(first)) or bool(patterns.compiled(self.spec["stop_rows"]).match(first)))

    def row(self, row: list[Cell]) -> None:
        h = self.header
        k = len(h.levels)
        if self.text and len(row) > h.width:
            self.breaks()
            return
        if self.text:
            placed = self._text_row(row, k)
        else:
            placed = [(row[c] if c < len(row) else None) for c in h.levels]
        if placed is None:
            self.breaks()
            return
        labels, after = placed if self.text else (placed, None)
        new = [i for i, cell in enumerate(labels) if cell is not None and not cell.covered and compact(cell.text)]
        if not new:
            if self._leaf_value(row, after) is not None:
                self.breaks()
            return
        start = new[0]
        placeholders = patterns.compiled(self.spec["placeholders"])
        if new != list(range(start, start + len(new))) or any(
                placeholders.match(compact(labels[i].text)) or not _label_like(labels[i].text, self.spec) for i in new):
            self.breaks()
            return
        if start > len(self.open) - (1 if self.open and self.open[0].level == 0 else 0):
            self.breaks()
            return
        deepest = new[-1]
        for i in new:
            cell = labels[i]
            name, weight = label_weight(cell.text, self.spec)
            col_weight = None
            if i in h.level_weights:
                col_weight = self._cell_weight(row, h.level_weights[i])
            elif i == deepest and h.leaf_weight is not None:
                col_weight = self._leaf_value(row, after)
            node = Node(i + 1, name, weight or col_weight, self.table.cell_location(cell), compact(cell.text)[:60])
            if i == deepest and h.leaf_score is not None:
                node.score = self._leaf_score(row, after)
                node.bonus = bool(patterns.compiled(self.spec["stream"]["bonus"]).search(" ".join(compact(c.text) for c in row)))
            self.add(node)

    def _cell_weight(self, row: list[Cell], col: int) -> Optional[Figure]:
        if col >= len(row) or row[col].covered:
            return None
        return _weight_cell(row[col].text, self.spec)

    def _leaf_value(self, row: list[Cell], after: Optional[list[Cell]]) -> Optional[Figure]:
        h = self.header
        if h.leaf_weight is None:
            return None
        if not self.text:
            return self._cell_weight(row, h.leaf_weight)
        at = h.leaf_weight - h.levels[-1] - 1
        if after is None or at >= len(after):
            return None
        return _weight_cell(after[at].text, self.spec)

    def _leaf_score(self, row: list[Cell], after: Optional[list[Cell]]) -> Optional[tuple[Figure, Location, str]]:
        """The deepest indicator's 得分: its column in a grid, its place after the labels in text."""
        h = self.header
        if not self.text:
            cell = row[h.leaf_score] if h.leaf_score < len(row) and not row[h.leaf_score].covered else None
        else:
            at = h.leaf_score - h.levels[-1] - 1
            cell = after[at] if after is not None and at < len(after) else None
        fig = _weight_cell(cell.text, self.spec) if cell is not None else None
        return (fig, self.table.cell_location(cell), compact(cell.text)) if fig is not None else None

    def _text_row(self, row: list[Cell], k: int) -> Optional[tuple[list[Optional[Cell]], list[Cell]]]:
        """A text row's level cells and the cells after them: in their columns when the row opens with a blank cell,
        else right-aligned (the row omits the leading cells spanned from above); None when it cannot be placed."""
        h = self.header
        if row and (not compact(row[0].text) or h.level_weights or len(row) >= h.width):
            return [row[c] if c < len(row) else None for c in h.levels], row[h.levels[-1] + 1:]
        if not h.ragged:
            return None
        lead = 0
        while lead < len(row) and _label_like(row[lead].text, self.spec):
            lead += 1
        if lead == 0:
            return [None] * k, row
        if lead > k:
            return None
        if lead < k:
            self.tree.lost_grid = True
        return [None] * (k - lead) + row[:lead], row[lead:]

    def read(self) -> WeightTree:
        rows = self.table.rows
        r = 0
        while r < len(rows):
            row = rows[r]
            header = self.headers[r]
            if header is not None and self.header is not None and self._texts(r) == self._texts(self.header.row):
                r += 1
                continue
            if header is not None:
                self.close_all()
                self.header = header
                if header.root is not None:
                    self.add(header.root)
                r += 1
                continue
            fund = _fund_header(self.table, r, self.spec)
            if fund is not None:
                self.close_all()
                r = self.fund_block(r, *fund)
                self.close(0)
                continue
            first = next((compact(c.text) for c in row if not c.covered and compact(c.text)), "")
            if patterns.compiled(self.spec["total_rows"]).match(first):
                self.total(row)
            elif patterns.compiled(self.spec["stop_rows"]).match(first):
                self.close_all()
                self.tops = []
            elif self.header is not None and first:
                self.row(row)
            r += 1
        return self.tree


def weight_tree(table: Table, text: bool) -> Optional[WeightTree]:
    """The table's weight tree, or None when it has no level header. text: the table was read from plain text
    (cells without a grid)."""
    spec = _spec()
    headers = [_levels_header(table, r, spec) for r in range(len(table.rows))]
    if all(h is None for h in headers):
        return None
    tree = _Reader(table, spec, text and not _grid(table), headers).read()
    return tree if tree.nodes else None
