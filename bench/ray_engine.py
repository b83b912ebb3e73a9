"""Ray engine benchmark: the same archive batch-checked by the local engine and by `--engine ray`, on this machine.

Usage: python bench/ray_engine.py [ARCHIVE_DIR] [-n 1000] [--seed 1] [--jobs 2] [-o OUT]

Generates the archive with bench/generate.py when ARCHIVE_DIR holds none of that size and seed (as
bench/archive.py does), then runs run_batch on ARCHIVE_DIR/docs in this process, once per engine, each into a
fresh OUT/ENGINE folder, and a third time by Ray with --parts (rows written as Parquet part files). Reported, per run:
the checking phase (from the first task sent to the last document stored; Ray's start-up is reported apart)
in seconds and documents/s, the CPU seconds per document while checking of the batch process (results received
and written: the driver's share) and of its descendant processes (the workers, and Ray's own processes), and
the cross-checks and outputs. Then Ray's overhead per document (the difference in CPU seconds per document,
driver and workers, which the machine's load does not change as it changes wall-clock rates), whether the two runs give the same sorted findings.jsonl
and the same store counts, the store's own write rate (documents' rows written in batches of 256 to a new
store, measured apart, and the same rows read from Parquet part files), and a worked estimate for 1,000,000 documents on 50 nodes of 16 cores. The report is
printed and written to OUT/ray_bench.txt (numbers in OUT/ray_bench.json).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from jxcheck.pool import cpu_ticks  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

TARGET_DOCS = 1_000_000
NODES, CORES = 50, 16
WRITE_SAMPLE = 200
WRITE_COPIES = 5


def tree_cpu() -> float:
    """CPU seconds so far of every process descending from this one (workers, Ray's own processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        total += cpu_ticks(pid) or 0
        todo.extend(children.get(pid, []))
    return total / CLOCK_TICKS


class Clock(io.TextIOBase):
    """A progress stream that keeps each line with the moment it was written, this process's CPU seconds and
    those of its descendants."""

    def __init__(self):
        self.lines: list[tuple[float, tuple[float, float], str]] = []

    def write(self, text: str) -> int:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (usage.ru_utime + usage.ru_stime, tree_cpu())
        now = time.monotonic()
        for line in text.splitlines():
            self.lines.append((now, cpu, line))
        return len(text)

    def first(self, prefix: str) -> tuple[float, tuple[float, float]]:
        return next((t, c) for t, c, line in self.lines if line.startswith(prefix))

    def containing(self, part: str) -> tuple[float, tuple[float, float]]:
        return next((t, c) for t, c, line in self.lines if part in line)


def run_engine(docs: Path, out: Path, jobs: int, engine) -> dict:
    """One batch run; the phases' times from its progress lines."""
    from jxcheck.batch import run_batch
    shutil.rmtree(out, ignore_errors=True)
    clock = Clock()
    began = time.monotonic()
    result = run_batch([str(docs)], str(out), jobs=jobs, stream=clock, engine=engine)
    ended = time.monotonic()
    n = result.checked
    listed, listed_cpu = clock.first("共 ")
    ready, ready_cpu = clock.first("Ray 就绪") if engine.name == "ray" else (listed, listed_cpu)
    last, last_cpu = clock.containing(f"[{n}/{n}]")
    seconds = last - ready
    return {"engine": engine.name + (" (parts)" if getattr(engine, "parts", None) else ""), "documents": n,
            "wall": ended - began, "startup": ready - listed, "checking": seconds, "docs_per_s": n / seconds,
            "driver_cpu_per_doc": (last_cpu[0] - ready_cpu[0]) / n,
            "worker_cpu_per_doc": (last_cpu[1] - ready_cpu[1]) / n, "after": ended - last, "status": result.status}


def store_counts(out: Path) -> dict:
    from jxcheck.store import Store
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        one = lambda sql: store.con.execute(sql).fetchone()[0]  # noqa: E731
        return {"documents": one("SELECT count(*) FROM documents"),
                "facts": one("SELECT count(*) FROM facts"),
                "checks": one("SELECT count(*) FROM checks WHERE source = 'document'"),
                "crossdoc checks": one("SELECT count(*) FROM checks WHERE source = 'crossdoc'"),
                "blocks": one("SELECT count(*) FROM blocks")}


def sorted_lines(out: Path) -> list[str]:
    return sorted((out / "findings.jsonl").read_text(encoding="utf-8").splitlines())


def write_rate(docs: Path, scratch: Path) -> dict:
    """Documents per second the store takes: the rows of WRITE_SAMPLE checked documents, written WRITE_COPIES
    times under new doc_ids, in batches of FLUSH_DOCUMENTS, one thread, as the driver writes them; then the same
    rows as Parquet part files (written beforehand, as the tasks would) read into another store."""
    from jxcheck.batch import FLUSH_DOCUMENTS, check_task
    from jxcheck.ray_engine import write_parts
    from jxcheck.rows import Rows
    from jxcheck.store import Store
    files = sorted(p for p in docs.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))[:WRITE_SAMPLE]
    checked = [check_task({"path": str(p), "display": str(p), "doc_id": f"{i:064d}"}) for i, p in enumerate(files)]
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    items = []
    for copy in range(WRITE_COPIES):
        for i, value in enumerate(checked):
            doc_id = f"{copy}-{i}"
            rows = value["blocks"]
            swap = lambda rows_: [(doc_id,) + r[1:] for r in rows_]  # noqa: E731
            result = dict(value["result"], path=f"{value['result']['path']}#{copy}")
            items.append((doc_id, result, Rows(swap(rows.facts), swap(rows.checks), swap(rows.blocks)), "unit"))
    with Store(str(scratch / "write.duckdb")) as store, store.single_threaded():
        began = time.monotonic()
        for start in range(0, len(items), FLUSH_DOCUMENTS):
            store.save_documents(items[start:start + FLUSH_DOCUMENTS])
        seconds = time.monotonic() - began
    size = os.path.getsize(scratch / "write.duckdb")
    (scratch / "parts").mkdir()
    parted = [(doc_id, result, write_parts(str(scratch / "parts"), doc_id, rows), key)
              for doc_id, result, rows, key in items]
    with Store(str(scratch / "parts.duckdb")) as store, store.single_threaded():
        began = time.monotonic()
        for start in range(0, len(parted), FLUSH_DOCUMENTS):
            store.save_documents(parted[start:start + FLUSH_DOCUMENTS])
        parts_seconds = time.monotonic() - began
    shutil.rmtree(scratch, ignore_errors=True)
    return {"documents": len(items), "seconds": seconds, "docs_per_s": len(items) / seconds,
            "store_bytes_per_doc": size / len(items), "parts_seconds": parts_seconds,
            "parts_docs_per_s": len(items) / parts_seconds}


def estimate(local: dict, ray: dict, writes: dict, jobs: int, parquet: bool = False) -> tuple[list[str], dict]:
    """The worked estimate for TARGET_DOCS on NODES × CORES, from the measured costs; with parquet, the store's
    rate is the driver's own (it reads the part files in the measured run), not the rows' write rate."""
    cores = NODES * CORES
    cpu_local = local["worker_cpu_per_doc"]
    cpu_ray = ray["worker_cpu_per_doc"]
    cluster_rate = cores / cpu_ray
    driver_rate = 1 / ray["driver_cpu_per_doc"]
    store_rate = writes["parts_docs_per_s" if parquet else "docs_per_s"]
    limits = [(driver_rate, "the driver (results received and stored)"), (store_rate, "the store's write rate"),
              (cluster_rate, "the cluster's cores")]
    rate, bound = min(limits, key=lambda pair: pair[0])
    after = ray["after"] / ray["documents"] * TARGET_DOCS
    lines = [
        f"per document, measured here: {cpu_local * 1000:.1f} ms of CPU in the workers with the local engine, "
        f"{cpu_ray * 1000:.1f} ms in Ray's workers and processes",
        f"  {NODES} × {CORES} = {cores} cores: {cores} / {cpu_ray * 1000:.1f} ms = {cluster_rate:,.0f} documents/s",
        f"  driver: {ray['driver_cpu_per_doc'] * 1000:.2f} ms of CPU per document received and stored "
        f"= at most {driver_rate:,.0f} documents/s",
        f"  store {'reading part files' if parquet else 'writes'} alone: {store_rate:,.0f} documents/s (measured "
        "apart, one thread; included in the driver's time above)",
        f"  → {rate:,.0f} documents/s, bound by {bound}: {TARGET_DOCS:,} documents checked in "
        f"{TARGET_DOCS / rate / 3600:.1f} h",
        f"  cross-checks and outputs, linear in the documents from this run ({ray['after']:.1f} s for "
        f"{ray['documents']}): about {after / 3600:.1f} h on the driver's machine with {jobs} jobs",
        f"  store: about {writes['store_bytes_per_doc'] * TARGET_DOCS / 1e9:.0f} GB "
        f"({writes['store_bytes_per_doc'] / 1024:.0f} KiB a document)",
    ]
    return lines, {"cpu_per_doc_local": cpu_local, "cpu_per_doc_ray": cpu_ray, "cluster_rate": cluster_rate,
                   "driver_rate": driver_rate, "store_rate": store_rate, "rate": rate, "bound": bound,
                   "checking_hours": TARGET_DOCS / rate / 3600, "after_hours": after / 3600}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", nargs="?", default=str(ROOT / "bench" / "out" / "archive1000"))
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pdf-share", type=float, default=0.15)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("-o", "--out", default=str(ROOT / "bench" / "out" / "ray"))
    args = parser.parse_args(argv)
    from bench.archive import ensure_archive
    from jxcheck.batch import Engine
    archive, out = Path(args.archive), Path(args.out)
    ensure_archive(archive, args.n, args.seed, args.pdf_share)
    out.mkdir(parents=True, exist_ok=True)
    docs = archive / "docs"
    runs = [run_engine(docs, out / "local", args.jobs, Engine()),
            run_engine(docs, out / "ray", args.jobs, Engine("ray")),
            run_engine(docs, out / "ray-parts", args.jobs, Engine("ray", parts=str(out / "parts")))]
    local, ray, parts = runs
    same_lines = sorted_lines(out / "local") == sorted_lines(out / "ray") == sorted_lines(out / "ray-parts")
    counts = {name: store_counts(out / name) for name in ("local", "ray", "ray-parts")}
    same_counts = counts["local"] == counts["ray"] == counts["ray-parts"]
    writes = write_rate(docs, out / "write-rate")
    report = [f"{local['documents']} documents of {archive}, {args.jobs} jobs / a local Ray instance of {args.jobs} CPUs,"
              f" {os.cpu_count()} cores (load {os.getloadavg()[0]:.1f} at the end)",
              "engine        start-up s  checking s  docs/s  CPU ms/doc: driver  workers  cross-checks+outputs s  wall s"]
    for r in runs:
        report.append(f"{r['engine']:<12} {r['startup']:>10.1f} {r['checking']:>11.1f} {r['docs_per_s']:>7.1f} "
                      f"{r['driver_cpu_per_doc'] * 1000:>19.2f} {r['worker_cpu_per_doc'] * 1000:>8.1f} "
                      f"{r['after']:>23.1f} {r['wall']:>7.1f}")
    total = lambda r: r["driver_cpu_per_doc"] + r["worker_cpu_per_doc"]  # noqa: E731
    overhead = total(ray) - total(local)
    report.append(f"Ray's overhead per document: {overhead * 1000:.1f} ms of CPU (driver + workers: "
                  f"{total(ray) * 1000:.1f} − {total(local) * 1000:.1f} ms), plus {ray['startup']:.1f} s to start the "
                  f"local instance; wall-clock rates follow the machine's load (other sessions share its cores)")
    report.append(f"sorted findings.jsonl identical (local, ray, ray with parts): {'yes' if same_lines else 'NO'}; "
                  f"store counts {'identical' if same_counts else 'DIFFER'}: {counts['ray']}"
                  + ("" if same_counts else f" (local {counts['local']}, parts {counts['ray-parts']})"))
    report.append(f"store write rate: {writes['documents']} documents in {writes['seconds']:.2f} s = "
                  f"{writes['docs_per_s']:.0f} documents/s, {writes['store_bytes_per_doc'] / 1024:.0f} KiB a document;"
                  f" from part files (3 a document): {writes['parts_seconds']:.2f} s = "
                  f"{writes['parts_docs_per_s']:.0f} documents/s")
    lines, numbers = estimate(local, ray, writes, args.jobs)
    report.append(f"estimate for {TARGET_DOCS:,} documents on {NODES} nodes × {CORES} cores (rows sent to the driver):")
    report += lines
    lines_parts, numbers_parts = estimate(local, parts, writes, args.jobs, parquet=True)
    report.append("the same with --parts (rows written by the tasks as Parquet, read by the store):")
    report += lines_parts
    text = "\n".join(report) + "\n"
    sys.stdout.write(text)
    (out / "ray_bench.txt").write_text(text, encoding="utf-8")
    (out / "ray_bench.json").write_text(json.dumps({"runs": runs, "same_findings": same_lines, "counts": counts,
                                                    "write_rate": writes, "overhead_cpu_per_doc": overhead,
                                                    "estimate": numbers, "estimate_parts": numbers_parts}, indent=2), encoding="utf-8")
    return 0 if same_lines and same_counts else 1


if __name__ == "__main__":
    sys.exit(main())
