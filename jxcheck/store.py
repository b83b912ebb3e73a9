"""The batch store: an embedded DuckDB file with documents, facts, checks and the documents' text.

Documents are keyed by doc_id (the file's sha256, or "nohash:…" for a file that could not be hashed).
Only the parent process writes. Each document's rows go in one transaction with its documents row,
so a run killed at any moment leaves either the whole document or nothing of it.
Figures are kept as VARCHAR exactly as extracted (value_num is the same value as DECIMAL for queries).
The write-ahead log is checkpointed into the file when it reaches CHECKPOINT_THRESHOLD and when the store is
closed, not every 16 MB: a batch run then rewrites the file once instead of several times while it checks.
"""
from __future__ import annotations

import functools
import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Optional

import duckdb
import numpy as np

from jxcheck import __version__
from jxcheck.ids import finding_ids
from jxcheck.reviews import SCHEMA as REVIEW_SCHEMA
from jxcheck.rows import BLOCK_COLUMNS, CHECK_COLUMNS, FACT_COLUMNS, Parts, Rows, check_row, document_rows
from jxcheck.units import UNKNOWN, UnitNames

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS documents (
        doc_id VARCHAR, path VARCHAR, sha256 VARCHAR, format VARCHAR, unit VARCHAR, unit_key VARCHAR,
        year INTEGER, report_type VARCHAR, status VARCHAR, error_code VARCHAR, error_message VARCHAR,
        checked_at TIMESTAMP, pages INTEGER, tool_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS facts (
        doc_id VARCHAR, seq INTEGER, concept VARCHAR, stage VARCHAR, period INTEGER, value VARCHAR,
        value_num DECIMAL(38, 10), unit VARCHAR, decimals INTEGER, kind VARCHAR, raw VARCHAR,
        approximate BOOLEAN, label VARCHAR, quote VARCHAR, page INTEGER, paragraph INTEGER,
        table_no INTEGER, row_no INTEGER, col_no INTEGER, lead VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS checks (
        doc_id VARCHAR, seq INTEGER, source VARCHAR, rule VARCHAR, status VARCHAR, severity VARCHAR,
        message VARCHAR, concept VARCHAR, reported VARCHAR, expected VARCHAR, difference VARCHAR,
        unit VARCHAR, numbers VARCHAR, evidence VARCHAR, related_doc_id VARCHAR, unit_key VARCHAR,
        finding_id VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS blocks (
        doc_id VARCHAR, seq INTEGER, kind VARCHAR, paragraph INTEGER, table_no INTEGER, page INTEGER,
        text VARCHAR, cells VARCHAR)""",
]

DOC_COLUMNS = ["doc_id", "path", "sha256", "format", "unit", "unit_key", "year", "report_type", "status",
               "error_code", "error_message", "checked_at", "pages", "tool_version"]
FACT_SELECT = ("doc_id, seq, concept, stage, period, value, TRY_CAST(value_num AS DECIMAL(38, 10)), unit, decimals, "
               "kind, raw, approximate, label, quote, page, paragraph, table_no, row_no, col_no, lead")
RETRY_CODES = ("timeout", "internal")
CHECKPOINT_THRESHOLD = "256MB"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_CHECK_FIELDS = ("rule", "status", "severity", "message", "concept", "reported", "expected", "difference", "unit")
_CHECK_JSON = ("'{\"id\":' || coalesce(to_json(finding_id), 'null') || ',' || " + " || ',' || ".join(f"'\"{f}\":' || coalesce(to_json({f}), 'null')" for f in _CHECK_FIELDS)
               + " || ',\"numbers\":' || numbers || ',\"evidence\":' || evidence || '}'")
_SEVERITY_RANK = "CASE severity " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in SEVERITY_ORDER.items()) + " END"
DOCUMENT_JSON = f"""
    WITH c AS (SELECT doc_id, source, seq, status, severity, {_CHECK_JSON} AS obj FROM checks
        WHERE doc_id IN ({{marks}})),
    grouped AS (SELECT doc_id,
        array_to_string(list(obj ORDER BY source = 'crossdoc', seq), ',') AS checks,
        array_to_string(list(obj ORDER BY {_SEVERITY_RANK}, source = 'crossdoc', seq)
            FILTER (WHERE status = 'fail' AND severity IN ('error', 'warning')), ',') AS findings
        FROM c GROUP BY doc_id)
    SELECT json_object('path', d.path, 'sha256', d.sha256, 'format', d.format, 'pages', d.pages, 'unit', d.unit,
        'year', d.year, 'report_type', d.report_type, 'status', d.status,
        'error', CASE WHEN d.status = 'error' THEN json_object('code', d.error_code, 'message', d.error_message) END),
        grouped.findings, grouped.checks, d.doc_id
    FROM documents d LEFT JOIN grouped USING (doc_id)
    WHERE d.doc_id IN ({{marks}})"""
DOCUMENT_ORDER = ("ORDER BY coalesce(d.unit_key, ?) = ?, coalesce(d.unit_key, ?), d.year IS NULL, coalesce(d.year, 0), "
                  "d.path, d.doc_id")


class StoreError(Exception):
    """The store cannot be opened or used: a code (store_damaged, store_busy, unwritable, disk_full, store) and
    one bilingual line."""

    def __init__(self, message: str, code: str = "store"):
        super().__init__(message)
        self.code = code
        self.message = message


DAMAGE_TEXT = ("Corrupt", "corrupt", "checksum", "Could not read", "not a valid DuckDB", "Serialization")


def store_error(exc: BaseException, path: str, writing: bool = False) -> StoreError:
    """The StoreError for a database error on the store at path: a full disk, no permission, a store another
    process holds, or a damaged file (which is never overwritten: the message says how to start a new one)."""
    from jxcheck.failures import DENIED_TEXT, DISK_FULL_TEXT, disk_full, printable
    text = str(exc)
    shown = printable(path)
    if any(t in text for t in DISK_FULL_TEXT):
        return StoreError(disk_full("数据库").message, "disk_full")
    if any(t in text for t in DENIED_TEXT):
        return StoreError(f"没有权限{'写入' if writing else '打开'}数据库 {shown}（文件或所在目录只读），请检查权限或换一个输出目录 / "
                          f"permission denied on the store {shown} (the file or its folder is read-only): check the "
                          "permissions or use another output folder", "unwritable")
    if "lock" in text.lower():
        return StoreError(f"数据库 {shown} 正被另一进程使用，请等它结束后再运行 / the store {shown} is in use by "
                          "another process: run again when it has finished", "store_busy")
    if writing and not any(t in text for t in DAMAGE_TEXT):
        return StoreError(f"写入数据库失败 / cannot write to the store {shown}: {text}")
    return StoreError(f"数据库 {shown} 已损坏或不是 DuckDB 文件（{text.splitlines()[0][:160] if text else type(exc).__name__}）；"
                      f"原文件不会被覆盖，请用新的输出目录（-o）或 --db 指定新文件重新检查 / the store {shown} is damaged "
                      "or not a DuckDB file; it is left as it is: start a new one with another -o OUTDIR or --db FILE",
                      "store_damaged")


def _guarded(method):
    """A Store method whose database errors come out as StoreError."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except duckdb.Error as exc:
            raise store_error(exc, self.path) from exc
    return call


def _columns(rows: list[tuple], columns: list[str]) -> dict[str, np.ndarray]:
    """Rows as named object arrays, a form DuckDB scans like a table (and without loading pandas)."""
    return {name: np.fromiter(column, dtype=object, count=len(rows)) for name, column in zip(columns, zip(*rows))}


class Store:
    """Read and write the batch store."""

    def __init__(self, path: str, read_only: bool = False):
        self.path = path
        if read_only and not os.path.exists(path):
            raise StoreError(f"数据库不存在 / database not found: {path}", "not_found")
        try:
            self.con = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise store_error(exc, path) from exc
        try:
            if not read_only:
                self.con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
                for sql in SCHEMA + REVIEW_SCHEMA:
                    self.con.execute(sql)
                self.con.execute("ALTER TABLE facts ADD COLUMN IF NOT EXISTS lead VARCHAR")
                self.con.execute("ALTER TABLE checks ADD COLUMN IF NOT EXISTS finding_id VARCHAR")
                self._fill_finding_ids()
            tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if not {"documents", "facts", "checks", "blocks"} <= tables:
                self.con.close()
                raise StoreError(f"不是 jxcheck 数据库 / not a jxcheck database: {path}", "store_damaged")
        except duckdb.Error as exc:
            self._close_quietly()
            raise store_error(exc, path) from exc

    def _fill_finding_ids(self) -> None:
        """Give the checks of a store written before finding ids their ids."""
        rows = self.con.execute("SELECT doc_id, source, seq, rule, reported, concept, evidence, related_doc_id FROM checks "
                                "WHERE finding_id IS NULL ORDER BY doc_id, source, seq").fetchall()
        if not rows:
            return
        groups: dict[tuple, list] = {}
        for r in rows:
            groups.setdefault((r[0], r[1]), []).append(r)
        updates = []
        for (doc_id, source), group in groups.items():
            checks = [{"rule": r[3], "reported": r[4], "concept": r[5], "evidence": json.loads(r[6])} for r in group]
            for r, fid in zip(group, finding_ids(doc_id, checks, [r[7] for r in group])):
                updates.append((fid, doc_id, source, r[2]))
        self.con.executemany("UPDATE checks SET finding_id = ? WHERE doc_id = ? AND source = ? AND seq = ?", updates)

    def _close_quietly(self) -> None:
        try:
            self.con.close()
        except duckdb.Error:
            pass

    def close(self) -> None:
        """Close the connection (its checkpoint writes the file); closing twice is harmless."""
        try:
            self.con.close()
        except duckdb.Error as exc:
            raise store_error(exc, self.path, writing=True) from exc

    @contextmanager
    def single_threaded(self):
        """DuckDB on one thread, for writes made while worker processes use the cores."""
        self.con.execute("SET threads = 1")
        try:
            yield self
        finally:
            self.con.execute("RESET threads")

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @_guarded
    def done(self) -> set[str]:
        """doc_ids a re-run may skip: stored by this tool version and not a timeout or a crash."""
        rows = self.con.execute(
            "SELECT doc_id FROM documents WHERE tool_version = ? AND coalesce(error_code, '') NOT IN (?, ?)",
            [__version__, *RETRY_CODES]).fetchall()
        return {r[0] for r in rows}

    def save_document(self, doc_id: str, result: dict, blocks: Iterable[dict], unit_key: str) -> set[str]:
        """Replace one document's rows; see save_documents."""
        return self.save_documents([(doc_id, result, blocks, unit_key)])

    @_guarded
    def save_documents(self, items: list[tuple[str, dict, Any, str]]) -> set[str]:
        """Replace the rows of some documents, each given its blocks, its Rows made by document_rows, or its
        Parts (Parquet files of those rows, read here and removed once stored), facts, checks, blocks, then their
        documents rows, in one transaction, so a document is stored whole or not at all.

        Rows of an earlier version of the same path (another doc_id) are removed in the same transaction;
        returns the unit keys those earlier versions had."""
        if not items:
            return set()
        facts, checks, block_rows, doc_rows = [], [], [], []
        parquet: dict[str, list[str]] = {"facts": [], "checks": [], "blocks": []}
        for doc_id, result, blocks, unit_key in items:
            if isinstance(blocks, Parts):
                for table, file in blocks.files.items():
                    parquet[table].append(file)
            else:
                rows = blocks if isinstance(blocks, Rows) else document_rows(doc_id, result, blocks)
                facts += rows.facts
                checks += rows.checks
                block_rows += rows.blocks
            error = result.get("error") or {}
            doc_rows.append((doc_id, result["path"], result.get("sha256") or "", result.get("format"), result.get("unit"),
                             unit_key, result.get("year"), result.get("report_type") or "unknown", result["status"],
                             error.get("code"), error.get("message"), datetime.now(timezone.utc).replace(tzinfo=None),
                             result.get("pages"), __version__))
        ids = [row[0] for row in doc_rows]
        paths = [row[1] for row in doc_rows]
        id_marks, path_marks = ", ".join("?" * len(ids)), ", ".join("?" * len(paths))
        con = self.con
        with self._transaction():
            stale = con.execute(f"SELECT doc_id, unit_key FROM documents WHERE path IN ({path_marks}) "
                                f"AND doc_id NOT IN ({id_marks})", paths + ids).fetchall()
            old_ids = [old_id for old_id, _ in stale]
            if old_ids:
                marks = ", ".join("?" * len(old_ids))
                for table in ("facts", "blocks", "checks", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", old_ids)
            present = [r[0] for r in con.execute(f"SELECT doc_id FROM documents WHERE doc_id IN ({id_marks})",
                                                 ids).fetchall()]
            if present:
                marks = ", ".join("?" * len(present))
                for table in ("facts", "blocks"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN ({marks})", present)
                con.execute(f"DELETE FROM checks WHERE doc_id IN ({marks}) AND source = 'document'", present)
                con.execute(f"DELETE FROM documents WHERE doc_id IN ({marks})", present)
            self.insert_rows(Rows(facts, checks, block_rows))
            for table, files in parquet.items():
                if files:
                    con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)", [files])
            self._insert("documents", doc_rows, DOC_COLUMNS)
        for file in (f for files in parquet.values() for f in files):
            try:
                os.remove(file)
            except OSError:
                pass
        return {key for _, key in stale if key}

    def insert_rows(self, rows: Rows) -> None:
        """Insert facts, checks and blocks rows as they are (in the caller's transaction, if any)."""
        self._insert("facts", rows.facts, FACT_COLUMNS, FACT_SELECT)
        self._insert("checks", rows.checks, CHECK_COLUMNS)
        self._insert("blocks", rows.blocks, BLOCK_COLUMNS)

    @contextmanager
    def _transaction(self):
        """One transaction: committed whole, or rolled back with a clear StoreError for a database error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self._rollback()
            raise store_error(exc, self.path, writing=True) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Roll back what is open; a failed COMMIT (a full disk) has already rolled back."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass

    def _insert(self, table: str, rows: list[tuple], columns: list[str], select: str = "*") -> None:
        if rows:
            self.con.register("incoming", _columns(rows, columns))
            try:
                self.con.execute(f"INSERT INTO {table} SELECT {select} FROM incoming")
            finally:
                self.con.unregister("incoming")

    @_guarded
    def relabel_units(self, names: UnitNames) -> set[str]:
        """Recompute unit_key from the printed unit with the current aliases; the keys that changed (old and new)."""
        rows = self.con.execute("SELECT doc_id, unit, unit_key FROM documents").fetchall()
        changed: set[str] = set()
        updates = []
        for doc_id, unit, key in rows:
            new = names.key(unit)
            if new != key:
                changed |= {key, new}
                updates.append((new, doc_id))
        if updates:
            with self._transaction():
                self.con.executemany("UPDATE documents SET unit_key = ? WHERE doc_id = ?", updates)
        return changed

    @_guarded
    def replace_crossdoc(self, unit_keys: Iterable[str], checks: list[tuple[str, Optional[str], str, dict]]) -> None:
        """Replace the cross-document checks of these units: (attached doc_id, related doc_id, unit_key, check)."""
        keys = sorted(set(unit_keys))
        by_doc: dict[str, list[int]] = {}
        for i, (doc_id, _, _, _) in enumerate(checks):
            by_doc.setdefault(doc_id, []).append(i)
        ids: dict[int, str] = {}
        for doc_id, places in by_doc.items():
            for i, fid in zip(places, finding_ids(doc_id, [checks[i][3] for i in places],
                                                  [checks[i][1] for i in places])):
                ids[i] = fid
        rows = [check_row(doc_id, i, "crossdoc", check, related, key, ids[i])
                for i, (doc_id, related, key, check) in enumerate(checks)]
        with self._transaction():
            if keys:
                self.con.execute(f"DELETE FROM checks WHERE source = 'crossdoc' AND unit_key IN "
                                 f"({', '.join('?' * len(keys))})", keys)
            self._insert("checks", rows, CHECK_COLUMNS)

    @_guarded
    def documents(self, doc_ids: Optional[Iterable[str]] = None, unit_keys: Optional[Iterable[str]] = None,
                  year: Optional[int] = None) -> list[dict]:
        """Documents rows as dicts, filtered by doc_id, unit key and year, ordered by unit, year, path."""
        where, params = [], []
        for column, values in (("doc_id", doc_ids), ("unit_key", unit_keys)):
            if values is not None:
                values = sorted(set(values))
                if not values:
                    return []
                where.append(f"{column} IN ({', '.join('?' * len(values))})")
                params += values
        if year is not None:
            where.append("year = ?")
            params.append(year)
        sql = f"SELECT {', '.join(DOC_COLUMNS)} FROM documents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY unit_key, year NULLS LAST, path"
        return [dict(zip(DOC_COLUMNS, r)) for r in self.con.execute(sql, params).fetchall()]

    def unit_keys(self, doc_ids: Iterable[str]) -> set[str]:
        return {d["unit_key"] for d in self.documents(doc_ids=doc_ids)}

    @_guarded
    def checks(self, doc_ids: Iterable[str], passing: bool = True) -> dict[str, list[dict]]:
        """Each document's checks: its own in order, then the cross-document ones; without the passed ones
        when passing is False."""
        ids = sorted(set(doc_ids))
        out: dict[str, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        rows = self.con.execute(
            f"SELECT doc_id, rule, status, severity, message, concept, reported, expected, difference, unit, numbers, "
            f"evidence, source, related_doc_id, finding_id FROM checks WHERE doc_id IN ({', '.join('?' * len(ids))}) "
            + ("" if passing else "AND status <> 'pass' ")
            + "ORDER BY doc_id, source = 'crossdoc', seq", ids).fetchall()
        for r in rows:
            out[r[0]].append({"id": r[14], "rule": r[1], "status": r[2], "severity": r[3], "message": r[4], "concept": r[5],
                              "reported": r[6], "expected": r[7], "difference": r[8], "unit": r[9],
                              "numbers": json.loads(r[10]), "evidence": json.loads(r[11]),
                              "_source": r[12], "_related": r[13]})
        return out

    @_guarded
    def facts(self, doc_ids: Iterable[str], concepts: Optional[Iterable[str]] = None) -> dict[str, list[dict]]:
        """Each document's fact records in order (as Facts.records() gives them), of these concepts only if given."""
        ids = sorted(set(doc_ids))
        out: dict[str, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        cols = ["doc_id", "concept", "stage", "period", "value", "unit", "decimals", "kind", "raw", "approximate",
                "label", "quote", "page", "paragraph", "table_no", "row_no", "col_no", "lead"]
        sql = f"SELECT {', '.join(cols)} FROM facts WHERE doc_id IN ({', '.join('?' * len(ids))})"
        params = list(ids)
        if concepts is not None:
            wanted = sorted(set(concepts))
            sql += f" AND concept IN ({', '.join('?' * len(wanted))})" if wanted else " AND false"
            params += wanted
        rows = self.con.execute(sql + " ORDER BY doc_id, seq", params).fetchall()
        for r in rows:
            rec = dict(zip(cols, r))
            rec["table"], rec["row"], rec["col"] = rec.pop("table_no"), rec.pop("row_no"), rec.pop("col_no")
            out[rec.pop("doc_id")].append(rec)
        return out

    @_guarded
    def blocks(self, doc_ids: Iterable[str], kind: Optional[str] = None, cells: bool = True) -> dict[str, list[dict]]:
        """Each document's blocks in reading order (kind "p" paragraph or "t" table, cells as lists, or None
        when cells is false)."""
        ids = sorted(set(doc_ids))
        out: dict[str, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        sql = (f"SELECT doc_id, kind, paragraph, table_no, page, text, {'cells' if cells else 'NULL'} FROM blocks "
               f"WHERE doc_id IN ({', '.join('?' * len(ids))})")
        params = list(ids)
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        for r in self.con.execute(sql + " ORDER BY doc_id, seq", params).fetchall():
            out[r[0]].append({"kind": r[1], "paragraph": r[2], "table_no": r[3], "page": r[4], "text": r[5],
                              "cells": json.loads(r[6]) if r[6] is not None else None})
        return out

    @_guarded
    def document_objects(self, doc_ids: Optional[Iterable[str]] = None, unit_keys: Optional[Iterable[str]] = None,
                         year: Optional[int] = None, passing: bool = True) -> list[dict]:
        """Documents shaped like the findings schema's document object, plus doc_id, unit_key, checked_at.

        With passing False, "checks" holds only the checks that did not pass (findings and unverifiable ones),
        which is all the workbook, csv, HTML and text outputs show; document_lines gives the whole objects."""
        rows = self.documents(doc_ids=doc_ids, unit_keys=unit_keys, year=year)
        checks = self.checks((r["doc_id"] for r in rows), passing=passing)
        out = []
        for r in rows:
            all_checks = checks.get(r["doc_id"], [])
            plain = [{k: v for k, v in c.items() if not k.startswith("_")} for c in all_checks]
            failed = [c for c in plain if c["status"] == "fail" and c["severity"] in ("error", "warning")]
            error = {"code": r["error_code"], "message": r["error_message"]} if r["status"] == "error" else None
            out.append({
                "path": r["path"], "sha256": r["sha256"], "format": r["format"], "pages": r["pages"],
                "unit": r["unit"], "year": r["year"], "report_type": r["report_type"], "status": r["status"],
                "error": error, "findings": sorted(failed, key=lambda c: SEVERITY_ORDER[c["severity"]]),
                "checks": plain, "doc_id": r["doc_id"], "unit_key": r["unit_key"] or UNKNOWN,
                "checked_at": r["checked_at"]})
        return out

    def document_lines(self, doc_ids: Iterable[str], chunk: int = 500,
                       copies: Optional[dict[str, list[str]]] = None) -> Iterator[str]:
        """The findings-schema document object of each document as one line of JSON, in the outputs' order (by
        unit key with 单位未识别 last, then year, then path): the same objects as document_objects, built by
        DuckDB chunk documents at a time, so memory does not grow with the archive. numbers and evidence are
        stored as JSON text and are inserted as is. With copies (copy_groups), a group of copies is one line, its
        first document's, naming the others under "copies"."""
        ids = sorted(set(doc_ids))
        if not ids:
            return
        copies = copies or {}
        hidden = {other for others in copies.values() for other in others}
        named: dict[str, str] = {}
        if copies:
            rows = {d["doc_id"]: d for d in self.documents(doc_ids=hidden)}
            named = {first: json.dumps([{"path": rows[o]["path"], "sha256": rows[o]["sha256"],
                                         "format": rows[o]["format"]} for o in others if o in rows],
                                       ensure_ascii=False) for first, others in copies.items()}
        try:
            yield from self._document_lines(sorted(set(ids) - hidden), chunk, named)
        except duckdb.Error as exc:
            raise store_error(exc, self.path) from exc

    def _document_lines(self, ids: list[str], chunk: int, named: dict[str, str]) -> Iterator[str]:
        cur = self.con.cursor()
        try:
            order = [r[0] for r in cur.execute(
                f"SELECT d.doc_id FROM documents d WHERE d.doc_id IN ({', '.join('?' * len(ids))}) {DOCUMENT_ORDER}",
                ids + [UNKNOWN] * 3).fetchall()]
            for start in range(0, len(order), chunk):
                part = order[start:start + chunk]
                sql = DOCUMENT_JSON.replace("{marks}", ", ".join("?" * len(part))) + " " + DOCUMENT_ORDER
                for head, findings, checks, doc_id in cur.execute(sql, part + part + [UNKNOWN] * 3).fetchall():
                    extra = f',"copies":{named[doc_id]}' if doc_id in named else ""
                    yield f'{head[:-1]},"findings":[{findings or ""}],"checks":[{checks or ""}]{extra}}}'
        finally:
            cur.close()


SCHEMA_FIELDS = ("path", "sha256", "format", "pages", "unit", "year", "report_type", "status", "error", "findings",
                 "checks")


def schema_document(obj: dict) -> dict:
    """The findings-schema fields of a document object from Store.document_objects."""
    return {k: obj[k] for k in SCHEMA_FIELDS}


COPY_FORMATS = ("docx", "txt", "pdf", "doc", "html")
_SIGNATURE_PART = ("concat_ws('|', " + ", ".join(f"coalesce(c.{c}, '-')" for c in
                                                ("rule", "status", "severity", "concept", "reported", "expected",
                                                 "difference")) + ")")


def copy_groups(store: Store, doc_ids: Iterable[str]) -> dict[str, list[str]]:
    """The same report supplied in several files (TXT, DOCX, PDF of one report): readable documents of one known
    unit (as printed, and its key), year and report type whose own checks are the same (rule, status, severity,
    concept and the reported, expected and difference figures, counted with repeats) and not none; or whose checks
    are all among the first one's, with the same failing and unverifiable checks, when the first holds at most
    COPY_PASSES_APART more passes (or one in COPY_PASSES_SHARE of its checks): one reading found a pass the other
    lacks. Each group is keyed by its first document in the order docx, txt, pdf, doc, html then path (the rendering
    the cross-document checks attach to, see scoring.crossdoc.representatives), mapping to the others."""
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    try:
        rows = store.con.execute(
            f"SELECT d.doc_id, d.unit_key || chr(31) || coalesce(d.unit, ''), d.year, d.report_type, d.format, d.path, "
            f"md5(string_agg({_SIGNATURE_PART}, chr(10) ORDER BY {_SIGNATURE_PART})), count(*), "
            f"md5(coalesce(string_agg({_SIGNATURE_PART}, chr(10) ORDER BY {_SIGNATURE_PART}) "
            f"FILTER (WHERE c.status <> 'pass'), '')) "
            f"FROM documents d JOIN checks c ON c.doc_id = d.doc_id AND c.source = 'document' "
            f"WHERE d.status = 'ok' AND d.year IS NOT NULL AND d.unit_key IS NOT NULL AND d.unit_key <> ? "
            f"AND d.doc_id IN ({marks}) "
            f"GROUP BY ALL", [UNKNOWN] + ids).fetchall()
    except duckdb.Error as exc:
        raise store_error(exc, store.path) from exc
    rank = {f: i for i, f in enumerate(COPY_FORMATS)}
    exact: dict[tuple, list[tuple]] = {}
    for doc_id, unit_key, year, report_type, fmt, path, signature, count, open_part in rows:
        exact.setdefault((unit_key, year, report_type, signature), []).append(
            (rank.get(fmt, len(rank)), path, doc_id, count, open_part))
    for members in exact.values():
        members.sort()
    heads: dict[tuple, list[list[tuple]]] = {}
    for (unit_key, year, report_type, _), members in sorted(exact.items(), key=lambda kv: kv[1][0]):
        heads.setdefault((unit_key, year, report_type, members[0][4]), []).append(members)
    groups: list[list[tuple]] = []
    for candidates in heads.values():
        merged: list[list[tuple]] = []
        for members in candidates:
            first = members[0]
            target = next((g for g in merged if _passes_apart(g[0][3], first[3])
                           and _checks_within(store, first[2], g[0][2])), None)
            if target is None:
                merged.append(list(members))
            else:
                target.extend(members)
        groups += merged
    out = {}
    for members in groups:
        if len(members) < 2:
            continue
        members.sort()
        out[members[0][2]] = [m[2] for m in members[1:]]
    return out


COPY_PASSES_APART = 1
COPY_PASSES_SHARE = 50


def _passes_apart(head_count: int, count: int) -> bool:
    """Whether a document of count checks may be a copy of a first one of head_count that holds a few more."""
    return 0 < head_count - count <= max(COPY_PASSES_APART, head_count // COPY_PASSES_SHARE)


def _checks_within(store: Store, doc_id: str, head_id: str) -> bool:
    """Whether every check of doc_id, counted with repeats, is one of head_id's (by the copy signature)."""
    try:
        rows = store.con.execute(
            f"SELECT c.doc_id, {_SIGNATURE_PART}, count(*) FROM checks c "
            f"WHERE c.source = 'document' AND c.doc_id IN (?, ?) GROUP BY ALL", [doc_id, head_id]).fetchall()
    except duckdb.Error as exc:
        raise store_error(exc, store.path) from exc
    head = {sig: n for d, sig, n in rows if d == head_id}
    return all(head.get(sig, 0) >= n for d, sig, n in rows if d == doc_id)


def merge_copies(docs: list[dict], groups: dict[str, list[str]]) -> list[dict]:
    """Documents with each group of copies (copy_groups) as its first document, which names the others under
    "copies" (path, sha256, format); the others are left out."""
    by_id = {d["doc_id"]: d for d in docs}
    hidden = {other for others in groups.values() for other in others}
    out = []
    for d in docs:
        if d["doc_id"] in hidden:
            continue
        others = [by_id[o] for o in groups.get(d["doc_id"], []) if o in by_id]
        if others:
            d = dict(d, copies=[{"path": o["path"], "sha256": o["sha256"], "format": o["format"]} for o in others])
        out.append(d)
    return out
