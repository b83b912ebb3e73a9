"""repeat.same_concept — one concept, stage and period printed with different values in one document.

Fails:  项目实际收入 2,093.54 万元 … 具体项目收支见下表 … 合计 | 129.22 | 2,093.53
        (the paragraph and its table's 合计 differ by 0.01: warning)
Passes: 整体支出完成率为97% printed three times, always 97%.
Two sources are compared: a paragraph that points to 下表 against that table's last 合计 row, and
concepts marked repeat: true in patterns/concepts.yaml wherever they recur in the text.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import patterns
from extractor.facts import Facts, TableView, concept_of
from scoring.model import Check
from scoring.rounding import compare, interval, render
from scoring.rules.common import evidence, shown
from scoring.rules.table_footing import row_kind

RULE = "repeat.same_concept"


def _compare(first, other, what: str, concept) -> Check:
    same_unit = first.figure.unit is None or other.figure.unit is None
    scale = Decimal(1) if same_unit else other.figure.scale
    first_value = first.figure.value if same_unit else first.figure.value * first.figure.scale / scale
    verdict = compare(interval(first.figure, base=not same_unit), other.figure, scale=scale)
    expected = render(first_value, other.figure.decimals)
    diff = render(other.figure.value - first_value, other.figure.decimals)
    if verdict == "pass":
        message = f"{what}：{shown(other.figure)} 与 {shown(first.figure)} 一致。"
    else:
        message = (f"{what}前后不一致：一处为 {shown(first.figure)}，另一处为 {shown(other.figure)}，"
                   f"相差 {diff}{other.figure.unit or first.figure.unit or ''}。")
    return Check.judged(verdict, rule=RULE, message=message, concept=concept,
                        reported=other.figure.raw, expected=expected, difference=diff, unit=other.figure.unit,
                        numbers=[other.figure.raw, first.figure.raw], evidence=evidence([other, first]))


def _next_table(facts: Facts, block: int):
    for view in facts.tables:
        if block < view.block <= block + 2:
            return view
    return None


def _column(view: TableView, fact) -> int | None:
    for c in view.data_cols:
        header = view.headers[c] or ""
        if fact.concept and concept_of(header) == fact.concept:
            return c
    for c in view.data_cols:
        header = view.headers[c] or ""
        if "总额" in fact.label and header == "金额":
            return c
        core = fact.label[-4:]
        if len(core) >= 3 and header.startswith(core) and "比例" not in header:
            return c
    return None


def _table_links(facts: Facts) -> list[Check]:
    out = []
    for pf in facts.paragraphs:
        if "下表" not in pf.norm.text:
            continue
        view = _next_table(facts, pf.block)
        if view is None:
            continue
        totals = [r for r in range(view.header_rows, len(view.table.rows)) if row_kind(view.row_labels[r]) == "total"]
        if not totals:
            continue
        total_row = totals[-1]
        for f in pf.facts:
            if f.figure.kind != "amount" or f.figure.approximate or not (f.concept or "总额" in f.label):
                continue
            c = _column(view, f)
            cell = view.cell(total_row, c) if c is not None else None
            if cell is None:
                continue
            what = f"{f.label}（正文）与表{view.table.index}合计行“{view.headers[c]}”"
            out.append(_compare(f, cell, what, f.concept))
    return out


def _text_repeats(facts: Facts) -> list[Check]:
    concepts = patterns.load("concepts")["concepts"]
    groups = defaultdict(list)
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.concept and concepts.get(f.concept, {}).get("repeat") and not f.figure.approximate:
                groups[(f.concept, f.stage, f.period, f.figure.kind)].append(f)
    out = []
    for (concept, _, _, _), group in groups.items():
        if len(group) < 2:
            continue
        first = group[0]
        seen = set()
        for other in group[1:]:
            key = other.figure.value * other.figure.scale
            if key in seen:
                continue
            seen.add(key)
            out.append(_compare(first, other, concepts[concept]["zh"], concept))
    return out


def check(facts: Facts) -> list[Check]:
    return _table_links(facts) + _text_repeats(facts)
