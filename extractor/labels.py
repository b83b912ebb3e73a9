"""Word boundaries of figure labels from jieba, with the domain user dictionary in patterns/.

The dictionary is patterns/jieba_userdict.txt plus every concept synonym, so adding a synonym needs no
code change. jieba loads only when the first label is segmented.
"""
from __future__ import annotations

import logging
import warnings
from functools import lru_cache
from pathlib import Path

import patterns

USER_DICT = Path(patterns.__file__).with_name("jieba_userdict.txt")


@lru_cache(maxsize=1)
def _tokenizer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_DICT))
    for spec in patterns.load("concepts")["concepts"].values():
        for synonym in spec["synonyms"]:
            tokenizer.add_word(synonym, freq=100000)
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
