"""Archive benchmark: batch-check a synthetic archive and compare the findings with its manifest.

Usage: python bench/archive.py [ARCHIVE_DIR] [-n 1000] [--seed 1] [--pdf-share 0.15] [--jobs 1 2] [-o OUT]

Generates the archive with bench/generate.py when ARCHIVE_DIR holds no archive of that size and seed,
then for each job count runs `jxcheck batch ARCHIVE_DIR/docs -o OUT/jobsN --jobs N` (or, while the batch
command does not exist, a clearly labelled fallback: a multiprocessing pool over jxcheck.api.check_file
writing the same findings.jsonl). Reported: wall time, documents per second, peak RSS of each worker
(VmHWM of the batch process's children, sampled every 0.2 s), the 1 → 2 jobs speed-up, per-document
latency percentiles (check_file timed in one fresh process over a sample of the archive), missed and
unexpected findings against the manifest, and RSS over 50 checks of corpus/seeds/zj2018_review.pdf in one
process. The report is printed and written to OUT/bench.txt (numbers also in OUT/bench.json).
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import shutil
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from jxcheck.pool import cpu_ticks  # noqa: E402

SEED_PDF = ROOT / "corpus" / "seeds" / "zj2018_review.pdf"
SUPPORTED = (".pdf", ".docx", ".txt", ".doc")
SAMPLE_EVERY = 0.2
SPEEDUP_TARGET = 1.7
MEMORY_TARGET_MIB = 500
GROWTH_LIMIT_MIB = 5
BUSY_LOAD = 0.7
MEMCHECK_RUNS = 50
FINDING_KEY = ("rule", "severity", "reported", "expected")


class BenchError(Exception):
    """A benchmark step that cannot go on (bad archive, failed run)."""


# ---------------------------------------------------------------- archive

def ensure_archive(archive: Path, n: int, seed: int, pdf_share: float) -> dict:
    """Reuse ARCHIVE when its generation.json matches n, seed and the PDF share (when it records one); generate
    it there when it is new, empty, or its generation did not finish. An archive generated with other options
    is refused rather than overwritten."""
    from bench.generate import generate
    info_file = archive / "generation.json"
    if info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        share = info.get("pdf_share", pdf_share)
        if (info.get("documents"), info.get("seed"), share) != (n, seed, pdf_share):
            options = f"-n {info.get('documents')} --seed {info.get('seed')}" + (
                f" --pdf-share {info['pdf_share']}" if "pdf_share" in info else "")
            raise BenchError(f"{archive} 是以 {options} 生成的档案，请用相同参数或另一个目录 / was generated with "
                             f"{options}: pass the same options or another folder")
        if (archive / "manifest.jsonl").is_file():
            info["reused"] = True
            return info
        shutil.rmtree(archive / "docs", ignore_errors=True)
    elif archive.exists() and any(archive.iterdir()):
        raise BenchError(f"{archive} 不是空目录，也不是生成的档案 / is neither empty nor a generated archive")
    info = generate(archive, n, seed, pdf_share)
    info["reused"] = False
    return info


def read_manifest(archive: Path) -> list[dict]:
    with open(archive / "manifest.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------- process-tree memory sampling

def _status(pid: int) -> Optional[dict]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:
        return None
    out = {}
    for key in ("VmHWM", "VmRSS", "PPid"):
        if key in fields:
            out[key] = int(fields[key].split()[0])
    return out


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of a process so far."""
    ticks = cpu_ticks(pid)
    return None if ticks is None else ticks / CLOCK_TICKS


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class TreeSampler(threading.Thread):
    """Every 0.2 s, the peak (VmHWM) and current RSS of a process and all its descendants."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root = root_pid
        self.stop = threading.Event()
        self.start_time = time.monotonic()
        self.procs: dict[int, dict] = {}

    def _descendants(self) -> list[int]:
        children = defaultdict(list)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                st = _status(int(entry))
                if st and "PPid" in st:
                    children[st["PPid"]].append(int(entry))
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def sample(self) -> None:
        now = time.monotonic() - self.start_time
        for pid in self._descendants():
            st = _status(pid)
            if not st or "VmHWM" not in st:
                continue
            rec = self.procs.setdefault(pid, {"cmd": _cmdline(pid), "ppid": st.get("PPid"), "hwm_kib": 0, "rss": [],
                                              "cpu": 0.0})
            rec["hwm_kib"] = max(rec["hwm_kib"], st["VmHWM"])
            rec["cpu"] = max(rec["cpu"], _cpu_seconds(pid) or 0.0)
            rec["rss"].append((now, st["VmRSS"]))

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_EVERY)

    def writers(self) -> list[dict]:
        """The output processes: children the main process forked itself (2+ jobs), so they share its command line."""
        main = self.procs.get(self.root, {}).get("cmd")
        return [rec | {"pid": pid} for pid, rec in self.procs.items()
                if pid != self.root and rec["ppid"] == self.root and rec["cmd"] == main]

    def workers(self) -> list[dict]:
        """The child processes that did the checking: not the main process, not its output writers and not
        multiprocessing's helpers (the resource tracker, and the fork server, a child of the main process that
        the workers are forked from and so share its command line)."""
        writers = {w["pid"] for w in self.writers()}
        return [rec | {"pid": pid} for pid, rec in self.procs.items()
                if pid != self.root and pid not in writers and "resource_tracker" not in rec["cmd"]
                and not ("forkserver" in rec["cmd"] and rec["ppid"] == self.root) and len(rec["rss"]) >= 2]


def _growth_mib(rss: list[tuple[float, int]]) -> float:
    """RSS at the end of a worker's life minus RSS a quarter into it (warm-up excluded), in MiB."""
    t0, t1 = rss[0][0], rss[-1][0]
    quarter = next(v for t, v in rss if t >= t0 + (t1 - t0) / 4)
    return (rss[-1][1] - quarter) / 1024


# ---------------------------------------------------------------- runs

def batch_available() -> bool:
    proc = subprocess.run([sys.executable, "-m", "jxcheck.cli", "batch", "--help"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, cwd=ROOT)
    return proc.returncode == 0


def run_once(docs: Path, out: Path, jobs: int, use_batch: bool) -> dict:
    """One timed run over the archive; returns wall time and the memory of its processes."""
    if out.exists():
        shutil.rmtree(out)
    os.sync()
    out.mkdir(parents=True)
    if use_batch:
        cmd = [sys.executable, "-m", "jxcheck.cli", "batch", str(docs), "-o", str(out), "--jobs", str(jobs)]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--pool-run", str(docs), str(out), str(jobs)]
    load = os.getloadavg()[0]
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out / "run.stderr", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0, 1, 2):
        tail = (out / "run.stderr").read_text(encoding="utf-8", errors="replace")[-600:]
        raise BenchError(f"run with --jobs {jobs} exited {code}: {tail}")
    if not (out / "findings.jsonl").is_file():
        raise BenchError(f"run with --jobs {jobs} wrote no {out / 'findings.jsonl'}")
    workers = sampler.workers()
    writers = sampler.writers()
    main = sampler.procs.get(proc.pid, {"hwm_kib": 0})
    phases = re.search(r"checking ([\d.]+) s, cross-checks and outputs ([\d.]+) s",
                       (out / "run.stderr").read_text(encoding="utf-8", errors="replace"))
    return {"jobs": jobs, "exit": code, "wall": wall, "load_before": load,
            "check_s": float(phases.group(1)) if phases else None,
            "output_s": float(phases.group(2)) if phases else None,
            "main_hwm_mib": main["hwm_kib"] / 1024, "main_cpu": main.get("cpu", 0.0),
            "writer_hwm_mib": max((w["hwm_kib"] / 1024 for w in writers), default=None),
            "main_outputs_cpu": (after.ru_utime + after.ru_stime) - (reaped.ru_utime + reaped.ru_stime),
            "workers_cpu": sum(w["cpu"] for w in workers),
            "workers": [{"pid": w["pid"], "hwm_mib": w["hwm_kib"] / 1024, "growth_mib": _growth_mib(w["rss"]),
                         "first_rss_mib": w["rss"][0][1] / 1024, "last_rss_mib": w["rss"][-1][1] / 1024}
                        for w in workers]}


def _pool_check(path: str) -> str:
    from jxcheck.api import check_file
    return json.dumps(check_file(path), ensure_ascii=False)


def pool_run(docs: str, out: str, jobs: int) -> int:
    """Fallback runner: a spawn pool over check_file writing OUT/findings.jsonl (one document per line)."""
    files = sorted(str(p) for p in Path(docs).rglob("*") if p.suffix.lower() in SUPPORTED)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs) as pool, open(Path(out) / "findings.jsonl", "w", encoding="utf-8") as fh:
        for line in pool.imap(_pool_check, files, chunksize=4):
            fh.write(line + "\n")
    return 0


# ---------------------------------------------------------------- latency and memory in one process

def latency_run(list_file: str, out_file: str) -> int:
    """Time check_file per document in this process (first document untimed: imports and warm-up)."""
    from jxcheck.api import check_file
    paths = Path(list_file).read_text(encoding="utf-8").split("\n")
    paths = [p for p in paths if p]
    check_file(paths[0])
    times = []
    for path in paths:
        start = time.perf_counter()
        check_file(path)
        times.append((path, time.perf_counter() - start))
    Path(out_file).write_text(json.dumps(times), encoding="utf-8")
    return 0


def memcheck_run(path: str, runs: int) -> int:
    """Check one file `runs` times in this process; print RSS after each run and the peak, in KiB."""
    from jxcheck.api import check_file
    rss = []
    for _ in range(runs):
        check_file(path)
        rss.append(_status(os.getpid())["VmRSS"])
    print(json.dumps({"rss_kib": rss, "hwm_kib": _status(os.getpid())["VmHWM"]}))
    return 0


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure_latency(archive: Path, manifest: list[dict], sample: int, workdir: Path) -> dict:
    step = max(1, len(manifest) // sample)
    chosen = [archive / rec["path"] for rec in manifest[::step]][:sample]
    list_file = workdir / "latency-files.txt"
    out_file = workdir / "latency.json"
    list_file.write_text("\n".join(str(p) for p in chosen), encoding="utf-8")
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--latency-run", str(list_file), str(out_file)],
                   check=True, cwd=ROOT)
    times = json.loads(out_file.read_text(encoding="utf-8"))
    by_format = defaultdict(list)
    for path, seconds in times:
        by_format[Path(path).suffix.lstrip(".")].append(seconds)
    summary = {"sample": len(times), "all": [_percentile([t for _, t in times], p) for p in (50, 90, 99)]}
    for fmt, values in sorted(by_format.items()):
        summary[fmt] = [_percentile(values, p) for p in (50, 90, 99)] + [len(values)]
    return summary


def measure_memory(runs: int) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--memcheck-run", str(SEED_PDF), str(runs)],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    rss = [v / 1024 for v in data["rss_kib"]]
    return {"runs": runs, "first_mib": rss[0], "tenth_mib": rss[min(9, len(rss) - 1)], "last_mib": rss[-1],
            "peak_mib": data["hwm_kib"] / 1024}


# ---------------------------------------------------------------- manifest comparison

def compare(manifest: list[dict], findings_file: Path) -> dict:
    """Findings against the manifest by (rule, severity, reported, expected), document by document."""
    got_docs = {}
    with open(findings_file, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                doc = json.loads(line)
                got_docs[os.path.basename(doc["path"])] = doc
    result = {"documents": len(manifest), "output_documents": len(got_docs), "missing_documents": 0,
              "error_documents": 0, "expected": 0, "found": 0, "missed": 0, "unexpected": 0,
              "slips": Counter(), "slips_detected": Counter(), "metadata_agree": 0, "examples": [], "keys": {}}
    for rec in manifest:
        name = os.path.basename(rec["path"])
        want = Counter(tuple(f[k] for k in FINDING_KEY) for f in rec["expected"] + rec.get("expected_cross", []))
        result["expected"] += sum(want.values())
        doc = got_docs.get(name)
        if doc is None:
            result["missing_documents"] += 1
            result["missed"] += sum(want.values())
            result["examples"].append(f"{name}: 输出中没有该文档 / not in the output")
            continue
        if doc.get("status") != "ok":
            result["error_documents"] += 1
            result["examples"].append(f"{name}: status {doc.get('status')} {doc.get('error')}")
        got = Counter(tuple(f.get(k) for k in FINDING_KEY) for f in doc.get("findings", []))
        result["found"] += sum(got.values())
        result["keys"][name] = sorted(got.elements())
        missed, unexpected = want - got, got - want
        result["missed"] += sum(missed.values())
        result["unexpected"] += sum(unexpected.values())
        if (doc.get("unit"), doc.get("year"), doc.get("report_type")) == (rec["unit"], rec["year"], rec["report_type"]):
            result["metadata_agree"] += 1
        for slip in rec["injected"]:
            result["slips"][slip["kind"]] += 1
            keys = Counter(tuple(f[k] for k in FINDING_KEY) for f in slip["findings"])
            if not keys - got:
                result["slips_detected"][slip["kind"]] += 1
        if missed or unexpected:
            messages = {tuple(f.get(k) for k in FINDING_KEY): f.get("message", "") for f in doc.get("findings", [])}
            text = f"{name} ({rec['format']})"
            if missed:
                text += " 漏报/missed " + "; ".join("/".join(k) for k in missed)
            if unexpected:
                text += " 多报/unexpected " + "; ".join(f"{'/'.join(map(str, k))} {messages.get(k, '')}"
                                                        for k in unexpected)
            result["examples"].append(text)
    return result


# ---------------------------------------------------------------- report

def _mib(x: float) -> str:
    return f"{x:.0f}"


def report(archive: Path, info: dict, manifest: list[dict], runs: list[dict], runner: str,
           latency: dict, memory: dict, comparisons: dict) -> tuple[str, bool]:
    ok = True
    formats = Counter(f"{r['format']}{'-' + r['encoding'] if r['encoding'] else ''}" for r in manifest)
    layouts = Counter(r["layout"] for r in manifest)
    generated = "reused" if info.get("reused") else (f"{info.get('seconds_total')} s "
                                                     f"(PDF conversion included, {info.get('pdf')} PDFs)")
    lines = [f"jxcheck archive benchmark — {time.strftime('%Y-%m-%d %H:%M')}, machine: {os.cpu_count()} cores, "
             f"{platform.machine()}, Python {platform.python_version()}",
             f"archive: {archive}  N={len(manifest)} seed={info.get('seed')}  "
             + " ".join(f"{k} {v}" for k, v in sorted(formats.items())) + "  |  "
             + " ".join(f"{k} {v}" for k, v in sorted(layouts.items())),
             f"  generation: {generated}; "
             f"{info.get('injected_documents')} documents with slips, {info.get('expected_findings')} expected findings "
             f"({info.get('expected_cross', 0)} across documents: {info.get('units', '?')} units, "
             f"{info.get('carry_links', 0)} year-to-year links)",
             f"runner: {runner}", ""]
    if any(len(r.get("walls", [])) > 1 for r in runs):
        lines.append("best of " + ", ".join(f"{r['jobs']} job(s): " + "/".join(f"{w:.1f}" for w in r["walls"]) + " s"
                                            for r in runs))
    lines.append("jobs  wall s  docs/s  load  worker peak RSS MiB (max/each)   main MiB  output MiB  worker growth MiB  "
                 "CPU s main+outputs/workers")
    for run in runs:
        peaks = [w["hwm_mib"] for w in run["workers"]]
        growth = max((w["growth_mib"] for w in run["workers"]), default=0.0)
        lines.append(f"{run['jobs']:>4}  {run['wall']:6.1f}  {len(manifest) / run['wall']:6.1f}  "
                     f"{run['load_before']:4.1f}  {_mib(max(peaks, default=0)):>4} / "
                     f"{','.join(_mib(p) for p in sorted(peaks)) or '-':<20}  {_mib(run['main_hwm_mib']):>8}  "
                     f"{_mib(run['writer_hwm_mib']) if run.get('writer_hwm_mib') else '-':>10}  "
                     f"{growth:+17.1f}  {run.get('main_outputs_cpu', run['main_cpu']):.1f}/{run['workers_cpu']:.1f}")
        if peaks and max(peaks) >= MEMORY_TARGET_MIB:
            ok = False
    walls = {r["jobs"]: r["wall"] for r in runs}
    if 1 in walls and 2 in walls:
        speedup = walls[1] / walls[2]
        good = speedup >= SPEEDUP_TARGET
        ok &= good
        lines.append(f"speed-up 1 → 2 jobs: {speedup:.2f}× (target ≥ {SPEEDUP_TARGET}) {'OK' if good else 'MISSED'}")
        phase = {r["jobs"]: (r.get("check_s"), r.get("output_s")) for r in runs}
        if all(phase[j][0] for j in (1, 2)):
            lines.append(f"    checking phase alone (pool + store writes): {phase[1][0]:.1f} s → {phase[2][0]:.1f} s = "
                         f"{phase[1][0] / phase[2][0]:.2f}×; cross-checks, outputs and closing the store: "
                         f"{phase[1][1]:.1f} s / {phase[2][1]:.1f} s")
        busy = max(r["load_before"] for r in runs)
        if busy > BUSY_LOAD:
            lines.append(f"    note: load average {busy:.1f} before a run — other processes share the "
                         f"{os.cpu_count()} cores, so this speed-up understates the tool's")
    if latency:
        p = latency["all"]
        lines.append(f"latency per document (check_file in one warm process, {latency['sample']}-document sample): "
                     f"p50 {p[0] * 1000:.0f} ms, p90 {p[1] * 1000:.0f} ms, p99 {p[2] * 1000:.0f} ms")
        for fmt in ("txt", "docx", "pdf"):
            if fmt in latency:
                q = latency[fmt]
                lines.append(f"    {fmt:<4} n={q[3]:<4} p50 {q[0] * 1000:.0f} ms, p90 {q[1] * 1000:.0f} ms, "
                             f"p99 {q[2] * 1000:.0f} ms")
    if memory:
        growth = memory["last_mib"] - memory["tenth_mib"]
        good = memory["peak_mib"] < MEMORY_TARGET_MIB and growth <= GROWTH_LIMIT_MIB
        ok &= good
        lines.append(f"memory, {memory['runs']}× {SEED_PDF.name} in one process: RSS after run 1 "
                     f"{memory['first_mib']:.0f} MiB, run 10 {memory['tenth_mib']:.0f}, run {memory['runs']} "
                     f"{memory['last_mib']:.0f} (growth 10→{memory['runs']} {growth:+.1f} MiB), peak "
                     f"{memory['peak_mib']:.0f} MiB (target < {MEMORY_TARGET_MIB} MB, no growth) "
                     f"{'OK' if good else 'MISSED'}")
    lines.append("")
    first = None
    for jobs, cmp in comparisons.items():
        good = cmp["missed"] == 0 and cmp["unexpected"] == 0 and cmp["missing_documents"] == 0
        ok &= good
        slips = ", ".join(f"{k} {cmp['slips_detected'][k]}/{v}" for k, v in sorted(cmp["slips"].items()))
        lines.append(f"findings vs manifest (--jobs {jobs}): expected {cmp['expected']}, found {cmp['found']}, "
                     f"missed {cmp['missed']}, unexpected {cmp['unexpected']}; documents out "
                     f"{cmp['output_documents']}/{cmp['documents']}, unreadable {cmp['error_documents']} "
                     f"{'OK' if good else 'MISMATCH'}")
        lines.append(f"    slips fully found: {slips}; unit/year/type agree {cmp['metadata_agree']}/{cmp['documents']}")
        for example in cmp["examples"][:12]:
            lines.append(f"    {example}")
        if first is None:
            first = cmp["keys"]
        elif cmp["keys"] != first:
            ok = False
            lines.append("    findings differ between job counts / 不同并发数的结果不一致")
    lines.append("")
    lines.append(f"overall: {'all targets met' if ok else 'some targets missed'}")
    return "\n".join(lines), ok


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--pool-run"]:
        return pool_run(argv[1], argv[2], int(argv[3]))
    if argv[:1] == ["--latency-run"]:
        return latency_run(argv[1], argv[2])
    if argv[:1] == ["--memcheck-run"]:
        return memcheck_run(argv[1], int(argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", nargs="?", help="archive directory (default: a jxcheck-archive-* folder in the "
                        "system temporary directory)")
    parser.add_argument("-n", type=int, default=1000, help="documents in the archive (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pdf-share", type=float, default=0.15)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts to run (default: 1 2)")
    parser.add_argument("-o", "--out", help="where runs and bench.txt go (default: ARCHIVE-bench next to it)")
    parser.add_argument("--runner", choices=("auto", "batch", "pool"), default="auto",
                        help="auto: jxcheck batch when it exists, else the fallback pool")
    parser.add_argument("--repeat", type=int, default=1, help="runs per job count, alternating; the fastest is kept")
    parser.add_argument("--latency-sample", type=int, default=300, help="documents timed for latency (0: skip)")
    parser.add_argument("--memcheck-runs", type=int, default=MEMCHECK_RUNS, help="checks of the seed PDF (0: skip)")
    args = parser.parse_args(argv)
    archive = Path(args.archive or Path(tempfile.gettempdir()) / f"jxcheck-archive-n{args.n}-s{args.seed}").resolve()
    out = Path(args.out).resolve() if args.out else archive.with_name(archive.name + "-bench")
    try:
        if out == archive or archive in out.parents:
            raise BenchError("OUT 不能在档案目录内 / OUT must not be inside the archive")
        archive.mkdir(parents=True, exist_ok=True)
        info = ensure_archive(archive, args.n, args.seed, args.pdf_share)
        manifest = read_manifest(archive)
        has_batch = batch_available()
        if args.runner == "batch" and not has_batch:
            raise BenchError("`jxcheck batch` 不存在 / is not available")
        use_batch = has_batch and args.runner != "pool"
        runner = ("jxcheck batch ARCHIVE/docs -o OUT/jobsN --jobs N" if use_batch else
                  "FALLBACK multiprocessing pool over jxcheck.api.check_file (jxcheck batch not used"
                  + (")" if has_batch else ": not available)"))
        out.mkdir(parents=True, exist_ok=True)
        best: dict[int, dict] = {}
        comparisons = {}
        for attempt in range(max(1, args.repeat)):
            for jobs in args.jobs:
                run = run_once(archive / "docs", out / f"jobs{jobs}", jobs, use_batch)
                run["walls"] = best.get(jobs, {}).get("walls", []) + [run["wall"]]
                if jobs not in best or run["wall"] < best[jobs]["wall"]:
                    best[jobs] = run
                else:
                    best[jobs]["walls"] = run["walls"]
                cmp = compare(manifest, out / f"jobs{jobs}" / "findings.jsonl")
                if attempt == 0 or cmp["missed"] + cmp["unexpected"] > 0:
                    comparisons[jobs] = cmp
        runs = [best[j] for j in args.jobs]
        latency = measure_latency(archive, manifest, args.latency_sample, out) if args.latency_sample else {}
        memory = measure_memory(args.memcheck_runs) if args.memcheck_runs else {}
    except (BenchError, subprocess.CalledProcessError, OSError) as exc:
        print(f"基准测试失败 / benchmark failed: {exc}", file=sys.stderr)
        return 2
    text, ok = report(archive, info, manifest, runs, runner, latency, memory, comparisons)
    print(text)
    (out / "bench.txt").write_text(text + "\n", encoding="utf-8")
    raw = {"archive": str(archive), "generation": info, "runner": runner, "runs": runs, "latency_seconds": latency,
           "memory": memory, "comparisons": {j: {k: v for k, v in c.items() if k not in ("keys",)}
                                             for j, c in comparisons.items()}}
    (out / "bench.json").write_text(json.dumps(raw, ensure_ascii=False, indent=2, default=dict) + "\n",
                                    encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
