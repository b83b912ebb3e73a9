"""Interval arithmetic on printed precision, in Decimal: what a printed figure can stand for.

A printed figure stands for [v - h, v + h) with h half a unit of its last printed digit (97% →
[96.5%, 97.5%)). A recomputed interval that overlaps it agrees (pass); a miss by one unit of the
last digit is a warning; anything beyond is an error (DOMAIN.md, XBRL Calculations 1.1).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from extractor.figures import Figure


@dataclass(frozen=True, init=False)
class Interval:
    lo: Decimal
    hi: Decimal
    mid: Decimal

    def __init__(self, lo: Decimal, hi: Decimal, mid: Decimal):
        """The bounds and the value, written into the instance's dict (a frozen dataclass's own __init__ makes a call
        for each, and checks make intervals by the thousand)."""
        fields = self.__dict__
        fields["lo"] = lo
        fields["hi"] = hi
        fields["mid"] = mid

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi, self.mid + other.mid)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo, self.mid - other.mid)

    def scale(self, k: Decimal) -> "Interval":
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b), self.mid * k)

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.lo <= 0:
            raise ZeroDivisionError("denominator interval reaches zero")
        cands = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(cands), max(cands), self.mid / other.mid)


def exact(value: Decimal) -> Interval:
    return Interval(value, value, value)


@lru_cache(maxsize=64)
def half_unit(decimals: int) -> Decimal:
    return Decimal(5) * Decimal(10) ** (-(decimals + 1))


@lru_cache(maxsize=64)
def unit_step(decimals: int) -> Decimal:
    """One unit of the last printed digit."""
    return Decimal(10) ** (-decimals)


def interval(fig: Figure, exact_value: bool = False, base: bool = True) -> Interval:
    """The interval a printed figure stands for; in 元 when base is set and it is an amount."""
    h = Decimal(0) if exact_value else half_unit(fig.decimals)
    value = fig.value
    if not base:
        return Interval(value - h, value + h, value)
    k = fig.scale
    a, b = (value - h) * k, (value + h) * k
    return Interval(min(a, b), max(a, b), value * k)


def compare(computed: Interval, printed: Figure, exact_value: bool = False, scale: Decimal = Decimal(1)) -> str:
    """pass, warning or error for a printed figure against a recomputed interval (both in one unit)."""
    h = Decimal(0) if exact_value else half_unit(printed.decimals)
    v = printed.value * scale
    lo, hi = v - h * scale, v + h * scale
    if h == 0:
        if computed.lo <= v <= computed.hi:
            return "pass"
    elif computed.lo < hi and (computed.hi > lo or computed.lo == computed.hi == lo):
        return "pass"
    step = unit_step(printed.decimals)
    rounded = (computed.mid / scale).quantize(step, rounding=ROUND_HALF_UP)
    return "warning" if abs(rounded - printed.value) == step else "error"


def render(value: Decimal, decimals: int, rate: bool = False) -> str:
    """A recomputed value printed at the given decimals (rates with %)."""
    rounded = value.quantize(unit_step(decimals), rounding=ROUND_HALF_UP)
    text = format(rounded.copy_abs() if rounded.is_zero() else rounded, "f")
    return text + ("%" if rate else "")
