"""ratio.point_gap — a growth rate against another rate printed beside it in brackets, and the gap stated in points.

Fails:  全省一般公共预算收入增长20.6%，比全省平均水平(17.9%)高3.7个百分点 (20.6 − 17.9 = 2.7 points: error).
Passes: 全省一般公共预算收入下降4.1%，比我市增幅(-5.2%)高1.1个百分点 (−4.1 − (−5.2) = 1.1); 增长19.9%，高于全省平均增幅
        (11%)8.9个百分点，高于州市平均增幅(14.5%)5.4个百分点 (the rate is the clause's own, not the one compared with
        in the clause before).
The compared rate is printed in brackets right after what it names (patterns/formulas.yaml point_gap: an average, a
growth or another region's 增幅); the rate it is set against is the last rate before the comparison in its sentence
that is not inside brackets and is said as a growth (增长, 下降 …, signed by 下降/减少 or a minus). Which one is higher
must be said (高于, 低于, 比…高/低); a gap whose direction is not said is not checked.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

import patterns
from extractor.facts import Facts, TextFact
from scoring.model import Check
from scoring.rounding import Interval, compare, interval, render
from scoring.rules.common import bracket_depths, evidence

RULE = "ratio.point_gap"


def check(facts: Facts) -> list[Check]:
    spec = patterns.load("formulas")["point_gap"]
    cue = patterns.compiled(spec["cue"])
    checks = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        if "百分点" not in text:
            continue
        for m in cue.finditer(text):
            found = _gap_of(pf, m, spec)
            if found is not None:
                checks.append(_judge(*found))
    return checks


def _gap_of(pf, m, spec: dict) -> Optional[tuple]:
    """The rate, the bracketed rate compared with, the gap, whether the rate is said to be the higher one, and their
    signs; None when the text is not of that shape."""
    text = pf.norm.text
    ahead = bool(patterns.compiled(spec["ahead"]).fullmatch(m.group("word") + (m.group("after") or "")))
    behind = bool(patterns.compiled(spec["behind"]).fullmatch(m.group("word") + (m.group("after") or "")))
    if ahead == behind or not patterns.compiled(spec["compared"]).search(m.group("name")):
        return None
    compared = next((f for f in pf.facts if f.figure.kind == "rate" and f.figure.start == m.start("rate")), None)
    gap = next((f for f in pf.facts if f.figure.kind == "points" and f.figure.start == m.start("gap")), None)
    if compared is None or gap is None:
        return None
    before = [f for f in pf.facts if f.figure.end <= m.start() and f.sentence == gap.sentence]
    depth = bracket_depths(text[:m.start()], "（(", "）)")
    rates = [f for f in before if f.figure.kind == "rate" and not depth[f.figure.start]]
    if not rates or before[-1].figure.kind not in ("rate", "points"):
        return None
    rate = rates[-1]
    lead = text[max(0, rate.figure.start - spec["lead"]):rate.figure.start]
    if not patterns.compiled(spec["growth"]).search(lead):
        return None
    between = text[rate.figure.end:m.start()]
    if any(ch in "。；;" for ch in between) or len(between) > spec["max_between"]:
        return None
    signed = _sign(text, rate, spec), _sign(text, compared, spec)
    return rate, compared, gap, ahead, signed, m.group("name")


def _sign(text: str, fact: TextFact, spec: dict) -> int:
    """-1 for a rate printed with a minus or said after a fall (下降4.1%, 减少), else 1."""
    start = fact.figure.start
    if start and text[start - 1] in "-－−":
        return -1
    lead = text[max(0, start - spec["lead"]):start]
    fall = patterns.compiled(spec["fall"]).search(lead)
    rise = patterns.compiled(spec["rise"]).search(lead)
    if fall and (not rise or fall.end() > rise.end()):
        return -1
    return 1


def _signed(fact: TextFact, sign: int) -> Interval:
    i = interval(fact.figure, base=False)
    return i if sign > 0 else Interval(-i.hi, -i.lo, -i.mid)


def _shown(fact: TextFact, sign: int) -> str:
    return ("-" if sign < 0 else "") + fact.figure.raw


def _judge(rate: TextFact, compared: TextFact, gap: TextFact, ahead: bool, signs: tuple[int, int], name: str) -> Check:
    computed = _signed(rate, signs[0]) - _signed(compared, signs[1])
    if not ahead:
        computed = Interval(-computed.hi, -computed.lo, -computed.mid)
    verdict = compare(computed, gap.figure)
    word = "高" if ahead else "低"
    a, b = _shown(rate, signs[0]), _shown(compared, signs[1])
    expected = render(computed.mid, gap.figure.decimals)
    if verdict == "pass":
        message = f"{a} 比{name} {b} {word} {render(computed.mid, 2)}个百分点，与所列 {gap.figure.raw}个百分点 相符（在打印精度内）。"
    else:
        message = (f"所列比{name}{word} {gap.figure.raw}个百分点 与复算不符：{a} − {b}（{name}） 应{word} {expected}个百分点"
                   f"{'（实际方向相反）' if computed.mid < 0 else ''}。")
    return Check.judged(verdict, rule=RULE, message=message, concept="point_gap", reported=gap.figure.raw,
                        expected=expected, difference=render(gap.figure.value - computed.mid, gap.figure.decimals),
                        unit="个百分点", numbers=[gap.figure.raw, rate.figure.raw, compared.figure.raw],
                        evidence=evidence([gap, rate, compared]))
