"""document.hygiene — what a reviewer flags first in a filled report: placeholders left in, a 决算 dated in
another year, a table stated as empty that holds figures. Warnings, never errors.

Fails:  本部门2024年度收入XX万元 in a filled report; 截至2023年12月31日 in a 2024 部门决算; 注：本部门无“三公”经费预算，
        故本表为空表 under a 三公 table that prints 47.91.
Passes: 截至2024年12月31日 in a 2024 部门决算; a blank template full of XX (nothing is filled, nothing to flag).
The words are patterns/documents.yaml (hygiene).
"""
from __future__ import annotations

from functools import lru_cache

import regex

import patterns
from extractor.facts import Facts
from extractor.model import Location
from extractor.statements import statement_tables
from scoring.model import Check, Evidence

RULE = "document.hygiene"


@lru_cache(maxsize=1)
def _spec() -> dict:
    d = patterns.load("documents")["hygiene"]
    return {"placeholder": regex.compile(d["placeholder"]), "min_figures": d["min_figures"],
            "final_title": regex.compile(d["final_accounts_title"]),
            "years": [regex.compile(p) for p in d["final_accounts_years"]]}


def _finding(message: str, reported: str, expected, quote: str, location: Location) -> Check:
    return Check(rule=RULE, status="fail", severity="warning", message=message, reported=reported,
                 expected=expected, numbers=[reported], evidence=[Evidence(quote=quote, location=location)],
                 identity=(location.page, location.paragraph, location.table, location.row, location.col, reported))


def _quote(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 20):end + 20].split())[:80]


def _filled(facts: Facts) -> bool:
    figures = sum(1 for pf in facts.paragraphs for f in pf.facts if f.figure.kind == "amount")
    figures += sum(len(s.figures()) for s in facts.statements)
    read = statement_tables(facts.statements)
    figures += sum(1 for v in facts.tables if v.table.index not in read
                   for c in v.numbers.values() if c.figure.kind == "amount")
    return figures >= _spec()["min_figures"]


def _placeholders(facts: Facts) -> list[Check]:
    """One finding for the placeholders a document leaves in, with every place as evidence."""
    found = [(m.group(), _quote(pf.paragraph.text, m.start(), m.end()), pf.paragraph.location())
             for pf in facts.paragraphs for m in _spec()["placeholder"].finditer(pf.paragraph.text)]
    if not found:
        return []
    first = found[0][0]
    more = f"等 {len(found)} 处" if len(found) > 1 else ""
    return [Check(rule=RULE, status="fail", severity="warning", message=f"文中留有占位符“{first}”{more}，模板未填写完整。",
                  reported=first, numbers=[first], evidence=[Evidence(quote=q, location=loc) for _, q, loc in found],
                  identity=("placeholder",))]


def _years(facts: Facts) -> list[Check]:
    spec = _spec()
    if facts.year is None or not any(spec["final_title"].search(s.title) for s in facts.statements):
        return []
    out = []
    for pf in facts.paragraphs:
        text = pf.paragraph.text
        for pattern in spec["years"]:
            for m in pattern.finditer(text):
                year = int(m.group("year"))
                if year != facts.year:
                    out.append(_finding(f"{facts.year}年度决算中写作“{' '.join(m.group().split())}”，年份与报告年度不符。",
                                        m.group("year"), str(facts.year), _quote(text, m.start(), m.end()),
                                        pf.paragraph.location()))
    return out


def _empty_but_filled(facts: Facts) -> list[Check]:
    out = []
    for stmt in facts.statements:
        if stmt.empty_note is None:
            continue
        filled = [c for c in stmt.figures() if c.figure.value != 0]
        if filled:
            first = filled[0]
            note = " ".join(stmt.empty_note.text.split())[:60]
            out.append(Check(rule=RULE, status="fail", severity="warning",
                             message=f"表{stmt.tables[0]}（{stmt.title}）下注明“{note}”，但表中填有 {first.figure.raw} 等"
                                     f" {len(filled)} 个非零数字，表与说明矛盾。",
                             reported=first.figure.raw, unit=first.figure.unit, numbers=[first.figure.raw],
                             evidence=[Evidence(quote=first.quote, location=first.location),
                                       Evidence(quote=note, location=stmt.empty_note.location())],
                             identity=("empty", stmt.tables[0])))
    return out


def check(facts: Facts) -> list[Check]:
    if not _filled(facts):
        return []
    return _placeholders(facts) + _years(facts) + _empty_but_filled(facts)
