"""The standard tables of 部门决算 and 部门预算 read as what they are: classification trees and labelled lists.

A Statement is one table (with its continuations on later pages stitched on) of a known kind, split into
lists: a 科目编码 tree (one code column, or 类 | 款 | 项 columns), or a list of labelled lines (收入 | 决算数 |
支出 | 决算数 side by side is two lists). Each row knows its code, its level, its label and its figures by
column header, so rules add 款 to 类, not every row to every other. The vocabulary is patterns/statements.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import TableCell, TableView
from extractor.figures import parse_cell
from extractor.model import Document, Paragraph, Table
from extractor.normalize import compact

HEADER_ROWS_MAX = 6
CODE_SHARE = 0.6
LABEL_SHARE = 0.3
LOOK_BACK = 4
NOTE_AHEAD = 3


@dataclass
class StatementRow:
    """One line of a list: its code and level (1 类, 2 款, 3 项; 1 and 2 for numbered lines), its label and its
    figures by column header."""

    row: int
    table: int
    code: Optional[str]
    level: Optional[int]
    label: str
    cells: dict[str, TableCell] = field(default_factory=dict)

    @property
    def is_coded(self) -> bool:
        return self.code is not None


@dataclass
class StatementList:
    """The rows of one list of a table and the headers of its amount columns, in order."""

    columns: list[str]
    rows: list[StatementRow]
    coded: bool


@dataclass
class Statement:
    """A standard table: its kind (None for a coded table of no known title), title, the document tables it
    was stitched from, its lists, and whether a note under it says it is empty."""

    kind: Optional[str]
    title: str
    tables: list[int]
    lists: list[StatementList]
    empty_note: Optional[Paragraph] = None

    def figures(self) -> list[TableCell]:
        return [c for lst in self.lists for r in lst.rows for c in r.cells.values()]


@lru_cache(maxsize=1)
def _data() -> dict:
    d = patterns.load("statements")
    out = dict(d)
    for key in ("unit_line", "empty_note", "code", "code_part", "code_in_label", "header_words", "grand_total",
                "year_total", "list_total", "balance_rows", "strip_from_label", "outside_columns", "line_number_header"):
        out[key] = regex.compile(d[key])
    out["kinds"] = [(k["kind"], regex.compile(k["title"])) for k in d["kinds"]]
    out["numbering"] = [(n["level"], regex.compile(n["pattern"])) for n in d["numbering"]]
    return out


def _title(blocks: list, at: int) -> tuple[Optional[str], bool]:
    """The title of the table at blocks[at] and whether the table continues the table before it (a table
    right after another table, with no paragraph between)."""
    d = _data()
    inside = _title_row(blocks[at])
    if inside is not None:
        return inside, False
    if at > 0 and isinstance(blocks[at - 1], Table):
        return None, True
    for k in range(at - 1, max(-1, at - 1 - LOOK_BACK), -1):
        block = blocks[k]
        if isinstance(block, Table):
            break
        t = compact(block.text)
        if not t or d["unit_line"].search(t):
            continue
        if "表" in t and len(t) <= d["title_max"]:
            return t, False
    return None, False


def _title_row(table: Table) -> Optional[str]:
    """A title copied into the table's first row, alone in it (…“三公”经费情况统计表 | | |)."""
    if not table.rows:
        return None
    texts = [compact(c.text) for c in table.rows[0] if c.text.strip()]
    if len(texts) == 1 and "表" in texts[0] and len(texts[0]) <= _data()["title_max"] and not parse_cell(texts[0]) \
            and len(table.rows) > 2:
        return texts[0]
    return None


def kind_of(title: str) -> Optional[str]:
    for kind, pattern in _data()["kinds"]:
        if pattern.search(title):
            return kind
    return None


def _compact_rows(table: Table) -> list[list[str]]:
    """Each cell's compacted text, row by row: the columns and rows of a table are read from them several times."""
    return [[compact(c.text) for c in row] for row in table.rows]


def _anchored_text(table: Table, texts: list[list[str]], r: int, c: int) -> str:
    """A header cell's text; a merged-over position gives its anchor's text."""
    row = table.rows[r]
    if c >= len(row):
        return ""
    cell = row[c]
    return compact(cell.anchor_text) if not cell.text and cell.covered else texts[r][c]


@lru_cache(maxsize=8192)
def _is_code(text: str) -> bool:
    """Whether a cell's compacted text is a 科目编码, alone or before its name."""
    d = _data()
    return bool(d["code"].match(text) or d["code_in_label"].match(text))


@lru_cache(maxsize=8192)
def _strip_label(text: str) -> tuple[str, Optional[int]]:
    """A row label without its numbering and class marks, and the level its numbering gives."""
    d = _data()
    level = None
    for lv, pattern in d["numbering"]:
        m = pattern.match(text)
        if m:
            level, text = lv, text[m.end():]
            break
    return d["strip_from_label"].sub("", text), level


def _header_rows(table: Table) -> int:
    n = 0
    for row in table.rows[:HEADER_ROWS_MAX]:
        if any(c.text.strip() and parse_cell(c.text) for c in row):
            break
        n += 1
    return n


def _headers(table: Table, texts: list[list[str]], n: int) -> list[str]:
    unit_line = _data()["unit_line"]
    out = []
    for c in range(table.width):
        parts: list[str] = []
        for r in range(n):
            t = _anchored_text(table, texts, r, c)
            if t and t not in parts and not unit_line.search(t):
                parts.append(t)
        out.append("".join(parts))
    return _distinct(out)


def _distinct(headers: list[str]) -> list[str]:
    """Headers made distinct where a merged group name was lost: a 决算数 column after a 预算数 column of the
    same group takes that group's name (合计 预算数 | 决算数 → 合计预算数 | 合计决算数)."""
    stages = _data()["stage_words"]
    out = list(headers)
    for c in range(1, len(out)):
        if out[c] not in out[:c]:
            continue
        own = next((w for w in stages if out[c].endswith(w)), None)
        left = next((w for w in stages if out[c - 1].endswith(w)), None)
        if own and left and own != left:
            out[c] = out[c - 1][: -len(left)] + own
    return out


def _code_groups(table: Table, texts: list[list[str]], n: int) -> list[list[int]]:
    """Code columns: each group is one column (2080501) or the 类 | 款 | 项 columns of a split code."""
    d = _data()
    groups: list[list[int]] = []
    taken: set[int] = set()
    names = d["code_part_headers"]
    for r in range(n):
        row = texts[r]
        for c in range(len(row)):
            if row[c] == names[0] and c + 1 < len(row) and row[c + 1] == names[1]:
                group = [c, c + 1]
                if c + 2 < len(row) and row[c + 2] == names[2]:
                    group.append(c + 2)
                groups.append(group)
                taken.update(group)
    body = texts[n:]
    for c in range(table.width):
        if c in taken:
            continue
        filled = [t for row in body if c < len(row) and (t := row[c])]
        codes = sum(1 for t in filled if _is_code(t))
        if codes >= 2 and codes >= CODE_SHARE * len(filled):
            groups.append([c])
            taken.add(c)
    return sorted(groups)


def _label_columns(view: TableView, texts: list[list[str]], n: int, skip: set[int]) -> list[int]:
    """Columns that mostly hold words; a cell's figure is the one the table view read (parsed once)."""
    table = view.table
    out = []
    rows = range(n, len(table.rows))
    for c in range(table.width):
        if c in skip:
            continue
        filled = [(r, t) for r in rows if c < len(texts[r]) and (t := texts[r][c])]
        words = [t for r, t in filled if (r, c) not in view.numbers
                 and (r >= view.header_rows or not parse_cell(t))]
        if words and len(words) >= LABEL_SHARE * max(1, len(filled)):
            out.append(c)
    return out


@dataclass
class _Layout:
    """How the columns of a table fall into lists: each list's code columns, label column and amount
    columns, with the headers of the amount columns."""

    width: int
    header_rows: int
    lists: list[tuple[list[int], Optional[int], list[int]]]
    headers: list[str]


def _layout(view: TableView, texts: list[list[str]], n: int, groups: list[list[int]]) -> _Layout:
    table = view.table
    headers = _headers(table, texts, n)
    in_groups = {c for g in groups for c in g}
    line_numbers = _data()["line_number_header"]
    names = {g[-1] + 1 for g in groups}
    labels = [c for c in _label_columns(view, texts, n, in_groups) if c not in names]
    anchors = sorted([(g[0], g, g[-1] + 1) for g in groups] + [(c, [], c) for c in labels])
    lists = []
    if not anchors:
        lists.append(([], None, list(range(table.width))))
    for i, (start, codes, label) in enumerate(anchors):
        end = anchors[i + 1][0] if i + 1 < len(anchors) else table.width
        if i == 0 and start > 0:
            start = 0
        label_col = label if label < end else None
        amounts = [c for c in range(start, end) if c not in codes and c != label_col and c not in in_groups
                   and not line_numbers.search(headers[c])]
        lists.append((codes, label_col, amounts))
    return _Layout(table.width, n, lists, headers)


def _read_rows(view: TableView, texts: list[list[str]], layout: _Layout, offset: int,
               start_row: int) -> list[list[StatementRow]]:
    """The rows of each list of a table part (none for a list of words only, without codes or amounts); offset
    shifts its columns right onto the first part's."""
    d = _data()
    table = view.table
    numbers = view.numbers
    out: list[list[StatementRow]] = [[] for _ in layout.lists]
    read = [(i, lst) for i, lst in enumerate(layout.lists) if lst[0] or lst[2]]
    for r in range(start_row, len(table.rows)):
        row_texts = texts[r]
        width = len(row_texts)

        def text(c: int) -> str:
            k = c - offset
            return row_texts[k] if 0 <= k < width else ""
        for i, (codes, label_col, amounts) in read:
            code, level, label = None, None, ""
            code_texts = [text(c) for c in codes]
            if code_texts:
                first = code_texts[0]
                m = d["code_in_label"].match(first)
                if d["code"].match(first):
                    code = first
                    if len(codes) > 1:
                        parts = [t for t in code_texts[1:] if t]
                        if all(d["code_part"].match(t) for t in parts):
                            code = first + "".join(t.zfill(2) for t in parts)
                        else:
                            code = None
                elif m:
                    code, label = m.group("code"), m.group("name")
                elif first and not any(d["code_part"].match(t) for t in code_texts[1:] if t):
                    label = first
            if label_col is not None:
                own = text(label_col)
                label = label + own if label != own else label
            cells = {}
            for c in amounts:
                k = c - offset
                cell = numbers.get((r, k)) if k >= 0 else None
                if cell is not None and cell.figure.kind in ("amount", "number"):
                    cells[layout.headers[c] or f"第{c + 1}列"] = cell
            if code is not None:
                level = (len(code) - 1) // 2
            clean, numbered = _strip_label(label)
            if code is None:
                level = numbered
            if not cells and not code and (not clean or d["header_words"].search(clean)):
                continue
            if not cells and not code and not clean:
                continue
            out[i].append(StatementRow(r, table.index, code, level, clean, cells))
    return out


def _empty_note(blocks: list, at: int) -> Optional[Paragraph]:
    for k in range(at + 1, min(len(blocks), at + 1 + NOTE_AHEAD)):
        block = blocks[k]
        if isinstance(block, Table):
            break
        if _data()["empty_note"].search(compact(block.text)):
            return block
    return None


def read_statements(doc: Document, views: list[TableView]) -> list[Statement]:
    """The standard tables of a document (and any other table with a 科目编码 column), continuations
    stitched on."""
    by_table = {v.table.index: v for v in views}
    blocks = doc.blocks
    out: list[Statement] = []
    current: Optional[tuple[Statement, _Layout]] = None
    for at, block in enumerate(blocks):
        if not isinstance(block, Table) or block.index not in by_table:
            continue
        view = by_table[block.index]
        title, continued = _title(blocks, at)
        if continued and current is not None:
            stmt, layout = current
            width = block.width
            same = width == layout.width
            offset = 0 if same else layout.width - width
            if offset < 0:
                continue
            start = _header_rows(block) if same else 0
            for lst, rows in zip(stmt.lists, _read_rows(view, _compact_rows(block), layout, offset, start)):
                lst.rows += rows
            stmt.tables.append(block.index)
            stmt.empty_note = stmt.empty_note or _empty_note(blocks, at)
            continue
        kind = kind_of(title) if title else None
        n = _header_rows(block)
        texts = _compact_rows(block)
        groups = _code_groups(block, texts, n)
        if kind is None and not groups:
            current = None
            continue
        layout = _layout(view, texts, n, groups)
        rows = _read_rows(view, texts, layout, 0, layout.header_rows)
        lists = [StatementList([layout.headers[c] or f"第{c + 1}列" for c in amounts], lst, bool(codes))
                 for (codes, _, amounts), lst in zip(layout.lists, rows)]
        stmt = Statement(kind, title or "", [block.index], lists, _empty_note(blocks, at))
        out.append(stmt)
        current = (stmt, layout)
    return out


def statement_tables(statements: list[Statement]) -> set[int]:
    """The document tables that statements read (other table rules leave them to the statement rules)."""
    return {t for s in statements for t in s.tables}
