"""A spreadsheet cell's value as its number format prints it, in Decimal: 0.95 under 0.00% is "95.00%"."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import regex

SIGNIFICANT = 15
"""Digits a spreadsheet keeps of a binary float; the 16th and 17th are artifacts (0.1 + 0.2)."""
TOKEN = regex.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|[0#?.,%]|[Ee][+-]|.', regex.S)
PLACEHOLDER = set("0#?")
DATE_CODE = regex.compile(r"[yYmMdDhHsS]")
TEXT_FORMATS = ("general", "@", "")


def exact(value: float | int) -> Decimal:
    """The number a cell stores, without the binary float's artifacts: at most 15 significant digits."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(format(value, f".{SIGNIFICANT}g"))


def _plain(number: Decimal) -> str:
    """A Decimal printed without exponent or trailing zeros after the point."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _sections(fmt: str) -> list[list[str]]:
    sections: list[list[str]] = [[]]
    for token in TOKEN.findall(fmt):
        if token == ";":
            sections.append([])
        else:
            sections[-1].append(token)
    return sections


def _literal(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith(("[", "_", "*")):
        return ""
    return token


def _is_date(tokens: list[str]) -> bool:
    bare = "".join(t for t in tokens if len(t) == 1 or t[0] not in '"\\[_*')
    return bool(DATE_CODE.search(bare)) and not any(t in PLACEHOLDER for t in tokens)


def is_date_format(fmt: str) -> bool:
    """A format that prints a date or time (yyyy-mm-dd, m月d日 …) rather than a number."""
    if (fmt or "").strip().lower() in TEXT_FORMATS:
        return False
    return _is_date(_sections(fmt)[0])


def _number(value: Decimal, tokens: list[str]) -> str:
    """The value printed by one section's tokens: its digit placeholders, point, grouping comma and %."""
    percent = "%" in tokens
    if any(t[0] in "Ee" and len(t) == 2 for t in tokens):
        return _plain(value * 100 if percent else value) + ("%" if percent else "")
    if percent:
        value *= 100
    first = next((i for i, t in enumerate(tokens) if t in PLACEHOLDER or t == "."), None)
    if first is None:
        return "".join(_literal(t) for t in tokens)
    last = max(i for i, t in enumerate(tokens) if t in PLACEHOLDER or t in ".,")
    body = tokens[first:last + 1]
    point = body.index(".") if "." in body else len(body)
    decimals = sum(1 for t in body[point + 1:] if t in PLACEHOLDER)
    grouped = "," in body[:point] and any(t in PLACEHOLDER for t in body[body.index(","):point])
    scale = len(body[:point]) - len("".join(body[:point]).rstrip(","))
    value /= Decimal(1000) ** scale
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}" if grouped else f"{rounded:.{decimals}f}"
    if text.startswith("0") and len(text) > 1 and text[1] == "." and not any(t == "0" for t in body[:point]):
        text = text[1:]
    head = "".join(_literal(t) for t in tokens[:first])
    tail = "".join(_literal(t) for t in tokens[last + 1:])
    return head + text + tail


def render_number(value: float | int, fmt: str | None) -> str:
    """A number as its format prints it, digits from the stored value (see exact), never a float's repr."""
    number = exact(value)
    key = (fmt or "").strip()
    if key.lower() in TEXT_FORMATS:
        return _plain(number)
    sections = _sections(key)
    if len(sections) > 1 and number < 0:
        return _safe(-number, sections[1])
    if len(sections) > 2 and number == 0:
        return _safe(number, sections[2])
    text = _safe(abs(number), sections[0])
    return "-" + text if number < 0 and text.strip("0.,%") else text


def _safe(number: Decimal, tokens: list[str]) -> str:
    if _is_date(tokens):
        return _plain(number)
    try:
        return _number(number, tokens)
    except (InvalidOperation, ValueError, IndexError):
        return _plain(number)


def render_date(value: dt.datetime | dt.date | dt.time, fmt: str | None) -> str:
    """A date or time cell as a report prints it: 2022年12月31日 under a format with 年, else 2022-12-31."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")
    date = value.date() if isinstance(value, dt.datetime) else value
    if "年" in (fmt or ""):
        text = f"{date.year}年{date.month}月{date.day}日" if "日" in fmt else f"{date.year}年{date.month}月"
    else:
        text = date.isoformat()
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        text += " " + value.strftime("%H:%M")
    return text
