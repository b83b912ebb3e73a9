"""Read a PDF through pypdfium2: text lines clustered into paragraphs, ruled tables from the page's path objects;
a scanned page without text recognised by OCR where the jxcheck[ocr] extra is installed (readers/ocr.py)."""
from __future__ import annotations

import regex

from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Cell, Document, Paragraph, Picture, ReadError, Table
from extractor.readers import ocr
from extractor.readers.pdf_grid import find_tables, object_bounds

SENTENCE_END = tuple("。！？!?")
LINE_HEAD = regex.compile(r"(?:[0-9A-Za-z.,%+\-/]+|.)[，。、；：！？”’）)%,.;:]*")
OPEN = "\x00"
UNDECODED = regex.compile(r"[\p{Co}\p{Cn}\p{Cs}\ufffd]")
GARBLED_SHARE = 0.3
PICTURE_PAGE_TEXT = 50
PICTURE_PAGE_COVER = 0.3
SCAN_COVER = 0.9


def _open(data: bytes):
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise ReadError("encrypted", "PDF 已加密，需要密码：请去除密码后另存或提供未加密版本 / "
                                         "encrypted PDF: remove the password or provide an unencrypted copy")
        raise ReadError("corrupt", f"PDF 文件已损坏，请重新导出或下载 / corrupt PDF, export or download it again: {exc}")


def _page_lines(page, textpage) -> list[tuple[float, float, float, float, str]]:
    """Text lines of a page as (top, left, right, bottom, text), top measured from the top edge.

    pdfium's text already breaks at line ends; each piece gets the union box of its text rects, read through
    pdfium's C API into one reused array (pdfium_calls)."""
    import pypdfium2 as pdfium

    from extractor.readers import pdfium_calls as c
    _, height = page.get_size()
    text = textpage.get_text_range()
    handle = textpage.raw
    count_rects, get_rect, slots = c.count_rects, c.get_rect, c.thread_slots()
    lines = []
    append = lines.append
    pos = 0
    for piece in text.split("\r\n"):
        start = pos
        size = len(piece)
        pos += size + 2
        if not piece or piece.isspace():
            continue
        n = count_rects(handle, start, size)
        if n <= 0:
            if n == -1:
                raise pdfium.PdfiumError("Failed to count rectangles.")
            continue
        if n == 1:
            if not get_rect(handle, 0, *slots.pointers[0]):
                raise pdfium.PdfiumError("Failed to get rectangle.")
            left, top, right, bottom = slots.array[:4]
            append((height - top, left, right, height - bottom, piece))
            continue
        slots.reserve(n)
        pointers = slots.pointers
        for k in range(n):
            if not get_rect(handle, k, *pointers[k]):
                raise pdfium.PdfiumError("Failed to get rectangle.")
        box = slots.array[:4 * n]
        append((height - max(box[1::4]), min(box[0::4]), max(box[2::4]), height - min(box[3::4]), piece))
    return _join_runs(lines)


def _join_runs(runs):
    """Cluster text runs whose vertical extents overlap into lines, left to right."""
    runs = sorted(runs, key=lambda t: (t[0] + t[3]) / 2)
    clusters: list[list] = []
    top = bottom = 0.0
    for run in runs:
        run_top, run_bottom = run[0], run[3]
        mid = (run_top + run_bottom) / 2
        if clusters and top - 1 <= mid <= bottom + 1:
            clusters[-1].append(run)
            if run_top < top:
                top = run_top
            if run_bottom > bottom:
                bottom = run_bottom
            continue
        clusters.append([run])
        top, bottom = run_top, run_bottom
    lines = []
    for cluster in clusters:
        if len(cluster) == 1:
            lines.append(cluster[0])
            continue
        cluster.sort(key=lambda t: t[1])
        text = ""
        prev_right = None
        for top, left, right, bottom, t in cluster:
            if prev_right is not None and left - prev_right > (bottom - top) * 0.6 and not text.endswith(" "):
                text += " "
            text += t
            prev_right = right
        lines.append((min(r[0] for r in cluster), cluster[0][1], max(r[2] for r in cluster),
                      max(r[3] for r in cluster), text))
    return lines


def _inside(line, bbox) -> bool:
    top, left, right, bottom, _ = line
    mid_y = (top + bottom) / 2
    mid_x = (left + right) / 2
    x0, y0, x1, y1 = bbox
    return y0 - 1 <= mid_y <= y1 + 1 and x0 - 1 <= mid_x <= x1 + 1


def _head_width(text: str, char_w: float) -> float:
    """Width of the start of a line that could not be broken off: a Latin/figure run or one character,
    with the punctuation that may not begin a line."""
    m = LINE_HEAD.match(text.strip())
    head = m.group() if m else text.strip()[:1]
    return sum(char_w * (0.5 if ord(ch) < 0x2E80 else 1.0) for ch in head)


def _paragraphs(lines, right_margin: float) -> list[str]:
    """Join wrapped lines into paragraphs.

    A line ends its paragraph when it ends a sentence, or stops short of the margin by more than the
    start of the next line would have needed. A paragraph still open at the end is marked with a
    trailing OPEN so the next page can continue it."""
    paras: list[str] = []
    current = ""
    for k, (top, left, right, bottom, text) in enumerate(lines):
        current += text.strip()
        if not any(ch.isalnum() for ch in text):
            continue
        char_w = max((bottom - top), 6)
        gap = right_margin - right
        short = gap > 2 * char_w
        if short and k + 1 < len(lines) and gap < _head_width(lines[k + 1][4], char_w) + char_w:
            short = False
        if short or current.endswith(SENTENCE_END):
            paras.append(current)
            current = ""
    if current:
        paras.append(current + OPEN)
    return paras


def _picture_share(page) -> float:
    """The share of the page covered by image objects (overlaps counted twice, at most 1)."""
    import pypdfium2.raw as raw
    width, height = page.get_size()
    area = sum(max(0.0, min(r, width) - max(l, 0.0)) * max(0.0, min(t, height) - max(b, 0.0))
               for l, b, r, t in object_bounds(page.raw, raw.FPDF_PAGEOBJ_IMAGE))
    return min(1.0, area / (width * height)) if width > 0 and height > 0 else 0.0


def _invisible_text(textpage) -> bool:
    """The page's text is drawn invisible (render mode 3, as OCR software lays it over a scan), judged on its
    first, middle and last characters."""
    import pypdfium2.raw as raw
    n = raw.FPDFText_CountChars(textpage.raw)
    if n <= 0:
        return False
    probes = sorted({0, n // 2, n - 1})
    invisible = 0
    for k in probes:
        obj = raw.FPDFText_GetTextObject(textpage.raw, k)
        if obj and raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE:
            invisible += 1
    return invisible * 2 > len(probes)


def _cells(raw_rows, page_no: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r, raw in enumerate(raw_rows):
        row = []
        for c, text in enumerate(raw):
            if text is None:
                above = rows[r - 1][c] if r > 0 and c < len(rows[r - 1]) else None
                anchor = (above.text or above.anchor_text) if above is not None else ""
                if not anchor and row:
                    anchor = row[-1].text or row[-1].anchor_text
                row.append(Cell("", r, c, page_no, True, anchor))
            else:
                row.append(Cell(text.replace("\n", "").strip(), r, c, page_no))
        rows.append(row)
    return rows


def read_pdf(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    """Read a PDF whose page count is within the limit, checking the deadline before each page."""
    import pypdfium2 as pdfium
    deadline = deadline or Deadline(limits.timeout_seconds)
    pdf = _open(data)
    try:
        n_pages = len(pdf)
        if n_pages > limits.max_pages:
            raise ReadError("too_large", f"PDF 共 {n_pages} 页，超过上限 {limits.max_pages} 页，请拆分文件或提高页数上限 / "
                                         f"too many pages ({n_pages} > {limits.max_pages}): "
                                         "split the file or raise the page limit")
        if n_pages == 0:
            raise ReadError("corrupt", "PDF 没有页面，文件已损坏，请重新导出或下载 / corrupt PDF without pages: export it again")
        blocks: list = []
        para = 0
        chars = garbled = 0
        pictures = []
        ocr_pages = []
        recognized = []
        for i in range(n_pages):
            deadline.check()
            try:
                page = pdf[i]
                width, _ = page.get_size()
                textpage = page.get_textpage()
                lines = _page_lines(page, textpage)
                printed = sum(map(len, "".join([t[4] for t in lines]).split()))
                if printed < PICTURE_PAGE_TEXT:
                    if _picture_share(page) >= PICTURE_PAGE_COVER:
                        if ocr.available():
                            lines = _join_runs(ocr.page_runs(page))
                            recognized.append(i + 1)
                        else:
                            pictures.append(Picture(page=i + 1))
                elif _invisible_text(textpage) and _picture_share(page) >= SCAN_COVER:
                    ocr_pages.append(i + 1)
                tables = [(found.bbox, found.rows) for found in find_tables(page, textpage, deadline)]
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise ReadError("corrupt", f"PDF 第 {i + 1} 页无法读取，请重新导出或下载 / "
                                           f"corrupt PDF page {i + 1}, export it again: {exc}") from None
            texts = [t[4] for t in lines]
            chars += sum(map(len, map(str.strip, texts)))
            garbled += len(UNDECODED.findall("\n".join(texts)))
            lines.sort(key=lambda t: (round(t[0]), t[1]))
            items: list[tuple[float, object]] = []
            right_margin = max((t[2] for t in lines), default=width)
            groups: dict[int, list] = {0: lines}
            if tables:
                groups = {}
                for line in lines:
                    if any(_inside(line, bbox) for bbox, _ in tables):
                        continue
                    groups.setdefault(sum(1 for bbox, _ in tables if bbox[1] < line[0]), []).append(line)
            ordered_tables = sorted(tables, key=lambda t: t[0][1])
            for k in range(len(ordered_tables) + 1):
                for text in _paragraphs(groups.get(k, []), right_margin):
                    items.append(("p", text))
                if k < len(ordered_tables):
                    items.append(("t", ordered_tables[k][1]))
            for kind, payload in items:
                if kind == "p":
                    prev = blocks[-1] if blocks else None
                    if isinstance(prev, Paragraph) and prev.text.endswith(OPEN):
                        prev.text = prev.text[:-1] + payload
                        continue
                    para += 1
                    blocks.append(Paragraph(index=para, text=payload, page=i + 1))
                else:
                    blocks.append(Table(index=0, rows=_cells(payload, i + 1), page=i + 1))
        for block in blocks:
            if isinstance(block, Paragraph):
                block.text = block.text.replace(OPEN, "")
        if chars == 0:
            raise ReadError("no_text_layer",
                            f"扫描件，无文字层，请安装文字识别扩展（{ocr.INSTALL}）后再检查，或提供文字版 / "
                            f"scanned PDF without a text layer: install the OCR extra ({ocr.INSTALL}) or provide a text version")
        if garbled > GARBLED_SHARE * chars:
            raise ReadError("no_text_layer", "PDF 的文字层无法识别（字体缺少编码映射，提取出来是乱码），请使用 OCR 或提供文字版 / "
                                             "the PDF text layer cannot be decoded (fonts without a Unicode map): "
                                             "run OCR or provide a text version")
        return Document(path=path, format="pdf", blocks=blocks, pages=n_pages, pictures=pictures,
                        ocr_pages=ocr_pages, recognized_pages=recognized)
    finally:
        pdf.close()
