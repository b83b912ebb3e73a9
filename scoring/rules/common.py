"""Helpers the rule modules share: evidence, figure text, sums and formula evaluation on intervals, page runs."""
from __future__ import annotations

import ast
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Iterable, Optional, Union

import regex

import patterns

from extractor.facts import Facts, TableCell, TextFact
from extractor.figures import Figure
from extractor.normalize import compact
from scoring.model import Check, Evidence
from scoring.rounding import Interval, compare, exact, interval, render

MAX_PLACES = 20

Source = Union[TextFact, TableCell]


def evidence(sources: Iterable[Source]) -> list[Evidence]:
    seen, out = set(), []
    for s in sources:
        key = (s.location, s.quote)
        if key in seen:
            continue
        seen.add(key)
        out.append(Evidence(quote=s.quote, location=s.location))
    return out


def shown(fig: Figure) -> str:
    """A figure as it reads in a message: 2251.36万元, 97%, 93.70分."""
    if fig.kind == "rate":
        return fig.raw
    return fig.raw + (fig.unit or "")


def exact_kind(fig: Figure) -> bool:
    """Counts are exact; everything else stands for its rounding interval."""
    return fig.kind == "count"


def whole_score(fig: Figure) -> bool:
    """A score printed without decimals is a whole number of points, not a rounded one (DOMAIN.md:
    scores print one or two decimals when they have them)."""
    return fig.decimals == 0


def score_verdict(computed: Interval, fig: Figure) -> str:
    """pass, warning or error for a printed score; a whole-number score that misses is an error, since a
    point is not a rounding slip."""
    verdict = compare(computed, fig, exact_value=whole_score(fig))
    return "error" if verdict == "warning" and whole_score(fig) else verdict


def flow_of(text: str) -> Optional[str]:
    """The money flow (income, expense: patterns/concepts.yaml flows) whose word comes last in a text, if any."""
    found = [(text.rfind(w), flow) for flow, words in patterns.load("concepts")["flows"].items() for w in words
             if w in text]
    return max(found)[1] if found else None


def total_interval(figs: list[Figure]) -> Interval:
    acc = exact(Decimal(0))
    for f in figs:
        acc = acc + interval(f, exact_value=exact_kind(f))
    return acc


CLAUSE_BREAK = "，,；;：:。、"
LAST_CLAUSE_BREAK = regex.compile(f"[{regex.escape(CLAUSE_BREAK)}]", flags=regex.REVERSE)


def derived(facts: Facts, name: str, compute):
    """compute(facts), worked out once per document and kept under name in facts.derived for the calls after."""
    found = facts.derived.get(name)
    if found is None:
        found = facts.derived[name] = compute(facts)
    return found


def clause_words(pf, f: TextFact) -> str:
    """The words of an amount's own clause before it, parentheses kept (其中：因公出国（境）费预算170万元 → 因公出国（境）
    费预算), for matching names where a figure's label stops at a parenthesis."""
    start = pf.sentence_spans[f.sentence][0]
    before = pf.norm.text[start:f.figure.start].rstrip()
    return compact(before[clause_start(before):])


def clause_start(text: str) -> int:
    """Where the last clause of a text starts: right after its last CLAUSE_BREAK character, trailing spaces aside;
    0 when it has none."""
    found = LAST_CLAUSE_BREAK.search(text.rstrip())
    return found.end() if found else 0


def complete_list(labels: list[str], total_label: Optional[str] = None) -> bool:
    """Whether labels name, one each, every member of a breakdown that makes up its whole (patterns/concepts.yaml
    complete_breakdowns; a breakdown with `total` words applies only to a total whose label holds one)."""
    for whole in _breakdowns("complete_breakdowns", total_label):
        matched = _members(whole, labels)
        if matched is not None and set(range(len(whole["members"]))) <= set(matched):
            return True
    return False


def distinct_members(labels: list[str], total_label: Optional[str]) -> bool:
    """Whether labels name, one each, distinct members of a breakdown of the whole total_label names (a breakdown
    with `total` words, of complete_breakdowns or member_breakdowns): such parts may leave members out, but never add
    up to more than their whole."""
    return any(_members(whole, labels) is not None for key in ("complete_breakdowns", "member_breakdowns")
               for whole in _breakdowns(key, total_label) if "total" in whole)


def _breakdowns(key: str, total_label: Optional[str]) -> list[dict]:
    """The breakdowns of patterns/concepts.yaml key that apply to a total so labelled."""
    label = total_label or ""
    return [whole for whole in patterns.load("concepts").get(key, [])
            if ("total" not in whole or any(w in label for w in whole["total"]))
            and not any(w in label for w in whole.get("not_total", []))]


def _members(whole: dict, labels: list[str]) -> Optional[list[int]]:
    """The member of whole each label names, distinct ones; None when a label names none or two name one."""
    members = whole["members"] + whole.get("optional", [])
    matched = [next((i for i, words in enumerate(members) if any(w in label for w in words)), None)
               for label in labels]
    return matched if None not in matched and len(set(matched)) == len(labels) else None


def common_scale(figs: list[Figure]) -> Decimal:
    return figs[0].scale if figs else Decimal(1)


def finest_decimals(result: Figure, figs: list[Figure]) -> int:
    """The most decimals printed among a result and the figures it is computed from at its scale: the precision its
    arithmetic is shown at (170 − 179.6 = −9.6, not −10 after a result printed as 0)."""
    return max([result.decimals] + [f.decimals for f in figs if f.scale == result.scale])


def sum_check(rule: str, total: Source, parts: list[Source], concept: Optional[str],
              what: str, numbers_extra: Optional[list[str]] = None, placed: bool = False) -> Check:
    """A total against the sum of its parts, at printed precision. A placed check (a table's) is told from another
    on the same figures by the places of its figures: two columns that add up alike are two checks."""
    figs = [p.figure for p in parts]
    scale = total.figure.scale
    computed = total_interval(figs)
    verdict = compare(computed, total.figure, exact_value=exact_kind(total.figure), scale=scale)
    expected_value = computed.mid / scale
    expected = render(expected_value, total.figure.decimals)
    diff = render(total.figure.value - expected_value, total.figure.decimals)
    finest = finest_decimals(total.figure, figs)
    shown_sum, shown_diff = render(expected_value, finest), render(total.figure.value - expected_value, finest)
    unit = total.figure.unit
    arithmetic = " + ".join(shown(f) for f in figs)
    status = "pass" if verdict == "pass" else "fail"
    if len(figs) == 1:
        only = f"只填了一项 {shown(figs[0])}"
        message = (f"{what} {shown(total.figure)} 与其各项相符：{only}（在打印精度内）。" if status == "pass" else
                   f"{what} {shown(total.figure)} 与其各项不符：{only}，差额 {shown_diff}{unit or ''}。")
    elif status == "pass":
        message = f"{what} {shown(total.figure)} 与各项之和 {arithmetic} = {shown_sum}{unit or ''} 相符（在打印精度内）。"
    else:
        message = (f"{what} {shown(total.figure)} 与各项之和不符：{arithmetic} = {shown_sum}{unit or ''}，"
                   f"差额 {shown_diff}{unit or ''}。")
    return Check.judged(verdict, rule=rule,
                        message=message, concept=concept, reported=total.figure.raw, expected=expected,
                        difference=diff, unit=unit,
                        numbers=[total.figure.raw] + [f.raw for f in figs] + (numbers_extra or []),
                        evidence=evidence([total] + parts),
                        identity=placed_identity([total] + parts) if placed else None)


def placed_identity(sources: list[Source]) -> tuple:
    """The identity of a check on placed figures (a table's cells): told from another on the same figures by their
    places, so that two columns that add up alike are two checks."""
    return ("placed",) + tuple(s.location for s in sources)


def same_check(rule: str, reported: Source, other: Source, where: str, other_where: str) -> Check:
    """One figure printed in two places: the reported one against the other. They agree when the half-open
    intervals they stand for overlap (236.63 and 236.64 do not: no value rounds to both); one unit of the coarser
    last digit apart is a warning, more an error. Units may differ (15621.11万元 against 156,211,123元)."""
    fig, oth = reported.figure, other.figure
    a, b = interval(fig), interval(oth)
    other_value = oth.value * oth.scale / fig.scale
    step = max(Decimal(10) ** (-fig.decimals), Decimal(10) ** (-oth.decimals) * oth.scale / fig.scale)
    gap = abs(fig.value - other_value)
    verdict = "pass" if a.lo < b.hi and b.lo < a.hi else ("warning" if gap <= step else "error")
    expected = render(other_value, fig.decimals)
    diff = render(fig.value - other_value, fig.decimals)
    if verdict == "pass":
        message = f"{where} {shown(fig)} 与{other_where} {shown(oth)} 一致。"
    else:
        message = f"{where} {shown(fig)} 与{other_where} {shown(oth)} 不一致，差额 {diff}{fig.unit or ''}。"
    return Check.judged(verdict, rule=rule, message=message, reported=fig.raw, expected=expected, difference=diff,
                        unit=fig.unit, numbers=[fig.raw, oth.raw], evidence=evidence([reported, other]))


def unverifiable(rule: str, subject: Source, message: str, concept: Optional[str] = None,
                 inputs: Iterable[Source] = ()) -> Check:
    inputs = list(inputs)
    return Check(rule=rule, status="unverifiable", severity="info", message=message, concept=concept,
                 reported=subject.figure.raw, unit=subject.figure.unit,
                 numbers=[subject.figure.raw] + [i.figure.raw for i in inputs],
                 evidence=evidence([subject] + inputs))


def evaluate(formula: str, values: dict[str, Interval]) -> Interval:
    """Evaluate + - * / over named intervals; raises KeyError for a missing name."""
    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Div):
                return a / b
            if isinstance(node.op, ast.Mult):
                return a.scale(b.mid) if b.lo == b.hi else Interval(a.lo * b.lo, a.hi * b.hi, a.mid * b.mid)
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.Constant):
            return exact(Decimal(str(node.value)))
        raise ValueError(f"unsupported formula element: {ast.dump(node)}")
    return walk(_parsed(formula))


@lru_cache(maxsize=1024)
def _parsed(formula: str) -> ast.Expression:
    """A formula's syntax tree, parsed once (evaluate only reads it; the same formulas come back in every
    document)."""
    return ast.parse(formula, mode="eval")


COARSE_SHARE = Decimal("0.01")


def ratio_check(rule: str, rate: Source, computed: Interval, inputs: list[Source], concept: Optional[str],
                formula_text: str) -> Check:
    """A printed rate against a recomputed ratio (computed as a fraction, compared in percent). A rate that agrees
    only because its inputs are printed coarsely (0.53 ÷ 1 = 53% against a printed 47%: 1 stands for 0.5–1.5), off
    the figures as printed by more than a unit of its last digit and more than COARSE_SHARE of itself, is
    unverifiable, not a pass; a pass whose figures as printed round to another rate says how far their precision
    reaches (20.63 ÷ (22.59 − 20.63) = 1052.55%, 1047.0%–1058.2%, against a printed 1055.4%)."""
    pct = computed.scale(Decimal(100))
    verdict = compare(pct, rate.figure)
    expected = render(pct.mid, rate.figure.decimals, rate=True)
    diff_value = rate.figure.value - pct.mid.quantize(Decimal(10) ** (-rate.figure.decimals))
    diff = render(diff_value, rate.figure.decimals) + "个百分点"
    precise = render(pct.mid, max(2, rate.figure.decimals), rate=True)
    status = "pass" if verdict == "pass" else "fail"
    step = Decimal(10) ** (-rate.figure.decimals)
    if status == "pass" and abs(pct.mid.quantize(step, rounding=ROUND_HALF_UP) - rate.figure.value) > max(
            step, abs(pct.mid) * COARSE_SHARE):
        return Check(rule=rule, status="unverifiable", severity="info",
                     message=(f"{formula_text} 按所列数值 = {precise}，与所列 {rate.figure.raw} 相差 {diff}；"
                              f"只因所列金额的打印精度过粗（各数按其末位±半个单位）才未超出，无法据此判断。"),
                     concept=concept, reported=rate.figure.raw, expected=expected, unit="%",
                     numbers=[rate.figure.raw] + [i.figure.raw for i in inputs], evidence=evidence([rate] + inputs))
    if status == "pass" and pct.mid.quantize(step, rounding=ROUND_HALF_UP) != rate.figure.value:
        low, high = render(pct.lo, rate.figure.decimals + 1, rate=True), render(pct.hi, rate.figure.decimals + 1, rate=True)
        message = (f"{formula_text} = {precise}，各数按其打印精度可在 {low}–{high} 之间，与所列 {rate.figure.raw} 相符"
                   f"（在打印精度内）。")
    elif status == "pass":
        message = f"{formula_text} = {precise}，与所列 {rate.figure.raw} 相符（在打印精度内）。"
    else:
        message = f"所列 {rate.figure.raw} 与复算不符：{formula_text} = {precise}，应为 {expected}，相差 {diff}。"
    return Check.judged(verdict, rule=rule,
                        message=message, concept=concept, reported=rate.figure.raw, expected=expected,
                        difference=render(diff_value, rate.figure.decimals), unit="%",
                        numbers=[rate.figure.raw] + [i.figure.raw for i in inputs],
                        evidence=evidence([rate] + inputs))


def page_ranges(pages: list[int]) -> str:
    """Ascending page numbers as runs: 1, 2, 3, 5 → 1–3、5."""
    out, start = [], None
    for i, p in enumerate(pages):
        if start is None:
            start = p
        if i + 1 == len(pages) or pages[i + 1] != p + 1:
            out.append(str(start) if start == p else f"{start}–{p}")
            start = None
    return "、".join(out)


def opening_text(facts: Facts, page: Optional[int] = None, paragraph: Optional[int] = None, limit: int = 40) -> str:
    """A verbatim quote for a place with no figure: the first words of the first paragraph with text on that
    page, or of that paragraph; empty when there is none (a page that is only a picture)."""
    for pf in facts.paragraphs:
        para = pf.paragraph
        if (page is not None and para.page == page) or (paragraph is not None and para.index == paragraph):
            words = " ".join(para.text.split())
            if words:
                return words[:limit]
            if paragraph is not None:
                break
    return ""


def areas_before(text: str, end: int) -> frozenset[str]:
    """The area words (全省, 全市, 本级 …: patterns/formulas.yaml identity_scopes) a text names before position end."""
    before = text[:end]
    return frozenset(w for w in patterns.load("formulas")["identity_scopes"] if w in before)


@lru_cache(maxsize=8192)
def is_change(label: str) -> bool:
    """A figure's label makes it a change (增加, 比上年减收), not a level, which a label saying what the figure rose or
    fell to is (增加到2019年的3326.9亿元: growth.level_after_change) (cached: the rules ask it of the same labels many
    times)."""
    g = patterns.load("formulas")["growth"]
    return any(w in label for w in g["change_words"]) and not patterns.compiled(g["level_after_change"]).search(label)


def is_decrease(label: str) -> bool:
    """A change label speaks of a decrease: by its change word nearest the figure, a word of two or more
    characters (增加, 减收) taking precedence over a bare 减 or 降 (减贫, 减税降费 name things, not the change)."""
    g = patterns.load("formulas")["growth"]
    words = g["change_words"] + g["decrease_words"]
    for long_only in (True, False):
        found = [(label.rfind(w), w) for w in words if (len(w) > 1) == long_only and w in label]
        if found:
            word = max(found)[1]
            return any(d in word for d in g["decrease_words"])
    return False


_PARENS = regex.compile(r"[（()）]")


@lru_cache(maxsize=512)
def paren_groups(text: str) -> tuple[list[int], dict[int, tuple[int, int]]]:
    """For each position of the text, the parenthesized group it is in (0: none; nested groups have their own
    ids), and each group's (open, close) positions. An unmatched ） is ignored; an unclosed （ runs to the end.
    Cached, since sum.breakdown and every growth rate of a paragraph ask for the same text: read only."""
    n = len(text)
    at, spans, stack, count, pos, current = [0] * (n + 1), {}, [], 0, 0, 0
    for m in _PARENS.finditer(text):
        i = m.start()
        if current:
            at[pos:i] = [current] * (i - pos)
        if text[i] in "（(":
            count += 1
            stack.append(count)
            spans[count] = (i, n)
            current = at[i] = count
        elif stack:
            at[i] = current
            group = stack.pop()
            spans[group] = (spans[group][0], i)
            current = stack[-1] if stack else 0
        pos = i + 1
    if current:
        at[pos:n] = [current] * (n - pos)
    return at, spans


def unsure(check: Check, why: str) -> Check:
    """A finding that a reading may have made (which cell or row the figures belong to is not certain) as an
    unverifiable check, saying why."""
    return replace(check, status="unverifiable", severity="info", message=check.message.rstrip("。") + f"；{why}")


def lost_grid(check: Check, how: str) -> Check:
    """A failed check on a table whose grid was lost in copying, read back how (数值按模板归位), is at most a warning,
    and says so."""
    if check.status == "fail" and check.severity == "error":
        check.severity = "warning"
        check.message += f"（该表表格线已丢失，{how}，请对照原件核对。）"
    return check


def bracket_depths(text: str, opens: str = "（(《", closes: str = "）)》") -> list[int]:
    """How many brackets are open at each character of text (an opening bracket counts at itself, a closing one too)."""
    out, depth = [], 0
    for ch in text:
        if ch in opens:
            depth += 1
        out.append(depth)
        if ch in closes and depth:
            depth -= 1
    return out


def restated_name(pf, f: TextFact) -> Optional[str]:
    """The name of an amount stated right after its subject's budget in one sentence: the subject with the amount's
    own stage (某单位2023年度“三公”经费支出预算为3万元，支出决算为1.71万元 → 某单位2023年度三公经费支出决算; the 三公
    决算说明 template, patterns/claims.yaml share.restated_stage); None for any other amount."""
    spec = patterns.load("claims")["share"]
    earlier = [g for g in pf.facts if g.sentence == f.sentence and g.figure.end <= f.figure.start]
    if len(earlier) != 1:
        return None
    tail = patterns.compiled(spec["name_tail"])
    text, start = pf.norm.text, pf.sentence_spans[f.sentence][0]
    between = tail.sub("", compact(text[earlier[0].figure.end:f.figure.start]))
    own = patterns.compiled(spec["restated_stage"]).fullmatch(between)
    subject = tail.sub("", compact(text[start:earlier[0].figure.start]))
    stated = patterns.compiled(spec["subject_stage"]).search(subject)
    if own is None or stated is None:
        return None
    return subject[:stated.start()] + own.group("stage")


def growth_interval(d: Interval, x: Interval, compared: bool, decrease: bool) -> Interval:
    """The rate a change d gives on the current figure x: d ÷ x when x is the figure compared with, else d on the
    prior figure (x − d, or x + d for a decrease: _fall_rate); ZeroDivisionError when the base may be zero."""
    if compared:
        return d / x
    return _fall_rate(d, x) if decrease else d / (x - d)


def _fall_rate(d: Interval, x: Interval) -> Interval:
    """A decrease's rate d ÷ (x + d) over the current figure x and the decrease d, each once: the rate grows with d
    and falls with x, so its bounds are d.lo ÷ (x.hi + d.lo) and d.hi ÷ (x.lo + d.hi) (dividing by the sum of the two
    intervals would count d's width twice)."""
    if x.lo + d.hi <= 0 or x.hi + d.lo <= 0:
        raise ZeroDivisionError("prior figure reaches zero")
    return Interval(d.lo / (x.hi + d.lo), d.hi / (x.lo + d.hi), d.mid / (x.mid + d.mid))
