"""Funds rows of a 项目支出绩效自评表 whose cells ran together when the page was copied: 年度资金总额390390100% is
全年预算数 390, 全年执行数 390, 执行率 100%. The columns come from the funds header printed before the row, and the run
of digits is cut where 执行数 ÷ 预算数 gives the printed 执行率; a row is read only when exactly one cut does
(patterns/project_tables.yaml, fused). Its 执行率 agrees by construction, so what such a row adds are the checks
between rows and columns: the total against its sources, the 执行率 score against its 分值.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterator, Optional

import patterns
from extractor.figures import parse_cell
from extractor.model import Document, Location, Paragraph, Table
from extractor.normalize import normalize
from extractor.project_table import HEADER_WEIGHT, FundRow, ProjectTable, Value


def _spec() -> dict:
    return patterns.load("project_tables")["fused"]


def _texts(doc: Document) -> Iterator[tuple[str, Location]]:
    """Each paragraph's and each table cell's text, normalized, with where it is."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield normalize(block.text).text, block.location()
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if not cell.covered and "%" in cell.text:
                        yield normalize(cell.text).text, block.cell_location(cell)


def header_roles(window: str, spec: dict) -> list[str]:
    """The funds columns a header names, in the order it prints them; each word found is blanked out so a shorter
    word (预算数) is not found again inside a longer one (全年预算数)."""
    text = window.replace(" ", "")
    found = []
    words = sorted(((w, role) for role, ws in spec["header"].items() for w in ws), key=lambda p: -len(p[0]))
    for word, role in words:
        at = text.find(word)
        if at < 0:
            continue
        text = text[:at] + "\x00" * len(word) + text[at + len(word):]
        if role not in (r for _, r in found):
            found.append((at, role))
    return [role for _, role in sorted(found)]


def _bounds(value: Decimal, text: str) -> tuple[Decimal, Decimal]:
    decimals = len(text.split(".")[1]) if "." in text else 0
    half = Decimal(5) * Decimal(10) ** (-(decimals + 1))
    return value - half, value + half


def _agrees(budget: str, actual: str, rate: str, spread: Decimal) -> bool:
    """Whether 执行数 ÷ 预算数 gives the rate, the two being fine enough to give it within spread points (1 and 0 give
    any rate from 0% to 100% and are no reading of 103.21%)."""
    (b_lo, b_hi), (a_lo, a_hi) = _bounds(Decimal(budget), budget), _bounds(Decimal(actual), actual)
    r_lo, r_hi = _bounds(Decimal(rate), rate)
    if b_lo <= 0:
        return False
    low, high = a_lo / b_hi * 100, a_hi / b_lo * 100
    return high - low <= spread and low < r_hi and high > r_lo


def _cuts(digits: str, shapes: list[str], spec: dict) -> Iterator[list[str]]:
    """Every way to cut digits into len(shapes) pieces, each of its shape (amount, weight)."""
    if len(shapes) == 1:
        if patterns.compiled(spec[shapes[0]]).fullmatch(digits):
            yield [digits]
        return
    for i in range(1, len(digits)):
        head = digits[:i]
        if patterns.compiled(spec[shapes[0]]).fullmatch(head):
            for rest in _cuts(digits[i:], shapes[1:], spec):
                yield [head] + rest


def split_run(run: str, before: list[str], spec: dict) -> Optional[dict[str, str]]:
    """The one reading of a fused run (390390100%) as the columns before 执行率 and 执行率 itself, or None when no cut
    or more than one gives 执行数 ÷ 预算数 = 执行率."""
    digits = run.rstrip("%")
    shapes = ["weight" if role == "weight" else "amount" for role in before]
    found = []
    for i in range(1, len(digits)):
        rate = digits[i:]
        if not patterns.compiled(spec["rate"]).fullmatch(rate) \
                or not spec["min_rate"] <= Decimal(rate) <= spec["max_rate"]:
            continue
        for pieces in _cuts(digits[:i], shapes, spec):
            cells = dict(zip(before, pieces))
            if _agrees(cells["budget"], cells["actual"], rate, Decimal(str(spec["max_spread"]))):
                found.append({**cells, "rate": rate + "%"})
                if len(found) > 1:
                    return None
    return found[0] if found else None


def _kind(label: str, spec: dict) -> Optional[str]:
    label = label.replace(" ", "")
    if label.endswith(tuple(spec["total_rows"])):
        return "total"
    if label.endswith(tuple(spec["part_rows"])):
        return "part"
    return None


def fused_fund_tables(doc: Document) -> list[ProjectTable]:
    """A table of funds rows for each text that holds fused funds rows under a header naming 预算数, 执行数 and 执行率."""
    spec = _spec()
    row_pattern = patterns.compiled(spec["row"])
    out = []
    before = ""
    for text, location in _texts(doc):
        table: Optional[ProjectTable] = None
        for m in row_pattern.finditer(text):
            kind = _kind(m.group("label"), spec)
            if kind is None:
                continue
            window = (before + text[:m.start()])[-spec["header_window"]:]
            roles = header_roles(window, spec)
            if "initial" in roles or not {"budget", "actual", "rate"} <= set(roles):
                continue
            at = roles.index("rate")
            if roles[:at] not in (["budget", "actual"], ["budget", "actual", "weight"]):
                continue
            cells = split_run(m.group("run"), roles[:at], spec)
            if cells is None:
                continue
            after = roles[at + 1:]
            if m.group("tail") and len(after) == 1:
                cells[after[0]] = m.group("tail")
            label = m.group("label").replace(" ", "").lstrip(":：")
            values = {role: Value(t, parse_cell(t), location, f"{label} | {t}") for role, t in cells.items()}
            weight = HEADER_WEIGHT.search(window.replace(" ", ""))
            if "weight" not in values and weight is not None:
                values["weight"] = Value(weight.group(1), parse_cell(weight.group(1)), location, weight.group())
            if table is None:
                unit = next((u for w, u in spec["units"].items() if w in window), None)
                table = ProjectTable(table=None, unit=unit, first=location, fused=True)
                out.append(table)
            table.funds.append(FundRow(label, kind, values))
        before = (before + text)[-spec["header_window"]:]
    return out
