"""balance.rollforward — 期初 + 收入 − 支出 = 期末, per table row and in running text.

Fails:  公用经费 | 66.81 | 0.41 | 64.99 | 61.39 | 3.98   (0.41 + 64.99 − 61.39 = 4.01 ≠ 3.98: error);
        总收入为58.90亿元。…总支出为58.43亿元。总收支相抵后，结转结余为0.57亿元 (58.90 − 58.43 = 0.47: error).
Passes: 人员经费 | 408.06 | 0.25 | 545.51 | 514.68 | 31.08 (0.25 + 545.51 − 514.68 = 31.08);
        …收入总计2411.8亿元。…支出总计2315.2亿元。收支相抵，年终结余结转96.6亿元.
An empty 期初, 收入 or 支出 cell counts as 0 when the row has a 期末; a row without 期末 is not checked. In text, the
balance stated after 收支相抵 is 收入总计 (which holds the 期初) − 支出总计, the nearest two before it, and a 赤字 the
other way round (patterns/concepts.yaml net_balance); without them it is unverifiable. What is left of the money
(实际下达预算2596万元，全年度实际总支出2595.6208万元…没有执行完的0.3792万元) is the sum available before it − the spending
right before it (remainder): a reading that agrees passes; none agreeing is a finding only when a single available
sum stands in the same sentence, else unverifiable.

balance.totals — a department's 收入总计 = 支出总计, printed side by side in one sentence.

Fails:  某局2024年度部门决算说明 … 2024年度收入总计99278.25万元，支出总计99598.25万元。 (320.00万元 apart: error).
Passes: 某局2022年度部门决算情况说明 … 2022年度收入总计5,238.14万元，支出总计5,238.14万元。
Only in a document whose opening names a 部门/单位 决算 or 预算 (a government's 收入总计 and 支出总计 differ by its
balance: 收支相抵，年终结余…), with the two amounts next to each other under the same words (patterns/concepts.yaml
department_totals); 本年收入合计 against 本年支出合计, or totals with a change between them, are not compared.
A budget's total income and total spending stated apart (本年度预算总收入为376.59万元… | 本年度支出预算376.59万元) are
equal too, when each names no fund or part (patterns/concepts.yaml budget_totals).
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import Facts, TableView, TextFact, concept_of
from extractor.figures import Figure
from scoring.model import Check
from scoring.rounding import compare, exact, interval, render
from scoring.rules.common import (clause_words, evidence, exact_kind, finest_decimals, is_change, shown, unsure,
                                  unverifiable)

RULE = "balance.rollforward"
TOTALS = "balance.totals"
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
    finest = finest_decimals(closing.figure, [f for f in figs.values() if f is not None])
    unit = closing.figure.unit or ""
    shown_parts = [shown(figs[r]) if figs[r] is not None else "0" for r in ROLES[:3]]
    arithmetic = f"{shown_parts[0]} + {shown_parts[1]} − {shown_parts[2]} = {render(expected_value, finest)}{unit}"
    used = [s for s in sources.values() if s is not None]
    if verdict == "pass":
        message = f"{label}：期初 + 收入 − 支出 = 期末，{arithmetic}，与所列期末 {shown(closing.figure)} 相符（在打印精度内）。"
    else:
        message = (f"{label}：期末余额不能由期初 + 收入 − 支出推出，{arithmetic}，"
                   f"所列期末 {shown(closing.figure)}，差额 {render(closing.figure.value - expected_value, finest)}{unit}。")
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
        found: dict[str, list] = {}
        for f in pf.facts:
            if f.figure.kind == "amount" and not f.figure.approximate and f.concept in ROLES:
                if any(w in f.label for w in ("预算", "三公", "公用")):
                    continue
                found.setdefault(f.concept, []).append(f)
        if len(found) == len(ROLES) and all(len(found[r]) == 1 for r in ROLES):
            checks.append(_check({r: found[r][0] for r in ROLES}, "正文"))
    return checks


@lru_cache(maxsize=1)
def _net_spec() -> dict:
    d = patterns.load("concepts")["net_balance"]
    return {**{k: regex.compile(d[k]) for k in ("cue", "income", "expenditure", "closing", "deficit")},
            "look_back": d["look_back"]}


def _amounts_before(facts: Facts, index: int, end: int, stop: tuple[int, int]) -> list[TextFact]:
    """The amounts before position end of paragraph index, nearest first, back to position stop (paragraph, offset)
    and at most look_back paragraphs."""
    out = []
    for k in range(index, max(stop[0], index - _net_spec()["look_back"]) - 1, -1):
        pf = facts.paragraphs[k]
        for f in reversed(pf.facts):
            if (f.figure.kind == "amount" and (k != index or f.figure.end <= end)
                    and (k != stop[0] or f.figure.start >= stop[1])):
                out.append(f)
    return out


def _net_balances(facts: Facts) -> list[Check]:
    """收支相抵: the balance after the cue against 收入总计 − 支出总计 before it."""
    spec = _net_spec()
    out, previous = [], (0, 0)
    for index, pf in enumerate(facts.paragraphs):
        text = pf.norm.text
        for m in spec["cue"].finditer(text):
            sentence = next((i for i, (a, b) in enumerate(pf.sentence_spans) if a <= m.start() < b), None)
            after = [f for f in pf.facts if f.figure.start >= m.end() and f.sentence == sentence]
            closing = after[0] if after and after[0].figure.kind == "amount" else None
            stop, previous = previous, (index, m.end())
            if closing is None or closing.figure.approximate:
                continue
            deficit = bool(spec["deficit"].search(closing.label))
            if not deficit and not spec["closing"].search(closing.label):
                continue
            before = _amounts_before(facts, index, m.start(), stop)
            spending = next((f for f in before if spec["expenditure"].search(f.label)), None)
            income = next((f for f in before if spec["income"].search(f.label)), None)
            if (spending is None or income is None or before.index(income) < before.index(spending)
                    or income.figure.approximate or spending.figure.approximate):
                out.append(unverifiable(RULE, closing, f"收支相抵后 {shown(closing.figure)}：未在其前找到收入总计与支出总计，"
                                                       f"无法复算。", "closing_balance"))
                continue
            out.append(_net_check(income, spending, closing, deficit))
    return out


def _net_check(income: TextFact, spending: TextFact, closing: TextFact, deficit: bool) -> Check:
    computed = interval(income.figure) - interval(spending.figure)
    if deficit:
        computed = exact(Decimal(0)) - computed
    scale, unit, decimals = closing.figure.scale, closing.figure.unit or "", closing.figure.decimals
    verdict = compare(computed, closing.figure, scale=scale)
    value = computed.mid / scale
    expected, diff = render(value, decimals), render(closing.figure.value - value, decimals)
    finest = finest_decimals(closing.figure, [income.figure, spending.figure])
    first, second = (spending, income) if deficit else (income, spending)
    arithmetic = f"{shown(first.figure)} − {shown(second.figure)} = {render(value, finest)}{unit}"
    what = "赤字：支出总计 − 收入总计" if deficit else "结余：收入总计 − 支出总计"
    message = (f"收支相抵，{what}，{arithmetic}，与所列 {shown(closing.figure)} 相符（在打印精度内）。"
               if verdict == "pass" else
               f"收支相抵后所列 {shown(closing.figure)} 与{what}不符：{arithmetic}，"
               f"差额 {render(closing.figure.value - value, finest)}{unit}。")
    return Check.judged(verdict, rule=RULE, message=message, concept="closing_balance", reported=closing.figure.raw,
                        expected=expected, difference=diff, unit=closing.figure.unit,
                        numbers=[closing.figure.raw, income.figure.raw, spending.figure.raw],
                        evidence=evidence([closing, income, spending]))


@lru_cache(maxsize=1)
def _rest_spec() -> dict:
    d = patterns.load("concepts")["remainder"]
    return {**{k: regex.compile(d[k]) for k in ("before", "after", "not_remainder", "spent", "spent_not", "available")},
            "look_back": d["look_back"], "candidates": d["candidates"]}


def _remainders(facts: Facts) -> list[Check]:
    """What is left (…实际执行43.65万元，仍有10.35万元尚未支付) against the sum available before it − the spending."""
    spec = _rest_spec()
    out = []
    for index, pf in enumerate(facts.paragraphs):
        amounts = [f for f in pf.facts if f.figure.kind == "amount"]
        for i, rest in enumerate(amounts):
            words = clause_words(pf, rest)
            if (rest.figure.approximate or i == 0 or spec["not_remainder"].search(words)
                    or not (spec["before"].search(words) or spec["after"].match(pf.norm.text, rest.figure.end))):
                continue
            spent = amounts[i - 1]
            spent_words = clause_words(pf, spent)
            if (spent.figure.approximate or not spec["spent"].search(spent_words)
                    or spec["spent_not"].search(spent_words)):
                continue
            earlier = [(f, pf) for f in reversed(amounts[:i - 1])] + [
                (f, facts.paragraphs[k]) for k in range(index - 1, max(-1, index - 1 - spec["look_back"]), -1)
                for f in reversed([g for g in facts.paragraphs[k].facts if g.figure.kind == "amount"])]
            bases = [f for f, p in earlier if not f.figure.approximate and spec["available"].search(clause_words(p, f))
                     and not spec["spent"].search(clause_words(p, f))][:spec["candidates"]]
            if bases:
                out.append(_rest_check(bases, spent, rest))
    return out


def _rest_check(bases: list[TextFact], spent: TextFact, rest: TextFact) -> Check:
    scale, unit, decimals = rest.figure.scale, rest.figure.unit or "", rest.figure.decimals
    readings = [(b, interval(b.figure) - interval(spent.figure)) for b in bases]
    verdicts = [(compare(computed, rest.figure, scale=scale), b, computed) for b, computed in readings]
    verdict, base, computed = next((v for v in verdicts if v[0] == "pass"), verdicts[0])
    same_sentence = base.block == spent.block == rest.block and base.sentence == spent.sentence == rest.sentence
    value = computed.mid / scale
    expected, diff = render(value, decimals), render(rest.figure.value - value, decimals)
    finest = finest_decimals(rest.figure, [base.figure, spent.figure])
    arithmetic = f"{shown(base.figure)} − {shown(spent.figure)} = {render(value, finest)}{unit}"
    if verdict != "pass" and (len(bases) > 1 or not same_sentence):
        return unverifiable(RULE, rest, f"余额 {shown(rest.figure)}：按{arithmetic}不符，但未能确定其前哪一数字是可用资金，"
                                        f"无法判断。", "closing_balance", [base, spent])
    message = (f"余额：可用资金 − 支出，{arithmetic}，与所列 {shown(rest.figure)} 相符（在打印精度内）。" if verdict == "pass"
               else f"所列余额 {shown(rest.figure)} 与可用资金 − 支出不符：{arithmetic}，"
                    f"差额 {render(rest.figure.value - value, finest)}{unit}。")
    return Check.judged(verdict, rule=RULE, message=message, concept="closing_balance", reported=rest.figure.raw,
                        expected=expected, difference=diff, unit=rest.figure.unit,
                        numbers=[rest.figure.raw, base.figure.raw, spent.figure.raw],
                        evidence=evidence([rest, base, spent]))


@lru_cache(maxsize=1)
def _totals_spec() -> dict:
    d = patterns.load("concepts")["department_totals"]
    return {**{k: regex.compile(d[k]) for k in ("document", "income", "expenditure", "between", "noise", "not_total",
                                                 "not_in_sentence")}, "opening": d["opening"]}


def _department_totals(facts: Facts) -> list[Check]:
    """收入总计 and 支出总计 next to each other in a department's 决算 or 预算: the two totals of its 总表."""
    spec = _totals_spec()
    if not any(spec["document"].search(pf.norm.text) for pf in facts.paragraphs[:spec["opening"]]):
        return []
    out = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        amounts = [f for f in pf.facts if f.figure.kind == "amount"]
        for first, second in zip(amounts, amounts[1:]):
            if first.sentence != second.sentence or first.figure.approximate or second.figure.approximate \
                    or not spec["between"].match(text[first.figure.end:second.figure.start - len(second.label)]):
                continue
            named = {}
            for f in (first, second):
                label = spec["noise"].sub("", f.label)
                for side in ("income", "expenditure"):
                    m = spec[side].match(label)
                    if m is not None and not spec["not_total"].search(label):
                        named[side] = (f, m.group("before"))
            if len(named) != 2 or named["income"][1] != named["expenditure"][1]:
                continue
            a, b = pf.sentence_spans[first.sentence]
            if spec["not_in_sentence"].search(text, a, b):
                continue
            out.append(_totals_check(named["income"][0], named["expenditure"][0]))
    return out


def _budget_totals(facts: Facts) -> list[Check]:
    """A budget's total income and total spending stated apart, each the only such figure of its year: equal."""
    d = patterns.load("concepts")["budget_totals"]
    noise, not_before, stages, unit_end = (patterns.compiled(d[k]) for k in ("noise", "not_before", "stages", "unit_end"))
    sides: dict[tuple[str, Optional[int], str], list[TextFact]] = {}
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.figure.kind != "amount" or f.figure.approximate or is_change(f.label):
                continue
            label = noise.sub("", f.label)
            for side in ("income", "expenditure"):
                m = patterns.compiled(d[side]).match(label)
                before = stages.sub("", m.group("before")) if m is not None else ""
                if m is not None and not not_before.search(before) and (not before or unit_end.search(before)):
                    key = "".join(sorted(set(stages.findall(m.group("before")))))
                    sides.setdefault((side, f.period, key), []).append(f)
    out = []
    for (side, period, key), found in sides.items():
        spending = sides.get(("expenditure", period, key)) if side == "income" else None
        if not spending or len({f.figure.value * f.figure.scale for f in found}) != 1 \
                or len({f.figure.value * f.figure.scale for f in spending}) != 1:
            continue
        income, spent = found[0], spending[0]
        if income.block == spent.block and income.sentence == spent.sentence:
            continue
        check = _totals_check(income, spent, ("收入预算", "支出预算"), ("预算收支应平衡",) * 2)
        if check.is_finding and any(w in f.label for pf in facts.paragraphs for f in pf.facts for w in d["carried"]):
            check = unsure(check, "文中另列结转结余，收入预算与支出预算可因之不等，无法据此判断")
        out.append(check)
    return out


def _totals_check(income: TextFact, spending: TextFact, names: tuple[str, str] = ("收入总计", "支出总计"),
                  why: tuple[str, str] = ("部门收支总表两端总计应相等", "部门收支总表的收入总计应等于支出总计")) -> Check:
    scale = income.figure.scale
    verdict = compare(interval(spending.figure), income.figure, scale=scale)
    expected = render(spending.figure.value * spending.figure.scale / scale, income.figure.decimals)
    diff = render(income.figure.value - spending.figure.value * spending.figure.scale / scale, income.figure.decimals)
    unit = income.figure.unit or ""
    if verdict == "pass":
        message = f"{names[0]} {shown(income.figure)} 与{names[1]} {shown(spending.figure)} 相等（{why[0]}）。"
    else:
        message = (f"{names[0]} {shown(income.figure)} 与{names[1]} {shown(spending.figure)} 不等，相差 {diff}{unit}；"
                   f"{why[1]}。")
    return Check.judged(verdict, rule=TOTALS, message=message, concept=None, reported=income.figure.raw,
                        expected=expected, difference=diff, unit=income.figure.unit,
                        numbers=[income.figure.raw, spending.figure.raw], evidence=evidence([income, spending]))


def check(facts: Facts) -> list[Check]:
    out = _text_checks(facts) + _net_balances(facts) + _remainders(facts) + _department_totals(facts) \
        + _budget_totals(facts)
    for view in facts.tables:
        out += _table_checks(view)
    return out
