"""Check real published 部门决算/部门预算 PDFs (default: ../shared/native-samples) and report, per document, its
errors and warnings against the slips a hand audit confirmed (bench/native_slips.yaml), and the seconds a check
takes (best of --repeat runs, reading included).

An error or warning not in the list is printed as UNCONFIRMED: a false alarm until a hand audit says otherwise.
Exit status 1 when there is one. Usage: python bench/native.py [DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from jxcheck.api import check_file  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=str(HERE.parent.parent / "shared" / "native-samples"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    confirmed = yaml.safe_load((HERE / "native_slips.yaml").read_text(encoding="utf-8")) or {}
    pdfs = sorted(Path(args.folder).glob("*.pdf"))
    if not pdfs:
        print(f"no PDF in {args.folder}")
        return 2
    unconfirmed = 0
    print(f"{'document':<32}{'pages':>6}{'checks':>8}{'errors':>8}{'warnings':>10}{'unconfirmed':>13}{'seconds':>9}")
    notes = []
    for pdf in pdfs:
        best, result = None, None
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            result = check_file(str(pdf))
            took = time.perf_counter() - start
            best = took if best is None else min(best, took)
        known = {(s["rule"], s["reported"]) for s in confirmed.get(pdf.name) or []}
        findings = result["findings"]
        odd = [f for f in findings if (f["rule"], f["reported"]) not in known]
        unconfirmed += len(odd)
        errors = sum(f["severity"] == "error" for f in findings)
        warnings = sum(f["severity"] == "warning" for f in findings)
        print(f"{pdf.name:<32}{result['pages'] or 0:>6}{len(result['checks']):>8}{errors:>8}{warnings:>10}"
              f"{len(odd):>13}{best:>9.2f}")
        notes += [f"  UNCONFIRMED {pdf.name}: {f['severity']} {f['rule']} {f['message'][:150]}" for f in odd]
        notes += [f"  missed confirmed slip {pdf.name}: {rule} {reported}" for rule, reported in sorted(known)
                  if not any((f["rule"], f["reported"]) == (rule, reported) for f in findings)]
    if notes:
        print("\n".join(notes))
    return 1 if unconfirmed else 0


if __name__ == "__main__":
    sys.exit(main())
