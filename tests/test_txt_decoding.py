"""The TXT reader's choice of decoding, taken on one count of each candidate's characters."""
from __future__ import annotations

from pathlib import Path

import pytest


def test_the_decoding_is_chosen_on_one_count_of_its_characters():
    from extractor.model import ReadError
    from extractor.readers import txt
    seed = Path(__file__).resolve().parent.parent / "corpus" / "seeds" / "zj2018_review.txt"
    text = seed.read_text(encoding="utf-8")
    assert txt.decode(text.encode("gb18030")) == text
    assert txt.decode(text.encode("big5", errors="ignore")) == text.encode("big5", errors="ignore").decode("big5")
    tally = txt._Tally("预算\x00执行\ufffd\x01ab")
    assert tally.junk == 2 / 8 and tally.score == 4 / 5
    with pytest.raises(ReadError):
        txt.decode(bytes(range(256)) * 20)
