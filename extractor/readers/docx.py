"""Read a DOCX: paragraphs and tables in body order, merged cells once, text boxes and nested tables kept.

The archive is opened under limits: member count, declared and actual decompressed size, compression
ratio and XML depth; the XML parser resolves no entities and loads no DTD or network resource."""
from __future__ import annotations

import io
import struct
import zipfile
from typing import Optional

import regex

from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Cell, Document, Paragraph, Picture, ReadError, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_SPAN = 64
PICTURES = (W + "drawing", W + "pict", W + "object")
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
PICTURE_URIS = ("http://schemas.openxmlformats.org/drawingml/2006/picture",
                "http://schemas.openxmlformats.org/drawingml/2006/chart")
EMU_PER_CM = 360000
CM_PER_UNIT = {"pt": 2.54 / 72, "in": 2.54, "cm": 1.0, "mm": 0.1, "px": 2.54 / 96, "pc": 2.54 / 6}
PICTURE_MIN_CM = (7.0, 3.0)


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
            parts.append((node.text or "") + "".join(child.tail or "" for child in node))
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


def _in_fallback(element) -> bool:
    anc = element.getparent()
    while anc is not None:
        if anc.tag == MC_FALLBACK:
            return True
        anc = anc.getparent()
    return False


def _vml_length(style: str, name: str) -> Optional[float]:
    m = regex.search(rf"(?:^|;)\s*{name}\s*:\s*([\d.]+)\s*(pt|in|cm|mm|px|pc)?", style)
    if not m:
        return None
    try:
        return float(m.group(1)) * CM_PER_UNIT[m.group(2) or "px"]
    except ValueError:
        return None


def _picture_size(element) -> Optional[tuple[float, float]]:
    """The printed size in cm of a w:drawing that holds a picture or a chart, or of a VML picture or embedded
    object (w:pict with an image, w:object); None for a text box or a plain shape, or without a size."""
    if element.tag == W + "drawing":
        data = element.find(f".//{A}graphicData")
        extent = element.find(f".//{WP}extent")
        if data is None or data.get("uri") not in PICTURE_URIS or extent is None:
            return None
        try:
            return int(extent.get("cx")) / EMU_PER_CM, int(extent.get("cy")) / EMU_PER_CM
        except (TypeError, ValueError):
            return None
    if element.tag == W + "pict" and element.find(f".//{V}imagedata") is None:
        return None
    for shape in element.iter(V + "shape", V + "rect"):
        style = shape.get("style") or ""
        width, height = _vml_length(style, "width"), _vml_length(style, "height")
        if width is not None and height is not None:
            return width, height
    return None


def _pictures(element, paragraph: int, after: bool) -> list[Picture]:
    """The pictures of a body element at least PICTURE_MIN_CM in size (AlternateContent fallbacks skipped)."""
    out = []
    for pic in element.iter(*PICTURES):
        if _in_fallback(pic):
            continue
        size = _picture_size(pic)
        if size and size[0] >= PICTURE_MIN_CM[0] and size[1] >= PICTURE_MIN_CM[1]:
            out.append(Picture(paragraph=paragraph, after=after, width_cm=round(size[0], 1),
                               height_cm=round(size[1], 1)))
    return out


def _span(value) -> int:
    """A gridSpan value as a column count: malformed values count as 1, absurd ones are capped."""
    try:
        return min(max(int(value), 1), MAX_SPAN)
    except (TypeError, ValueError):
        return 1


def _grid(tbl, deadline: Deadline) -> tuple[list[list[Cell]], list]:
    """Resolve gridSpan and vMerge into a grid where merged positions are covered, not repeated."""
    rows: list[list[Cell]] = []
    nested = []
    vmerge_anchor: dict[int, Cell] = {}
    for r, tr in enumerate(tbl.findall(W + "tr")):
        deadline.check()
        row: list[Cell] = []
        col = 0
        for tc in tr.findall(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = _span(gs.get(W + "val"))
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


RESAVE = "请用 Word/WPS 打开后重新另存"
ENCRYPTED = "DOCX 已加密，请在 Word/WPS 中去除密码后另存 / encrypted DOCX: remove the password and save it again"


def _directory_size(data: bytes) -> tuple[int, int]:
    """Entry count and central-directory bytes from the end-of-central-directory record, before zipfile parses."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if pos < 0 or pos + 22 > len(data):
        return 0, 0
    entries, size = struct.unpack_from("<HI", data, pos + 10)
    return entries, size


def open_zip(data: bytes, limits: Limits = DEFAULT, kind: str = "DOCX") -> zipfile.ZipFile:
    """Open an OOXML archive, refusing one whose directory is larger than the limit before zipfile lists it."""
    most = limits.max_zip_members
    entries, directory = _directory_size(data)
    if entries > most or directory > most * 1024:
        raise ReadError("too_large", f"{kind} 的文件目录过大（{entries} 项，{directory} 字节，上限 {most} 项），文件异常，{RESAVE} / "
                                     f"{kind} archive directory too large ({entries} entries, {directory} bytes; "
                                     f"limit {most} entries): save it again")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        count = len(zf.infolist())
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types on malformed archives
        raise ReadError("corrupt", f"{kind} 文件已损坏（不是有效的 zip），{RESAVE} / corrupt {kind}, not a valid zip "
                                   f"archive ({type(exc).__name__}): open and save it again") from None
    if count > most:
        raise ReadError("too_large", f"{kind} 内含 {count} 个文件，超过上限 {most}，文件异常，{RESAVE} / "
                                     f"{kind} archive has {count} members (limit {most}): save it again")
    return zf


def _bomb(name: str, why: str) -> ReadError:
    return ReadError("too_large", f"DOCX 内部文件 {name} 解压后过大（{why}），疑似压缩炸弹，已拒绝；正常文件请提高解压上限 / "
                                  f"DOCX member {name} too large when decompressed ({why}): refused as a possible "
                                  f"zip bomb; raise the limit if the file is genuine")


def read_member(zf: zipfile.ZipFile, name: str, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> bytes:
    """A member's bytes, with size and ratio checked on the header first and again while decompressing."""
    deadline = deadline or Deadline(limits.timeout_seconds)
    info = zf.getinfo(name)
    if info.flag_bits & 0x1:
        raise ReadError("encrypted", ENCRYPTED)
    ratio, floor = limits.max_compression_ratio, limits.ratio_floor_bytes
    if info.file_size > limits.max_member_bytes:
        raise _bomb(name, f"声明 {info.file_size} 字节，上限 {limits.max_member_bytes} / "
                          f"declared {info.file_size} bytes, limit {limits.max_member_bytes}")
    if info.file_size > floor and info.file_size > ratio * max(info.compress_size, 1):
        raise _bomb(name, f"压缩比超过 {ratio} / compression ratio over {ratio}")
    cap = min(limits.max_member_bytes, max(floor, ratio * max(info.compress_size, 1)))
    chunks, total = [], 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > cap:
                    raise _bomb(name, f"实际解压超过 {cap} 字节 / more than {cap} bytes actually decompressed")
                chunks.append(chunk)
                deadline.check()
    except ReadError:
        raise
    except RuntimeError as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise ReadError("encrypted", ENCRYPTED) from None
        raise ReadError("corrupt", f"DOCX 内部文件 {name} 无法解压，{RESAVE} / corrupt DOCX member {name}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - zlib, CRC and header errors all mean a damaged archive
        raise ReadError("corrupt", f"DOCX 内部文件 {name} 已损坏，{RESAVE} / corrupt DOCX member {name} "
                                   f"({type(exc).__name__}): open and save it again") from None
    return b"".join(chunks)


def parse_xml(xml: bytes, limits: Limits = DEFAULT):
    """Parse untrusted XML: no entity expansion, no DTD, no network, bounded depth."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise ReadError("too_large", f"DOCX 的 XML 嵌套过深，文件异常，{RESAVE} / DOCX XML nested too deeply: {exc}") from None
        raise ReadError("corrupt", f"DOCX 内容无法解析，{RESAVE} / corrupt DOCX XML: {exc}") from None
    if root is None:
        raise ReadError("corrupt", f"DOCX 内容为空，{RESAVE} / corrupt DOCX: empty XML")
    if root.xpath("boolean(/" + "/*" * (limits.max_xml_depth + 1) + ")"):
        raise ReadError("too_large", f"DOCX 的 XML 嵌套超过 {limits.max_xml_depth} 层，文件异常，{RESAVE} / "
                                     f"DOCX XML nested deeper than {limits.max_xml_depth} levels")
    return root


def read_docx(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    deadline = deadline or Deadline(limits.timeout_seconds)
    zf = open_zip(data, limits)
    if "word/document.xml" not in zf.namelist():
        raise ReadError("corrupt", f"DOCX 缺少正文 word/document.xml，不是 Word 文档或已损坏，{RESAVE} / "
                                   "corrupt DOCX without word/document.xml: save it again from Word/WPS")
    root = parse_xml(read_member(zf, "word/document.xml", limits, deadline), limits)
    body = root.find(W + "body")
    if body is None:
        raise ReadError("corrupt", f"DOCX 没有正文，{RESAVE} / corrupt DOCX without a document body")
    blocks: list = []
    pictures: list[Picture] = []
    para = 0

    def add_table(tbl):
        rows, nested = _grid(tbl, deadline)
        blocks.append(Table(index=0, rows=rows))
        for inner in nested:
            add_table(inner)

    for child in body:
        deadline.check()
        if child.tag == W + "p":
            text = _text(child).strip()
            pictures += _pictures(child, para + 1 if text else para, after=not text)
            for line in [text] + _textboxes(child):
                if line.strip():
                    para += 1
                    blocks.append(Paragraph(index=para, text=line.strip()))
        elif child.tag == W + "tbl":
            pictures += _pictures(child, para, after=True)
            add_table(child)
    doc = Document(path=path, format="docx", blocks=blocks, pictures=pictures)
    if not doc.text().strip():
        if any(True for _ in body.iter(*PICTURES)):
            raise ReadError("no_text_layer", "DOCX 中只有图片没有文字（扫描件），请使用 OCR 或提供文字版 / "
                                             "DOCX holds only images, no text: run OCR or provide a text version")
        raise ReadError("unreadable", "DOCX 中没有文字，请确认文件内容 / the DOCX contains no text: check the file")
    return doc
