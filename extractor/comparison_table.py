"""Tables that set each row's figure beside the year before's and print the change (项目 | 本年决算数 | 上年决算数 |
增减额 | 增减%): which columns hold the current figure, the prior one, the change and its rate, read from a header row
(at the top of the table or inside it, as when a page's table holds its metadata rows first), and each row's cells
under them. A group header over a sub-header whose cells lost their places (比上年增、减情况 | then 增、减金额 |
增、减幅度 | at the row's start) gives its sub-headers to the group's columns in order. A table whose header leaves a
role to more than one column (two change columns, two figures that could be the current one) gives no rows
(patterns/comparison_tables.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import patterns
from extractor.facts import TableCell, TableView
from extractor.normalize import compact

ROLES = ("current", "prior", "change", "rate")


@dataclass
class ComparisonRow:
    """One row of a comparison table: its label and the cells under each role's column (None where blank), with the
    columns' headers by role."""

    label: str
    table: int
    row: int
    cells: dict[str, Optional[TableCell]]
    headers: dict[str, str]

    @property
    def where(self) -> str:
        return f"表{self.table}“{self.label}”行"


def _spec() -> dict:
    return patterns.load("comparison_tables")


def _has(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def _group_merged(top: list[str], sub: list[str], width: int) -> list[str]:
    """A header row with the sub-header row under it, column by column. A group cell (one followed by empty cells or
    by its own text repeated, its merged span) lends its text to the sub-headers under its span. A sub-header that
    opens under the label column (项目) lost its places: its cells go to the spans' columns in order, when they are as
    many. Rows are padded to the table's width (a text table's row drops its trailing empty cells); the top row alone
    when the sub-header does not fit."""
    width = max(len(top), len(sub), width)
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    group_of: dict[int, str] = {}
    for c in range(width):
        if top[c] and c + 1 < width and top[c + 1] in ("", top[c]) and c not in group_of:
            k = c
            while k < width and top[k] in ("", top[c]):
                group_of[k] = top[c]
                k += 1
    filled = [c for c in range(width) if sub[c]]
    if not filled:
        return top
    if filled[0] == 0 and top[0]:
        slots = sorted(group_of)
        if len(filled) != len(slots):
            return top
        placed = {slot: sub[c] for slot, c in zip(slots, filled)}
    else:
        placed = {c: sub[c] for c in filled}
    return [group_of.get(c, top[c]) + placed[c] if c in placed else top[c] for c in range(width)]


def roles_of(headers: list[str]) -> Optional[dict[str, int]]:
    """The column of each role named by a header row (column 0 holds the row labels); None when the row names no
    change or rate column with a prior column, or leaves a role to two columns."""
    spec = _spec()
    found: dict[str, list[int]] = {role: [] for role in ROLES}
    values: list[int] = []
    for c, text in enumerate(headers):
        if c == 0 or not text or _has(text, spec["other_columns"]):
            continue
        if _has(text, spec["change_markers"]):
            found["rate" if _has(text, spec["rate_markers"]) else "change"].append(c)
        elif _has(text, spec["prior_markers"]):
            found["prior"].append(c)
        elif _has(text, spec["current_markers"]):
            found["current"].append(c)
        else:
            values.append(c)
    if not found["prior"] and not found["current"]:
        year = patterns.compiled(spec["year"])
        dated = {c: int(m.group()[:4]) for c in values if (m := year.search(headers[c]))}
        if len(dated) == 2 and len(set(dated.values())) == 2:
            first, last = sorted(dated, key=dated.get)
            found["prior"], found["current"] = [first], [last]
            values = [c for c in values if c not in dated]
    if not found["current"] and len(values) == 1 and found["prior"]:
        found["current"] = values
    if any(len(cols) > 1 for cols in found.values()) or not found["prior"] \
            or not (found["change"] or found["rate"]) or (not found["change"] and not found["current"]):
        return None
    return {role: cols[0] for role, cols in found.items() if cols}


def _texts(view: TableView, r: int) -> list[str]:
    return [compact(cell.text or cell.anchor_text) for cell in view.table.rows[r]]


def _wordy(view: TableView, r: int) -> bool:
    """Whether a row holds words in two cells or more and no figure after its label: a header row."""
    row = view.table.rows[r]
    return not any((r, c) in view.numbers for c in range(1, len(row))) \
        and sum(1 for cell in row if cell.text.strip()) >= 2


def comparison_rows(view: TableView) -> list[ComparisonRow]:
    """The rows of a table under each header row that names a comparison's columns; a header-like row (three cells
    of words or more) that names none ends the rows of the one before."""
    out: list[ComparisonRow] = []
    roles: Optional[dict[str, int]] = None
    headers: dict[str, str] = {}
    rows = view.table.rows
    if not _has(compact("".join(cell.text for row in rows for cell in row)), _spec()["change_markers"]):
        return out
    skip = -1
    not_rows = patterns.compiled(_spec()["not_rows"])
    for r in range(len(rows)):
        if r <= skip:
            continue
        if _wordy(view, r):
            texts = _texts(view, r)
            if r + 1 < len(rows) and _wordy(view, r + 1):
                merged = _group_merged(texts, _texts(view, r + 1), view.table.width)
                if merged != texts and roles_of(merged) is not None:
                    texts, skip = merged, r + 1
            found = roles_of(texts)
            if found is not None or sum(1 for t in texts if t) >= 3:
                roles = found
                headers = {role: texts[c] for role, c in (roles or {}).items()}
            continue
        if roles is None or not_rows.match(view.row_labels[r]):
            continue
        cells = {role: view.cell(r, c) for role, c in roles.items()}
        if cells.get("prior") is None or not (cells.get("change") or cells.get("rate")):
            continue
        out.append(ComparisonRow(view.row_labels[r], view.table.index, r, cells, headers))
    return out
