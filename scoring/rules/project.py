"""Project self-evaluation tables (项目支出绩效自评表): funds, 执行率 score, weights, total, targets, grade.

Rule ids: table.footing (年度资金总额 = its sources, per column), table.incomplete (a 0 total beside
filled sources, once per table), score.rule (执行率得分 = 分值 × 执行率, at most 分值), score.weight
(得分 ≤ 分值; the 分值 column sums to the printed total), score.total (the 得分 column sums to 总分),
score.target (a missed numeric target against its score), score.grade (等级 vs the stated bands).

A blank source cell counts as nothing; a qualitative target with a partial score is unverifiable. On a table whose
cells ran together (extractor/fused.py) every finding is unverifiable, and an indicator's 得分 ≤ 分值 is no check (its
pair was cut so that it holds).

Fails:  年度资金总额 | 0 | 0 | 0  beside  本年财政拨款 | 35.00 | 35.00 | 34.23   (table.incomplete: error)
Passes: 年度资金总额 480.00 = 400.00 + 80.00 + 0.00; 执行率 95.82% × 10 = 9.582 → 9.58
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Optional

import regex

import patterns
from extractor.facts import Facts
from extractor.project_table import IndicatorRow, ProjectTable, Value
from scoring.grammar import grade_bands, parse
from scoring.model import Check, Evidence
from scoring.rounding import Interval, exact, interval, render
from scoring.rules.common import lost_grid, score_verdict, sum_check, unsure, whole_score
from scoring.rules.score import grade_verdict

TARGET = regex.compile(r"^(?P<op>≥|≤|>|<|=|＞|＜)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>.*)$")
ACTUAL = regex.compile(r"^(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>.*)$")
OPS = {"＞": ">", "＜": "<"}
FUSED = "该表各栏数字连写，各数按模板、执行率与数位拆分，无法确认此处各数所在栏目。"
AMOUNT_COLUMNS = {"initial": "年初预算数", "budget": "全年预算数", "actual": "全年执行数"}


def _ev(values: list[Value]) -> list[Evidence]:
    return [Evidence(quote=v.quote[:80], location=v.location) for v in values]


def _funds(pt: ProjectTable) -> list[Check]:
    total = pt.fund_total
    parts = [f for f in pt.funds if f.kind == "part"]
    if total is None or not parts:
        return []
    columns = [c for c in AMOUNT_COLUMNS if c in total.cells and total.cells[c].figure is not None]
    part_values = {c: [p.cells[c] for p in parts if c in p.cells and p.cells[c].figure is not None] for c in columns}
    if columns and all(total.cells[c].figure.value == 0 for c in columns) and any(
            v.figure.value != 0 for c in columns for v in part_values[c]):
        c = next(c for c in columns if any(v.figure.value != 0 for v in part_values[c]))
        reported = total.cells[c]
        acc = sum((v.figure.value for v in part_values[c]), Decimal(0))
        expected = render(acc, reported.figure.decimals)
        return [Check(rule="table.incomplete", status="fail", severity="error",
                      message=(f"{pt.where}：{total.label}各列均为 0，而其来源已填列（{AMOUNT_COLUMNS[c]} "
                               f"{' + '.join(v.figure.raw for v in part_values[c])} = {render(acc, 2)}），"
                               f"模板未填写完整。"),
                      concept="annual_funds_total", reported=reported.figure.raw, expected=expected,
                      difference=render(reported.figure.value - acc, reported.figure.decimals), unit=pt.unit,
                      numbers=[reported.figure.raw] + [v.figure.raw for v in part_values[c]],
                      evidence=_ev([reported] + part_values[c]), identity=(pt.where, "incomplete"))]
    out = []
    for c in columns:
        if not part_values[c]:
            continue
        out.append(sum_check("table.footing", total.cells[c], part_values[c], "annual_funds_total",
                             f"{pt.where} {total.label}（{AMOUNT_COLUMNS[c]}）", placed=True))
    return out


def _execution_score(pt: ProjectTable) -> Optional[Check]:
    total = pt.fund_total
    if total is None:
        return None
    score, weight, rate = (total.cells.get(k) for k in ("score", "weight", "rate"))
    if score is None or score.figure is None or weight is None or weight.figure is None:
        return None
    stated_rule = patterns.compiled(patterns.load("project_tables")["execution_score_rule"])
    stated = next((m.group() for n in pt.notes if (m := stated_rule.search(n))), None)
    rule = parse(stated or "得分=分值×执行率，最高不超过分值")
    source = "表下说明所列" if stated else "通行"
    value = interval(rate.figure) if rate is not None and rate.figure is not None and rate.figure.kind == "rate" else None
    scores, how = rule.scores(value, weight.figure.value)
    from_amounts = _rate_of_amounts(total)
    if scores is not None and from_amounts is not None:
        more, _ = rule.scores(from_amounts, weight.figure.value)
        scores = scores + (more or [])
    common = dict(rule="score.rule", concept="execution_score", reported=score.figure.raw, unit="分",
                  numbers=[score.figure.raw, weight.figure.raw] + ([rate.figure.raw] if value else []),
                  evidence=_ev([score, weight] + ([rate] if value else [])), identity=(pt.where, "execution"))
    if scores is None:
        return Check(status="unverifiable", severity="info", message=f"{pt.where} 执行率得分：{how}。", **common)
    verdicts = [score_verdict(s, score.figure) for s in scores]
    if "pass" in verdicts:
        return Check(status="pass", severity="info", expected=score.figure.raw, difference="0",
                     message=f"{pt.where} 执行率得分：按{source}规则 {how}，执行率 {rate.figure.raw}，"
                             f"所列 {score.figure.raw} 分相符。", **common)
    if whole_score(score.figure) and any(_whole_points(s, score.figure.value) for s in scores):
        return Check(status="pass", severity="info", expected=score.figure.raw, difference="0",
                     message=f"{pt.where} 执行率得分：按{source}规则 {how}，{weight.figure.raw} × {rate.figure.raw} = "
                             f"{render(scores[0].mid, 4)}，所列整数分 {score.figure.raw} 分为其取整（四舍五入或舍去），"
                             f"相符。", **common)
    expected = render(scores[0].mid, score.figure.decimals)
    diff = render(score.figure.value - scores[0].mid, score.figure.decimals)
    return Check(status="fail", severity="warning" if "warning" in verdicts else "error", expected=expected,
                 difference=diff, message=(f"{pt.where} 执行率得分：按{source}规则（{stated or '分值×执行率'}），"
                                           f"{weight.figure.raw} × {rate.figure.raw} = {render(scores[0].mid, 4)}，"
                                           f"应为 {expected} 分，所列 {score.figure.raw} 分。"), **common)


def _rate_of_amounts(total) -> Optional[Interval]:
    """The execution rate, in percent, of the total row's 执行数 ÷ 预算数, finer than the printed rate (which is itself
    rounded): a score computed from either agrees."""
    budget, actual = total.cells.get("budget"), total.cells.get("actual")
    if budget is None or actual is None or budget.figure is None or actual.figure is None \
            or {budget.figure.kind, actual.figure.kind} - {"amount", "number"} or budget.figure.value <= 0:
        return None
    low = interval(budget.figure)
    return (interval(actual.figure) / low).scale(Decimal(100)) if low.lo > 0 else None


def _whole_points(computed: Interval, printed: Decimal) -> bool:
    """Whether a score printed in whole points is the computed one rounded half up or cut down to whole points
    (tables print 9 or 8 for 8.62; which of the two a table uses is not stated)."""
    one = Decimal(1)
    return any(v.quantize(one, rounding=ROUND_HALF_UP) == printed or v.quantize(one, rounding=ROUND_FLOOR) == printed
               for v in (computed.lo, computed.mid, computed.hi))


def _scored_rows(pt: ProjectTable) -> list[tuple[str, Value, Value]]:
    """(name, weight, score) of the 预算执行 row and every indicator row, where both are figures."""
    rows = []
    total = pt.fund_total
    if total is not None and all(k in total.cells and total.cells[k].figure is not None for k in ("weight", "score")):
        rows.append(("预算执行率", total.cells["weight"], total.cells["score"]))
    for ind in pt.indicators:
        w, s = ind.cells.get("weight"), ind.cells.get("score")
        if w is not None and w.figure is not None and s is not None and s.figure is not None:
            rows.append((ind.name, w, s))
    return rows


def _cut_apart(pt: ProjectTable, rows: list[tuple[str, Value, Value]]) -> list[tuple[str, Value, Value]]:
    """The rows whose 得分 ≤ 分值 is a check: in a table whose cells ran together each indicator's pair was cut so
    that it holds, and only the funds row's 得分 stands apart from its 分值."""
    if not pt.fused:
        return rows
    funds_weight = pt.fund_total.cells.get("weight") if pt.fund_total is not None else None
    return [r for r in rows if r[1] is funds_weight]


def _weights(pt: ProjectTable, rows: list[tuple[str, Value, Value]]) -> list[Check]:
    out = []
    for name, w, s in _cut_apart(pt, rows):
        ok = s.figure.value <= w.figure.value
        diff = render(s.figure.value - w.figure.value, s.figure.decimals)
        out.append(Check.judged("pass" if ok else "error", rule="score.weight",
                                message=(f"{pt.where} {name}：得分 {s.figure.raw} 未超过分值 {w.figure.raw}。" if ok else
                                  f"{pt.where} {name}：得分 {s.figure.raw} 超过其分值 {w.figure.raw}，超出 {diff} 分。"),
                                concept="score", reported=s.figure.raw, expected=w.figure.raw, difference="0" if ok else diff,
                                unit="分", numbers=[s.figure.raw, w.figure.raw], evidence=_ev([s, w]),
                                identity=(pt.where, "weight", s.location)))
    total_w = pt.total.get("weight")
    if total_w is not None and rows:
        acc = sum((w.figure.value for _, w, _ in rows), Decimal(0))
        ok = acc == total_w.figure.value
        expected = render(acc, total_w.figure.decimals)
        arithmetic = " + ".join(w.figure.raw for _, w, _ in rows)
        out.append(Check.judged("pass" if ok else "error", rule="score.weight",
                                message=(f"{pt.where} 分值合计：{arithmetic} = {expected}，与总分值 {total_w.figure.raw} 相符。"
                                  if ok else f"{pt.where} 分值合计：{arithmetic} = {expected}，所列总分值为 "
                                  f"{total_w.figure.raw}。"),
                                concept="weight_total", reported=total_w.figure.raw, expected=expected,
                                difference=render(total_w.figure.value - acc, total_w.figure.decimals), unit="分",
                                numbers=[total_w.figure.raw] + [w.figure.raw for _, w, _ in rows],
                                evidence=_ev([total_w] + [w for _, w, _ in rows]), identity=(pt.where, "weight_total")))
    return out


def _total(pt: ProjectTable, rows: list[tuple[str, Value, Value]]) -> Optional[Check]:
    total_s = pt.total.get("score")
    if total_s is None or not rows:
        return None
    acc = exact(Decimal(0))
    for _, _, s in rows:
        acc = acc + interval(s.figure, exact_value=whole_score(s.figure))
    verdict = score_verdict(acc, total_s.figure)
    expected = render(acc.mid, total_s.figure.decimals)
    diff = render(total_s.figure.value - acc.mid, total_s.figure.decimals)
    arithmetic = " + ".join(s.figure.raw for _, _, s in rows)
    ok = verdict == "pass"
    return Check.judged(verdict, rule="score.total",
                        message=(f"{pt.where} 总分 {total_s.figure.raw} 与各项得分之和 {arithmetic} = {expected} 相符。" if ok
                          else f"{pt.where} 总分 {total_s.figure.raw} 与各项得分之和不符：{arithmetic} = {expected}，"
                          f"相差 {diff} 分。"),
                        concept="evaluation_score", reported=total_s.figure.raw, expected=expected, difference=diff,
                        unit="分", numbers=[total_s.figure.raw] + [s.figure.raw for _, _, s in rows],
                        evidence=_ev([total_s] + [s for _, _, s in rows]), identity=(pt.where, "total"))


def _target_values(ind: IndicatorRow) -> Optional[tuple[str, Decimal, Decimal, Value, Value]]:
    target, actual = ind.cells.get("target"), ind.cells.get("actual")
    if target is None or actual is None:
        return None
    op_cell = ind.cells.get("operator")
    measure = ind.cells.get("measure")
    t = TARGET.match(target.text.replace(" ", ""))
    a = ACTUAL.match(actual.text.replace(" ", ""))
    if not t or not a:
        return None
    op = t.group("op") or (op_cell.text.strip() if op_cell is not None else "") or "≥"
    op = OPS.get(op, op)
    if op not in ("≥", "≤", ">", "<", "="):
        return None
    if measure is None and t.group("unit") != a.group("unit"):
        return None
    return op, Decimal(t.group("num").replace(",", "")), Decimal(a.group("num").replace(",", "")), target, actual


def _targets(pt: ProjectTable) -> list[Check]:
    missed_rule = patterns.compiled(patterns.load("project_tables")["missed_target_rule"])
    stated = any(missed_rule.search(n) for n in pt.notes)
    out = []
    for ind in pt.indicators:
        parsed = _target_values(ind)
        w, s = ind.cells.get("weight"), ind.cells.get("score")
        if w is None or w.figure is None or s.figure is None:
            continue
        if parsed is None:
            if s.figure.value < w.figure.value and ind.cells.get("target") is not None:
                out.append(Check(rule="score.target", status="unverifiable", severity="info",
                                 message=(f"{pt.where} {ind.name}：指标值“{ind.cells['target'].text}”非数值，"
                                          f"得分 {s.figure.raw}（分值 {w.figure.raw}）的扣分无法复算。"),
                                 concept="indicator_score", reported=s.figure.raw, unit="分",
                                 numbers=[s.figure.raw, w.figure.raw], evidence=_ev([s, ind.cells["target"]]),
                                 identity=(pt.where, "target", s.location)))
            continue
        op, tv, av, target, actual = parsed
        measure = ind.cells["measure"].text if ind.cells.get("measure") is not None else ""
        target_text = target.text if target.text.startswith(op) else (
            f"{op}{target.text}{measure}" if ind.cells.get("operator") is not None
            else f"{target.text}{measure}（未列方向，按“{op}”读）")
        actual_text = actual.text + (measure if measure and not actual.text.endswith(measure) else "")
        met = {"≥": av >= tv, ">": av > tv, "≤": av <= tv, "<": av < tv, "=": av == tv}[op]
        if met or tv == 0 or av == 0:
            continue
        full = s.figure.value >= w.figure.value
        ratio = (tv / av) if op in ("≤", "<") else (av / tv)
        expected_v = min(w.figure.value * ratio, w.figure.value)
        common = dict(rule="score.target", concept="indicator_score", reported=s.figure.raw, unit="分",
                      numbers=[s.figure.raw, w.figure.raw, target.text, actual.text],
                      evidence=_ev([s, target, actual]), identity=(pt.where, "target", s.location))
        how = (f"{w.figure.raw} × {av} ÷ {tv}" if op not in ("≤", "<") else f"{w.figure.raw} × {tv} ÷ {av}")
        if not stated:
            if full:
                out.append(Check(status="fail", severity="warning", expected=None, difference=None,
                                 message=(f"{pt.where} {ind.name}：年度指标值 {target_text} 未完成（实际 {actual_text}），"
                                          f"却得满分 {s.figure.raw} 分。"), **common))
            continue
        verdict = score_verdict(exact(expected_v), s.figure)
        expected = render(expected_v, s.figure.decimals)
        if verdict == "pass":
            out.append(Check(status="pass", severity="info", expected=expected, difference="0",
                             message=(f"{pt.where} {ind.name}：未完成年度指标值，按说明所列规则 {how} = "
                                      f"{render(expected_v, 4)}，所列 {s.figure.raw} 分相符。"), **common))
            continue
        diff = render(s.figure.value - expected_v, s.figure.decimals)
        message = (f"{pt.where} {ind.name}：年度指标值 {target_text} 未完成（实际 {actual_text}），"
                   + ("却得满分" if full else "得分") + f" {s.figure.raw} 分；按说明所列规则 {how} = {expected} 分。")
        out.append(Check(status="fail", severity="warning" if full else verdict, expected=expected, difference=diff,
                         message=message, **common))
    return out


def _grade(pt: ProjectTable) -> Optional[Check]:
    total_s = pt.total.get("score")
    if pt.grade is None or total_s is None or not pt.grade.text:
        return None
    stated_bands = grade_bands(pt.notes)
    verdict, expected, grades = grade_verdict(total_s.figure.value, pt.grade.text, stated_bands)
    source = "表下所列等级标准" if stated_bands else "通行等级标准（优≥90，良80–90，中60–80，差<60）"
    common = dict(rule="score.grade", concept="evaluation_score", reported=total_s.figure.raw, expected=None, unit="分",
                  numbers=[total_s.figure.raw], evidence=_ev([total_s, pt.grade]), identity=(pt.where, "grade"))
    if verdict == "unverifiable":
        return Check(status="unverifiable", severity="info", message=(
            f"{pt.where} 总分 {total_s.figure.raw} 分：表下未列等级标准，各地常用标准给出的等级不一（{grades}），"
            f"所列“{pt.grade.text}”无法核实。"), **common)
    return Check.judged(verdict, message=(f"{pt.where} 总分 {total_s.figure.raw} 分按{source}为“{expected}”，"
                                          + ("与所列等级相符。" if verdict == "pass" else f"所列为“{pt.grade.text}”。")),
                        **common)


def _probable(checks: list[Check]) -> list[Check]:
    """Findings on a table read back from text whose grid was lost are at most warnings: its cells were placed by
    the template, not read from a grid."""
    return [lost_grid(c, "数值按模板归位") for c in checks]


def check(facts: Facts) -> list[Check]:
    out: list[Check] = []
    for pt in facts.project_tables:
        rows = _scored_rows(pt)
        found = _funds(pt)
        found += [c for c in (_execution_score(pt), _total(pt, rows), _grade(pt)) if c is not None]
        found += _weights(pt, rows)
        found += _targets(pt)
        if pt.fused:
            out += [unsure(c, FUSED) if c.is_finding else c for c in found]
        else:
            out += _probable(found) if pt.table is None or pt.aligned else found
    return out
