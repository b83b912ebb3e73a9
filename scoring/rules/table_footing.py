"""table.footing — each column against its 合计/小计 row; table.crossfooting — a row against its 合计 column.

Fails:  a 合计 row whose 本年支出 cell is not the sum of the detail rows above it.
Passes: 项目经费 | 129.22 … 小计 | 129.88 = 0.25 + 0.41 + 129.22.
Rows labelled 其中 are sub-items of the row above and are not added. A 总额 row at the top of a
project table with 其中 rows below it is footed against those rows, and a 合计 row above all the items of its table
(合计 | 2378.77 then 1、因公出国（境）费用 | 0 …) against the items at its level. Rate and percent columns (…率,
增减%) are not added. Among rows numbered at two levels (一、共享收入, 1、增值税 …, 二、…) a total adds the rows of the
first row's level; a total below another total of its table (收入总计 after 区级财政收入合计) may hold that total and
rows whose level is not printed, so a footing of it that fails is unverifiable; a header row inside a table (项目 |
上年决算数 | …) ends the items of the rows above it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import Facts, TableView
from extractor.statements import statement_tables
from scoring.model import Check
from scoring.rules.common import sum_check, unsure

RULE = "table.footing"
CROSS = "table.crossfooting"
SKIP_COLUMN = regex.compile(r"率|%|％|序号|编号|权重|分值|得分|年度|年份|指标值|完成值")
HEADER_ROW = regex.compile(r"(?:项目|科目)(?:名称)?.*(?:数|金额|预算|决算)")


def _labels():
    c = patterns.load("concepts")
    return ([x.replace(" ", "") for x in c["total_row_labels"]], c["subtotal_row_labels"], c["subitem_row_prefixes"])


@lru_cache(maxsize=8192)
def row_kind(label: str) -> str:
    """subitem, subtotal, total or detail, by a row's label (cached: tables repeat their labels)."""
    totals, subtotals, subitems = _labels()
    if any(label.startswith(p) for p in subitems):
        return "subitem"
    if any(s in label for s in subtotals):
        return "subtotal"
    if any(label == t or label.endswith(t) or label.startswith(t) for t in totals):
        return "total"
    return "detail"


def _foot(view: TableView, total_row: int, part_rows: list[int], label: str, skip: frozenset[int] = frozenset()) \
        -> list[Check]:
    checks = []
    for c in view.data_cols:
        if c in skip:
            continue
        if SKIP_COLUMN.search(view.headers[c] if c < len(view.headers) else ""):
            continue
        total = view.cell(total_row, c)
        if total is None or total.figure.kind == "rate" and "比例" not in view.headers[c] and "占" not in view.headers[c]:
            continue
        parts = [view.cell(r, c) for r in part_rows if view.cell(r, c) is not None]
        if not parts:
            continue
        header = view.headers[c] or f"第{c + 1}列"
        checks.append(sum_check(RULE, total, parts, None, f"表{view.table.index}“{label}”行“{header}”", placed=True))
    return checks


def _number_style(label: str) -> Optional[int]:
    """Which of the item numberings (1、, (1), 一、, (一)) a row's label opens with, or None."""
    return next((k for k, p in enumerate(patterns.load("concepts")["top_total"]["item_numbers"])
                 if patterns.compiled(p).match(label)), None)


def _top_total(view: TableView, kinds: dict[int, str], total_row: int) -> list[Check]:
    """A 合计 row above its items (合计 | 2378.77 | … then 1、因公出国（境）费用 …, 2、…, 3、公务用车费 | 1264.23, 其中：
    (1)… | 1007.23, (2)… | 257.00): the total against the items at its level. A 其中 row opens the sub-items of the row
    before it; the rows after it are sub-items until one opens with the next number of the items' own style (4、),
    and where none is numbered they are of unknown level: a column they print a figure in is not footed."""
    items: list[int] = []
    unknown: list[int] = []
    style = None
    in_sub = False
    for r in range(total_row + 1, len(view.table.rows)):
        mark = _number_style(view.row_labels[r])
        if kinds[r] == "subitem":
            if not items:
                return []
            in_sub = True
            continue
        if in_sub:
            if style is not None and mark == style:
                in_sub = False
            elif style is None and mark is None:
                unknown.append(r)
                continue
            else:
                continue
        if kinds[r] != "detail":
            return []
        if style is None and not items:
            style = mark
        items.append(r)
    if len(items) < 2:
        return []
    blocked = frozenset(c for r in unknown for c in view.data_cols if view.cell(r, c) is not None)
    return _foot(view, total_row, items, view.row_labels[total_row], blocked)


def _footings(view: TableView) -> list[Check]:
    checks: list[Check] = []
    rows = range(view.header_rows, len(view.table.rows))
    kinds = {r: row_kind(view.row_labels[r]) for r in rows}
    pending: list[int] = []
    subtotals: list[int] = []
    totals_before: list[int] = []
    first_data = view.header_rows
    with_numbers = [r for r in rows if any((r, c) in view.numbers for c in view.data_cols)]
    top = patterns.compiled(patterns.load("concepts")["top_total"]["label"])
    if with_numbers and top.match(view.row_labels[with_numbers[0]]) and kinds.get(with_numbers[0] + 1) == "detail" \
            and not any(kinds[r] in ("total", "subtotal") for r in with_numbers[1:]):
        return _top_total(view, kinds, with_numbers[0])
    for r in rows:
        kind = kinds[r]
        has_numbers = any((r, c) in view.numbers for c in view.data_cols)
        if kind == "total" and r + 1 < len(view.table.rows) and kinds.get(r + 1) == "subitem" and not pending:
            below, unknown = [], None
            sources = patterns.compiled(patterns.load("concepts")["fund_source_rows"])
            for k in range(r + 1, len(view.table.rows)):
                if kinds.get(k) == "subitem" or (below and kinds.get(k) == "detail"
                                                 and sources.search(view.row_labels[k])):
                    below.append(k)
                elif kinds.get(k) == "detail" and any((k, c) in view.numbers for c in view.data_cols):
                    unknown = k
                    break
                else:
                    break
            found = _foot(view, r, below, view.row_labels[r])
            why = f"其后“{view.row_labels[unknown]}”一行未能确认是否也是其来源，无法据此判断。" if unknown is not None else ""
            checks += [unsure(c, why) if why and c.is_finding else c for c in found]
            pending = []
            continue
        if kind == "subtotal":
            if pending:
                checks += _foot(view, r, pending, view.row_labels[r])
            subtotals.append(r)
            pending = []
        elif kind == "total":
            parts = subtotals + pending if subtotals else _sections(view, pending)
            if parts and r > first_data:
                found = _foot(view, r, parts, view.row_labels[r])
                if totals_before:
                    why = f"其上已有合计行“{view.row_labels[totals_before[-1]]}”，本行可能含该合计及其下某行的明细，无法据此判断。"
                    found = [unsure(c, why) if c.is_finding else c for c in found]
                checks += found
            totals_before.append(r)
            pending, subtotals = [], []
        elif kind == "detail" and has_numbers:
            pending.append(r)
        elif kind == "detail" and HEADER_ROW.match(view.row_labels[r]):
            pending, subtotals = [], []
    return checks


def _sections(view: TableView, rows: list[int]) -> list[int]:
    """The rows a total adds up among detail rows numbered at two levels (一、共享收入 then 1、增值税 … 二、…): the
    rows numbered in the first row's style; all rows where the first is not numbered or no other style follows."""
    styles = {r: _number_style(view.row_labels[r]) for r in rows}
    if not rows or styles[rows[0]] is None or len(set(styles.values())) == 1:
        return rows
    return [r for r in rows if styles[r] == styles[rows[0]]]


def _crossfootings(view: TableView) -> list[Check]:
    totals = [c for c in view.data_cols if patterns.compiled(r"(合计|小计|总计|合计数|总额)").fullmatch(view.headers[c] or "")]
    checks = []
    for tc in totals:
        parts_cols = [c for c in view.data_cols if c != tc and not SKIP_COLUMN.search(view.headers[c] or "")]
        if len(parts_cols) < 2:
            continue
        for r in range(view.header_rows, len(view.table.rows)):
            total = view.cell(r, tc)
            parts = [view.cell(r, c) for c in parts_cols if view.cell(r, c) is not None]
            if total is None or len(parts) < 2 or any(p.figure.kind == "rate" for p in parts):
                continue
            checks.append(sum_check(CROSS, total, parts, None, f"表{view.table.index}第{r + 1}行合计", placed=True))
    return checks


def check(facts: Facts) -> list[Check]:
    """Every table but the standard ones of a 决算/预算 and other coded tables (statement.* reads those)."""
    out: list[Check] = []
    read = statement_tables(facts.statements)
    for view in facts.tables:
        if view.table.index in read:
            continue
        out += _footings(view) + _crossfootings(view)
    return out
