"""The funds block of a self-evaluation cover form (the 湖南 财政支出项目绩效评价自评报告): 计划安排资金, 实际到位资金,
实际支出 and 结余 in 万元, each label followed by its value, then one row per source of money (其中：中央财政, 省财政,
市财政, 县市区财政, 其它), its label printed before each of its four values — as archives hold it, one cell a line,
in paragraphs or a one-column '|' table, blank cells kept or dropped. A value is the cell right after its label when
that holds figures and no words; a label followed by a label, a heading or a blank cell has none. The form's list of
spending after it (二、项目支出明细情况: 支出内容 | 实际支出数 | 会计凭证号 | 备注, ending with 支出合计) is read too: an item
is a cell of words followed by a value (the voucher and remark cells after it are passed over), the total the value
after the total label (patterns/project_tables.yaml funds_form).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import patterns
from extractor.figures import parse_cell
from extractor.model import Document, Location, Paragraph
from extractor.normalize import compact
from extractor.project_table import Value


@dataclass
class FundsForm:
    """The form's columns as printed, its total row and its source rows, each value None where the cell is blank."""

    columns: list[str]
    total: list[Optional[Value]]
    sources: list[tuple[str, list[Optional[Value]]]]
    spending: list[tuple[str, Value]] = field(default_factory=list)
    spending_total: Optional[Value] = None

    @property
    def where(self) -> str:
        first = next((v for v in self.total if v is not None), None)
        return f"{first.location.describe()}起的资金情况表（逐格分行，按版式还原）" if first else "资金情况表"


def _tokens(doc: Document) -> list[tuple[str, Location]]:
    """Every cell of the document in order: a paragraph, or a table cell; a blank paragraph or an empty cell of a
    one-column row is a blank cell."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append((compact(block.text), block.location()))
            continue
        for row in block.rows:
            cells = [c for c in row if not c.covered]
            if len(cells) == 1 or any(c.text.strip() for c in cells):
                out += [(compact(c.text), block.cell_location(c)) for c in cells]
    return out


def funds_form(doc: Document) -> Optional[FundsForm]:
    """The document's funds form, or None when it has none or its block is not laid out as the form."""
    spec = patterns.load("project_tables")["funds_form"]
    if not _names_first_label(doc, spec["columns"][0]):
        return None
    unit = patterns.compiled(spec["unit"])
    tokens = [(unit.sub("", t), loc) for t, loc in _tokens(doc) if not unit.fullmatch(t)]
    for start, (text, _) in enumerate(tokens):
        if text.startswith(spec["columns"][0]) and (form := _form_at(tokens, start, spec)) is not None:
            return form
    return None


def _names_first_label(doc: Document, label: str) -> bool:
    """Whether a paragraph or cell of the document holds the form's first label, spaces aside (a cheap test before
    every cell is compacted)."""
    return any(label in "".join(text.split()) for block in doc.blocks
               for text in ([block.text] if isinstance(block, Paragraph)
                            else (c.text for row in block.rows for c in row)))


def _form_at(tokens: list[tuple[str, Location]], at: int, spec: dict) -> Optional[FundsForm]:
    """The form whose first label is tokens[at], or None when the cells from there are not laid out as the form."""
    columns, total = spec["columns"], []
    for column in columns:
        if at >= len(tokens) or not tokens[at][0].startswith(column):
            return None
        value, at = _value_after(tokens, at)
        total.append(value)
    source = patterns.compiled(spec["source"])
    sources = []
    while at < len(tokens) and (m := source.fullmatch(tokens[at][0])):
        name, values = m.group("name"), []
        for _ in columns:
            if at >= len(tokens) or tokens[at][0] != m.group():
                return None
            value, at = _value_after(tokens, at)
            values.append(value)
        sources.append((name, values))
    if len(sources) < spec["min_sources"] or all(v is None for v in total):
        return None
    form = FundsForm(columns, total, sources)
    _spending(form, tokens[at:], spec)
    return form


def _spending(form: FundsForm, tokens: list[tuple[str, Location]], spec: dict) -> None:
    """The list of spending after the form's header cells (spending_header, in order, within spending_after cells of the
    form's end), up to its total row; left empty when the header is not there, the list has fewer than two items or no
    total ends it."""
    header = spec["spending_header"]
    cells = [(t, loc) for t, loc in tokens if t]
    start = next((k for k in range(min(spec["spending_after"], len(cells))) if cells[k][0].startswith(header[0])), None)
    if start is None:
        return
    cells = cells[start:]
    if len(cells) <= len(header) or any(not cells[k][0].startswith(w) for k, w in enumerate(header)):
        return
    items = []
    for k in range(len(header), len(cells) - 1):
        text, value = cells[k][0], cells[k + 1]
        if not _is_value(value[0]) or _is_value(text):
            continue
        figure = parse_cell(value[0])
        if figure is None or figure.kind not in ("number", "amount"):
            return
        found = Value(value[0], figure, value[1], f"{text} {value[0]}")
        if text in spec["spending_total"]:
            if len(items) >= 2:
                form.spending, form.spending_total = items, found
            return
        items.append((text, found))


def _value_after(tokens: list[tuple[str, Location]], at: int) -> tuple[Optional[Value], int]:
    """The value of the label at tokens[at] and where the next label starts: the next cell when it holds a value,
    else None (a blank cell, or the next label); the blank cells after it are passed over."""
    at += 1
    value = None
    if at < len(tokens) and _is_value(tokens[at][0]):
        text, location = tokens[at]
        figure = parse_cell(text)
        value = Value(text, figure if figure is not None and figure.kind in ("number", "amount") else None, location,
                      text)
        at += 1
    while at < len(tokens) and not tokens[at][0].strip("|"):
        at += 1
    return value, at


def _is_value(text: str) -> bool:
    """A cell that holds a value: digits, and no words (a misprinted 7,00.0,77 is one, 二、项目支出明细情况 none)."""
    return any(ch.isdigit() for ch in text) and not patterns.compiled(r"\p{Han}").search(text)
