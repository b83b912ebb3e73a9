"""Per-document speed and start-up of `jxcheck check`, against pdfplumber and raw pypdfium2 on the same PDFs.

Per-document time excludes start-up: (time to check six copies in one call − time for one copy) / 5 for the seed
PDFs; for the one-page project tables, too quick for that difference, the mean of ten check_file calls in a warm
process, held to the mean of ten pypdfium2 extractions (both the best of --repeat such means).
Targets (issue 18): ratio to pypdfium2's raw text ≤ 3 on the seed PDFs and ≤ 5 on the one-page project
tables (their median), start-up of `jxcheck check` on a one-line TXT ≤ 0.3 s; reported, never failing the run
for the ratios to pypdfium2 (exit status 1 only for the pdfplumber and start-up targets).
Each PDF's time is also split, in a warm process, into reading (file to Document) and the rest (facts, checks,
result), so the ratio of reading alone to pypdfium2 is shown beside the whole check's. A 320-page PDF made of
copies of the two seeds' pages is measured the same way (one call, warm process).
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
PROJECT_TABLES = ROOT / "corpus" / "project-tables"
PDFIUM_TARGET_SEEDS = 3.0
PDFIUM_TARGET_TABLES = 5.0
STARTUP_TARGET = 0.3


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


WARM_TIMER = """
import sys, time
from jxcheck.api import check_file
path, runs, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
check_file(path)
best = float("inf")
for _ in range(repeat):
    start = time.perf_counter()
    for _ in range(runs):
        check_file(path)
    best = min(best, (time.perf_counter() - start) / runs)
print(best)
"""


def warm_per_document(path: Path, repeat: int, runs: int = 10) -> float:
    """check_file's time on one document in a warm process (no start-up): the best of repeat means of runs."""
    out = subprocess.run([sys.executable, "-c", WARM_TIMER, str(path), str(runs), str(repeat)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return float(out.stdout.strip())


SPLIT_TIMER = """
import sys, time
from extractor.document import read_document
from jxcheck.api import check_document
path, runs, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
check_document(read_document(path))
read = rest = float("inf")
for _ in range(repeat):
    spent_reading = spent_checking = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        doc = read_document(path)
        middle = time.perf_counter()
        check_document(doc)
        spent_reading += middle - start
        spent_checking += time.perf_counter() - middle
    read, rest = min(read, spent_reading / runs), min(rest, spent_checking / runs)
print(read, rest)
"""


def warm_split(path: Path, repeat: int, runs: int) -> tuple[float, float]:
    """Reading and the rest of check_file's time on one document in a warm process: the best of repeat means."""
    out = subprocess.run([sys.executable, "-c", SPLIT_TIMER, str(path), str(runs), str(repeat)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    read, rest = out.stdout.split()
    return float(read), float(rest)


def long_pdf(tmp: Path, pages: int = 320) -> Path:
    """A PDF of the given number of pages, the seeds' pages copied in turn."""
    import pypdfium2
    out = pypdfium2.PdfDocument.new()
    sources = [pypdfium2.PdfDocument(str(SEEDS / name)) for name in TARGETS]
    while len(out) < pages:
        for src in sources:
            take = min(len(src), pages - len(out))
            if take > 0:
                out.import_pages(src, list(range(take)))
    path = tmp / f"long_{pages}.pdf"
    out.save(str(path))
    out.close()
    for src in sources:
        src.close()
    return path


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
        lines.append(f"start-up (one-line TXT): {start:.3f} s  (target < 1 s) {'OK' if start < 1.0 else 'MISSED'}; "
                     f"issue 18 target ≤ {STARTUP_TARGET} s {'met' if start <= STARTUP_TARGET else 'MISSED'}")
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
                         f"ratio to pypdfium2 {ours / pdfium:.1f} (target ≤ {PDFIUM_TARGET_SEEDS:g}) "
                         f"{'met' if ours / pdfium <= PDFIUM_TARGET_SEEDS else 'MISSED'}; peak RSS of the six-copy run "
                         f"{peak_kib / 1024:.0f} MiB")
            read, rest = warm_split(path, args.repeat, 5)
            lines.append(f"    warm process: reading {read * 1000:.0f} ms ({read / pdfium:.1f}× pypdfium2), facts and "
                         f"checks {rest * 1000:.0f} ms; whole check {(read + rest) / pdfium:.1f}× pypdfium2")
        path = long_pdf(tmp)
        read, rest = warm_split(path, 1, 1)
        pdfium = _best(lambda: pdfium_time(path), args.repeat)
        lines.append(f"{path.name} (320 pages, the seeds' pages in turn): reading {read:.2f} s "
                     f"({read / pdfium:.1f}× pypdfium2's {pdfium:.2f} s), facts and checks {rest:.2f} s; "
                     f"whole check {(read + rest) / pdfium:.1f}× pypdfium2")
        ratios = []
        for path in sorted(PROJECT_TABLES.glob("*.pdf")):
            ours = warm_per_document(path, args.repeat)
            pdfium = _best(lambda: sum(pdfium_time(path) for _ in range(10)) / 10, args.repeat)
            ratios.append(ours / pdfium)
            lines.append(f"{path.name} (one-page table): jxcheck {ours * 1000:.1f} ms/doc (warm process); pypdfium2 raw text "
                         f"{pdfium * 1000:.1f} ms; ratio {ours / pdfium:.1f}")
        if ratios:
            median = sorted(ratios)[len(ratios) // 2]
            lines.append(f"one-page project tables: median ratio to pypdfium2 {median:.1f} (target ≤ "
                         f"{PDFIUM_TARGET_TABLES:g}) {'met' if median <= PDFIUM_TARGET_TABLES else 'MISSED'}")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
