"""figure.out_of_range — a figure with more digits than the checks hold exactly (extractor.figures.MAX_DIGITS) is
named once, unverifiable; every check that would use it is left unverifiable too, and the rest of the document is
checked as usual.

Fails:  财政拨款收入999999999999999999999999999999万元 (30 digits): one unverifiable check (info) naming the figure,
        and every check that would add it up is unverifiable.
Passes: figures of up to 24 digits (万亿元 to the cent is 16): no check is recorded.
"""
from __future__ import annotations

from extractor.facts import Facts
from extractor.figures import MAX_DIGITS
from scoring.model import Check, Evidence

RULE = "figure.out_of_range"


def note(figure, quote: str, location) -> Check:
    return Check(rule=RULE, status="unverifiable", severity="info",
                 message=f"数字 {figure.raw} 超过 {MAX_DIGITS} 位，超出可核查范围，涉及它的核查均未进行。",
                 reported=figure.raw, unit=figure.unit, numbers=[figure.raw],
                 evidence=[Evidence(quote=quote, location=location)],
                 identity=(location.page, location.paragraph, location.table, location.row, location.col))


def check(facts: Facts) -> list[Check]:
    """A note for each figure out of range (Figure takes every such figure as approximate, so only those are asked)."""
    out = [note(f.figure, f.quote, f.location) for pf in facts.paragraphs for f in pf.facts
           if f.figure.approximate and f.figure.out_of_range]
    out += [note(c.figure, c.quote, c.location) for view in facts.tables for c in view.numbers.values()
            if c.figure.approximate and c.figure.out_of_range]
    return out
