"""Word boundaries of figure labels from jieba, with the domain user dictionary in patterns/.

The dictionary is patterns/jieba_userdict.txt plus every concept synonym, so adding a synonym needs no
code change. jieba loads only when the first label is segmented.

jieba keeps its prefix dictionary (about 500,000 words) in a marshal cache that takes about 0.5 s to load.
The dictionary with the domain words added is kept instead in a cache of our own (plain text and integers,
about 0.15 s to load) in the user's cache directory, keyed by the jieba version and the contents of the
domain dictionary; a missing, stale or damaged cache is rebuilt from jieba.
"""
from __future__ import annotations

import array
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
CACHE_MAGIC = b"jxcheck-jieba-dictionary 1\n"
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


def _read_cache(path: Path) -> Optional[tuple[dict[str, int], int]]:
    """(FREQ, total) from a cache file, or None when it is missing or does not check out."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(CACHE_MAGIC):
        return None
    head_end = data.find(b"\n", len(CACHE_MAGIC))
    try:
        total, count, words_len, checksum = data[len(CACHE_MAGIC):head_end].decode("ascii").split()
        total, count, words_len = int(total), int(count), int(words_len)
    except ValueError:
        return None
    body = memoryview(data)[head_end + 1:]
    if len(body) != words_len + 8 * count or hashlib.sha256(body).hexdigest() != checksum:
        return None
    freqs = array.array("q")
    freqs.frombytes(body[words_len:])
    words = str(body[:words_len], "utf-8").split("\n")
    if len(words) != count or len(freqs) != count:
        return None
    return dict(zip(words, freqs)), total


def _write_cache(path: Path, freq: dict[str, int], total: int) -> None:
    """Write the cache atomically; a cache that cannot be written is only a slower start next time."""
    if any("\n" in word for word in freq):
        return
    words = "\n".join(freq).encode("utf-8")
    body = words + array.array("q", freq.values()).tobytes()
    head = f"{total} {len(freq)} {len(words)} {hashlib.sha256(body).hexdigest()}\n".encode("ascii")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(CACHE_MAGIC + head + body)
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
        import jieba
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
