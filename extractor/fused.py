"""项目支出绩效自评表 whose cells ran together when the page was copied (patterns/project_tables.yaml, fused).

Funds rows: 年度资金总额390390100% is 全年预算数 390, 全年执行数 390, 执行率 100%. The columns come from the funds
header printed before the row, and the run of digits is cut where 执行数 ÷ 预算数 gives the printed 执行率; a row is
read only when exactly one cut does. A source row without a rate (其中：本年财政拨款400.00440.00423.07———) is cut only
where its amounts print the same decimals, which places every cut.
Indicator rows, after a header that ends with 分值 and 得分: each row ends with its 分值 and 得分 run together
(…≥50公里52公里1515), a run of digits that no unit follows, cut into the one pair of a 分值 and a 得分 no larger than it;
the 总分 row likewise. A row whose pair cannot be cut, or can be cut more than one way, leaves the table without its
total.
Every figure of such a table was placed by its shape, so what it adds are the checks between rows and columns (the
total against its sources, the 执行率 score against its 分值, 总分 against the scores, 分值 against the total); its
rates and each 得分 ≤ 分值 agree by construction and are no checks.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Iterator, Optional

import patterns
from extractor.figures import parse_cell
from extractor.model import Document, Location, Paragraph, Table
from extractor.normalize import compact
from extractor.project_table import HEADER_WEIGHT, FundRow, IndicatorRow, ProjectTable, Value, rate_agrees


def _spec() -> dict:
    return patterns.load("project_tables")["fused"]


@dataclass
class _Stream:
    """The texts of a document run together without spaces, with where each text starts."""

    text: str
    starts: list[tuple[int, Location]]

    def location(self, at: int) -> Location:
        k = bisect_right(self.starts, at, key=lambda s: s[0]) - 1
        return self.starts[k][1] if k >= 0 else Location()


def _stream(doc: Document, cue) -> _Stream:
    """Each paragraph's text and each table cell's holding a fused run (a whole table copied into one cell), compacted
    (normalized, without spaces or quote marks), in order."""
    parts, starts, size = [], [], 0
    for block in doc.blocks:
        pieces = []
        if isinstance(block, Paragraph):
            pieces.append((block.text, block.location()))
        elif isinstance(block, Table):
            pieces += [(cell.text, block.cell_location(cell)) for row in block.rows for cell in row
                       if not cell.covered and _holds(cue, cell.text)]
        for piece, location in pieces:
            starts.append((size, location))
            part = compact(piece) + "\n"
            parts.append(part)
            size += len(part)
    return _Stream("".join(parts), starts)


@lru_cache(maxsize=8192)
def _holds(cue, text: str) -> bool:
    """Whether a cell's text holds the cue of a fused run (cells repeat their texts)."""
    return cue.search(text) is not None


def header_roles(window: str, spec: dict) -> list[tuple[int, int, str]]:
    """The funds columns a header names, with where each word starts and ends, in the order it prints them; each
    word found is blanked out so a shorter word (预算数) is not found again inside a longer one (全年预算数)."""
    found: list[tuple[int, int, str]] = []
    for word, role in _header_words(spec):
        at = window.find(word)
        if at < 0:
            continue
        window = window[:at] + "\x00" * len(word) + window[at + len(word):]
        if role not in (r for _, _, r in found):
            found.append((at, at + len(word), role))
    return sorted(found)


_HEADER_WORDS: dict[int, tuple[dict, list[tuple[str, str]]]] = {}


def _header_words(spec: dict) -> list[tuple[str, str]]:
    """A fused spec's header words with their roles, the longest first, sorted once per spec (the loaded patterns
    live as long as the process; the spec is kept so that its id stays its own)."""
    known = _HEADER_WORDS.get(id(spec))
    if known is None or known[0] is not spec:
        words = sorted(((w, role) for role, ws in spec["header"].items() for w in ws), key=lambda p: -len(p[0]))
        if len(_HEADER_WORDS) >= 16:
            _HEADER_WORDS.clear()
        known = _HEADER_WORDS[id(spec)] = (spec, words)
    return known[1]


def _cuts(digits: str, shapes: list[str], spec: dict) -> Iterator[list[str]]:
    """Every way to cut digits into len(shapes) pieces, each of its shape (amount, weight, score)."""
    if len(shapes) == 1:
        if patterns.compiled(spec[shapes[0]]).fullmatch(digits):
            yield [digits]
        return
    for i in range(1, len(digits)):
        head = digits[:i]
        if patterns.compiled(spec[shapes[0]]).fullmatch(head):
            for rest in _cuts(digits[i:], shapes[1:], spec):
                yield [head] + rest


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _same_decimals(cells: dict[str, str], roles: list[str]) -> bool:
    return len({_decimals(cells[r]) for r in roles if r in cells}) == 1


def split_run(run: str, before: list[str], spec: dict) -> Optional[dict[str, str]]:
    """The one reading of a fused run (390390100%) as the columns before 执行率 and 执行率 itself, or None when no cut
    or more than one gives 执行数 ÷ 预算数 = 执行率. With a 年初预算数 column, which agrees with nothing, the amounts
    must print the same decimals, at least one, so that their points place the cuts."""
    digits = run.rstrip("%")
    shapes = ["weight" if role == "weight" else "amount" for role in before]
    amounts = [r for r in before if r != "weight"]
    spread = Decimal(str(spec["max_spread"]))
    found = []
    for i in range(1, len(digits)):
        rate = digits[i:]
        if not patterns.compiled(spec["rate"]).fullmatch(rate) \
                or not spec["min_rate"] <= Decimal(rate) <= spec["max_rate"]:
            continue
        for pieces in _cuts(digits[:i], shapes, spec):
            cells = dict(zip(before, pieces))
            if "initial" in cells and (not _same_decimals(cells, amounts) or "." not in cells["initial"]):
                continue
            figures = [parse_cell(t) for t in (cells["actual"], cells["budget"], rate)]
            if None not in figures and rate_agrees(*figures, spread):
                found.append({**cells, "rate": rate + "%"})
                if len(found) > 1:
                    return None
    return found[0] if found else None


def split_amounts(run: str, roles: list[str], spec: dict) -> Optional[dict[str, str]]:
    """A source row's amounts run together (400.00440.00423.07), cut where each prints the same decimals; None unless
    exactly one cut does."""
    found = [dict(zip(roles, pieces)) for pieces in _cuts(run, ["amount"] * len(roles), spec)
             if len({_decimals(p) for p in pieces}) == 1 and ("." in run or set(run) == {"0"})]
    return found[0] if len(found) == 1 else None


def split_pair(run: str, spec: dict) -> Optional[tuple[str, str]]:
    """A 分值 and its 得分 run together (1515, 109.75): the one cut into a 分值 and a 得分 no larger than it."""
    found = [(w, s) for w, s in _cuts(run, ["weight", "score"], spec) if Decimal(s) <= Decimal(w)]
    return found[0] if len(found) == 1 else None


def _kind(label: str, spec: dict) -> Optional[str]:
    if label.endswith(tuple(spec["total_rows"])):
        return "total"
    if label.endswith(tuple(spec["part_rows"])):
        return "part"
    return None


def _value(text: str, stream: _Stream, at: int, label: str) -> Value:
    return Value(text, parse_cell(text), stream.location(at), f"{label} | {text}")


def _fund_row(m, stream: _Stream, spec: dict, with_rate: bool) -> Optional[tuple[int, FundRow, str]]:
    """A fused funds row at the run m: where its header starts, the row, and the header's text; None when no header
    before it names 预算数, 执行数 and 执行率, its label is no funds row's, or its run cannot be cut one way only."""
    text = stream.text
    lead = patterns.compiled(spec["label"]).search(text, max(0, m.start() - 25), m.start())
    if lead is None or not patterns.compiled(r"\p{Han}").match(lead.group()):
        return None
    if not text[lead.start():m.start("run")].strip(":：").endswith(tuple(spec["total_rows"] + spec["part_rows"])):
        return None
    start = max(0, m.start() - spec["header_window"])
    found = header_roles(text[start:m.start("run")], spec)
    label_start = max([lead.start()] + [start + end for _, end, _ in found])
    label = text[label_start:m.start("run")].strip(":：")
    kind = _kind(label, spec)
    roles = [r for _, _, r in found]
    if kind is None or (not with_rate and kind != "part") or not {"budget", "actual", "rate"} <= set(roles):
        return None
    at = roles.index("rate")
    before = roles[:at]
    if [r for r in before if r != "initial"] not in (["budget", "actual"], ["budget", "actual", "weight"]) \
            or before[:1] not in (["initial"], ["budget"]):
        return None
    amounts = [r for r in before if r != "weight"]
    cells = split_run(m.group("run"), before, spec) if with_rate else split_amounts(m.group("run"), amounts, spec)
    if cells is None:
        return None
    after, tail = roles[at + 1:], m.group("tail") if with_rate else None
    if tail and after == ["weight", "score"]:
        pair = split_pair(tail, spec)
        cells.update(zip(after, pair) if pair is not None else ())
    elif tail and len(after) == 1:
        cells[after[0]] = tail
    values = {role: _value(t, stream, m.start("run"), label) for role, t in cells.items()}
    window = text[start:label_start]
    weight = HEADER_WEIGHT.search(window)
    if kind == "total" and "weight" not in values and weight is not None:
        values["weight"] = Value(weight.group(1), parse_cell(weight.group(1)), stream.location(start), weight.group())
    return start + found[0][0], FundRow(label, kind, values), window


def _fund_tables(stream: _Stream, spec: dict) -> dict[int, ProjectTable]:
    """Tables of fused funds rows, by where their header starts."""
    tables: dict[int, ProjectTable] = {}
    for pattern, with_rate in ((spec["row"], True), (spec["source_row"], False)):
        for m in patterns.compiled(pattern).finditer(stream.text):
            found = _fund_row(m, stream, spec, with_rate)
            if found is None:
                continue
            key, row, window = found
            if key not in tables:
                unit = next((u for w, u in spec["units"].items() if w in window), None)
                tables[key] = ProjectTable(table=None, unit=unit, first=stream.location(key), fused=True)
            tables[key].funds.append(row)
    for pt in tables.values():
        pt.funds.sort(key=lambda f: f.kind != "total")
    return tables


def _name(row: str, spec: dict) -> str:
    """An indicator's name from its row's text: after its level words, up to its first figure."""
    rows = spec["indicators"]
    text = row.strip("\n").split("\n")[-1]
    at = max((text.rfind(w) + len(w) for w in rows["level_words"] + spec["levels"] if w in text), default=0)
    name = patterns.compiled(r"^[^\d≥≤<>=＞＜≧≦]*").match(text[at:]).group()
    return name or text[-40:]


def _passed_over(row: str, total: bool, spec: dict) -> bool:
    """Whether the text since the last pair holds a row whose pair was not seen (its 得分 run into a reason that opens
    with a unit character, 109.50个别站点…): a figure before the 总分 row's label, or, after a figure, a level word or a
    second comparison sign; a level's own weight (产出指标30) is no figure of a row."""
    rows = spec["indicators"]
    levels = "|".join(rows["level_words"])
    row = patterns.compiled(f"({levels})\\d+(?![\\d.%])").sub(r"\1", row)
    first = patterns.compiled(r"\d").search(row)
    if first is None:
        return False
    if total:
        return True
    rest = row[first.start():]
    return any(w in rest for w in rows["level_words"] + spec["levels"]) or \
        sum(rest.count(c) for c in rows["signs"]) + sum(row[:first.start()].count(c) for c in rows["signs"]) > 1


def _indicators(stream: _Stream, start: int, pt: ProjectTable, spec: dict) -> None:
    """The indicator rows and the 总分 row after an indicator header ending at start, into pt."""
    text = stream.text
    rows = spec["indicators"]
    level1 = ""
    complete = True
    at = start
    for m in patterns.compiled(rows["pair"]).finditer(text, start):
        row = text[at:m.start()]
        if any(w in row for w in rows["stop"]):
            break
        if row.endswith(tuple(rows["level_words"] + rows["not_after"])) or m.group().startswith("0") \
                or text[m.end():m.end() + 1] in rows["units"]:
            continue
        pair = split_pair(m.group(), spec)
        total = next((w for w in rows["total"] if row.endswith(w)), None)
        if _passed_over(row, total is not None, spec):
            complete = False
        if total is not None:
            if pair is not None and complete:
                pt.total = {"weight": _value(pair[0], stream, m.start(), total),
                            "score": _value(pair[1], stream, m.start(), total)}
            break
        found = [w for w in rows["level1"] if w in row]
        if found:
            level1 = max(found, key=row.rfind)
        if pair is None:
            complete = False
        else:
            name = _name(row, spec)
            pt.indicators.append(IndicatorRow(name, level1, {"weight": _value(pair[0], stream, m.start(), name),
                                                             "score": _value(pair[1], stream, m.start(), name)}))
        at = m.end()
    if not complete:
        pt.total = {}


def fused_project_tables(doc: Document) -> list[ProjectTable]:
    """The 项目支出绩效自评表 of the document whose cells ran together: funds rows under a header naming 预算数, 执行数
    and 执行率, indicator rows under a header ending with 分值 and 得分 (with the funds header within funds_within
    characters before it, else a table of their own)."""
    spec = _spec()
    raw = "".join(b.text if isinstance(b, Paragraph) else "".join(c.text for row in b.rows for c in row)
                  for b in doc.blocks if isinstance(b, (Paragraph, Table)))
    if not patterns.compiled(spec["cue"]).search(raw):
        return []
    stream = _stream(doc, patterns.compiled(spec["cue"]))
    tables = _fund_tables(stream, spec)
    header = patterns.compiled(spec["indicators"]["header"])
    for m in header.finditer(stream.text):
        owner = max((k for k in tables if m.start() - spec["indicators"]["funds_within"] < k < m.start()), default=None)
        if owner is None:
            tables[m.start()] = ProjectTable(table=None, unit=None, first=stream.location(m.start()), fused=True)
            owner = m.start()
        if tables[owner].indicators:
            continue
        _indicators(stream, m.end(), tables[owner], spec)
        funds = tables[owner].fund_total
        if funds is None or "score" not in funds.cells:
            tables[owner].total = {}
    return [pt for _, pt in sorted(tables.items())
            if pt.fund_total is not None or len(pt.indicators) >= spec["indicators"]["min_rows"]]
