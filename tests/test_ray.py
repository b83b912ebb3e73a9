"""The Ray engine (`jxcheck batch --engine ray`): the same findings and store rows as the local engine on corpus/,
files shipped through the object store, a killed Ray worker, a killed driver resumed from the store, the time
limit, and the coded error when Ray is not installed. The Ray tests share one local Ray instance of 2 CPUs and
skip when ray is not installed."""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from jxcheck.api import check_file
from jxcheck.batch import Engine, check_task, run_batch
from jxcheck.cli import main
from jxcheck.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason='ray is not installed: pip install -e ".[test,ray]" to run the '
                                                   "Ray engine tests")
RAY = Engine("ray")


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module: 2 CPUs, a small object store; this module's functions are sent to the
    workers by value (the tests folder is not importable there)."""
    import ray
    from ray import cloudpickle
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(address="local", num_cpus=2, object_store_memory=100 * 1024 * 1024, include_dashboard=False,
             log_to_driver=False)
    yield ray
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def lines(out: Path) -> list[str]:
    return sorted((out / "findings.jsonl").read_text(encoding="utf-8").splitlines())


def counts(out: Path) -> dict[str, int]:
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        one = lambda sql: store.con.execute(sql).fetchone()[0]  # noqa: E731
        return {"documents": one("SELECT count(*) FROM documents"),
                "distinct documents": one("SELECT count(DISTINCT doc_id) FROM documents"),
                "facts": one("SELECT count(*) FROM facts"),
                "checks": one("SELECT count(*) FROM checks WHERE source = 'document'"),
                "cross-checks": one("SELECT count(*) FROM checks WHERE source = 'crossdoc'"),
                "blocks": one("SELECT count(*) FROM blocks"),
                "failed": one("SELECT count(*) FROM documents WHERE status = 'error'")}


def copies(src: Path, n: int, name: str = "zj2018_review.txt") -> None:
    """n reports made from a seed, each of its own unit (copies of one unit's report would be listed as one report
    in several files)."""
    src.mkdir()
    text = (SEEDS / name).read_text(encoding="utf-8")
    for i in range(n):
        own = text.replace("湛江市人民政府行政服务中心", f"湛江市第{i + 1}行政服务中心")
        (src / f"r{i:02d}.txt").write_text(own + "\n" * (i + 1), encoding="utf-8")


@needs_ray
def test_corpus_gives_the_same_findings_and_store_rows_as_the_local_engine(tmp_path, local_ray):
    corpus = str(ROOT / "corpus")
    local = run_batch([corpus], str(tmp_path / "local"), jobs=2, stream=io.StringIO())
    log = io.StringIO()
    remote = run_batch([corpus], str(tmp_path / "ray"), jobs=2, stream=log, engine=RAY)
    assert lines(tmp_path / "ray") == lines(tmp_path / "local")
    assert counts(tmp_path / "ray") == counts(tmp_path / "local")
    assert counts(tmp_path / "ray")["documents"] == remote.checked > 100
    assert len(remote.documents) == len(local.documents)
    assert (remote.status, remote.checked) == (local.status, local.checked)
    n = remote.checked
    assert f"[{n}/{n}]" in log.getvalue() and "交叉核对完成" in log.getvalue()


@needs_ray
def test_shipped_files_zip_members_and_parquet_parts_give_the_same_results_as_read_by_path(tmp_path, local_ray):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("zj2018_review.pdf", "zj2020_self.docx", "zj2020_self.txt"):
        shutil.copy(SEEDS / name, src / name)
    with zipfile.ZipFile(tmp_path / "more.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(SEEDS / "zj2018_review.docx", "报告/评价报告.docx")
        zf.writestr("报告/空.txt", b"")
    inputs = [str(src), str(tmp_path / "more.zip")]
    by_path = run_batch(inputs, str(tmp_path / "path"), jobs=2, stream=io.StringIO(), engine=RAY)
    shipped = run_batch(inputs, str(tmp_path / "ship"), jobs=2, stream=io.StringIO(),
                        engine=Engine("ray", ship_files=True))
    assert lines(tmp_path / "ship") == lines(tmp_path / "path")
    assert counts(tmp_path / "ship") == counts(tmp_path / "path")
    assert by_path.checked == shipped.checked == 5
    empty = next(d for d in shipped.documents if d["path"].endswith("空.txt"))
    assert empty["error"]["code"] == "unreadable"
    parts = tmp_path / "parts"
    from_parts = run_batch(inputs, str(tmp_path / "parts-out"), jobs=2, stream=io.StringIO(),
                           engine=Engine("ray", ship_files=True, parts=str(parts)))
    assert lines(tmp_path / "parts-out") == lines(tmp_path / "path")
    assert counts(tmp_path / "parts-out") == counts(tmp_path / "path")
    assert from_parts.checked == 5 and parts.is_dir() and not list(parts.iterdir())


@needs_ray
def test_with_parts_each_task_gives_parquet_files_the_store_reads_and_removes(tmp_path, local_ray):
    from jxcheck.ray_engine import RayPool
    from jxcheck.rows import Parts
    doc = SEEDS / "zj2020_self.txt"
    sha = hashlib.sha256(doc.read_bytes()).hexdigest()
    task = {"path": str(doc), "display": str(doc), "doc_id": sha, "limits": None}
    with RayPool(check_task, 2, 60, parts=str(tmp_path)) as pool:
        [outcome] = list(pool.run([(sha, task)]))
    assert outcome.kind == "ok" and isinstance(outcome.value["blocks"], Parts)
    files = outcome.value["blocks"].files
    assert sorted(files) == ["blocks", "checks", "facts"] and all(Path(f).parent == tmp_path for f in files.values())
    want = check_task(task)
    tables = []
    for name, value in (("parts", outcome.value), ("rows", want)):
        with Store(str(tmp_path / f"{name}.duckdb")) as store:
            store.save_documents([(sha, value["result"], value["blocks"], "u")])
            tables.append({t: store.con.execute(f"SELECT * FROM {t} ORDER BY seq").fetchall()
                           for t in ("facts", "checks", "blocks")})
    assert tables[0] == tables[1] and all(tables[0].values())
    assert not any(Path(f).exists() for f in files.values())


def stall_once(task):
    """Writes its worker's pid to stall.pid next to the input folder and waits there, on slow.txt's first
    attempt only; checks as usual otherwise."""
    if os.path.basename(task["display"]) == "slow.txt":
        marker = os.path.join(os.path.dirname(os.path.dirname(task["display"])), "stall.pid")
        if not os.path.exists(marker):
            with open(marker + ".tmp", "w") as fh:
                fh.write(str(os.getpid()))
            os.replace(marker + ".tmp", marker)
            time.sleep(300)
    return check_task(task)


@needs_ray
def test_a_killed_ray_worker_loses_no_document_and_duplicates_none(tmp_path, local_ray):
    src = tmp_path / "in"
    copies(src, 12)
    shutil.copy(src / "r00.txt", src / "slow.txt")
    with open(src / "slow.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附：慢的副本。\n")
    marker = tmp_path / "stall.pid"
    killed: list[int] = []

    def kill_the_stalled_worker():
        for _ in range(1200):
            if marker.exists():
                pid = int(marker.read_text())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_stalled_worker, daemon=True)
    killer.start()
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=2, stream=io.StringIO(), worker=stall_once, engine=RAY)
    killer.join(5)
    assert killed and not os.path.exists(f"/proc/{killed[0]}")
    docs = {Path(d["path"]).name: d for d in result.documents}
    assert len(result.documents) == 13 and docs["slow.txt"]["status"] == "ok"
    assert all(d["status"] == "ok" for d in result.documents)
    one = check_file(str(src / "r00.txt"), with_facts=True)
    got = counts(tmp_path / "out")
    assert got["documents"] == got["distinct documents"] == 13
    assert got["facts"] == 13 * len(one["facts"]) and got["checks"] == 13 * len(one["checks"])
    with Store(str(tmp_path / "out" / "jxcheck.duckdb"), read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM (SELECT doc_id, seq FROM facts GROUP BY ALL "
                                 "HAVING count(*) > 1)").fetchone()[0] == 0


def kill_own_worker(task):
    if os.path.basename(task["display"]) == "fatal.txt":
        os.kill(os.getpid(), signal.SIGKILL)
    return check_task(task)


@needs_ray
def test_a_document_that_keeps_losing_its_worker_is_recorded_failed_after_the_retries(tmp_path, local_ray):
    src = tmp_path / "in"
    copies(src, 2)
    shutil.copy(src / "r00.txt", src / "fatal.txt")
    with open(src / "fatal.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附：致命的副本。\n")
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=2, stream=io.StringIO(), worker=kill_own_worker,
                       engine=RAY)
    docs = {Path(d["path"]).name: d for d in result.documents}
    error = docs["fatal.txt"]["error"]
    assert error["code"] == "internal" and "3 attempts" in error["message"] and "已试 3 次" in error["message"]
    assert docs["r00.txt"]["status"] == docs["r01.txt"]["status"] == "ok"
    with Store(str(tmp_path / "out" / "jxcheck.duckdb"), read_only=True) as store:
        done = store.done()
        assert len(store.documents()) == 3 and len(done) == 2
        assert hashlib.sha256((src / "fatal.txt").read_bytes()).hexdigest() not in done


def stall_always(task):
    if os.path.basename(task["display"]) == "slow.txt":
        time.sleep(300)
    return check_task(task)


@needs_ray
def test_a_document_over_the_time_limit_is_cancelled_and_recorded_as_timeout(tmp_path, local_ray):
    src = tmp_path / "in"
    copies(src, 3)
    shutil.copy(src / "r00.txt", src / "slow.txt")
    with open(src / "slow.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附：慢的副本。\n")
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=2, timeout=3, stream=io.StringIO(),
                       worker=stall_always, engine=RAY)
    docs = {Path(d["path"]).name: d for d in result.documents}
    assert docs["slow.txt"]["error"]["code"] == "timeout" and "time limit" in docs["slow.txt"]["error"]["message"]
    assert [docs[f"r{i:02d}.txt"]["status"] for i in range(3)] == ["ok"] * 3
    assert result.status == 2


@needs_ray
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_stopped_driver_then_rerun_resumes_from_the_store(tmp_path, local_ray, stop):
    src = tmp_path / "in"
    src.mkdir()
    data = (SEEDS / "zj2018_review.pdf").read_bytes()
    n = 30
    for i in range(n):
        (src / f"r{i:02d}.pdf").write_bytes(data + f"\n%{i}\n".encode())
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "jxcheck.cli", "batch", str(src), "-o", str(out), "--jobs", "1",
                             "--engine", "ray"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 120
        for line in proc.stderr:
            if line.decode("utf-8", "replace").startswith("[1/") or time.monotonic() > deadline:
                break
        os.killpg(proc.pid, stop)
        status = proc.wait(120)
        rest = proc.stderr.read().decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()
    if stop == signal.SIGINT:
        assert status == 130 and "interrupted: finished documents are saved" in rest and "Traceback" not in rest
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        done_before = len(store.documents())
    assert 0 < done_before < n
    result = run_batch([str(src)], str(out), jobs=2, stream=io.StringIO(), engine=RAY)
    assert (result.checked, result.skipped) == (n - done_before, done_before)
    one = check_file(str(src / "r00.pdf"), with_facts=True)
    got = counts(out)
    assert got["documents"] == got["distinct documents"] == n and got["failed"] == 0
    assert got["facts"] == n * len(one["facts"]) and got["checks"] == n * len(one["checks"])


def test_engine_ray_without_ray_installed_is_a_coded_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)
    src = tmp_path / "in"
    copies(src, 1)
    status = main(["batch", str(src), "-o", str(tmp_path / "out"), "--engine", "ray"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("ray_missing: ")
    assert 'pip install "jxcheck[ray]"' in err and " / " in err and "Traceback" not in err
    assert not (tmp_path / "out" / "jxcheck.duckdb").exists()


def test_ray_options_without_the_ray_engine_are_a_usage_error(tmp_path, capsys):
    src = tmp_path / "in"
    copies(src, 1)
    assert main(["batch", str(src), "-o", str(tmp_path / "out"), "--ship-files"]) == 2
    assert main(["batch", str(src), "-o", str(tmp_path / "out"), "--address", "ray://head:10001"]) == 2
    assert main(["batch", str(src), "-o", str(tmp_path / "out"), "--parts", str(tmp_path / "parts")]) == 2
    err = capsys.readouterr().err
    assert err.count("usage: ") == 3 and "--engine ray" in err
    assert not (tmp_path / "out").exists()


@needs_ray
def test_an_unreachable_ray_address_is_a_coded_error(tmp_path, capsys):
    src = tmp_path / "in"
    copies(src, 1)
    status = main(["batch", str(src), "-o", str(tmp_path / "out"), "--engine", "ray", "--address", "127.0.0.1:1"])
    err = capsys.readouterr().err
    assert status == 2 and "ray_unavailable: " in err and "127.0.0.1:1" in err and "Traceback" not in err


def hold_cpus():
    time.sleep(300)


@needs_ray
def test_tasks_that_no_worker_takes_up_are_reported_lost_with_the_reason(local_ray, monkeypatch):
    from jxcheck import ray_engine
    monkeypatch.setattr(ray_engine, "STARTUP_GRACE", 2.0)
    hold = local_ray.remote(num_cpus=2)(hold_cpus).remote()
    try:
        doc = str(SEEDS / "zj2020_self.txt")
        tasks = [(i, {"path": doc, "display": doc, "doc_id": str(i), "limits": None}) for i in range(3)]
        with ray_engine.RayPool(check_task, 2, 1.0) as pool:
            outcomes = list(pool.run(tasks))
    finally:
        local_ray.cancel(hold, force=True)
    assert sorted(o.key for o in outcomes) == [0, 1, 2]
    assert {o.kind for o in outcomes} == {"lost"} and all("free CPUs" in o.value for o in outcomes)
