"""Check the tuning part of corpus/real again after rewriting its texts the ways archives rewrite them, and report
what each rewriting costs: the checks still made, and every finding that was not there before (a new finding on a
text whose figures did not change is a false alarm of the reading).

Rewritings: full-width punctuation made half-width (comma); a space put between a figure and its unit (space);
every figure padded with spaces, as text copied from a PDF (pad); full-width digits (fullwidth); CRLF line ends
(crlf); traditional script (hant, OpenCC s2t); each sentence on a line of its own (sentences); 其中： written 其中，
(colon); prose lines cut every N characters (cut27, cut38, cut45, cut60). Table lines ('|' or tab) are left alone.

Usage: python bench/format_robustness.py [CORPUS_DIR] [--only NAME ...]
Exit status 1 when a rewriting brings a new finding.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from copies import compare, report  # noqa: E402
from eval_real import part_of  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def _prose(text: str, rewrite) -> str:
    return "\n".join(line if ("|" in line or "\t" in line) else rewrite(line) for line in text.split("\n"))


def _cut(width: int):
    def cut(text: str) -> str:
        out = []
        for line in text.split("\n"):
            if len(line) > width and "|" not in line and "\t" not in line:
                out += [line[k:k + width] for k in range(0, len(line), width)]
            else:
                out.append(line)
        return "\n".join(out)
    return cut


def _traditional(text: str) -> str:
    from opencc import OpenCC
    return OpenCC("s2t").convert(text)


REWRITINGS = {
    "comma": lambda t: t.replace("，", ",").replace("；", ";").replace("：", ":"),
    "space": lambda t: _prose(t, lambda s: re.sub(r"(\d)(万元|元|亿元|%)", r"\1 \2", s)),
    "pad": lambda t: _prose(t, lambda s: re.sub(r"(\d[\d,.]*%?)", r" \1 ", s)),
    "fullwidth": lambda t: _prose(t, lambda s: re.sub(r"\d[\d.]*%?", lambda m: m.group().translate(FULL_WIDTH), s)),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "hant": _traditional,
    "sentences": lambda t: _prose(t, lambda s: re.sub(r"。(?=.)", "。\n", s)),
    "colon": lambda t: t.replace("其中：", "其中，").replace("其中:", "其中,"),
    "cut27": _cut(27),
    "cut38": _cut(38),
    "cut45": _cut(45),
    "cut60": _cut(60),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent / "corpus" / "real"))
    ap.add_argument("--only", nargs="*", choices=sorted(REWRITINGS), help="these rewritings only")
    args = ap.parse_args(argv)
    names = args.only or list(REWRITINGS)
    sources = [p for p in sorted(Path(args.corpus).glob("*.txt")) if part_of(p.stem) == "tuning"]
    copies = {name: (lambda source, rewrite=REWRITINGS[name]:
                     rewrite(source.read_text(encoding="utf-8", errors="replace"))) for name in names}
    total, kept, new = compare(sources, copies)
    return report(f"{len(sources)} tuning documents, {total} checks made on the texts as they are", "rewriting",
                  total, kept, new)


if __name__ == "__main__":
    sys.exit(main())
