"""sum.breakdown — a total in running text against its 其中/包括/分别为 parts, and concept identities; sum.change — a
change stated with the year before's figure.

Fails:  财政拨款决算收入2251.36万元 … 一般公共预算财政拨款收入2073.12万元，政府性基金预算财政拨款收入121.9万元
        (2073.12 + 121.9 = 2195.02 ≠ 2251.36: error)
Passes: 实际支出 2,792.29 万元，其中：工资福利 503 万元、对个人和家庭补助 14.70 万元、
        商品和服务支出 1,961.24 万元、资本性支出 313.35 万元 (= 2792.29)
sum.change fails: 收入271万元，比上年的312万元下降31万元 (271 − 312 = −41); passes with 下降41万元.
Counts whose parts exceed the total (事项 both 网上办 and 一次办) may overlap: unverifiable, unless they are every
member of a breakdown that makes up their whole (离退休 = 离休 + 退休). The one
part a 其中 names right after its whole (职工23人，其中在编人员16人) is held to be no larger than it.
Amounts that fall short of the total may be only some of its parts (其中：教育支出1,200万元；卫生健康支出800万元 of
5,000万元): unverifiable, unless they are every member of a breakdown that makes up its whole (基本支出 and 项目支出).
Where the total and every part state their change (一般公共预算收入24627万元，比上年减收1070万元。其中：税收收入8103万元，
比上年增收1284万元；非税收入16524万元，比上年减收2354万元), the total's change is held to the parts' changes, signed
(+1284 − 2354 = −1070), and where they state growth rates, the total's rate to the one the parts' amounts and rates
give (each part's year before is part ÷ (1 + rate)).
A total followed by 收入具体情况如下 and numbered item paragraphs (1.一般公共预算财政拨款收入382.17万元 … 2.上级补助收入8.38万元)
passes when its first items add up to it; when none of the paragraph's totals is met the list may be partial or cut
off: unverifiable, never an error.
A total whose members are fixed (“三公”经费 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费) is held to its members
where the text states them in other sentences or sections, each of the same stage and period and of one value.
A total's change is also held to its parts' changes stated after any statement of each part elsewhere (其中：…公务接待费
支出预算为240万元… | （三）公务接待费支出预算240万元，比2023年预算减少10万元), when all of them are counted against one
base (比2023年预算 in a 2024 total's sentence is 上年预算, as 比上年年初预算 is); a part said unchanged against it
(与2023年预算持平) changed by 0. Fails: 减少17.3万元 with 0 − 7.3 − 12 = −19.3; passes with − 10.
A total and parts that print different money units and add up only as printed numbers (一般公共预算收入88435元，其中：
税收收入39029元…；非税收入49406万元) are an error whose message names the likely unit slip; parts in another unit that add
up in their units (1.5亿元 = 9000万元 + 6000万元) pass.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

import regex

import patterns
from extractor.facts import Facts, ParagraphFacts, TextFact, stage_of
from extractor.figures import Figure
from scoring.model import Check
from scoring.rules.common import (areas_before, clause_words, complete_list, derived, distinct_members, evidence,
                                  flow_of, growth_interval, is_change, is_decrease, lost_grid, paren_groups, shown,
                                  sum_check, total_interval, unsure, unverifiable)
from scoring.rounding import Interval, compare, exact, interval, render
from scoring.rules.statement import three_public_row_item

RULE = "sum.breakdown"
CHINESE_NUMBERS = "一二三四五六七八九十"
BEFORE_LAST_BREAK = regex.compile(r"^.*[，,；;：:、]")


def _is_change(fact: TextFact) -> bool:
    """A change, or a figure a comparison names (比上年的900万元): neither a total nor a part."""
    return _change_label(fact.label)


@lru_cache(maxsize=8192)
def _change_label(label: str) -> bool:
    """Whether a label makes its figure a change or names a comparison (cached, as is_change)."""
    compared = patterns.load("formulas")["growth"]["compared_words"]
    return is_change(label) or any(w in label for w in compared)


def _usable(fact: TextFact, like: TextFact, equal: bool = False) -> bool:
    """Whether fact can be a part of the total like: of its kind, not a change, smaller (or, with equal, as large:
    a part beside zeros)."""
    f, g = fact.figure, like.figure
    if f.approximate or f.kind != g.kind or _is_change(fact) or f.value * f.scale > g.value * g.scale \
            or f.value * f.scale == g.value * g.scale and not equal:
        return False
    if any(w in fact.label for w in ("每", "平均", "年均", "人均")):
        return False
    if f.kind == "amount":
        return True
    return f.kind == "count" and f.unit == g.unit


def _flow(label: str) -> str | None:
    """The money flow (income, expense) whose word comes last in the label's own clause, if any."""
    return flow_of(_core_name(label))


def _matches(total: TextFact, parts: list[TextFact]) -> bool:
    return compare(total_interval([p.figure for p in parts]), total.figure,
                   exact_value=total.figure.kind == "count", scale=total.figure.scale) == "pass"


def _closest(total: TextFact, candidates: list[list[TextFact]]) -> list[TextFact] | None:
    """Of the part lists that agree with the total within printed precision, the one whose sum is nearest it, the
    longer on a tie: whole-number parts (0 + 28) agree with 29 within their rounding, but 0 + 28 + 1 is the list."""
    if not candidates:
        return None
    target = total.figure.value * total.figure.scale
    return min(candidates, key=lambda parts: (abs(total_interval([p.figure for p in parts]).mid - target), -len(parts)))


def _listed(clauses: list[list[TextFact]]) -> list[TextFact]:
    """The parts of a breakdown that no run of clauses adds up to: the clauses up to the second part, then
    each following clause that holds one part whose label ends like the last part's (；卫生健康支出800万元)."""
    acc: list[TextFact] = []
    rest = list(clauses)
    while rest and len(acc) < 2:
        acc = acc + rest.pop(0)
    for group in rest:
        if len(group) != 1 or len(acc) < 2 or group[0].label[-2:] != acc[-1].label[-2:]:
            break
        acc = acc + group
    return acc


def _siblings_after(chosen: list[TextFact], listed: list[TextFact]) -> list[TextFact]:
    """The amounts listed after a list's agreeing run that are named as its last part is (…公务接待费支出预算为11.52
    万元，公务用车购置及运行费支出预算为35万元 after 0 + 11.52 = 11.52, 35 being larger than the total): when they and
    the run name every member of the total's fixed breakdown (complete_breakdowns: the three “三公” items), they are
    the list the run left out."""
    if chosen[-1] not in listed:
        return []
    out: list[TextFact] = []
    for f in listed[listed.index(chosen[-1]) + 1:]:
        if f.label[-2:] != chosen[-1].label[-2:]:
            break
        out.append(f)
    return out


def _falls_short(total: TextFact, parts: list[TextFact]) -> bool:
    """Whether the parts, at their printed precision, add up to less than the total can be."""
    computed = total_interval([p.figure for p in parts])
    return compare(computed, total.figure, scale=total.figure.scale) != "pass" \
        and computed.mid < total.figure.value * total.figure.scale


def _short_list(total: TextFact, parts: list[TextFact]) -> Check:
    return unverifiable(RULE, total, f"{total.label or '合计'} {shown(total.figure)} 后列示的各项之和"
                        f"（{' + '.join(shown(p.figure) for p in parts)}）小于合计，所列可能只是其中部分项目，"
                        f"无法据此判断。", total.concept, parts)


def _complete(pf: ParagraphFacts, total: TextFact, parts: list[TextFact]) -> bool:
    """Whether the parts are, one each, every member of a breakdown that makes up this total."""
    return complete_list([clause_words(pf, p) for p in parts], total.label)


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for all the words, which passes by a text that holds none of them (most paragraphs hold no list
    cue) sooner than a look for each word."""
    return re.compile("|".join(map(re.escape, words)))


def _cues(pf: ParagraphFacts, openers: list[str]):
    """(position, sentence) of each list cue (其中, 包括…) in the paragraph, cue by cue in the order of openers, then of
    each sentence that opens with a point of view (从收入结构看，…; concepts.yaml breakdown_views)."""
    text = pf.norm.text
    if _any_of(tuple(openers)).search(text):
        for word in openers:
            start = 0
            while (pos := text.find(word, start)) >= 0:
                start = pos + len(word)
                sent = next((i for i, (a, b) in enumerate(pf.sentence_spans) if a <= pos < b), None)
                if sent is not None:
                    yield pos, sent
    views = patterns.compiled(patterns.load("concepts")["breakdown_views"])
    if views.search(text) is None:
        return
    for sent, (a, b) in enumerate(pf.sentence_spans):
        m = views.match(text, a, b)
        if m is not None and not any(w in m.group() for w in openers):
            yield m.start("view"), sent


def _view_total(earlier: list[ParagraphFacts], pf: ParagraphFacts, pos: int) -> TextFact | None:
    """The total a paragraph that opens with a point of view breaks down (从收入详细来看，税收收入…；非税收入…): of the
    paragraph before (past other such paragraphs: 从支出详细来看 after 从收入详细来看), the one sentence whose first amount
    names the view's flow (…收入94887.14亿元… | …支出132512.65亿元…)."""
    views = patterns.compiled(patterns.load("concepts")["breakdown_views"])
    m = views.match(pf.norm.text, pf.sentence_spans[0][0])
    flow = _flow(m.group("view")) if m is not None and m.start("view") == pos else None
    if flow is None:
        return None
    block = pf.block
    for previous in reversed(earlier):
        if previous.block != block - 1 or not previous.sentence_spans:
            return None
        block = previous.block
        if views.match(previous.norm.text, previous.sentence_spans[0][0]):
            continue
        firsts = [next((f for f in previous.facts if f.sentence == k and f.figure.kind == "amount"), None)
                  for k in range(len(previous.sentence_spans))]
        named = [f for f in firsts if f is not None and not _is_change(f) and not f.figure.approximate
                 and _flow(f.label) == flow]
        return named[0] if len(named) == 1 else None
    return None


def _breakdowns(pf: ParagraphFacts, openers: list[str], earlier: list[ParagraphFacts] = ()):
    """(total, candidate parts grouped by clause) for each opener in the paragraph. Parts are the figures at the
    opener's level of parentheses: 其中：基本支出600万元（其中人员经费400万元），项目支出400万元 gives 600 + 400 for
    the first 其中, and 人员经费 alone for the second, whose total is the figure before its parenthesis. A paragraph
    that opens with a point of view takes its total from the paragraph before (_view_total). A total or part run on
    from the amount before it (_run_on) leaves the list unread, and so does a contrast between the amount before the
    cue and the cue (…162.3亿元；而秦皇岛和张家口…分别为…: concepts.yaml breakdown_contrast)."""
    text = pf.norm.text
    group_at, spans = paren_groups(text)
    amount_ends = {f.figure.end for f in pf.facts if f.figure.kind == "amount"}
    last_total = None
    for pos, sent in _cues(pf, openers):
        group = group_at[pos]
        before = [f for f in pf.facts if f.sentence == sent and f.figure.end <= pos
                  and f.figure.kind in ("amount", "count") and not _is_change(f) and not f.figure.approximate
                  and not _whole_of_rate(f)]
        if group:
            opened = spans[group][0]
            before = [f for f in before if f.figure.end <= opened and group_at[f.figure.start] == group_at[opened]]
            before = before[-1:] if before and not text[before[-1].figure.end:opened].strip() else []
        else:
            before = [f for f in before if not group_at[f.figure.start]]
        if before:
            total = before[-1]
            if patterns.compiled(patterns.load("concepts")["breakdown_contrast"]).search(text, total.figure.end, pos):
                total = None
        elif sent > 0 and not group and patterns.compiled(r"\s*\p{Han}{0,6}").fullmatch(text[pf.sentence_spans[sent][0]:pos]):
            a, b = pf.sentence_spans[sent - 1]
            prev = [f for f in pf.facts if f.sentence == sent - 1 and f.figure.kind in ("amount", "count")
                    and not _is_change(f) and not f.figure.approximate]
            opened_prev = any(text.find(w, a) == a for w in openers)
            listed_prev = _is_list(text, a, prev, openers)
            total = last_total if opened_prev and last_total else (
                _of_stage(prev, pf, sent, pos) if prev and not listed_prev else None)
            subject = _flow(text[pf.sentence_spans[sent][0]:pos])
            if total is not None and subject is not None and _flow(total.label) not in (None, subject):
                total = None
        elif sent == 0 and not group:
            total = _view_total(earlier, pf, pos)
        else:
            total = None
        if total is None or _run_on(text, amount_ends, total):
            continue
        clauses: dict[int, list[TextFact]] = defaultdict(list)
        inner = _inner_lists(pf, openers, pos, sent, group_at)
        listed = [f for f in pf.facts if f.sentence == sent and f.figure.start > pos and group_at[f.figure.start] == group
                  and not any(q < f.figure.start and f.clause == c for q, c in inner)]
        if any(_run_on(text, amount_ends, f) for f in listed):
            continue
        for f in listed:
            if _usable(f, total, equal=True):
                clauses[f.clause].append(f)
        grouped = _same_named(_beside_zeros(_before_additions([clauses[k] for k in sorted(clauses)]), total), total)
        if grouped is not None:
            grouped = _one_flow(grouped, total)
        yield total, grouped, [f for f in listed if f.figure.kind == total.figure.kind and not f.figure.approximate
                               and not _is_change(f)]
        last_total = total


def _unit_slip(total: TextFact, listed: list[TextFact]) -> Check | None:
    """A total and the first parts listed after it that print different money units (一般公共预算收入88435元，…其中：
    税收收入39029元，…；非税收入49406万元) and add up only as printed numbers, not in their units: an error whose message
    says a unit is the likely slip; None otherwise."""
    if total.figure.kind != "amount" or total.figure.unit is None:
        return None
    for k in range(2, len(listed) + 1):
        parts = listed[:k]
        if len({f.figure.scale for f in [total] + parts}) < 2 or any(f.figure.unit is None for f in parts):
            continue
        numbers = sum((interval(f.figure, base=False) for f in parts[1:]), interval(parts[0].figure, base=False))
        if compare(numbers, total.figure) != "pass" or _matches(total, parts):
            continue
        check = sum_check(RULE, total, parts, total.concept, total.label or "合计")
        check.message += (f"各数所标金额单位不一（{'、'.join(dict.fromkeys(f.figure.unit for f in [total] + parts))}），"
                          f"按同一单位计 {' + '.join(f.figure.raw for f in parts)} = {total.figure.raw}，与合计相符："
                          f"金额单位疑有笔误。")
        return check
    return None


def _run_on(text: str, amount_ends: set[int], fact: TextFact) -> bool:
    """Whether an amount follows another with nothing between them (较2022年决算数441.63万元129.41万元: a change whose
    word was lost, or figures run together), so that what it is cannot be read; amount_ends: where the paragraph's
    amounts end."""
    if fact.figure.kind != "amount":
        return False
    end = fact.figure.start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end in amount_ends


def _is_list(text: str, start: int, amounts: list[TextFact], openers: list[str]) -> bool:
    """Whether a sentence (from start) is itself a list: an opener before its first amount, with two or more amounts
    after the opener (…本级部门，包括区级行政单位…、事业单位…安排“三公”经费预算总额为1238万元 names what the total
    covers, and its one amount is a total)."""
    if not amounts:
        return False
    at = [pos for w in openers if 0 <= (pos := text.find(w, start, amounts[0].figure.start))]
    return bool(at) and sum(1 for f in amounts if f.figure.start > min(at)) >= 2


def _before_additions(clauses: list[list[TextFact]]) -> list[list[TextFact]]:
    """The clauses of a list up to one that adds to its total (其中地方收入271630万元；加上级补助收入120846万元…,
    收入合计514601万元): what is added is no part."""
    start = patterns.compiled(patterns.load("concepts")["additions"]["part_start"])
    for k, group in enumerate(clauses):
        if any(start.match(_core_name(f.label)) for f in group):
            return clauses[:k]
    return clauses


def _beside_zeros(clauses: list[list[TextFact]], total: TextFact) -> list[list[TextFact]]:
    """A part as large as the total is one only beside zeros (因公出国(境)费0万元，公务接待费0.36万元，公务用车…0万元
    of 0.36万元); beside any other part it restates the total and is left out."""
    whole = total.figure.value * total.figure.scale
    equal = [f for g in clauses for f in g if f.figure.value * f.figure.scale == whole]
    if equal and all(f.figure.value == 0 for g in clauses for f in g if f not in equal) and len(equal) == 1:
        return clauses
    return [kept for g in clauses if (kept := [f for f in g if f not in equal])]


def _same_named(clauses: list[list[TextFact]], total: TextFact) -> list[list[TextFact]] | None:
    """A list whose parts repeat their names is several lists side by side (其中预算173宗，送审金额23.79亿元，审定金额
    21.81亿元；结算185宗，送审金额11.63亿元，审定金额10.85亿元): the total takes only the parts named as it is (审定金额
    21.81 + 10.85), and none when fewer than two are; a list without a repeated name (parts with no name aside) is kept
    as it is."""
    names = [n for group in clauses for f in group if (n := _core_name(f.label))]
    if len(names) == len(set(names)):
        return clauses
    own = _core_name(total.label)
    kept = [[f for f in group if _core_name(f.label) == own] for group in clauses]
    kept = [group for group in kept if group]
    return kept if sum(len(g) for g in kept) >= 2 else None


def _one_flow(clauses: list[list[TextFact]], total: TextFact) -> list[list[TextFact]] | None:
    """A list that names both money flows is two lists side by side (…收入175.1亿元；…支出78.3亿元。其中：市级…收入
    130.5亿元；市级…支出49.9亿元): the total takes the parts of its own flow, and none when fewer than two are; a list
    of one flow is kept as it is (收入1986.72万元。具体构成：基本支出…，项目支出…: a budget's income is spent)."""
    flows = {flow for group in clauses for f in group if (flow := _flow(f.label)) is not None}
    if len(flows) < 2:
        return clauses
    own = _flow(total.label)
    kept = [[f for f in group if _flow(f.label) == own] for group in clauses] if own is not None else []
    kept = [group for group in kept if group]
    return kept if sum(len(g) for g in kept) >= 2 else None


def _core_name(label: str) -> str:
    """A label without list markers and the words before its last clause break (其中预算173宗，送审金额 → 送审金额)."""
    return BEFORE_LAST_BREAK.sub("", label or "").strip()


def _of_stage(prev: list[TextFact], pf: ParagraphFacts, sent: int, pos: int) -> TextFact:
    """The total, in the sentence before a 其中 list, that the list's first part is of: the one amount of the part's
    stage (预算为22.96万元，支出决算为15.81万元。其中：…支出决算为0.4万元 → 15.81), else the one of the part's kind named
    a total (…援助收入等378.9亿元，收入总计437.6亿元。其中：… → 437.6: additions.total), else the sentence's first figure
    of the part's kind (在41个县…，一般公共预算收入完成151亿元。其中：税收收入… → 151, not the count 41)."""
    first = next((f for f in pf.facts if f.sentence == sent and f.figure.start > pos), None)
    stage = stage_of(clause_words(pf, first)) if first is not None else None
    if stage is not None:
        staged = [f for f in prev if stage_of(clause_words(pf, f)) == stage]
        if len(staged) == 1:
            return staged[0]
    kind = [f for f in prev if first is not None and f.figure.kind == first.figure.kind]
    named = [f for f in kind if patterns.compiled(patterns.load("concepts")["additions"]["total"]).search(f.label)]
    return named[0] if len(named) == 1 else next(iter(kind), prev[0])


def _inner_lists(pf: ParagraphFacts, openers: list[str], pos: int, sent: int,
                 group_at: list[int]) -> list[tuple[int, int]]:
    """Openers after the one at pos in its sentence, with their ；-clause: the figures after such an opener in its
    clause are a sub-list (…公务用车购置及运行费46.56万元，其中购置费25万元，运行费21.56万元；公务接待费…), not parts of
    the outer list; an opener with no figure between the outer one and it names the outer list's values (其中，货物、
    工程、服务采购金额分别为121.22亿元、…). Openers inside parentheses are left to the parentheses."""
    text = pf.norm.text
    a, b = pf.sentence_spans[sent]
    starts = [f.figure.start for f in pf.facts]
    out = []
    for word in openers:
        q = text.find(word, pos + 1, b)
        while q >= 0:
            if group_at[q] == group_at[pos] and any(pos < x < q for x in starts):
                out.append((q, text.count("；", a, q) + text.count(";", a, q)))
            q = text.find(word, q + 1, b)
    return out


def _parenthesized(pf: ParagraphFacts, partial_cues: list[str]):
    """A count or amount followed by its parts in parentheses: 编制25名（事业编制23名，工勤人员编制2名）; with
    whether the parenthesis opens with a word that may list only some parts (其中, 主要用于, 含)."""
    text = pf.norm.text
    group_at, spans = paren_groups(text)
    for f in pf.facts:
        if text[f.figure.end:f.figure.end + 1] not in ("（", "("):
            continue
        group = group_at[f.figure.end]
        if spans[group][1] >= len(text):
            continue
        parts = [g for g in pf.facts if group_at[g.figure.start] == group and _usable(g, f, equal=True)]
        if len(parts) >= 2:
            yield f, parts, text[f.figure.end + 1:].startswith(tuple(partial_cues))


def _some_cases(total: TextFact, parts: list[TextFact]) -> bool:
    """Whether a parenthesis's parts add up to less than paren_subset_share of its figure (32人（跟岗1人，交流1人）)."""
    share = Decimal(str(patterns.load("concepts")["paren_subset_share"]))
    return total_interval([p.figure for p in parts]).hi < share * total.figure.value * total.figure.scale


def _whole_of_rate(fact: TextFact) -> bool:
    """Whether a figure is the whole a rate is taken of (完成全年预算49.8万元的66.5%): the change and rate after it are
    the figure's before it (…支出决算为33.13万元，完成全年预算49.8万元的66.5%，比上年决算数减少2.5万元), not its own, and
    so is the 其中 list after them (…27.46万元，完成预算29.6万元的92.8%，…；其中：公务用车购置支出决算为0万元…)."""
    return fact.after.startswith(tuple(patterns.load("formulas")["growth"]["not_base_after"]))


def _change_of(pf: ParagraphFacts, fact: TextFact, until: int) -> TextFact | None:
    """The one change amount (比上年增收1284万元) stated after a figure and before position until, else None; the
    figure it is compared with (较2023年年初预算的1278万元减少40万元) is no change, and the whole of a rate owns none."""
    if _whole_of_rate(fact):
        return None
    found = [f for f in pf.facts if fact.figure.end <= f.figure.start and f.figure.end <= until
             and f.figure.kind == "amount" and is_change(f.label)]
    if len(found) != 1 or found[0].figure.approximate:
        return None
    g = patterns.load("formulas")["growth"]
    if any(w in found[0].label for w in g["change_not_from"]) or not patterns.compiled(g["own_change"]).match(found[0].label):
        return None
    return found[0]


def _signed(change: TextFact, decimals: int = 0) -> Interval:
    """A change's interval, negative for a decrease; a bare zero (0万元) beside changes printed to more decimals
    stands for zero at their precision, not for ±half a unit of 万元."""
    fig = change.figure
    if fig.value == 0 and fig.decimals < decimals:
        fig = Figure(fig.value, decimals, fig.unit, fig.kind, fig.raw, fig.start, fig.end, fig.approximate)
    iv = interval(fig)
    return exact(Decimal(0)) - iv if is_decrease(change.label) else iv


def _changes_check(pf: ParagraphFacts, total: TextFact, parts: list[TextFact]) -> Check | None:
    """The total's stated change against its parts' stated changes, signed; None unless all of them state one. A part
    of 0 said unchanged (因公出国（境）费用0万元，与上年无变化) changed by nothing, and counts as its 0."""
    ends = [p.figure.start for p in parts[1:]] + [pf.sentence_spans[parts[-1].sentence][1]]
    same = patterns.compiled(patterns.load("formulas")["growth"]["unchanged"])
    changes = [_change_of(pf, p, end) or (p if p.figure.value == 0 and same.search(pf.norm.text, p.figure.end, end)
                                          else None) for p, end in zip(parts, ends)]
    check = _change_sum(total, _change_of(pf, total, parts[0].figure.start), changes)
    astray = _astray_items(pf, parts, ends) if check is not None and check.is_finding else []
    if astray:
        return unsure(check, f"“{'、'.join(astray)}”所列增减额与其自身增幅不符（见该项复算），增减的方向或数额疑有笔误，"
                             f"无法据此判断合计的增减。")
    return check


def _rate_of(pf: ParagraphFacts, fact: TextFact, until: int) -> TextFact | None:
    """The one growth rate (增长5.4%, 下降2.0%) stated after a figure, in its clause and before position until, with
    no amount but its change between them; else None. Rates of other words between them (完成预算的103.9%, a
    completion rate) are passed over."""
    if _whole_of_rate(fact):
        return None
    words = patterns.load("formulas")["growth"]["rate_words"]
    after = [f for f in pf.facts if fact.figure.end <= f.figure.start < until and f.clause == fact.clause
             and f.sentence == fact.sentence]
    rates = [f for f in after if f.figure.kind == "rate" and any(f.label.endswith(w) for w in words)]
    if len(rates) != 1 or any(f.figure.kind == "amount" and not _is_change(f)
                              for f in after if f.figure.start < rates[0].figure.start):
        return None
    rate = rates[0]
    return None if rate.figure.approximate else rate


def _rate_falls(rate: TextFact) -> bool:
    """A rate's label speaks of a fall (下降, 负增长, 降幅)."""
    return any(w in rate.label for w in patterns.load("formulas")["growth"]["decrease_words"])


def _signed_rate(rate: TextFact) -> Interval:
    iv = interval(rate.figure).scale(Decimal("0.01"))
    return exact(Decimal(0)) - iv if _rate_falls(rate) else iv


def _rates_check(pf: ParagraphFacts, total: TextFact, parts: list[TextFact]) -> Check | None:
    """A total's growth rate against the one its parts' amounts and growth rates give (收入48.60亿元，增长5.4%，其中：
    税收收入30.00亿元，下降2.0%；非税收入18.60亿元，增长20.0%): each part's year-before figure is part ÷ (1 + rate),
    the total's is their sum, and its rate follows; None unless the total and every part state a rate."""
    ends = [p.figure.start for p in parts[1:]] + [pf.sentence_spans[parts[-1].sentence][1]]
    rates = [_rate_of(pf, p, end) for p, end in zip(parts, ends)]
    whole = _rate_of(pf, total, parts[0].figure.start)
    if whole is None or any(r is None for r in rates):
        return None
    one = exact(Decimal(1))
    try:
        prior = exact(Decimal(0))
        for p, r in zip(parts, rates):
            prior = prior + interval(p.figure) / (one + _signed_rate(r))
        implied = interval(total.figure) / prior - one
    except ZeroDivisionError:
        return None
    decrease = _rate_falls(whole)
    pct = (exact(Decimal(0)) - implied if decrease else implied).scale(Decimal(100))
    verdict = compare(pct, whole.figure)
    expected = render(pct.mid, whole.figure.decimals, rate=True)
    terms = " + ".join(f"{shown(p.figure)} ÷ (1 {'−' if _rate_falls(r) else '+'} {r.figure.raw})"
                       for p, r in zip(parts, rates))
    what = f"{total.label or '合计'}{whole.label} {whole.figure.raw}"
    arithmetic = f"上年数 = {terms}，{shown(total.figure)} 对其{'下降' if decrease else '增长'} {expected}"
    if verdict == "pass":
        message = f"{what} 与各项增幅相符：{arithmetic}（在打印精度内）。"
    else:
        message = f"{what} 与各项增幅推得的不符：{arithmetic}。"
    diff = render(whole.figure.value - pct.mid, whole.figure.decimals)
    check = Check.judged(verdict, rule=RULE, message=message, concept="growth_rate", reported=whole.figure.raw,
                         expected=expected, difference=diff, unit="%",
                         numbers=[whole.figure.raw, total.figure.raw] + [x for p, r in zip(parts, rates)
                                                                           for x in (p.figure.raw, r.figure.raw)],
                         evidence=evidence([whole, total] + [x for p, r in zip(parts, rates) for x in (p, r)]))
    astray = _astray_items(pf, parts, ends) if check.is_finding else []
    if astray:
        return unsure(check, f"“{'、'.join(astray)}”所列增幅与其自身增减额不符（见该项复算），其不符不归于合计的增幅，"
                             f"无法据此判断。")
    return check


def _astray_items(pf: ParagraphFacts, parts: list[TextFact], ends: list[int]) -> list[str]:
    """The names of the parts whose own stated change and rate disagree (公务用车运行维护费1490.91万元，比上年减支
    670.23万元，降低81.67%: 670.23 ÷ 2161.14 is 31.01%): a total's change or rate held to theirs cannot place the slip."""
    return [p.label for p, end in zip(parts, ends)
            if (rate := _rate_of(pf, p, end)) is not None and not _rate_fits_change(pf, p, rate, end)]


def _rate_fits_change(pf: ParagraphFacts, part: TextFact, rate: TextFact, end: int) -> bool:
    """Whether a part's stated rate agrees with its stated change on its own; True when no change is stated."""
    change = _change_of(pf, part, end)
    if change is None:
        return True
    try:
        computed = growth_interval(interval(change.figure), interval(part.figure), False, is_decrease(change.label))
    except ZeroDivisionError:
        return True
    return compare(computed.scale(Decimal(100)), rate.figure) == "pass"


def _change_sum(total: TextFact, whole: TextFact | None, changes: list[TextFact | None]) -> Check | None:
    """The total's change (whole) against the parts' changes, signed; None unless all of them are stated."""
    if whole is None or any(c is None for c in changes):
        return None
    decimals = max((c.figure.decimals for c in changes + [whole] if c.figure.value != 0), default=0)
    signed = [_signed(c, decimals) for c in changes]
    total_change = exact(Decimal(0))
    for iv in signed:
        total_change = total_change + iv
    decrease = is_decrease(whole.label)
    computed = exact(Decimal(0)) - total_change if decrease else total_change
    scale = whole.figure.scale
    verdict = compare(computed, whole.figure, scale=scale)
    value = computed.mid / scale
    expected = render(value, whole.figure.decimals)
    diff = render(whole.figure.value - value, whole.figure.decimals)
    terms = " ".join(("− " if iv.mid < 0 else "+ ") + shown(c.figure) for iv, c in zip(signed, changes)).lstrip("+ ")
    negative = value > 0 if decrease else value < 0
    sign = "−" if negative or (decrease and value == 0) else "+"
    arithmetic = f"{terms} = {sign}{render(abs(value), whole.figure.decimals)}{whole.figure.unit or ''}"
    what = f"{whole.label if whole is total else (total.label or '合计') + whole.label} {shown(whole.figure)}"
    if verdict == "pass":
        message = f"{what} 与各项增减之和相符：{arithmetic}（在打印精度内）。"
    else:
        message = f"{what} 与各项增减之和不符：{arithmetic}，差额 {diff}{whole.figure.unit or ''}。"
    return Check.judged(verdict, rule=RULE, message=message, concept=None, reported=whole.figure.raw,
                        expected=expected, difference=diff, unit=whole.figure.unit,
                        numbers=[whole.figure.raw] + [c.figure.raw for c in changes],
                        evidence=evidence([whole] + changes))


def _item_number(text: str, markers: list[str]) -> tuple[int, int, int] | None:
    """(marker style, item number, marker end) of a paragraph that opens a numbered item (1. / (1) / 一、 / （一）),
    else None."""
    for style, marker in enumerate(markers):
        m = patterns.compiled(marker).match(text)
        if m:
            number = m.group(1)
            return style, int(number) if number.isdigit() else CHINESE_NUMBERS.find(number) + 1, m.end()
    return None


def _listed_items(facts: Facts, start: int, markers: list[str]) -> list[tuple[ParagraphFacts, TextFact]]:
    """The numbered item paragraphs from paragraph start on (1., 2., 3. … in one style, one after the other),
    each with the amount it opens with, past the sub-items of an item numbered in another style ((二)…其中: 1、… 2、…
    (三)…); stops at the first paragraph that is not the next item."""
    items: list[tuple[ParagraphFacts, TextFact]] = []
    style, last_block = None, None
    for pf in facts.paragraphs[start:]:
        text = pf.norm.text
        number = _item_number(text.lstrip(), markers)
        if number is None or (last_block is not None and pf.block != last_block + 1):
            break
        last_block = pf.block
        if style is not None and number[0] != style:
            continue
        if number[1] != len(items) + 1:
            break
        style = number[0]
        after = len(text) - len(text.lstrip()) + number[2]
        first = next((f for f in pf.facts if f.figure.start >= after), None)
        if first is None or first.sentence != 0 or first.figure.kind != "amount" or first.figure.approximate \
                or _is_change(first):
            break
        items.append((pf, first))
    return items


def _part_paragraphs(facts: Facts, start: int, spec: dict) -> list[tuple[ParagraphFacts, TextFact]]:
    """The unnumbered part paragraphs after a paragraph that ends with 其中: each opens with its name and amount
    (工资福利支出预算 2016908.34 元,占基本支出预算81.45%…); paragraphs with no figure between them are passed over (at
    most skip_plain in a row); the list stops at a numbered paragraph or heading, or one that does not open so."""
    items: list[tuple[ParagraphFacts, TextFact]] = []
    plain, last_block = 0, None
    for pf in facts.paragraphs[start:]:
        if last_block is not None and pf.block != last_block + 1:
            break
        last_block = pf.block
        text = pf.norm.text.lstrip()
        if _item_number(text, spec["markers"]) is not None:
            break
        if not pf.facts:
            plain += 1
            if plain > spec["skip_plain"] or not items:
                break
            continue
        plain = 0
        first = pf.facts[0]
        offset = len(pf.norm.text) - len(text)
        if first.sentence != 0 or first.figure.kind != "amount" or first.figure.approximate or _is_change(first) \
                or first.figure.start - offset > spec["label_max"] or not first.label \
                or any(f.sentence == 0 and f.figure.kind == "amount" and not _is_change(f) for f in pf.facts[1:]):
            break
        items.append((pf, first))
    return items


def _next_level(pf: ParagraphFacts, fact: TextFact, end: int) -> int:
    """Where the next amount after fact that is not a change starts (a change after it is another figure's),
    else end."""
    return next((f.figure.start for f in pf.facts if f.figure.start > fact.figure.end
                 and f.figure.kind == "amount" and not _is_change(f)), end)


def _itemized_checks(facts: Facts) -> list[Check]:
    """A total followed by 具体情况如下 and numbered item paragraphs (1.一般公共预算财政拨款收入382.17万元…): the
    total against the first items that add up to it (pass), the total's stated change against theirs; when no
    total of the paragraph is met, unverifiable (the list may not be whole, or may be cut off), never an error.
    A paragraph that ends with 其中: opens a whole list, numbered or one part per paragraph (人员经费…元 / 公用经费…元):
    all its items against the total, an error only when they are every member of a complete breakdown, or distinct
    members of a named whole's breakdown that add up to more than it (收入总计457.8161万元，其中：1.财政拨款收入…
    3.事业收入… 4.上年结转和结余…, together 463.7379万元). Items after a
    sentence that is itself a 其中 list (其中：因公出国（境）费…10万元，…78.7万元。具体情况如下：) restate its parts
    and are no parts of its last amount (_restated)."""
    spec = patterns.load("concepts")["item_lists"]
    checks = []
    openers = spec["openers"] + spec["part_openers"]
    any_opener = _any_of(tuple(openers))
    for i, pf in enumerate(facts.paragraphs):
        text = pf.norm.text.rstrip()
        if not any_opener.search(text):
            continue
        at = max(text.rfind(w) for w in openers)
        if at < 0 or text[at:].rstrip("。：:，,") not in openers:
            continue
        whole_list = text[at:].rstrip("。：:，,") in spec["part_openers"]
        if any(f.figure.end <= at for f in pf.facts):
            source = pf
        elif i and facts.paragraphs[i - 1].block == pf.block - 1 \
                and not patterns.compiled(patterns.load("concepts")["item_number"]).match(text.lstrip()):
            source = facts.paragraphs[i - 1]
        else:
            continue
        last = len(source.sentence_spans) - 1 if source is not pf else source.facts[-1].sentence
        totals = [f for f in source.facts if f.figure.kind == "amount" and not f.figure.approximate
                  and not _is_change(f) and f.sentence == last and (source is not pf or f.figure.end <= at)]
        items = _listed_items(facts, i + 1, spec["markers"])
        if whole_list and not items:
            items = _part_paragraphs(facts, i + 1, spec)
        if not totals or not items or _restated(source, last, totals, items):
            continue
        met = False
        for total in reversed(totals):
            parts = [f for _, f in items if f.figure.kind == total.figure.kind and (f.figure.value * f.figure.scale
                     < total.figure.value * total.figure.scale or whole_list and f.figure.value * f.figure.scale
                     == total.figure.value * total.figure.scale)]
            sizes = [len(items)] if whole_list else range(2, len(parts) + 1)
            for k in sizes:
                if parts[:k] == [f for _, f in items[:k]] and _matches(total, parts[:k]):
                    met = True
                    checks.append(sum_check(RULE, total, parts[:k], total.concept, total.label or "合计"))
                    whole = _change_of(source, total, _next_level(source, total, source.sentence_spans[total.sentence][1]))
                    changes = [_change_of(item_pf, f, _next_level(item_pf, f, len(item_pf.norm.text)))
                               for item_pf, f in items[:k]]
                    change = _change_sum(total, whole, changes) or _named_changes(facts, total, [total],
                                                                                  [[f] for _, f in items[:k]])
                    if change is not None:
                        checks.append(change)
                    break
        if not met:
            total = totals[-1]
            parts = [f for _, f in items]
            slip = _unit_slip(total, parts)
            if slip is not None:
                checks.append(slip)
                continue
            words = [clause_words(p, f) for p, f in items]
            usable = len(parts) >= 2 and all(_usable(f, total) for f in parts)
            if whole_list and usable and complete_list(words, total.label):
                checks.append(sum_check(RULE, total, parts, total.concept, total.label or "合计"))
                continue
            if len(parts) >= 2 and all(_usable(f, total, equal=True) for f in parts) and _exceeds(total, parts, words):
                check = sum_check(RULE, total, parts, total.concept, total.label or "合计")
                checks.append(replace(check, message=check.message + "所列各项分属其不同组成部分，未列的各项只会使之和更大。"
                                      + _left_out(total, items)))
                continue
            listed = " + ".join(shown(f.figure) for _, f in items)
            how = (f"{'之和' if len(items) > 1 else ''}与之相等，但未能确认所列各项是其全部组成" if _matches(total, parts)
                   else "与之不等，所列可能不全或另有其他组成部分")
            checks.append(unverifiable(
                RULE, total, f"{total.label or '合计'} {shown(total.figure)} 后分项列示的金额（{listed}）{how}，"
                f"无法据此判断。", total.concept, [f for _, f in items]))
    return checks


def _exceeds(total: TextFact, parts: list[TextFact], words: list[str]) -> bool:
    """Whether parts that name distinct members of the total's breakdown add up to more than it can stand for."""
    return total_interval([f.figure for f in parts]).lo > interval(total.figure).hi \
        and distinct_members(words, total.label)


def _left_out(total: TextFact, items: list[tuple[ParagraphFacts, TextFact]]) -> str:
    """Which one listed item the total leaves out, when the others add up to it (收入总计457.8161万元 is 364.6552 +
    93.1608 without 上年结转和结余 5.9219万元); or the one item that repeats the total (公务用车运行费1116.14万元 under
    公务用车购置及运行费1116.14万元), which may be the slip as well; empty when none or several do."""
    item_number = patterns.compiled(patterns.load("concepts")["item_number"])
    same = [(p, f) for p, f in items if f.figure.value * f.figure.scale == total.figure.value * total.figure.scale]
    if len(same) == 1:
        pf, f = same[0]
        name = item_number.sub("", clause_words(pf, f))
        return f"所列“{name or '其中一项'}” {shown(f.figure)} 与合计相同，可能误列了合计数，也可能合计漏计了其他各项。"
    fits = [(p, f) for p, f in items if f.figure.value and _matches(total, [g for _, g in items if g is not f])]
    if len(fits) != 1:
        return ""
    pf, f = fits[0]
    name = item_number.sub("", clause_words(pf, f))
    return f"若不计{name or '其中一项'} {shown(f.figure)}，其余各项之和与之相符，合计可能漏计了该项。"


def _restated(source: ParagraphFacts, last: int, amounts: list[TextFact],
              items: list[tuple[ParagraphFacts, TextFact]]) -> bool:
    """Whether numbered items restate the parts of the 其中 list just before them (其中：因公出国（境）费…10万元，…
    78.7万元。具体情况如下：(一)…10万元…(二)…78.7万元…), or of a sentence listing them a ；-clause each without an
    opener (…因公出国（境）费支出决算0万元，占0%；公务接待费支出决算2.14万元，占1.3%；公务用车…165.23万元，占98.7%。
    具体情况如下：): the items' amounts are the list's, one each — all of them, or as many as the items where fewer
    follow (the text cut, or a subtotal's parts listed as one item)."""
    text = source.norm.text
    if not _is_list(text, source.sentence_spans[last][0], amounts, patterns.load("concepts")["breakdown_openers"]) \
            and not (len(amounts) >= 2 and all(patterns.compiled("[；;]").search(text, a.figure.end, b.figure.start)
                                               for a, b in zip(amounts, amounts[1:]))):
        return False
    values = sorted(f.figure.value * f.figure.scale for f in amounts)
    if len(items) >= len(values):
        return sorted(f.figure.value * f.figure.scale for _, f in items[:len(values)]) == values
    left = list(values)
    for _, f in items:
        if f.figure.value * f.figure.scale not in left:
            return False
        left.remove(f.figure.value * f.figure.scale)
    return True


def _carried_on(facts: Facts, index: int, total: TextFact, parts: list[TextFact], spec: dict) -> list[TextFact] | None:
    """A list that falls short at the end of its paragraph and goes on in the paragraphs after it, one part each
    (…其中，因公出国（境）费0.4亿元；公务接待费2.3亿元。 | 公务用车购置及运行维护费6.8亿元，增长0.7%。): the parts with
    those, when together they are every member of a complete breakdown; else None."""
    pf = facts.paragraphs[index]
    if parts[-1] is not [f for f in pf.facts if f.figure.kind == total.figure.kind and not _is_change(f)][-1]:
        return None
    words = [clause_words(pf, f) for f in parts]
    for item_pf, f in _part_paragraphs(facts, index + 1, spec):
        if not _usable(f, total):
            return None
        parts, words = parts + [f], words + [clause_words(item_pf, f)]
        if complete_list(words, total.label):
            return parts
    return None


def _text_checks(facts: Facts) -> list[Check]:
    openers = patterns.load("concepts")["breakdown_openers"]
    item_spec = patterns.load("concepts")["item_lists"]
    checks = []
    for index, pf in enumerate(facts.paragraphs):
        for total, clauses, listed in _breakdowns(pf, openers, facts.paragraphs[max(0, index - 4):index]):
            slip = _unit_slip(total, listed)
            if slip is not None:
                checks.append(slip)
                continue
            if clauses is None:
                continue
            acc, matching = [], []
            for group in clauses:
                acc = acc + group
                if len(acc) >= 2 and _matches(total, acc):
                    matching.append(acc)
            chosen = _closest(total, matching)
            left = _siblings_after(chosen, listed) if chosen is not None else []
            if left and _complete(pf, total, chosen + left):
                chosen = chosen + left
            if chosen is None:
                flat = [f for group in clauses for f in group]
                chosen = _closest(total, [flat[:k] for k in range(2, len(flat) + 1) if _matches(total, flat[:k])])
            if chosen is None:
                chosen = _listed(clauses)
                if len(chosen) < 2:
                    if len(listed) == 1 and (within := _within(pf, total, listed[0])) is not None:
                        checks.append(within)
                    continue
                if total.figure.kind == "count" and not _complete(pf, total, chosen):
                    checks.append(unverifiable(
                        RULE, total, f"{total.label or '合计'} {total.figure.raw}{total.figure.unit} 后列示的各项"
                        f"之和与之不等，各项可能交叉或并非全部列示，无法据此判断。", total.concept, chosen))
                    continue
                if _falls_short(total, chosen) and not _complete(pf, total, chosen):
                    carried = _carried_on(facts, index, total, chosen, item_spec)
                    if carried is None:
                        checks.append(_short_list(total, chosen))
                        continue
                    chosen = carried
            checks.append(sum_check(RULE, total, chosen, total.concept, total.label or "合计"))
            if total.figure.kind == "amount" and checks[-1].status == "pass":
                changes = _changes_check(pf, total, chosen)
                if changes is not None:
                    checks.append(changes)
                else:
                    changes = _named_changes(facts, total, [total], [[p] for p in chosen])
                    if changes is not None:
                        checks.append(changes)
                rates = _rates_check(pf, total, chosen)
                if rates is not None:
                    checks.append(rates)
        for total, parts, partial in _parenthesized(pf, patterns.load("concepts")["partial_list_cues"]):
            if (partial or _some_cases(total, parts)) and _falls_short(total, parts) and not _complete(pf, total, parts):
                checks.append(_short_list(total, parts))
                continue
            check = sum_check(RULE, total, parts, total.concept, total.label or "合计")
            run = _enumerated_run(pf.norm.text, total, parts) if check.is_finding else None
            if run:
                check = unsure(check, f"括号内以“、”相连的前{run}项之和与之相符，其后以逗号隔开的项可能不属此列"
                                      f"（括号位置可能有误），无法据此判断。")
            checks.append(check)
    return checks


def _enumerated_run(text: str, total: TextFact, parts: list[TextFact]) -> int:
    """The length of a leading run of parts joined by 、 that adds up to the total, where the part after the run is set
    off by a comma (含A 166万元、B 968万元、C 132万元、D 212万元，E 406万元: E may be the total's sibling, its bracket
    closed late); 0 when there is none."""
    joins = ["、" if "、" in text[a.figure.end:b.figure.start] else
             "," if patterns.compiled(r"[，,；;]").search(text, a.figure.end, b.figure.start) else ""
             for a, b in zip(parts, parts[1:])]
    for k in range(2, len(parts)):
        if all(j == "、" for j in joins[:k - 1]) and joins[k - 1] == "," \
                and not sum_check(RULE, total, parts[:k], total.concept, "").is_finding:
            return k
    return 0


def _within(pf: ParagraphFacts, total: TextFact, part: TextFact) -> Check | None:
    """The one part a 其中 names right after its whole (在职人员20人，其中女性8人; 收入100万元。其中：财政拨款80万元)
    against that whole: no larger than it. None unless 其中 follows the whole with nothing but punctuation between and
    the part follows 其中 in the same clause, of the whole's kind (a count in its unit) and stage (预算数…，其中实际支出…
    compares), not each item's (各4个)."""
    text, spec = pf.norm.text, patterns.load("concepts")["single_part"]
    m = patterns.compiled(spec["cue"]).match(text, total.figure.end, part.figure.start)
    if m is None or patterns.compiled(r"[，,；;。]").search(text, m.end(), part.figure.start) \
            or part.figure.start - m.end() > spec["max_gap"] or patterns.compiled(spec["each"]).search(part.label) \
            or total.figure.kind != "amount" and part.figure.unit != total.figure.unit \
            or _other_stage(total.label, part.label, spec["stages"]):
        return None
    whole, piece = interval(total.figure), interval(part.figure)
    what = f"其中“{patterns.compiled(spec['cue']).sub('', part.label) or '所列一项'}” {shown(part.figure)}"
    if piece.lo > whole.hi:
        message = f"{what} 大于其总数“{total.label or '合计'}” {shown(total.figure)}：其中一项不应超过总数。"
        verdict = "error"
    else:
        message = f"{what} 未超过其总数“{total.label or '合计'}” {shown(total.figure)}。"
        verdict = "pass"
    return Check.judged(verdict, rule=RULE, message=message, concept=total.concept, reported=part.figure.raw,
                        expected=None, unit=part.figure.unit, numbers=[part.figure.raw, total.figure.raw],
                        evidence=evidence([part, total]))


def _stages_named(label: str, stages: list[list[str]]) -> set[int]:
    """The stages (by index into stages, lists of words) a label's words name."""
    return {k for k, words in enumerate(stages) if any(w in label for w in words)}


def _other_stage(whole: str, part: str, stages: list[list[str]]) -> bool:
    """Whether two labels name different stages (预算数 against 实际支出), by the words of stages."""
    named = [_stages_named(label, stages) for label in (whole, part)]
    return bool(named[0]) and bool(named[1]) and not named[0] & named[1]


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


def _sentence_areas(pf: ParagraphFacts, f: TextFact) -> frozenset[str]:
    """The area words of a figure's sentence up to it (宣城市直工委…“三公”经费支出决算中，因公出国…: 市直)."""
    start = pf.sentence_spans[f.sentence][0]
    return areas_before(pf.norm.text[start:], f.figure.start - start)


def _by_words(facts: Facts) -> list[tuple[str, TextFact]]:
    """Each level amount of the text with the words of its clause (parentheses kept); an amount whose clause names
    only its stage right after one of the other stage in its sentence (…支出预算为5.5万元，支出决算为8.99万元) with that
    one's words before its own."""
    elliptical = patterns.compiled(patterns.load("formulas")["named_elliptical"])
    out = []
    for pf in facts.paragraphs:
        previous = None
        for f in pf.facts:
            if f.figure.kind != "amount" or f.figure.approximate or _is_change(f):
                previous = None if f.figure.kind == "amount" else previous
                continue
            words = clause_words(pf, f)
            other = {"final": "预算", "budget": "决算"}.get(f.stage or "")
            if previous is not None and previous[1].sentence == f.sentence and elliptical.match(words) \
                    and other is not None and patterns.compiled(other + "数?(?:为|是)?$").search(previous[0]):
                words = previous[0] + words
            out.append((words, f))
            previous = (words, f)
    return out


def _one_value(found: list[TextFact]) -> TextFact | None:
    """The first of figures that all print one value, else None."""
    values = {f.figure.value * f.figure.scale for f in found}
    return found[0] if len(values) == 1 else None


def _member(named_items: list[tuple[str, object]], member: dict, choose) -> list | None:
    """A member's values: choose(items named by its words), or, when nothing is named so, choose(…) for each of its
    parts, never an item that names two of its part_keys (公务用车购置费和运行维护费849万元 is the member, no 购置 part);
    None when it is not stated, or choose finds no single value."""
    keys = member.get("part_keys", [])

    def named(alternatives: list[str], as_part: bool = False) -> list:
        return [item for w, item in named_items if any(a in w for a in alternatives)
                and not any(x in w for x in member.get("not", [])) and not (as_part and sum(k in w for k in keys) >= 2)]
    found = named(member["words"])
    if found:
        one = choose(found)
        return [one] if one is not None else None
    parts = [choose(named(words, as_part=True)) for words in member.get("parts", [])]
    return parts if parts and None not in parts else None


def _only(items: list):
    """The one item, else None."""
    return items[0] if len(items) == 1 else None


def _same_scope(member: frozenset[str], total: frozenset[str], text: frozenset[str], after: bool) -> bool:
    """A member's area words name the total's area: the same words, or none in a section after the total in a text
    whose amounts name no area but the total's (宜宾市市本级部门…“三公”经费支出总额 | 一、因公出国（境）经费 2017年因公出国（境）
    费99万元); items stated before a 区直 total are the district's."""
    return member == total or not member and after and text <= total


def _lists_more(sentence: list[TextFact], total: TextFact, parts: list[TextFact], ident: dict) -> bool:
    """Whether a total's own sentence lists members and items no member names after it (“三公”经费决算数合计为807.95万，
    其中：因公出国（境）费0万元、…、会议费121.61万元、培训费46.71万元): the text's total is not the identity's."""
    words = [w for m in ident["members"] for w in m["words"] + [x for group in m.get("parts", []) for x in group]]
    after = [h for h in sentence if h.figure.start > total.figure.end and h.figure.kind == "amount" and not _is_change(h)]
    inside = {id(p) for p in parts}
    return any(id(h) in inside for h in after) \
        and any(id(h) not in inside and not any(w in h.label for w in words) for h in after)


def _named_identity_checks(facts: Facts) -> list[Check]:
    """A total whose members are fixed (“三公”经费 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费) stated in
    different sentences or sections: each of the same stage and period (figures of no stage are of one when they
    name their year and no stage word; in a text naming no other year or stage, members naming neither are the
    total's when the strict reading finds none), named by the words of its clause, each printing one value; a member
    in another paragraph must name the total's scope (区直 “三公”经费 is no total of the 全区 items stated ten
    paragraphs before: patterns/formulas.yaml named_identities, identity_scopes)."""
    idents = [i for i in patterns.load("formulas")["named_identities"]
              if any(all(t in pf.norm.text for t in i["total"]) for pf in facts.paragraphs)]
    if not idents:
        return []
    words_facts = _by_words(facts)
    words_of = {id(f): w for w, f in words_facts}
    sentence_of = {id(f): [h for h in pf.facts if h.sentence == f.sentence]
                   for pf in facts.paragraphs for f in pf.facts if id(f) in words_of}
    named = set(words_of)
    spec = patterns.load("concepts")["listed_then_total"]
    scopes = {id(f): _sentence_areas(pf, f) for pf in facts.paragraphs for f in pf.facts if id(f) in named}
    text_scopes = frozenset().union(*scopes.values())
    years = {f.period for _, f in words_facts} - {None}
    stages = {f.stage for _, f in words_facts} - {None}
    checks = []
    for ident in idents:
        totals = [(w, f) for w, f in words_facts if all(t in w for t in ident["total"])
                  and not any(x in w for x in ident.get("total_not", []))]
        members_pool = [(w, f) for w, f in words_facts if not any(t in w for t in ident["total"])]
        for key in dict.fromkeys((f.stage, f.period) for _, f in totals):
            if key == (None, None):
                continue
            total = _one_value([f for _, f in totals if (f.stage, f.period) == key])
            pool = [(w, f) for w, f in members_pool if (f.stage, f.period) == key]
            members = [_member(pool, m, _one_value) for m in ident["members"]]
            if any(m is None for m in members) and key[1] is not None and years <= {key[1]} and stages <= {key[0]}:
                pool = _undated_pool(members_pool, key, spec)
                members = [_member(pool, m, _one_value) for m in ident["members"]]
            if total is None or any(m is None for m in members):
                continue
            parts = [f for m in members for f in m]
            if key[0] is None and any(_stage_words(words_of[id(f)], spec) for f in [total] + parts) \
                    or _lists_more(sentence_of[id(total)], total, parts, ident):
                continue
            if any(p is total for p in parts) or any(p.block != total.block and not _same_scope(
                    scopes[id(p)], scopes[id(total)], text_scopes, p.block > total.block) for p in parts):
                continue
            checks.append(sum_check(RULE, total, parts, total.concept, ident["name"]))
            if checks[-1].status == "pass":
                said = [f for _, f in totals if (f.stage, f.period) == key
                        and f.figure.value * f.figure.scale == total.figure.value * total.figure.scale]
                statements = [s for m in ident["members"] for s in _member(pool, m, _all_alike)]
                change = _named_changes(facts, total, said, statements)
                if change is not None:
                    checks.append(change)
    return checks


def _undated_pool(pool: list[tuple[str, TextFact]], key: tuple, spec: dict) -> list[tuple[str, TextFact]]:
    """The amounts of a key's stage and year together with those naming neither and no stage word (a text about one
    year and one stage)."""
    return [(w, f) for w, f in pool if f.stage in (key[0], None) and f.period in (key[1], None)
            and not (f.stage is None and _stage_words(w, spec))]


def _change_base(m, period: int | None) -> str:
    """What a change is counted against, from its comparison (比上年决算数增加 → 上年决算; 与2015年度决算相比，减少 →
    2015年决算; 同比增加 → 上年; in a 2024 figure's sentence 比2023年年初预算 → 上年预算); '' when none is named."""
    g = patterns.load("formulas")["growth"]
    if m.group("same"):
        return g["base_synonyms"]["同比"]
    base = m.group("base")
    if base is None:
        return ""
    base = regex.sub(r"[(（][^()（）]*[)）]", "", base)
    if period is not None:
        base = base.replace(f"{period - 1}年", "上年")
    for old, new in g["base_synonyms"].items():
        base = base.replace(old, new)
    return regex.sub(g["base_noise"], "", base)


def _fact_places(facts: Facts) -> tuple[dict[int, int], list[tuple[ParagraphFacts, TextFact]]]:
    """Each text figure's place in the text's order (by id) and, by place, its paragraph and the figure."""
    placed = [(pf, f) for pf in facts.paragraphs for f in pf.facts]
    return {id(f): k for k, (_, f) in enumerate(placed)}, placed


def _stated_changes_of(facts: Facts, statements: list[TextFact], stops: set[int],
                       period: int | None) -> dict[str, TextFact] | None:
    """The change stated after each statement of a figure, by what it is counted against: the changes of the
    statement's sentence after it, up to the next figure of the identity (stops) or the next amount that is no
    comparison's (its label without growth.comparison_words: a sub-item's), passing over a bracketed aside (the
    figure's （其中：…）); a statement that the figure did not change
    (与上年持平) is a change of 0; a base naming the year before period is the year before's. None when one base gets
    two different changes."""
    g = patterns.load("formulas")["growth"]
    unchanged = patterns.compiled(g["unchanged_against"])
    order, placed = derived(facts, "sum_breakdown.fact_places", _fact_places)
    found: dict[str, TextFact] = {}
    for place in sorted({order[id(f)] for f in statements if id(f) in order}):
        pf, f = placed[place]
        if _whole_of_rate(f):
            continue
        group_at, _ = paren_groups(pf.norm.text)
        later = [h for h in pf.facts if h.sentence == f.sentence and h.figure.start > f.figure.end]
        end = min([h.figure.start for h in later if id(h) in stops] + [pf.sentence_spans[f.sentence][1]])
        previous = f
        for h in later:
            if h.figure.start >= end:
                break
            if group_at[h.figure.start] not in (0, group_at[f.figure.start]):
                continue
            if h.figure.kind == "amount" and not _is_change(h) \
                    and not any(w in h.label for w in g["comparison_words"]):
                end = h.figure.start
                break
            if h.figure.kind == "amount" and _is_change(h) and not h.figure.approximate \
                    and patterns.compiled(g["own_change"]).match(h.label):
                m = patterns.compiled(g["change_base"]).match(pf.norm.text, _after_aside(pf.norm.text, previous.figure.end,
                                                                                      h.figure.start), h.figure.start)
                if m is not None:
                    base = _change_base(m, period)
                    if base in found and found[base].figure.value * found[base].figure.scale \
                            != h.figure.value * h.figure.scale:
                        return None
                    found.setdefault(base, h)
            previous = h
        for m in unchanged.finditer(pf.norm.text, f.figure.end, end):
            base = _change_base(m, period)
            if base not in found:
                found[base] = _no_change(f, m)
    return found


def _after_aside(text: str, start: int, end: int) -> int:
    """Where the words between two figures begin once a bracketed aside among them is passed (2712万元（其中：…2712万元），
    比预算数减少107万元: after the ）)."""
    close = max(text.rfind(")", start, end), text.rfind("）", start, end))
    return close + 1 if close >= 0 else start


def _no_change(fact: TextFact, m) -> TextFact:
    """A change of 0 for a figure said not to have changed (与上年持平)."""
    zero = Figure(Decimal(0), 6, fact.figure.unit, "amount", "0", m.start(), m.end())
    return TextFact(zero, "持平", None, fact.stage, fact.period, fact.block, fact.sentence, fact.clause,
                    fact.location, m.group(), m.group(), "")


def _all_alike(found: list[TextFact]) -> list[TextFact] | None:
    """Figures that all print one value, else None."""
    return found if _one_value(found) is not None else None


def _named_amounts(facts: Facts) -> tuple[dict[int, str], dict[tuple[str, Decimal], list[tuple[int, TextFact]]]]:
    """The text's level amounts by their clause words (statement noise dropped): each one's words by id, and the
    amounts under each pair of words and value in 元, with their places in the text's order."""
    noise = patterns.compiled(patterns.load("formulas")["growth"]["statement_noise"])
    names: dict[int, str] = {}
    by_key: dict[tuple[str, Decimal], list[tuple[int, TextFact]]] = defaultdict(list)
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.figure.kind == "amount" and not f.figure.approximate and not _is_change(f):
                name = names[id(f)] = noise.sub("", clause_words(pf, f))
                if name:
                    by_key[name, f.figure.value * f.figure.scale].append((len(names), f))
    return names, dict(by_key)


def _restatements(facts: Facts, groups: list[list[TextFact]]) -> tuple[list[TextFact], list[list[TextFact]]]:
    """Each group of statements of a figure with the figure's other statements under the same name, year and list
    marks aside (其中：因公出国（境）费支出预算为10万元 | （一）因公出国（境）费支出预算10万元，与2023年预算持平)."""
    names, by_key = derived(facts, "sum_breakdown.named_amounts", _named_amounts)
    out = []
    for group in groups:
        keys = {(names.get(id(f)), f.figure.value * f.figure.scale) for f in group}
        seen = {id(f) for f in group}
        found = sorted(entry for key in keys for entry in by_key.get(key, ()) if id(entry[1]) not in seen)
        out.append(group + [f for _, f in found])
    return out[0], out[1:]


def _named_changes(facts: Facts, total: TextFact, said: list[TextFact], statements: list[list[TextFact]]) -> Check | None:
    """A total's change against its parts' changes (“三公”经费…比上年决算数增加38.97万元 | 因公出国（境）费…增加12.02万元 |
    …), each the one stated after a statement of its figure (said, statements, and their restatements) against one
    base; None unless every part states one against a base the total states too, and exactly one base is so shared."""
    said, statements = _restatements(facts, [said] + statements)
    stops = {id(f) for group in [said] + statements for f in group}
    whole = _stated_changes_of(facts, said, stops, total.period)
    if not whole:
        return None
    members = [_stated_changes_of(facts, group, stops, total.period) for group in statements]
    if any(not m for m in members):
        return None
    named = [b for b in whole if b and all(b in m for m in members)]
    unnamed = "" in whole and all(set(m) == {""} for m in members)
    if len(named) + unnamed != 1:
        return None
    base = named[0] if named else ""
    return _change_sum(total, whole[base], [m[base] for m in members])


def _named_identity_tables(facts: Facts) -> list[Check]:
    """A fixed total (“三公”经费, or the 合计 row of a table whose title names it) against its members' rows, column by
    column, in a table read back from cells on their own lines; each member a row named by its words, or by its parts'
    rows (公务用车购置费 + 公务用车运行维护费). At most a warning: the cells were put back in rows by the reader."""
    idents = patterns.load("formulas")["named_identities"] + patterns.load("formulas")["row_identities"]
    out = []
    for table in facts.cell_tables:
        for ident in idents:
            titled = all(t in table.title for t in ident["total"])
            totals = [r for r in table.rows if all(t in r.label for t in ident["total"])
                      or titled and patterns.compiled(r"^(?:合计|总计)$").search(r.label)]
            if len(totals) != 1:
                continue
            total = totals[0]
            rows = [r for r in table.rows if r is not total]
            for column, cell in total.cells.items():
                members = [_member([(r.label, r.cells.get(column)) for r in rows], m, _only) for m in ident["members"]]
                if any(m is None for m in members):
                    continue
                parts = [c for m in members for c in m]
                found = sum_check(RULE, cell, parts, None, f"{ident['name']}（{table.title or '表'}“{column}”列）")
                out.append(lost_grid(found, "数值由逐格文字还原"))
    return out


def _change_lists(facts: Facts) -> list[Check]:
    """A change whose 其中 list gives its parts' changes only (比上年减少313272.50元。其中：因公出国（境）费支出0.00元；
    公务用车购置费支出决算减少272780.00元；…): the change against the parts' changes, signed by their words; a part
    stated as a zero amount changed by nothing. Every part at the list's level of parentheses must be such, and all
    stated against one base (a list of changes against the year before and the budget is _paired_change_lists'). The
    same after the cue of the change's reasons (支出较去年增加85.41万元，主要是基本支出增加72.38万元，项目支出增加
    13.03万元: concepts.yaml change_reason_cues), where a sum that does not agree is unverifiable unless the parts name
    every member of the whole (基本支出, 项目支出)."""
    openers = patterns.load("concepts")["breakdown_openers"]
    reasons = patterns.load("concepts")["change_reason_cues"]
    any_opener = _any_of(tuple(openers + reasons))
    own = patterns.load("formulas")["growth"]["change_before"]
    bases = patterns.load("formulas")["growth"]["change_bases"]
    checks = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        if not any_opener.search(text) or not any(patterns.compiled(own).search(f.label) for f in pf.facts):
            continue
        group_at, _ = paren_groups(text)
        cues = [(pos, sent, False) for pos, sent in _cues(pf, openers)] \
            + [(pos, sent, True) for pos, sent in _cues(pf, reasons)]
        for pos, sent, partial in cues:
            if group_at[pos]:
                continue
            amounts = [f for f in pf.facts if f.figure.kind == "amount" and not group_at[f.figure.start]]
            before = [f for f in amounts if f.sentence == sent and f.figure.end <= pos]
            if not before and sent > 0 and not text[pf.sentence_spans[sent][0]:pos].strip():
                before = [f for f in amounts if f.sentence == sent - 1]
            if not before or not patterns.compiled(own).search(before[-1].label) or before[-1].figure.approximate:
                continue
            total = before[-1]
            parts = [f for f in amounts if f.sentence == sent and f.figure.start > pos]
            if len(parts) < 2 or any(f.figure.approximate for f in parts):
                continue
            changes = [f for f in parts if patterns.compiled(own).search(f.label)]
            zeros = [f for f in parts if f not in changes and f.figure.value == 0 and not _is_change(f)]
            if len(changes) < 2 or len(changes) + len(zeros) != len(parts) \
                    or len({_stated_against(f, bases) for f in changes} - {None}) > 1:
                continue
            check = _change_sum(total, total, changes)
            if check is not None and check.is_finding and partial and not _complete(pf, total, changes):
                check = unsure(check, "所列为增减的主要原因，可能并非全部，无法据此判断。")
            if check is not None:
                checks.append(check)
    return checks


def _stated_against(fact: TextFact, bases: dict) -> str | None:
    """What a change is stated against (prior, budget) by its label, or None."""
    found = [name for name, pattern in bases.items() if patterns.compiled(pattern).search(fact.label)]
    return found[0] if len(found) == 1 else None


def _paired_change_lists(facts: Facts) -> list[Check]:
    """A 其中 list whose items each state a change against the year before and one against the budget, after a total
    that states both (…较上年减少15.29万元，下降49.88%，较年初预算数减少0.04万元。…其中：公务用车购置及运行维护费较上年
    减少2.90万元，较年初预算数减少0.04万元，…；公务接待费较上年减少12.39万元，较年初预算数减少0.04万元): each of the
    total's changes against its items' changes of the same base. Where the list leaves out a “三公” item the total holds
    (因公出国（境）费 neither listed nor said to be nil), a sum that does not agree is unverifiable."""
    g = patterns.load("formulas")["growth"]
    bases = g["change_bases"]
    own = patterns.compiled(g["change_before"])
    openers = patterns.load("concepts")["breakdown_openers"]
    checks = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        if "其中" not in text:
            continue
        group_at, _ = paren_groups(text)
        for pos, sent in _cues(pf, openers):
            if group_at[pos] or not text.startswith("其中", pos):
                continue
            amounts = [f for f in pf.facts if f.figure.kind == "amount" and not group_at[f.figure.start]
                       and not f.figure.approximate]
            totals: dict[str, TextFact] = {}
            for f in amounts:
                if f.figure.end <= pos and own.search(f.label) and (base := _stated_against(f, bases)) is not None:
                    totals[base] = f
            if len(totals) < 2:
                continue
            end = pf.sentence_spans[sent][1]
            items = [f for f in amounts if pos < f.figure.start < end and own.search(f.label)]
            by_base: dict[str, list[TextFact]] = {}
            for f in items:
                base = _stated_against(f, bases)
                if base is None:
                    by_base = {}
                    break
                by_base.setdefault(base, []).append(f)
            if set(by_base) != set(totals) or len({len(v) for v in by_base.values()}) != 1 \
                    or len(next(iter(by_base.values()))) < 2:
                continue
            left_out = _three_public_left_out(text[pos:end], totals, by_base)
            for base, total in totals.items():
                check = _change_sum(total, total, by_base[base])
                if check is None:
                    continue
                if check.is_finding and left_out:
                    check = unsure(check, f"所列各项未包括{'、'.join(left_out)}，其增减未列出，无法据此判断。")
                checks.append(check)
    return checks


def _three_public_left_out(listed: str, totals: dict[str, TextFact], by_base: dict[str, list[TextFact]]) -> list[str]:
    """The “三公” items a list of changes of the “三公” total leaves out, neither listed nor said to be nil (无因公出国
    （境）费); [] for a total of anything else."""
    if not any("三公" in t.label for t in totals.values()):
        return []
    spec = patterns.load("formulas")["three_public_items"]
    named = {three_public_row_item(f.label) for v in by_base.values() for f in v}
    return [item["name"] for item in spec if not named & set(item["keys"])
            and not patterns.compiled(item["nil"]).search(listed)]


def _compared_whole(fact: TextFact, prior: TextFact, g: dict) -> bool:
    """Whether an amount before a prior-year figure is the whole of a share the current figure is held to (完成23992万元，
    占年度预算22443万元的106.9%，较上年21012万元，增收2980万元; 税收收入112446万元，完成年初预算207380万元的54.22%，比上年
    同期133191万元减收20745万元), not the current figure: its label has a not_current word, or 的 follows it."""
    if fact.after.startswith(tuple(g["not_base_after"])):
        return True
    words = [w for w in g["not_current_words"] if w in fact.label]
    return bool(words) and not all(w in prior.label for w in words)


def _stated_changes(facts: Facts) -> list[Check]:
    """sum.change — a change stated with both years' figures (收入271万元，比上年的312万元下降41万元): current − prior
    = the change, signed by its word; the three in one clause, the prior labelled as the year before's
    (patterns/formulas.yaml growth.prior_label), or as the budget compared with (…1134万元，较上年1174万元减少40万元，
    较预算数1237万元减少103万元: growth.budget_label; the current figure then the nearest before it that is neither a
    change nor the year before's); the current figure the nearest amount before the prior that is no
    share's whole (growth.not_current_words, growth.not_base_after), in the same clause or, past such wholes, in an
    earlier clause of the sentence."""
    g = patterns.load("formulas")["growth"]
    prior_label, budget_label = regex.compile(g["prior_label"]), regex.compile(g["budget_label"])
    out = []
    for pf in facts.paragraphs:
        amounts = [f for f in pf.facts if f.figure.kind == "amount" and not f.figure.approximate]
        for i, change in enumerate(amounts):
            if i < 2 or not patterns.compiled(g["own_change"]).match(change.label):
                continue
            prior = amounts[i - 1]
            budget = bool(budget_label.search(prior.label))
            current = next((f for f in reversed(amounts[:i - 1]) if not _compared_whole(f, prior, g)
                            and not (budget and (_is_change(f) or prior_label.search(f.label)))), None)
            skipped = current is not None and amounts.index(current) < i - 2
            if current is None or not (prior.sentence == current.sentence == change.sentence
                                       and prior.clause == change.clause and (current.clause == prior.clause or skipped)):
                continue
            if not (prior_label.search(prior.label) or budget) or _is_change(current) or is_change(prior.label):
                continue
            difference = interval(current.figure) - interval(prior.figure)
            computed = exact(Decimal(0)) - difference if is_decrease(change.label) else difference
            scale = change.figure.scale
            verdict = compare(computed, change.figure, scale=scale)
            value = computed.mid / scale
            expected = render(value, change.figure.decimals)
            diff = render(change.figure.value - value, change.figure.decimals)
            arithmetic = (f"{shown(current.figure)} − {shown(prior.figure)} = "
                          f"{render(difference.mid / scale, change.figure.decimals)}{change.figure.unit or ''}")
            should = (f"{render(value, change.figure.decimals)}{change.figure.unit or ''}" if value >= 0 else
                      f"{'增加' if is_decrease(change.label) else '减少'}{render(-value, change.figure.decimals)}"
                      f"{change.figure.unit or ''}")
            pair = "本期数、预算数" if budget else "两年数"
            message = (f"{change.label} {shown(change.figure)} 与{pair}之差相符：{arithmetic}。" if verdict == "pass"
                       else f"{change.label} {shown(change.figure)} 与{pair}之差不符：{arithmetic}，应为{should}。")
            out.append(Check.judged(verdict, rule="sum.change", message=message, concept=None,
                                    reported=change.figure.raw, expected=expected, difference=diff,
                                    unit=change.figure.unit,
                                    numbers=[change.figure.raw, current.figure.raw, prior.figure.raw],
                                    evidence=evidence([change, current, prior])))
    return out


def _additions(facts: Facts) -> list[Check]:
    """A total reached by additions to a first amount (…收入816.1亿元，增长0.2%；加上债务收入268.7亿元、中央补助收入
    999.5亿元…，收入总计2411.8亿元): the first amount of the cue's sentence, or of the sentence before when the cue
    opens its own (…其中税收收入109.91万元；非税收入1.2万元。加上…1,756.37万元，收入总计1,867.48万元); the amounts
    between it and the cue must be figures it is compared with (完成预算数31220万元的, 较上年28899万元: additions.compared),
    its 其中 parts or in brackets (含权责发生制列支285,941万元), and a first amount naming a flow must name the total's. An added amount named as a change (调出资金
    增加10,239万元) is added where that alone makes the total, and leaves the sum unverifiable where neither reading does.
    The additions may go on from a 其中 part instead (总收入410338万元…其中地方一般公共预算收入271630万元…；加上级补助收入…，
    收入合计514601万元): a reading from the first amount or from such a part that agrees passes."""
    spec = patterns.load("concepts")["additions"]
    openers = patterns.load("concepts")["breakdown_openers"]
    cue, total_words = patterns.compiled(spec["cue"]), patterns.compiled(spec["total"])
    out = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        if not cue.search(text):
            continue
        at, _ = paren_groups(text)
        for sent, (start, end) in enumerate(pf.sentence_spans):
            m = cue.search(text, start, end)
            if m is None:
                continue
            facts_here = [f for f in pf.facts if f.sentence == sent and not f.figure.approximate]
            before = [f for f in facts_here if f.figure.end <= m.start()]
            if not before and sent > 0 and not text[start:m.start()].strip():
                prev_start = pf.sentence_spans[sent - 1][0]
                if text[prev_start:].lstrip().startswith(tuple(openers)):
                    continue
                before = [f for f in pf.facts if f.sentence == sent - 1]
                if any(f.figure.approximate for f in before):
                    continue
            amounts = [f for f in before if f.figure.kind == "amount" and not _is_change(f)]
            if not amounts or any(f.figure.kind not in ("amount", "rate") for f in before):
                continue
            base = amounts[0]
            if any(not patterns.compiled(spec["compared"]).match(f.label) and not at[f.figure.start]
                   and not any(w in text[base.figure.end:f.figure.start] for w in openers) for f in amounts[1:]):
                continue
            total = next((f for f in facts_here if f.figure.start > m.end() and f.figure.kind == "amount"
                          and not at[f.figure.start] and total_words.search(text[start:f.figure.start])
                          and total_words.search(f.before)), None)
            if total is None or _flow(base.label) not in (None, _flow(total.label)):
                continue
            added = [f for f in facts_here if m.end() <= f.figure.start < total.figure.start
                     and f.figure.kind == "amount" and not at[f.figure.start]]
            if not any(not _is_change(f) for f in added):
                continue
            listed = [f for f in amounts[1:] if not at[f.figure.start]
                      and any(w in text[base.figure.end:f.figure.start] for w in openers)]
            inner = _opened_inside(text, at, m.end(), added, openers)
            readings = [added] if inner is None else \
                [added[:inner] + added[inner + k:] for k in range(1, len(added) - inner + 1)]
            checks = [_added_check(total, first, [f for f in kept if not _is_change(f)], kept)
                      for kept in readings for first in [base] + listed]
            check = next((c for c in checks if not c.is_finding), checks[0])
            if inner is not None and check.is_finding:
                check = unsure(check, f"所加“{shown(added[inner - 1].figure)}”后以“其中”等列出的分项包含于该项，"
                                      f"其范围无法确定，无法据此判断。")
            out.append(check)
    return out


def _listed_then_total(facts: Facts) -> list[Check]:
    """A sentence that lists a flow's items and then names their total (…补充预算稳定调节基金157万元、援助其他地区支出
    546万元，支出总量为596,070万元): the total against the amounts before it, all of one stage and period and none the
    year before's (patterns/concepts.yaml listed_then_total)."""
    spec = patterns.load("concepts")["listed_then_total"]
    concepts = patterns.load("concepts")
    total_label = patterns.compiled(spec["total"])
    bare_total = patterns.compiled(spec["bare_total"])
    stops = [patterns.compiled(concepts["additions"]["cue"])]
    prior = patterns.compiled(concepts["prior_period_label"])
    cut_off = patterns.compiled(spec["cut_off"])

    def fits(parts: list[TextFact], total: TextFact, span: str) -> bool:
        """Whether the amounts before a total make its list: enough of them, none an opener's or an addition's, each
        usable, of the total's flow and not the year before's, all of one stage, period and stage word."""
        flow = _flow(total.label)
        return len(parts) >= spec["min_parts"] and not total.figure.approximate \
            and not any(w in span for w in concepts["breakdown_openers"]) and not any(p.search(span) for p in stops) \
            and all(_usable(f, total) and _flow(f.label) in (None, flow) and not prior.search(f.label) for f in parts) \
            and len({f.stage for f in parts + [total]} - {None}) <= 1 \
            and len({f.period for f in parts + [total]} - {None}) <= 1 \
            and len(set().union(*(_stage_words(f.label, spec) for f in parts + [total]))) <= 1

    out = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        if not any(w in text for w in ("总计", "合计", "总量", "共计")):
            continue
        at, _ = paren_groups(text)
        amounts = [f for f in pf.facts if f.figure.kind == "amount" and not at[f.figure.start]]
        for sent, (start, end) in enumerate(pf.sentence_spans):
            here = [f for f in amounts if f.sentence == sent]
            begin, since = 0, start
            for k, total in enumerate(here):
                bare = bare_total.search(total.before.rstrip())
                if not total_label.search(total.before.rstrip()) and bare is None:
                    continue
                parts, span = here[begin:k], text[since:total.figure.start]
                opens_cut = begin == 0 and sent == 0 and cut_off.match(text) is not None
                begin, since = k + 1, total.figure.end
                if not opens_cut and fits(parts, total, span):
                    name = total.label or (bare.group().strip("，,；;。. ") if bare else "总计")
                    out.append(sum_check(RULE, total, parts, total.concept, name))
    return out


def _stage_words(label: str, spec: dict) -> set[int]:
    """The stages (patterns/concepts.yaml single_part.stages) a label's words name, funds named 预算 aside."""
    for name in spec["fund_names"]:
        label = label.replace(name, "")
    return _stages_named(label, patterns.load("concepts")["single_part"]["stages"])


def _opened_inside(text: str, at: list[int], start: int, added: list[TextFact], openers: list[str]) -> int | None:
    """The index of the first added amount that a list opener (其中) introduces after another added amount
    (加上级转移支付收入1884万元，其中：一般转移支付收入1478万元，…): a part of the amount before it, not an addition. An
    opener inside brackets (上级补助收入113566万元（其中：抗疫特别国债7691万元），债务转贷收入…) opens none; at: each
    position's bracket group."""
    end = start
    for i, f in enumerate(added):
        if i and any(not at[k] for w in openers for k in _positions(text, w, end, f.figure.start)):
            return i
        end = f.figure.end
    return None


def _positions(text: str, word: str, start: int, end: int) -> list[int]:
    """Where word stands in text[start:end]."""
    out, k = [], text.find(word, start, end)
    while k >= 0:
        out.append(k)
        k = text.find(word, k + 1, end)
    return out


def _added_check(total: TextFact, first: TextFact, parts: list[TextFact], added: list[TextFact]) -> Check:
    """The total against first + the added amounts; an added amount named as a change is added where that alone
    makes the total, and leaves the sum unverifiable where neither reading does."""
    check = sum_check(RULE, total, [first] + parts, total.concept, total.label or "总计")
    if len(parts) < len(added) and check.is_finding:
        with_changes = sum_check(RULE, total, [first] + added, total.concept, total.label or "总计")
        check = with_changes if not with_changes.is_finding else unsure(
            check, f"所加各项中有以“增加/减少”称的金额（{'、'.join(shown(f.figure) for f in added if f not in parts)}），"
                   f"未能确认是否计入，无法据此判断。")
    return check


def _sibling_sums(facts: Facts) -> list[Check]:
    """A total followed in its paragraph, with no list cue, by amounts of its flow that each name a part (全县基金收入
    38.83亿元，同比减收24.52亿元，…县本级基金收入29.6亿元，…高新区基金收入9.23亿元): the total against all of them when
    they agree (a pass), their changes against its change too; nothing when they do not, as they may be some of its
    parts only. Every amount of the run counts: a run whose first items agree while later ones are left out is none."""
    openers = patterns.load("concepts")["breakdown_openers"]
    cues = openers + [patterns.load("concepts")["additions"]["cue"].rstrip("[:：]?")]
    out = []
    for pf in facts.paragraphs:
        text = pf.norm.text
        amounts = [f for f in pf.facts if f.figure.kind == "amount" and not f.figure.approximate and not _is_change(f)]
        for i, total in enumerate(amounts):
            flow = _flow(total.label)
            if flow is None:
                continue
            run: list[TextFact] = []
            for f in amounts[i + 1:]:
                if _flow(f.label) != flow or not _usable(f, total):
                    break
                run.append(f)
            if len(run) < 2 or not _matches(total, run) \
                    or any(w in text[total.figure.end:run[-1].figure.start] for w in cues) \
                    or len({_core_name(f.label) for f in run + [total]}) != len(run) + 1:
                continue
            out.append(sum_check(RULE, total, run, total.concept, total.label or "合计"))
            changes = _changes_check(pf, total, run)
            if changes is not None and changes.status == "pass":
                out.append(changes)
    return out


def check(facts: Facts) -> list[Check]:
    return (_text_checks(facts) + _itemized_checks(facts) + _identity_checks(facts) + _named_identity_checks(facts)
            + _change_lists(facts) + _paired_change_lists(facts) + _stated_changes(facts) + _additions(facts)
            + _listed_then_total(facts) + _named_identity_tables(facts) + _sibling_sums(facts))
