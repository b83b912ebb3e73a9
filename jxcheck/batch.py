"""Batch mode: check a whole archive in worker processes, keep the results in the store, write the outputs.

`run_batch` walks files, folders and .zip archives, skips documents already in the store (by sha256), checks
the others in a pool of worker processes with a per-document time limit (a worker that overruns is killed and
replaced; one that crashes is replaced), stores finished documents as they come in — whole documents per
transaction, at most FLUSH_SECONDS apart, so the parent keeps up with the workers — runs the cross-document
checks for the units touched, and writes discrepancies.xlsx, findings.csv, findings.jsonl and the HTML pages
(with two or more jobs, processes forked from this one share the cross-checks and the outputs).
`report` reads the store only.
"""
from __future__ import annotations

import hashlib
import math
import os
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, TextIO

from extractor.limits import DEFAULT, Limits
from extractor.model import Document, Paragraph
from jxcheck.failures import RunError, describe, printable
from jxcheck.pool import ForkedTasks, Outcome, WorkerPool, start_worker_server
from jxcheck.units import UNKNOWN, UnitNames

if TYPE_CHECKING:
    from jxcheck.config import Config
    from jxcheck.store import Store
    from scoring import crossdoc

SUPPORTED = (".pdf", ".docx", ".txt", ".doc", ".wps", ".rtf", ".xls", ".xlsx", ".xlsm", ".et", ".ods", ".html", ".htm",
             ".mht", ".mhtml")
UNSUPPORTED_SHOWN = 20
ZIP_FLAG_UTF8 = 0x800
ZIP_FLAG_ENCRYPTED = 0x1
CHUNK = 1024 * 1024
TMP_PREFIX = ".jxcheck-tmp-"
FLUSH_DOCUMENTS = 256
FLUSH_SECONDS = 1.0
CROSS_CHUNK = 500
HTML_PART = 250
WORKBOOK = "discrepancies.xlsx"


# ---------------------------------------------------------------- the worker side

def document_blocks(doc: Document) -> list[dict]:
    """A document's paragraphs and tables as plain records for the store (text kept for HTML and crossdoc), as
    printed (traditional script, pinyin) as the quotes of its findings are."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append({"kind": "p", "paragraph": block.index, "page": block.page, "table_no": None,
                        "text": block.printed or block.text, "cells": None})
        else:
            out.append({"kind": "t", "paragraph": None, "page": block.page, "table_no": block.index,
                        "text": block.caption, "cells": [[c.printed or c.text for c in row] for row in block.rows]})
    return out


def extract_member(archive: str, index: int, target: str, limits: Limits) -> None:
    """Write member number index of a zip archive to target, refusing more than limits.max_member_bytes."""
    from extractor.model import ReadError
    size = 0
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(zf.infolist()[index]) as src, open(target, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                size += len(chunk)
                if size > limits.max_member_bytes:
                    raise ReadError("too_large", "解压后超过大小上限 / member exceeds the size limit")
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, IndexError) as exc:
        raise ReadError("corrupt", f"压缩包成员损坏 / corrupt zip member: {exc}") from None
    except OSError as exc:
        raise ReadError("unreadable", f"无法解压到临时文件（{exc.strerror or exc}），请检查磁盘空间 / cannot extract the "
                                      f"member to a temporary file: {exc.strerror or exc}") from None


def check_task(task: dict) -> dict:
    """What a worker does for one file: read it once, check it with its facts, keep its blocks; given the
    doc_id, it also turns them into store rows, so the parent only inserts them. A zip member is extracted
    here, just before it is read, and removed after, so an archive never lies extracted on disk."""
    from jxcheck.api import check_document, read_and_check
    from extractor.model import ReadError
    limits = task.get("limits") or DEFAULT
    path, extracted = task["path"], None
    if task.get("archive") is not None:
        fd, extracted = tempfile.mkstemp(suffix=task["ext"], dir=task["tmpdir"])
        os.close(fd)
        path = extracted
    try:
        if extracted is not None:
            extract_member(task["archive"], task["member"], extracted, limits)
        doc, result = read_and_check(path, with_facts=True, limits=limits)
    except ReadError as exc:
        doc = Document(path=path, format=os.path.splitext(path)[1].lstrip(".") or "txt", sha256=task.get("doc_id", ""),
                       blocks=[], error=exc)
        result = check_document(doc)
    finally:
        if extracted is not None and os.path.exists(extracted):
            os.remove(extracted)
    result["path"] = task["display"]
    blocks = document_blocks(doc) if doc.error is None else []
    if "doc_id" not in task:
        return {"result": result, "blocks": blocks}
    from jxcheck.rows import document_rows
    rows = document_rows(task["doc_id"], result, blocks)
    result["facts"], result["checks"] = [], []
    return {"result": result, "blocks": rows}


def warm_up() -> None:
    """Load the readers, patterns and compiled expressions once per worker, before its clock starts."""
    from jxcheck.api import check_document
    import extractor.readers.docx  # noqa: F401
    import extractor.readers.pdf  # noqa: F401
    import extractor.readers.txt  # noqa: F401
    sample = Paragraph(index=1, text="2020年度财政拨款收入 100.00 万元，其中：基本支出 60.00 万元，项目支出 40.00 万元，"
                                     "整体支出完成率为97%，自评得分为95分。")
    check_document(Document(path="warm-up.txt", format="txt", sha256="", blocks=[sample]), with_facts=True)


# ---------------------------------------------------------------- collecting the inputs

@dataclass
class Item:
    """One document to check: shown as display, read from path; error when refused before reading."""

    display: str
    path: Optional[str]
    doc_id: str
    sha256: str = ""
    error: Optional[tuple[str, str]] = None
    archive: Optional[str] = None
    member: Optional[int] = None

    def task(self, tmpdir: str, limits: Limits) -> dict:
        """The worker's task: a file's path, or a zip member to extract into tmpdir."""
        out = {"path": self.path, "display": self.display, "limits": limits, "doc_id": self.doc_id}
        if self.archive is not None:
            out.update(archive=self.archive, member=self.member, tmpdir=tmpdir,
                       ext=os.path.splitext(self.display)[1].lower())
        return out


@dataclass
class Collected:
    """The inputs: documents to check or refuse, counts of what was left aside, and the names of the files
    skipped as unsupported (shown when nothing could be checked)."""

    items: list[Item] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    unsupported: list[str] = field(default_factory=list)

    def skip(self, display: str) -> None:
        self.notes["unsupported"] += 1
        if len(self.unsupported) < UNSUPPORTED_SHOWN:
            self.unsupported.append(display)


def _nohash_id(display: str) -> str:
    return "nohash:" + hashlib.sha256(display.encode("utf-8")).hexdigest()


def _error_item(display: str, code: str, message: str) -> Item:
    return Item(display, None, _nohash_id(display), "", (code, message))


def _hash_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name: UTF-8 when flagged; else the raw bytes read as UTF-8, then GBK (GB18030)."""
    if info.flag_bits & ZIP_FLAG_UTF8:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


class Collector:
    """Walks the inputs into Items. Zip members are hashed as they are read from the archive (capped per member
    and per archive), never extracted here: a worker extracts each one just before checking it."""

    def __init__(self, limits: Limits, exclude: Optional[str] = None):
        self.limits = limits
        self.exclude = os.path.realpath(exclude) if exclude else None
        self.out = Collected()

    def add(self, path: str) -> None:
        shown = printable(path)
        if os.path.isdir(path):
            self._walk(path)
        elif path.lower().endswith(".zip") and os.path.isfile(path):
            self._zip(path, shown)
        elif not os.path.lexists(path):
            self.out.items.append(_error_item(shown, "unreadable", "文件或文件夹不存在，请检查路径 / no such file or folder: "
                                                                   "check the path"))
        elif not os.path.exists(path):
            self.out.items.append(_error_item(shown, "unreadable", "链接指向的文件不存在 / broken symbolic link"))
        elif not os.path.isfile(path):
            self.out.items.append(_error_item(shown, "unreadable", "不是普通文件 / not a regular file"))
        else:
            self._file(path, shown)

    def _file(self, path: str, display: str) -> None:
        try:
            sha = _hash_file(path)
        except OSError as exc:
            self.out.items.append(_error_item(display, "unreadable",
                                              f"无法读取文件 / cannot read file: {exc.strerror or exc}"))
            return
        self.out.items.append(Item(display, path, sha, sha))

    def _walk(self, root: str) -> None:
        real_root = os.path.realpath(root)
        for current, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(current, d)) != self.exclude)
            for name in sorted(files):
                full = os.path.join(current, name)
                if os.path.islink(full):
                    target = os.path.realpath(full)
                    if not target.startswith(real_root + os.sep):
                        self.out.notes["outside"] += 1
                        continue
                shown = printable(full)
                if not os.path.isfile(full):
                    self.out.skip(shown)
                    continue
                ext = os.path.splitext(name)[1].lower()
                if ext == ".zip":
                    self._zip(full, shown)
                elif ext in SUPPORTED:
                    self._file(full, shown)
                else:
                    self.out.skip(shown)

    def _zip(self, path: str, display: str) -> None:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            self.out.items.append(_error_item(display, "corrupt", f"压缩包无法打开 / cannot open zip archive: {exc}"))
            return
        with archive:
            members = archive.infolist()
            if len(members) > self.limits.max_zip_members:
                self.out.items.append(_error_item(display, "too_large", f"压缩包成员过多（{len(members)} 个） / "
                                                  f"too many zip members ({len(members)})"))
                return
            used: set[str] = set()
            totals = ZipTotals()
            for index, info in enumerate(members):
                if info.is_dir():
                    continue
                name = member_name(info)
                shown = printable(_unique(f"{display}!/{name}", used))
                ext = os.path.splitext(name)[1].lower()
                if ext not in SUPPORTED:
                    self.out.skip(shown)
                    continue
                refusal = self._refusal(info) or totals.refusal(info, self.limits)
                if refusal:
                    self.out.items.append(_error_item(shown, *refusal))
                    continue
                self._member(path, archive, index, info, shown, totals)

    def _refusal(self, info: zipfile.ZipInfo) -> Optional[tuple[str, str]]:
        cap = self.limits.max_member_bytes
        if info.flag_bits & ZIP_FLAG_ENCRYPTED:
            return "encrypted", "压缩包成员已加密 / encrypted zip member"
        if info.file_size > cap:
            return "too_large", f"解压后过大（{info.file_size} 字节） / member too large when decompressed ({info.file_size} bytes)"
        floor = self.limits.ratio_floor_bytes
        if info.file_size > floor and info.file_size > self.limits.max_compression_ratio * max(info.compress_size, 1):
            return "too_large", (f"压缩比异常（{info.file_size}/{info.compress_size}），疑似压缩炸弹 / "
                                 f"suspicious compression ratio ({info.file_size}/{info.compress_size})")
        return None

    def _member(self, path: str, archive: zipfile.ZipFile, index: int, info: zipfile.ZipInfo, shown: str,
                totals: "ZipTotals") -> None:
        h = hashlib.sha256()
        size = 0
        try:
            with archive.open(info) as src:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    size += len(chunk)
                    totals.extracted += len(chunk)
                    if size > self.limits.max_member_bytes:
                        raise OverflowError("解压后超过大小上限 / member exceeds the size limit")
                    if totals.extracted > self.limits.max_archive_bytes:
                        raise OverflowError(totals.over(self.limits))
                    h.update(chunk)
        except OverflowError as exc:
            self.out.items.append(_error_item(shown, "too_large", str(exc)))
            return
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            self.out.items.append(_error_item(shown, "corrupt", f"压缩包成员损坏 / corrupt zip member: {exc}"))
            return
        sha = h.hexdigest()
        self.out.items.append(Item(shown, None, sha, sha, archive=path, member=index))


@dataclass
class ZipTotals:
    """What one archive's members have cost so far: declared sizes (uncompressed and compressed) of the members
    taken, and bytes actually decompressed."""

    declared: int = 0
    compressed: int = 0
    extracted: int = 0

    def over(self, limits: Limits) -> str:
        return (f"压缩包解压总量超过上限（{limits.max_archive_bytes} 字节），其余成员未解压，疑似压缩炸弹 / the archive "
                f"decompresses to more than {limits.max_archive_bytes} bytes in all: the rest is not extracted")

    def refusal(self, info: zipfile.ZipInfo, limits: Limits) -> Optional[tuple[str, str]]:
        """A member refused for the archive as a whole: the total would pass max_archive_bytes, or the members
        taken so far, past ratio_floor_bytes in all, compress beyond max_compression_ratio (many small members
        of the same bomb)."""
        declared, compressed = self.declared + info.file_size, self.compressed + info.compress_size
        if max(declared, self.extracted + info.file_size) > limits.max_archive_bytes:
            return "too_large", self.over(limits)
        if declared > limits.ratio_floor_bytes and declared > limits.max_compression_ratio * max(compressed, 1):
            return "too_large", (f"压缩包整体压缩比异常（{declared}/{compressed}），疑似压缩炸弹，其余成员未解压 / suspicious "
                                 f"compression ratio of the archive as a whole ({declared}/{compressed}): the rest "
                                 "is not extracted")
        self.declared, self.compressed = declared, compressed
        return None


def _unique(name: str, used: set[str]) -> str:
    """A zip member's shown name, told apart from an earlier member of the same name by its place (第2个同名成员),
    so the store keeps both."""
    shown, n = name, 1
    while shown in used:
        n += 1
        stem, ext = os.path.splitext(name)
        shown = f"{stem}（同名第{n}个）{ext}"
    used.add(shown)
    return shown


def collect(paths: Iterable[str], limits: Limits = DEFAULT, exclude: Optional[str] = None) -> Collected:
    """Every input document as an Item, in input order; notes count unsupported and out-of-tree files.

    The folder exclude (the output folder) is never walked."""
    collector = Collector(limits, exclude)
    for path in paths:
        collector.add(path)
    return collector.out


# ---------------------------------------------------------------- progress

class Progress:
    """A progress bar on a terminal (\\r on stderr, redrawn at most every REDRAW seconds), one plain line per
    file otherwise (written in bunches at most FLUSH seconds apart, and at the end)."""

    REDRAW = 0.1
    FLUSH = 0.5

    def __init__(self, total: int, stream: TextIO):
        self.total = total
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.done = 0
        self.findings = 0
        self.width = 0
        self.start = time.monotonic()
        self.shown = float("-inf")
        self.lines: list[str] = []

    def update(self, display: str, status: str, findings: int, reason: Optional[str] = None) -> None:
        """One document done; reason says why it could not be checked."""
        self.done += 1
        self.findings += findings
        now = time.monotonic()
        line = f"[{self.done}/{self.total}] {status} {display}" + (f"：{reason}\n" if reason else f"（问题 {findings}）\n")
        if not self.tty:
            self.lines.append(line)
            if now - self.shown >= self.FLUSH or self.done >= self.total:
                self.flush(now)
            return
        if reason:
            self.lines.append("\r" + line.rstrip("\n").ljust(self.width) + "\n")
            self.width = 0
        elif now - self.shown < self.REDRAW and self.done < self.total:
            return
        rate = self.done / max(now - self.start, 1e-6)
        eta = (self.total - self.done) / rate if rate else 0
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        line = (f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} 文件  {rate:.1f} 个/秒  "
                f"剩余 {int(eta) // 60}:{int(eta) % 60:02d}  发现问题 {self.findings}")
        self.lines.append(line.ljust(self.width) + ("\n" if self.done >= self.total else ""))
        self.width = len(line)
        self.flush(now)

    def flush(self, now: Optional[float] = None) -> None:
        """Write what is pending."""
        if self.lines:
            self.stream.write("".join(self.lines))
            self.stream.flush()
            self.lines = []
        self.shown = time.monotonic() if now is None else now


class Phase:
    """Progress of a step after the checking (cross-checks, outputs): a line when it starts, then at most one
    every FLUSH seconds while it goes on, and one when it ends, each in Chinese and English. No stream, no
    lines."""

    FLUSH = 0.5

    def __init__(self, stream: Optional[TextIO], zh: str, en: str, what_zh: str, what_en: str, total: int):
        self.stream, self.zh, self.en, self.what_zh, self.what_en = stream, zh, en, what_zh, what_en
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.shown = self.start
        self._write(f"{zh}：共 {total} {what_zh}… / {en}: {total} {what_en}…")

    def _write(self, line: str) -> None:
        if self.stream is not None:
            self.stream.write(line + "\n")
            self.stream.flush()

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown >= self.FLUSH and self.done < self.total:
            self.shown = now
            self._write(f"{self.zh}：{self.done}/{self.total} {self.what_zh}（{now - self.start:.1f} 秒） / "
                        f"{self.en}: {self.done}/{self.total} {self.what_en} ({now - self.start:.1f} s)")

    def finish(self, count: int, extra_zh: str = "", extra_en: str = "") -> None:
        seconds = time.monotonic() - self.start
        self._write(f"{self.zh}完成：{count} {self.what_zh}{extra_zh}，{seconds:.1f} 秒 / {self.en} done: {count} "
                    f"{self.what_en}{extra_en}, {seconds:.1f} s")


# ---------------------------------------------------------------- the run

def _failed_result(item: Item, code: str, message: str) -> dict:
    ext = os.path.splitext(item.display)[1].lower().lstrip(".")
    return {"path": item.display, "sha256": item.sha256, "format": ext if ext in ("pdf", "docx", "doc", "txt") else "txt",
            "pages": None, "unit": None, "year": None, "report_type": "unknown", "status": "error",
            "error": {"code": code, "message": message}, "findings": [], "checks": []}


def _outcome_result(item: Item, outcome: Outcome, timeout: float) -> tuple[dict, list[dict]]:
    if outcome.kind == "ok":
        result = outcome.value["result"]
        result["path"] = item.display
        return result, outcome.value["blocks"]
    if outcome.kind == "timeout":
        return _failed_result(item, "timeout", f"检查超时（超过 {timeout:g} 秒），已终止 / "
                                               f"stopped after the {timeout:g} s time limit"), []
    if outcome.kind == "nostart":
        return _failed_result(item, "internal", f"检查进程无法启动（退出码 {outcome.value}），未检查 / "
                                                f"not checked: worker processes could not start (exit code {outcome.value})"), []
    if outcome.kind == "lost":
        return _failed_result(item, "internal", outcome.value), []
    if outcome.kind == "crash":
        return _failed_result(item, "internal", f"检查进程异常退出（退出码 {outcome.value}） / "
                                                f"worker process died (exit code {outcome.value})"), []
    return _failed_result(item, "internal", f"检查时内部错误 / internal error while checking: {outcome.value}"), []


def cross_units(store: Store, unit_keys: Iterable[str], chunk: int = CROSS_CHUNK) -> Iterator[dict[str, list]]:
    """The readable documents of each unit that has two or more, with their compared facts and paragraph texts,
    for the cross-document checks, a few units at a time (about chunk documents, a unit never split), so memory
    does not grow with the archive; a unit with one document has nothing to compare and is not loaded."""
    rows = [r for r in store.documents(unit_keys=unit_keys) if r["status"] == "ok"]
    by_unit: dict[str, list[dict]] = {}
    for r in rows:
        by_unit.setdefault(r["unit_key"], []).append(r)
    batch: list[dict] = []
    for group in (g for g in by_unit.values() if len(g) > 1):
        batch += group
        if len(batch) >= chunk:
            yield _cross_documents(store, batch)
            batch = []
    if batch:
        yield _cross_documents(store, batch)


def _cross_documents(store: Store, rows: list[dict]) -> dict[str, list[crossdoc.CrossDocument]]:
    from scoring import crossdoc
    ids = [r["doc_id"] for r in rows]
    facts = store.facts(ids, crossdoc.compared_concepts())
    blocks = store.blocks(ids, cells=False)
    out: dict[str, list[crossdoc.CrossDocument]] = {}
    for r in rows:
        paragraphs, before = {}, {}
        previous = ""
        for b in blocks[r["doc_id"]]:
            if b["kind"] == "p":
                paragraphs[b["paragraph"]] = b["text"]
                previous = b["text"]
            else:
                before[b["table_no"]] = previous
                previous = ""
        out.setdefault(r["unit_key"], []).append(crossdoc.CrossDocument(
            r["doc_id"], r["path"], r["year"], r["report_type"], r["format"], facts[r["doc_id"]], paragraphs, before))
    return out


def _check_units(units: dict[str, list[crossdoc.CrossDocument]]) -> list[tuple]:
    """The cross-document checks of some units, by unit key: (attached doc_id, related doc_id, unit_key, check)."""
    from scoring import crossdoc
    return [(attach, related, key, check.as_dict())
            for key in sorted(units) for attach, related, check in crossdoc.check_unit(units[key])]


def run_crossdoc(store: Store, unit_keys: Iterable[str], jobs: int = 1, stream: Optional[TextIO] = None) -> int:
    """Recompute the cross-document checks of these units over the whole store; the number of checks.

    The units are loaded a few at a time (cross_units). With two or more jobs (where processes can be forked),
    forked processes check the loaded units, up to jobs at a time, while this process loads the next ones; with
    one, this process checks them (see ForkedTasks). The checks are stored in the same order either way."""
    keys = sorted(set(unit_keys) - {UNKNOWN, None})
    phase = Phase(stream, "交叉核对", "cross-checks", "个单位", "units", len(keys))
    tasks = ForkedTasks(jobs)
    for units in cross_units(store, keys, CROSS_CHUNK) if keys else ():
        tasks.submit(_check_units, units)
        phase.step(len(units))
    rows = [row for part in tasks.results() for row in part]
    store.replace_crossdoc(keys, rows)
    phase.finish(len(keys), f"，{len(rows)} 项检查", f", {len(rows)} checks")
    return len(rows)


def exit_status(docs: list[dict]) -> int:
    if any(d["status"] == "error" for d in docs):
        return 2
    return 1 if any(f["severity"] == "error" for d in docs for f in d["findings"]) else 0


@dataclass
class BatchResult:
    """A batch run's exit status, counts and output documents (as written: checks without the passed ones)."""

    status: int
    checked: int = 0
    skipped: int = 0
    documents: list[dict] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    check_seconds: float = 0.0
    output_seconds: float = 0.0
    reviews_taken: int = 0
    reviews_kept: int = 0
    reviews_gone: list = field(default_factory=list)


def _write_sheets(outdir: str, docs: list[dict], review: Optional[dict] = None,
                  all_checks: Optional[dict[str, list[dict]]] = None) -> None:
    """The workbook (with the review decisions and sign-offs, write_xlsx's keywords, and every check for its tick
    marks) and findings.csv."""
    from jxcheck.outputs import flat, xlsx
    xlsx.write_xlsx(os.path.join(outdir, WORKBOOK), docs, all_checks=all_checks, **(review or {}))
    flat.write_csv(os.path.join(outdir, "findings.csv"), docs)


def shown_checks(store: Store, docs: list[dict], config: Optional[Config] = None) -> dict[str, list[dict]]:
    """Every check of these documents, passed ones included, as the configuration shows them, by doc id (for the
    tick marks)."""
    from jxcheck.config import apply
    stored = store.checks([d["doc_id"] for d in docs], passing=True)
    out = {}
    for d in docs:
        checks = [{k: v for k, v in c.items() if not k.startswith("_")} for c in stored.get(d["doc_id"], [])]
        out[d["doc_id"]] = apply(dict(d, checks=checks), config)["checks"] if config is not None else checks
    return out


def _write_units(outdir: str, part: list[tuple[str, list[dict]]], blocks: dict[str, list[dict]],
                 checks: Optional[dict[str, list[dict]]] = None) -> None:
    """The HTML pages of some units, given their documents' blocks and every check of each (tick marks)."""
    from jxcheck.outputs import html
    checks = checks or {}
    for unit, unit_docs in part:
        html.write_unit(outdir, unit, unit_docs, lambda i: blocks.get(i, []), lambda i: checks.get(i))


def _write_units_from(outdir: str, part: list[tuple[str, list[dict]]], db: str,
                      config: Optional[Config] = None) -> None:
    """The HTML pages of some units, their blocks and checks read from the store opened read-only."""
    from jxcheck.store import Store
    with Store(db, read_only=True) as store:
        blocks = store.blocks(_part_ids(part))
        checks = shown_checks(store, [d for _, unit_docs in part for d in unit_docs], config)
    _write_units(outdir, part, blocks, checks)


def _write_jsonl(outdir: str, doc_ids: list[str], db: str, copies: Optional[dict[str, list[str]]] = None,
                 config: Optional[Config] = None) -> None:
    """findings.jsonl, built from the store opened read-only, a group of copies on one line, each line as the
    configuration shows it."""
    from jxcheck.outputs import flat
    from jxcheck.store import Store
    with Store(db, read_only=True) as store:
        lines = store.document_lines(doc_ids, copies=copies)
        if config is not None and config.active:
            import json
            from jxcheck.config import apply
            lines = (json.dumps(apply(json.loads(line), config), ensure_ascii=False, separators=(",", ":"))
                     for line in lines)
        flat.write_jsonl(os.path.join(outdir, "findings.jsonl"), lines)


def _unit_parts(groups: dict[str, list[dict]], size: int) -> list[list[tuple[str, list[dict]]]]:
    """The units in order, cut into parts of about size documents (a unit never split)."""
    parts: list[list[tuple[str, list[dict]]]] = [[]]
    count = 0
    for unit, unit_docs in groups.items():
        if count >= size:
            parts.append([])
            count = 0
        parts[-1].append((unit, unit_docs))
        count += len(unit_docs)
    return [p for p in parts if p]


def _part_ids(part: list[tuple[str, list[dict]]]) -> list[str]:
    return [d["doc_id"] for _, unit_docs in part for d in unit_docs]


def write_outputs(outdir: str, docs: list[dict], store: Store, jobs: int = 1, stream: Optional[TextIO] = None,
                  copies: Optional[dict[str, list[str]]] = None, review: Optional[dict] = None,
                  config: Optional[Config] = None) -> None:
    """The workbook, csv, jsonl and HTML pages of these documents (objects without their passed checks, see
    Store.document_objects), as tasks: the workbook and csv, the first part of the HTML pages (HTML_PART
    documents, a unit never split) from blocks read now, then, once this process has closed the store (its
    checkpoint), the jsonl and the other parts, each reading the store read-only. With two or more jobs (where
    processes can be forked), forked processes do them, up to jobs at a time, the workbook and the first part
    beside the checkpoint; with one, this process does them in turn (see ForkedTasks). The store is closed on
    return."""
    from jxcheck.outputs import by_unit, html
    ids = [d["doc_id"] for d in docs] + [o for others in (copies or {}).values() for o in others]
    groups = by_unit(docs)
    parts = _unit_parts(groups, HTML_PART)
    phase = Phase(stream, "写出结果", "outputs", "个文件组（工作簿与 CSV、JSONL、HTML 各部分）",
                  "parts (workbook and csv, jsonl, HTML parts)", 2 + len(parts))
    tasks = ForkedTasks(jobs)
    tasks.submit(_write_sheets, outdir, docs, review, shown_checks(store, docs, config))
    phase.step()
    if parts:
        first = [d for _, unit_docs in parts[0] for d in unit_docs]
        tasks.submit(_write_units, outdir, parts[0], store.blocks(_part_ids(parts[0])),
                     shown_checks(store, first, config))
        phase.step()
    store.close()
    tasks.submit(_write_jsonl, outdir, ids, store.path, copies, config)
    phase.step()
    for part in parts[1:]:
        tasks.submit(_write_units_from, outdir, part, store.path, config)
        phase.step()
    html.write_index(outdir, groups)
    tasks.results()
    phase.finish(2 + len(parts))


def _read_back_reviews(store: Store, workbook: str) -> tuple[int, dict]:
    """Take what reviewers typed into the workbook about to be rewritten into the store; the number of decisions
    taken and what the new workbook shows (write_xlsx's decisions, signoffs and gone)."""
    import duckdb
    from jxcheck import reviews
    from jxcheck.store import store_error
    try:
        taken = reviews.absorb_workbook(store, workbook) if os.path.exists(workbook) else 0
        standing = reviews.standing(store)
        return taken, {"decisions": {fid: (r.decision, r.reason) for fid, r in standing.kept.items()},
                       "signoffs": reviews.signoffs(store), "gone": standing.gone}
    except duckdb.Error as exc:
        raise store_error(exc, store.path, writing=True) from exc


def _remember_workbook(db: str, workbook: str, docs: list[dict], review: dict) -> None:
    """Keep in the store what the workbook now shows in the cells reviewers fill, and its sha256 (see
    reviews.absorb_workbook)."""
    from jxcheck import reviews
    from jxcheck.outputs.xlsx import written_cells
    from jxcheck.store import Store
    with Store(db) as store:
        reviews.mark_written(store, *written_cells(docs, review["decisions"], review["signoffs"]), path=workbook)


def _checked_timeout(timeout: Optional[float], limits: Limits) -> float:
    value = float(timeout if timeout is not None else limits.timeout_seconds)
    if not (math.isfinite(value) and value > 0):
        raise RunError("usage", f"--timeout 须为大于 0 的有限秒数（收到 {value}） / --timeout must be a finite number of "
                                f"seconds > 0 (got {value})")
    return value


def _no_input(collected: Collected, stream: TextIO) -> RunError:
    """The error for inputs that hold no document at all, after listing what was skipped."""
    if collected.unsupported:
        more = collected.notes["unsupported"] - len(collected.unsupported)
        stream.write("跳过的文件（格式不支持） / skipped, unsupported format:\n"
                     + "".join(f"  {name}\n" for name in collected.unsupported)
                     + (f"  ……另有 {more} 个 / and {more} more\n" if more > 0 else ""))
    skipped = collected.notes["unsupported"] + collected.notes["outside"]
    return RunError("no_input", f"没有可检查的文档（跳过 {skipped} 个文件）；支持 PDF、DOCX、DOC、WPS、RTF、TXT 及其 .zip 压缩包 / "
                                f"no document to check ({skipped} files skipped): PDF, DOCX, DOC, WPS, RTF, TXT and "
                                ".zip archives of them are read")


@dataclass(frozen=True)
class Engine:
    """Where the documents are checked: "local" (WorkerPool) or "ray" (ray_engine.RayPool, on the Ray cluster at
    address, or a local Ray instance of --jobs CPUs; ship_files sends the files through Ray's object store, and
    parts is the folder where tasks write their rows as Parquet files for the store to read)."""

    name: str = "local"
    address: Optional[str] = None
    ship_files: bool = False
    parts: Optional[str] = None

    def pool(self, worker: Callable[[dict], dict], jobs: int, timeout: float, stream: Optional[TextIO] = None):
        """The pool that checks the documents; the Ray engine says on stream when it starts or joins Ray."""
        if self.name == "ray":
            from jxcheck.ray_engine import RayPool
            if self.parts:
                try:
                    os.makedirs(self.parts, exist_ok=True)
                except OSError as exc:
                    raise describe(exc) from exc
            return RayPool(worker, jobs, timeout, address=self.address, ship_files=self.ship_files, stream=stream,
                           parts=self.parts)
        return WorkerPool(worker, jobs, timeout, init=warm_up)


def run_batch(paths: list[str], outdir: str, jobs: Optional[int] = None, db: Optional[str] = None,
              timeout: Optional[float] = None, limits: Limits = DEFAULT, aliases: Optional[str] = None,
              stream: Optional[TextIO] = None, worker: Callable[[dict], dict] = check_task,
              config: Optional[Config] = None, engine: Engine = Engine()) -> BatchResult:
    """Check every input document not already in the store, then cross-check and write the outputs (as the
    configuration shows them: jxcheck.config.apply; the store keeps every check).

    A run that cannot go on raises RunError (a refused output folder, inputs without any document, a full
    disk, Ray missing or out of reach), or StoreError for the store; documents already stored stay stored."""
    from jxcheck.paths import check_outdir
    from jxcheck.config import apply as apply_config
    from jxcheck.store import Store, StoreError, copy_groups, merge_copies
    stream = stream or sys.stderr
    check_outdir(outdir)
    timeout = _checked_timeout(timeout, limits)
    if engine.name == "ray":
        from jxcheck.ray_engine import load_ray
        load_ray()
    stream.write("正在收集输入文件… / collecting the inputs…\n")
    stream.flush()
    if engine.name == "local":
        start_worker_server()
    collected = collect(paths, limits, exclude=outdir)
    if not collected.items:
        raise _no_input(collected, stream)
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as exc:
        raise describe(exc) from exc
    names = UnitNames.load(aliases)
    jobs = jobs or os.cpu_count() or 1
    store = Store(db or os.path.join(outdir, "jxcheck.duckdb"))
    tmpdir = None
    progress: Optional[Progress] = None
    try:
        for stale in os.listdir(outdir):
            if stale.startswith(TMP_PREFIX):
                shutil.rmtree(os.path.join(outdir, stale), ignore_errors=True)
        tmpdir = tempfile.mkdtemp(prefix=TMP_PREFIX, dir=outdir)
        done = store.done()
        seen: set[str] = set()
        todo: list[Item] = []
        refused: list[Item] = []
        skipped = 0
        for item in collected.items:
            if item.doc_id in seen:
                collected.notes["duplicate"] += 1
                continue
            seen.add(item.doc_id)
            if item.error:
                refused.append(item)
            elif item.doc_id in done:
                skipped += 1
            else:
                todo.append(item)
        stream.write(f"共 {len(seen)} 份文档：待检查 {len(todo) + len(refused)}，未变化跳过 {skipped}"
                     + "".join(f"，{label} {collected.notes[k]}" for k, label in
                               (("duplicate", "重复"), ("unsupported", "不支持的文件"), ("outside", "链接到输入目录外"))
                               if collected.notes[k]) + "\n")
        progress = Progress(len(todo) + len(refused), stream)
        superseded: set[str] = set()
        for item in refused:
            superseded |= store.save_document(item.doc_id, _failed_result(item, *item.error), [], names.key(None))
            progress.update(item.display, "无法检查", 0, "{}: {}".format(*item.error))
        by_key = {item.doc_id: item for item in todo}
        started = time.monotonic()
        if todo:
            with engine.pool(worker, min(jobs, len(todo)), timeout, stream) as pool, store.single_threaded():
                tasks = [(item.doc_id, item.task(tmpdir, limits)) for item in todo]
                pending: list = []
                flushed = float("-inf")
                for outcome in pool.run(tasks):
                    item = by_key[outcome.key]
                    result, blocks = _outcome_result(item, outcome, timeout)
                    pending.append((item.doc_id, result, blocks, names.key(result.get("unit"))))
                    if len(pending) >= FLUSH_DOCUMENTS or time.monotonic() - flushed >= FLUSH_SECONDS:
                        superseded |= store.save_documents(pending)
                        pending, flushed = [], time.monotonic()
                    error = result.get("error") if result["status"] == "error" else None
                    progress.update(item.display, "无法检查" if error else "完成", len(result["findings"]),
                                    f"{error['code']}: {error['message']}" if error else None)
                superseded |= store.save_documents(pending)
        progress.flush()
        checked_at = time.monotonic()
        changed = store.relabel_units(names)
        run_ids = seen
        units = store.unit_keys(run_ids) | changed | superseded
        run_crossdoc(store, units, jobs, stream)
        out_ids = set(run_ids) | {d["doc_id"] for d in store.documents(unit_keys=units - {UNKNOWN})}
        copies = copy_groups(store, out_ids)
        docs = merge_copies(store.document_objects(doc_ids=out_ids, passing=False), copies)
        if config is not None:
            docs = [apply_config(d, config) for d in docs]
        taken, review = _read_back_reviews(store, os.path.join(outdir, WORKBOOK))
        try:
            write_outputs(outdir, docs, store, jobs, stream, copies, review, config)
        except OSError as exc:
            raise describe(exc) from exc
        store.close()
        _remember_workbook(store.path, os.path.join(outdir, WORKBOOK), docs, review)
        return BatchResult(exit_status(docs), len(todo) + len(refused), skipped, docs, collected.notes,
                           check_seconds=checked_at - started, output_seconds=time.monotonic() - checked_at,
                           reviews_taken=taken, reviews_kept=len(review["decisions"]), reviews_gone=review["gone"])
    finally:
        if progress is not None:
            progress.flush()
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        try:
            store.close()
        except StoreError:
            pass


# ---------------------------------------------------------------- report

def report(db: str, unit: Optional[str] = None, year: Optional[int] = None, fmt: str = "text",
           output: Optional[str] = None, aliases: Optional[str] = None,
           stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None, config: Optional[Config] = None) -> int:
    """Print or write the stored results without reading any source file; exit status like batch."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    from jxcheck.outputs import flat, text, xlsx
    from jxcheck.store import Store
    names = UnitNames.load(aliases)
    with Store(db, read_only=True) as store:
        keys = None if unit is None else [names.key(unit) if unit.strip() != UNKNOWN else UNKNOWN]
        from jxcheck.store import copy_groups, merge_copies
        docs = store.document_objects(unit_keys=keys, year=year)
        docs = merge_copies(docs, copy_groups(store, [d["doc_id"] for d in docs]))
        if config is not None:
            from jxcheck.config import apply
            docs = [apply(d, config) for d in docs]
        from jxcheck import reviews
        standing = reviews.standing(store)
        review = {"decisions": {fid: (r.decision, r.reason) for fid, r in standing.kept.items()},
                  "signoffs": reviews.signoffs(store), "gone": standing.gone}
        if not docs:
            known = sorted({d["unit_key"] for d in store.documents()})
            stderr.write("没有符合条件的文档 / no stored document matches; 单位 / units: "
                         + ("、".join(known[:20]) or "（无 / none）") + "\n")
            return 2
    if fmt == "xlsx":
        if not output:
            stderr.write("xlsx 格式需要 -o 输出文件 / --format xlsx needs -o OUT\n")
            return 2
        xlsx.write_xlsx(output, docs, **review)
    elif fmt == "csv":
        if output:
            flat.write_csv(output, docs)
        else:
            stdout.write(flat.csv_text(docs))
    else:
        body = text.render_units(docs)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(body)
        else:
            stdout.write(body)
    return exit_status(docs)


