"""Normalize text for figure parsing while keeping a map back to the original offsets."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

KEEP = set("，。、；：？！“”‘’（）《》【】…—")
EXTRA = {"−": "-", "–": "-", "﹪": "%", "〇": "〇"}


@dataclass
class NormalizedText:
    """Normalized text plus, for each of its characters, the offset of the original character."""

    original: str
    text: str
    offsets: list[int]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalized text to the original text."""
        offsets = self.offsets
        n = len(offsets)
        if not n:
            return 0, 0
        start = 0 if start < 0 else n - 1 if start > n - 1 else start
        o_start = offsets[start]
        o_end = offsets[end - 1] + 1 if end - 1 < n and end > start else o_start + 1
        size = len(self.original)
        return o_start, o_end if o_end < size else size

    def quote(self, start: int, end: int, before: int = 18, after: int = 12) -> str:
        """A verbatim excerpt of the original text around the normalized span."""
        o_start, o_end = self.span_to_original(start, end)
        original = self.original
        lo = o_start - before
        hi = o_end + after
        return " ".join(original[lo if lo > 0 else 0:hi].split())[:80]


_SEEN: set[str] = set()
_CHANGED: set[str] = set()
_CHANGES: dict[int, str] = {}
"""The characters normalize has met, those of them _map_char changes, and by code point what they change to (the
table for str.translate)."""
FIGURE_GAP = regex.compile(r"(?<=\d) +(?=[.,]\d|%)|(?<=\d[.,]) +(?=\d)|(?<=\p{Han}) +(?=\d)|(?<=[\d%]) +(?=\p{Han})"
                           r"|(?<=[\d%]\p{Han}{0,2}) +(?=[（(])|(?<=收)、(?=支)")


def _map_char(ch: str) -> str:
    if ch in KEEP:
        return ch
    if ch in EXTRA:
        return EXTRA[ch]
    if ch in "\u00a0\u3000\t":
        return " "
    return unicodedata.normalize("NFKC", ch)


_CHANGED_CLASS: dict[int, re.Pattern] = {}
"""_CHANGED as one character class, by its size (it only grows, so a size names one state of it): a search finds a
changed character far sooner than a set of the text's characters is made."""


def _holds_changed(text: str) -> bool:
    """Whether the text holds a character normalize changes (all of its characters met already)."""
    pattern = _CHANGED_CLASS.get(len(_CHANGED))
    if pattern is None:
        chars = sorted(_CHANGED)
        if not chars:
            return False
        pattern = re.compile("[" + "".join(map(re.escape, chars)) + "]")
        _CHANGED_CLASS.clear()
        _CHANGED_CLASS[len(chars)] = pattern
    return pattern.search(text) is not None


def normalize(text: str) -> NormalizedText:
    """NFKC per character (full-width digits, %, letters) except CJK punctuation, with offsets kept."""
    if not _SEEN.issuperset(text):
        for ch in set(text).difference(_SEEN):
            mapped = _map_char(ch)
            if mapped != ch:
                _CHANGES[ord(ch)] = mapped
                _CHANGED.add(ch)
            _SEEN.add(ch)
    out = text.translate(_CHANGES) if _holds_changed(text) else text
    if len(out) == len(text):
        offsets = list(range(len(text)))
    else:
        offsets = [i for i, ch in enumerate(text) for _ in _CHANGES.get(ord(ch), ch)]
    return _close_figure_gaps(NormalizedText(original=text, text=out, offsets=offsets))


def _close_figure_gaps(nt: NormalizedText) -> NormalizedText:
    """Drop spaces inside figures ("1986 .72", "2 ,222.53", "92.42 %"), between a figure and the words around it
    (收入总计 2411.8 亿元, text copied from a PDF) and between a figure and the bracket after it (人员编制144人 (行政编
    10人、…)), and the 、 of 收、支总计 (the 四川 决算 template's one subject, not two list items), keeping the offset
    map."""
    if " " not in nt.text and "收、支" not in nt.text:
        return nt
    gaps = [(m.start(), m.end()) for m in FIGURE_GAP.finditer(nt.text)]
    if not gaps:
        return nt
    keep_text, keep_off, pos = [], [], 0
    for a, b in gaps + [(len(nt.text), len(nt.text))]:
        keep_text.append(nt.text[pos:a])
        keep_off.extend(nt.offsets[pos:a])
        pos = b
    return NormalizedText(original=nt.original, text="".join(keep_text), offsets=keep_off)


@lru_cache(maxsize=8192)
def compact(text: str) -> str:
    """Text for keyword matching: normalized, without spaces or quote marks."""
    t = normalize(text).text
    for ch in " \n“”‘’\"'「」":
        t = t.replace(ch, "")
    return t
