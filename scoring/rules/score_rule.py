"""score.rule and score.weight — each scoring-table row re-scored from its own 评分标准, and held to its weight.

Fails:  评分标准 "结果≥100%,得5分;100%>结果≥90%,得4分;…" | 扣分说明 98.53% | 得分 5
        (98.53% falls in 90% ≤ 结果 < 100% → 4分; 5 printed: error)
Passes: 评分标准 "本指标得分=本指标满分分值×政府采购执行率" | 权重 5 | 扣分说明 94.97% | 得分 4.7
        (5 × 94.97% = 4.7485, printed 4.7 at one decimal)
A rule that needs judgement or evidence outside the document (酌情扣分, 佐证材料), or a value the report
does not state, is unverifiable. The value is the 扣分说明's figure when it holds just one, else the
figure the text states for the indicator's concept.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from extractor.facts import Facts, concept_of
from extractor.figures import Figure, parse_figures
from extractor.model import Location
from extractor.normalize import compact, normalize
from extractor.scoring_table import ScoringRow
from scoring.grammar import item_count, parse
from scoring.model import Check, Evidence
from scoring.rounding import compare, interval, render
from scoring.rules.common import whole_score

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
    score_fig, score_loc = row.score
    rule = parse(row.rule.text)
    weight = row.weight[0].value if row.weight else None
    if rule.full_marks is not None:
        weight = rule.full_marks
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
    verdicts = [compare(s, score_fig, exact_value=whole_score(score_fig)) for s in scores]
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
    return out
