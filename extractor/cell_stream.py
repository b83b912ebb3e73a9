"""A scoring table copied one cell per line: each cell on its own line, a lone '|' line closing it, a '|' after a '|'
an empty cell (a '|' table whose rows hold one cell, or text lines between '|' lines). Its header names the level
columns (一级指标 二级指标 三级指标), then 分值 and the score (评分/得分); each row is
[序号] [the last levels' labels] 评分标准 分值 得分 …, cut at its 评分标准 cell. Rows are kept only while every cell is
where the layout puts it (序号 in sequence, plain numbers after the 评分标准); the reading stops at the first row
that is not (patterns/weight_trees.yaml, stream). Also the 湖南 评价指标表 whose cells run together (fused), a 评分表
run together with each weight in its indicator's label (labelled), and the funds block of a 项目支出绩效自评表 copied
one cell per line with its blanks kept (template_funds).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

import patterns
from extractor.figures import Figure, parse_cell
from extractor.model import Cell, Document, Location, Paragraph, Table
from extractor.normalize import compact
from extractor.project_table import ANNOTATION, FundRow, ProjectTable, Value, columns_of


@dataclass
class StreamCell:
    text: str
    location: Location


@dataclass
class StreamRow:
    """One indicator row: its labels (the last levels), 评分标准, 分值 and 得分."""

    labels: list[StreamCell]
    rule: StreamCell
    weight: tuple[Figure, StreamCell]
    score: Optional[tuple[Figure, StreamCell]]


@dataclass
class StreamTable:
    """The rows read back; complete when a total or stop row ended them, else closed is the shallowest level whose
    groups are known to end where the reading stopped (0: none); partial when an indicator may be unseen (its label
    printing no weight), so that only a group its rows add up to can be judged."""

    levels: int
    rows: list[StreamRow]
    complete: bool
    layout: str = "逐格分行"
    closed: int = 0
    partial: bool = False

    @property
    def where(self) -> str:
        return f"{self.rows[0].weight[1].location.describe()}起的评分表（{self.layout}，按版式还原）"


class CellTable(Table):
    """A table rebuilt from a cell stream; each cell keeps the location of the line it came from."""

    def __init__(self, index: int, rows: list[list[Cell]], where: dict[int, Location]):
        super().__init__(index=index, rows=rows)
        self.where = where

    def cell_location(self, cell: Cell) -> Location:
        return self.where.get(id(cell)) or super().cell_location(cell)


def _spec() -> dict:
    return patterns.load("weight_trees")["stream"]


def stream_cells(doc: Document) -> list[StreamCell]:
    """The document's cells when it is copied one cell per line (empty when it is not)."""
    tokens: list[Optional[StreamCell]] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            tokens.append(StreamCell(block.text.strip(), block.location()))
            continue
        for row in block.rows:
            filled = [c for c in row if c.text.strip()]
            if len(filled) > 1:
                return []
            if filled:
                tokens.append(StreamCell(filled[0].text.strip(), block.cell_location(filled[0])))
            tokens.append(None)
    cells, previous = [], None
    for token in tokens:
        if token is not None:
            cells.append(token)
        elif previous is None:
            cells.append(StreamCell("", Location()))
        previous = token
    separators = sum(1 for t in tokens if t is None)
    return cells if separators >= _spec()["min_separators"] else []


def _number(text: str) -> Optional[Figure]:
    fig = parse_cell(text) if text.strip() else None
    return fig if fig is not None and fig.kind in ("number", "score") else None


def _header(cells: list[StreamCell], spec: dict) -> Optional[tuple[int, int]]:
    """Where the level header starts and how many levels it names."""
    level = patterns.compiled(patterns.load("weight_trees")["level_header"])
    for i in range(len(cells)):
        k = 0
        while i + k < len(cells) and (m := level.match(compact(cells[i + k].text))) and "一二三四".index(
                m.group("level")) == k:
            k += 1
        if k >= 2:
            return i, k
    return None


def stream_table(doc: Document) -> Optional[StreamTable]:
    """The scoring table of a document copied one cell per line, or None."""
    cells = stream_cells(doc)
    if not cells:
        return None
    spec = _spec()
    found = _header(cells, spec)
    if found is None:
        return None
    start, k = found
    head = "".join(compact(c.text) for c in cells[start:start + spec["header_cells"]])
    before = [compact(c.text) for c in cells[max(0, start - 2):start]]
    if not all(patterns.compiled(w).search(head) for w in spec["header_words"]) or not any(
            patterns.compiled(spec["serial"]).match(t) for t in before):
        return None
    rule = patterns.compiled(spec["rule_cell"])
    i = start + k
    while i < len(cells) and compact(cells[i].text) != "1":
        i += 1
    rows: list[StreamRow] = []
    serial = 0
    complete = False
    while i < len(cells):
        t = compact(cells[i].text)
        if not t:
            i += 1
            continue
        if patterns.compiled(spec["end_rows"]).match(t):
            complete = True
            break
        labels = []
        if t.isdigit():
            if int(t) != serial + 1:
                break
            serial += 1
            i += 1
        while i < len(cells) and compact(cells[i].text) and not rule.search(compact(cells[i].text)) \
                and _number(cells[i].text) is None and len(labels) <= k:
            labels.append(cells[i])
            i += 1
        if len(labels) > k or i >= len(cells) or not rule.search(compact(cells[i].text)):
            break
        rule_cell = cells[i]
        if i + 1 >= len(cells) or _number(cells[i + 1].text) is None:
            break
        weight = (_number(cells[i + 1].text), cells[i + 1])
        score_cell = cells[i + 2] if i + 2 < len(cells) else None
        score = (_number(score_cell.text), score_cell) if score_cell is not None and _number(score_cell.text) else None
        if score_cell is not None and compact(score_cell.text) and score is None:
            break
        if not labels and not rows:
            break
        rows.append(StreamRow(labels, rule_cell, weight, score))
        i += 3
    return StreamTable(k, rows, complete) if rows else None


def as_table(st: StreamTable, index: int) -> CellTable:
    """The rows as a text table for the weight-tree reader: a header of the levels, 分值 and 得分, then each row's
    labels (right-aligned by the reader), its 分值 and 得分."""
    where: dict[int, Location] = {}
    names = ["一级指标", "二级指标", "三级指标", "四级指标"][:st.levels] + ["分值", "得分"]
    rows = [[Cell(n, 0, c) for c, n in enumerate(names)]]
    end = [[Cell("评价结论", len(st.rows) + 1, 0)]] if st.complete else []
    for r, row in enumerate(st.rows, start=1):
        out = []
        for c, sc in enumerate(row.labels + [row.weight[1]] + ([row.score[1]] if row.score else [])):
            cell = Cell(sc.text, r, c)
            where[id(cell)] = sc.location
            out.append(cell)
        rows.append(out)
    return CellTable(index, rows + end, where)


def template_table(doc: Document, index: int) -> Optional[CellTable]:
    """A 项目支出绩效自评表 copied one cell per line with its blank cells kept, cut into rows from its first weighted
    header on (预算执行情况(10分), 绩效指标(90分)), or from a funds caption without a weight followed by its value
    headers (资金情况(万元) | 全年预算数(A) | …, the 转移支付 form); None when the document holds none."""
    from extractor.weight_tree import label_weight
    cells = stream_cells(doc)
    if not cells:
        return None
    spec = patterns.load("weight_trees")
    weight_header = patterns.compiled(spec["weight_header"])
    first = next((i for i, c in enumerate(cells) if label_weight(c.text, spec)[1] is not None
                  and any(weight_header.match(compact(d.text)) for d in cells[i + 1:i + spec["stream"]["header_cells"]])
                  or _funds_caption(cells, i, spec)), None)
    if first is None:
        return None
    levels = set(patterns.load("project_tables")["flattened"]["levels"])
    starts = [patterns.compiled(spec["stream"]["row_start"]), patterns.compiled(spec["total_rows"]),
              patterns.compiled(spec["stop_rows"])]
    rows: list[list[StreamCell]] = []
    previous = ""
    for cell in cells[first:]:
        t = compact(cell.text)
        if not rows or label_weight(cell.text, spec)[1] is not None or (t in levels and previous not in levels) \
                or any(p.match(t) for p in starts) or _caption(cell.text, spec):
            rows.append([])
        rows[-1].append(cell)
        previous = t
    where: dict[int, Location] = {}
    out = []
    for r, row in enumerate(rows):
        cut = list(row)
        while cut and not compact(cut[-1].text):
            cut.pop()
        made = []
        for c, sc in enumerate(cut):
            cell = Cell(sc.text, r, c)
            where[id(cell)] = sc.location
            made.append(cell)
        out.append(made)
    return CellTable(index, out, where)


def _caption(text: str, spec: dict) -> bool:
    """Whether a cell captions a funds block with no weight (资金情况(万元), 项目资金)."""
    return patterns.compiled(spec["stream"]["fund_caption"]).match(compact(text)) is not None


def _funds_caption(cells: list[StreamCell], i: int, spec: dict) -> bool:
    """Whether cell i is such a caption with a fund value header (全年预算数(A)) within header_cells after it."""
    return _caption(cells[i].text, spec) \
        and any(_value_header(d.text, spec) for d in cells[i + 1:i + spec["stream"]["header_cells"]])


def _value_header(text: str, spec: dict) -> bool:
    """Whether a header cell names a funds value column (全年预算数, 全年执行数(B)), its note in brackets aside."""
    return patterns.compiled(spec["fund_value_header"]).match(ANNOTATION.sub("", compact(text))) is not None


def _fused_text(doc: Document, header: str) -> Optional[tuple[str, list[tuple[int, Location]], int]]:
    """The compacted text of the paragraphs from the one that completes the header on, with where each paragraph's
    text starts, and the offset after the header."""
    text, starts = "", []
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            continue
        starts.append((len(text), block.location()))
        text += compact(block.text)
    m = patterns.compiled(header).search(text)
    if m is None:
        return None
    return text, starts, m.end()


def _located(starts: list[tuple[int, Location]], at: int) -> Location:
    return next((loc for start, loc in reversed(starts) if start <= at), Location())


def _name(spec: dict) -> str:
    return f"(?:(?!{spec['name_excludes']}){spec['name_char']}){{2,20}}"


def _pairs(text: str, at: int, spec: dict) -> list[tuple[str, Figure, int, int]]:
    """The name–weight pairs from at on: (name, weight, start, end), each weight no larger than the one before."""
    pair = patterns.compiled(f"(?P<name>{_name(spec)}?){spec['weight']}")
    out = []
    while len(out) < 3:
        m = pair.match(text, at)
        if m is None:
            break
        fig = parse_cell(m.group("w"))
        if fig is None or (out and fig.value > out[-1][1].value):
            break
        out.append((m.group("name"), fig, m.start(), m.end()))
        at = m.end()
    return out


def fused_table(doc: Document) -> Optional[StreamTable]:
    """The 湖南 整体支出 评价指标表 whose cells were run together, read back row by row while every row is
    unambiguous (patterns/weight_trees.yaml, fused)."""
    spec = patterns.load("weight_trees")["fused"]
    found = _fused_text(doc, spec["header"])
    if found is None:
        return None
    text, starts, at = found
    score_re, ambiguous = patterns.compiled(spec["score"]), patterns.compiled(_name(spec) + spec["weight_start"])

    def cell(s: str, start: int) -> StreamCell:
        return StreamCell(s, _located(starts, start))

    rows: list[StreamRow] = []
    closed = 0
    pairs = _pairs(text, at, spec)
    while pairs:
        end = pairs[-1][3]
        if ambiguous.match(text, end):
            closed = 2 if rows and len(pairs) == 2 else 0
            break
        labels = [cell(f"{n}({w.raw}分)", s) for n, w, s, _ in pairs[:-1]] + [cell(pairs[-1][0], pairs[-1][2])]
        name, weight, start, _ = pairs[-1]
        nxt = None
        for m in score_re.finditer(text, end):
            if ambiguous.match(text, m.end()):
                following = _pairs(text, m.end(), spec)
                nxt = (m, following) if following else None
                break
        rule = cell(text[end:(nxt[0].start() if nxt else len(text))][:80], end)
        score = None
        if nxt is not None:
            m = nxt[0]
            fig = parse_cell(m.group("s"))
            score = (fig, cell(m.group("s"), m.start())) if fig is not None else None
        rows.append(StreamRow(labels, rule, (weight, cell(weight.raw, start)), score))
        pairs = nxt[1] if nxt is not None else []
    return StreamTable(3, rows, False, "单元格连写", closed) if rows else None


def labelled_table(doc: Document) -> Optional[StreamTable]:
    """A 评分表 whose cells run together with each weight in its indicator's label (目标设定情况(10分)依据的充分性(3分)
    看…), read back by its labels: adjacent labels are one row's leading levels, right-aligned to the levels the first
    row opens (patterns/weight_trees.yaml, labelled)."""
    spec = patterns.load("weight_trees")["labelled"]
    found = _fused_text(doc, spec["header"])
    if found is None:
        return None
    text, starts, at = found
    labels = list(regex.finditer(spec["label"], text, pos=at))
    ends = {m.end() for m in labels}
    stop = next((b.start() for b in regex.finditer(spec["bare"], text, pos=at) if b.end() not in ends), len(text))
    first_name = ""
    if labels:
        first_name = regex.split(spec["captions"], labels[0].group("name"))[-1]
        if len(first_name) < 2:
            return None
    groups: list[list[regex.Match]] = []
    for m in labels:
        if m.end() > stop:
            break
        if groups and groups[-1][-1].end() == m.start():
            groups[-1].append(m)
        else:
            groups.append([m])
    if not groups or not 2 <= len(groups[0]) <= spec["max_levels"]:
        return None
    levels = len(groups[0])

    def cell(m: regex.Match, weighted: bool) -> StreamCell:
        name = first_name if m is labels[0] else m.group("name")
        if name.startswith("分") and m.start() > 0 and text[m.start() - 1].isdigit():
            name = name[1:]
        return StreamCell(f"{name}({m.group('w')}分)" if weighted else name, _located(starts, m.start()))

    rows: list[StreamRow] = []
    for group in groups:
        weights = [int(m.group("w")) for m in group]
        if len(group) > levels or any(b > a for a, b in zip(weights, weights[1:])):
            break
        last = group[-1]
        weight = StreamCell(last.group("w"), _located(starts, last.start("w")))
        rows.append(StreamRow([cell(m, True) for m in group[:-1]] + [cell(last, False)],
                              StreamCell("", _located(starts, last.end())), (parse_cell(weight.text), weight), None))
    return StreamTable(levels, rows, False, "分值在指标名称中", partial=True) if rows else None


def template_funds(table: CellTable) -> Optional[ProjectTable]:
    """The funds block of a 项目支出绩效自评表 rebuilt by template_table: its header opened by a weighted label
    (预算执行情况(10分)) or a funds caption (资金情况(万元)) names the columns from its first value column (年初预算 …);
    each funds row (总额, 其中:财政资金 …) omits the header's leading cell, so its values follow its label in the
    header's order. A row wider than the header whose cells under the header are blank ends the block (the cells after
    it belong to what follows); None when a wider row holds values, or a cell does not hold what its column does (a
    rate under 执行率, a plain figure elsewhere)."""
    from extractor.weight_tree import label_weight
    spec = patterns.load("weight_trees")
    columns = patterns.load("project_tables")["funds"]["columns"]
    total, part = regex.compile(spec["fund_total"]), regex.compile(spec["stream"]["row_start"])
    for r, row in enumerate(table.rows):
        if not row or label_weight(row[0].text, spec)[1] is None and not _caption(row[0].text, spec):
            continue
        first = next((c for c, cell in enumerate(row) if _value_header(cell.text, spec)), None)
        if first is None:
            continue
        roles = columns_of(row[first:], columns)
        if not {"budget", "actual"} <= set(roles):
            return None
        out = ProjectTable(table=None, unit=None, first=table.cell_location(row[0]))
        for data in table.rows[r + 1:]:
            label = compact(data[0].text) if data else ""
            kind = "total" if total.match(label) else "part" if part.match(label) else None
            if kind is None:
                break
            width = len(row) - first
            if len(data) - 1 > width:
                if any(compact(c.text) for c in data[1:width + 1]):
                    return None
                out.funds.append(FundRow(label, kind, {}))
                break
            cells = {}
            for role, at in roles.items():
                cell = data[at + 1] if at + 1 < len(data) else None
                text = cell.text.strip() if cell is not None else ""
                if cell is None or text in ("", "—", "-", "/", "－"):
                    continue
                fig = parse_cell(text)
                if fig is None or (fig.kind == "rate") != (role == "rate"):
                    return None
                cells[role] = Value(text, fig, table.cell_location(cell), f"{label} | {text}")
            out.funds.append(FundRow(label, kind, cells))
        return out if out.fund_total is not None else None
    return None

