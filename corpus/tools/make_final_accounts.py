"""Build the 部门决算 / 部门预算 documents of corpus/final-accounts from their specs.

Each specs/NAME.yaml holds one whole document as printed: title, unit, year, kind (部门决算 / 部门预算),
source, landscape (the base page orientation), then `blocks`, the document in reading order:

  {heading: TEXT}                     a bold centred line (cover and part titles)
  {para: TEXT}                        a body paragraph (情况说明 prose)
  {pagebreak: true}                   start a new page
  {table: {...}}                      one ruled table:
      title:      the table's title paragraph (bold, centred)
      caption:    optional line above the table, left part (编制部门：…)
      unit:       the 单位 line (单位：万元 / 单位：元), printed right-aligned
      landscape:  true / false to print this table on landscape / portrait pages (default: the base)
      new_page:   true to start the table on a new page
      widths:     relative column widths (any numbers; scaled to the text width)
      header:     header rows (repeated on every page the table runs onto)
      rows:       body rows, every cell exactly as printed ("" = empty cell)
      code_cols:  indexes of the 科目编码 columns (printed left-aligned, never as amounts)
      notes:      lines printed under the table (注：…, 说明：…)

Inside header and body rows "<" merges a cell into its left neighbour and "^" into the cell above,
so merged header cells become real Word merges (gridSpan / vMerge through python-docx `cell.merge`).
In body rows amount cells (digits, separators, a sign, a trailing %) are right-aligned and all other
cells left-aligned; header cells are centred. Every DOCX is then converted to NAME.pdf with one
LibreOffice call; long tables break across pages with their header rows repeated (w:tblHeader).

Usage: python make_final_accounts.py [SPEC_DIR [OUT_DIR]]
"""

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from txt2docx import set_fonts  # noqa: E402 - the corpus DOCX files share one body font
from make_project_tables import build_all, fill_rectangle, rectangles  # noqa: E402 - the same spec → DOCX → PDF run

LEFT = "<"
UP = "^"
TABLE_SIZE = Pt(8)
BODY_SIZE = 10.5
AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?%?$")

HERE = Path(__file__).resolve().parent
DEFAULT_SPECS = HERE.parent / "final-accounts" / "specs"

A4 = (Mm(210), Mm(297))
MARGIN = Mm(16)


def orient(section, landscape):
    width, height = A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def text_width(document):
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def add_paragraph(document, text, size=BODY_SIZE, bold=False, align=None, indent=False, keep=False):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = keep
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    return paragraph


def repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def keep_row_together(row):
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:cantSplit")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def add_table(document, spec):
    header = [list(map(str, row)) for row in spec.get("header") or []]
    body = [["" if cell is None else str(cell) for cell in row] for row in spec.get("rows") or []]
    rows = header + body
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError(f"{spec.get('title')}: every row must have {width} cells")
    weights = spec.get("widths") or [1] * width
    if len(weights) != width:
        raise ValueError(f"{spec.get('title')}: {len(weights)} widths for {width} columns")
    total = text_width(document)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.autofit = False
    for c, weight in enumerate(weights):
        column_width = int(total * weight / sum(weights))
        table.columns[c].width = column_width
        for cell in table.columns[c].cells:
            cell.width = column_width
    for r in range(len(header)):
        repeat_header(table.rows[r])
    for row in table.rows:
        keep_row_together(row)
    code_cols = set(spec.get("code_cols") or [])
    for top, left, bottom, right, text in rectangles(rows):
        cell, paragraph, run = fill_rectangle(table, (top, left, bottom, right), text, TABLE_SIZE)
        if run is not None and top < len(header):
            run.bold = True
        if top >= len(header) and left in code_cols:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        elif top >= len(header) and AMOUNT.match(text):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif top >= len(header):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if cell.text != text:
            raise ValueError(f"merge changed {text!r} to {cell.text!r}")
    return table


def start_section(document, landscape):
    section = document.add_section(WD_SECTION.NEW_PAGE)
    orient(section, landscape)


def build_docx(spec, target):
    document = Document()
    set_fonts(document)
    base_landscape = bool(spec.get("landscape"))
    orient(document.sections[0], base_landscape)
    current = base_landscape
    for block in spec["blocks"]:
        wanted = bool(block["table"].get("landscape", base_landscape)) if "table" in block else base_landscape
        if wanted != current:
            start_section(document, wanted)
            current = wanted
        elif "table" in block and block["table"].get("new_page"):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if "heading" in block:
            add_paragraph(document, block["heading"], block.get("size", 15), True, WD_ALIGN_PARAGRAPH.CENTER)
        elif "para" in block:
            add_paragraph(document, block["para"], indent=True)
        elif "pagebreak" in block:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif "table" in block:
            table = block["table"]
            add_paragraph(document, table["title"], 13, True, WD_ALIGN_PARAGRAPH.CENTER, keep=True)
            if table.get("caption"):
                add_paragraph(document, table["caption"], 9, False, WD_ALIGN_PARAGRAPH.LEFT, keep=True)
            if table.get("unit"):
                add_paragraph(document, table["unit"], 9, False, WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
            add_table(document, table)
            for note in table.get("notes") or []:
                add_paragraph(document, note, 9)
        else:
            raise ValueError(f"unknown block {block!r}")
    document.save(target)


def main(argv):
    build_all(argv, build_docx, DEFAULT_SPECS, __doc__.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv)
