"""Read a saved web page (.html/.htm, .mht/.mhtml, a page saved under a .doc name): the article's text as
paragraphs and its data tables as tables with rowspan/colspan resolved as a DOCX table's merges are.

The charset is the one the page names (GBK pages read as GB18030), else the text decoder's guess. Page
furniture is left out: scripts, styles, navigation, headers and footers, share bars, hidden elements
(patterns/html.yaml). A table that holds another table, or a single cell, lays the page out and is read as
ordinary content. lxml parses without network access."""
from __future__ import annotations

import codecs
import email
import email.policy
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.document import is_mime_page
from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Cell, Document, Paragraph, ReadError, Table

MAX_SPAN = 64
HIDDEN = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.I)
SPACE = regex.compile(r"[ \t\r\n\f\v]+")
WORD_SPLIT = regex.compile(r"[\s_\-]+")
CELL_TAGS = ("td", "th")


@lru_cache(maxsize=1)
def _spec() -> dict:
    spec = dict(patterns.load("html"))
    spec["drop_tags"] = frozenset(spec["drop_tags"])
    spec["drop_words"] = frozenset(w.lower() for w in spec["drop_words"])
    spec["block_tags"] = frozenset(spec["block_tags"])
    spec["line_tags"] = frozenset(spec["line_tags"])
    spec["meta_charset"] = regex.compile(spec["meta_charset"].encode("ascii"), regex.I)
    return spec


def _codec(name: str) -> Optional[str]:
    name = name.strip().strip("\"'").lower()
    name = _spec()["charset_aliases"].get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_page(data: bytes, declared: Optional[str] = None) -> str:
    """The page's text: by its BOM, the charset declared by its container or its own <meta>, else as text is guessed."""
    from extractor.readers.txt import _decode
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    names = [declared] if declared else []
    m = _spec()["meta_charset"].search(data[:8192])
    if m:
        names.append(m.group(1).decode("ascii", errors="replace"))
    for name in names:
        enc = _codec(name) if name else None
        if enc and not enc.startswith("utf-16"):
            text = data.decode(enc, errors="replace")
            if text.count("\ufffd") <= max(3, len(text) // 1000):
                return text
    return _decode(data)


def _mime_html(data: bytes) -> str:
    """The HTML part of a MIME web archive (.mht/.mhtml, Word's single-file web page), decoded."""
    message = email.message_from_bytes(data.lstrip(), policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            return decode_page(payload, part.get_content_charset())
    raise ReadError("unreadable", "网页存档（MHT）中没有网页正文，请确认文件 / the web archive (MHT) holds no HTML page: check the file")


def _dropped(el) -> bool:
    spec = _spec()
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in spec["drop_tags"]:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" or HIDDEN.search(el.get("style") or ""):
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if names.strip():
        words = {w.lower() for w in WORD_SPLIT.split(names) if w}
        return not words.isdisjoint(spec["drop_words"])
    return False


def _own_rows(table) -> list:
    """The <tr>s of this table, not of the tables nested in it."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _is_layout(table) -> bool:
    rows = _own_rows(table)
    cells = sum(1 for tr in rows for child in tr if isinstance(child.tag, str) and child.tag.lower() in CELL_TAGS)
    return cells <= 1 or any(True for _ in table.iter("table") if _ is not table)


def _span(value) -> int:
    try:
        return min(max(int(str(value).strip() or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


class _Builder:
    """Walks the page in document order, gathering paragraph text and tables."""

    def __init__(self, deadline: Deadline):
        self.blocks: list = []
        self.parts: list[str] = []
        self.deadline = deadline
        self.seen = 0

    def flush(self) -> None:
        text = "".join(self.parts)
        self.parts = []
        for line in text.split("\n"):
            line = SPACE.sub(" ", line).strip()
            if line:
                self.blocks.append(Paragraph(index=0, text=line))

    def walk(self, el) -> None:
        self.seen += 1
        if self.seen % 2048 == 0:
            self.deadline.check()
        if _dropped(el):
            return
        spec = _spec()
        tag = el.tag.lower()
        if tag == "table" and not _is_layout(el):
            self.flush()
            self.blocks.append(self.table(el))
            return
        if tag in spec["line_tags"]:
            self.parts.append("\n")
            return
        block = tag in spec["block_tags"] or tag in CELL_TAGS
        if block:
            self.flush()
        self.parts.append(el.text or "")
        for child in el:
            self.walk(child)
            self.parts.append(child.tail or "")
        if block:
            self.flush()

    def cell_text(self, el) -> str:
        """A cell's text, its paragraphs and line breaks as newlines, furniture left out."""
        out: list[str] = []
        spec = _spec()

        def visit(node):
            if _dropped(node):
                return
            tag = node.tag.lower()
            if tag in spec["line_tags"]:
                out.append("\n")
                return
            block = tag in spec["block_tags"]
            if block:
                out.append("\n")
            out.append(node.text or "")
            for child in node:
                visit(child)
                out.append(child.tail or "")
            if block:
                out.append("\n")

        out.append(el.text or "")
        for child in el:
            visit(child)
            out.append(child.tail or "")
        lines = (SPACE.sub(" ", line).strip() for line in "".join(out).split("\n"))
        return "\n".join(line for line in lines if line)

    def table(self, el) -> Table:
        """The table's grid: a cell spanning rows or columns is its anchor's text once, the rest covered."""
        grid: dict[tuple[int, int], Cell] = {}
        rows = _own_rows(el)
        for r, tr in enumerate(rows):
            self.deadline.check()
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in CELL_TAGS or _dropped(td):
                    continue
                while (r, c) in grid:
                    c += 1
                text = self.cell_text(td)
                rowspan = min(_span(td.get("rowspan")), len(rows) - r)
                colspan = _span(td.get("colspan"))
                grid[(r, c)] = Cell(text=text, row=r, col=c)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        if (dr, dc) != (0, 0) and (r + dr, c + dc) not in grid:
                            grid[(r + dr, c + dc)] = Cell(text="", row=r + dr, col=c + dc, covered=True, anchor_text=text)
                c += colspan
        width = max((c for _, c in grid), default=-1) + 1
        table_rows = [[grid.get((r, c)) or Cell(text="", row=r, col=c) for c in range(width)] for r in range(len(rows))]
        return Table(index=0, rows=[row for row in table_rows if row])


def read_html(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    import lxml.html
    from lxml import etree
    deadline = deadline or Deadline(limits.timeout_seconds)
    text = _mime_html(data) if is_mime_page(data[:2048]) else decode_page(data)
    text = text.replace("\x00", "")
    if not text.strip():
        raise ReadError("unreadable", "网页中没有文字，请确认文件 / the web page holds no text: check the file")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError("corrupt", f"网页无法解析，请在浏览器中打开后另存为网页或 PDF / cannot parse the web page: {exc}") from None
    builder = _Builder(deadline)
    body = root.find("body")
    builder.walk(body if body is not None else root)
    builder.flush()
    para = 0
    for block in builder.blocks:
        if isinstance(block, Paragraph):
            para += 1
            block.index = para
    return Document(path=path, format="html", blocks=builder.blocks)
