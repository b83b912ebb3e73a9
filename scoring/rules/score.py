"""score.total and score.grade — a total score against 100 minus its listed deductions, and its grade.

Fails:  得分为 95.00 分 … 主要扣分点：A（扣 1 分）、B（扣 1 分）  (100 − 2 = 98 ≠ 95: error)
Passes: 得分为 93.70 分，等级为优。主要扣分点：…（扣 1 分）×6、…（扣 0.3 分）  (100 − 6.3 = 93.70; ≥ 90 → 优)
Deductions and full marks are exact; the grade bands are the document's if it states them, else
patterns/formulas.yaml's.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

import regex

import patterns
from extractor.facts import Facts
from scoring.grammar import grade_bands
from scoring.model import Check
from scoring.rounding import compare, exact, render
from scoring.rules.common import evidence

TOTAL = "score.total"
GRADE = "score.grade"
GRADE_AFTER = regex.compile(r"^\s*[，,]?\s*(?:等级为|等级|评价等级为|评定为|为)?\s*[“\"]?(优秀|良好|不合格|合格|及格|较差|优|良|中|差)")


def _grade_of(score: Decimal, stated: Optional[list[tuple[Decimal, str]]]) -> str:
    bands = stated or [(Decimal(str(b["min"])), b["grade"]) for b in patterns.load("formulas")["grades"]]
    return next((grade for lo, grade in bands if score >= lo), bands[-1][1])


def _total_checks(facts: Facts) -> list[Check]:
    out = []
    for pf in facts.paragraphs:
        totals = [f for f in pf.facts if f.figure.kind == "score" and f.concept in ("evaluation_score", "self_evaluation_score")]
        if not totals:
            continue
        total = totals[0]
        deductions = [f for f in pf.facts if f.figure.kind == "score" and f.figure.start > total.figure.start
                      and regex.search(r"扣\s*$", f.before)]
        if not deductions:
            continue
        full = Decimal(100)
        m = regex.search(r"满分\s*(\d+)", pf.norm.text)
        if m:
            full = Decimal(m.group(1))
        acc = exact(full)
        for d in deductions:
            acc = acc - exact(d.figure.value)
        verdict = compare(acc, total.figure)
        expected = render(acc.mid, total.figure.decimals)
        diff = render(total.figure.value - acc.mid, total.figure.decimals)
        arithmetic = f"{full} − ({' + '.join(d.figure.raw for d in deductions)}) = {expected}"
        ok = verdict == "pass"
        message = (f"总分 {total.figure.raw} 分与所列扣分相符：{arithmetic}。" if ok else
                   f"总分 {total.figure.raw} 分与所列扣分不符：{arithmetic}，相差 {diff} 分。")
        out.append(Check.judged(verdict, rule=TOTAL,
                                message=message, concept=total.concept, reported=total.figure.raw, expected=expected,
                                difference=diff, unit="分", numbers=[total.figure.raw] + [d.figure.raw for d in deductions],
                                evidence=evidence([total] + deductions)))
    return out


def _grade_checks(facts: Facts) -> list[Check]:
    synonyms = patterns.load("formulas")["grade_synonyms"]
    bands = grade_bands([pf.norm.text for pf in facts.paragraphs])
    source = "报告所列等级标准" if bands else "等级标准（优≥90，良80–90，中60–80，差<60）"
    out = []
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.figure.kind != "score" or f.concept not in ("evaluation_score", "self_evaluation_score"):
                continue
            m = GRADE_AFTER.match(pf.norm.text[f.figure.end:f.figure.end + 12])
            if not m:
                continue
            stated = synonyms.get(m.group(1), m.group(1))
            expected = _grade_of(f.figure.value, bands)
            ok = stated == expected
            message = (f"得分 {f.figure.raw} 分按{source}对应等级“{expected}”，与所列“{m.group(1)}”相符。" if ok else
                       f"得分 {f.figure.raw} 分按{source}应为“{expected}”，所列为“{m.group(1)}”。")
            out.append(Check.judged("pass" if ok else "error", rule=GRADE,
                                    message=message, concept=f.concept, reported=f.figure.raw, expected=None,
                                    unit="分", numbers=[f.figure.raw], evidence=evidence([f])))
    return out


def check(facts: Facts) -> list[Check]:
    return _total_checks(facts) + _grade_checks(facts)
