"""Read a plain-text report: detect the encoding, turn tab- or '|'-separated lines into tables."""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from extractor.model import Cell, Document, Paragraph, ReadError, Table


def decode(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOMs first, then UTF-16 without BOM, UTF-8, detection, GB18030."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    sample = data[:4000]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0)
        odd_nul = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nul > half * 0.3 and even_nul < half * 0.05:
            return data.decode("utf-16-le", errors="replace")
        if even_nul > half * 0.3 and odd_nul < half * 0.05:
            return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    raise ReadError("unreadable", "无法识别文本编码 / cannot detect the text encoding")


def split_cells(line: str) -> list[str] | None:
    """The cells of a table line (tab- or '|'-separated), or None for a prose line."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    if "|" in line:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        while cells and cells[-1] == "":
            cells.pop()
        return cells
    return None


def build_blocks(lines: list[str]) -> tuple[list, int]:
    """Group lines into paragraphs and tables; a table continues across blank lines."""
    blocks: list = []
    para_index = 0
    table_rows: list[list[str]] = []

    def flush_table():
        nonlocal table_rows
        if table_rows:
            rows = [[Cell(text=t, row=r, col=c) for c, t in enumerate(cells)]
                    for r, cells in enumerate(table_rows)]
            blocks.append(Table(index=0, rows=rows))
            table_rows = []

    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        cells = split_cells(line)
        if cells is not None:
            table_rows.append(cells)
        elif not line.strip():
            if table_rows:
                j = i + 1
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and split_cells(lines[j]) is not None:
                    i = j
                    continue
                flush_table()
        else:
            flush_table()
            para_index += 1
            blocks.append(Paragraph(index=para_index, text=line.strip()))
        i += 1
    flush_table()
    return blocks, para_index


def read_txt(path: str, data: bytes) -> Document:
    text = decode(data).replace("\x00", "")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks, _ = build_blocks(lines)
    return Document(path=path, format="txt", blocks=blocks)
