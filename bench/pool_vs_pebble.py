"""jxcheck.pool.WorkerPool against pebble.ProcessPool (per-task time limits, workers replaced) on the same tasks.

Speed: copies of the corpus's seed reports and project tables (TXT, DOCX, PDF) checked by batch's own check_task
with --jobs workers, both pools forked from the same warmed-up fork server with the same warm-up; wall time from
the pool's creation to its last result, the runs alternated with the order swapped each round (whichever runs
second in a round ran up to a third faster in trials), best of --repeat.
Safety: a run of normal documents with, among them, a task that overruns the time limit, one that kills its
worker (SIGKILL) and one that raises: what each pool reports for them, whether every other task still comes back
checked, and how long the run takes; then workers that die while starting (their warm-up exits) and workers
stuck while starting (their warm-up never returns; WorkerPool's start-up grace set to 2 s for the run): whether
the run ends, how, and when (a run still going after 60 s is stopped).
Needs `pip install pebble`. Run: python bench/pool_vs_pebble.py [-n 600] [--jobs 2] [--repeat 3]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from jxcheck.batch import check_task, warm_up  # noqa: E402
from jxcheck.pool import WorkerPool, start_method_for_workers, start_worker_server  # noqa: E402

CORPUS = HERE.parent / "corpus"
SOURCES = sorted([*CORPUS.glob("seeds/*.txt"), *CORPUS.glob("seeds/*.docx"), *CORPUS.glob("seeds/*.pdf"),
                  *CORPUS.glob("project-tables/*.docx"), *CORPUS.glob("project-tables/*.pdf")])
TIME_LIMIT = 5.0
STUCK_AFTER = 60.0


def probe(task: dict) -> dict:
    """check_task, or for a task of a 'probe' kind: overrun the time limit, kill the worker, or raise."""
    kind = task.get("probe")
    if kind == "overrun":
        time.sleep(TIME_LIMIT * 20)
    elif kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "raise":
        raise ValueError("a task that raises")
    return check_task(task)


def _tasks(n: int) -> list[tuple[int, dict]]:
    return [(k, {"path": str(SOURCES[k % len(SOURCES)]), "display": f"{k}_{SOURCES[k % len(SOURCES)].name}"})
            for k in range(n)]


def dying_warm_up() -> None:
    """A worker start-up that fails: the process exits before it takes up any task."""
    os._exit(3)


def hanging_warm_up() -> None:
    """A worker start-up that never ends."""
    time.sleep(3600)


BAD_STARTS = {"die": dying_warm_up, "hang": hanging_warm_up}


def run_ours(tasks, jobs: int, init=warm_up) -> tuple[float, dict]:
    start = time.perf_counter()
    out = {}
    with WorkerPool(probe, jobs, TIME_LIMIT, init=init) as pool:
        for outcome in pool.run(tasks):
            out[outcome.key] = outcome.kind if outcome.kind != "ok" else outcome.value["result"]["status"]
    return time.perf_counter() - start, out


def run_pebble(tasks, jobs: int, init=warm_up) -> tuple[float, dict]:
    from pebble import ProcessExpired, ProcessPool
    start = time.perf_counter()
    out = {}
    context = multiprocessing.get_context(start_method_for_workers())
    with ProcessPool(max_workers=jobs, initializer=init, context=context) as pool:
        futures = {pool.schedule(probe, args=(payload,), timeout=TIME_LIMIT): key for key, payload in tasks}
        for future in as_completed(futures):
            key = futures[future]
            try:
                out[key] = future.result()["result"]["status"]
            except FutureTimeout:
                out[key] = "timeout"
            except ProcessExpired as exc:
                out[key] = f"crash ({exc.exitcode})"
            except Exception as exc:  # noqa: BLE001 - what the pool hands back for a task that raised
                out[key] = f"error ({type(exc).__name__})"
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600, help="documents in the speed run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bad-start", choices=sorted(BAD_STARTS), help=argparse.SUPPRESS)
    parser.add_argument("--pool", help=argparse.SUPPRESS)
    args = parser.parse_args()
    start_worker_server()
    runners = {"jxcheck WorkerPool": run_ours, "pebble ProcessPool": run_pebble}
    if args.bad_start:
        WorkerPool.STARTUP_GRACE = 2.0
        seconds, out = runners[args.pool](_tasks(10), args.jobs, init=BAD_STARTS[args.bad_start])
        print(f"{seconds:.2f} s, {sorted(set(out.values()))}")
        return 0
    lines = [f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {args.n} documents from {len(SOURCES)} "
             f"corpus files, {args.jobs} workers, {start_method_for_workers()}; best of {args.repeat}, alternated, "
             "the order swapped each round"]
    best: dict[str, float] = {}
    results: dict[str, dict] = {}
    for round_no in range(args.repeat):
        order = list(runners.items())
        for name, run in (order if round_no % 2 == 0 else order[::-1]):
            seconds, out = run(_tasks(args.n), args.jobs)
            best[name] = min(best.get(name, float("inf")), seconds)
            results[name] = out
            print(f"{name}: {seconds:.2f} s", file=sys.stderr, flush=True)
    for name in runners:
        statuses = sorted(set(results[name].values()))
        lines.append(f"speed  {name:20s} {best[name]:6.2f} s  {args.n / best[name]:6.1f} documents/s  statuses {statuses}")
    same = results["jxcheck WorkerPool"] == results["pebble ProcessPool"]
    lines.append(f"       same status for every document: {same}")
    tasks = _tasks(40)
    for k, kind in ((10, "overrun"), (20, "kill"), (30, "raise")):
        tasks[k][1]["probe"] = kind
    for name, run in runners.items():
        seconds, out = run(tasks, args.jobs)
        probes = {kind: out.get(k) for k, kind in ((10, "overrun"), (20, "kill"), (30, "raise"))}
        others = sum(1 for k, _ in tasks if k not in (10, 20, 30) and out.get(k) == "ok")
        lines.append(f"safety {name:20s} {seconds:6.2f} s  {probes}; other tasks checked {others}/37")
    for bad, what in (("die", "die"), ("hang", "are stuck")):
        for name in runners:
            proc = subprocess.Popen([sys.executable, __file__, "--bad-start", bad, "--pool", name, "--jobs",
                                     str(args.jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    start_new_session=True)
            try:
                out, err = proc.communicate(timeout=STUCK_AFTER)
                said = out.strip() or f"exit {proc.returncode}: {err.strip()[-200:]}"
            except subprocess.TimeoutExpired:
                said = f"no result after {STUCK_AFTER:g} s, stopped"
            finally:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            lines.append(f"start  {name:20s} workers that {what} at start: {said}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
