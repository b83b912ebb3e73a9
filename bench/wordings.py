"""Check the tuning part of corpus/real again after rewording its prose the ways other issuers word the same
statements, and report what each rewording costs: the checks still made on the documents it changed, and every
finding that was not there before (a new finding on a text whose figures and meaning did not change is a false
alarm of the reading).

A rule that recognises only the sentence shapes it was shown keeps few checks here. Each rewording keeps the
figures and the meaning, and each is a wording real documents of the corpus use: 较上年 → 比上年 (bishang) and back
(jiaoshang), 较/比上年 → 与上年相比， (xiangbi) or 同比 (tongbi); a share's 的N% → 的比重为N% (bizhong); 决算数为/预算数为
→ 决算为/预算为 (shuwei); 为N万元 → N万元 (wei); 年初预算数 → 年初预算 (nianchu); “三公”经费 → 三公经费 (sangong);
（一） → 一、 (numbering). Wordings no document of the corpus uses (增长N万元 for an amount, 增幅为N%, 其中包括：) are
not tried. Table lines ('|' or tab) are left alone.

Usage: python bench/wordings.py [CORPUS_DIR] [--only NAME ...]
Exit status 1 when a rewording brings a new finding.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from copies import compare  # noqa: E402
from eval_real import part_of  # noqa: E402

AMOUNT = r"\d[\d,]*(?:\.\d+)?(?:万元|亿元|元)"
RATE = r"\d+(?:\.\d+)?%"
CN_ORDINALS = "一二三四五六七八九十"

REWORDINGS: dict[str, list[tuple[str, str]]] = {
    "bishang": [(r"较上年", "比上年")],
    "jiaoshang": [(r"比上年", "较上年")],
    "xiangbi": [(r"(?:较|比)上年(度?)(?=增加|减少|增长|下降|持平)", r"与上年\1相比，")],
    "tongbi": [(r"(?:较|比)上年度?(?=增加|减少|增长|下降)", "同比")],
    "bizhong": [(rf"(占[^，。；%]{{1,24}}?)的(?=\s*{RATE})", r"\1的比重为")],
    "shuwei": [(r"(决算|预算)数为", r"\1为")],
    "wei": [(rf"为(?=\s*{AMOUNT})", "")],
    "nianchu": [(r"年初预算数", "年初预算")],
    "sangong": [(r"[“\"]三公[”\"]经费", "三公经费")],
    "numbering": [(rf"[（(]([{CN_ORDINALS}]+)[)）]", r"\1、")],
}


def reword(text: str, name: str) -> str:
    rules = [(re.compile(p), r) for p, r in REWORDINGS[name]]
    out = []
    for line in text.split("\n"):
        if "|" not in line and "\t" not in line:
            for pattern, replacement in rules:
                line = pattern.sub(replacement, line)
        out.append(line)
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent / "corpus" / "real"))
    ap.add_argument("--only", nargs="*", choices=sorted(REWORDINGS), help="these rewordings only")
    args = ap.parse_args(argv)
    sources = [p for p in sorted(Path(args.corpus).glob("*.txt")) if part_of(p.stem) == "tuning"]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in sources}
    print(f"{len(sources)} tuning documents; checks made on the documents each rewording changes, and kept after it")
    print(f"{'rewording':<12}{'documents':>10}{'checks':>8}{'kept':>16}")
    new_all: list[str] = []
    for name in args.only or list(REWORDINGS):
        changed = [p for p in sources if reword(texts[p], name) != texts[p]]
        total, kept, new = compare(changed, {name: lambda source, name=name: reword(texts[source], name)})
        share = f"{kept[name]} ({100 * kept[name] / total:.1f}%)" if total else "0"
        print(f"{name:<12}{len(changed):>10}{total:>8}{share:>16}")
        new_all += new
    print(f"new findings: {len(new_all)}")
    print("\n".join(new_all))
    return 1 if new_all else 0


if __name__ == "__main__":
    sys.exit(main())
