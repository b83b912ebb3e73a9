"""The funds block of a self-evaluation cover form read back from its cells (extractor/funds_form.py): its rows'
balance (balance.rollforward), its columns' totals and its list of spending's 支出合计 (table.footing).

Fails:  计划安排资金 170 | 实际到位资金 170 | 实际支出 179.6 | 结余 0, 省财政 170 | 170 | 170, 其它 — | 9.6 | 9.6
        (实际到位资金 170 against 170 + 9.6 = 179.6; 结余 0 against 170 − 179.6 = −9.6).
Passes: 计划安排资金 48 | 实际到位资金 48 | 实际支出 46.5 | 结余 1.5, 县市区财政 48 | 48 | 46.5 | 1.5.
结余 = 实际到位资金 − 实际支出 in each row that prints all three; each column's total = the sum of its sources, a blank
source cell counting 0, when a source prints a value in it and every value of it reads as a figure; 支出合计 = the
sum of the spending items listed above it (办公费 9.6 … 拨出经费 11: 46.5). The form was
read back from cells copied one a line, so a failure is at most a warning.
"""
from __future__ import annotations

from typing import Optional

from extractor.facts import Facts
from extractor.funds_form import FundsForm
from extractor.project_table import Value
from scoring.model import Check
from scoring.rounding import compare, interval, render
from scoring.rules.common import evidence, lost_grid, placed_identity, sum_check

BALANCE = "balance.rollforward"
FOOTING = "table.footing"
HOW = "各数按表式逐格还原"


def check(facts: Facts) -> list[Check]:
    form = facts.funds_form
    if form is None:
        return []
    checks = []
    for name, row in [("合计", form.total)] + form.sources:
        found = _balance(form, name, row)
        if found is not None:
            checks.append(lost_grid(found, HOW))
    for k, column in enumerate(form.columns):
        total = form.total[k]
        parts = [values[k] for _, values in form.sources if values[k] is not None]
        if total is None or total.figure is None or not parts or any(p.figure is None for p in parts):
            continue
        checks.append(lost_grid(sum_check(FOOTING, total, parts, "funds_form", f"{form.where} {column}",
                                          placed=True), HOW))
    if form.spending_total is not None:
        checks.append(lost_grid(sum_check(FOOTING, form.spending_total, [v for _, v in form.spending], "funds_form",
                                          f"{form.where}后的项目支出明细 支出合计", placed=True), HOW))
    return checks


def _balance(form: FundsForm, name: str, row: list[Optional[Value]]) -> Optional[Check]:
    """结余 against 实际到位资金 − 实际支出 of one row, or None when the row does not print all three as figures."""
    _, arrived, spent, left = row
    if any(v is None or v.figure is None for v in (arrived, spent, left)):
        return None
    computed = interval(arrived.figure, base=False) - interval(spent.figure, base=False)
    verdict = compare(computed, left.figure)
    expected = render(computed.mid, left.figure.decimals)
    arithmetic = f"{arrived.figure.raw} − {spent.figure.raw} = {render(computed.mid, 2)}"
    message = (f"{form.where}“{name}”行 结余 {left.figure.raw} 与 实际到位资金 − 实际支出 相符：{arithmetic}（在打印精度内）。"
               if verdict == "pass" else
               f"{form.where}“{name}”行 结余 {left.figure.raw} 与 实际到位资金 − 实际支出 不符：{arithmetic}，"
               f"差额 {render(left.figure.value - computed.mid, 2)}。")
    return Check.judged(verdict, rule=BALANCE, message=message, concept="funds_form", reported=left.figure.raw,
                        expected=expected, difference=render(left.figure.value - computed.mid, left.figure.decimals),
                        unit="万元", numbers=[left.figure.raw, arrived.figure.raw, spent.figure.raw],
                        evidence=evidence([left, arrived, spent]),
                        identity=placed_identity([left, arrived, spent]))
