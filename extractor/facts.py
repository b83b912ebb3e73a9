"""Facts: every figure of a document with its concept, stage, period, location and quote.

Running text gives TextFacts grouped by paragraph and sentence; tables give TableViews whose
cells know their row label and column header.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.figures import Figure, parse_cell, parse_figures
from extractor.formulas import StatedFormula, stated_formulas
from extractor.funds_form import FundsForm, funds_form
from extractor.labels import boundaries
from extractor.limits import Deadline
from extractor.project_table import ProjectTable, project_tables
from extractor.scoring_table import ScoringRow, is_scoring_table, scoring_rows, scoring_total
from extractor.weight_tree import WeightTree, weight_tree
from extractor.cell_stream import (StreamTable, as_table, fused_table, labelled_table, stream_table, template_funds,
                                   template_table)
from extractor.model import Cell, Document, Location, Paragraph, Picture, Table
from extractor.normalize import NormalizedText, compact, normalize

SENTENCE_END = "。！？!?"
LEAD_MAX = 1000
CLAUSE_END = "，,；;：:、（）()"
YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
SHORT_SYNONYM = 2
CONNECTORS = regex.compile(r"(为|是|达到|达|共计|共|合计|累计|(?<![总小])计|约|了|的|有|实现|完成|占|分别|已)+$")
DEADLINE_ROWS = 512


@dataclass
class TextFact:
    """A figure in running text."""

    figure: Figure
    label: str
    concept: Optional[str]
    stage: Optional[str]
    period: Optional[int]
    block: int
    sentence: int
    clause: int
    location: Location
    quote: str
    before: str = ""
    after: str = ""


@dataclass
class ParagraphFacts:
    """A paragraph's normalized text and its facts in order."""

    block: int
    paragraph: Paragraph
    norm: NormalizedText
    facts: list[TextFact]
    sentence_spans: list[tuple[int, int]]

    @property
    def closed(self) -> bool:
        return self.norm.text.rstrip().endswith(tuple(SENTENCE_END + "；;"))


@dataclass
class TableCell:
    """A numeric table cell with its row label and column header."""

    figure: Figure
    row: int
    col: int
    location: Location
    quote: str


@dataclass
class TableView:
    """A table read for checking: header rows, column headers, row labels and numeric cells."""

    table: Table
    block: int
    header_rows: int
    headers: list[str]
    row_labels: list[str]
    numbers: dict[tuple[int, int], TableCell] = field(default_factory=dict)
    data_cols: list[int] = field(default_factory=list)
    unit: Optional[str] = None

    def cell(self, r: int, c: int) -> Optional[TableCell]:
        return self.numbers.get((r, c))

    def text(self, r: int, c: int) -> str:
        row = self.table.rows[r]
        return row[c].text.strip() if c < len(row) else ""


@dataclass
class Facts:
    """All facts of one document, its pictures, whose figures could not be read, its OCR pages, the pages
    this tool recognised (see Document) and its tables read back from cells on their own lines."""

    paragraphs: list[ParagraphFacts]
    tables: list[TableView]
    year: Optional[int] = None
    formulas: list[StatedFormula] = field(default_factory=list)
    scoring_rows: list[ScoringRow] = field(default_factory=list)
    project_tables: list[ProjectTable] = field(default_factory=list)
    scoring_totals: dict[int, tuple[Figure, Location]] = field(default_factory=dict)
    pictures: list[Picture] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    statements: list = field(default_factory=list)
    recognized_pages: list[int] = field(default_factory=list)
    cell_tables: list = field(default_factory=list)
    weight_trees: list[WeightTree] = field(default_factory=list)
    stream_table: Optional[StreamTable] = None
    funds_form: Optional[FundsForm] = None
    comparisons: list = field(default_factory=list)
    derived: dict = field(default_factory=dict, repr=False, compare=False)
    """What rules work out from these facts and ask for more than once, by name (scoring.rules.common.derived)."""

    def records(self) -> list[dict]:
        """Every figure as a flat record (value as a string, to keep its Decimal digits) for storage. A text
        figure's record keeps its sentence's normalized text up to the figure as lead (None when longer than
        LEAD_MAX), so checks that need the words before a figure do not parse the paragraph again. ocr is True
        for a figure this tool read by text recognition (a page of recognized_pages)."""
        out = []
        for pf in self.paragraphs:
            for f in pf.facts:
                lead = pf.norm.text[pf.sentence_spans[f.sentence][0]:f.figure.start]
                out.append(_record(f.figure, f.concept, f.stage, f.period, f.location, f.quote, f.label,
                                   lead if len(lead) <= LEAD_MAX else None))
        for view in self.tables:
            for (r, c), cell in sorted(view.numbers.items()):
                header = view.headers[c] if c < len(view.headers) else ""
                label = view.row_labels[r] if r < len(view.row_labels) else ""
                concept = concept_of(label, cell.figure.kind) or concept_of(header, cell.figure.kind)
                out.append(_record(cell.figure, concept, stage_of(header), self.year, cell.location,
                                   cell.quote, f"{label} / {header}"))
        recognized = set(self.recognized_pages)
        for record in out:
            record["ocr"] = record["page"] in recognized
        return out


def stage_of(text: str) -> Optional[str]:
    """The stage (预算, 决算…) the last stage word of a text names, or None."""
    found = _stage_markers(text)
    return found[-1][1] if found else None


def _record(fig: Figure, concept, stage, period, location: Location, quote: str, label: str,
            lead: Optional[str] = None) -> dict:
    return {"concept": concept, "stage": stage, "period": period, "value": str(fig.value),
            "unit": fig.unit, "decimals": fig.decimals, "kind": fig.kind, "raw": fig.raw,
            "approximate": fig.approximate, "label": label, "quote": quote, **location.as_dict(), "lead": lead}


@lru_cache(maxsize=1)
def _vocabulary():
    data = patterns.load("concepts")
    synonyms = []
    for cid, spec in data["concepts"].items():
        for s in spec["synonyms"]:
            synonyms.append((compact(s), cid))
    synonyms.sort(key=lambda t: -len(t[0]))
    return data, synonyms


@lru_cache(maxsize=8192)
def concept_of(label: str, kind: Optional[str] = None) -> Optional[str]:
    """The concept whose synonym ends nearest the end of the label (longest on ties); none for a figure that
    is the concept's change (a change word after the synonym).

    A synonym that stands as whole words in the label (jieba's segmentation) wins over one that only
    occurs inside a word; a short synonym (扣) counts only as a whole word (not inside 扣除). Rates take only rate concepts (ids ending in _rate), other figures the others.
    A synonym right after a carry-over word (上年结转一般公共预算拨款收入) names the amount carried over, not the
    concept, and one followed by the name of another thing (一般公共预算财政拨款安排的“三公”经费支出) is not the figure's
    concept: none."""
    _, synonyms = _vocabulary()
    best = None
    for syn, cid in synonyms:
        if kind is not None and (kind == "rate") != cid.endswith("_rate"):
            continue
        pos = label.rfind(syn)
        if pos < 0:
            continue
        end = pos + len(syn)
        whole = _whole_words(label, pos, end)
        if not whole and len(syn) <= SHORT_SYNONYM:
            continue
        key = (whole, end, len(syn))
        if best is None or key > best[0]:
            best = (key, cid)
    if best is None or (kind != "rate" and _change_after(label[best[0][1]:])):
        return None
    start = best[0][1] - best[0][2]
    if label[:start].endswith(tuple(_vocabulary()[0]["carried_before"])):
        return None
    if any(w in label[best[0][1]:] for w in _vocabulary()[0]["other_after_concept"]):
        return None
    return best[1]


def _change_after(rest: str) -> bool:
    """Whether the words after a concept's synonym make the figure its change (财政拨款支出增加126.30万元)."""
    data, _ = _vocabulary()
    return any(w in rest for w in data["change_after_concept"])


def _whole_words(label: str, start: int, end: int) -> bool:
    cuts = boundaries(label)
    return start in cuts and end in cuts


@lru_cache(maxsize=1)
def _prior_period_label():
    data, _ = _vocabulary()
    return regex.compile(data["prior_period_label"])


@lru_cache(maxsize=1)
def _stage_pattern():
    data, _ = _vocabulary()
    words = {w: stage for stage, ws in data["stages"].items() for w in ws}
    alternation = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return regex.compile(alternation), words


def _stage_markers(text: str) -> list[tuple[int, str]]:
    pattern, words = _stage_pattern()
    return [(m.start(), words[m.group()]) for m in pattern.finditer(text, overlapped=True)]


_SENTENCE_MARKS = re.compile(r"[（()）" + re.escape(SENTENCE_END) + "]")
_SEMICOLONS = re.compile("[；;]")
_CLAUSE_MARKS = re.compile("[" + re.escape(CLAUSE_END + "。") + "]")
"""Plain character classes, which the re module goes through in about half the time the regex module takes."""


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a 。 inside parentheses that close later (…（购置费100.00万元，比上年增加0万元。）比上年…) ends
    no sentence."""
    spans, start, depth = [], 0, 0
    last_close = max(text.rfind("）"), text.rfind(")"))
    for m in _SENTENCE_MARKS.finditer(text):
        ch, i = m.group(), m.start()
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
        elif not (depth and i < last_close):
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _last_before(positions: list[int], lo: int, hi: int) -> int:
    """The last of the sorted positions in [lo, hi), or -1."""
    k = bisect_left(positions, hi)
    return positions[k - 1] if k and positions[k - 1] >= lo else -1


_INNER_BRACKET = re.compile(r"[(（][^()（）\d一二三四五六七八九十，,；;：:、。\s]{1,4}[)）]$")


def _inner_bracket_cut(text: str, cut: int, seg_start: int, clause_marks: list[int]) -> int:
    """The clause break a label starts after, past a short bracket inside a name (因公出国(境)费, 运行(维护)费): a ) that
    the name runs on from is no break."""
    while cut > 0 and text[cut] in ")）" and "\u4e00" <= text[cut + 1:cut + 2] <= "\u9fff":
        group = _INNER_BRACKET.search(text, max(0, cut - 5), cut + 1)
        if group is None:
            break
        cut = _last_before(clause_marks, seg_start, group.start())
    return cut


def paragraph_facts(block_index: int, para: Paragraph, doc_year: Optional[int]) -> ParagraphFacts:
    norm = normalize(para.text)
    text = norm.text
    figures = parse_figures(text)
    spans = _sentences(text)
    if not figures:
        return ParagraphFacts(block_index, para, norm, [], spans)
    markers = _stage_markers(text)
    marker_pos = [pos for pos, _ in markers]
    starts = [a for a, _ in spans]
    semicolons = [m.start() for m in _SEMICOLONS.finditer(text)]
    clause_marks = [m.start() for m in _CLAUSE_MARKS.finditer(text)]
    years = [(m.start(), m.end(), int(m.group(1))) for m in YEAR.finditer(text)]
    year_ends = [e for _, e, _ in years]
    location = para.location()
    prior_label = _prior_period_label()
    facts: list[TextFact] = []
    prev_end = 0
    last_span = len(spans) - 1
    for fig in figures:
        start, end = fig.start, fig.end
        sent = bisect_right(starts, start) - 1
        sent = 0 if sent < 0 else last_span if sent > last_span else sent
        s_start = spans[sent][0]
        seg_start = prev_end if prev_end > s_start else s_start
        cut = _inner_bracket_cut(text, _last_before(clause_marks, seg_start, start), seg_start, clause_marks)
        label = CONNECTORS.sub("", compact(text[cut + 1 if cut >= 0 else seg_start:start]))
        clause = bisect_left(semicolons, start) - bisect_left(semicolons, s_start)
        c_start = _last_before(semicolons, s_start, start) + 1
        if c_start < s_start:
            c_start = s_start
        k = bisect_right(year_ends, start)
        period = years[k - 1][2] if k and years[k - 1][0] >= c_start else doc_year
        if period is not None and prior_label.search(label):
            period -= 1
        k = bisect_left(marker_pos, start)
        stage = markers[k - 1][1] if k else None
        facts.append(TextFact(fig, label, concept_of(label, fig.kind), stage, period, block_index, sent, clause,
                              location, norm.quote(start, end), text[start - 12 if start > 12 else 0:start],
                              text[end:end + 12]))
        prev_end = end
    return ParagraphFacts(block_index, para, norm, facts, spans)


def _is_header_row(row: list[Cell]) -> bool:
    return not any(parse_cell(c.text) for c in row[1:] if c.text.strip())


def table_view(block_index: int, table: Table, deadline: Optional[Deadline] = None) -> TableView:
    """A table's figures by cell with their quotes, its header texts and row labels; deadline.check() is called
    every DEADLINE_ROWS rows."""
    rows = table.rows
    width = table.width
    header_rows = 0
    for row in rows[:3]:
        if _is_header_row(row):
            header_rows += 1
        else:
            break
    headers = []
    for c in range(width):
        parts = []
        for r in range(header_rows):
            row = rows[r]
            if c >= len(row):
                continue
            cell = row[c]
            t = cell.text or cell.anchor_text
            if not t and r < header_rows - 1:
                k = c - 1
                while k >= 0 and k < len(row) and not (row[k].text or row[k].anchor_text):
                    k -= 1
                below = rows[r + 1][c].text if c < len(rows[r + 1]) else ""
                if k >= 0 and below:
                    t = row[k].text or row[k].anchor_text
            if t and t not in parts:
                parts.append(t)
        headers.append(compact(" ".join(parts)))
    numeric_cols = set()
    view = TableView(table, block_index, header_rows, headers, [], unit=table.unit)
    numbers, unit = view.numbers, table.unit
    location = table.cell_location
    words: list[list[str]] = []
    for r in range(header_rows, len(rows)):
        if deadline is not None and r % DEADLINE_ROWS == 0:
            deadline.check()
        label_cells: list[str] = []
        words.append(label_cells)
        for c, cell in enumerate(rows[r]):
            text = cell.text
            stripped = text.strip()
            if not stripped:
                continue
            fig = parse_cell(text)
            if fig is None:
                label_cells.append(text)
                continue
            if fig.kind == "number" and unit:
                fig = Figure(fig.value, fig.decimals, unit, "amount", fig.raw, fig.start, fig.end)
            quote = " | ".join(label_cells[-2:] + [stripped])[:80]
            numbers[(r, c)] = TableCell(fig, r, c, location(cell), quote)
            numeric_cols.add(c)
    view.data_cols = sorted(c for c in numeric_cols if c < len(headers) and not patterns.compiled(r"序号|编号").search(headers[c]))
    for r in range(header_rows):
        parts = [t for c, cell in enumerate(rows[r]) if (t := cell.text or (cell.anchor_text if c == 0 else ""))
                 and t.strip() and not parse_cell(t)]
        view.row_labels.append(compact(" ".join(parts)))
    for row, parts in zip(rows[header_rows:], words):
        if row and not row[0].text and (t := row[0].anchor_text).strip() and not parse_cell(t):
            parts = [t] + parts
        view.row_labels.append(compact(" ".join(parts)))
    return view


def opening_text(text: str) -> str:
    """A paragraph's compacted text as a title is read: a shared document's file name without its extension."""
    return patterns.compiled(patterns.load("documents")["file_name_end"]).sub("", compact(text))


def _reads_as_title(text: str, lines: dict) -> bool:
    return len(text) <= lines["max_title"] and patterns.compiled(lines["year"]).search(text) is not None


def later_title(doc: Document, opening: int = 12) -> Optional[str]:
    """The report's title further down a saved page whose opening paragraphs hold none (a banner, a path and info
    fields before it): the first paragraph within title_search that reads as a title (title_lines)."""
    data = patterns.load("documents")
    texts = [opening_text(p.text) for p in doc.paragraphs[:data["title_search"]]]
    if any(_reads_as_title(t, data["title_lines"]) for t in texts[:opening]):
        return None
    return next((t for t in texts[opening:] if _reads_as_title(t, data["title_lines"])), None)


def is_unit(name: str, data: dict) -> bool:
    """Whether a name ends like a unit (局, 中心, …) and not like a site banner or an evaluating firm."""
    return name.endswith(tuple(data["unit_suffixes"])) and not name.endswith(tuple(data["unit_not_end"]))


def cut_unit(name: str, data: dict, not_start: tuple = ()) -> Optional[str]:
    """A name cut after its last unit suffix (…办事处单位 → …办事处), if four characters or more are left that do not
    open like a sentence or an office of an unnamed body (unit_not_start, and not_start)."""
    while name and not is_unit(name, data):
        name = name[:-1]
    return name if len(name) >= 4 and not name.startswith(tuple(data["unit_not_start"]) + not_start) else None


def document_year(doc: Document) -> Optional[int]:
    """The evaluated fiscal year: the first '20XX年度' or '评价年度' in the opening paragraphs, or the year of a title
    that names a 预算 or 决算, or of a title found further down a saved page (later_title); else the year after the unit
    that opens a title line stating no figure (某区住房和城乡建设局2023年…项目 重点绩效评价报告); else the (20XX年度) under
    the title of a form whose first table holds it (table_year); else the year the sentences stating amounts name
    (amounts_year)."""
    data = patterns.load("documents")
    titles = [patterns.compiled(p) for p in data["title_years"]]
    lines = data["title_lines"]
    for para in doc.paragraphs[:15]:
        t = opening_text(para.text)
        m = (patterns.compiled(r"评价年度[:：]?((?:19|20)\d{2})").search(t) or patterns.compiled(r"((?:19|20)\d{2})年度").search(t)
             or next((m for p in titles if (m := p.search(t))), None)
             or (patterns.compiled(lines["year"]).search(t) if len(t) <= lines["max_title"] else None))
        if m:
            return int(m.group(1))
    if (title := later_title(doc, 15)) is not None:
        return int(patterns.compiled(lines["year"]).search(title).group(1))
    for para in doc.paragraphs[:data["opening_lines"]]:
        t = opening_text(para.text)
        m = patterns.compiled(data["opening_unit"]).match(t)
        if m and (y := patterns.compiled(r"((?:19|20)\d{2})年$").search(m.group(0))) and cut_unit(m.group("unit"), data) \
                and len(t) <= data["unit_year_title"] and not any(ch.isdigit() for ch in t[m.end():]):
            return int(y.group(1))
    table_year = patterns.compiled(data["table_year"])
    for table in doc.tables[:1]:
        for row in table.rows[:data["table_year_rows"]]:
            for cell in row:
                if (m := table_year.match(compact(cell.text))):
                    return int(m.group(1))
    return _amounts_year(doc, data["amounts_year"])


def _amounts_year(doc: Document, spec: dict) -> Optional[int]:
    """The year most sentences stating an amount name, when they name one year each (2021年全区一般公共预算收入…万元):
    at least min_sentences of them and share of all such sentences; else None."""
    counts: dict[int, int] = {}
    amount, year, cut = (patterns.compiled(spec[k]) for k in ("amount", "year", "sentence_end"))
    for para in doc.paragraphs[:spec["paragraphs"]]:
        for sentence in cut.split(compact(para.text)):
            named = {int(y) for y in year.findall(sentence)}
            if len(named) == 1 and amount.search(sentence):
                y = named.pop()
                counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.get)
    return best if counts[best] >= spec["min_sentences"] and counts[best] >= spec["share"] * sum(counts.values()) else None


def extract_facts(doc: Document, deadline: Optional[Deadline] = None) -> Facts:
    """Every figure of the document with what it stands for; deadline.check() is called before each block."""
    year = document_year(doc)
    paragraphs, tables = [], []
    for i, block in enumerate(doc.blocks):
        if deadline is not None:
            deadline.check()
        if isinstance(block, Paragraph):
            paragraphs.append(paragraph_facts(i, block, year))
        else:
            tables.append(table_view(i, block, deadline))
    scoring = [table for table in doc.tables if is_scoring_table(table)]
    rows = [row for table in scoring for row in scoring_rows(table)]
    totals = {table.index: total for table in scoring if (total := scoring_total(table)) is not None}
    from extractor.cell_tables import cell_tables
    from extractor.comparison_table import comparison_rows
    from extractor.statements import read_statements
    trees = [tree for table in doc.tables if (tree := weight_tree(table, doc.format == "txt")) is not None]
    projects = project_tables(doc)
    stream = (stream_table(doc) or fused_table(doc)) if doc.format == "txt" else None
    if stream is None and doc.format == "txt" and not trees and template_table(doc, len(doc.tables) + 1) is None:
        stream = labelled_table(doc)
    if stream is not None and (tree := weight_tree(as_table(stream, len(doc.tables) + 1), True)) is not None:
        tree.lost_grid = True
        tree.name = stream.where
        if stream.closed:
            tree.close_from(stream.closed)
        tree.partial = stream.partial
        trees.append(tree)
    elif doc.format == "txt" and not trees and (cells := template_table(doc, len(doc.tables) + 1)) is not None:
        if (tree := weight_tree(cells, True)) is not None:
            tree.lost_grid = True
            first = cells.cell_location(cells.rows[0][0])
            tree.name = f"{first.describe()}起的自评表（逐格分行，按版式还原）"
            trees.append(tree)
        if not any(pt.table is None and pt.fund_total is not None for pt in projects) \
                and (funds := template_funds(cells)) is not None:
            projects.append(funds)
    return Facts(paragraphs, tables, year, stated_formulas(doc), rows, projects, totals,
                 list(doc.pictures), list(doc.ocr_pages), read_statements(doc, tables), list(doc.recognized_pages),
                 cell_tables(doc), trees, stream, funds_form(doc) if doc.format == "txt" else None,
                 [row for view in tables for row in comparison_rows(view)])
