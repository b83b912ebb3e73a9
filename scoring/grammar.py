"""Read a 评分标准 text into an executable scoring rule, by the grammar in patterns/scoring_rules.yaml.

A rule gives, for a stated value (an interval on printed precision, in percent for rates) and the
row's weight, the scores it allows: more than one where the text is ambiguous (a value on a band
boundary, "每超出1%" read per started or per whole point). Judgement rules give no score.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.normalize import compact
from scoring.rounding import Interval, exact

NUM = r"\d+(?:\.\d+)?"
OPS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}
FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
LIST_MARKER = regex.compile(r"(?:^|(?<=[;；。,，:：)]))\(?([0-9]+)[.、．)]")


@dataclass(frozen=True)
class Band:
    """Points awarded when lo (<|<=) value (<|<=) hi; an open side is None."""

    lo: Optional[Decimal]
    lo_inclusive: bool
    hi: Optional[Decimal]
    hi_inclusive: bool
    points: Optional[Decimal]

    def may_hold(self, value: Interval) -> bool:
        """Whether some value in the interval satisfies the band."""
        if self.lo is not None and (value.hi < self.lo or (value.hi == self.lo and not self.lo_inclusive)):
            return False
        if self.hi is not None and (value.lo > self.hi or (value.lo == self.hi and not self.hi_inclusive)):
            return False
        return True

    def describe(self) -> str:
        parts = []
        if self.lo is not None:
            parts.append(f"{self.lo}{'≤' if self.lo_inclusive else '<'}")
        parts.append("值")
        if self.hi is not None:
            parts.append(f"{'≤' if self.hi_inclusive else '<'}{self.hi}")
        return "".join(parts)


@dataclass
class ScoringRule:
    """A parsed 评分标准. kind: bands, proportional, per_unit, per_item, judgement or unparsed."""

    kind: str
    text: str
    bands: list[Band] = field(default_factory=list)
    form: str = ""
    limit: Optional[Decimal] = None
    step: Optional[Decimal] = None
    points: Optional[Decimal] = None
    direction: str = ""
    zero_if: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def needs_value(self) -> bool:
        return self.kind in ("bands", "proportional", "per_unit")

    @property
    def full_marks(self) -> Optional[Decimal]:
        """The highest score the rule itself names (the weight where the row prints none)."""
        named = [b.points for b in self.bands if b.points is not None]
        return max(named) if named else None

    def scores(self, value: Optional[Interval], weight: Optional[Decimal], count: Optional[int] = None
               ) -> tuple[Optional[list[Interval]], str]:
        """The scores the rule allows, with how they were derived; None with the reason when it cannot say."""
        weight = weight if weight is not None else self.full_marks
        if self.kind in ("judgement", "unparsed"):
            return None, "评分标准需依据文件外的材料或判断，无法复算" if self.kind == "judgement" else "评分标准未能解析"
        if self.kind == "per_item":
            if count is None or weight is None:
                return None, "评分标准按发现的问题项数扣分，报告未列明项数，无法复算"
            score = max(weight - self.points * count, Decimal(0))
            return [exact(score)], f"{weight} − {count}项 × {self.points} = {score}"
        if value is None:
            return None, "报告未列明该指标的实际值，无法复算"
        for op, bound in self.zero_if:
            if _always(value, op, bound):
                return [exact(Decimal(0))], f"值{op}{bound}%，本项不得分"
        if self.kind == "bands":
            hits = [b for b in self.bands if b.may_hold(value)]
            if not hits:
                return None, "该值不落在评分标准的任何档次内"
            out = []
            for b in hits:
                pts = b.points if b.points is not None else weight
                if pts is None:
                    return None, "满分分值未列明"
                out.append(exact(pts))
            return out, "；".join(f"{b.describe()} → {b.points if b.points is not None else weight}分" for b in hits)
        if weight is None:
            return None, "本指标分值未列明"
        if self.kind == "proportional":
            if self.form == "weight_over_value":
                if value.lo <= 0:
                    return None, "实际值为零，无法复算"
                raw = Interval(weight * 100 / value.hi, weight * 100 / value.lo, weight * 100 / value.mid)
                how = f"{weight} × 100% ÷ 值"
            else:
                raw = value.scale(weight / 100)
                how = f"{weight} × 值"
            capped = Interval(min(raw.lo, weight), min(raw.hi, weight), min(raw.mid, weight))
            scores = [capped]
            if any(op in (">", ">=") and value.hi > bound for op, bound in self.zero_if):
                scores.append(exact(Decimal(0)))
            return scores, f"{how}（至多 {weight} 分）"
        if self.kind == "per_unit":
            over = value - exact(self.limit) if self.direction == "above" else exact(self.limit) - value
            if over.hi <= 0:
                return [exact(weight)], f"值在 {self.limit}% 以内，计满分 {weight}"
            out = []
            lo = max(over.lo, Decimal(0))
            for steps_lo, steps_hi, steps_mid in (
                    (lo / self.step, over.hi / self.step, over.mid / self.step),
                    ((lo / self.step).to_integral_value(ROUND_CEILING), (over.hi / self.step).to_integral_value(ROUND_CEILING),
                     (max(over.mid, Decimal(0)) / self.step).to_integral_value(ROUND_CEILING)),
                    ((lo / self.step).to_integral_value(ROUND_FLOOR), (over.hi / self.step).to_integral_value(ROUND_FLOOR),
                     (max(over.mid, Decimal(0)) / self.step).to_integral_value(ROUND_FLOOR))):
                a = max(weight - self.points * steps_hi, Decimal(0))
                b = max(weight - self.points * steps_lo, Decimal(0))
                m = max(weight - self.points * steps_mid, Decimal(0))
                out.append(Interval(a, b, m))
            if over.lo <= 0:
                out.append(exact(weight))
            return out, f"超出 {self.limit}% 的部分每 {self.step}% 扣 {self.points} 分，扣完为止"
        return None, "评分标准未能解析"


def _always(value: Interval, op: str, bound: Decimal) -> bool:
    if op == ">":
        return value.lo > bound
    if op == "<":
        return value.hi < bound
    return False


@lru_cache(maxsize=1)
def _grammar():
    g = patterns.load("scoring_rules")
    subject = "|".join(regex.escape(s) for s in sorted(g["subjects"], key=len, reverse=True))

    def c(p: str):
        return regex.compile(p.replace("NUM", NUM).replace("SUBJECT", subject))
    return {
        "judgement": g["judgement"],
        "points_number": [c(p) for p in g["points"]["number"]],
        "points_full": [c(p) for p in g["points"]["full"]],
        "points_zero": [c(p) for p in g["points"]["zero"]],
        "conditions": [(c(x["regex"]), x["form"]) for x in g["conditions"]],
        "proportional": [(c(x["regex"]), x["form"]) for x in g["proportional"]],
        "per_unit": [(c(x["regex"]), x["direction"]) for x in g["per_unit"]],
        "per_item": [c(p) for p in g["per_item"]],
        "item_count": c(g["item_count"]),
        "zero_if": [(c(x["regex"]), x["op"], x.get("bound")) for x in g["zero_if"]],
    }


def _clean(text: str) -> str:
    t = compact(text)
    t = t.replace("（", "(").replace("）", ")").replace("＝", "=").replace("＜", "<").replace("＞", ">")
    return _strip_numbering(t)


def _strip_numbering(t: str) -> str:
    """Drop list markers 1. 2. 3. (1、(2) …) taken in sequence, so "2.5%<比率" keeps its 5%."""
    out, n, kept = [], 1, 0
    for m in LIST_MARKER.finditer(t):
        if m.group(1) == str(n):
            out.append(t[kept:m.start()])
            kept = m.end()
            n += 1
    out.append(t[kept:])
    return "".join(out)


def _zero_if(t: str) -> list[tuple[str, Decimal]]:
    out = []
    for pattern, op, bound in _grammar()["zero_if"]:
        m = pattern.search(t)
        if m:
            value = bound if bound is not None else m.group("bound")
            out.append((op, Decimal(str(value))))
    return out


def _awards(t: str) -> list[tuple[int, int, Optional[Decimal]]]:
    """Every place the text awards points, in order: (start, end, points; None = full marks)."""
    g = _grammar()
    found = []
    for p in g["points_zero"]:
        found += [(m.start(), m.end(), Decimal(0)) for m in p.finditer(t)]
    for p in g["points_number"]:
        found += [(m.start(), m.end(), Decimal(m.group("points"))) for m in p.finditer(t)]
    for p in g["points_full"]:
        found += [(m.start(), m.end(), None) for m in p.finditer(t)]
    found.sort(key=lambda a: (a[0], -a[1]))
    out: list[tuple[int, int, Optional[Decimal]]] = []
    for a in found:
        if out and a[0] < out[-1][1]:
            continue
        out.append(a)
    return out


def _condition(text: str) -> Optional[tuple[Optional[Decimal], bool, Optional[Decimal], bool]]:
    for pattern, form in _grammar()["conditions"]:
        m = pattern.search(text)
        if not m:
            continue
        d = m.groupdict()
        if form == "between_desc":
            return Decimal(d["lo"]), OPS[d["lop"]] == ">=", Decimal(d["hi"]), OPS[d["hop"]] == ">="
        if form == "between_asc":
            return Decimal(d["lo"]), OPS[d["lop"]] == "<=", Decimal(d["hi"]), OPS[d["hop"]] == "<="
        if form == "range":
            return Decimal(d["lo"]), True, Decimal(d["hi"]), True
        bound = Decimal(d.get("bound") or d.get("bound2"))
        if form == "single":
            op = OPS[d["op"]]
            if op == "=":
                return bound, True, bound, True
            return (bound, op == ">=", None, False) if op in (">", ">=") else (None, False, bound, op == "<=")
        return {"at_least": (bound, True, None, False), "above": (bound, False, None, False),
                "at_most": (None, False, bound, True), "below": (None, False, bound, False)}[form]
    return None


def _bands(t: str) -> Optional[list[Band]]:
    """Bands from "condition … 得N分" runs; None when an award has no numeric condition before it."""
    bands, prev = [], 0
    for start, end, points in _awards(t):
        cond = _condition(t[prev:start])
        prev = end
        if cond is None:
            return None
        bands.append(Band(cond[0], cond[1], cond[2], cond[3], points))
    return bands if len(bands) >= 2 else None


@lru_cache(maxsize=4096)
def parse(text: str) -> ScoringRule:
    """The rule a 评分标准 text states (cached: a row's rule is read by several checks; do not mutate it)."""
    g = _grammar()
    t = _clean(text)
    if not t:
        return ScoringRule("unparsed", text)
    zero_if = _zero_if(t)
    for pattern, form in g["proportional"]:
        if pattern.search(t):
            return ScoringRule("proportional", text, form=form, zero_if=zero_if)
    for pattern, direction in g["per_unit"]:
        m = pattern.search(t)
        if m:
            return ScoringRule("per_unit", text, limit=Decimal(m.group("limit")), step=Decimal(m.group("step")),
                               points=Decimal(m.group("points")), direction=direction, zero_if=zero_if)
    bands = _bands(t)
    if bands is not None and not any(w in t for w in g["judgement"]):
        return ScoringRule("bands", text, bands=bands, zero_if=zero_if)
    for pattern in g["per_item"]:
        m = pattern.search(t)
        if m:
            kind = "judgement" if any(w in t for w in g["judgement"]) else "per_item"
            return ScoringRule(kind, text, points=Decimal(m.group("points")))
    if any(w in t for w in g["judgement"]) or regex.search(r"得\d|扣\d|满分|不得分", t):
        return ScoringRule("judgement", text)
    return ScoringRule("unparsed", text)


def item_count(note: str) -> Optional[int]:
    """The number of items a 扣分说明 states ("有2处填写有误"); None unless exactly one is stated."""
    found = _grammar()["item_count"].findall(_clean(note))
    return int(found[0]) if len(found) == 1 else None


def grade_bands(texts: list[str]) -> Optional[list[tuple[Decimal, str]]]:
    """The grade bands the first text that states them gives, highest first: [(lower bound, grade)]. A band says
    为, which cleaning a text never brings in (no character normalizes to it), so a text without it is passed by."""
    g = patterns.load("scoring_rules")
    synonyms = patterns.load("formulas")["grade_synonyms"]
    for text in texts:
        if "为" not in text:
            continue
        t = _clean(text)
        found = [(Decimal(m.group("lo")), synonyms.get(m.group("grade"), m.group("grade")))
                 for m in patterns.compiled(g["grade_band"]).finditer(t)]
        if len(found) >= 2:
            floor = patterns.compiled(g["grade_floor"]).search(t)
            if floor:
                found.append((Decimal(0), synonyms.get(floor.group("grade"), floor.group("grade"))))
            return sorted(found, reverse=True)
    return None
