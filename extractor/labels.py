"""Word boundaries of figure labels from jieba, with the domain user dictionary in patterns/.

The dictionary is patterns/jieba_userdict.txt plus every concept synonym, so adding a synonym needs no
code change. jieba loads only when the first label is segmented.

jieba keeps its prefix dictionary (about 500,000 words) in a marshal cache that takes about 0.5 s to load.
The dictionary with the domain words added is kept instead in a cache of our own (plain text, grouped by first
character and read a group at a time as labels need it) in the user's cache directory, keyed by the jieba version
and the contents of the domain dictionary; a missing, stale or damaged cache is rebuilt from jieba. jieba is
imported without pkg_resources (0.12 s of start-up), which it only uses to open its own files.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional

import patterns

USER_DICT = Path(patterns.__file__).with_name("jieba_userdict.txt")
CACHE_MAGIC = b"jxcheck-jieba-dictionary 2\n"
SYNONYM_FREQ = 100000


def cache_dir() -> Path:
    """JXCHECK_CACHE_DIR, else $XDG_CACHE_HOME/jxcheck, else ~/.cache/jxcheck."""
    if os.environ.get("JXCHECK_CACHE_DIR"):
        return Path(os.environ["JXCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jxcheck"


def _synonyms() -> list[str]:
    return [s for spec in patterns.load("concepts")["concepts"].values() for s in spec["synonyms"]]


def _cache_path(jieba_version: str) -> Path:
    digest = hashlib.sha256()
    digest.update(f"{jieba_version}\n{sys.version_info[:2]}\n".encode())
    digest.update(USER_DICT.read_bytes())
    digest.update("\n".join(_synonyms()).encode("utf-8"))
    return cache_dir() / f"jieba-{digest.hexdigest()[:20]}.dict"


class Dictionary:
    """jieba's prefix dictionary (word → frequency, 0 for a prefix that is no word) read from the cache one first
    character at a time: segmenting the labels of a short document touches a few hundred of its 6,000 buckets, so
    start-up does not pay for building all 500,000 entries."""

    def __init__(self, body: bytes, index: dict[str, tuple[int, int]]):
        self._body = body
        self._index = index
        self._buckets: dict[str, dict[str, int]] = {}

    def _bucket(self, first: str) -> dict[str, int]:
        bucket = self._buckets.get(first)
        if bucket is None:
            bucket = {}
            span = self._index.get(first)
            if span is not None:
                for line in self._body[span[0]:span[0] + span[1]].decode("utf-8").split("\n"):
                    word, _, freq = line.rpartition("\t")
                    bucket[word] = int(freq)
            self._buckets[first] = bucket
        return bucket

    def __contains__(self, word) -> bool:
        return bool(word) and word in self._bucket(word[0])

    def __getitem__(self, word: str) -> int:
        if not word:
            raise KeyError(word)
        return self._bucket(word[0])[word]

    def get(self, word: str, default=None):
        return self._bucket(word[0]).get(word, default) if word else default

    def items(self):
        for first in self._index:
            yield from self._bucket(first).items()


def _read_cache(path: Path) -> Optional[tuple[Dictionary, int]]:
    """(dictionary, total) from a cache file, or None when it is missing or does not check out."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(CACHE_MAGIC):
        return None
    head_end = data.find(b"\n", len(CACHE_MAGIC))
    try:
        total, index_len, checksum = data[len(CACHE_MAGIC):head_end].decode("ascii").split()
        total, index_len = int(total), int(index_len)
    except ValueError:
        return None
    rest = data[head_end + 1:]
    if len(rest) < index_len or hashlib.sha256(rest).hexdigest() != checksum:
        return None
    index: dict[str, tuple[int, int]] = {}
    try:
        for line in rest[:index_len].decode("utf-8").split("\n"):
            first, offset, length = line.split("\t")
            index[first] = (int(offset), int(length))
    except ValueError:
        return None
    body = rest[index_len:]
    if index and max(o + n for o, n in index.values()) > len(body):
        return None
    return Dictionary(body, index), total


def _write_cache(path: Path, freq: dict[str, int], total: int) -> None:
    """Write the cache atomically, words grouped by their first character; a cache that cannot be written is only a
    slower start next time."""
    if any("\n" in word or "\t" in word or not word for word in freq):
        return
    groups: dict[str, list[str]] = {}
    for word, f in freq.items():
        groups.setdefault(word[0], []).append(f"{word}\t{f}")
    parts, index, offset = [], [], 0
    for first, lines in groups.items():
        chunk = "\n".join(lines).encode("utf-8")
        index.append(f"{first}\t{offset}\t{len(chunk)}")
        parts.append(chunk)
        offset += len(chunk)
    index_bytes = "\n".join(index).encode("utf-8")
    rest = index_bytes + b"".join(parts)
    head = f"{total} {len(index_bytes)} {hashlib.sha256(rest).hexdigest()}\n".encode("ascii")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(CACHE_MAGIC + head + rest)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


@lru_cache(maxsize=1)
def _tokenizer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blocked = "pkg_resources" not in sys.modules
        if blocked:
            sys.modules["pkg_resources"] = None
        try:
            import jieba
        finally:
            if blocked:
                del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    path = _cache_path(jieba.__version__)
    cached = _read_cache(path)
    if cached is not None:
        tokenizer.FREQ, tokenizer.total = cached
        tokenizer.initialized = True
        return tokenizer
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_DICT))
    for synonym in _synonyms():
        tokenizer.add_word(synonym, freq=SYNONYM_FREQ)
    _write_cache(path, tokenizer.FREQ, tokenizer.total)
    return tokenizer


@lru_cache(maxsize=8192)
def boundaries(label: str) -> frozenset[int]:
    """Offsets in the label where a word starts or ends."""
    cuts = {0}
    pos = 0
    for word in _tokenizer().cut(label, HMM=False):
        pos += len(word)
        cuts.add(pos)
    return frozenset(cuts)
