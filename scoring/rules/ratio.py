"""ratio.recompute — every stated rate whose inputs are stated, by the formula the document states for it
(整体支出完成率=实际支出/(上年结余结转+实际收入)×100%), else the one in patterns/formulas.yaml.

Fails:  326 个事项实现了即来即办，占比率达 30%   (326 / 1124 = 29.00% → 29%: warning, one unit off)
Passes: 财政拨款决算收入2251.36万元，财政拨款决算支出2174.42万元，整体支出完成率为97%
        (2174.42 / 2251.36 = 96.58% → 97%)
A rate whose inputs are missing, approximate (万余宗) or whose formula is unknown is unverifiable.
Also: growth rates (比上年减收D，下降r% → r = D / (X + D)), a part of a whole (累计完成A万元，完成年初预算数B万元的r%
→ r = A / B) and table rate columns (执行率 = 执行数 ÷ 预算数), also on each funds row of a 项目支出绩效自评表
read back from text whose grid was lost (全年执行数 ÷ 全年预算数; a rate printed as a fraction, 0.958, read in
percent; at most a warning). A change that names what changed (…；公务接待费支出决算减少275.00元，下降0.88%) is
counted on that item's own figure, in its clause or named so earlier in the text. A growth rate that the change
gives only read in the current figure's unit (支出完成255,325万元，比上年同期增支14,484元，增长6.01%) is still a finding,
whose message names the change's unit as the likely slip. A rate printed before its change (…完成1261.6亿元，比上年增长
41.3%，增收368.7亿元) is counted from the change after it and the amount before it.
A text 预算执行率 (资金使用率) is executed ÷ budget from the nearest amounts; a reading that agrees passes, and none
agreeing is a finding only when both amounts are in the rate's sentence (预算2596万元，实际总支出2395.62万元，执行率99%).
"""
from __future__ import annotations

import ast
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import patterns
from extractor.facts import Facts, TableView, TextFact, stage_of
from extractor.formulas import StatedFormula
from extractor.normalize import compact
from scoring.model import Check, Evidence
from scoring.rounding import Interval, exact, interval, render
from scoring.rules.common import (Source, evaluate, evidence, exact_kind, is_change, is_decrease, lost_grid,
                                  growth_interval, paren_groups, ratio_check, restated_name, shown, unsure,
                                  unverifiable)

RULE = "ratio.recompute"
FACTOR = ("×", "x", "X", "*", "＊")
# a 执行率 on a row whose rate does not stand under the header's 执行率 (a cell vanished, as in text tables whose blank
# or merged cells were dropped): which cell is missing is unknown, so nothing is found
SHIFTED = "该行单元格与表头未对齐（有单元格缺失），无法确认各数所在栏目。"
OPERATORS = {"(": "(", ")": ")", "+": "+", "-": "-", "−": "-", "/": "/", "÷": "/"}


def _window(facts: Facts, index: int, rate: TextFact) -> list[TextFact]:
    """Candidate inputs, nearest first: same sentence, earlier sentences, then a run-on previous paragraph."""
    pf = facts.paragraphs[index]
    before = [f for f in pf.facts if f.figure.start < rate.figure.start]
    same = [f for f in before if f.sentence == rate.sentence]
    earlier = [f for f in before if f.sentence != rate.sentence]
    out = list(reversed(same)) + list(reversed(earlier))
    if index > 0 and not facts.paragraphs[index - 1].closed:
        out += list(reversed(facts.paragraphs[index - 1].facts))
    return out


def _role_match(f: TextFact, spec: dict, rate: TextFact) -> bool:
    if f.figure.approximate or f.figure.kind in ("rate", "points", "number"):
        return False
    if spec.get("kind") and f.figure.kind != spec["kind"]:
        return False
    if spec.get("any") and not any(w in f.label for w in spec["any"]):
        return False
    if any(w in f.label for w in spec.get("none", [])):
        return False
    if spec.get("same_clause") and (f.sentence != rate.sentence or f.clause != rate.clause):
        return False
    if spec.get("after") and not patterns.compiled(spec["after"]).match(f.after):
        return False
    return True


def _bind(roles: dict, window: list[TextFact], rate: TextFact) -> dict[str, TextFact]:
    bound: dict[str, TextFact] = {}
    used: set[int] = set()
    for name, spec in roles.items():
        for f in window:
            if id(f) in used:
                continue
            if _role_match(f, spec, rate):
                bound[name] = f
                used.add(id(f))
                break
    return bound


def _formula_text(formula: str, bound: dict[str, TextFact]) -> str:
    text = formula
    for name, f in sorted(bound.items(), key=lambda kv: -len(kv[0])):
        text = patterns.compiled(rf"\b{name}\b").sub(shown(f.figure), text)
    return text.replace("/", "÷").replace("*", "×").replace("( ", "(").replace(" )", ")")


def _stated_variant(facts: Facts, spec: dict) -> Optional[tuple[dict, StatedFormula]]:
    """The document's own formula for this rate, its terms named by the spec's roles; None when the
    document states none or a term fits no role, or more than one."""
    for stated in facts.formulas:
        if not any(compact(w) in stated.name for w in spec["match"]):
            continue
        parts = []
        for token in stated.tokens:
            if token in OPERATORS:
                parts.append(OPERATORS[token])
                continue
            roles = [name for name, role in spec["roles"].items()
                     if any(w in token for w in role.get("any", [])) and not any(w in token for w in role.get("none", []))]
            if len(roles) != 1:
                return None
            parts.append(roles[0])
        formula = " ".join(parts)
        try:
            ast.parse(formula, mode="eval")
        except SyntaxError:
            return None
        return {"formula": formula, "stated": True}, stated
    return None


def _text_ratio(facts: Facts, index: int, rate: TextFact, spec: dict) -> Optional[Check]:
    window = _window(facts, index, rate)
    if spec.get("scope") == "sentence":
        window = [f for f in window if f.block == rate.block and f.sentence == rate.sentence]
    bound = _bind(spec["roles"], window, rate)
    stated = _stated_variant(facts, spec)
    for variant in ([stated[0]] if stated else spec["variants"]):
        names = list(dict.fromkeys(patterns.compiled(r"[A-Za-z_]+").findall(variant["formula"])))
        optional = set(variant.get("optional", []))
        if not (set(names) - optional) <= set(bound):
            continue
        present = {n: bound[n] for n in names if n in bound}
        values = {n: interval(f.figure, exact_value=exact_kind(f.figure)) for n, f in present.items()}
        for n in names:
            if n not in present:
                values[n] = exact(Decimal(0))
        try:
            computed = evaluate(variant["formula"], values)
        except ZeroDivisionError:
            return unverifiable(RULE, rate, f"{rate.label} 的分母为零，无法复算。", spec["concept"], present.values())
        formula = variant["formula"]
        for n in (n for n in names if n not in present):
            formula = patterns.compiled(rf"\s*\+?\s*\b{n}\b\s*\+?\s*").sub("", formula).replace("()", "")
            formula = patterns.compiled(r"\(\s*([^()+\-]+?)\s*\)").sub(r"\1", formula)
        if stated is None:
            return ratio_check(RULE, rate, computed, list(present.values()), spec["concept"],
                               _formula_text(formula, present))
        check = ratio_check(RULE, rate, computed, list(present.values()), spec["concept"],
                            f"按报告所列公式（{stated[1].location.describe()}：{stated[1].text}），"
                            f"{_formula_text(formula, present)}")
        check.evidence.append(Evidence(quote=stated[1].text[:80], location=stated[1].location))
        return check
    variants = [stated[0]] if stated else spec["variants"]
    missing = sorted(set().union(*[set(patterns.compiled(r"[A-Za-z_]+").findall(v["formula"])) for v in variants])
                     - set(bound))
    return unverifiable(RULE, rate, f"{rate.label or '该比率'} {rate.figure.raw}：文中未列示复算所需的数据"
                        f"（缺 {', '.join(missing)}），无法复算。", spec["concept"])


def _subject_of_previous(pf, rate: TextFact, g: dict) -> Optional[TextFact]:
    """The current-period figure of a sentence without a subject (较2020年度决算数减少17.40万元，下降67.5%; 与2016年相比
    增加22.13万元，增加12.28%): the one amount of the sentence before it in the paragraph, or None when that holds none
    or several (after 本年收入390.55万元，其中上级补助收入8.38万元 the change may be the part's)."""
    text = pf.norm.text
    start = pf.sentence_spans[rate.sentence][0]
    if rate.sentence == 0 or not text[start:].lstrip().startswith(tuple(g["subjectless_starts"])):
        return None
    change = next((f for f in pf.facts if f.sentence == rate.sentence and f.figure.kind == "amount"), None)
    if change is None or any(ch in text[start:change.figure.start] for ch in "，,、（("):
        return None
    amounts = [f for f in pf.facts if f.sentence == rate.sentence - 1 and f.figure.kind == "amount"]
    if len(amounts) != 1:
        return None
    only = amounts[0]
    if only.figure.approximate or is_change(only.label) or any(w in only.label for w in g["not_base_words"]):
        return None
    return only


def _sibling_base(facts: Facts, index: int, change: TextFact, g: dict) -> Optional[TextFact]:
    """The current figure of a change that names nothing (；较年初预算数减少1111.4万元，下降27.56%) in a ；-clause after
    one of its sentence whose change names what changed (…“三公”经费较上年决算减少1897.9万元，下降39.38%；): the figure
    that change is counted from, in its clause or named elsewhere; None otherwise."""
    pf = facts.paragraphs[index]
    before = [f for f in pf.facts if f.sentence == change.sentence and f.figure.end <= change.figure.start
              and f.figure.kind == "amount"]
    changes = [f for f in before if is_change(f.label)]
    if not changes or not any(ch in pf.norm.text[changes[-1].figure.end:change.figure.start] for ch in "；;"):
        return None
    sibling = changes[-1]
    subject = own_subject(sibling.label, g)
    if subject is None or sibling.figure.approximate:
        return None
    levels = [f for f in before if f.figure.start < sibling.figure.start and not is_change(f.label)
              and not f.figure.approximate and not f.after.startswith(tuple(g["not_base_after"]))]
    if levels:
        return _current_of(pf, levels, sibling, g)
    return None if _of_compared_year(pf, change, sibling, g) else _named_elsewhere(facts, sibling, subject, g)


def _compared_opening(pf, rate: TextFact, change: TextFact, g: dict):
    """The match of a comparison that opens the rate's sentence before its change (与2023年度相比，), or None."""
    start = pf.sentence_spans[rate.sentence][0]
    return patterns.compiled(g["compared_opening"]).match(compact(pf.norm.text[start:change.figure.start]))


def _of_compared_year(pf, rate: TextFact, change: TextFact, g: dict) -> bool:
    """Whether the extractor gave a change the year its sentence compares with (与2023年度相比，…增加), which is not
    the year of its current figure."""
    opening = _compared_opening(pf, rate, change, g)
    return bool(opening and opening.group("year") and change.period == int(opening.group("year")))


def _named_before(pf, rate: TextFact, change: TextFact, subject: str, g: dict) -> Optional[TextFact]:
    """The current figure of a change whose sentence opens with what it is compared with (与2023年度相比，收入支出总计
    增加1062.85万元): the one amount of the sentence before it in the paragraph, when the words before that amount end
    with the change's subject, alone or with a flow word after it (收入、支出总计均为, 一般公共预算财政拨款支出), and
    it is not of the compared year; else None."""
    text = pf.norm.text
    opening = _compared_opening(pf, rate, change, g)
    if rate.sentence == 0 or opening is None or change is not _first_amount(pf, rate.sentence):
        return None
    amounts = [f for f in pf.facts if f.sentence == rate.sentence - 1 and f.figure.kind == "amount"]
    if len(amounts) != 1:
        return None
    only = amounts[0]
    if only.figure.approximate or is_change(only.label) or (
            opening.group("year") and only.period == int(opening.group("year"))):
        return None
    said = compact(text[pf.sentence_spans[only.sentence][0]:only.figure.start]).replace("、", "")
    said = patterns.compiled(g["said_noise"]).sub("", said)
    subject = subject.replace("、", "")
    return only if said.endswith((subject, *(subject + w for w in g["flow_words"]))) else None


def _first_amount(pf, sentence: int) -> Optional[TextFact]:
    return next((f for f in pf.facts if f.sentence == sentence and f.figure.kind == "amount"), None)


def _joint_totals(pf, rate: TextFact, g: dict) -> Optional[TextFact]:
    """The current figure of a change of both totals (收支较上年决算数减少1,572.07万元、下降23.1%): the 收入总计 of the
    sentence before, when it and the 支出总计 there are its only amounts and of one value."""
    start = pf.sentence_spans[rate.sentence][0]
    if rate.sentence == 0 or not patterns.compiled(g["joint_subject"]).match(pf.norm.text[start:]):
        return None
    amounts = [f for f in pf.facts if f.sentence == rate.sentence - 1 and f.figure.kind == "amount"]
    if len(amounts) != 2 or any(f.figure.approximate for f in amounts):
        return None
    income, expenditure = amounts
    if not (patterns.compiled(g["joint_totals"][0]).search(income.label)
            and patterns.compiled(g["joint_totals"][1]).search(expenditure.label)):
        return None
    if income.figure.value * income.figure.scale != expenditure.figure.value * expenditure.figure.scale:
        return None
    return income


def _growth(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    g = patterns.load("formulas")["growth"]
    if not any(rate.label.endswith(w) or rate.label == w for w in g["rate_words"]) \
            or rate.label.startswith(tuple(g["share_starts"])) or patterns.compiled(g["average_rate"]).search(rate.label):
        return None
    pf = facts.paragraphs[index]
    same = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.start < rate.figure.start]
    change = next((f for f in reversed(same) if f.figure.kind == "amount"
                   and is_change(f.label)), None)
    if change is not None and _against_budget_only(pf, change, rate, g):
        budget = patterns.compiled(g["budget_figure"])
        aside = {id(change)} | {id(f) for f in same if f.figure.kind == "amount" and budget.search(f.label)}
        return _change_after(facts, index, rate, g, aside)
    if change is None:
        return _change_after(facts, index, rate, g) or _levels_rate(pf, rate, same, g)
    if change.figure.approximate:
        return None
    if any(f.figure.kind == "amount" and f.figure.start > change.figure.start for f in same):
        return None
    opposite = _opposite(pf, change, rate, g)
    if opposite is not None:
        return opposite
    compared = patterns.compiled(g["compared_label"])
    levels = [f for f in same if f.figure.kind == "amount" and f.figure.start < change.figure.start
              and not is_change(f.label) and not f.after.startswith(tuple(g["not_base_after"]))
              and (compared.search(f.label) or not any(w in f.label for w in g["not_base_words"]))
              and not f.figure.approximate]
    subject = own_subject(change.label, g)
    if subject is not None and not any(_names(f.label, subject, g) for f in levels):
        levels = [f for f in levels if f.clause == change.clause]
    if levels:
        base = _current_of(pf, levels, change, g)
    elif change is _first_amount(pf, rate.sentence) and (joint := _joint_totals(pf, rate, g)) is not None:
        base = joint
    elif subject is not None:
        base = None if _of_compared_year(pf, rate, change, g) else _named_elsewhere(facts, change, subject, g)
        base = base or _named_before(pf, rate, change, subject, g)
    else:
        base = _subject_of_previous(pf, rate, g) or _sibling_base(facts, index, change, g)
    if base is None:
        return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：未找到本期数，无法复算增减幅度。",
                            "growth_rate", [change])
    if patterns.compiled(g["glued_year"]).match(base.figure.raw) and base.label.endswith(("与", "比", "较", "同")):
        return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：所比金额 {shown(base.figure)} 前四位似为年份"
                                        f"（“年”字脱漏），无法复算。", "growth_rate", [base, change])
    basis = patterns.compiled(g["other_basis"]).search(pf.norm.text, change.figure.end, rate.figure.start)
    if basis is not None:
        return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：按另一口径（{basis.group()}…）计算，"
                                        f"不能由所列增减额 {shown(change.figure)} 复算。", "growth_rate", [base, change])
    decrease = is_decrease(change.label) or any(w in rate.label for w in g["decrease_words"])
    compared = _compared_with(base, change, [f for f in levels if f.figure.start < base.figure.start], g)
    d = interval(change.figure)
    x = interval(base.figure)
    if compared:
        prior, text = x, f"{shown(change.figure)} ÷ {shown(base.figure)}"
    else:
        prior = x + d if decrease else x - d
        sign = "+" if decrease else "−"
        text = f"{shown(change.figure)} ÷ ({shown(base.figure)} {sign} {shown(change.figure)})"
    try:
        computed = growth_interval(d, x, compared, decrease)
    except ZeroDivisionError:
        return _near_zero_base(rate, base, change, d, prior, text)
    check = ratio_check(RULE, rate, computed, [base, change], "growth_rate", text)
    if check.is_finding and base.figure.unit and change.figure.unit and base.figure.scale != change.figure.scale:
        _unit_slip(check, rate, base, change, compared, decrease)
    return check


def _against_budget_only(pf, change: TextFact, rate: TextFact, g: dict) -> bool:
    """Whether a change before a rate is stated against the budget (超收2.85亿元) while the rate is said against the year
    before (；同比增长4.02%): the rate is then not counted on it (growth.budget_change, prior_rate)."""
    return patterns.compiled(g["budget_change"]).search(change.label) is not None \
        and patterns.compiled(g["prior_rate"]).search(pf.norm.text, change.figure.end, rate.figure.start) is not None


def _opposite(pf, change: TextFact, rate: TextFact, g: dict) -> Optional[Check]:
    """A change and its rate that go opposite ways (增支2054万元，下降100%): a finding when the rate's word follows the
    change right after it, unverifiable when words stand between (the rate may be another figure's); None when they go
    the same way, either is zero, a word is missing (a template's 增加（减少）names both) or the rate is on another basis
    (扣除…一次性因素后增长4.1%)."""
    said = [w for w in g["change_words"] if w in change.label]
    if not said or change.figure.value == 0 or rate.figure.value == 0 \
            or any(set(pair) <= set(said) for pair in g["both_ways"]):
        return None
    word = next((w for w in sorted(g["rate_words"], key=len, reverse=True) if rate.label.endswith(w)), None)
    if word is None:
        return None
    falls = any(d in word for d in g["decrease_words"]) != (rate.figure.value < 0)
    if falls == is_decrease(change.label):
        return None
    between = pf.norm.text[change.figure.end:rate.figure.start]
    if patterns.compiled(g["other_basis"]).search(between):
        return None
    message = (f"增减方向不一致：所列增减额 {shown(change.figure)}（{change.label[-6:]}）与所称{word} {rate.figure.raw} "
               f"方向相反")
    if len(between) <= len(word) + 2:
        return Check.judged("error", rule=RULE, message=message + "。", concept="growth_rate",
                            reported=rate.figure.raw, unit="%", numbers=[rate.figure.raw, change.figure.raw],
                            evidence=evidence([rate, change]))
    return unverifiable(RULE, rate, message + "，二者可能不是同一项目的，无法复算。", "growth_rate", [change])


def _unit_slip(check: Check, rate: TextFact, base: TextFact, change: TextFact, compared: bool, decrease: bool) -> None:
    """A growth rate that the change gives only in the current figure's unit (一般公共预算支出完成255,325万元，比上年
    同期增支14,484元，增长6.01%: 14484万元 gives 6.01%): the finding says the change's unit is the likely slip."""
    d = interval(change.figure).scale(base.figure.scale / change.figure.scale)
    try:
        computed = growth_interval(d, interval(base.figure), compared, decrease)
    except ZeroDivisionError:
        return
    if ratio_check(RULE, rate, computed, [base, change], "growth_rate", "").status != "pass":
        return
    check.message += (f"若增减额为 {change.figure.raw}{base.figure.unit}，则与所列 {rate.figure.raw} 相符："
                      f"{shown(change.figure)} 的金额单位疑有笔误。")


def _change_after(facts: Facts, index: int, rate: TextFact, g: dict, aside: frozenset = frozenset()) -> Optional[Check]:
    """A growth rate printed before its change (…收入完成1261.6亿元，比上年增长41.3%，增收368.7亿元): the change is the
    amount right after the rate (growth.change_after_rate), the current figure the amount before the rate in its
    sentence with no other amount between, unless that is a figure compared with (比上年的312万元增长4.8%，增加15万元),
    amounts aside (a budget and the change against it) passed over; None when the text is not so."""
    pf = facts.paragraphs[index]
    text = pf.norm.text
    after = next((f for f in pf.facts if f.figure.start >= rate.figure.end), None)
    if after is None or after.sentence != rate.sentence or after.figure.kind != "amount" or after.figure.approximate \
            or not patterns.compiled(g["change_after_rate"]).match(text[rate.figure.end:after.figure.start]):
        return None
    before = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.end <= rate.figure.start
              and f.figure.kind == "amount" and id(f) not in aside]
    if not before or before[-1].figure.approximate or is_change(before[-1].label) \
            or before[-1].after.startswith(tuple(g["not_base_after"])) \
            or any(w in before[-1].label for w in g["compared_words"]):
        return None
    base, change = before[-1], after
    if patterns.compiled(g["other_basis"]).search(text, base.figure.end, rate.figure.start):
        return None
    decrease = is_decrease(change.label) or any(w in rate.label for w in g["decrease_words"])
    d, x = interval(change.figure), interval(base.figure)
    sign = "+" if decrease else "−"
    text_formula = f"{shown(change.figure)} ÷ ({shown(base.figure)} {sign} {shown(change.figure)})"
    try:
        computed = growth_interval(d, x, False, decrease)
    except ZeroDivisionError:
        return _near_zero_base(rate, base, change, d, x + d if decrease else x - d, text_formula)
    return ratio_check(RULE, rate, computed, [base, change], "growth_rate", text_formula)


def _levels_rate(pf, rate: TextFact, same: list[TextFact], g: dict) -> Optional[Check]:
    """A growth rate right after the current figure and the one it is compared with, no change printed (增值税8006万元，
    较上年同期6715万元增长19.23%): current ÷ compared − 1 (growth.levels_rate); None when the text is not so."""
    spec = g["levels_rate"]
    amounts = [f for f in same if f.figure.kind == "amount"]
    if len(amounts) < 2 or same[-1] is not amounts[-1]:
        return None
    current, prior = amounts[-2:]
    text = pf.norm.text
    if current.figure.approximate or prior.figure.approximate or is_change(current.label) \
            or any(w in current.label for w in g["compared_words"]) \
            or not patterns.compiled(spec["between"]).match(text[current.figure.end:prior.figure.start]) \
            or not patterns.compiled(spec["before_rate"]).match(text[prior.figure.end:rate.figure.start]):
        return None
    ratio = interval(current.figure) / interval(prior.figure) if interval(prior.figure).lo > 0 else None
    if ratio is None:
        return None
    one = Decimal(1)
    if any(w in rate.label for w in g["decrease_words"]):
        computed, formula = Interval(one - ratio.hi, one - ratio.lo, one - ratio.mid), "1 − {} ÷ {}"
    else:
        computed, formula = Interval(ratio.lo - one, ratio.hi - one, ratio.mid - one), "{} ÷ {} − 1"
    return ratio_check(RULE, rate, computed, [current, prior], "growth_rate",
                       formula.format(shown(current.figure), shown(prior.figure)))


def _near_zero_base(rate: TextFact, base: TextFact, change: TextFact, d: Interval, prior: Interval,
                    text: str) -> Check:
    """A growth rate whose prior figure may be zero at printed precision (公务接待费1万元，比上年增加0.5万元，增长100%):
    any rate is then within precision, so the figures as printed decide a pass and nothing decides a finding."""
    prior_text = text.split(" ÷ ", 1)[1]
    if prior.mid < 0:
        return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：按所取的本期数，上期数 {prior_text} 为负，"
                                        f"所取的 {shown(base.figure)} 可能不是这一增减额的本期数，无法复算。",
                            "growth_rate", [base, change])
    if prior.mid == 0:
        return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：上期数 {prior_text} 为零，"
                                        "增减幅度无法计算，无法复算。", "growth_rate", [base, change])
    check = ratio_check(RULE, rate, exact(d.mid / prior.mid), [base, change], "growth_rate", text)
    if check.status == "pass":
        check.message = check.message.replace("（在打印精度内）", "（按所列数值；上期数在打印精度内可能接近零）")
        return check
    return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：按所列数值 {text} = "
                                    f"{render(d.mid / prior.mid * 100, 2, rate=True)}，但上期数在打印精度内可能为零，无法确认。",
                        "growth_rate", [base, change])


def _subject_words(label: str, g: dict) -> Optional[str]:
    """A change's label up to its comparison or change word (公务接待费支出决算较上年减少 → 公务接待费支出决算), or None
    when it has none."""
    cuts = [label.find(w) for w in g["subject_ends"] if w in label]
    return label[:min(cuts)] if cuts else None


def own_subject(label: str, g: dict) -> Optional[str]:
    """What a change's label says changed (公务接待费支出决算减少 → 公务接待费支出决算), without its period and the
    unit's own name, or None for a label that is only a comparison (比上年减少, 同比增加, 较2019年增长)."""
    words = _subject_words(label, g)
    if words is None:
        return None
    subject = patterns.compiled(g["subject_noise"]).sub("", words)
    return subject if len(subject) >= g["min_subject"] else None


def _names(label: str, subject: str, g: dict) -> bool:
    """A level's label names the subject of a change: the same words once periods and the unit's own name are
    dropped, or one ending in the other where the shorter is long enough to name one thing; so too once a flow or
    stage word after the subject is dropped from both (全镇“三公”经费支出 names 全镇“三公”经费)."""
    name = patterns.compiled(g["subject_noise"]).sub("", label)
    short, long_ = sorted((name, subject), key=len)
    if name == subject or (len(short) >= g["min_named"] and long_.endswith(short)):
        return True
    tail = patterns.compiled(g["named_tail"])
    bare, said = tail.sub("", name), tail.sub("", subject)
    short, long_ = sorted((bare, said), key=len)
    return bool(said) and (bare == said or (len(short) >= g["min_named"] and long_.endswith(short)))


def _named_elsewhere(facts: Facts, change: TextFact, subject: str, g: dict) -> Optional[TextFact]:
    """The current figure of a change whose clause states none (公务接待费支出决算减少275.00元): the one level of the
    same stage and period that the text names by the change's subject, in this paragraph or an earlier one, or names
    so with its sentence's subject (…“三公”经费财政拨款支出年初预算为22.00万元，支出决算为8.77万元: restated_name); else
    (_spoken_of) the one level of the change's own year and stage whose sentence speaks of the subject's core; None
    when no figure or figures of different values are so named."""
    earlier = [(pf, f) for pf in facts.paragraphs if pf.block <= change.block for f in pf.facts
               if f.figure.kind == "amount" and not f.figure.approximate and not is_change(f.label)
               and (f.block, f.figure.start) < (change.block, change.figure.start)]
    compared_only = _stage_in_comparison_only(change, g)
    named = [f for _, f in earlier if (f.stage == change.stage or compared_only and f.stage is None)
             and f.period == change.period and _names(f.label, subject, g)]
    if not named:
        year = _own_year(change)
        named = [f for pf, f in earlier if f.stage == change.stage and f.period == year
                 and (restated := restated_name(pf, f)) is not None and _names(restated, subject, g)]
    if not named:
        named = _spoken_of(earlier, change, subject, g)
    values = {f.figure.value * f.figure.scale for f in named}
    return named[-1] if len(values) == 1 else None


def _stage_in_comparison_only(change: TextFact, g: dict) -> bool:
    """Whether a change's stage word stands only in what it is compared with (三公经费较上年决算减少…: 上年决算 is the
    prior's stage), so that its current figure may be stated with no stage word."""
    words = _subject_words(change.label, g)
    return words is not None and change.stage is not None and stage_of(words) is None


def _own_year(change: TextFact) -> Optional[int]:
    """The year a change's own subject names (2023年度…决算数比2022年减少: 2023), else the extractor's period."""
    years = patterns.compiled(r"(\d{4})年").findall(change.label.split("比")[0].split("较")[0])
    return int(years[0]) if years else change.period


def _spoken_of(earlier: list, change: TextFact, subject: str, g: dict) -> list[TextFact]:
    """Levels whose sentence, up to them, speaks of what the change's subject names once its generic words are
    dropped (一般公共预算财政拨款“三公”经费支出决算 → 三公), of the change's own year (2023年度…决算数比2022年减少: 2023)
    and stage (a level without one naming the stage's word: 2018年财政拨款“三公”经费预算总额为2.7万元)."""
    spec = g["spoken_of"]
    generic = patterns.compiled(spec["generic"])
    core = generic.sub("", subject)
    if len(core) < spec["min_core"]:
        return []
    year = _own_year(change)
    stage_word = spec["stage_words"].get(change.stage or "")
    if year is None or stage_word is None:
        return []
    out = []
    for pf, f in earlier:
        if f.period != year or not (f.stage == change.stage or f.stage is None and stage_word in f.label):
            continue
        said = compact(pf.norm.text[pf.sentence_spans[f.sentence][0]:f.figure.start])
        if core in said or core in generic.sub("", said):
            out.append(f)
    return out


def _current_of(pf, levels: list[TextFact], change: TextFact, g: dict) -> Optional[TextFact]:
    """The figure a change is counted from, among the amounts before it: the one its label names (收入总计较上年
    增加), else the nearest at its level of parentheses (not 含上年结转200万元 in a parenthesis), or the total
    before a 其中 list that a ； closes before the change (收入总计1,500万元，其中上年结转200万元；较上年增加150万元)."""
    text = pf.norm.text
    group_at, _ = paren_groups(text)
    outer = [f for f in levels if group_at[f.figure.start] == group_at[change.figure.start]]
    subject = patterns.compiled(g["change_subject"]).match(change.label)
    if subject:
        named = [f for f in outer if subject.group("subject") in f.label]
        if named:
            return named[-1]
    if not outer:
        return None
    last = outer[-1]
    start = pf.sentence_spans[last.sentence][0]
    opener = max(text.rfind(w, start, last.figure.start) for w in patterns.load("concepts")["breakdown_openers"])
    if opener >= 0 and any(ch in text[last.figure.end:change.figure.start] for ch in "；;"):
        total = [f for f in outer if f.figure.end <= opener]
        if total:
            return total[-1]
    return last


def _compared_with(base: TextFact, change: TextFact, earlier: list[TextFact], g: dict) -> bool:
    """Whether the figure before a change is the one it is compared with, so that the change is counted on it
    directly: the year before's (上年收入900万元, 与上年1,150万元相比, 与2019年的498.83万元相比: growth.prior_label, or
    2019年 after a 2020年 figure; the period is
    the extractor's; by its label alone in a document without a year) or a budget (比年初预算1,000万元,
    compared_label). A change said against the year before (同比增加) follows the current figure unless a later
    year's figure came before it."""
    if patterns.compiled(g["compared_label"]).search(base.label) or patterns.compiled(g["prior_label"]).search(base.label) \
            or base.label.endswith(("与", "同")) and base.after.lstrip().startswith("相比"):
        return True
    if base.period is not None and any(f.period is not None and f.period > base.period for f in earlier):
        return True
    if any(w in change.label for w in g["against_prior"]):
        return False
    if base.period is None:
        return bool(patterns.compiled(patterns.load("concepts")["prior_period_label"]).search(base.label))
    return change.period is not None and change.period > base.period


def _part_of_whole(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    """完成年初预算数60999万元的40.4% after 累计完成24627万元: the rate is the part over the whole (see
    part_of_whole in patterns/formulas.yaml); None where the sentence is not of that shape."""
    spec = patterns.load("formulas")["part_of_whole"]
    pf = facts.paragraphs[index]
    text = pf.norm.text
    joiner = spec["joiner"]
    if rate.figure.start < len(joiner) or not text.startswith(joiner, rate.figure.start - len(joiner)):
        return None
    before = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.start < rate.figure.start]
    if len(before) < 2:
        return None
    part, whole = before[-2], before[-1]
    if whole.figure.kind != "amount" or part.figure.kind != "amount" or text[whole.figure.end:rate.figure.start] != joiner:
        return None
    between = text[part.figure.end:whole.figure.start]
    if not patterns.compiled(spec["part_then"]).match(between) or any(w in between for w in spec["not_between"]):
        return None
    sentence = text[pf.sentence_spans[rate.sentence][0]:rate.figure.start]
    if any(w in part.label for w in spec["not_between"]) or any(w in sentence for w in spec["not_in_sentence"]) \
            and not _own_completion(pf, part, between, spec):
        return None
    if part.figure.approximate or whole.figure.approximate:
        return unverifiable(RULE, rate, f"{rate.figure.raw}：所据金额为约数，无法复算。", None, [part, whole])
    if whole.figure.value == 0:
        return unverifiable(RULE, rate, f"{rate.figure.raw}：{shown(whole.figure)} 为零，无法复算。", None, [part, whole])
    computed = interval(part.figure) / interval(whole.figure)
    return ratio_check(RULE, rate, computed, [part, whole], None, f"{shown(part.figure)} ÷ {shown(whole.figure)}")


def _own_completion(pf, part: TextFact, between: str, spec: dict) -> bool:
    """Whether a part in a sentence of a 其中 list completes a budget of its own (其中：…公务接待费支出决算为6.15万元，完成
    预算6.16万元的99.8%): the completion cue right after it and no other amount in its clause before it, in a sentence
    that does not say 分别."""
    sentence = pf.norm.text[pf.sentence_spans[part.sentence][0]:part.figure.start]
    return not any(w in sentence for w in spec["never_in_sentence"]) \
        and patterns.compiled(spec["own_completion"]).match(between) is not None \
        and not any(f.clause == part.clause and f.sentence == part.sentence and f.figure.start < part.figure.start
                    and f.figure.kind == "amount" for f in pf.facts)


def _execution_inputs(facts: Facts, index: int, rate: TextFact, spec: dict) -> tuple[list, list]:
    """Candidate executed and budgeted amounts for an execution rate, nearest first: the rate's sentence, its
    paragraph, then up to spec["paragraphs_back"] paragraphs before it."""
    window = _window(facts, index, rate)
    seen = {id(f) for f in window}
    for pf in reversed(facts.paragraphs[max(0, index - spec["paragraphs_back"]):index]):
        window += [f for f in reversed(pf.facts) if id(f) not in seen]

    def fits(f: TextFact, role: dict) -> bool:
        return (f.figure.kind == "amount" and not f.figure.approximate and not is_change(f.label)
                and any(w in f.label for w in role["any"]) and not any(w in f.label for w in role["none"]))

    actual = [f for f in window if fits(f, spec["actual"])][:spec["candidates"]]
    budget = [f for f in window if fits(f, spec["budget"])][:spec["candidates"]]
    return actual, budget


def _execution(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    """预算执行率为88.34% (资金使用率, 执行率) with its amounts stated before it: executed ÷ budget. The text seldom
    says which budget (年初 or 调整后) and the amounts may stand paragraphs away, so the nearest readings are tried
    and one that agrees passes; a rate that none agrees with is a finding only when its two amounts are in its own
    sentence, else unverifiable with the nearest reading."""
    spec = patterns.load("formulas")["execution_rate"]
    if not rate.label.endswith(tuple(spec["match"])) or any(w in rate.label for w in spec["match_none"]):
        return None
    actual, budget = _execution_inputs(facts, index, rate, spec)
    if not actual or not budget:
        return None
    readings = []
    for a in actual:
        for b in budget:
            if a is b or b.figure.value == 0:
                continue
            computed = interval(a.figure) / interval(b.figure)
            check = ratio_check(RULE, rate, computed, [a, b], "execution_rate",
                                f"{shown(a.figure)} ÷ {shown(b.figure)}")
            if check.status == "pass":
                return check
            readings.append((a, b, check))
    if not readings:
        return None
    a, b, nearest = readings[0]
    if all(f.block == rate.block and f.sentence == rate.sentence for f in (a, b)):
        return nearest
    return unverifiable(RULE, rate, f"{rate.label} {rate.figure.raw}：按文中最近的执行数与预算数复算为 "
                        f"{shown(a.figure)} ÷ {shown(b.figure)} = {nearest.expected}，与所列不符；两数不在同一句，"
                        f"口径（年初预算、调整后预算或下达数）无法确认，请人工核对。", "execution_rate", [a, b])


@lru_cache(maxsize=1)
def _specs() -> list[tuple[dict, tuple[str, ...], tuple[str, ...]]]:
    """Each ratio spec with its match and match_none words compacted, as labels are."""
    return [(s, tuple(map(compact, s["match"])), tuple(map(compact, s.get("match_none", []))))
            for s in patterns.load("formulas")["ratios"]]


def _text_checks(facts: Facts) -> list[Check]:
    rate_words = patterns.load("formulas")["rate_words"]
    out = []
    for index, pf in enumerate(facts.paragraphs):
        text = pf.norm.text
        for f in pf.facts:
            if f.figure.kind != "rate" or f.figure.approximate \
                    or text[max(0, f.figure.start - 1):f.figure.start] in FACTOR:
                continue
            label = f.label
            spec = next((s for s, match, none in _specs() if any(w in label for w in match)
                         and not any(w in label for w in none)), None)
            if spec is not None:
                out.append(_text_ratio(facts, index, f, spec))
                continue
            derived = _part_of_whole(facts, index, f) or _growth(facts, index, f) or _execution(facts, index, f)
            if derived is not None:
                out.append(derived)
            elif any(w in f.label for w in rate_words) and f.label.endswith(tuple(rate_words)):
                out.append(unverifiable(RULE, f, f"{f.label} {f.figure.raw}：未列示计算该比率的数据或公式，无法复算。",
                                        None))
    return [c for c in out if c is not None]


def _table_checks(view: TableView) -> list[Check]:
    out = []
    specs = patterns.load("formulas")["table_ratios"]
    rows = view.table.rows
    header = None
    for r, row in enumerate(rows):
        texts = [compact(c.text) for c in row]
        joined = "\n".join(texts)
        for spec in specs:
            if not any(w in joined for w in spec["rate"]):
                continue
            rate_col = next((i for i, t in enumerate(texts) if any(w in t for w in spec["rate"])
                             and "=" not in t and len(t) < 20), None)
            if rate_col is None:
                continue
            num_col = next((i for i, t in enumerate(texts) if any(w in t for w in spec["numerator"])
                            and i != rate_col and len(t) < 20), None)
            den_col = None
            for word in spec["denominator"]:
                den_col = next((i for i, t in enumerate(texts) if word in t and i not in (rate_col, num_col)
                                and len(t) < 20), None)
                if den_col is not None:
                    break
            if num_col is not None and den_col is not None:
                header = (r, rate_col, num_col - rate_col, den_col - rate_col)
        if header is None or r == header[0]:
            continue
        _, rate_col, num_off, den_off = header
        rate_cells = [c for c in range(len(row)) if (r, c) in view.numbers and view.numbers[(r, c)].figure.kind == "rate"]
        if not rate_cells:
            continue
        rc = rate_col if rate_col in rate_cells else rate_cells[0]
        rate = view.numbers[(r, rc)]
        num = view.cell(r, rc + num_off)
        den = view.cell(r, rc + den_off)
        if num is None or den is None or num.figure.kind == "rate" or den.figure.kind == "rate":
            continue
        made = _execution_rate(rate, num, den, f"表{view.table.index}第{r + 1}行：预算数为 0，执行率无法计算。",
                               f"表{view.table.index}第{r + 1}行 {num.figure.raw} ÷ {den.figure.raw}")
        out.append(unsure(made, SHIFTED) if rc != rate_col and made.is_finding else made)
    return out


def _execution_rate(rate: Source, actual: Source, budget: Source, at_zero: str, formula_text: str) -> Check:
    """A printed 执行率 against 执行数 ÷ 预算数 in a table, in the table's own unit; unverifiable over a 预算数 of 0."""
    if budget.figure.value == 0:
        return unverifiable(RULE, rate, at_zero, "execution_rate", [actual, budget])
    computed = interval(actual.figure, base=False) / interval(budget.figure, base=False)
    return ratio_check(RULE, rate, computed, [actual, budget], "execution_rate", formula_text)


def _project_fund_rates(facts: Facts) -> list[Check]:
    """执行率 = 全年执行数 ÷ 全年预算数 on each funds row of a 项目支出绩效自评表 read back by its template (tables read
    from a grid have their rate columns checked as tables)."""
    out = []
    for pt in facts.project_tables:
        if pt.table is not None:
            continue
        for row in pt.funds:
            rate, budget, actual = (row.cells.get(k) for k in ("rate", "budget", "actual"))
            if any(v is None or v.figure is None for v in (rate, budget, actual)) or rate.figure.kind != "rate" \
                    or {budget.figure.kind, actual.figure.kind} - {"amount", "number"}:
                continue
            where = f"{pt.where} {row.label}"
            out.append(lost_grid(_execution_rate(rate, actual, budget, f"{where}：全年预算数为 0，执行率无法计算。",
                                                 f"{where} 执行率 = {actual.figure.raw} ÷ {budget.figure.raw}"),
                                 "数值按模板归位"))
    return out


def check(facts: Facts) -> list[Check]:
    out = _text_checks(facts)
    for view in facts.tables:
        out += _table_checks(view)
    return out + _project_fund_rates(facts)
