"""Open any supported file as a Document: format detection, limits, and the steps common to all readers.

Every failure becomes a Document whose error has a schema code and a one-line Chinese / English message
that says what to do; read_document never raises."""
from __future__ import annotations

import hashlib
import os
import stat
from typing import Optional

import regex

from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Document, DocumentError, Paragraph, ReadError, Table
from extractor.normalize import compact
from extractor.script import simplify_document

UNIT_CAPTION = regex.compile(r"单位[:：]\s*(万元|元|亿元|千元)")
BRACKETED_UNIT = regex.compile(r"[（(](万元|元|亿元)[)）]")
CAPTION_START = regex.compile(r"单[\s\u3000“”‘’\"'「」]*位")
OLE = b"\xd0\xcf\x11\xe0"
IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")
LEGACY_EXT = {"doc", "dot", "wps", "wpt", "rtf"}
SHEET_EXT = {"xls", "xlsx", "xlsm", "et", "ods"}
SLIDE_EXT = {"ppt", "pptx", "dps", "odp"}
IMAGE_EXT = {"png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"}
ARCHIVE_EXT = {"zip", "rar", "7z", "gz", "tgz"}
TEXT_SNIFF = 65536
TEXT_MIN_HAN = 4
SCHEMA_FORMAT = {"pdf": "pdf", "docx": "docx", "doc": "doc", "txt": "txt", "doc_text": "txt", "html": "html",
                 "image": "image", "sheet_ooxml": "xlsx", "slides_ooxml": "docx", "odf": "docx",
                 "encrypted_office": "doc", "sheet_ole": "xls", "slides_ole": "doc", "archive": "txt"}
"""Kinds the schema's format enum lacks are reported by container: OOXML/ODF zip as docx, OLE as doc."""
NOT_A_FILE = ("不是普通文件（文件夹、设备或管道），请指定报告文件 / "
              "not a regular file (folder, device or pipe): give a report file")
MESSAGES = {
    "slides": "演示文稿不在检查范围：请导出为 PDF 后再检查 / presentations are not supported: export to PDF",
    "odf": ("OpenDocument 文件请在 WPS/LibreOffice 中另存为 DOCX（文字）或 XLSX（表格） / "
            "OpenDocument file: save it as DOCX (text) or XLSX (spreadsheet)"),
    "archive": ("压缩包不是报告文件：请解压后逐个检查（zip 可用 jxcheck batch 直接检查） / "
                "archive, not a report: extract it first (jxcheck batch reads zip archives)"),
    "image": ('图片文件，无文字层，请安装文字识别扩展（pip install "jxcheck[ocr]"）后再检查，或提供文字版 / '
              'image file without a text layer: install the OCR extra (pip install "jxcheck[ocr]") or provide a text version'),
    "encrypted_office": ("Office 文档已加密（设置了打开密码），请在 Word/WPS 中去除密码后另存为 DOCX / "
                         "encrypted Office document: remove the password in Word/WPS and save as DOCX"),
}


def _ext(path: str) -> str:
    return os.path.splitext(path)[1].lower().lstrip(".")


def _kind_by_ext(ext: str) -> str:
    if ext in ("pdf", "docx", "txt"):
        return ext
    if ext in LEGACY_EXT:
        return "doc"
    if ext in ("html", "htm", "mht", "mhtml"):
        return "html"
    if ext in IMAGE_EXT:
        return "image"
    if ext in SHEET_EXT:
        return "sheet_ooxml" if ext in ("xlsx", "xlsm", "ods") else "sheet_ole"
    if ext in SLIDE_EXT:
        return "slides_ooxml" if ext in ("pptx", "odp") else "slides_ole"
    if ext in ARCHIVE_EXT:
        return "archive"
    return "txt"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_kind(data: bytes, ext: str) -> str:
    """What an OLE compound file holds, by its stream names: encrypted OOXML, Word, Excel or PowerPoint."""
    if _utf16("EncryptedPackage") in data:
        return "encrypted_office"
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return "sheet_ole"
    if _utf16("PowerPoint Document") in data:
        return "slides_ole"
    kind = _kind_by_ext(ext)
    return kind if kind in ("doc", "sheet_ole", "slides_ole") else "doc"


def _zip_kind(data: bytes, ext: str, limits: Limits) -> str:
    """What a zip holds: a Word document, a spreadsheet, slides, an OpenDocument file, or a plain archive."""
    from extractor.readers.docx import open_zip
    names = set(open_zip(data, limits, ext.upper() if ext in ("docx", "xlsx", "pptx") else "DOCX").namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "sheet_ooxml"
    if "ppt/presentation.xml" in names:
        return "slides_ooxml"
    if "mimetype" in names and "content.xml" in names:
        return "odf"
    return "docx" if ext in ("docx", "doc", "wps") else "archive"


def detect_format(path: str, data: bytes, limits: Limits = DEFAULT) -> str:
    """The kind of file by content first, extension second (see SCHEMA_FORMAT for the kinds)."""
    ext = _ext(path)
    head = data[:1024]
    if data.startswith(b"%PDF") or (b"%PDF-" in head and ext == "pdf"):
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, ext, limits)
    if data.startswith(OLE):
        return _ole_kind(data, ext)
    if head.lstrip()[:5] == b"{\\rtf":
        return "doc"
    if data.startswith(IMAGES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(ARCHIVES):
        return "archive"
    kind = _kind_by_ext(ext)
    if kind in ("txt", "doc", "html", "pdf", "docx", "sheet_ooxml", "sheet_ole", "slides_ooxml", "slides_ole"):
        if _looks_html(head):
            return "html"
        if kind == "html":
            return "html" if b"<" in data[:TEXT_SNIFF] else "txt"
    if kind in ("pdf", "docx", "sheet_ooxml", "sheet_ole", "slides_ooxml", "slides_ole") and _looks_text(data):
        return "txt"
    return "doc_text" if kind == "doc" else kind


def is_mime_page(head: bytes) -> bool:
    """A MIME web archive by its headers: a MIME-Version line and a multipart/related or HTML content type."""
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return not lowered.startswith(b"<") and b"mime-version:" in lowered and (
        b"multipart/related" in lowered or b"text/html" in lowered)


def _looks_html(head: bytes) -> bool:
    """A web page or a MIME web archive, by its first bytes (without importing the web page reader)."""
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or is_mime_page(head):
        return True
    return lowered.startswith(b"<") and any(tag in lowered for tag in (b"<html", b"<body", b"<table", b"<meta"))


def _looks_text(data: bytes) -> bool:
    """Plain text in Chinese, whatever the file's name says: it decodes cleanly and holds Chinese characters."""
    from extractor.readers.txt import _decode, _junk_share
    text = _decode(data[:TEXT_SNIFF])
    return _junk_share(text) < 0.01 and sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= TEXT_MIN_HAN


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


def _caption_unit(text: str):
    """The unit a '单位：万元' caption states, looking only near each '单位' so a huge paragraph stays cheap."""
    for k, m in enumerate(CAPTION_START.finditer(text)):
        if k >= 50:
            break
        found = UNIT_CAPTION.search(compact(text[m.start():m.end() + 40]))
        if found:
            return found.group(1)
    return None


def _finish(doc: Document) -> Document:
    """Simplify traditional script, stitch continued tables, number tables, and give each table the unit its
    caption states."""
    simplify_document(doc)
    doc.blocks = _stitch([b for b in doc.blocks if not (isinstance(b, Table) and not b.rows)])
    last_unit = None
    t_index = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            last_unit = _caption_unit(block.text)
            continue
        t_index += 1
        block.index = t_index
        unit = last_unit
        for row in block.rows[:2]:
            for cell in row:
                m = UNIT_CAPTION.search(compact(cell.text)) or BRACKETED_UNIT.search(cell.text)
                if m:
                    unit = m.group(1)
        block.unit = unit
        last_unit = None
    return doc


def _read_bytes(path: str, limits: Limits) -> bytes:
    """The file's bytes, refusing what is not a regular file or is larger than the limit.

    The file is opened without blocking and checked through its descriptor, so a pipe or device put
    in its place cannot stall the read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ReadError("unreadable", "文件不存在，请检查路径 / file not found: check the path") from None
    except PermissionError:
        raise ReadError("unreadable", "没有读取权限，请检查文件权限 / "
                                      "permission denied: check the file permissions") from None
    except IsADirectoryError:
        raise ReadError("unreadable", NOT_A_FILE) from None
    except (OSError, ValueError) as exc:
        raise ReadError("unreadable", f"无法打开文件，请检查路径 / cannot open the file: {exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("unreadable", NOT_A_FILE)
        if info.st_size > limits.max_bytes:
            raise _too_big(info.st_size, limits)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise ReadError("unreadable", f"无法读取文件，请检查文件或磁盘 / "
                                      f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limits.max_bytes:
        raise _too_big(len(data), limits)
    if not data:
        raise ReadError("unreadable", "空文件（0 字节），请检查文件是否完整保存或复制 / "
                                      "empty file (0 bytes): check that it was saved or copied completely")
    return data


def _too_big(size: int, limits: Limits) -> ReadError:
    mb = 1024 * 1024
    have, most = f"{size / mb:.1f} MB", f"{limits.max_bytes / mb:.0f} MB"
    return ReadError("too_large", f"文件过大（{have}，上限 {most}），请拆分文件或提高大小上限 / "
                                  f"file too large ({have} > {most}): split it or raise the size limit")


def _one_line(message: str, limit: int = 400) -> str:
    """A message on one line, long library details cut."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _read(kind: str, path: str, data: bytes, limits: Limits, deadline: Deadline) -> Document:
    if kind == "pdf":
        from extractor.readers.pdf import read_pdf
        return read_pdf(path, data, limits, deadline)
    if kind == "docx":
        from extractor.readers.docx import read_docx
        return read_docx(path, data, limits, deadline)
    if kind == "txt":
        from extractor.readers.txt import read_txt
        return read_txt(path, data, limits, deadline)
    if kind == "doc":
        from extractor.readers.doc import read_doc
        suffix = ".rtf" if data[:1024].lstrip()[:5] == b"{\\rtf" else ".doc"
        return read_doc(path, data, limits, deadline, suffix)
    if kind == "doc_text":
        from extractor.readers.txt import read_txt
        try:
            return read_txt(path, data, limits, deadline)
        except ReadError as exc:
            if exc.code != "unreadable":
                raise
            raise ReadError("corrupt", "不是有效的 Word 文档，请用 Word/WPS 打开后另存为 DOCX / "
                                       "not a valid Word document: open it in Word/WPS and save as DOCX") from None
    if kind == "html":
        from extractor.readers.html import read_html
        return read_html(path, data, limits, deadline)
    if kind == "sheet_ooxml":
        from extractor.readers.sheet import read_xlsx
        return read_xlsx(path, data, limits, deadline)
    if kind == "sheet_ole":
        from extractor.readers.sheet import read_xls
        return read_xls(path, data, limits, deadline)
    if kind == "image":
        from extractor.readers import ocr
        if ocr.available():
            return ocr.read_image(path, data, limits, deadline)
        raise ReadError("no_text_layer", MESSAGES["image"])
    if kind == "encrypted_office":
        raise ReadError("encrypted", MESSAGES["encrypted_office"])
    family = kind.split("_")[0]
    raise ReadError("unsupported_format", MESSAGES.get(family, MESSAGES["archive"]))


def read_document(path: str, limits: Limits = DEFAULT, deadline: Optional[Deadline] = None) -> Document:
    """Read a file into a Document; any failure becomes a Document with an error, never an exception.

    The deadline (by default limits.timeout_seconds from now) may be shared with the checking that follows."""
    deadline = deadline or Deadline(limits.timeout_seconds)
    doc = Document(path=path, format=SCHEMA_FORMAT.get(_kind_by_ext(_ext(path)), "txt"))
    try:
        data = _read_bytes(path, limits)
        doc.sha256 = hashlib.sha256(data).hexdigest()
        kind = detect_format(path, data, limits)
        doc.format = SCHEMA_FORMAT.get(kind, "txt")
        read = _finish(_read(kind, path, data, limits, deadline))
        if not read.text().strip():
            raise ReadError("unreadable", "文件中没有文字内容，请检查文件 / the file holds no text: check it")
    except ReadError as exc:
        doc.error = DocumentError(exc.code, _one_line(exc.message))
        return doc
    except MemoryError:
        doc.error = DocumentError("too_large", "读取时内存不足，请拆分文件 / out of memory while reading: split the file")
        return doc
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the other files
        doc.error = DocumentError("internal", _one_line(f"读取时内部错误，请把文件反馈给开发者 / internal error while reading, "
                                                        f"please report it with the file: {type(exc).__name__}: {exc}"))
        return doc
    read.sha256 = doc.sha256
    read.format = doc.format
    return read
