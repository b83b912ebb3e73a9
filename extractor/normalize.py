"""Normalize text for figure parsing while keeping a map back to the original offsets."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

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
        if not self.offsets:
            return 0, 0
        start = min(max(start, 0), len(self.offsets) - 1)
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end - 1 < len(self.offsets) and end > start else o_start + 1
        return o_start, min(o_end, len(self.original))

    def quote(self, start: int, end: int, before: int = 18, after: int = 12) -> str:
        """A verbatim excerpt of the original text around the normalized span."""
        o_start, o_end = self.span_to_original(start, end)
        lo = max(0, o_start - before)
        hi = min(len(self.original), o_end + after)
        return " ".join(self.original[lo:hi].split())[:80]


def normalize(text: str) -> NormalizedText:
    """NFKC per character (full-width digits, %, letters) except CJK punctuation, with offsets kept."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in KEEP:
            n = ch
        elif ch in EXTRA:
            n = EXTRA[ch]
        elif ch in "\u00a0\u3000\t":
            n = " "
        else:
            n = unicodedata.normalize("NFKC", ch)
        for c in n:
            out.append(c)
            offsets.append(i)
    return _close_figure_gaps(NormalizedText(original=text, text="".join(out), offsets=offsets))


def _close_figure_gaps(nt: NormalizedText) -> NormalizedText:
    """Drop spaces inside figures ("1986 .72", "2 ,222.53", "92.42 %") keeping the offset map."""
    t = nt.text
    keep_text, keep_off = [], []
    for i, ch in enumerate(t):
        if ch == " " and 0 < i < len(t) - 1:
            prev = t[i - 1]
            j = i + 1
            while j < len(t) and t[j] == " ":
                j += 1
            nxt = t[j] if j < len(t) else ""
            after = t[j + 1] if j + 1 < len(t) else ""
            if prev.isdigit() and nxt in ".," and after.isdigit():
                continue
            if prev in ".," and i > 1 and t[i - 2].isdigit() and nxt.isdigit():
                continue
            if prev.isdigit() and nxt == "%":
                continue
        keep_text.append(ch)
        keep_off.append(nt.offsets[i])
    return NormalizedText(original=nt.original, text="".join(keep_text), offsets=keep_off)


def compact(text: str) -> str:
    """Text for keyword matching: normalized, without spaces or quote marks."""
    t = normalize(text).text
    for ch in " \n“”‘’\"'「」":
        t = t.replace(ch, "")
    return t
