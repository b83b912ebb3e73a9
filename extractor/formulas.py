"""Formulas a document states for its rates ("整体支出完成率=实际支出/(上年结转结余+实际收入)×100%")."""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractor.model import Document, Location, Paragraph
from extractor.normalize import compact, normalize

STATED = regex.compile(
    r"(?P<name>[\p{Han}“”\"]{2,20}率)[=＝](?P<expr>[\p{Han}“”\"()+\-−/÷]{3,120}?)"
    r"(?:[×x*]100%|(?=[;；。,，]|$))")
TOKEN = regex.compile(r"[()+\-−/÷]|[^()+\-−/÷]+")
QUALIFIER = regex.compile(r"\([^()+\-−/÷]*\)")


@dataclass(frozen=True)
class StatedFormula:
    """A rate's formula as the document prints it: the rate's name and its expression's terms in order."""

    name: str
    tokens: tuple[str, ...]
    text: str
    location: Location

    @property
    def terms(self) -> list[str]:
        return [t for t in self.tokens if t not in "()+-−/÷"]


def _parse(text: str, location: Location) -> list[StatedFormula]:
    out = []
    flat = compact(normalize(text).text).replace("“", "").replace("”", "").replace('"', "")
    for m in STATED.finditer(flat):
        tokens = tuple(TOKEN.findall(QUALIFIER.sub("", m.group("expr"))))
        if "/" not in tokens and "÷" not in tokens:
            continue
        out.append(StatedFormula(m.group("name"), tokens, m.group(), location))
    return out


def stated_formulas(doc: Document) -> list[StatedFormula]:
    """Every rate formula printed in the document's paragraphs and table cells, in reading order."""
    out: list[StatedFormula] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if "=" in block.text or "＝" in block.text:
                out += _parse(block.text, block.location())
            continue
        for row in block.rows:
            for cell in row:
                if "=" in cell.text or "＝" in cell.text:
                    out += _parse(cell.text, block.cell_location(cell))
    return out
