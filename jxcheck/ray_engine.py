"""The Ray engine of batch mode (`jxcheck batch --engine ray`): the documents are checked as Ray tasks on a Ray
cluster, or on a local Ray instance, instead of the local worker pool; the rest of the run is the same.

RayPool has WorkerPool's interface (run yields one pool.Outcome per task, in completion order), so run_batch
stores the results, resumes, cross-checks and writes the outputs as with the local engine. Each document is
one task calling the same worker function (batch.check_task). A task first reports that it has started (after
its worker has warmed up), and its time limit runs from then: a task over it is cancelled with its worker
killed (ray.cancel(force=True)). A task whose worker or node is lost is run again, up to LOST_RETRIES times,
then reported "lost" with the reason. At most WINDOW_PER_CPU tasks per CPU of the cluster are submitted at a
time, so the driver holds a bounded number of results and, with --ship-files, of files.
"""
from __future__ import annotations

import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, TextIO

from jxcheck.failures import RunError
from jxcheck.pool import Outcome

INSTALL = 'pip install "jxcheck[ray]"'
LOST_RETRIES = 2
STARTUP_GRACE = 60.0
WINDOW_PER_CPU = 8
LOCAL_OBJECT_STORE_BYTES = 200 * 1024 * 1024
WAIT_SECONDS = 1.0
CONNECT_SECONDS = 10.0


def load_ray():
    """The ray module, or the coded error that tells how to install it."""
    try:
        import ray
    except ImportError:
        raise RunError("ray_missing", f"未安装 Ray，--engine ray 需要它：请运行 {INSTALL} / Ray is not installed and "
                                      f"--engine ray needs it: run {INSTALL}") from None
    return ray


_warm = False


def _run_task(fn: Callable[[dict], Any], task: dict, data: Optional[bytes]) -> Iterator[Any]:
    """The body of one Ray task: warm the worker up once, say "start", then give fn's outcome as the local
    workers do, ("ok", value) or ("error", message). Shipped bytes are written to a temporary file of the
    document's extension, removed after."""
    global _warm
    if not _warm:
        from jxcheck.batch import warm_up
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - a failed warm-up only costs time on the first task
            pass
        _warm = True
    yield "start"
    shipped = None
    try:
        if data is not None:
            fd, shipped = tempfile.mkstemp(suffix=task["ext"])
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            task = dict(task, path=shipped)
            task.pop("archive", None)
        try:
            value = fn(task)
            if task.get("parts") and isinstance(value, dict) and not isinstance(value.get("blocks"), list):
                value["blocks"] = write_parts(task["parts"], task["doc_id"], value["blocks"])
            out = ("ok", value)
        except Exception as exc:  # noqa: BLE001 - reported to the driver as this file's internal error
            out = ("error", f"{type(exc).__name__}: {exc}")
    finally:
        if shipped is not None and os.path.exists(shipped):
            os.remove(shipped)
    yield out


_parts_store = None


def write_parts(directory: str, doc_id: str, rows) -> Any:
    """A document's Rows written as Parquet files in directory, one per table that has rows, typed as the store's
    tables (through an in-memory store kept by this worker); each file is complete once it has its name."""
    global _parts_store
    from jxcheck.rows import Parts
    from jxcheck.store import Store
    if _parts_store is None:
        _parts_store = Store(":memory:")
        _parts_store.con.execute("SET threads = 1")
    con = _parts_store.con
    _parts_store.insert_rows(rows)
    files = {}
    for table in ("facts", "checks", "blocks"):
        if not getattr(rows, table):
            continue
        final = os.path.join(directory, f"{doc_id}.{table}.parquet")
        partial = f"{final}.{os.getpid()}.partial"
        try:
            con.execute(f"COPY {table} TO '{partial.replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
            os.replace(partial, final)
        finally:
            con.execute(f"DELETE FROM {table}")
        files[table] = final
    return Parts(files)


def read_shipped(task: dict) -> Optional[bytes]:
    """A task's file as bytes for --ship-files: the file, or its zip member, within its size limit; None when it
    cannot be read here or is over the limit, and the task then reads it by path (and refuses it as the local
    engine does)."""
    limits = task["limits"]
    try:
        if task.get("archive") is not None:
            with zipfile.ZipFile(task["archive"]) as zf, zf.open(zf.infolist()[task["member"]]) as src:
                data = src.read(limits.max_member_bytes + 1)
        else:
            with open(task["path"], "rb") as fh:
                data = fh.read(limits.max_bytes + 1)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, IndexError, ValueError):
        return None
    cap = limits.max_member_bytes if task.get("archive") is not None else limits.max_bytes
    return data if len(data) <= cap else None


def unreachable(address: str, seconds: float = CONNECT_SECONDS) -> Optional[str]:
    """Why the Ray head at address (host:port, or ray://host:port) cannot be reached, or None when it answers
    (or the address is not host:port, such as auto); Ray itself would retry for minutes."""
    import socket
    host, _, port = address.split("://", 1)[-1].rstrip("/").rpartition(":")
    if not host or not port.isdigit():
        return None
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
    return None


def _unavailable(where: str, why: str) -> RunError:
    return RunError("ray_unavailable", f"无法连接或启动 Ray（{where}）：{why}；请检查 --address / cannot connect to or "
                                       f"start Ray ({where}): {why}; check --address")


@dataclass
class _Running:
    key: Any
    task: dict
    ref: Any
    attempts: int
    started: Optional[float] = None


@dataclass
class RayPool:
    """Ray tasks with WorkerPool's interface; see the module docstring. Without address, a local Ray instance of
    jobs CPUs is started and shut down on close; a Ray already initialised in this process is used as it is.
    With parts (a folder every worker and the driver reach), each task writes its rows there as Parquet files
    (write_parts) and returns their names instead of the rows."""

    fn: Callable[[dict], Any]
    jobs: int
    timeout: float
    address: Optional[str] = None
    ship_files: bool = False
    stream: Optional[TextIO] = None
    parts: Optional[str] = None
    ray: Any = None
    owned: bool = False
    running: dict = field(default_factory=dict)
    interrupted: bool = False
    previous_handler: Any = None

    def __post_init__(self):
        self.ray = load_ray()

    def __enter__(self) -> "RayPool":
        ray = self.ray
        why = unreachable(self.address) if self.address else None
        if why:
            raise _unavailable(self.address, why)
        if not ray.is_initialized():
            import logging
            options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
            self._say(f"正在连接 Ray 集群 {self.address}… / connecting to the Ray cluster at {self.address}…"
                      if self.address else f"正在启动本地 Ray（{self.jobs} 个 CPU）… / starting a local Ray instance "
                      f"({self.jobs} CPUs)…")
            try:
                if self.address:
                    ray.init(address=self.address, **options)
                else:
                    ray.init(address="local", num_cpus=self.jobs, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                             **options)
            except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
                raise _unavailable(self.address or "local", str(exc).strip().splitlines()[0][:200]) from None
            self.owned = True
        self.remote = ray.remote(num_returns="streaming", max_retries=0)(_run_task)
        cpus = self._cpus()
        self._say(f"Ray 就绪：{cpus} 个 CPU / Ray ready: {cpus} CPUs")
        return self

    def _say(self, line: str) -> None:
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()

    def __exit__(self, *exc) -> None:
        self.close()

    def _catch_interrupts(self) -> None:
        """Ctrl-C sets a flag that run checks, instead of raising wherever the main thread is: inside Ray's own
        code (an object reference being freed) the KeyboardInterrupt could be swallowed and the run go on."""
        import signal
        import threading
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return

        def flag(signum, frame):
            self.interrupted = True

        self.previous_handler = signal.signal(signal.SIGINT, flag)

    def _release_interrupts(self) -> None:
        import signal
        if self.previous_handler is not None:
            signal.signal(signal.SIGINT, self.previous_handler)
            self.previous_handler = None

    def close(self) -> None:
        """Cancel what is still running; shut down the Ray instance this pool started."""
        self._release_interrupts()
        for entry in list(self.running.values()):
            try:
                self.ray.cancel(entry.ref, force=True)
            except Exception:  # noqa: BLE001 - already finished or gone
                pass
        self.running = {}
        if self.owned and self.ray.is_initialized():
            self.ray.shutdown()
            self.owned = False

    def _cpus(self) -> int:
        try:
            return max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        except Exception:  # noqa: BLE001 - a cluster that cannot say: the jobs asked for
            return max(1, self.jobs)

    def _task(self, task: dict) -> tuple[dict, Optional[Any]]:
        """The task as a worker of the cluster reads it: absolute paths, a zip member extracted to the worker's
        own temporary folder; with ship_files, the file's bytes put in the object store."""
        task = dict(task, tmpdir=None, parts=os.path.abspath(self.parts) if self.parts else None)
        for name in ("path", "archive"):
            if task.get(name) is not None:
                task[name] = os.path.abspath(task[name])
        task.setdefault("ext", os.path.splitext(task["display"])[1].lower())
        data = read_shipped(task) if self.ship_files else None
        return task, (self.ray.put(data) if data is not None else None)

    def _submit(self, key: Any, task: dict, attempts: int) -> None:
        ready, data = self._task(task)
        ref = self.remote.remote(self.fn, ready, data)
        self.running[ref] = _Running(key, task, ref, attempts)

    def run(self, tasks: Iterable[tuple[Any, Any]]) -> Iterator[Outcome]:
        """Run (key, task) pairs; yields one Outcome per task as each finishes: ok, error, timeout, or lost with
        the reason: its worker or node lost LOST_RETRIES + 1 times, or no task started or finished for timeout +
        STARTUP_GRACE seconds (no worker could take the tasks up: every task left is lost)."""
        self._catch_interrupts()
        try:
            yield from self._run(tasks)
        finally:
            self._release_interrupts()

    def _check_interrupt(self) -> None:
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt

    def _run(self, tasks: Iterable[tuple[Any, Any]]) -> Iterator[Outcome]:
        ray = self.ray
        pending = list(tasks)
        pending.reverse()
        window = self._cpus() * WINDOW_PER_CPU
        moved = time.monotonic()
        while pending or self.running:
            self._check_interrupt()
            while pending and len(self.running) < window:
                key, task = pending.pop()
                self._submit(key, task, 1)
            now = time.monotonic()
            deadlines = [e.started + self.timeout for e in self.running.values() if e.started is not None]
            wait = max(0.0, min(deadlines + [now + WAIT_SECONDS]) - now)
            refs = list(self.running)
            ready, _ = ray.wait(refs, num_returns=1, timeout=wait)
            if ready:
                first = set(ready)
                rest = [r for r in refs if r not in first]
                if rest:
                    more, _ = ray.wait(rest, num_returns=len(rest), timeout=0)
                    ready += more
            for ref in ready:
                entry = self.running[ref]
                outcome = self._advance(entry)
                moved = time.monotonic()
                if outcome is not None:
                    self._check_interrupt()
                    yield outcome
            now = time.monotonic()
            for entry in [e for e in self.running.values() if e.started is not None and now > e.started + self.timeout]:
                self.running.pop(entry.ref)
                ray.cancel(entry.ref, force=True)
                moved = now
                yield Outcome(entry.key, "timeout", self.timeout)
            if self.running and now - moved > self.timeout + STARTUP_GRACE:
                stalled = self.timeout + STARTUP_GRACE
                for entry in list(self.running.values()):
                    ray.cancel(entry.ref, force=True)
                    pending.append((entry.key, entry.task))
                self.running = {}
                while pending:
                    yield Outcome(pending.pop()[0], "lost", f"Ray 在 {stalled:g} 秒内没有开始或完成任何任务，未检查（集群是否有空闲 "
                                                            f"CPU？） / not checked: Ray started or finished no task "
                                                            f"for {stalled:g} s (has the cluster free CPUs?)")

    def _advance(self, entry: _Running) -> Optional[Outcome]:
        """Read the next thing a ready task gave: its start, or its outcome; a lost worker runs it again or, after
        LOST_RETRIES retries, gives the outcome "lost"."""
        ray = self.ray
        try:
            value = ray.get(next(entry.ref))
        except StopIteration:
            value = ("error", "任务无结果 / the task gave no result")
        except ray.exceptions.TaskCancelledError:
            value = ("error", "任务被取消 / the task was cancelled")
        except ray.exceptions.RayError as exc:
            self.running.pop(entry.ref)
            if entry.attempts <= LOST_RETRIES:
                self._submit(entry.key, entry.task, entry.attempts + 1)
                return None
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return Outcome(entry.key, "lost", f"Ray 工作进程或节点丢失，已试 {entry.attempts} 次（{type(exc).__name__}） / "
                                              f"Ray worker or node lost, {entry.attempts} attempts: "
                                              f"{type(exc).__name__}: {reason}")
        if value == "start":
            entry.started = entry.started or time.monotonic()
            return None
        self.running.pop(entry.ref)
        return Outcome(entry.key, value[0], value[1])
