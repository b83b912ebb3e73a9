"""sum.breakdown — a total in running text against its 其中/包括/分别为 parts, and concept identities.

Fails:  财政拨款决算收入2251.36万元 … 一般公共预算财政拨款收入2073.12万元，政府性基金预算财政拨款收入121.9万元
        (2073.12 + 121.9 = 2195.02 ≠ 2251.36: error)
Passes: 实际支出 2,792.29 万元，其中：工资福利 503 万元、对个人和家庭补助 14.70 万元、
        商品和服务支出 1,961.24 万元、资本性支出 313.35 万元 (= 2792.29)
Counts whose parts exceed the total (事项 both 网上办 and 一次办) may overlap: unverifiable, never an error.
"""
from __future__ import annotations

from collections import defaultdict

import patterns
from extractor.facts import Facts, ParagraphFacts, TextFact
from scoring.model import Check
from scoring.rules.common import evidence, sum_check, total_interval, unverifiable
from scoring.rounding import compare

RULE = "sum.breakdown"


def _is_change(fact: TextFact) -> bool:
    words = patterns.load("formulas")["growth"]["change_words"] + ["较", "比上年", "同比"]
    return any(w in fact.label for w in words)


def _usable(fact: TextFact, like: TextFact) -> bool:
    f, g = fact.figure, like.figure
    if f.approximate or f.kind != g.kind or _is_change(fact) or f.value * f.scale >= g.value * g.scale:
        return False
    if any(w in fact.label for w in ("每", "平均", "年均", "人均")):
        return False
    if f.kind == "amount":
        return True
    return f.kind == "count" and f.unit == g.unit


def _matches(total: TextFact, parts: list[TextFact]) -> bool:
    return compare(total_interval([p.figure for p in parts]), total.figure,
                   exact_value=total.figure.kind == "count", scale=total.figure.scale) == "pass"


def _breakdowns(pf: ParagraphFacts, openers: list[str]):
    """(total, candidate parts grouped by clause) for each opener in the paragraph."""
    text = pf.norm.text
    last_total = None
    for word in openers:
        start = 0
        while (pos := text.find(word, start)) >= 0:
            start = pos + len(word)
            sent = next((i for i, (a, b) in enumerate(pf.sentence_spans) if a <= pos < b), None)
            if sent is None:
                continue
            s_start, s_end = pf.sentence_spans[sent]
            before = [f for f in pf.facts if f.sentence == sent and f.figure.end <= pos
                      and f.figure.kind in ("amount", "count") and not _is_change(f) and not f.figure.approximate]
            if before:
                total = before[-1]
            elif sent > 0:
                prev = [f for f in pf.facts if f.sentence == sent - 1 and f.figure.kind in ("amount", "count")
                        and not _is_change(f) and not f.figure.approximate]
                opened_prev = any(text.find(w, pf.sentence_spans[sent - 1][0]) == pf.sentence_spans[sent - 1][0]
                                  for w in openers)
                total = last_total if opened_prev and last_total else (prev[0] if prev else None)
            else:
                total = None
            if total is None:
                continue
            clauses: dict[int, list[TextFact]] = defaultdict(list)
            for f in pf.facts:
                if f.sentence == sent and f.figure.start > pos and _usable(f, total):
                    clauses[f.clause].append(f)
            yield total, [clauses[k] for k in sorted(clauses)]
            last_total = total


def _parenthesized(pf: ParagraphFacts):
    """A count or amount followed by its parts in parentheses: 编制25名（事业编制23名，工勤人员编制2名）."""
    text = pf.norm.text
    for i, f in enumerate(pf.facts):
        if not text[f.figure.end:f.figure.end + 1] in ("（", "("):
            continue
        close = min([p for p in (text.find("）", f.figure.end), text.find(")", f.figure.end)) if p > 0] or [-1])
        if close < 0:
            continue
        parts = [g for g in pf.facts[i + 1:] if g.figure.end <= close and _usable(g, f)]
        if len(parts) >= 2:
            yield f, parts


def _text_checks(facts: Facts) -> list[Check]:
    openers = patterns.load("concepts")["breakdown_openers"]
    checks = []
    for pf in facts.paragraphs:
        for total, clauses in _breakdowns(pf, openers):
            chosen, acc = None, []
            for group in clauses:
                acc = acc + group
                if len(acc) >= 2 and _matches(total, acc):
                    chosen = acc
                    break
            if chosen is None:
                acc = []
                for group in clauses:
                    acc = acc + group
                    if len(acc) >= 2:
                        break
                if len(acc) < 2:
                    continue
                chosen = acc
                if total.figure.kind == "count":
                    checks.append(unverifiable(
                        RULE, total, f"{total.label or '合计'} {total.figure.raw}{total.figure.unit} 后列示的各项"
                        f"之和与之不等，各项可能交叉或并非全部列示，无法据此判断。", total.concept, chosen))
                    continue
            checks.append(sum_check(RULE, total, chosen, total.concept, total.label or "合计"))
        for total, parts in _parenthesized(pf):
            checks.append(sum_check(RULE, total, parts, total.concept, total.label or "合计"))
    return checks


def _identity_checks(facts: Facts) -> list[Check]:
    data = patterns.load("formulas")["identities"]
    names = patterns.load("concepts")["concepts"]
    by_key: dict[tuple, list[TextFact]] = defaultdict(list)
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.concept and f.stage and f.figure.kind == "amount" and not f.figure.approximate:
                by_key[(f.concept, f.stage, f.period)].append(f)
    checks = []
    for ident in data:
        for (concept, stage, period), totals in list(by_key.items()):
            if concept != ident["total"]:
                continue
            parts = []
            ok = True
            for pc in ident["parts"] + ident.get("optional", []):
                found = by_key.get((pc, stage, period), [])
                values = {f.figure.value * f.figure.scale for f in found}
                if len(values) > 1 or (not found and pc in ident["parts"]):
                    ok = False
                    break
                if found:
                    parts.append(found[0])
            if not ok:
                continue
            for value in sorted({t.figure.value for t in totals}):
                group = [t for t in totals if t.figure.value == value]
                check = sum_check(RULE, group[0], parts, concept, names[concept]["zh"])
                check.evidence = check.evidence[:1] + evidence(group[1:]) + check.evidence[1:]
                checks.append(check)
    return checks


def check(facts: Facts) -> list[Check]:
    return _text_checks(facts) + _identity_checks(facts)
