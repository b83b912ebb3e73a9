"""Turn the text layer of a budget-performance report into a DOCX for the jxcheck corpus.

Input: a UTF-8 TXT where each line is a paragraph and each run of consecutive
lines containing TAB characters is a table (TAB separates cells).
Output: a DOCX with one Word paragraph per non-empty line and one ruled
("Table Grid") Word table per tab-line run. Label cells are merged as in the
original reports: below the header rows (the first one or two rows, if they
hold no number), empty cells under a text label in columns 0-2 are merged
into it until the next filled cell in that column or a label to its left; in
the header rows, a text label absorbs the empty cells to its right. Cells
holding text or numbers are never merged together, and numbers never absorb.

Usage: python txt2docx.py IN.txt OUT.docx
"""

import re
import sys
import unicodedata

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "WenQuanYi Zen Hei"
BODY_SIZE = Pt(10.5)
TABLE_SIZE = Pt(8)
LABEL_COLUMNS = 3
MAX_WEIGHT = 48
NUMBER = re.compile(r"^[-+]?(\d[\d,]*)?(\.\d+)?%?$")


def is_number(text):
    text = text.strip()
    return bool(text) and any(ch.isdigit() for ch in text) and bool(NUMBER.match(text))


def is_label(text):
    return bool(text.strip()) and not is_number(text)


def next_is_table_line(lines, i):
    """True when the next non-blank line after line i is a table line (a table broken by a blank line)."""
    for line in lines[i + 1:]:
        if line.strip():
            return "\t" in line
    return False


def read_blocks(path):
    """Yield ("p", line) for paragraphs and ("t", rows) for tables."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    rows = []
    for i, line in enumerate(lines):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows and not line.strip() and next_is_table_line(lines, i):
            continue
        if rows:
            yield "t", rows
            rows = []
        if line.strip():
            yield "p", line
    if rows:
        yield "t", rows


def header_count(rows):
    """Count the leading rows (at most two) that hold no number."""
    count = 0
    while count < min(2, len(rows)) and not any(map(is_number, rows[count])):
        count += 1
    return count


def vertical_spans(rows, first):
    """Return (column, top, bottom) spans of a label and the empty cells below it."""
    spans = []
    for col in range(min(LABEL_COLUMNS, len(rows[0]))):
        anchor = None
        bottom = None
        for r in range(first, len(rows)):
            cell = rows[r][col]
            left_label = any(is_label(rows[r][c]) for c in range(col))
            if cell or left_label:
                if anchor is not None and bottom is not None:
                    spans.append((col, anchor, bottom))
                anchor = r if is_label(cell) else None
                bottom = None
            elif anchor is not None:
                bottom = r
        if anchor is not None and bottom is not None:
            spans.append((col, anchor, bottom))
    return spans


def horizontal_spans(rows, headers):
    """Return (row, left, right) spans of a header label and the empty cells after it.

    In the second header row a span stops under a label of the first one.
    """
    spans = []
    for r in range(headers):
        row = rows[r]
        col = 0
        while col < len(row):
            right = col
            while (right + 1 < len(row) and not row[right + 1]
                   and not (r and rows[r - 1][right + 1])):
                right += 1
            if right > col and is_label(row[col]):
                spans.append((r, col, right))
            col = right + 1
    return spans


def set_fonts(document):
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def set_page(document):
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))


def text_width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def set_widths(document, table, rows):
    """Share the text width among columns by their widest cell, capped."""
    section = document.sections[0]
    total = section.page_width - section.left_margin - section.right_margin
    weights = [min(max(text_width(row[c]) for row in rows), MAX_WEIGHT) + 8
               for c in range(len(rows[0]))]
    for c, weight in enumerate(weights):
        width = int(total * weight / sum(weights))
        table.columns[c].width = width
        for cell in table.columns[c].cells:
            cell.width = width


def add_table(document, rows):
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    set_widths(document, table, rows)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                run = table.cell(r, c).paragraphs[0].add_run(text)
                run.font.size = TABLE_SIZE
    headers = header_count(rows)
    for col, top, bottom in vertical_spans(rows, headers):
        merge(table.cell(top, col), table.cell(bottom, col), rows[top][col])
    for r, left, right in horizontal_spans(rows, headers):
        merge(table.cell(r, left), table.cell(r, right), rows[r][left])
    return table


def merge(first, last, label):
    merged = first.merge(last)
    for paragraph in merged.paragraphs[1:]:
        if not paragraph.text:
            paragraph._element.getparent().remove(paragraph._element)
    if merged.text != label:
        raise ValueError(f"merge changed label {label!r} to {merged.text!r}")
    return merged


def convert(source, target):
    document = Document()
    set_fonts(document)
    set_page(document)
    for kind, content in read_blocks(source):
        if kind == "p":
            document.add_paragraph(content)
        else:
            add_table(document, content)
    document.save(target)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    convert(argv[1], argv[2])


if __name__ == "__main__":
    main(sys.argv)
