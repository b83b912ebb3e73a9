"""ratio.schedule — a completion rate against the share of the year elapsed (序时进度, 均衡进度, 时间进度).

Fails:  截至7月底，全所累计支出16873万元，完成预算的56.47%，支出进度低于序时进度1.53个百分点 (7/12 = 58.33%,
        58.33% − 56.47% = 1.86 points; no share of the year to the end of July gives 1.53: error).
Passes: 1-2月，全县实现大口径财政收入17056万元，完成预算的16.18%，较均衡进度慢0.48% (2/12 = 16.67%, 16.67% − 16.18%
        = 0.49 points, within printed precision); 上半年…为预算的56.1%，快于序时进度6.1个百分点 (6/12 = 50%).
The period is the nearest one named before the rate, in its paragraph or the few before it (patterns/formulas.yaml
schedule_gap: 1-4月, 截至7月底, 一季度, 上半年, a single 2月份), outside parentheses and titles in 《》 (…预计数（取自
《…2018年1-5月…的通报》）的60.68%); a schedule printed in the sentence (超序时进度（上半年50%）27.4个百分点) is the
one used. The elapsed share is months ÷ 12 or, as some reports count it, days ÷ 365 (366) to the month's end; a gap
that neither gives is a finding, one without a period named is not checked.
"""
from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Optional

import patterns
from extractor.facts import Facts, TextFact
from scoring.model import Check
from scoring.rounding import compare, exact, interval, render
from scoring.rules.common import bracket_depths, evidence

RULE = "ratio.schedule"
_HUNDRED = Decimal(100)


def check(facts: Facts) -> list[Check]:
    spec = patterns.load("formulas")["schedule_gap"]
    words = patterns.compiled(spec["cue"])
    checks = []
    for index, pf in enumerate(facts.paragraphs):
        text = pf.norm.text
        for cue in words.finditer(text):
            found = _gap_of(pf, cue, spec)
            if found is None:
                continue
            rate, gap, ahead, note = found
            shares = [note] if note is not None else _elapsed(facts, index, rate, spec)
            if shares:
                checks.append(_judge(rate, gap, ahead, shares))
    return checks


def _gap_of(pf, cue, spec: dict) -> Optional[tuple[TextFact, TextFact, bool, Optional[tuple]]]:
    """The completion rate before a cue, the gap figure after it, whether the rate runs ahead of the schedule, and a
    schedule printed beside the cue (上半年50%), or None when the text around the cue is not of that shape."""
    text = pf.norm.text
    before = [f for f in pf.facts if f.figure.end <= cue.start()]
    after = [f for f in pf.facts if f.figure.start >= cue.end()]
    if not before or not after or before[-1].figure.kind != "rate" or before[-1].sentence != after[0].sentence:
        return None
    rate = before[-1]
    lead = text[rate.figure.end:cue.start()]
    if len(lead) > spec["max_between"] or any(ch.isdigit() or ch in "。；;" for ch in lead):
        return None
    before_rate = text[pf.sentence_spans[rate.sentence][0]:rate.figure.start]
    depth = bracket_depths(before_rate)
    clause = "".join(ch for ch, d in zip(before_rate, depth) if not d and ch not in "）)》")
    if not patterns.compiled(spec["completion"]).search(clause[max(clause.rfind(ch) for ch in "，,；;") + 1:]):
        return None
    note = None
    tail_start = cue.end()
    bracket = patterns.compiled(spec["note"]).match(text, cue.end())
    if bracket is not None:
        printed = [f for f in after if f.figure.end <= bracket.end()]
        if len(printed) != 1 or printed[0].figure.kind != "rate":
            return None
        note = (interval(printed[0].figure, base=False).mid / _HUNDRED, bracket.group("what") or "所列进度")
        tail_start = bracket.end()
        after = [f for f in after if f.figure.start >= bracket.end()]
    if not after or after[0].figure.kind not in ("rate", "points"):
        return None
    gap = after[0]
    tail = text[tail_start:gap.figure.start]
    if len(tail) > spec["max_between"] or any(ch in "，,。；;" for ch in tail):
        return None
    said = patterns.compiled(spec["behind"]).search(lead + tail), patterns.compiled(spec["ahead"]).search(lead + tail)
    if bool(said[0]) == bool(said[1]):
        return None
    return rate, gap, bool(said[1]), note


def _elapsed(facts: Facts, index: int, rate: TextFact, spec: dict) -> list[tuple[Decimal, str]]:
    """The shares of the year elapsed by the period named nearest before the rate (its paragraph, then up to
    paragraphs_back before it), each with how it was counted; empty when none is named."""
    for back in range(spec["paragraphs_back"] + 1):
        if index - back < 0:
            break
        pf = facts.paragraphs[index - back]
        end = rate.figure.start if back == 0 else len(pf.norm.text)
        found = _last_period(pf.norm.text[:end], spec)
        if found is not None:
            months, single, phrase = found
            return _shares(months, single, phrase)
    return []


def _last_period(text: str, spec: dict) -> Optional[tuple[int, bool, str]]:
    """The period named last in text outside brackets and outside a comparison (高于一季度累计增幅 names the period
    compared with, not the one reported): (months to its end, whether it is that one month, phrase); None when there
    is none, or when the last is a date within a month (截至5月20日), which no share of months gives."""
    depth = bracket_depths(text)
    compared = patterns.compiled(spec["compared_period"])
    best = None
    for period in spec["periods"]:
        for m in patterns.compiled(period["regex"]).finditer(text):
            if depth[m.start()] or compared.search(text, 0, m.start()):
                continue
            months = period.get("months") or _month_number(m.group("m"))
            if months is None or not 1 <= months <= 12:
                continue
            if "d" in m.groupdict() and int(m.group("d")) < calendar.monthrange(2024, months)[1] \
                    and not (months == 2 and m.group("d") == "28"):
                months = None
            key = (m.end(), -m.start())
            if best is None or key > best[0]:
                best = (key, months, bool(period.get("single")), m.group())
    return None if best is None or best[1] is None else best[1:]


def _month_number(span: str) -> Optional[int]:
    if span.isdigit():
        return int(span)
    digits = "一二三四五六七八九"
    if span == "十":
        return 10
    if len(span) == 2 and span[0] == "十" and span[1] in digits:
        return 10 + digits.index(span[1]) + 1
    return digits.index(span) + 1 if len(span) == 1 and span in digits else None


def _shares(months: int, single: bool, phrase: str) -> list[tuple[Decimal, str]]:
    """The year's share elapsed: months ÷ 12 first, then days ÷ 365 and ÷ 366 to the end of the last month."""
    counted = 1 if single else months
    shares = [(Decimal(counted) / 12, f"{phrase}，{counted}/12")]
    for year, days_in_year in ((2023, 365), (2024, 366)):
        days = (calendar.monthrange(year, months)[1] if single
                else sum(calendar.monthrange(year, k)[1] for k in range(1, months + 1)))
        shares.append((Decimal(days) / days_in_year, f"{phrase}，{days}/{days_in_year}天"))
    return shares


def _judge(rate: TextFact, gap: TextFact, ahead: bool, shares: list[tuple[Decimal, str]]) -> Check:
    """The gap against the rate and each share of the year: a pass when one gives it, else a finding on the first."""
    r = interval(rate.figure, base=False)
    results = []
    for share, how in shares:
        s = exact(share * _HUNDRED)
        computed = r - s if ahead else s - r
        results.append((compare(computed, gap.figure), computed, share, how))
    verdict, computed, share, how = next((x for x in results if x[0] == "pass"), results[0])
    schedule = render(share * _HUNDRED, 2, rate=True)
    word = "快于" if ahead else "慢于"
    expected = render(computed.mid, gap.figure.decimals)
    numbers = [gap.figure.raw, rate.figure.raw]
    if verdict == "pass":
        message = (f"完成 {rate.figure.raw} 较序时进度 {schedule}（{how}）{word} {render(computed.mid, 2)}个百分点，"
                   f"与所列 {gap.figure.raw}{'' if gap.figure.kind == 'rate' else gap.figure.unit} 相符（在打印精度内）。")
    else:
        message = (f"所列{word}序时进度 {gap.figure.raw}{'' if gap.figure.kind == 'rate' else gap.figure.unit} 与复算不符："
                   f"完成 {rate.figure.raw}，序时进度 {schedule}（{how}），应{word} {expected}个百分点"
                   f"{'（实际方向相反）' if computed.mid < 0 else ''}"
                   f"{'；按天数计算的序时进度也不相符' if len(shares) > 1 else ''}。")
    return Check.judged(verdict, rule=RULE, message=message, concept="schedule_gap", reported=gap.figure.raw,
                        expected=expected, difference=render(gap.figure.value - computed.mid, gap.figure.decimals),
                        unit="个百分点", numbers=numbers, evidence=evidence([gap, rate]))
