"""PDF pages for `jxcheck serve`: a checked document's source file found again (a file, or a member of a .zip
archive) and held to its stored sha256, its pages drawn as PNG with pypdfium2, and a box around each checked
figure.

The reader keeps no character positions, so a figure is found on its page by pypdfium2's text: the check's quote
is located in the page's text (whitespace ignored), and each of the check's figures printed inside it (thousands
separators allowed) is boxed from the characters' boxes; a table cell's quote (行名 | 数) is found as the first such
figure after its row's label. A figure whose quote is not found is boxed only when it is printed once on the page.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

SCALE = 1.5
ROW_REACH = 160
CACHE_SIZE = 4
_lock = threading.Lock()
_cache: "OrderedDict[tuple, Optional[bytes]]" = OrderedDict()


def _read_source(path: str) -> Optional[bytes]:
    """The bytes of a stored path: a file, or archive.zip!/member (members named as batch names them)."""
    if os.path.isfile(path):
        with open(path, "rb") as fh:
            return fh.read()
    if "!/" not in path:
        return None
    archive, member = path.split("!/", 1)
    if not os.path.isfile(archive):
        return None
    from jxcheck.batch import member_name
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if member_name(info) == member and not info.is_dir():
                with zf.open(info) as src:
                    return src.read()
    return None


def source(path: str, sha256: str) -> Optional[bytes]:
    """The document's bytes when its file is still there and unchanged (same sha256), else None."""
    try:
        stat = os.stat(path.split("!/", 1)[0])
    except OSError:
        return None
    key = (path, sha256, stat.st_mtime_ns, stat.st_size)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    try:
        data = _read_source(path)
    except (OSError, zipfile.BadZipFile, RuntimeError):
        data = None
    if data is not None and hashlib.sha256(data).hexdigest() != sha256:
        data = None
    with _lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_png(data: bytes, page_no: int, scale: float = SCALE) -> Optional[bytes]:
    """Page page_no (1-based) as PNG, or None when there is no such page."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page_no <= len(pdf):
            return None
        image = pdf[page_no - 1].render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()
    finally:
        pdf.close()


@dataclass
class Box:
    """A box on a page in percent of its width and height, the anchor it carries, the entry it links to, its
    label and class (error, warning, info, unverifiable, pass)."""

    page: int
    left: float
    top: float
    width: float
    height: float
    anchor: str
    target: str
    label: str
    cls: str


def _figure_pattern(figure: str) -> Optional[re.Pattern]:
    """A printed figure as a pattern that allows thousands separators and not a digit either side."""
    text = figure.strip()
    if not re.fullmatch(r"-?\d[\d,]*(\.\d+)?%?", text):
        return None
    whole, _, rest = text.rstrip("%").partition(".")
    digits = whole.replace(",", "").lstrip("-")
    body = "[,，]?".join(re.escape(d) for d in digits)
    if rest:
        body += r"\." + re.escape(rest)
    if text.endswith("%"):
        body += "[%％]"
    return re.compile(("-?" if whole.startswith("-") else "") + body)


class Page:
    """A page's text, and the same without whitespace with each kept character's place in it."""

    def __init__(self, text: str):
        self.text = text
        self.squeezed, self.offsets = _squeeze(text)

    def figures(self, pattern: re.Pattern, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int]]:
        """The matches of a figure in the squeezed text between start and end that stand alone in the page's
        text (no digit or decimal point either side there)."""
        out = []
        for m in pattern.finditer(self.squeezed, start, len(self.squeezed) if end is None else end):
            a, b = self.offsets[m.start()], self.offsets[m.end() - 1] + 1
            before = self.text[a - 1] if a > 0 else ""
            after = self.text[b] if b < len(self.text) else ""
            if not (before.isdigit() or before == "." or after.isdigit()):
                out.append((m.start(), m.end()))
        return out


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, and each kept character's index in the original."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def boxes(data: bytes, entries: list[tuple[dict, str, str, str, str]], own_quote) -> list[Box]:
    """The boxes of checks on a PDF's pages. entries are (check, anchor prefix, target, label, class) as
    outputs.html._entries gives them; own_quote(check, evidence) is the evidence's quote when it is in this
    document, else None."""
    import pypdfium2 as pdfium
    wanted: dict[int, list[tuple]] = {}
    for check, prefix, target, label, cls in entries:
        for j, ev in enumerate(check.get("evidence") or [], start=1):
            quote = own_quote(check, ev)
            if quote is not None and ev.get("page"):
                wanted.setdefault(ev["page"], []).append((check, f"{prefix}-e{j}", target, label, cls, quote))
    out: list[Box] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for page_no, items in sorted(wanted.items()):
            if not 1 <= page_no <= len(pdf):
                continue
            page = pdf[page_no - 1]
            width, height = page.get_size()
            textpage = page.get_textpage()
            text = Page(textpage.get_text_range())
            for check, anchor, target, label, cls, quote in items:
                for a, b in _figure_spans(text, check, quote):
                    rect = _union([textpage.get_charbox(text.offsets[k]) for k in range(a, b)])
                    if rect is None:
                        continue
                    left, bottom, right, top = rect
                    out.append(Box(page_no, 100 * left / width, 100 * (height - top) / height,
                                   100 * (right - left) / width, 100 * (top - bottom) / height, anchor, target, label,
                                   cls))
                    anchor = ""
    finally:
        pdf.close()
    return out


def _figure_spans(page: Page, check: dict, quote: str) -> list[tuple[int, int]]:
    """Where the check's figures are printed inside its quote on the page (squeezed text); for a table cell's quote
    (row label | cell), the cell's figure first printed after its row label; else where its reported figure is
    printed once on the page."""
    figures = [check.get("reported")] + list(check.get("numbers") or [])
    patterns = [p for p in (_figure_pattern(f) for f in dict.fromkeys(f for f in figures if f)) if p is not None]
    squeezed = page.squeezed
    if "|" in quote:
        label, _, cell = quote.rpartition("|")
        cell_pattern = _figure_pattern(cell.strip().replace(" ", ""))
        wanted, _ = _squeeze(label.split("|")[-1])
        if cell_pattern is not None and wanted:
            for found in re.finditer(re.escape(wanted), squeezed):
                hits = page.figures(cell_pattern, found.end(), found.end() + ROW_REACH)
                if hits:
                    return hits[:1]
        patterns = [cell_pattern] if cell_pattern is not None else patterns
    else:
        wanted, _ = _squeeze(quote)
        start = squeezed.find(wanted) if wanted else -1
        if start >= 0:
            end = start + len(wanted)
            return sorted({span for p in patterns for span in page.figures(p, start, end)})
    if not patterns:
        return []
    hits = page.figures(patterns[0])
    return hits if len(hits) == 1 else []


def _union(rects: list[tuple[float, float, float, float]]) -> Optional[tuple[float, float, float, float]]:
    rects = [r for r in rects if r[2] > r[0] and r[3] > r[1]]
    if not rects:
        return None
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))
