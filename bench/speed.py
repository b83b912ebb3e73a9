"""Per-document speed and start-up of `jxcheck check`, against pdfplumber and raw pypdfium2 on the same PDFs.

Per-document time excludes start-up: (time to check six copies in one call − time for one copy) / 5.
Run: python bench/speed.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
TARGETS = {"zj2018_review.pdf": ("table-heavy", 0.5), "zj2020_self.pdf": ("mostly text", 0.1)}


def _jxcheck(files: list[Path]) -> tuple[float, int]:
    """Wall time of one `jxcheck check` call and its peak RSS in KiB."""
    cmd = [sys.executable, "-m", "jxcheck.cli", "check", "--format", "json", "-o", os.devnull, *map(str, files)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.WEXITSTATUS(_) not in (0, 1):
        raise SystemExit(f"jxcheck failed on {files[0]}: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def _best(fn, repeat: int) -> float:
    return min(fn() for _ in range(repeat))


def per_document(path: Path, repeat: int, tmp: Path) -> tuple[float, int]:
    copies = []
    for i in range(6):
        dst = tmp / f"{i}_{path.name}"
        shutil.copy(path, dst)
        copies.append(dst)
    one = _best(lambda: _jxcheck(copies[:1])[0], repeat)
    six_runs = [_jxcheck(copies) for _ in range(repeat)]
    six = min(t for t, _ in six_runs)
    return (six - one) / 5, max(m for _, m in six_runs)


def pdfplumber_time(path: Path) -> float:
    import pdfplumber
    start = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
    return time.perf_counter() - start


def pdfium_time(path: Path) -> float:
    import pypdfium2
    start = time.perf_counter()
    pdf = pypdfium2.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        page.get_textpage().get_text_range()
    pdf.close()
    return time.perf_counter() - start


def startup(repeat: int, tmp: Path) -> float:
    one_line = tmp / "one_line.txt"
    one_line.write_text("单位：某某局\n", encoding="utf-8")
    return _best(lambda: _jxcheck([one_line])[0], repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    lines = [f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; best of {args.repeat} runs"]
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        start = startup(args.repeat, tmp)
        ok &= start < 1.0
        lines.append(f"start-up (one-line TXT): {start:.3f} s  (target < 1 s) {'OK' if start < 1.0 else 'MISSED'}")
        for name, (kind, target) in TARGETS.items():
            path = SEEDS / name
            ours, peak_kib = per_document(path, args.repeat, tmp)
            plumber = _best(lambda: pdfplumber_time(path), args.repeat)
            pdfium = _best(lambda: pdfium_time(path), args.repeat)
            ratio = ours / plumber
            ok &= ratio <= target
            lines.append(f"{name} ({kind}): jxcheck {ours * 1000:.0f} ms/doc; pdfplumber text+tables "
                         f"{plumber * 1000:.0f} ms; pypdfium2 raw text {pdfium * 1000:.1f} ms")
            lines.append(f"    ratio to pdfplumber {ratio:.3f} (target ≤ {target}) {'OK' if ratio <= target else 'MISSED'}; "
                         f"ratio to pypdfium2 {ours / pdfium:.1f}; peak RSS of the six-copy run {peak_kib / 1024:.0f} MiB")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
