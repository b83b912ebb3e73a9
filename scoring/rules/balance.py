"""balance.rollforward — 期初 + 收入 − 支出 = 期末, per table row and in running text.

Fails:  公用经费 | 66.81 | 0.41 | 64.99 | 61.39 | 3.98   (0.41 + 64.99 − 61.39 = 4.01 ≠ 3.98: error)
Passes: 人员经费 | 408.06 | 0.25 | 545.51 | 514.68 | 31.08 (0.25 + 545.51 − 514.68 = 31.08)
An empty 期初, 收入 or 支出 cell counts as 0 when the row has a 期末; a row without 期末 is not checked.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from extractor.facts import Facts, TableView, concept_of
from extractor.figures import Figure
from scoring.model import Check
from scoring.rounding import compare, exact, interval, render
from scoring.rules.common import evidence, exact_kind, shown

RULE = "balance.rollforward"
ROLES = ("opening_balance", "actual_income", "actual_expenditure", "closing_balance")


def _check(sources: dict, label: str) -> Check:
    figs: dict[str, Optional[Figure]] = {k: (s.figure if s is not None else None) for k, s in sources.items()}
    closing = sources["closing_balance"]
    scale = closing.figure.scale
    acc = exact(Decimal(0))
    for role, sign in (("opening_balance", 1), ("actual_income", 1), ("actual_expenditure", -1)):
        f = figs[role]
        if f is None:
            continue
        iv = interval(f, exact_value=exact_kind(f))
        acc = acc + iv if sign > 0 else acc - iv
    verdict = compare(acc, closing.figure, scale=scale)
    expected_value = acc.mid / scale
    expected = render(expected_value, closing.figure.decimals)
    diff = render(closing.figure.value - expected_value, closing.figure.decimals)
    unit = closing.figure.unit or ""
    shown_parts = [shown(figs[r]) if figs[r] is not None else "0" for r in ROLES[:3]]
    arithmetic = f"{shown_parts[0]} + {shown_parts[1]} − {shown_parts[2]} = {expected}{unit}"
    used = [s for s in sources.values() if s is not None]
    if verdict == "pass":
        message = f"{label}：期初 + 收入 − 支出 = 期末，{arithmetic}，与所列期末 {shown(closing.figure)} 相符（在打印精度内）。"
    else:
        message = (f"{label}：期末余额不能由期初 + 收入 − 支出推出，{arithmetic}，"
                   f"所列期末 {shown(closing.figure)}，差额 {diff}{unit}。")
    return Check.judged(verdict, rule=RULE, message=message, concept="closing_balance",
                        reported=closing.figure.raw, expected=expected, difference=diff, unit=closing.figure.unit,
                        numbers=[s.figure.raw for s in [sources[r] for r in ROLES] if s is not None],
                        evidence=evidence([closing] + [u for u in used if u is not closing]))


def _columns(view: TableView) -> dict[str, int]:
    cols = {}
    for c in view.data_cols:
        concept = concept_of(view.headers[c] or "")
        if concept in ROLES and concept not in cols:
            cols[concept] = c
    return cols


def _table_checks(view: TableView) -> list[Check]:
    cols = _columns(view)
    if "closing_balance" not in cols or len(cols) < 3:
        return []
    checks = []
    for r in range(view.header_rows, len(view.table.rows)):
        closing = view.cell(r, cols["closing_balance"])
        if closing is None:
            continue
        sources = {role: (view.cell(r, cols[role]) if role in cols else None) for role in ROLES}
        if sum(1 for s in sources.values() if s is not None) < 3:
            continue
        label = f"表{view.table.index}“{view.row_labels[r] or f'第{r + 1}行'}”行"
        checks.append(_check(sources, label))
    return checks


def _text_checks(facts: Facts) -> list[Check]:
    checks = []
    for pf in facts.paragraphs:
        found: dict[str, list] = {r: [] for r in ROLES}
        for f in pf.facts:
            if f.figure.kind == "amount" and not f.figure.approximate and f.concept in ROLES:
                if any(w in f.label for w in ("预算", "三公", "公用")):
                    continue
                found[f.concept].append(f)
        if all(len(found[r]) == 1 for r in ROLES):
            checks.append(_check({r: found[r][0] for r in ROLES}, "正文"))
    return checks


def check(facts: Facts) -> list[Check]:
    out = _text_checks(facts)
    for view in facts.tables:
        out += _table_checks(view)
    return out
