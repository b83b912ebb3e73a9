"""Read a DOCX: paragraphs and tables in body order, merged cells once, text boxes and nested tables kept."""
from __future__ import annotations

import io
import zipfile

from extractor.model import Cell, Document, Paragraph, ReadError, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text(element) -> str:
    """Text of an element's runs, leaving out text boxes (read separately) and VML fallbacks."""
    parts = []
    for node in element.iter(W + "t", W + "tab", W + "br"):
        anc = node.getparent()
        skip = False
        while anc is not None and anc is not element:
            if anc.tag in (W + "txbxContent", MC_FALLBACK):
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _textboxes(element) -> list[str]:
    out = []
    for box in element.iter(W + "txbxContent"):
        anc = box.getparent()
        fallback = False
        while anc is not None:
            if anc.tag == MC_FALLBACK:
                fallback = True
                break
            anc = anc.getparent()
        if not fallback:
            out.extend(_text(p) for p in box.iter(W + "p"))
    return [t for t in out if t.strip()]


def _grid(tbl) -> tuple[list[list[Cell]], list]:
    """Resolve gridSpan and vMerge into a grid where merged positions are covered, not repeated."""
    rows: list[list[Cell]] = []
    nested = []
    vmerge_anchor: dict[int, Cell] = {}
    for r, tr in enumerate(tbl.findall(W + "tr")):
        row: list[Cell] = []
        col = 0
        for tc in tr.findall(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = int(gs.get(W + "val", "1") or 1)
                vm = tcpr.find(W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(W + "val", "continue")
            for inner in tc.findall(W + "tbl"):
                nested.append(inner)
            text = "\n".join(_text(p) for p in tc.findall(W + "p")).strip()
            if vmerge == "continue" and col in vmerge_anchor:
                anchor = vmerge_anchor[col]
                cell = Cell(text="", row=r, col=col, covered=True, anchor_text=anchor.text)
            else:
                cell = Cell(text=text, row=r, col=col)
                if vmerge == "restart":
                    vmerge_anchor[col] = cell
                else:
                    vmerge_anchor.pop(col, None)
            row.append(cell)
            for extra in range(1, span):
                row.append(Cell(text="", row=r, col=col + extra, covered=True,
                                anchor_text=cell.text or cell.anchor_text))
            col += span
        rows.append(row)
    return rows, nested


def read_docx(path: str, data: bytes) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError("corrupt", "DOCX 文件已损坏（不是有效的 zip） / corrupt DOCX: not a zip archive")
    if "word/document.xml" not in zf.namelist():
        raise ReadError("corrupt", "DOCX 缺少 word/document.xml / corrupt DOCX: no word/document.xml")
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(zf.read("word/document.xml"), parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError("corrupt", f"DOCX 内容无法解析 / corrupt DOCX XML: {exc}")
    body = root.find(W + "body")
    if body is None:
        raise ReadError("corrupt", "DOCX 没有正文 / corrupt DOCX: no body")
    blocks: list = []
    para = 0

    def add_table(tbl):
        rows, nested = _grid(tbl)
        blocks.append(Table(index=0, rows=rows))
        for inner in nested:
            add_table(inner)

    for child in body:
        if child.tag == W + "p":
            text = _text(child).strip()
            for line in [text] + _textboxes(child):
                if line.strip():
                    para += 1
                    blocks.append(Paragraph(index=para, text=line.strip()))
        elif child.tag == W + "tbl":
            add_table(child)
    return Document(path=path, format="docx", blocks=blocks)
