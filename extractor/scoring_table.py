"""Scoring tables (评分表): each indicator row's name, weight, 评分标准, 扣分说明 and score.

Rows are read by what their cells hold, not only by the header, because lossy text layers shift cells
(the 2018 seed's table puts weights and names one column off in some rows). A weight is taken only from
the number beside the indicator's name, never from a header column that the row may not line up with. A row without a name,
figure or score that only continues texts (a row broken by a page) is joined to the row above.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

from extractor.figures import Figure, parse_cell
from extractor.model import Cell, Location, Table
from extractor.normalize import compact

HEADER = regex.compile(r"评分标准|评分依据|评分办法|评分细则|评分规则")
DESCRIPTION = regex.compile(r"指标说明|指标解释|指标内涵|计算公式|考核内容")
SCORE_HEADER = regex.compile(r"得分")
AWARD = regex.compile(r"得\d|扣\d|满分|不得分|得分=|计\d")
PLACEHOLDER = regex.compile(r"^(?:名称|权重\(?%?\)?|分值|指标|[一二三]级指标(?:名称)?|评价指标|序号)$")


@dataclass
class CellRef:
    """Text of one cell with its location."""

    text: str
    location: Location


@dataclass
class ScoringRow:
    """One indicator row of a scoring table."""

    table: int
    row: int
    name: Optional[CellRef]
    weight: Optional[tuple[Figure, Location]]
    rule: CellRef
    note: Optional[CellRef]
    score: Optional[tuple[Figure, Location]]

    def quote(self) -> str:
        parts = [self.name.text if self.name else "", self.rule.text[:30],
                 self.note.text[:20] if self.note else "", self.score[0].raw if self.score else ""]
        return " | ".join(p for p in parts if p)[:80]


def is_scoring_table(table: Table) -> bool:
    head = "".join(compact(c.text or c.anchor_text) for row in table.rows[:3] for c in row)
    return bool(HEADER.search(head) and SCORE_HEADER.search(head))


def _plain_number(text: str) -> Optional[Figure]:
    fig = parse_cell(text) if text.strip() else None
    if fig is None or fig.kind not in ("number", "score"):
        return None
    return fig


def _join_continuations(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows that only continue the texts of the row above are folded into it (texts, not cells)."""
    out: list[list[Cell]] = []
    for row in rows:
        texts = [c.text.strip() for c in row]
        filled = [t for t in texts if t]
        continues = (out and filled and not any(parse_cell(t) for t in filled)
                     and not any(len(compact(t)) <= 12 and not AWARD.search(t) for t in filled))
        if continues:
            prev = out[-1]
            merged = []
            for c, cell in enumerate(prev):
                extra = texts[c] if c < len(texts) else ""
                merged.append(Cell(cell.text + extra if extra else cell.text, cell.row, cell.col, cell.page,
                                   cell.covered and not extra, cell.anchor_text))
            out[-1] = merged
            continue
        out.append(row)
    return out


def _header_column(table: Table, pattern) -> Optional[int]:
    for row in table.rows[:3]:
        for c, cell in enumerate(row):
            if pattern.search(compact(cell.text)):
                return c
    return None


def scoring_rows(table: Table) -> list[ScoringRow]:
    """The indicator rows of a scoring table that carry a 评分标准."""
    header_rule_col = _header_column(table, HEADER)
    header_desc_col = _header_column(table, DESCRIPTION)
    out = []
    for row in _join_continuations(table.rows):
        texts = [compact(c.text) for c in row]
        awarding = [c for c, t in enumerate(texts) if AWARD.search(t) and not HEADER.search(t)]
        if not awarding and header_rule_col is not None and header_rule_col < len(row) and \
                len(texts[header_rule_col]) > 4 and not HEADER.search(texts[header_rule_col]) and \
                any(_plain_number(c.text) for c in row[header_rule_col + 1:]):
            awarding = [header_rule_col]
        if not awarding:
            continue
        rule_col = header_rule_col if header_rule_col in awarding else max(awarding, key=lambda c: len(AWARD.findall(texts[c])))
        score_col = next((c for c in range(len(row) - 1, rule_col, -1) if _plain_number(row[c].text)), None)
        note_cols = [c for c in range(rule_col + 1, score_col if score_col is not None else len(row)) if texts[c]]
        desc_col = (header_desc_col + rule_col - header_rule_col
                    if header_desc_col is not None and header_rule_col is not None else None)
        name_col = next((c for c in range(rule_col - 1, -1, -1)
                         if c != desc_col and texts[c] and not parse_cell(row[c].text) and len(texts[c]) <= 20
                         and not PLACEHOLDER.match(texts[c])), None)
        weight_col = None
        if name_col is not None:
            weight_col = next((c for c in (name_col - 1, name_col + 1)
                               if 0 <= c < rule_col and _plain_number(row[c].text)), None)
        loc = table.cell_location
        out.append(ScoringRow(
            table=table.index, row=row[rule_col].row + 1,
            name=CellRef(texts[name_col], loc(row[name_col])) if name_col is not None else None,
            weight=(_plain_number(row[weight_col].text), loc(row[weight_col])) if weight_col is not None else None,
            rule=CellRef(row[rule_col].text, loc(row[rule_col])),
            note=CellRef(" ".join(row[c].text.strip() for c in note_cols), loc(row[note_cols[0]])) if note_cols else None,
            score=(_plain_number(row[score_col].text), loc(row[score_col])) if score_col is not None else None))
    return out


TOTAL_ROW = regex.compile(r"^(?:合计|总计|总分|得分合计|综合得分)$")


def scoring_total(table: Table) -> Optional[tuple[Figure, Location]]:
    """The total score a scoring table prints in its 合计/总分 row (the row's last number)."""
    for row in table.rows:
        texts = [compact(c.text) for c in row if c.text.strip()]
        if texts and TOTAL_ROW.match(texts[0]):
            cell = next((c for c in reversed(row) if _plain_number(c.text)), None)
            if cell is not None:
                return _plain_number(cell.text), table.cell_location(cell)
    return None
