"""table.change — the change columns of a table that sets each row's figure beside the year before's: 增减额 = 本年 −
上年, and 增减% = (本年 − 上年) ÷ 上年 (增减额 ÷ 上年 where the table prints no 本年 column), row by row, at printed
precision (extractor/comparison_table.py reads the columns from the header).

Fails:  项目 | 上年决算数 | 本年决算数 | 增、减金额 | 增、减幅度 with 公务接待费 | 1679.69 | 1590.94 | -88.75 | -6.28%
        (1590.94 ÷ 1679.69 − 1 = −5.28%).
Passes: the same row printing -5.28%; 营业税 | 8365 | 7469 | 896 | 12.00 under 2016年预算数 | 上年完成数 | 比上年增减额 |
        比上年增减% (8365 − 7469 = 896; 896 ÷ 7469 = 12.00%).
A change or rate whose size agrees but whose sign does not is unverifiable (some tables print the size of a fall under
a 增减 header). A rate over a prior figure that is zero, negative or may be zero at printed precision is unverifiable.
A rate column printed without % is read in percent only when its header says %.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Optional

from extractor.comparison_table import ComparisonRow
from extractor.facts import Facts, TableCell
from extractor.figures import Figure
from scoring.model import Check
from scoring.rounding import compare, exact, interval, render
from scoring.rules.common import evidence, finest_decimals, placed_identity, ratio_check, shown, unverifiable

RULE = "table.change"
PERCENT_HEADER = ("%", "％")
ONE = exact(Decimal(1))


def _plain(cell: Optional[TableCell]) -> bool:
    return cell is not None and cell.figure.kind != "rate" and not cell.figure.approximate


def _placed(check: Check, sources: list[TableCell]) -> Check:
    check.identity = placed_identity(sources)
    return check


def _change(row: ComparisonRow) -> Optional[Check]:
    current, prior, change = (row.cells.get(k) for k in ("current", "prior", "change"))
    if not (_plain(current) and _plain(prior) and _plain(change)):
        return None
    scale = change.figure.scale
    difference = interval(current.figure) - interval(prior.figure)
    verdict = compare(difference, change.figure, scale=scale)
    value = difference.mid / scale
    shown_value = render(value, finest_decimals(change.figure, [current.figure, prior.figure]))
    arithmetic = f"{shown(current.figure)} − {shown(prior.figure)} = {shown_value}{change.figure.unit or ''}"
    header = row.headers.get("change", "增减额")
    sources = [change, current, prior]
    if verdict != "pass" and compare(exact(Decimal(0)) - difference, change.figure, scale=scale) == "pass" \
            and value != 0:
        return _placed(unverifiable(RULE, change, f"{row.where}“{header}” {shown(change.figure)} 与两年数之差大小相同、"
                                                  f"正负相反：{arithmetic}；表中增减的正负写法未说明，无法据此判断。",
                                    None, [current, prior]), sources)
    expected = render(value, change.figure.decimals)
    diff = render(change.figure.value - value, change.figure.decimals)
    message = (f"{row.where}“{header}” {shown(change.figure)} 与两年数之差相符：{arithmetic}。" if verdict == "pass" else
               f"{row.where}“{header}” {shown(change.figure)} 与两年数之差不符：{arithmetic}，应为 {expected}，"
               f"差额 {diff}{change.figure.unit or ''}。")
    return _placed(Check.judged(verdict, rule=RULE, message=message, reported=change.figure.raw, expected=expected,
                                difference=diff, unit=change.figure.unit,
                                numbers=[change.figure.raw, current.figure.raw, prior.figure.raw],
                                evidence=evidence(sources)), sources)


def _rate_cell(row: ComparisonRow) -> Optional[TableCell]:
    """The rate cell as a rate: printed with %, or under a header that says %."""
    cell = row.cells.get("rate")
    if cell is None or cell.figure.approximate:
        return None
    fig = cell.figure
    if fig.kind == "rate":
        return cell
    if any(w in row.headers.get("rate", "") for w in PERCENT_HEADER):
        return replace(cell, figure=Figure(fig.value, fig.decimals, "%", "rate", fig.raw, fig.start, fig.end))
    return None


def _rate(row: ComparisonRow) -> Optional[Check]:
    rate = _rate_cell(row)
    current, prior, change = (row.cells.get(k) for k in ("current", "prior", "change"))
    if rate is None or not _plain(prior) or not (_plain(current) or _plain(change)):
        return None
    base = interval(prior.figure)
    if _plain(current):
        inputs = [current, prior]
        formula = f"{row.where} {shown(current.figure)} ÷ {shown(prior.figure)} − 1"
        as_printed = current.figure.value * current.figure.scale / (prior.figure.value * prior.figure.scale) - 1 \
            if prior.figure.value else None
    else:
        inputs = [change, prior]
        formula = f"{row.where} {shown(change.figure)} ÷ {shown(prior.figure)}"
        as_printed = change.figure.value * change.figure.scale / (prior.figure.value * prior.figure.scale) \
            if prior.figure.value else None
    sources = [rate] + inputs
    if prior.figure.value <= 0 or base.lo <= 0:
        why = "为零" if prior.figure.value == 0 else "为负" if prior.figure.value < 0 else "在打印精度内可能为零"
        return _placed(unverifiable(RULE, rate, f"{row.where}上年数 {shown(prior.figure)} {why}，增减幅度 {rate.figure.raw} "
                                                f"无法复算。", None, inputs), sources)
    computed = (interval(current.figure) / base - ONE) if _plain(current) else interval(change.figure) / base
    check = ratio_check(RULE, rate, computed, inputs, None, formula)
    if check.is_finding and as_printed and compare(exact(-as_printed * 100), rate.figure) == "pass":
        return _placed(unverifiable(RULE, rate, f"{formula} = {render(as_printed * 100, 2, rate=True)}，与所列 "
                                                f"{rate.figure.raw} 大小相同、正负相反；表中增减的正负写法未说明，无法据此判断。",
                                    None, inputs), sources)
    return _placed(check, sources)


def check(facts: Facts) -> list[Check]:
    out = []
    for row in facts.comparisons:
        out += [c for c in (_change(row), _rate(row)) if c is not None]
    return out
