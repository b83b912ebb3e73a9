"""Find figures (amounts, rates, scores, counts) in normalized text: value, unit, printed precision, span."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional

import regex

import patterns

MAX_DIGITS = 24
MONTH_BEFORE = regex.compile(r"月\s*$")
LONE_MAGNITUDES = frozenset("百千万亿佰仟")
DATE_OR_TIME_AFTER = regex.compile(r"\s*(年|月|时|号|期\b)")


@dataclass(frozen=True, init=False)
class Figure:
    """A number as printed: value in its own unit, decimals printed, unit, kind and span."""

    value: Decimal
    decimals: int
    unit: Optional[str]
    kind: str
    raw: str
    start: int
    end: int
    approximate: bool = False

    def __init__(self, value: Decimal, decimals: int, unit: Optional[str], kind: str, raw: str, start: int, end: int,
                 approximate: bool = False):
        """The fields, written into the instance's dict (a frozen dataclass's own __init__ makes a call for each, and
        documents hold figures by the thousand); a figure out_of_range is taken as approximate."""
        fields = self.__dict__
        fields["value"] = value
        fields["decimals"] = decimals
        fields["unit"] = unit
        fields["kind"] = kind
        fields["raw"] = raw
        fields["start"] = start
        fields["end"] = end
        fields["approximate"] = approximate
        if value.is_finite() and decimals >= 0 and (digits := value.adjusted() + 1 + _largest_scale_digits()) >= 1 \
                and digits + decimals <= MAX_DIGITS:
            return
        if self.out_of_range and not approximate:
            fields["approximate"] = True

    @property
    def out_of_range(self) -> bool:
        """More digits (in 元, with the printed decimals) than the checks' Decimal arithmetic holds exactly: such a
        figure is taken like an approximate one, so every check that would use it is unverifiable."""
        value, decimals = self.value, self.decimals
        if not value.is_finite():
            return True
        digits = value.adjusted() + 1 + _largest_scale_digits()
        shown = decimals if decimals > 0 else 0
        if (digits if digits > 1 else 1) + shown <= MAX_DIGITS:
            return False
        whole = (value * self.scale).adjusted() + 1
        return (whole if whole > 1 else 1) + shown > MAX_DIGITS

    @property
    def scale(self) -> Decimal:
        """Factor from this figure's unit to 元 (1 for non-amounts)."""
        return _unit_scale(self.unit) if self.kind == "amount" else _ONE


_ONE = Decimal(1)


@lru_cache(maxsize=256)
def _unit_scale(unit: Optional[str]) -> Decimal:
    """Factor from an amount unit to 元, worked out once per unit."""
    mult = patterns.load("figures")["multipliers"]
    return Decimal(mult.get(unit[:-1], 1)) if unit and len(unit) > 1 else Decimal(1)


_LARGEST_SCALE: list[int] = []


def _largest_scale_digits() -> int:
    """Digits the largest unit multiplier adds (8 for 亿), worked out once."""
    if not _LARGEST_SCALE:
        _LARGEST_SCALE.append(max((Decimal(m).adjusted() for m in patterns.load("figures")["multipliers"].values()),
                                  default=0))
    return _LARGEST_SCALE[0]


@lru_cache(maxsize=1)
def _compiled():
    p = patterns.load("figures")
    mult = "|".join(map(regex.escape, p["multipliers"]))
    approx = "|".join(map(regex.escape, sorted(p["approx_after"], key=len, reverse=True)))
    units = (p["point_units"] + p["rate_units"] + p["amount_units"] + p["score_units"] + p["count_units"])
    unit_alt = "|".join(map(regex.escape, sorted(units, key=len, reverse=True)))
    number = r"(?<![\d.．])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d]|\.\d|,\d{3})"
    tail = rf"(?:[ ]{{0,3}}(?P<mult>{mult}))?(?P<approx>{approx})?[ ]{{0,3}}(?P<unit>{unit_alt})?"
    digits = regex.compile(number + tail)
    cn = regex.compile(rf"(?<![第{p['chinese_numeral_chars']}])(?P<num>[{p['chinese_numeral_chars']}]+)"
                       rf"(?P<approx>{approx})?(?P<unit>{unit_alt})")
    before = regex.compile(rf"(?:{'|'.join(map(regex.escape, p['approx_before']))})[ ]?$")
    long_after = [w for w in p["approx_after"] if len(w) > 1]
    after = regex.compile("|".join(map(regex.escape, long_after))) if long_after else None
    groups = (tuple(digits.groupindex[name] for name in ("num", "mult", "approx", "unit")),
              tuple(cn.groupindex[name] for name in ("num", "approx", "unit")))
    return p, digits, cn, before, after, groups


@lru_cache(maxsize=1)
def _unit_kinds() -> tuple[frozenset, frozenset, frozenset, tuple]:
    """The point, rate and score units as sets, and the words that make a score unit no unit, for _kind."""
    p = patterns.load("figures")
    return (frozenset(p["point_units"]), frozenset(p["rate_units"]), frozenset(p["score_units"]),
            tuple(p["score_unit_not_before"]))


def _kind(unit: Optional[str], text: str, end: int) -> tuple[str, Optional[str]]:
    """A figure's kind and unit from its printed unit and the four characters after it (text from end on)."""
    if unit is None:
        return "number", None
    points, rates, scores, not_before = _unit_kinds()
    if unit in points:
        return "points", unit
    if unit in rates:
        return "rate", unit
    if unit.endswith("元"):
        return "amount", unit
    if unit in scores:
        if text.startswith(not_before, end, end + 4):
            return "number", None
        return "score", unit
    return "count", unit


@lru_cache(maxsize=1024)
def _cn_value(span: str) -> Optional[Decimal]:
    """The value of a Chinese numeral; none for a lone magnitude character (the 万 of 万元), which cn2an, imported
    only when a real numeral is met, would refuse as well."""
    if span in LONE_MAGNITUDES:
        return None
    import cn2an
    try:
        return Decimal(str(cn2an.cn2an(span, "smart")))
    except (ValueError, KeyError, TypeError, InvalidOperation):
        return None


PER_MILLE = "‰"


def _money_before(text: str, start: int, end: int, p: dict) -> bool:
    """Whether a figure printed with a multiplier and no unit (省级资金290.36万（…）) is an amount: a money word
    (patterns/figures.yaml bare_multiplier) before it in its clause, and a bracket or a clause break after it."""
    spec = p["bare_multiplier"]
    clause = regex.split(spec["clause_break"], text[max(0, start - spec["window"]):start])[-1]
    return any(w in clause for w in spec["money_words"]) and regex.match(spec["after"], text[end:end + 1]) is not None


def parse_figures(text: str) -> list[Figure]:
    """All figures in a normalized text, left to right. Fused or malformed tokens yield nothing. A rate in ‰ is
    held in percent (0.0738‰ is 0.00738%, one decimal more), printed as it stands."""
    p, digits, cn, before, after, (groups, cn_groups) = _compiled()
    found: list[Figure] = []
    num_group = groups[0]
    for m in digits.finditer(text):
        num, mult, approx, printed_unit = m.group(*groups)
        num = num.replace(",", "")
        try:
            value = Decimal(num)
        except InvalidOperation:
            continue
        decimals = len(num.split(".")[1]) if "." in num else 0
        unit = printed_unit
        start, end = m.span()
        num_end = m.end(num_group)
        if unit is None and mult and _money_before(text, start, m.end(), p):
            unit = mult + p["amount_units"][0]
        elif unit is None and mult:
            end = num_end
        elif mult and unit and unit.endswith("元"):
            unit = mult + unit
        elif mult and unit:
            value = value * Decimal(p["multipliers"][mult])
        kind, unit = _kind(unit, text, end)
        if kind == "number" and printed_unit:
            end = num_end
        if kind == "count" and unit in ("日", "天") and MONTH_BEFORE.search(text, 0, start):
            continue
        if kind in ("number", "count") and DATE_OR_TIME_AFTER.match(text, num_end):
            continue
        approximate = (bool(approx) or bool(before.search(text[max(0, start - 4):start]))
                       or (after is not None and after.match(text, end) is not None))
        raw = num + ("%" if kind == "rate" else "")
        if kind == "rate" and unit == PER_MILLE:
            value, decimals, unit, raw = value / 10, decimals + 1, "%", num + PER_MILLE
        found.append(Figure(value, decimals, unit, kind, raw, start, end, approximate))
    for m in cn.finditer(text):
        span, approx, unit = m.group(*cn_groups)
        if len(span) < 2 and not unit.endswith("元") and unit not in ("人", "名"):
            continue
        mult = ""
        value = _cn_value(span)
        if value is None:
            continue
        if unit.endswith("元") and span[-1] in p["multipliers"] and len(span) > 1:
            head = _cn_value(span[:-1])
            if head is not None and head * Decimal(p["multipliers"][span[-1]]) == value:
                mult, value = span[-1], head
        unit = mult + unit
        kind, unit = _kind(unit, text, m.end())
        if kind == "number":
            continue
        raw = format(value, "f")
        found.append(Figure(value, 0, unit, kind, raw, m.start(), m.end(), bool(approx)))
    found.sort(key=lambda f: f.start)
    return found


CELL = regex.compile(r"^\s*(?P<sign>[-−])?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
                     r"(?P<unit>%|万元|元|亿元|分)?\s*$")


@lru_cache(maxsize=8192)
def parse_cell(text: str) -> Optional[Figure]:
    """The figure a table cell holds when the cell is a single figure, else None (cached: a table reader asks for
    the same cell more than once, and tables repeat their texts)."""
    from extractor.normalize import normalize
    t = normalize(text).text
    m = CELL.match(t)
    if not m:
        return None
    num = m.group("num").replace(",", "")
    value = Decimal(num)
    if m.group("sign"):
        value = -value
        num = "-" + num
    decimals = len(num.split(".")[1]) if "." in num else 0
    unit = m.group("unit")
    kind = {"%": "rate", "分": "score", None: "number"}.get(unit, "amount")
    return Figure(value, decimals, unit, kind, num + ("%" if unit == "%" else ""), m.start("num"), m.end())
