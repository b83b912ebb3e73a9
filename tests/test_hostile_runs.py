"""Bad input to whole runs of `jxcheck batch` and `jxcheck check`: odd file names, hostile archives, a full disk,
a damaged store, a dangerous output folder. Each ends in a coded one-line message (code: 中文 / English) and exit
status 2, never a traceback, and never loses another file's results."""
from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from extractor.limits import Limits
from jxcheck import cli
from jxcheck.batch import collect, run_batch
from jxcheck.cli import main
from jxcheck.failures import printable

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SEED_TEXT = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
SLIP = "2020年财政拨款收入100.00万元，其中：基本支出60.00万元，项目支出50.00万元。\n"
POSIX_NAMES = pytest.mark.skipif(os.name == "nt" or sys.platform == "darwin",
                                 reason="needs a file system that keeps any bytes in a name")


def coded(err: str, code: str) -> str:
    """The one line of a coded run error in stderr: code, Chinese, ' / ', English; no traceback."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith(code + ": ")]
    assert len(lines) == 1, err
    line = lines[0]
    assert " / " in line and any("\u4e00" <= ch <= "\u9fff" for ch in line.split(" / ")[0]), line
    return line


def stored(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute("SELECT path, status, doc_id FROM documents").fetchall())
    finally:
        con.close()


# ---------------------------------------------------------------- file names

@POSIX_NAMES
def test_gbk_file_name_is_checked_and_shown_in_batch_and_check(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    gbk = os.path.join(os.fsencode(src), "自评报告.txt".encode("gbk"))
    with open(gbk, "wb") as fh:
        fh.write(SLIP.encode("utf-8"))
    (src / "ok.txt").write_text(SEED_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(src), "-o", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "自评报告.txt" in err
    rows = stored(out / "jxcheck.duckdb")
    assert [(Path(p).name, s) for p, s, _ in rows] == [("ok.txt", "ok"), ("自评报告.txt", "ok")]
    assert main(["batch", str(src), "-o", str(out), "--jobs", "1"]) == 1
    assert "未变化跳过 2" in capsys.readouterr().err
    report = tmp_path / "check.json"
    assert main(["check", os.fsdecode(gbk), "--format", "json", "-o", str(report)]) == 1
    doc = json.loads(report.read_text(encoding="utf-8"))["documents"][0]
    assert doc["path"].endswith("自评报告.txt") and doc["findings"][0]["rule"] == "sum.breakdown"


def test_control_characters_in_a_name_are_printed_escaped(tmp_path, capsys):
    name = "a\rb\x1b[31m.txt"
    path = tmp_path / name
    path.write_text(SLIP, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out and "a\\rb\\x1b[31m.txt" in out
    assert main(["batch", str(path), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "a\\rb\\x1b[31m.txt" in err
    assert printable("x\u202etxt.exe") == "x\\u202etxt.exe"


# ---------------------------------------------------------------- archives

def test_zip_members_with_the_same_name_are_all_kept(tmp_path):
    archive = tmp_path / "dup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/报告.txt", SEED_TEXT)
        with pytest.warns(UserWarning):
            zf.writestr("a/报告.txt", SLIP)
    result = run_batch([str(archive)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    rows = stored(tmp_path / "out" / "jxcheck.duckdb")
    assert len(rows) == 2 and len({doc_id for _, _, doc_id in rows}) == 2
    assert {p for p, _, _ in rows} == {f"{archive}!/a/报告.txt", f"{archive}!/a/报告（同名第2个）.txt"}
    assert result.checked == 2 and all(d["status"] == "ok" for d in result.documents)


def test_zip_bomb_of_many_one_megabyte_members_is_capped_and_never_extracted(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("0000_report.txt", SEED_TEXT)
        for i in range(1, 40):
            zf.writestr(f"{i:04d}.txt", b"0" * (1024 * 1024 - 1))
    assert archive.stat().st_size < 200_000
    got = collect([str(archive)])
    ok = [i for i in got.items if not i.error]
    refused = [i for i in got.items if i.error]
    assert [Path(i.display).name for i in ok][:1] == ["0000_report.txt"]
    assert len(ok) <= 2 and len(refused) >= 37 and {i.error[0] for i in refused} == {"too_large"}
    assert all(i.path is None and i.archive == str(archive) for i in ok)
    capped = collect([str(archive)], Limits(max_archive_bytes=3 * 1024 * 1024, max_compression_ratio=10 ** 6))
    assert sum(1 for i in capped.items if not i.error) == 3
    assert "总量" in next(i for i in capped.items if i.error).error[1]
    out = tmp_path / "out"
    result = run_batch([str(archive)], str(out), jobs=1, stream=io.StringIO())
    assert result.status == 2
    report = next(d for d in result.documents if d["path"].endswith("0000_report.txt"))
    assert report["status"] == "ok" and report["unit"]
    assert sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) < 20 * 1024 * 1024
    assert not [p for p in out.iterdir() if p.name.startswith(".jxcheck-tmp-")]


# ---------------------------------------------------------------- a full disk

class FullDisk:
    """A DuckDB connection whose COMMIT number fail_at fails like a full disk (DuckDB rolls back itself)."""

    def __init__(self, con, fail_at: int):
        self.con, self.fail_at, self.commits = con, fail_at, 0

    def execute(self, sql, *args):
        if sql == "COMMIT":
            self.commits += 1
            if self.commits == self.fail_at:
                self.con.execute("ROLLBACK")
                raise duckdb.IOException("IO Error: Could not write file \"x.wal\": No space left on device")
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_disk_full_while_writing_the_store_says_so_and_the_store_resumes(tmp_path, monkeypatch, capsys):
    import jxcheck.store as store_module
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"r{i}.txt").write_text(SEED_TEXT + "\n" * i, encoding="utf-8")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    real_connect = duckdb.connect
    monkeypatch.setattr(store_module.duckdb, "connect", lambda path, read_only=False: FullDisk(
        real_connect(path, read_only=read_only), 2) if not read_only else real_connect(path, read_only=True))
    out = tmp_path / "out"
    assert main(["batch", str(src), "-o", str(out), "--jobs", "1"]) == 2
    line = coded(capsys.readouterr().err, "disk_full")
    assert "磁盘空间不足" in line and "no space left" in line
    before = stored(out / "jxcheck.duckdb")
    assert [Path(p).name for p, _, _ in before] == ["broken.pdf"]
    monkeypatch.setattr(store_module.duckdb, "connect", real_connect)
    assert main(["batch", str(src), "-o", str(out), "--jobs", "1"]) == 2
    after = stored(out / "jxcheck.duckdb")
    assert sorted(Path(p).name for p, _, _ in after) == ["broken.pdf", "r0.txt", "r1.txt", "r2.txt"]
    assert len({doc_id for _, _, doc_id in after}) == 4


def test_disk_full_while_writing_the_outputs(tmp_path, monkeypatch, capsys):
    from jxcheck.outputs import flat

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "findings.csv")

    monkeypatch.setattr(flat, "write_csv", full)
    out = tmp_path / "out"
    assert main(["batch", str(SEEDS / "zj2020_self.txt"), "-o", str(out), "--jobs", "1"]) == 2
    assert "输出文件" in coded(capsys.readouterr().err, "disk_full")
    assert len(stored(out / "jxcheck.duckdb")) == 1


# ---------------------------------------------------------------- the store

@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("store") / "out"
    run_batch([str(SEEDS / "zj2020_self.txt"), str(SEEDS / "zj2018_review.pdf")], str(out), jobs=1,
              stream=io.StringIO())
    return out / "jxcheck.duckdb"


@pytest.mark.parametrize("damage", ["half", "tenth", "garbage", "empty"])
def test_damaged_store_is_named_and_never_overwritten(tmp_path, good_store, capsys, damage):
    data = good_store.read_bytes()
    bad = {"half": data[:len(data) // 2], "tenth": data[:len(data) // 10], "garbage": os.urandom(50_000),
           "empty": b""}[damage]
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(bad)
    assert main(["batch", str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "out"), "--db", str(db),
                 "--jobs", "1"]) == 2
    line = coded(capsys.readouterr().err, "store_damaged")
    assert "损坏" in line and "--db" in line and "另一进程" not in line
    assert main(["report", "--db", str(db)]) == 2
    coded(capsys.readouterr().err, "store_damaged")
    assert db.read_bytes() == bad
    assert not (tmp_path / "damaged.duckdb.wal").exists() or damage != "garbage"


def test_a_store_without_permission_is_not_said_to_be_in_use(tmp_path, monkeypatch, capsys):
    import jxcheck.store as store_module

    def denied(path, read_only=False):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    monkeypatch.setattr(store_module.duckdb, "connect", denied)
    assert main(["batch", str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 2
    line = coded(capsys.readouterr().err, "unwritable")
    assert "权限" in line and "另一进程" not in line and "another process" not in line


# ---------------------------------------------------------------- where outputs go

@pytest.mark.skipif(os.name == "nt", reason="POSIX folders")
@pytest.mark.parametrize("target", ["/", "/etc", "/usr"])
def test_output_folder_resolving_to_a_root_or_system_folder_is_refused(tmp_path, monkeypatch, capsys, target):
    import jxcheck.store as store_module

    def never(*_args, **_kwargs):
        raise AssertionError("the store was opened in a system folder")

    monkeypatch.setattr(store_module.Store, "__init__", never)
    link = tmp_path / "out"
    link.symlink_to(target)
    assert main(["batch", str(SEEDS / "zj2020_self.txt"), "-o", str(link), "--jobs", "1"]) == 2
    line = coded(capsys.readouterr().err, "bad_outdir")
    assert target in line
    with pytest.raises(Exception, match="bad_outdir"):
        run_batch([str(SEEDS / "zj2020_self.txt")], target, jobs=1, stream=io.StringIO())


def test_check_output_to_an_unwritable_place(tmp_path, capsys):
    assert main(["check", str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "no" / "such" / "f.txt")]) == 2
    coded(capsys.readouterr().err, "io_error")
    assert main(["check", str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path)]) == 2
    coded(capsys.readouterr().err, "unwritable")


# ---------------------------------------------------------------- usage and start-up

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0"])
def test_timeout_must_be_finite_and_positive(tmp_path, capsys, value):
    assert main(["batch", str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "o"), "--timeout", value]) == 2
    assert "--timeout" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_interrupt_during_start_up_gives_one_line(monkeypatch, capsys):
    def interrupted(_args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "check", interrupted)
    assert cli.run(["check", "x.txt"]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and "已中断" in err and "interrupted" in err


def test_empty_folder_or_only_unsupported_files_warn_and_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["batch", str(empty), "-o", str(tmp_path / "o1")]) == 2
    coded(capsys.readouterr().err, "no_input")
    only = tmp_path / "only"
    only.mkdir()
    (only / "notes.md").write_text("x", encoding="utf-8")
    (only / "data.yaml").write_text("x: 1", encoding="utf-8")
    assert main(["batch", str(only), "-o", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert "跳过 2 个文件" in coded(err, "no_input")
    assert str(only / "notes.md") in err and str(only / "data.yaml") in err
    assert not (tmp_path / "o2").exists()


def test_batch_of_a_missing_path_gives_the_reason(tmp_path, capsys):
    missing = tmp_path / "nonexistent"
    assert main(["batch", str(missing), str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "o"),
                 "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if str(missing) in line)
    assert "unreadable" in line and "不存在" in line and "no such file" in line


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server is POSIX only")
def test_no_empty_multiprocessing_folders_are_left(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", "from jxcheck.cli import entry; entry()", "batch",
                           str(SEEDS / "zj2020_self.txt"), "-o", str(tmp_path / "out"), "--jobs", "2"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert sorted(p.name for p in tmp.iterdir() if p.name.startswith("pymp-")) == []
