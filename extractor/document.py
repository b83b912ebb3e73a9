"""Open any supported file as a Document: format detection, limits, and the steps common to all readers."""
from __future__ import annotations

import hashlib
import os

import regex

from extractor.limits import DEFAULT, Limits
from extractor.model import Document, DocumentError, Paragraph, ReadError, Table
from extractor.normalize import compact

UNIT_CAPTION = regex.compile(r"单位[:：]\s*(万元|元|亿元|千元)")


def detect_format(path: str, head: bytes) -> str:
    """The format by content first, extension second."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if ext != "zip" else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if ext in ("pdf", "docx"):
        return ext
    return "txt" if ext in ("txt", "text", "csv", "") else ext


def _stitch(blocks: list) -> list:
    """Join a table with the table right after it when nothing lies between and the widths agree."""
    out: list = []
    for block in blocks:
        prev = out[-1] if out else None
        if isinstance(block, Table) and isinstance(prev, Table) and block.width == prev.width and block.rows:
            header = [c.text for c in prev.rows[0]]
            rows = block.rows
            if [c.text for c in rows[0]] == header:
                rows = rows[1:]
            for row in rows:
                for cell in row:
                    if cell.page is None:
                        cell.page = block.page
                prev.rows.append(row)
            for r, row in enumerate(prev.rows):
                for cell in row:
                    cell.row = r
            continue
        out.append(block)
    return out


def _finish(doc: Document) -> Document:
    """Stitch continued tables, number tables, and give each table the unit its caption states."""
    doc.blocks = _stitch([b for b in doc.blocks if not (isinstance(b, Table) and not b.rows)])
    last_unit = None
    t_index = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            m = UNIT_CAPTION.search(compact(block.text))
            last_unit = m.group(1) if m else None
            continue
        t_index += 1
        block.index = t_index
        unit = last_unit
        for row in block.rows[:2]:
            for cell in row:
                m = UNIT_CAPTION.search(compact(cell.text)) or regex.search(r"[（(](万元|元|亿元)[)）]", cell.text)
                if m:
                    unit = m.group(1)
        block.unit = unit
        last_unit = None
    return doc


def read_document(path: str, limits: Limits = DEFAULT) -> Document:
    """Read a file into a Document; any failure becomes a Document with an error, never an exception."""
    fmt = os.path.splitext(path)[1].lower().lstrip(".") or "txt"
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            raise ReadError("too_large", f"文件过大（{size} 字节） / file too large ({size} bytes)")
        with open(path, "rb") as fh:
            data = fh.read()
    except ReadError as exc:
        return Document(path=path, format=_schema_format(fmt), error=DocumentError(exc.code, exc.message))
    except OSError as exc:
        return Document(path=path, format=_schema_format(fmt),
                        error=DocumentError("unreadable", f"无法读取文件 / cannot read file: {exc.strerror}"))
    sha = hashlib.sha256(data).hexdigest()
    fmt = detect_format(path, data[:8])
    doc = Document(path=path, format=_schema_format(fmt), sha256=sha)
    try:
        if not data:
            raise ReadError("unreadable", "空文件 / empty file")
        if fmt == "pdf":
            from extractor.readers.pdf import read_pdf
            read = read_pdf(path, data, max_pages=limits.max_pages)
        elif fmt == "docx":
            from extractor.readers.docx import read_docx
            read = read_docx(path, data)
        elif fmt == "txt":
            from extractor.readers.txt import read_txt
            read = read_txt(path, data)
        else:
            raise ReadError("unsupported_format",
                            f"不支持的格式 .{fmt}，请另存为 DOCX、PDF 或 TXT / unsupported format .{fmt}")
    except ReadError as exc:
        doc.error = DocumentError(exc.code, exc.message)
        return doc
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the other files
        doc.error = DocumentError("internal", f"读取时内部错误 / internal error while reading: {type(exc).__name__}: {exc}")
        return doc
    read.sha256 = sha
    read.format = doc.format
    return _finish(read)


def _schema_format(fmt: str) -> str:
    return fmt if fmt in ("pdf", "docx", "doc", "txt", "html") else "txt"
