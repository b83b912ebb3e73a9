"""Batch mode: folders and zip archives, results equal to check_file, re-runs, kill -9 resume, time limits,
crashed workers, unit aliases, progress, and `jxcheck report` without the source files."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from extractor.limits import Limits
from jxcheck.api import check_file
from jxcheck.batch import WorkerPool, check_task, collect, run_batch
from jxcheck.cli import main, render_text
from jxcheck.store import Store
from jxcheck.units import UnitNames, normalize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))


class GbkInfo(zipfile.ZipInfo):
    """A zip member whose name is written in GBK without the UTF-8 flag, as Chinese Windows tools do."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def make_zip(path: Path) -> None:
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(GbkInfo("报告/2020年自评报告.txt"), (text + "\n附：压缩包内的副本一。\n").encode("utf-8"))
        zf.writestr("报告/utf8名称.txt", (text + "\n附：压缩包内的副本二。\n").encode("utf-8"))
        zf.writestr(zipfile.ZipInfo("../evil.txt"), "三公经费预算 6.82 万元，实际支出 4.43 万元，三公经费控制率 64.96%。")
        zf.writestr(zipfile.ZipInfo("/abs/evil2.txt"), "公用经费预算 66.81 万元，实际支出 61.39 万元，公用经费控制率 91.89%。")
        zf.writestr("说明.md", "not a report, not checked")


def tree(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    src = base / "in"
    src.mkdir()
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, src / name)
    make_zip(base / "archive.zip")
    before = tree(base)
    out = base / "out"
    stream = io.StringIO()
    result = run_batch([str(src), str(base / "archive.zip")], str(out), jobs=2, stream=stream)
    return base, src, out, result, before, stream.getvalue()


def jsonl(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def by_file(docs: list[dict]) -> dict[str, dict]:
    """Output documents by the path of each of their files: a report supplied in several files is one
    document naming the others under copies."""
    out = {}
    for d in docs:
        for path in [d["path"]] + [c["path"] for c in d.get("copies") or []]:
            out[path] = d
    return out


def canonical(checks: list[dict]) -> list[str]:
    """Checks as comparable text; the order of a check's figures and quotes is not part of its meaning."""
    return sorted(json.dumps(dict(c, numbers=sorted(c["numbers"]),
                                  evidence=sorted(c["evidence"], key=lambda e: json.dumps(e, sort_keys=True))),
                             sort_keys=True, ensure_ascii=False) for c in checks)


def figures(check: dict) -> tuple:
    return tuple(str(check.get(k)) for k in ("rule", "status", "severity", "concept", "reported", "expected"))


def test_batch_results_equal_check_file(seeds_run):
    _, src, out, result, _, _ = seeds_run
    docs = by_file(jsonl(out))
    for name in SEED_FILES:
        path = str(src / name)
        want = check_file(path)
        got = docs[path]
        if got["path"] != path:
            copy = next(c for c in got["copies"] if c["path"] == path)
            assert (copy["sha256"], copy["format"]) == (want["sha256"], want["format"]), name
            assert sorted(figures(c) for c in got["checks"] if not c["rule"].startswith("crossdoc.")) == \
                sorted(figures(c) for c in want["checks"]), name
            continue
        own = [f for f in got["findings"] if not f["rule"].startswith("crossdoc.")]
        assert canonical(own) == canonical(want["findings"]), name
        assert [f["severity"] for f in own] == [f["severity"] for f in want["findings"]], name
        assert canonical([c for c in got["checks"] if not c["rule"].startswith("crossdoc.")]) == \
            canonical(want["checks"]), name
        for key in ("sha256", "format", "pages", "unit", "year", "report_type", "status"):
            assert got[key] == want[key], (name, key)
    reports = [d for d in jsonl(out) if d["path"].endswith(".docx")]
    assert sorted(len(d["copies"]) for d in reports) == [2, 4]
    assert result.status == 1


def test_zip_members_gbk_names_and_nothing_written_outside(seeds_run):
    base, _, out, result, before, _ = seeds_run
    paths = set(by_file(jsonl(out)))
    archive = str(base / "archive.zip")
    assert f"{archive}!/报告/2020年自评报告.txt" in paths
    assert f"{archive}!/报告/utf8名称.txt" in paths
    assert f"{archive}!/../evil.txt" in paths and f"{archive}!//abs/evil2.txt" in paths
    assert tree(base) - before == {p for p in tree(base) if p.startswith("out")}
    assert not list(base.parent.glob("evil*")) and not Path("/abs/evil2.txt").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".jxcheck-tmp")]
    member = next(d for path, d in by_file(jsonl(out)).items() if path.endswith("2020年自评报告.txt"))
    assert member["status"] == "ok" and member["unit"] == "湛江市人民政府行政服务中心"
    assert result.notes["unsupported"] == 1


def test_progress_lines_when_not_a_terminal(seeds_run):
    *_, log = seeds_run
    n = len(SEED_FILES) + 4
    assert f"[{n}/{n}]" in log and "\r" not in log


def test_progress_opens_at_once_and_goes_on_through_cross_checks_and_outputs(seeds_run):
    *_, log = seeds_run
    lines = log.splitlines()
    assert lines[0].startswith("正在收集输入文件")
    n = len(SEED_FILES) + 4
    after = lines[next(i for i, line in enumerate(lines) if line.startswith(f"[{n}/{n}]")) + 1:]
    starts = [i for i, line in enumerate(after) if line.startswith(("交叉核对：共", "写出结果：共"))]
    ends = [i for i, line in enumerate(after) if line.startswith(("交叉核对完成", "写出结果完成"))]
    assert len(starts) == len(ends) == 2 and starts[0] < ends[0] < starts[1] < ends[1]
    assert " / cross-checks done" in after[ends[0]] and " / outputs done" in after[ends[1]]


def test_rerun_skips_unchanged_and_replaces_a_changed_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("zj2018_review.txt", "zj2020_self.txt"):
        shutil.copy(SEEDS / name, src / name)
    out = tmp_path / "out"
    first = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    second = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert (first.checked, second.checked, second.skipped) == (2, 0, 2)
    assert {d["path"] for d in second.documents} == {str(src / "zj2018_review.txt"), str(src / "zj2020_self.txt")}
    with open(src / "zj2020_self.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附：修订稿。\n")
    third = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert (third.checked, third.skipped) == (1, 1)
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        rows = store.documents()
    assert len(rows) == 2 and len({r["path"] for r in rows}) == 2


def test_kill_9_then_rerun_finishes_without_duplicates_or_losses(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (SEEDS / "zj2018_review.txt").read_text(encoding="utf-8")
    n = 24
    for i in range(n):
        (src / f"r{i:02d}.txt").write_text(text + "\n" * (i + 1), encoding="utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "jxcheck.cli", "batch", str(src), "-o", str(out), "--jobs", "1"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 60
        for line in proc.stderr:
            if line.decode("utf-8", "replace").startswith("[4/") or time.monotonic() > deadline:
                break
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        done_before = len(store.documents())
    assert 0 < done_before < n
    result = run_batch([str(src)], str(out), jobs=2, stream=io.StringIO())
    assert (result.checked, result.skipped) == (n - done_before, done_before)
    one = check_file(str(src / "r00.txt"), with_facts=True)
    store = Store(str(out / "jxcheck.duckdb"), read_only=True)
    try:
        count = lambda sql: store.con.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM documents") == n
        assert count("SELECT count(DISTINCT doc_id) FROM documents") == n
        assert count("SELECT count(*) FROM facts") == n * len(one["facts"])
        assert count("SELECT count(*) FROM checks WHERE source = 'document'") == n * len(one["checks"])
        assert count("SELECT count(*) FROM (SELECT doc_id, seq FROM facts GROUP BY ALL HAVING count(*) > 1)") == 0
        assert count("SELECT count(DISTINCT doc_id) FROM blocks") == n
    finally:
        store.close()


def slow_or_crash(payload):
    if payload == "slow":
        time.sleep(60)
    if payload == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if payload == "boom":
        raise ValueError("boom")
    return payload.upper()


def test_pool_kills_an_overrunning_worker_and_survives_a_crash():
    tasks = list(enumerate(["a", "slow", "b", "crash", "c", "boom", "d"]))
    start = time.monotonic()
    with WorkerPool(slow_or_crash, jobs=2, timeout=2.0) as pool:
        outcomes = {o.key: o for o in pool.run(tasks)}
    assert time.monotonic() - start < 20
    assert {k: o.kind for k, o in outcomes.items()} == {0: "ok", 1: "timeout", 2: "ok", 3: "crash", 4: "ok",
                                                         5: "error", 6: "ok"}
    assert outcomes[6].value == "D" and outcomes[3].value == -signal.SIGSEGV and "boom" in outcomes[5].value


def exit_at_start() -> None:
    os._exit(3)


def upper_slowly(text: str) -> str:
    time.sleep(0.02)
    return text.upper()


def survive_once(flag: str) -> None:
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        os._exit(3)


def exit_once(flag: str) -> None:
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    os._exit(3)


@pytest.fixture
def starts(monkeypatch) -> list:
    """For the pool tests that fork workers directly: skipped where there is no fork; the list the pool's worker
    starts are counted in."""
    from jxcheck.pool import can_fork
    if not can_fork():
        pytest.skip("no fork on this platform")
    started = []
    real_start = WorkerPool._start

    def start(self):
        started.append(1)
        return real_start(self)

    monkeypatch.setattr(WorkerPool, "_start", start)
    return started


def test_workers_that_cannot_start_end_the_run_with_every_task_reported_not_started(starts):
    tasks = list(enumerate("abcdefghijklmnopqrst"))
    with WorkerPool(str.upper, jobs=2, timeout=30.0, init=exit_at_start, start_method="fork") as pool:
        outcomes = list(pool.run(tasks))
    assert sorted(o.key for o in outcomes) == list(range(20))
    assert {(o.kind, o.value) for o in outcomes} == {("nostart", 3)}
    assert len(starts) == 2 * WorkerPool.START_FAILURES


def test_a_place_whose_workers_cannot_start_is_given_up_while_the_other_worker_goes_on(tmp_path, starts):
    import functools
    init = functools.partial(survive_once, str(tmp_path / "survivor"))
    with WorkerPool(upper_slowly, jobs=2, timeout=30.0, init=init, start_method="fork") as pool:
        outcomes = {o.key: (o.kind, o.value) for o in pool.run(list(enumerate("abcdefghijklmnopqrst")))}
    assert outcomes == {i: ("ok", c) for i, c in enumerate("abcdefghijklmnopqrst".upper())}
    assert len(starts) == 1 + WorkerPool.START_FAILURES


def upper_or_exit(text: str) -> str:
    time.sleep(0.002)
    if text == "exit":
        time.sleep(0.005)
        os._exit(7)
    return text.upper()


def test_a_worker_found_gone_when_sending_has_its_results_read_and_only_its_task_blamed(starts):
    tasks = [(i, "exit" if i == 10 else f"t{i}") for i in range(60)]
    outcomes = {}
    with WorkerPool(upper_or_exit, jobs=2, timeout=30.0, start_method="fork") as pool:
        for outcome in pool.run(tasks):
            outcomes[outcome.key] = (outcome.kind, outcome.value)
            time.sleep(0.02)
    assert outcomes == {i: ("crash", 7) if i == 10 else ("ok", f"T{i}") for i in range(60)}
    assert len(starts) == 3


def hang_at_start() -> None:
    time.sleep(600)


def test_workers_stuck_at_start_are_stopped_without_blaming_a_task(monkeypatch, starts):
    monkeypatch.setattr(WorkerPool, "STARTUP_GRACE", 0.2)
    begin = time.monotonic()
    with WorkerPool(str.upper, jobs=2, timeout=0.2, init=hang_at_start, start_method="fork") as pool:
        outcomes = list(pool.run(list(enumerate("abcdef"))))
    assert time.monotonic() - begin < 30
    assert sorted(o.key for o in outcomes) == list(range(6))
    assert {o.kind for o in outcomes} == {"nostart"}
    assert len(starts) == 2 * WorkerPool.START_FAILURES


def test_a_worker_that_dies_before_its_first_task_does_not_blame_the_task(tmp_path, starts):
    import functools
    init = functools.partial(exit_once, str(tmp_path / "exited"))
    with WorkerPool(str.upper, jobs=2, timeout=30.0, init=init, start_method="fork") as pool:
        outcomes = {o.key: (o.kind, o.value) for o in pool.run(list(enumerate("abcdefgh")))}
    assert outcomes == {i: ("ok", c) for i, c in enumerate("ABCDEFGH")}
    assert len(starts) == 3


WARM_PROBE = """
import json, os
from jxcheck.pool import WorkerPool, start_worker_server

def warm_state(_payload):
    from extractor import labels
    return os.getppid(), labels._tokenizer.cache_info().currsize

if __name__ == "__main__":
    start_worker_server()
    with WorkerPool(warm_state, jobs=2, timeout=60.0) as pool:
        print(json.dumps({"parent": os.getpid(), "workers": [o.value for o in pool.run([(0, 0), (1, 1), (2, 2)])]}))
"""


def test_workers_are_forked_warm_from_the_fork_server(tmp_path):
    from jxcheck.pool import start_method_for_workers
    if start_method_for_workers() != "forkserver":
        pytest.skip("no fork server on this platform")
    probe = tmp_path / "probe.py"
    probe.write_text(WARM_PROBE, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = json.loads(subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, env=env,
                                    check=True, timeout=120).stdout)
    assert len(out["workers"]) == 3
    assert all(parent != out["parent"] for parent, _ in out["workers"])
    assert all(tokenizer_loaded == 1 for _, tokenizer_loaded in out["workers"])


def test_a_workers_socket_holds_many_results_and_a_plain_pipe_is_left_alone():
    import multiprocessing
    import socket
    from jxcheck.pool import SEND_BUFFER, _widen_send_buffer
    parent, child = multiprocessing.Pipe()
    if not hasattr(socket, "AF_UNIX") or not os.path.exists("/proc/sys/net/core/wmem_max"):
        pytest.skip("no Unix sockets with a known send-buffer cap here")
    cap = int(Path("/proc/sys/net/core/wmem_max").read_text())
    before = socket.socket(fileno=os.dup(child.fileno()))
    default = before.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    before.close()
    if cap <= default:
        pytest.skip("the system does not allow a wider send buffer")
    _widen_send_buffer(child)
    after = socket.socket(fileno=os.dup(child.fileno()))
    assert after.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= min(SEND_BUFFER, cap)
    after.close()
    receive, send = multiprocessing.Pipe(duplex=False)
    _widen_send_buffer(send)
    send.send("still usable")
    assert receive.recv() == "still usable"


def test_forked_tasks_give_values_in_submission_order_and_run_a_failed_one_here():
    from jxcheck.pool import ForkedTasks, can_fork
    if not can_fork():
        pytest.skip("no fork on this platform")
    parent = os.getpid()

    def square_later(x):
        time.sleep(0.05 * (3 - x))
        if x == 2 and os.getpid() != parent:
            raise RuntimeError("a failing forked task")
        return (x * x, os.getpid() == parent)

    tasks = ForkedTasks(2)
    for x in range(4):
        tasks.submit(square_later, x)
    assert tasks.results() == [(0, False), (1, False), (4, True), (9, False)]


def test_a_forked_task_that_is_stuck_is_killed_and_run_here(monkeypatch):
    from jxcheck.pool import ForkedTasks, can_fork
    if not can_fork() or not os.path.exists(f"/proc/{os.getpid()}/stat"):
        pytest.skip("needs fork and /proc")
    parent = os.getpid()

    def stuck_in_a_child(x):
        if os.getpid() != parent:
            time.sleep(3600)
        return x + 1

    def too_long(signum, frame):
        raise TimeoutError("the stuck process was waited for")

    monkeypatch.setattr(ForkedTasks, "STALL_SECONDS", 1.0)
    monkeypatch.setattr(ForkedTasks, "POLL_SECONDS", 0.1)
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(30)
    try:
        tasks = ForkedTasks(2)
        tasks.submit(stuck_in_a_child, 1)
        tasks.submit(lambda: sum(range(10 ** 6)))
        assert tasks.results() == [2, sum(range(10 ** 6))]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_workers_are_spawned_when_the_fork_server_cannot_start(monkeypatch):
    from multiprocessing import forkserver
    from jxcheck import pool

    def refuse():
        raise OSError("no unix sockets here")
    monkeypatch.setattr(pool, "_server_failed", False)
    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    pool.start_worker_server()
    assert pool.start_method_for_workers() == "spawn"
    with WorkerPool(slow_or_crash, jobs=1, timeout=30.0) as workers:
        assert workers.ctx.get_start_method() == "spawn"
        assert [o.value for o in workers.run([(0, "a"), (1, "b")])] == ["A", "B"]


def slow_for_one_file(task):
    if "slow" in os.path.basename(task["display"]):
        time.sleep(60)
    if "crash" in os.path.basename(task["display"]):
        os.kill(os.getpid(), signal.SIGSEGV)
    return check_task(task)


def test_batch_records_timeout_and_crash_and_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    for i, name in enumerate(("a.txt", "slow.txt", "crash.txt", "b.txt")):
        (src / name).write_text(text + "\n" * i, encoding="utf-8")
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=2, timeout=2, stream=io.StringIO(),
                       worker=slow_for_one_file)
    docs = {Path(path).name: d for path, d in by_file(result.documents).items()}
    assert docs["slow.txt"]["error"]["code"] == "timeout"
    assert "超时" in docs["slow.txt"]["error"]["message"] and "time limit" in docs["slow.txt"]["error"]["message"]
    assert docs["crash.txt"]["error"]["code"] == "internal"
    assert docs["a.txt"]["status"] == docs["b.txt"]["status"] == "ok", (docs["a.txt"]["error"], docs["b.txt"]["error"])
    assert docs["b.txt"] is docs["a.txt"] and docs["a.txt"]["findings"] == check_file(str(src / "a.txt"))["findings"]
    assert [figures(f) for f in docs["b.txt"]["findings"]] == \
        [figures(f) for f in check_file(str(src / "b.txt"))["findings"]]
    assert result.status == 2


def test_zip_limits_corrupt_archive_and_links_outside(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    with zipfile.ZipFile(src / "caps.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", "财政拨款收入 100 万元。" * 400)
        zf.writestr("bomb.txt", b"0" * 200_000)
        locked = zipfile.ZipInfo("locked.txt")
        locked.flag_bits |= 0x1
        zf.writestr(locked, "x")
    data = bytearray((src / "caps.zip").read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(signature)
        while pos >= 0:
            name_len = int.from_bytes(data[pos + 26 + 2 * (flags_at == 8):pos + 28 + 2 * (flags_at == 8)], "little")
            start = pos + (30 if flags_at == 6 else 46)
            if bytes(data[start:start + name_len]) == b"locked.txt":
                data[pos + flags_at] |= 0x1
            pos = data.find(signature, pos + 4)
    (src / "caps.zip").write_bytes(bytes(data))
    (src / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    outside = tmp_path / "outside.txt"
    outside.write_text("财政拨款收入 100 万元。", encoding="utf-8")
    (src / "link.txt").symlink_to(outside)
    limits = Limits(max_member_bytes=8000, max_compression_ratio=10, ratio_floor_bytes=1000)
    got = collect([str(src)], limits)
    errors = {Path(i.display.split("!/")[-1]).name: i.error[0] for i in got.items if i.error}
    assert errors == {"big.txt": "too_large", "bomb.txt": "too_large", "locked.txt": "encrypted",
                      "broken.zip": "corrupt"}
    assert got.notes["outside"] == 1 and not [i for i in got.items if "link" in i.display]


def test_unit_names_normalize_and_alias(tmp_path):
    names = UnitNames.load()
    assert normalize("湛江市人民政府行政服务中心（本级）") == normalize("湛江市人民政府 行政服务中心(本级)")
    assert names.key("湛江市行政服务中心") == names.key("湛江市人民政府行政服务中心") == "湛江市人民政府行政服务中心"
    assert names.key("ＡＢＣ局") == "ABC局" and names.key(None) == "单位未识别"
    extra = tmp_path / "aliases.yaml"
    extra.write_text("aliases:\n  临江市档案馆:\n    - 临江档案馆\n", encoding="utf-8")
    assert UnitNames.load(str(extra)).key("临江档案馆") == "临江市档案馆"
    for bad in ("- just a list\n", "aliases: [unclosed\n"):
        extra.write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError):
            UnitNames.load(str(extra))


def test_aliased_units_share_one_sheet(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text.replace("评价单位：湛江市人民政府行政服务中心", "评价单位：湛江市行政服务中心"),
                               encoding="utf-8")
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    assert {d["unit"] for d in result.documents} == {"湛江市人民政府行政服务中心", "湛江市行政服务中心"}
    assert {d["unit_key"] for d in result.documents} == {"湛江市人民政府行政服务中心"}
    import openpyxl
    assert openpyxl.load_workbook(tmp_path / "out" / "discrepancies.xlsx").sheetnames == ["汇总", "湛江市人民政府行政服务中心",
                                                                                        "勾稽标记"]


def test_report_reads_the_store_without_the_sources(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("zj2018_review.txt", "zj2020_self.txt"):
        shutil.copy(SEEDS / name, src / name)
    out = tmp_path / "out"
    assert main(["batch", str(src), "-o", str(out), "--jobs", "1"]) == 1
    findings = [f for name in ("zj2018_review.txt", "zj2020_self.txt") for f in check_file(str(src / name))["findings"]]
    errors = sum(f["severity"] == "error" for f in findings)
    warnings = len(findings) - errors
    assert f"共 1 个单位、2 份文档：错误 {errors}，警告 {warnings}，提示 0，无法读取 0 / 1 units, 2 documents" \
        in capsys.readouterr().err
    shutil.move(str(src), str(tmp_path / "gone"))
    db = str(out / "jxcheck.duckdb")
    assert main(["report", "--db", db]) == 1
    text = capsys.readouterr().out
    assert "湛江市人民政府行政服务中心" in text and "2251.36" in text and "41.90" in text
    for name in ("zj2018_review.txt", "zj2020_self.txt"):
        counts = [line for line in render_text([check_file(str(SEEDS / name))]).splitlines() if line.startswith("  共 ")]
        assert len(counts) == 1 and counts[0] in text.splitlines(), counts
    assert main(["report", "--db", db, "--unit", "湛江市行政服务中心", "--year", "2020", "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and rows[0]["path"].endswith("zj2020_self.txt") and rows[0]["reported"] == "2251.36"
    assert main(["report", "--db", db, "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")]) == 1
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert main(["report", "--db", db, "--unit", "不存在的单位"]) == 2
    assert main(["report", "--db", db, "--format", "xlsx"]) == 2
    assert main(["report", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert not (tmp_path / "none.duckdb").exists()


def test_cli_batch_usage_errors_and_unreadable_files(tmp_path, capsys):
    assert main(["batch", str(tmp_path), "-o", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert main(["batch", "-o", str(tmp_path / "o")]) == 2
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (bad / "ok.txt").write_text("三公经费预算 6.82 万元，实际支出 4.43 万元，三公经费控制率 64.96%。", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(bad), str(tmp_path / "missing.txt"), "-o", str(out), "--jobs", "1"]) == 2
    lines = (out / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sum("document.read" in line for line in lines) == 2
    assert any("missing.txt" in line and "unreadable" in line for line in lines)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal():
    from jxcheck.batch import Progress
    term = FakeTerminal()
    bar = Progress(3, term)
    bar.REDRAW = 0.0
    for findings in (2, 0, 5):
        bar.update("x.txt", "完成", findings)
    text = term.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "3/3 文件" in text and "个/秒" in text and "剩余" in text and "发现问题 7" in text
    quick = FakeTerminal()
    bar = Progress(100, quick)
    for _ in range(100):
        bar.update("x.txt", "完成", 1)
    drawn = quick.getvalue()
    assert drawn.count("\r") < 100 and drawn.endswith("\n") and "100/100 文件" in drawn and "发现问题 100" in drawn


def test_plain_progress_has_every_line_in_order():
    from jxcheck.batch import Progress
    log = io.StringIO()
    bar = Progress(50, log)
    for i in range(50):
        bar.update(f"f{i}.txt", "完成", i % 2)
    lines = log.getvalue().splitlines()
    assert lines == [f"[{i + 1}/50] 完成 f{i}.txt（问题 {i % 2}）" for i in range(50)]


def test_output_folder_inside_the_input_and_special_files_are_not_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS / "zj2020_self.txt", src / "a.txt")
    os.mkfifo(src / "pipe.txt")
    out = src / "out"
    first = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    second = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert [d["path"] for d in second.documents] == [str(src / "a.txt")]
    assert (first.checked, second.checked, second.skipped) == (1, 0, 1)
    assert main(["batch", "/dev/null", "-o", str(tmp_path / "o2"), "--jobs", "1"]) == 2


def test_a_copy_whose_reading_lacks_one_pass_is_listed_as_a_copy(tmp_path):
    """The PDF of a 决算 lacks one pass its DOCX has (a claim read from the Word table only), with the same findings:
    one report, the PDF under copies; two reports of one unit and year whose findings differ stay two."""
    src = tmp_path / "src"
    src.mkdir()
    base = ROOT / "corpus" / "final-accounts"
    for name in ("fa02_social_work.docx", "fa02_social_work.pdf", "fa01_natural_resources.docx", "fa01f5_word.docx"):
        shutil.copy(base / name, src / name)
    docx, pdf = (check_file(str(src / n)) for n in ("fa02_social_work.docx", "fa02_social_work.pdf"))
    assert len(docx["checks"]) == len(pdf["checks"]) + 1
    assert sorted(map(figures, docx["findings"])) == sorted(map(figures, pdf["findings"]))
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    docs = {Path(d["path"]).name: d for d in jsonl(tmp_path / "out")}
    assert sorted(docs) == ["fa01_natural_resources.docx", "fa01f5_word.docx", "fa02_social_work.docx"]
    assert [Path(c["path"]).name for c in docs["fa02_social_work.docx"]["copies"]] == ["fa02_social_work.pdf"]
    variant, report = docs["fa01f5_word.docx"], docs["fa01_natural_resources.docx"]
    assert not variant.get("copies") and not report.get("copies")
    assert (variant["unit"], variant["year"], variant["report_type"]) == \
        (report["unit"], report["year"], report["report_type"])
