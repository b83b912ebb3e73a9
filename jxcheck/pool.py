"""The processes of batch mode.

WorkerPool: worker processes fed a task ahead, each task under a time limit. Workers are forked from a fork
server that has already loaded the readers and jieba (start_worker_server), or spawned where there is no fork
server. A worker that overruns is killed and replaced; one that crashes is replaced; one that dies before it
takes up its first task leaves its tasks unblamed, a place where several in a row do so is given up, and when
every place is, the tasks left are reported as not started; the results come back in completion order.

ForkedTasks: after the checking, functions run in processes forked from the batch process (the outputs, the
cross-document checks), sharing what it has loaded; with one job, in the batch process itself.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator, Optional


def _worker_main(conn, fn: Callable[[Any], Any], init: Optional[Callable[[], None]]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if init is not None:
        try:
            init()
        except Exception:  # noqa: BLE001 - a failed warm-up only costs time on the first task
            pass
    first = True
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        key, payload = msg
        if first:
            try:
                conn.send(("start", key, None))
            except (EOFError, OSError):
                return
            first = False
        try:
            out = ("ok", fn(payload))
        except Exception as exc:  # noqa: BLE001 - reported to the parent as this file's internal error
            out = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(("done", key, out))
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            conn.send(("done", key, ("error", f"{type(exc).__name__}: {exc}")))


WARM_MODULE = "jxcheck.warm"
_server_failed = False


def start_method_for_workers() -> str:
    """forkserver where the platform has it and it could be started (workers are forked from one warmed-up
    server), else spawn."""
    if _server_failed or "forkserver" not in multiprocessing.get_all_start_methods():
        return "spawn"
    return "forkserver"


def start_worker_server() -> None:
    """Start the fork server now, so it loads the readers and jieba (WARM_MODULE) while this process opens the
    store and walks the inputs; every worker is then forked warm from it, replacements included. Where the
    server cannot start (no Unix sockets, say), workers are spawned instead."""
    global _server_failed
    if start_method_for_workers() != "forkserver":
        return
    from multiprocessing import forkserver
    try:
        multiprocessing.set_forkserver_preload([WARM_MODULE])
        forkserver.ensure_running()
    except (OSError, ValueError):
        _server_failed = True


SEND_BUFFER = 4 * 1024 * 1024


def _widen_send_buffer(conn) -> None:
    """Let a worker's end of its socket hold up to SEND_BUFFER bytes of results (the system's cap permitting), so
    the worker goes on checking while the parent is busy writing a batch to the store instead of waiting for it
    to read; nothing is done where the connection is not a socket."""
    import socket
    try:
        sock = socket.socket(fileno=os.dup(conn.fileno()))
    except (OSError, ValueError):
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    except OSError:
        pass
    finally:
        sock.close()


@dataclass
class Outcome:
    """What happened to one task: ok (value is the result), error (value is the message), timeout, crash (value is
    the exit code), nostart (no worker could be started; value is the last one's exit code)."""

    key: Any
    kind: str
    value: Any = None


class _NoWorkers(Exception):
    """Every worker place is retired: no task can be run."""

    def __init__(self, code: Optional[int]):
        super().__init__(code)
        self.code = code


@dataclass
class _Slot:
    proc: Any
    conn: Any
    queue: list = field(default_factory=list)
    sent: float = 0.0
    started: Optional[float] = None
    warm: bool = False
    failed_starts: int = 0
    retired: bool = False
    gone: bool = False

    def deadline(self, timeout: float) -> float:
        if self.started is not None:
            return self.started + timeout
        return self.sent + timeout + WorkerPool.STARTUP_GRACE


class WorkerPool:
    """Worker processes fed a task ahead; a task over its time limit has its worker killed and replaced.

    A task's clock starts when its worker takes it up: a fresh worker reports taking up its first task (after
    its start-up and warm-up), and a warm worker takes up its next task as soon as the previous one is done (it
    is already queued) or when it is sent. A fresh worker that has not taken its task up within timeout +
    STARTUP_GRACE seconds is stopped as stuck at start, which counts against its place, not against the task
    (see run). Workers are forked from the fork server (see start_worker_server) or spawned, so a script that
    calls this must guard its entry point with `if __name__ == "__main__":`."""

    STARTUP_GRACE = 60.0
    DEPTH = 24
    START_FAILURES = 3

    def __init__(self, fn: Callable[[Any], Any], jobs: int, timeout: float, init: Optional[Callable[[], None]] = None,
                 start_method: Optional[str] = None):
        self.fn = fn
        self.init = init
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.ctx = multiprocessing.get_context(start_method or start_method_for_workers())
        self.slots: list[_Slot] = []

    def _start(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        _widen_send_buffer(child)
        proc = self.ctx.Process(target=_worker_main, args=(child, self.fn, self.init), daemon=True)
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def _replace(self, slot: _Slot) -> None:
        if slot.proc.is_alive():
            slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()
        fresh = self._start()
        slot.proc, slot.conn, slot.queue, slot.started, slot.warm = fresh.proc, fresh.conn, [], None, False
        slot.gone = False

    def run(self, tasks: Iterable[tuple[Any, Any]]) -> Iterator[Outcome]:
        """Run (key, payload) tasks; yields one Outcome per task as each finishes, in completion order.

        Each worker holds up to DEPTH tasks, so it goes on working while the parent writes a batch of results
        to the store (0.1-0.3 s, a few dozen short documents), but at most the tasks left divided by twice
        the number of workers (at least 2), so the last ones still go to whichever worker is free first. Only
        the first is running; the others go back to the queue if its worker is killed or dies. A worker found
        gone when a task is sent to it is fed no more until its results are read, so the task it died on is
        the one reported. A fresh worker that dies before taking up its first task has all its tasks put back;
        after START_FAILURES such deaths in a row in one worker's place, that place is given up, and when every
        place is, each task not done is reported "nostart"."""
        pending = deque(tasks)
        try:
            yield from self._run(pending)
        except _NoWorkers as stop:
            self.close()
            while pending:
                yield Outcome(pending.popleft()[0], "nostart", stop.code)

    def _run(self, pending: deque) -> Iterator[Outcome]:
        while len(self.slots) < min(self.jobs, len(pending)):
            self.slots.append(self._start())
        while pending or any(s.queue for s in self.slots):
            active = [s for s in self.slots if not s.retired]
            left = len(pending) + sum(len(s.queue) for s in active)
            depth = min(self.DEPTH, max(2, left // (2 * len(active))))
            for slot in active:
                while len(slot.queue) < depth and pending and not slot.gone:
                    task = pending.popleft()
                    try:
                        slot.conn.send(task)
                    except (OSError, ValueError):
                        pending.appendleft(task)
                        if slot.queue:
                            slot.gone = True
                            continue
                        if slot.warm:
                            self._replace(slot)
                            continue
                        self._lost_at_start(slot, pending)
                        if slot.retired:
                            break
                        continue
                    if not slot.queue:
                        slot.sent = time.monotonic()
                        slot.started = slot.sent if slot.warm else None
                    slot.queue.append(task)
            busy = [s for s in self.slots if s.queue]
            if not busy:
                continue
            nearest = min(s.deadline(self.timeout) for s in busy) - time.monotonic()
            ready = wait([s.conn for s in busy], timeout=max(0.0, min(nearest, 1.0)))
            for slot in busy:
                if slot.conn not in ready:
                    continue
                key = slot.queue[0][0]
                try:
                    what, _, out = slot.conn.recv()
                except (EOFError, OSError):
                    slot.proc.join(5)
                    if not slot.warm:
                        self._lost_at_start(slot, pending)
                        continue
                    code = slot.proc.exitcode
                    pending.extendleft(reversed(slot.queue[1:]))
                    self._replace(slot)
                    yield Outcome(key, "crash", code)
                    continue
                if what == "start":
                    slot.started, slot.warm, slot.failed_starts = time.monotonic(), True, 0
                    continue
                slot.queue.pop(0)
                slot.warm = True
                slot.sent = time.monotonic()
                slot.started = slot.sent if slot.queue else None
                yield Outcome(key, out[0], out[1])
            now = time.monotonic()
            for slot in self.slots:
                if slot.queue and now > slot.deadline(self.timeout) and not slot.conn.poll():
                    if not slot.warm:
                        slot.proc.kill()
                        self._lost_at_start(slot, pending)
                        continue
                    key = slot.queue[0][0]
                    pending.extendleft(reversed(slot.queue[1:]))
                    self._replace(slot)
                    yield Outcome(key, "timeout", self.timeout)

    def _lost_at_start(self, slot: _Slot, pending: deque) -> None:
        """A fresh worker died (or was stopped, stuck) before taking up its first task: its tasks go back to the
        queue, unblamed, and it is replaced, unless START_FAILURES have failed so in a row in its place: then
        the place is retired (the other workers go on). Raises _NoWorkers (with the exit code) when every place
        is retired: run closes the pool and reports each task not done as "nostart"."""
        slot.proc.join(5)
        pending.extendleft(reversed(slot.queue))
        slot.queue = []
        slot.failed_starts += 1
        if slot.failed_starts < self.START_FAILURES:
            self._replace(slot)
            return
        slot.retired = True
        slot.conn.close()
        if all(s.retired for s in self.slots):
            raise _NoWorkers(slot.proc.exitcode)

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in self.slots:
            slot.proc.join(2)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(2)
            slot.conn.close()
        self.slots = []

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def can_fork() -> bool:
    """Whether this platform can fork processes (ForkedTasks needs it)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _run_and_send(conn, target: Callable[..., Any], args: tuple) -> None:
    try:
        conn.send(target(*args))
    except BaseException:  # noqa: BLE001 - the parent sees the pipe close without a value and runs the task itself
        os._exit(1)
    os._exit(0)


def cpu_ticks(pid: int) -> Optional[int]:
    """User + system CPU clock ticks of a process so far (Linux /proc), or None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


@dataclass
class _Forked:
    index: int
    proc: Any
    conn: Any
    target: Callable[..., Any]
    args: tuple
    ticks: Optional[int] = None
    still_since: float = 0.0


class ForkedTasks:
    """Functions run in processes forked from this one, up to limit at a time, for batch work done after the
    checking (outputs, cross-document checks): a forked process shares the data already loaded here. Each
    return value comes back through a pipe. A task whose process fails, or uses no CPU time for STALL_SECONDS
    (stuck: it is killed), is run in this process instead. With a limit under 2, or where processes cannot be
    forked, each task runs here as it is submitted.

    A forked process must not use this process's database connection or worker pool."""

    STALL_SECONDS = 60.0
    POLL_SECONDS = 1.0

    def __init__(self, limit: int):
        self.inline = limit < 2 or not can_fork()
        self.ctx = None if self.inline else multiprocessing.get_context("fork")
        self.limit = max(1, limit)
        self.running: list[_Forked] = []
        self.values: dict[int, Any] = {}
        self.count = 0

    def submit(self, target: Callable[..., Any], *args) -> None:
        """Run target(*args) in a forked process, once fewer than limit are running (here and now, inline)."""
        if self.inline:
            self.values[self.count] = target(*args)
            self.count += 1
            return
        self._collect(self.limit - 1)
        receive, send = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_run_and_send, args=(send, target, args))
        proc.start()
        send.close()
        self.running.append(_Forked(self.count, proc, receive, target, args, still_since=time.monotonic()))
        self.count += 1

    def results(self) -> list[Any]:
        """Wait for every task; their return values in the order they were submitted."""
        self._collect(0)
        return [self.values[i] for i in range(self.count)]

    def _collect(self, keep: int) -> None:
        while len(self.running) > keep:
            ready = wait([task.conn for task in self.running], timeout=self.POLL_SECONDS)
            now = time.monotonic()
            for task in list(self.running):
                if task.conn in ready:
                    try:
                        value, ok = task.conn.recv(), True
                    except Exception:  # noqa: BLE001 - no whole value came back: the process failed
                        value, ok = None, False
                elif self._stalled(task, now):
                    task.proc.kill()
                    value, ok = None, False
                else:
                    continue
                self.running.remove(task)
                task.conn.close()
                task.proc.join()
                self.values[task.index] = value if ok and task.proc.exitcode == 0 else task.target(*task.args)

    def _stalled(self, task: _Forked, now: float) -> bool:
        ticks = cpu_ticks(task.proc.pid)
        if ticks is None:
            return False
        if ticks != task.ticks:
            task.ticks, task.still_since = ticks, now
        return now - task.still_since >= self.STALL_SECONDS
