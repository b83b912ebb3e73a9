"""score.total and score.grade — a total score against 100 minus its listed deductions, and its grade.

Fails:  得分为 95.00 分 … 主要扣分点：A（扣 1 分）、B（扣 1 分）  (100 − 2 = 98 ≠ 95: error)
Passes: 得分为 93.70 分，等级为优。主要扣分点：…（扣 1 分）×6、…（扣 0.3 分）  (100 − 6.3 = 93.70; ≥ 90 → 优)
Deductions and full marks are exact; the grade bands are the document's if it states them, else the usual band sets
of patterns/formulas.yaml: a grade they do not all agree on is unverifiable (85.81分，评价等次优秀 where 优 may start at
85), one none of them gives is an error.
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
GRADE_AFTER = regex.compile(r"^\s*[，,]?\s*(?P<word>(?:评价|绩效)?(?:等级|等次)(?:为|是|：|:)?|评定为|为)?\s*[“\"]?"
                            r"(?P<grade>优秀|良好|不合格|合格|及格|较差|优|良|中|差)")
SCORE_LABEL = regex.compile(r"(?:得分|总分)$")


def _grade_of(score: Decimal, bands: list[tuple[Decimal, str]]) -> str:
    return next((grade for lo, grade in bands if score >= lo), bands[-1][1])


def _band_sets() -> list[list[tuple[Decimal, str]]]:
    return [[(Decimal(str(b["min"])), b["grade"]) for b in bands] for bands in patterns.load("formulas")["grade_band_sets"]]


def grade_verdict(score: Decimal, printed: str, stated_bands) -> tuple[str, str, str]:
    """pass, error or unverifiable for a printed grade, and the grade the first band set gives: against the
    document's bands when it states them, else against the usual band sets, judged only where they all agree; and
    the grades the band sets give, joined by 、."""
    band_sets = [stated_bands] if stated_bands else _band_sets()
    synonyms = patterns.load("formulas")["grade_synonyms"]
    stated = synonyms.get(printed, printed)
    expected = {_grade_of(score, bands) for bands in band_sets}
    verdict = "pass" if expected == {stated} else "error" if stated not in expected else "unverifiable"
    order = [_grade_of(score, bands) for bands in band_sets]
    return verdict, order[0], "、".join(dict.fromkeys(order))


def _total_checks(facts: Facts) -> list[Check]:
    out = []
    for pf in facts.paragraphs:
        totals = [f for f in pf.facts if f.figure.kind == "score" and f.concept in ("evaluation_score", "self_evaluation_score")]
        if not totals:
            continue
        total = totals[0]
        deductions = [f for f in pf.facts if f.figure.kind == "score" and f.figure.start > total.figure.start
                      and patterns.compiled(r"扣\s*$").search(f.before)]
        if not deductions:
            continue
        full = Decimal(100)
        m = patterns.compiled(r"满分\s*(\d+)").search(pf.norm.text)
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


def _graded(pf, f) -> Optional[regex.Match]:
    """The grade stated right after a total score: after a known total (评价得分84分，等级为良), or after any score or
    number labelled 得分 when 等级/等次 is written out (东至县91.75分，评价等次优秀; 最终得分85.82，等级为良); never a figure
    above the 100-point scale and its bonus points (总分10088.70评价等级良 is 100 and 88.70 run together)."""
    m = GRADE_AFTER.match(pf.norm.text[f.figure.end:f.figure.end + 12])
    if m is None or f.figure.value > patterns.load("formulas")["max_graded_score"]:
        return None
    if f.figure.kind == "score" and f.concept in ("evaluation_score", "self_evaluation_score"):
        return m
    explicit = bool(m.group("word")) and m.group("word") not in ("为", "评定为")
    if explicit and (f.figure.kind == "score" or (f.figure.kind == "number" and SCORE_LABEL.search(f.label or ""))):
        return m
    return None


def _grade_checks(facts: Facts) -> list[Check]:
    stated_bands = grade_bands([pf.norm.text for pf in facts.paragraphs])
    source = "报告所列等级标准" if stated_bands else "常用等级标准（优≥90，良80–90，中60–80，差<60）"
    out = []
    for pf in facts.paragraphs:
        for f in pf.facts:
            m = _graded(pf, f)
            if m is None:
                continue
            printed = m.group("grade")
            verdict, first, grades = grade_verdict(f.figure.value, printed, stated_bands)
            fields = dict(rule=GRADE, concept=f.concept, reported=f.figure.raw, expected=None, unit="分",
                          numbers=[f.figure.raw], evidence=evidence([f]))
            if verdict == "unverifiable":
                out.append(Check(status="unverifiable", severity="info",
                                 message=f"得分 {f.figure.raw} 分：报告未列等级标准，各地常用标准给出的等级不一（{grades}），"
                                         f"所列“{printed}”无法核实。", **fields))
            else:
                out.append(Check.judged(verdict, message=(
                    f"得分 {f.figure.raw} 分按{source}对应等级“{first}”，与所列“{printed}”相符。" if verdict == "pass" else
                    f"得分 {f.figure.raw} 分按{source}应为“{first}”，所列为“{printed}”。"), **fields))
    return out


def check(facts: Facts) -> list[Check]:
    return _total_checks(facts) + _grade_checks(facts)
