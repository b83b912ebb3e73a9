"""Read a plain-text report: detect the encoding, turn tab- or '|'-separated lines into tables."""
from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from typing import Callable

import patterns
from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Cell, Document, Paragraph, ReadError, Table

COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然"
    "前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系"
    "军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计"
    "别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府元万项目金额预算执行率绩效评价指标完成单财支收入出情况"
    "年度资金專項預算執行資績評價標完成單財務況據達費")
"""Frequent characters (and traditional forms of report terms) that tell a right decoding from a wrong one."""
CANDIDATES = ("gb18030", "cp950", "utf-16-le", "utf-16-be")
BREAKS = ("\x0b", "\x0c", "\u2028", "\u2029", "\x85")
MAX_TABLE_CELLS = 1000
JUNK = frozenset(("Cc", "Co", "Cn", "Cs"))
SAMPLE = 200_000


class _Tally:
    """One count of a decoded sample's characters, from which both are read: junk, the share of characters that no
    text file holds (replacement marks, control, private-use and unassigned; NULs left out), and score, the share
    of frequent characters among the non-ASCII ones."""

    def __init__(self, text: str):
        counts = Counter(text[:SAMPLE])
        counts.pop("\x00", None)
        total = bad = wide = common = 0
        for ch, n in counts.items():
            total += n
            if ch == "\ufffd" or (ch not in "\t\n\r\x0b\x0c" and unicodedata.category(ch) in JUNK):
                bad += n
            if ord(ch) > 0x7F:
                wide += n
                if ch in COMMON:
                    common += n
        self.junk = bad / total if total else 0.0
        self.score = common / wide if wide else 0.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _junk_share(text: str) -> float:
    """The junk share of a decoded sample (see _Tally)."""
    return _Tally(text).junk


def decode(data: bytes) -> str:
    """Decoded text, or ReadError for bytes that are not text."""
    text, tally = _decoded(data)
    if (tally or _Tally(text)).junk > 0.02:
        raise ReadError("unreadable", "不是文本文件或无法识别其编码，请另存为 UTF-8 文本、DOCX 或 PDF / "
                                      "not a text file or unknown encoding: save it as UTF-8 text, DOCX or PDF")
    return text


def _decode(data: bytes) -> str:
    """BOMs, UTF-16 by its NUL pattern, UTF-8 (a few bad bytes allowed), then the best-scoring strict
    decoding among GB18030, Big5 (cp950) and BOM-less UTF-16, then the least damaged lenient one."""
    return _decoded(data)[0]


def _decoded(data: bytes) -> tuple[str, _Tally | None]:
    """_decode's text, with the tally of its characters where choosing it took one."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), None
    sample = data[:4000]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0)
        odd_nul = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nul > half * 0.3 and even_nul < half * 0.05:
            return data.decode("utf-16-le", errors="replace"), None
        if even_nul > half * 0.3 and odd_nul < half * 0.05:
            return data.decode("utf-16-be", errors="replace"), None
    text = _strict(data, "utf-8")
    if text is not None:
        return text, None
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 1000):
        return text, None
    decoded = []
    for enc in CANDIDATES:
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        text = _strict(data, enc)
        if text is None:
            continue
        tally = _Tally(text)
        if tally.junk < 0.01:
            decoded.append((tally.score + (0.05 if enc == "gb18030" else 0.0), text, tally))
    if decoded:
        _, text, tally = max(decoded, key=lambda t: t[0])
        return text, tally
    lenient = [data.decode(enc, errors="replace") for enc in ("utf-8", "gb18030", "cp950")]
    lenient = [(text, _Tally(text)) for text in lenient]
    return min(lenient, key=lambda t: (t[1].junk, -t[1].score))


def split_cells(line: str) -> list[str] | None:
    """The cells of a table line (tab- or '|'-separated), or None for a prose line or an absurdly wide one."""
    sep = "\t" if "\t" in line else "|" if "|" in line else None
    if sep is None or line.count(sep) >= MAX_TABLE_CELLS:
        return None
    if sep == "\t":
        return [c.strip() for c in line.split("\t")]
    return pipe_cells(line, bordered=True)


def pipe_cells(line: str, bordered: bool) -> list[str]:
    """A '|' line's cells. In a bordered table (its first line opens with '|') one leading '|' is the border; in
    one that is not, a leading '|' closes an empty first cell (| | 绩效指标明确性 | 4 under 一级指标 | 二级指标 | …).
    Trailing empty cells are dropped."""
    text = line.strip()
    if bordered and text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    cells = [c.strip() for c in text.split("|")]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


_CHAR_WIDTH: dict[str, int] = {}


def _width(line: str) -> int:
    """Display width: 2 for each East Asian wide or full-width character, 1 for the others."""
    if line.isascii():
        return len(line)
    widths = _CHAR_WIDTH
    for ch in set(line).difference(widths):
        widths[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return sum(map(widths.__getitem__, line))


def unwrap(lines: list[str]) -> list[str]:
    """The lines with the prose lines of a hard-wrapped file joined back into paragraphs (see hard_wrap in
    patterns/documents.yaml); table lines, blank lines and the lines of a file that is not wrapped are kept."""
    spec = patterns.load("documents")["hard_wrap"]
    return _figures_rejoined(_unwrapped(lines, spec), spec)


def _unwrapped(lines: list[str], spec: dict) -> list[str]:
    texts = [line.strip() for line in lines]
    prose = [bool(text) and split_cells(line) is None for line, text in zip(lines, texts)]
    if sum(prose) < spec["min_lines"]:
        return lines
    best = None
    for measure, columns in ((_width, 1), (len, 2)):
        widths = sorted(measure(text) for text, is_prose in zip(texts, prose) if is_prose)
        full = widths[int(len(widths) * 0.8)]
        share = _cut_share(widths, full, spec, columns)
        if share is not None and (best is None or share > best[0]):
            best = (share, measure, full - spec["join_slack"] / columns)
    if best is None:
        loose_ends = tuple(spec["loose"]["ends"])
        open_lines = sum(1 for text, is_prose in zip(texts, prose) if is_prose and not text.endswith(loose_ends))
        if open_lines < spec["loose"]["open_share"] * sum(prose):
            return lines
        prose = [is_prose and not _row_like(text, spec) for text, is_prose in zip(texts, prose)]
        loose = _loose_cut(texts, prose, spec) if sum(prose) >= spec["min_lines"] else None
        return lines if loose is None else _joined(lines, texts, prose, _bare_width, loose, spec,
                                                   spec["loose"]["ends"])
    return _joined(lines, texts, prose, best[1], best[2], spec, spec["ends"])


def _figures_rejoined(lines: list[str], spec: dict) -> list[str]:
    """A figure cut in two by a line break (…财政拨款支出总计1 / 870.91万元，…; …核减率8. / 32%，…; …上级补助收入318586 /
    万元、…) joined back, whether or not the file reads as cut at one width: a prose line at least min_width wide ending
    in a digit (or a digit and its decimal point), and a prose line opening with a digit or a decimal point that is no
    numbered heading, or with a figure's unit (unit_start)."""
    heading = patterns.compiled(spec["heading"])
    unit = patterns.compiled(spec["unit_start"])
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if out and (text[:1] in DIGIT_STARTS and not heading.match(text) or unit.match(text)) \
                and split_cells(line) is None:
            prev = out[-1].strip()
            cut_figure = prev[-1:].isdigit() or (prev[-1:] in ".．" and prev[-2:-1].isdigit() and text[:1].isdigit())
            if cut_figure and split_cells(out[-1]) is None and _width(prev) >= spec["min_width"]:
                out[-1] = prev + text
                continue
        out.append(line)
    return out


DIGIT_STARTS = tuple("0123456789.．")


def _row_like(text: str, spec: dict) -> bool:
    """A line that is a table row run together (年度资金总额 29 29 27.8 10 95.86% 9.59, or a header of short words):
    one ending in two bare figures, or several words or bare figures apart with none of prose's punctuation."""
    words = text.split()
    bare = [bool(patterns.compiled(r"[-+]?\d[\d,.]*%?").fullmatch(w)) for w in words]
    if len(bare) >= 2 and bare[-1] and bare[-2]:
        return True
    return not any(ch in text for ch in spec["loose"]["prose_marks"]) and (
        sum(bare) >= spec["loose"]["row_figures"] or len(words) >= spec["loose"]["row_words"])


def _bare_width(text: str) -> int:
    """Display width without spaces: text copied from a PDF gains spaces around figures that the page did not
    print, so its full lines differ in width by those spaces."""
    return _width(text.replace(" ", "").replace("\u3000", ""))


def _loose_cut(texts: list[str], prose: list[bool], spec: dict) -> float | None:
    """The width at which a file's lines were cut when spaces put around its figures hide it (see hard_wrap.loose):
    most prose lines reach it within slack, and nearly every line that reaches it without ending a sentence runs on
    into a prose line that is not a heading; else None."""
    loose = spec["loose"]
    heading = patterns.compiled(spec["heading"])
    widths = sorted(_bare_width(t) for t, is_prose in zip(texts, prose) if is_prose)
    full = widths[int(len(widths) * 0.8)]
    if full < spec["min_width"] or sum(1 for w in widths if abs(w - full) <= loose["slack"]) < loose["share"] * len(widths):
        return None
    cut = full - loose["slack"]
    candidates = [i for i, (t, is_prose) in enumerate(zip(texts, prose))
                  if is_prose and _bare_width(t) >= cut and not t.endswith(tuple(loose["ends"]))]
    if not candidates:
        return None
    runs_on = sum(1 for i in candidates if i + 1 < len(texts) and prose[i + 1] and not heading.match(texts[i + 1]))
    return cut if runs_on >= loose["continued"] * len(candidates) else None


def _cut_share(widths: list[int], full: int, spec: dict, columns: int) -> float | None:
    """The share of lines of these widths that reach width full, or None when they were not cut at it (see
    hard_wrap; columns: display columns per unit of the measure, 2 when lines are measured in characters)."""
    if full * columns < spec["min_width"]:
        return None
    reaching = sum(1 for w in widths if abs(w - full) * columns <= spec["slack"])
    share = reaching / len(widths)
    if share < spec["share"] and reaching < spec["full_lines"] \
            or sum(1 for w in widths if (w - full) * columns > spec["over"]) > spec["over_share"] * len(widths):
        return None
    return share


def _joined(lines: list[str], texts: list[str], prose: list[bool], measure: Callable[[str], int], cut: float,
            spec: dict, ends: str) -> list[str]:
    """The lines with each prose line at least cut wide joined to the next (see hard_wrap), but for a heading that ends
    as headings end (一、…总体情况): it is whole, however wide."""
    heading = patterns.compiled(spec["heading"])
    groups: list[list[str]] = []
    joinable = False
    size = 0
    for line, text, is_prose in zip(lines, texts, prose):
        if joinable and is_prose and not heading.match(text) and size < spec["max_chars"]:
            groups[-1].append(text)
            size += len(text)
        else:
            groups.append([line])
            size = len(text)
        joinable = is_prose and measure(text) >= cut and not text.endswith(tuple(ends)) and not (
            heading.match(text) and text.endswith(tuple(spec["heading_ends"])))
    return [group[0] if len(group) == 1 else "".join(part.strip() for part in group) for group in groups]


STRAY_PIPE_MIN = 40
TITLE_ROWS = 2
PROSE_LEAD_MIN = 100


def _stray_pipe(line: str) -> bool:
    """A line of prose that a copy left a '|' at the end or the start of (…同比增长24.8% |, or a page's layout cell
    holding the whole text: | 牟定县2017年“三公”经费决算情况说明 根据…): its one '|' is its last or first character, and
    it holds a sentence's end and at least STRAY_PIPE_MIN characters."""
    text = line.strip()
    return (text.endswith("|") or text.startswith("|")) and text.count("|") == 1 and "。" in text \
        and len(text) >= STRAY_PIPE_MIN


def _prose_lead(line: str) -> tuple[str, str] | None:
    """The prose a copy ran into the first row of the table after it (…下降92.21%。 具体收入项目情况如下: …执行情况表 |
    预 算 科 目 | 本年收入计划 | …) and the row without it: the text before the line's first '|' when it holds a
    sentence's end and at least PROSE_LEAD_MIN characters; None otherwise."""
    lead, bar, rest = line.partition("|")
    lead = lead.strip()
    return (lead, bar + rest) if bar and len(lead) >= PROSE_LEAD_MIN and "。" in lead else None


def _title_rows(rows: list[str]) -> list[str] | None:
    """The texts of the '|' lines before a line of prose a copy left a '|' at the end or start of, when they are a
    page's layout and no table: border lines with no text, and at most TITLE_ROWS lines of one cell (the title over
    the text: 2015年“三公”经费决算情况…说明 |); None otherwise."""
    texts = []
    for row in rows:
        cells = [c.strip() for c in (split_cells(row) or []) if c.strip()]
        if len(cells) > 1:
            return None
        texts += cells
    return texts if len(texts) <= TITLE_ROWS else None


def _table_follows(lines: list[str], start: int) -> bool:
    """Whether the next line that is not blank is a table line."""
    for line in lines[start:]:
        if line.strip():
            return split_cells(line) is not None
    return False


def build_blocks(lines: list[str], deadline: Deadline | None = None) -> tuple[list, int]:
    """Group lines into paragraphs and tables; a table continues across blank lines."""
    blocks: list = []
    para_index = 0
    table_rows: list[str] = []

    def flush_table():
        nonlocal table_rows
        if table_rows:
            bordered = table_rows[0].strip().startswith("|")
            split = [split_cells(line) if "\t" in line else pipe_cells(line, bordered) for line in table_rows]
            rows = [[Cell(text=t, row=r, col=c) for c, t in enumerate(cells)]
                    for r, cells in enumerate(split)]
            blocks.append(Table(index=0, rows=rows))
            table_rows = []

    def add_paragraph(text: str):
        nonlocal para_index
        para_index += 1
        blocks.append(Paragraph(index=para_index, text=text))

    i = 0
    while i < len(lines):
        if deadline is not None and i % 4096 == 0:
            deadline.check()
        line = lines[i].rstrip("\r\n")
        cells = split_cells(line)
        titles = _title_rows(table_rows) if cells is not None and _stray_pipe(line) else None
        if titles is not None and not _table_follows(lines, i + 1):
            line, cells = line.strip().removesuffix("|").removeprefix("|"), None
            for text in titles:
                add_paragraph(text)
            table_rows = []
        if cells is not None and not table_rows and (split := _prose_lead(line)) is not None:
            add_paragraph(split[0])
            line = split[1]
            cells = split_cells(line)
        if cells is not None:
            table_rows.append(line)
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
            add_paragraph(line.strip())
        i += 1
    flush_table()
    return blocks, para_index


def read_txt(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None) -> Document:
    deadline = deadline or Deadline(limits.timeout_seconds)
    text = decode(data).replace("\x00", "")
    for ch in BREAKS:
        if ch in text:
            text = text.replace(ch, "\n")
    if not text.strip():
        raise ReadError("unreadable", "文本文件中没有文字（只有空白或空字符），请检查文件是否完整 / "
                                      "the text file holds no text (only blanks or NUL bytes): check the file")
    lines = unwrap(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    blocks, _ = build_blocks(lines, deadline)
    return Document(path=path, format="txt", blocks=blocks)
