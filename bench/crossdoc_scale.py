"""Cross-document checks at archive scale: the same number of documents as one unit and as many units.

Usage: python bench/crossdoc_scale.py [-n 600] [--many 100] [--seed 1] [--jobs 2] [--workdir DIR]

Generates (or reuses) two synthetic archives with bench/generate.py, n documents each, TXT and DOCX only: one
whose documents all belong to one unit (--units 1) and one spread over --many units; runs `jxcheck batch` on each
in a fresh output folder and reports, for each: the checking time and the time after it (cross-checks and
outputs, as the batch command prints them), findings.jsonl's size and longest line, the cross-document checks
stored, how soon the first progress line came and the longest silence on stderr after checking. Targets (issue
18): after-checking time of the one-unit archive ≤ 2 × that of the many-unit one, findings.jsonl < 20 MB, first
progress line ≤ 1 s. Exit status 0 when every target is met, 1 otherwise, 2 on error.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 2.0
JSONL_TARGET_MB = 20.0
FIRST_LINE_TARGET_S = 1.0
TIMES = re.compile(r"检查 ([\d.]+) 秒，汇总与输出 ([\d.]+) 秒")


def ensure_archive(path: Path, n: int, seed: int, units: int) -> dict:
    """The archive at path, generated unless it was already, with these options."""
    from bench.generate import generate
    info_file = path / "generation.json"
    if info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        if (info.get("documents"), info.get("seed"), info.get("units_cap"), info.get("pdf_share")) == (n, seed, units, 0.0):
            return info
        shutil.rmtree(path)
    return generate(path, n, seed, 0.0, units)


def run_batch(docs: Path, out: Path, jobs: int) -> dict:
    """One batch run in a fresh output folder, stderr read line by line as it comes."""
    shutil.rmtree(out, ignore_errors=True)
    os.sync()
    cmd = [sys.executable, "-c", "from jxcheck.cli import entry; entry()", "batch", str(docs), "-o", str(out),
           "--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    stamps: list[tuple[float, str]] = []
    for line in proc.stderr:
        stamps.append((time.monotonic() - start, line.rstrip("\n")))
    proc.wait()
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"batch failed ({proc.returncode}): " + "\n".join(t for _, t in stamps[-5:]))
    found = next((TIMES.search(t) for _, t in reversed(stamps) if TIMES.search(t)), None)
    check_s, after_s = (float(found.group(1)), float(found.group(2))) if found else (None, None)
    done_at = next((s for s, t in stamps if re.match(r"\[(\d+)/\1\]", t)), None)
    after_lines = [s for s, _ in stamps if done_at is not None and s >= done_at]
    silence = max((b - a for a, b in zip(after_lines, after_lines[1:])), default=0.0)
    jsonl = out / "findings.jsonl"
    longest = max((len(line.encode("utf-8")) for line in jsonl.open(encoding="utf-8")), default=0)
    import duckdb
    con = duckdb.connect(str(out / "jxcheck.duckdb"), read_only=True)
    cross = con.execute("SELECT rule, status, count(*) FROM checks WHERE source = 'crossdoc' GROUP BY ALL "
                        "ORDER BY ALL").fetchall()
    units = con.execute("SELECT count(DISTINCT unit_key) FROM documents").fetchone()[0]
    con.close()
    return {"wall_s": round(wall, 2), "check_s": check_s, "after_check_s": after_s,
            "first_line_s": round(stamps[0][0], 2) if stamps else None,
            "longest_silence_after_checking_s": round(silence, 2), "units": units,
            "jsonl_mb": round(jsonl.stat().st_size / 1e6, 2), "jsonl_longest_line_kb": round(longest / 1e3, 1),
            "crossdoc_checks": {f"{r} {s}": c for r, s, c in cross}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600)
    parser.add_argument("--many", type=int, default=100, help="units of the spread archive (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workdir", default=None, help="where the archives and outputs go (default $TMPDIR)")
    args = parser.parse_args(argv)
    work = Path(args.workdir or tempfile.gettempdir())
    results = {}
    try:
        for units in (1, args.many):
            archive = work / f"jxcheck-scale-n{args.n}-u{units}-s{args.seed}"
            info = ensure_archive(archive, args.n, args.seed, units)
            results[units] = run_batch(archive / "docs", Path(f"{archive}-out"), args.jobs)
            results[units]["generation_s"] = info.get("seconds_total")
    except (OSError, RuntimeError) as exc:
        print(f"基准失败 / bench failed: {exc}", file=sys.stderr)
        return 2
    one, many = results[1], results[args.many]
    ratio = one["after_check_s"] / max(many["after_check_s"], 0.05)
    targets = {"ratio": ratio <= RATIO_TARGET,
               "jsonl": max(one["jsonl_mb"], many["jsonl_mb"]) < JSONL_TARGET_MB,
               "first_line": max(one["first_line_s"], many["first_line_s"]) <= FIRST_LINE_TARGET_S}
    for units, r in results.items():
        print(f"{args.n} documents, {units} unit(s) asked, {r['units']} stored: wall {r['wall_s']} s, checking "
              f"{r['check_s']} s, cross-checks and outputs {r['after_check_s']} s, first line at {r['first_line_s']} s, "
              f"longest silence after checking {r['longest_silence_after_checking_s']} s, findings.jsonl "
              f"{r['jsonl_mb']} MB (longest line {r['jsonl_longest_line_kb']} kB)")
        print("  crossdoc checks: " + ", ".join(f"{k} {v}" for k, v in r["crossdoc_checks"].items()))
    print(f"after-checking time, one unit / {args.many} units: {ratio:.2f}× (target ≤ {RATIO_TARGET}) "
          + ("met" if targets["ratio"] else "MISSED"))
    print(f"findings.jsonl under {JSONL_TARGET_MB} MB: " + ("met" if targets["jsonl"] else "MISSED")
          + f"; first progress line within {FIRST_LINE_TARGET_S} s: " + ("met" if targets["first_line"] else "MISSED"))
    print(json.dumps({"results": results, "ratio": round(ratio, 2), "targets": targets}, ensure_ascii=False))
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
