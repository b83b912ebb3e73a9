"""Traditional script and pinyin mark-up (預(yù)算) read as plain simplified text, the printed text kept.

simplify_document converts every paragraph and cell of a document whose script is traditional (OpenCC t2s),
and drops pinyin in parentheses after a character in any document (patterns/script.yaml). A converted block
keeps its printed text in .printed; conversion keeps each character's place (a phrase whose simplified form
has another length is converted character by character), so printed_quote can map a quote of the converted
text back to the words as printed."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.model import Document, Paragraph, Table

HAN = regex.compile(r"\p{Han}")
SAMPLE = 200_000
"""Characters of a document looked at to tell its script."""


@lru_cache(maxsize=1)
def _spec() -> dict:
    spec = dict(patterns.load("script"))
    spec["pinyin"] = regex.compile(spec["pinyin"])
    if any(len(k) != len(v) for k, v in spec["simplified_words"].items()):
        raise ValueError("patterns/script.yaml: a simplified word must keep its length")
    return spec


@lru_cache(maxsize=1)
def _converter():
    """OpenCC's traditional-to-simplified converter (opencc-python-reimplemented, or the opencc binding)."""
    from opencc import OpenCC
    try:
        return OpenCC("t2s")
    except Exception:  # noqa: BLE001 - the opencc binding names its configs t2s.json
        return OpenCC("t2s.json")


@lru_cache(maxsize=65536)
def _char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def _t2s(text: str) -> str:
    """Simplified text of the same length: phrase conversion, else character by character, then the words of
    simplified_words."""
    out = _converter().convert(text)
    if len(out) != len(text):
        out = "".join(_char(ch) for ch in text)
    for word, simplified in _spec()["simplified_words"].items():
        if word in out:
            out = out.replace(word, simplified)
    return out


def strip_pinyin(text: str) -> tuple[str, list[int]]:
    """The text without pinyin mark-up, and for each of its characters the offset of the printed character."""
    pattern = _spec()["pinyin"]
    if "(" not in text and "（" not in text:
        return text, list(range(len(text)))
    kept, offsets, pos = [], [], 0
    for m in pattern.finditer(text):
        kept.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    kept.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(kept), offsets


def simplify(text: str, traditional: bool) -> tuple[str, list[int]]:
    """The text read for figures (pinyin dropped, simplified when traditional) and its offsets in the printed text."""
    stripped, offsets = strip_pinyin(text)
    return (_t2s(stripped) if traditional else stripped), offsets


def _texts(doc: Document):
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                yield from row


_KINDS: dict[str, int] = {}
"""Each character met by is_traditional: 0 when not Chinese, 1 when Chinese and simplified, 2 when Chinese with
another simplified form."""


_PLAIN: list = [None]
"""The characters of _KINDS without another simplified form, as one negated character class made now and then
(_keep_plain_class), which a text is searched with far quicker than a set of its characters is made."""
_LATER_PLAIN: set[str] = set()
"""Characters without another simplified form met since that class was made."""
FEW_LATER = 64


def _holds_other(text: str) -> bool:
    """Whether the text may hold a character with another simplified form: one of them, or one not met yet (or
    more than FEW_LATER characters met since the class was made, which are not looked into)."""
    pattern = _PLAIN[0]
    if pattern is None:
        return True
    for k, m in enumerate(pattern.finditer(text)):
        if k >= FEW_LATER or m.group() not in _LATER_PLAIN:
            return True
    return False


def _keep_plain_class() -> None:
    """The class made again from all of _KINDS once the characters met since it was made are many (so it is made
    a few times in a process, not once for each document)."""
    if _PLAIN[0] is not None and len(_LATER_PLAIN) <= max(FEW_LATER, len(_KINDS) // 4):
        return
    plain = "".join(re.escape(ch) for ch, kind in list(_KINDS.items()) if kind != 2)
    _LATER_PLAIN.clear()
    _PLAIN[0] = re.compile(f"[^{plain}]" if plain else "(?s:.)")


def is_traditional(doc: Document) -> bool:
    """True when enough of the Chinese characters in the document's first SAMPLE characters have another simplified
    form (see patterns/script.yaml)."""
    spec = _spec()
    texts = []
    seen = 0
    for item in _texts(doc):
        texts.append(item.text)
        seen += len(item.text)
        if seen >= SAMPLE:
            break
    text = "".join(texts)
    if spec["traditional_min_chars"] > 0 and not _holds_other(text):
        return False
    kinds = _KINDS
    chinese, other_form = [], []
    for ch in set(text):
        kind = kinds.get(ch)
        if kind is None:
            kind = kinds[ch] = (2 if _char(ch) != ch else 1) if HAN.match(ch) else 0
            if kind != 2:
                _LATER_PLAIN.add(ch)
        if kind:
            chinese.append(ch)
            if kind == 2:
                other_form.append(ch)
    _keep_plain_class()
    changed = sum(map(text.count, other_form))
    if changed < spec["traditional_min_chars"]:
        return False
    counts = Counter(text)
    han = sum(counts[ch] for ch in chinese)
    return changed >= spec["traditional_min_share"] * han


def simplify_document(doc: Document) -> Document:
    """The document with traditional script simplified and pinyin mark-up dropped; each changed paragraph or cell
    keeps its printed text in .printed (a covered cell's anchor_text is converted too)."""
    traditional = is_traditional(doc)
    pattern = _spec()["pinyin"]
    if not traditional and not _has_pinyin(doc, pattern):
        return doc
    for item in _texts(doc):
        text, _ = simplify(item.text, traditional)
        if text != item.text:
            item.printed = item.text
            item.text = text
        anchor = getattr(item, "anchor_text", "")
        if anchor:
            item.anchor_text = simplify(anchor, traditional)[0]
    doc.traditional = traditional
    return doc


def _has_pinyin(doc: Document, pattern) -> bool:
    """Whether any paragraph or cell holds pinyin mark-up: one search of their texts joined by line breaks, which
    the mark-up (letters between brackets, after a Chinese character) cannot span or follow."""
    text = "\n".join(item.text for item in _texts(doc))
    return ("(" in text or "（" in text) and pattern.search(text) is not None


class PrintedText:
    """Maps quotes of a simplified document back to its printed text."""

    def __init__(self, doc: Document):
        self.traditional = doc.traditional
        self.pairs: list[tuple[str, list[int], str, list[int]]] = []
        for item in _texts(doc):
            printed = getattr(item, "printed", None)
            if printed:
                converted, offsets = simplify(printed, self.traditional)
                collapsed, where = _collapsed(converted)
                self.pairs.append((collapsed, where, printed, offsets))

    def quote(self, quote: str) -> str:
        """The quote as printed: each ' | '-separated piece found in a converted block is replaced by the printed
        words it came from; a piece found nowhere is kept."""
        if not self.pairs:
            return quote
        return " | ".join(self._piece(piece) for piece in quote.split(" | "))

    def _piece(self, piece: str) -> str:
        if not piece:
            return piece
        for collapsed, where, printed, offsets in self.pairs:
            at = collapsed.find(piece)
            if at < 0:
                continue
            start = offsets[where[at]]
            end = offsets[where[at + len(piece) - 1]] + 1
            return " ".join(printed[start:end].split())
        return piece


def _collapsed(text: str) -> tuple[str, list[int]]:
    """The text with whitespace runs as single spaces and ends trimmed (as quotes are), and each kept character's offset."""
    out, where, space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            where.append(i - 1)
            space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


def printed_quotes(doc: Document) -> Optional[PrintedText]:
    """A PrintedText for a document that was converted, else None."""
    if not any(getattr(item, "printed", None) for item in _texts(doc)):
        return None
    return PrintedText(doc)
