"""score.rule and score.weight — each scoring-table row re-scored from its own 评分标准, and held to its weight.

Also score.total for each deduction a summary lists against its row, and score.self_vs_review where a row
states a rule for the gap between the self-evaluation score and the reviewed one.

Fails:  评分标准 "结果≥100%,得5分;100%>结果≥90%,得4分;…" | 扣分说明 98.53% | 得分 5
        (98.53% falls in 90% ≤ 结果 < 100% → 4分; 5 printed: error)
Passes: 评分标准 "本指标得分=本指标满分分值×政府采购执行率" | 权重 5 | 扣分说明 94.97% | 得分 4.7
        (5 × 94.97% = 4.7485, printed 4.7 at one decimal)
A rule that needs judgement or evidence outside the document (酌情扣分, 佐证材料), or a value the report
does not state, is unverifiable. The value is the 扣分说明's figure when it holds just one, else the
figure the text states for the indicator's concept. score.weight on a 评分表 copied one cell per line or with its
cells run together is made by scoring/rules/weight_tree.py (at most a warning there).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

import regex

from extractor.facts import Facts, concept_of
from extractor.figures import Figure, parse_figures
from extractor.model import Location
from extractor.normalize import compact, normalize
from extractor.scoring_table import ScoringRow
from scoring.grammar import item_count, parse
from scoring.model import Check, Evidence
from scoring.rounding import exact, interval, render
from scoring.rules.common import evidence, score_verdict, whole_score

RULE = "score.rule"
WEIGHT = "score.weight"


def _row_evidence(row: ScoringRow, extra: list[Evidence] = ()) -> list[Evidence]:
    out = [Evidence(quote=row.quote(), location=row.score[1] if row.score else row.rule.location),
           Evidence(quote=compact(row.rule.text)[:80], location=row.rule.location)]
    return out + [e for e in extra if e.location not in {o.location for o in out}]


def _note_value(row: ScoringRow) -> Optional[tuple[Figure, str, Location, str]]:
    if row.note is None:
        return None
    text = normalize(row.note.text).text.strip()
    figures = [f for f in parse_figures(text) if f.kind in ("rate", "number")]
    if len(figures) != 1 or len(compact(text)) > len(figures[0].raw) + 4:
        return None
    return figures[0], "扣分说明", row.note.location, row.note.text.strip()


def _text_value(facts: Facts, row: ScoringRow) -> Optional[tuple[Figure, str, Location, str]]:
    if row.name is None:
        return None
    concept = concept_of(row.name.text, "rate")
    if concept is None:
        return None
    found = [f for pf in facts.paragraphs for f in pf.facts
             if f.concept == concept and f.figure.kind == "rate" and not f.figure.approximate]
    if len({f.figure.value for f in found}) != 1:
        return None
    f = found[0]
    return f.figure, "正文", f.location, f.quote


def _rescore(facts: Facts, row: ScoringRow) -> Optional[Check]:
    score_fig, _ = row.score
    rule = parse(row.rule.text)
    weight = _row_full_marks(row)
    value = _note_value(row) or _text_value(facts, row) if rule.needs_value else None
    count = item_count(row.note.text) if row.note is not None and rule.kind == "per_item" else None
    scores, how = rule.scores(interval(value[0]) if value else None, weight, count)
    name = row.name.text if row.name else f"表{row.table}第{row.row}行"
    numbers = [score_fig.raw] + ([value[0].raw] if value else []) + ([row.weight[0].raw] if row.weight else [])
    extra = [Evidence(quote=value[3][:80], location=value[2])] if value else []
    common = dict(rule=RULE, concept=concept_of(name, "rate") if row.name else None, reported=score_fig.raw,
                  unit="分", numbers=numbers, evidence=_row_evidence(row, extra), identity=(row.table, row.row))
    if scores is None:
        return Check(status="unverifiable", severity="info", message=f"{name}：{how}。", **common)
    verdicts = [score_verdict(s, score_fig) for s in scores]
    used = f"所用数值 {value[0].raw}（{value[1]}，{value[2].describe()}）" if value else ""
    if "pass" in verdicts:
        return Check(status="pass", severity="info",
                     message=f"{name}：按评分标准 {how}{'，' + used if used else ''}，所列得分 {score_fig.raw} 分相符。",
                     expected=score_fig.raw, difference="0", **common)
    best = scores[0]
    expected = render(best.mid, score_fig.decimals)
    diff = render(score_fig.value - best.mid, score_fig.decimals)
    severity = "warning" if "warning" in verdicts else "error"
    return Check(status="fail", severity=severity,
                 message=(f"{name}：按评分标准 {how}{'，' + used if used else ''}，应得 {expected} 分，"
                          f"所列得分 {score_fig.raw} 分，相差 {diff} 分。"),
                 expected=expected, difference=diff, **common)


def _weight(row: ScoringRow) -> Optional[Check]:
    score_fig, _ = row.score
    rule = parse(row.rule.text)
    weight = row.weight[0] if row.weight else None
    if weight is None or (rule.full_marks is not None and rule.full_marks != weight.value):
        return None
    name = row.name.text if row.name else f"表{row.table}第{row.row}行"
    ok = score_fig.value <= weight.value
    common = dict(rule=WEIGHT, concept=None, reported=score_fig.raw, expected=weight.raw, unit="分",
                  numbers=[score_fig.raw, weight.raw], evidence=_row_evidence(row), identity=(row.table, row.row))
    if ok:
        return Check(status="pass", severity="info", message=f"{name}：得分 {score_fig.raw} 分未超过分值 {weight.raw} 分。",
                     difference="0", **common)
    diff = render(score_fig.value - weight.value, score_fig.decimals)
    return Check(status="fail", severity="error",
                 message=f"{name}：得分 {score_fig.raw} 分超过其分值 {weight.raw} 分，超出 {diff} 分。",
                 difference=diff, **common)


def check(facts: Facts) -> list[Check]:
    out = []
    for row in facts.scoring_rows:
        if row.score is None:
            continue
        for made in (_rescore(facts, row), _weight(row)):
            if made is not None:
                out.append(made)
    return out + _table_totals(facts) + _listed_deductions(facts) + _self_vs_review(facts)


def _table_totals(facts: Facts) -> list[Check]:
    """A scoring table's 合计 row against the sum of its rows' scores."""
    out = []
    for table, (total, location) in facts.scoring_totals.items():
        rows = [r for r in facts.scoring_rows if r.table == table and r.score is not None]
        if not rows:
            continue
        acc = exact(Decimal(0))
        for r in rows:
            acc = acc + interval(r.score[0], exact_value=whole_score(r.score[0]))
        verdict = score_verdict(acc, total)
        expected = render(acc.mid, total.decimals)
        arithmetic = " + ".join(r.score[0].raw for r in rows)
        ok = verdict == "pass"
        out.append(Check.judged(verdict, rule="score.total",
                                message=(f"表{table} 合计得分 {total.raw} 与各行得分之和 {arithmetic} = {expected} "
                                  + ("相符。" if ok else f"不符，相差 {render(total.value - acc.mid, total.decimals)} 分。")),
                                concept="evaluation_score", reported=total.raw, expected=expected,
                                difference=render(total.value - acc.mid, total.decimals), unit="分",
                                numbers=[total.raw] + [r.score[0].raw for r in rows],
                                evidence=[Evidence(quote=f"合计 | {total.raw}", location=location)]
                                + [Evidence(quote=r.quote(), location=r.score[1]) for r in rows],
                                identity=(table, "total")))
    return out


DEDUCTION_ITEM = regex.compile(r"([^、：:；;，,。（(]{2,20})[（(]扣\s*(\d+(?:\.\d+)?)\s*分[)）]")
GAP_RULE = regex.compile(r"自评得分与(?:核查|评价|复核)得分每(?:误差|相差|差)(\d+(?:\.\d+)?)分[,，]?扣(\d+(?:\.\d+)?)分")


def _row_full_marks(row: ScoringRow) -> Optional[Decimal]:
    rule = parse(row.rule.text)
    if rule.full_marks is not None:
        return rule.full_marks
    return row.weight[0].value if row.weight else None


def _listed_deductions(facts: Facts) -> list[Check]:
    """Each deduction a summary lists ("整体支出完成率（扣 1 分）") against its scoring row's weight − score."""
    out = []
    named = [r for r in facts.scoring_rows if r.name is not None and r.score is not None]
    for pf in facts.paragraphs:
        text = pf.norm.text
        if "扣分" not in text:
            continue
        for m in DEDUCTION_ITEM.finditer(text):
            name = compact(m.group(1)).lstrip("主要扣分点")
            fact = next((f for f in pf.facts if m.start(2) <= f.figure.start < m.end(2)), None)
            if fact is None:
                continue
            row = next((r for r in named if r.name.text == name or name.endswith(r.name.text)), None)
            common = dict(rule="score.total", concept="deduction", reported=fact.figure.raw, unit="分",
                          identity=("deduction", pf.block, m.start()))
            if row is None or _row_full_marks(row) is None:
                out.append(Check(status="unverifiable", severity="info",
                                 message=f"所列扣分“{name}（扣 {fact.figure.raw} 分）”：评分表中未找到可对应的指标行及其分值，无法核对。",
                                 numbers=[fact.figure.raw], evidence=evidence([fact]), **common))
                continue
            full = _row_full_marks(row)
            score_fig = row.score[0]
            deducted = full - score_fig.value
            ok = deducted == fact.figure.value
            expected = render(deducted, fact.figure.decimals if fact.figure.decimals else score_fig.decimals)
            ev = evidence([fact]) + _row_evidence(row)
            numbers = [fact.figure.raw, score_fig.raw]
            if ok:
                out.append(Check(status="pass", severity="info", expected=expected, difference="0",
                                 message=f"所列扣分“{name}（扣 {fact.figure.raw} 分）”与评分表一致：{full} − {score_fig.raw} = {expected}。",
                                 numbers=numbers, evidence=ev, **common))
            else:
                out.append(Check(status="fail", severity="error", expected=expected,
                                 difference=render(fact.figure.value - deducted, max(fact.figure.decimals, score_fig.decimals)),
                                 message=(f"所列扣分“{name}（扣 {fact.figure.raw} 分）”与评分表不符：该指标满分 {full}，"
                                          f"得分 {score_fig.raw}，实扣 {expected} 分。"),
                                 numbers=numbers, evidence=ev, **common))
    return out


def _self_vs_review(facts: Facts) -> list[Check]:
    """A row's rule for the gap between the self-evaluation score and the reviewed score, applied."""
    out = []
    totals = [f for pf in facts.paragraphs for f in pf.facts
              if f.concept == "evaluation_score" and f.figure.kind == "score"]
    selves = [f for pf in facts.paragraphs for f in pf.facts
              if f.concept == "self_evaluation_score" and f.figure.kind == "score"]
    for row in facts.scoring_rows:
        m = GAP_RULE.search(compact(row.rule.text))
        if m is None or row.score is None:
            continue
        step, points = Decimal(m.group(1)), Decimal(m.group(2))
        self_fig = None
        if row.note is not None:
            found = [f for f in parse_figures(normalize(row.note.text).text) if f.kind == "score"]
            note_text = compact(row.note.text)
            if len(found) == 1 and "自评得分" in note_text:
                self_fig = found[0]
        if self_fig is None and len({f.figure.value for f in selves}) == 1:
            self_fig = selves[0].figure
        if self_fig is None or len({f.figure.value for f in totals}) != 1:
            continue
        review = totals[0]
        gap = abs(self_fig.value - review.figure.value)
        implied = (gap / step).to_integral_value(rounding="ROUND_FLOOR") * points
        full = _row_full_marks(row)
        deducted = full - row.score[0].value if full is not None else None
        common = dict(rule="score.self_vs_review", concept="self_evaluation_score", reported=row.score[0].raw,
                      unit="分", numbers=[row.score[0].raw, self_fig.raw, review.figure.raw],
                      evidence=_row_evidence(row) + evidence([review]), identity=(row.table, row.row))
        arithmetic = (f"自评得分 {self_fig.raw} 与核查得分 {review.figure.raw} 相差 {gap} 分，"
                      f"按“每误差 {step} 分扣 {points} 分”应扣 {format(implied.normalize(), 'f')} 分")
        if implied == 0 or (deducted is not None and deducted >= implied):
            out.append(Check(status="pass", severity="info", expected=row.score[0].raw, difference="0",
                             message=f"{arithmetic}，所列得分 {row.score[0].raw} 与之不矛盾。", **common))
        elif deducted is None:
            out.append(Check(status="unverifiable", severity="info",
                             message=f"{arithmetic}；该行分值未能确定，无法核对得分。", **common))
        else:
            expected = render(full - implied, row.score[0].decimals)
            out.append(Check(status="fail", severity="error", expected=expected,
                             difference=render(row.score[0].value - (full - implied), row.score[0].decimals),
                             message=f"{arithmetic}，该行仅扣 {deducted} 分，得分至多应为 {expected}。", **common))
    return out
