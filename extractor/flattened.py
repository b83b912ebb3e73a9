"""项目支出绩效自评表 whose grid was lost: each row's cells run on one line separated by spaces, or a '|' table whose
merged cells were dropped so its rows no longer line up. The national template's columns are known, so each row's
values are put back in their cells from its label and the kinds of its values (patterns/project_tables.yaml,
flattened). Only rows read with certainty are kept; a table whose indicator rows were not all read keeps no total, so
no sum is checked over rows that may be missing.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Optional

import patterns
from extractor.figures import parse_cell
from extractor.model import Document, Location, Paragraph, Table
from extractor.normalize import compact
from extractor.project_table import (FundRow, IndicatorRow, ProjectTable, Value, bracket_weight, plain_number,
                                     rate_agrees, total_label)

FUND_ROLES = ("initial", "budget", "actual", "weight", "rate", "score")
BLANKS = ("—", "-", "/", "－")
UNIT_WORDS = ("万元", "元", "亿元", "%", "％", "分")


@dataclass
class Token:
    """One cell's text of a row, with where it is."""

    text: str
    location: Location


@dataclass
class Line:
    """A logical row: a text line split at spaces, or the filled cells of a table row."""

    tokens: list[Token]
    quote: str
    cells: bool

    @cached_property
    def raw(self) -> str:
        return "".join(t.text for t in self.tokens)

    @cached_property
    def compact(self) -> str:
        return compact(self.raw)


def _lines(doc: Document) -> list[Line]:
    out = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            loc = block.location()
            words: list[str] = []
            for w in block.text.split():
                if words and w in UNIT_WORDS and parse_cell(words[-1]) is not None:
                    words[-1] += w
                else:
                    words.append(w)
            out.append(Line([Token(w, loc) for w in words], block.text.strip()[:80], False))
        elif isinstance(block, Table):
            for row in block.rows:
                filled = [c for c in row if not c.covered and c.text.strip()]
                out.append(Line([Token(c.text.strip(), block.cell_location(c)) for c in filled],
                                " | ".join(c.text.strip() for c in filled)[:80], True))
    return out


def _spec() -> dict:
    return patterns.load("project_tables")["flattened"]


def _fund_columns(text: str, spec: dict) -> Optional[list[str]]:
    """The funds header's roles in their printed order, when the (compacted) text holds all of them, or all but
    年初预算数 and 分值 (预算数(A) 执行数(B) 执行率(B/A) 得分(20分*执行率): a bare 预算数 and 执行数 are then the budget
    and the actual (bare_header), and the 分值 stands in the header's brackets)."""
    header = spec["fund_header"]
    if not any(w in text for w in header["rate"]) or not any(w in text for w in header["score"]):
        return None
    found = []
    for role in FUND_ROLES:
        at = min((text.find(w) for w in header[role] if w in text), default=-1)
        if at >= 0:
            found.append((at, role))
    roles = {role for _, role in found}
    if roles == set(FUND_ROLES):
        return [role for _, role in sorted(found)]
    if roles & {"initial", "weight"} or not {"rate", "score"} <= roles:
        return None
    for role, words in spec["bare_header"].items():
        if role not in roles:
            at = min((text.find(w) for w in words if w in text), default=-1)
            if at < 0:
                return None
            found.append((at, role))
    return [role for _, role in sorted(found)]


def _fund_label(text: str, spec: dict) -> bool:
    """Whether a label opens a funds row: the total (total_label) or a source."""
    return total_label(text, spec["fund_total"]) or any(compact(text).endswith(w) for w in spec["fund_parts"])


def _is_value(text: str) -> bool:
    return text in BLANKS or parse_cell(text) is not None


def _kind_fits(role: str, text: str) -> bool:
    if text in BLANKS:
        return True
    fig = parse_cell(text)
    if fig is None:
        return False
    if role == "rate":
        return fig.kind == "rate" or (fig.kind == "number" and fig.value <= 1 and "." in fig.raw)
    return fig.kind in ("number", "amount", "score")


def _fund_row(line: Line, columns: list[str], spec: dict) -> Optional[FundRow]:
    """A funds row (年度资金总额 29 29 27.8 9 0.958 8): its label, then values filling the columns left to right, each of
    a kind its column holds; None when the line is not such a row or its values do not fit."""
    tokens = list(line.tokens)
    while tokens and compact(tokens[0].text) in spec["fund_prefixes"]:
        tokens.pop(0)
    if not tokens:
        return None
    label = compact(tokens[0].text)
    kind = ("total" if total_label(label, spec["fund_total"]) else
            "part" if any(label.endswith(w) for w in spec["fund_parts"]) else None)
    label = label.rstrip(":：")
    values = tokens[1:]
    if values and not all(_is_value(t.text) for t in values):
        lead = _leading_values(values)
        if len(lead) == len(columns):
            values = lead
    if kind is None or not values or not all(_is_value(t.text) for t in values) or len(values) > len(columns):
        return None
    cells = {}
    shift = _shift(values, columns)
    for role, token in zip(columns[shift:], values):
        if not _kind_fits(role, token.text):
            return None
        fig = parse_cell(token.text) if token.text not in BLANKS else None
        if role == "rate" and fig is not None and fig.kind == "number":
            fig = replace(fig, value=fig.value * 100, decimals=max(fig.decimals - 2, 0), unit="%", kind="rate")
        cells[role] = Value(token.text, fig, token.location, f"{label} | {token.text}")
    if shift and not _rate_agrees(cells):
        return None
    return FundRow(label, kind, cells)


def _rate_agrees(cells: dict[str, Value]) -> bool:
    """Whether a row placed by its % value holds a 执行率 that its 执行数 ÷ 预算数 gives: which leading cell was left
    blank (年初预算数 or 全年预算数) is otherwise unknown, so a placement the figures contradict is not read."""
    rate, budget, actual = (cells.get(k) for k in ("rate", "budget", "actual"))
    if any(v is None or v.figure is None for v in (rate, budget, actual)):
        return False
    return rate_agrees(actual.figure, budget.figure, rate.figure)


def _leading_values(tokens: list[Token]) -> list[Token]:
    """The run of values a row opens with: in a table copied one cell a line, the cells after a full funds row
    (年度资金总额 4753.66万元 … 10 100% 10, then 按收入性质分:) belong to the lines below it; on a line of spaces, the
    text after a full row is its 原因 column (总额 0.00 3.36 3.36 100.00% 10 10 1.预算执行率=…)."""
    lead = []
    for t in tokens:
        if not _is_value(t.text):
            break
        lead.append(t)
    return lead


def _shift(values: list[Token], columns: list[str]) -> int:
    """How many leading columns a funds row with fewer values than columns left blank and dropped (年度资金总额 | 32.4 |
    31.69 | 10 | 97.80% | 9 under 年初预算数 … 得分): its one value printed with % sits under 执行率; 0 when that does not
    place it."""
    if len(values) >= len(columns) or "rate" not in columns:
        return 0
    rates = [i for i, t in enumerate(values) if t.text.endswith(("%", "％"))]
    if len(rates) != 1:
        return 0
    shift = columns.index("rate") - rates[0]
    return shift if 0 < shift <= len(columns) - len(values) else 0


def _fund_rows(lines: list[Line], columns: list[str], spec: dict) -> list[FundRow]:
    """The funds rows among the lines before the indicator header; a row label alone on its line takes the values
    on the next line (年度资金总额 | then | 32.4 | 31.69 | 10 | 97.80% | 9 |). A funds row holding more values than
    columns leaves the block unread: the rows read beside it would be some of the sources only."""
    rows = []
    skip = False
    for k, line in enumerate(lines):
        if skip:
            skip = False
            continue
        row = _fund_row(line, columns, spec)
        if row is None and k + 1 < len(lines) and lines[k + 1].tokens \
                and all(_is_value(t.text) for t in lines[k + 1].tokens):
            row = _fund_row(Line(line.tokens + lines[k + 1].tokens, line.quote, line.cells), columns, spec)
            skip = row is not None
        if row is not None:
            rows.append(row)
        elif _overfull(line, columns, spec):
            return []
    return rows


def _overfull(line: Line, columns: list[str], spec: dict) -> bool:
    """Whether a line opens with a funds row's label (年度资金总额, 其中:财政资金 …) and then holds more values than the
    header has columns (其中:财政资金 | 200.00 | 1 | 251.89 | …): a cell of another row ran into it."""
    tokens = [t for t in line.tokens if compact(t.text) not in spec["fund_prefixes"]]
    if not tokens or not _fund_label(tokens[0].text, spec):
        return False
    return len(_leading_values(tokens[1:])) > len(columns)


def _indicator_header(lines: list[Line], start: int, spec: dict) -> Optional[int]:
    """The last line of the indicator header (一级指标 … 分值 得分, on up to three lines) from start on."""
    for i in range(start, min(len(lines), start + spec["header_search"])):
        if "一级指标" in lines[i].compact or "一级" in lines[i].compact:
            joined = ""
            for k in range(i, min(len(lines), i + 3)):
                joined += lines[k].compact
                if any(w in joined for w in spec["fund_header"]["weight"]) and "得分" in joined:
                    return k
    return None


def _pair_last(lines: list[Line], start: int, header: int, spec: dict) -> bool:
    """Whether the indicator header ends its figures with 分值 then 得分, as the national template does: the rows are
    read by their last two figures, which a header with columns between the two (分值 指标性质 指标值 度量单位 实际完成值
    得分) does not allow."""
    first = max((k for k in range(start, header + 1) if "一级" in lines[k].compact), default=header)
    text = "".join(lines[k].compact for k in range(first, header + 1))
    return any(w in text for w in spec["weight_then_score"])


def _indicator(line: Line, level1: str, spec: dict) -> Optional[tuple[IndicatorRow, str]]:
    """An indicator row (质量指标 指标1:验收通过率 100% 95% 6 5): levels, name, target and actual, then 分值 and 得分
    as its last two values, words after them (the 偏差原因 cell) left out; None when no two plain numbers end its
    figures."""
    tokens = list(line.tokens)
    pair = max((k for k in range(1, len(tokens))
                if plain_number(tokens[k].text) and plain_number(tokens[k - 1].text)), default=-1)
    if pair >= 2 and pair + 1 < len(tokens) and not any(_is_value(t.text) for t in tokens[pair + 1:]):
        tokens = tokens[:pair + 1]
    if len(tokens) < 3 or not plain_number(tokens[-1].text) or not plain_number(tokens[-2].text):
        return None
    run = 0
    while run < len(tokens) and plain_number(tokens[-1 - run].text):
        run += 1
    if run > spec["max_number_run"]:
        return None
    while tokens and compact(tokens[0].text) in spec["levels"]:
        if compact(tokens[0].text) in spec["level1"]:
            level1 = compact(tokens[0].text)
        tokens.pop(0)
    if len(tokens) < 3:
        return None
    weight, score = tokens[-2], tokens[-1]
    middle = tokens[:-2]
    name = compact(middle[0].text) if middle else ""
    if not name or name in spec["total_rows"] or _is_value(middle[0].text) \
            or not patterns.compiled(spec["name_start"]).match(name) \
            or sum(1 for t in tokens if patterns.compiled(spec["indicator_mark"]).search(t.text)) > 1:
        return None
    cells = {"weight": Value(weight.text, parse_cell(weight.text), weight.location, f"{name} | {weight.text}"),
             "score": Value(score.text, parse_cell(score.text), score.location, f"{name} | {score.text}")}
    if len(middle) == 3:
        for role, token in (("target", middle[1]), ("actual", middle[2])):
            cells[role] = Value(token.text, parse_cell(token.text), token.location, f"{name} | {token.text}")
    return IndicatorRow(name, level1, cells), level1


def _total(line: Line, spec: dict) -> Optional[dict[str, Value]]:
    """The total row (总分 100 99.78): its label, then 分值 and 得分; words after them (a note run on into the row) are
    left out."""
    tokens = line.tokens
    if not tokens or compact(tokens[0].text) not in spec["total_rows"]:
        return None
    if len(tokens) > 3 and not any(_is_value(t.text) for t in tokens[3:]):
        tokens = tokens[:3]
    numbers = [t for t in tokens[1:] if plain_number(t.text)]
    if len(numbers) != 2 or len(tokens) != 3:
        return None
    label = compact(tokens[0].text)
    return {role: Value(t.text, parse_cell(t.text), t.location, f"{label} | {t.text}")
            for role, t in zip(("weight", "score"), numbers)}


def _read(lines: list[Line], at: int, columns: list[str], spec: dict) -> Optional[ProjectTable]:
    pt = ProjectTable(table=None, unit=None, first=lines[at].tokens[0].location if lines[at].tokens else None)
    i = at + 1
    header = _indicator_header(lines, i, spec)
    stop = header if header is not None else min(len(lines), i + spec["header_search"])
    pt.funds.extend(_fund_rows(lines[i:stop], columns, spec))
    if header is None or not _pair_last(lines, i, header, spec):
        return pt if pt.fund_total is not None else None
    level1 = ""
    complete = True
    pending = None
    end = len(lines)
    for k, line in enumerate(lines[header + 1:], header + 1):
        if not line.tokens:
            continue
        total = _total(line, spec)
        if total is not None:
            if complete and pending is None:
                pt.total = total
            end = k + 1
            break
        if any(line.compact.startswith(w) for w in spec["stop_rows"]):
            end = k
            break
        if pending is not None and len(line.tokens) == 2:
            line = Line(pending.tokens + line.tokens, pending.quote, pending.cells)
            pending = None
        found = _indicator(line, level1, spec)
        if found is None:
            if pending is not None:
                complete = False
            pending = line
            continue
        if pending is not None:
            complete = False
            pending = None
        row, level1 = found
        pt.indicators.append(row)
    if pending is not None:
        complete = False
    if not complete:
        pt.total = {}
    if len(pt.indicators) < spec["min_indicators"] and pt.fund_total is None:
        return None
    _after(pt, lines[end:end + spec["notes_lines"]], spec)
    return pt


def _after(pt: ProjectTable, lines: list[Line], spec: dict) -> None:
    """The grade row under the table (自评等级 优) and the lines that follow it, kept as the table's notes (they state
    the scoring rules: 未达到的按实际完成值与指标值之比计分, the grade bands)."""
    grades = patterns.load("project_tables")["grade_rows"]
    for line in lines:
        if not line.tokens:
            continue
        head = compact(line.tokens[0].text)
        word = next((w for w in grades if head.startswith(w)), None)
        if word is not None and pt.grade is None:
            rest = head[len(word):].lstrip("：:") or (compact(line.tokens[1].text) if len(line.tokens) > 1 else "")
            if rest:
                pt.grade = Value(rest, None, line.tokens[0].location, line.quote)
        pt.notes.append(line.compact)


def _header_end(lines: list[Line], at: int, spec: dict) -> Optional[tuple[int, list[str]]]:
    """Where a funds header that starts at line at ends, with its roles in order: on one line, or (one cell per line)
    over up to header_lines lines."""
    text = ""
    for k in range(at, min(len(lines), at + spec["header_lines"])):
        text += lines[k].compact
        if "得分" not in text:
            continue
        columns = _fund_columns(text, spec)
        if columns is not None:
            return k, columns
    return None


def _header_weight(lines: list[Line]) -> Optional[Value]:
    """The funds block's 分值 printed in its header's brackets instead of a column (预算执行情况(万元)(20分))."""
    return next((v for line in lines for token in line.tokens
                 if (v := bracket_weight(compact(token.text), token.location)) is not None), None)


def _one_cell_per_line(lines: list[Line], spec: dict) -> bool:
    filled = [line for line in lines[:spec["stream_sample"]] if line.tokens]
    return bool(filled) and sum(len(line.tokens) == 1 for line in filled) >= spec["stream_share"] * len(filled)


def _row_start(text: str, spec: dict) -> bool:
    t = compact(text)
    return (t in spec["levels"] or patterns.compiled(spec["indicator_name"]).match(t) is not None or t in spec["total_rows"]
            or t.startswith("一级") or _fund_label(t, spec)
            or any(t.startswith(w) for w in spec["stop_rows"]))


def _rows_of_cells(lines: list[Line], spec: dict) -> list[Line]:
    """Rows of a table printed one cell per line: a row starts at a row label (a funds row, a level word, 指标N, a
    total), unless it follows a level word (产出指标 | 数量指标 | 指标1… is one row)."""
    rows: list[list[Token]] = []
    previous_level = False
    for line in lines:
        for token in line.tokens:
            start = _row_start(token.text, spec)
            if not rows or (start and not previous_level):
                rows.append([])
            rows[-1].append(token)
            previous_level = compact(token.text) in spec["levels"]
    return [Line(tokens, " | ".join(t.text for t in tokens)[:80], True) for tokens in rows]


def _opens_outside(blocks: list, covered: set[int], unread: frozenset[int], start) -> bool:
    """Whether a line of a block outside covered and unread could open a funds header (the test the reading loop makes
    of each line's text)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            raws = ["".join(block.text.split())]
        elif block.index in covered or block.index in unread:
            continue
        else:
            raws = ["".join(t for c in row if not c.covered and (t := c.text.strip())) for row in block.rows]
        if any(start.search(raw) and start.search(compact(raw)) for raw in raws):
            return True
    return False


def flattened_project_tables(doc: Document, covered: set[int], unread: frozenset[int] = frozenset()) \
        -> list[ProjectTable]:
    """The 项目支出绩效自评表 of the document whose grid was lost, read back by the template; tables already read as
    one (their indexes in covered) are left alone. A table that opens in a table of unread (one whose grid reading is
    kept whatever this one finds) is not read: it takes its lines, but gives no table."""
    spec = _spec()
    start = patterns.compiled(spec["fund_header_start"])
    texts = [b.text if isinstance(b, Paragraph) else "" if b.index in covered else "".join(c.text for row in b.rows for c in row)
             for b in doc.blocks]
    first = next((i for i, t in enumerate(texts) if start.search(t)
                  and all(w in "".join(texts[i:i + spec["header_lines"]]) for w in spec["header_near"])), None)
    if first is None or (unread and not _opens_outside(doc.blocks[first:], covered, unread, start)):
        return []
    lines = _lines(Document(path=doc.path, format=doc.format, blocks=doc.blocks[first:]))
    out = []
    at = 0
    while at < len(lines):
        line = lines[at]
        if not start.search(line.raw) \
                or any(t.location.table in covered for t in line.tokens if t.location.table is not None) \
                or not start.search(line.compact):
            at += 1
            continue
        found = _header_end(lines, at, spec)
        if found is None:
            at += 1
            continue
        end, columns = found
        if line.tokens[0].location.table in unread:
            at = end + 1
            continue
        rest = lines[end + 1:]
        rows = [piece for row in _rows_of_cells(rest, spec) for piece in _split_runs(row, spec)] \
            if _one_cell_per_line(rest, spec) else rest
        table = _read([lines[at]] + rows, 0, columns, spec)
        if table is not None:
            if "weight" not in columns and table.fund_total is not None:
                weight = _header_weight(lines[at:end + 1])
                if weight is not None:
                    table.fund_total.cells["weight"] = weight
            out.append(table)
        at = end + 1
    return out


def _unit_then_pair(tokens: list[Token], units: set[str]) -> bool:
    """Whether the cells are a 计量单位 cell and two figures (次 | 8 | 8)."""
    return len(tokens) == 3 and compact(tokens[0].text) in units and all(plain_number(t.text) for t in tokens[1:])


def _split_runs(row: Line, spec: dict) -> list[Line]:
    """A row of cells copied one a line that runs over several indicators (产出指标 (50) 数量 指标 造林面积 1.2万亩 1.2万亩
    10 10 病虫害防治面积 3.45万亩 3.45万亩 7 7 …), cut after each 分值 and 得分: a level word split over two lines is
    joined, a level's own weight (50) and filler cells (……) are left out, a piece of words only is the reason cell of
    the row before and stays with it, and a piece with one cell too many before its name took the reason cell of the
    row before, which is dropped; two figures before a 计量单位 cell and two more (大于等于 | 1 | 1 | 次 | 8 | 8) are the
    target and actual of one row, not a row's 分值 and 得分. A row with one indicator, and a funds row, are left as
    they are."""
    levels = spec["levels"]
    head = compact(row.tokens[0].text) if row.tokens else ""
    if _fund_label(head, spec) or head in spec["fund_prefixes"]:
        return [row]
    tokens: list[Token] = []
    for t in row.tokens:
        text = compact(t.text)
        if tokens and compact(tokens[-1].text) + text in levels and compact(tokens[-1].text) not in levels:
            tokens[-1] = Token(tokens[-1].text + t.text, tokens[-1].location)
        elif text in spec["fillers"] or (tokens and compact(tokens[-1].text) in levels
                                          and patterns.compiled(spec["level_weight"]).fullmatch(text)):
            continue
        else:
            tokens.append(t)
    units = set(spec["unit_cells"])
    pieces: list[list[Token]] = [[]]
    for i, t in enumerate(tokens):
        pieces[-1].append(t)
        if len(pieces[-1]) >= 2 and plain_number(t.text) and plain_number(pieces[-1][-2].text) \
                and (i + 1 == len(tokens) or not plain_number(tokens[i + 1].text)) \
                and not _unit_then_pair(tokens[i + 1:i + 4], units):
            pieces.append([])
    merged: list[list[Token]] = []
    for piece in (p for p in pieces if p):
        if merged and not any(_is_value(t.text) for t in piece):
            merged[-1] += piece
        else:
            merged.append(piece)
    pieces = merged
    if len(pieces) < 2:
        return [row]
    out = []
    for piece in pieces:
        pair = max((k for k in range(1, len(piece)) if plain_number(piece[k].text)
                    and plain_number(piece[k - 1].text)), default=len(piece) - 1)
        names = [k for k, t in enumerate(piece[:pair - 1]) if compact(t.text) not in levels]
        if len(names) == 4:
            piece = piece[:names[0]] + piece[names[0] + 1:]
        out.append(Line(piece, " | ".join(t.text for t in piece)[:80], True))
    return out
