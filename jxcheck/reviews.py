"""Review decisions in the store: each finding's 复核结论 (确认, 排除, 待核) with its reason, reviewer and time, every
change kept as history, and the workpaper sign-offs (索引号, 编制人/日期, 复核人/日期) of each sheet.

Decisions are keyed by finding id (jxcheck.ids), so a re-run keeps every decision whose finding still exists;
a decision whose finding has gone (its document changed, or the check no longer fails) is listed, never
dropped. Before batch rewrites discrepancies.xlsx it reads back what reviewers typed there (read_workbook,
absorb_workbook): a cell is taken when it differs from what the tool last wrote into it (kept in the store),
so a stale workbook never undoes a later decision made elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Optional

from jxcheck.failures import RunError

DECISIONS = ("确认", "排除", "待核")
SIGNOFF_FIELDS = ("索引号", "编制人/日期", "复核人/日期")
SUMMARY_KEY = "汇总"
WORKBOOK_SOURCE = "xlsx"
READ_PREFIX = "read:"

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS reviews (
        finding_id VARCHAR, decision VARCHAR, reason VARCHAR, reviewer VARCHAR, decided_at TIMESTAMP, source VARCHAR,
        doc_id VARCHAR, path VARCHAR, rule VARCHAR, message VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS signoffs (sheet_key VARCHAR, field VARCHAR, value VARCHAR, signed_at TIMESTAMP,
        source VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS workbook_written (kind VARCHAR, key VARCHAR, field VARCHAR, value VARCHAR)""",
]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def bad_decision(decision: str) -> RunError:
    return RunError("bad_decision", f"复核结论须为 确认、排除 或 待核（收到 {decision!r}） / a review decision is one of "
                                    f"确认 (confirm), 排除 (dismiss), 待核 (to check), got {decision!r}")


@dataclass
class Review:
    """One finding's current decision (the latest of its history)."""

    finding_id: str
    decision: str
    reason: str
    reviewer: str
    at: datetime
    source: str
    path: Optional[str] = None
    rule: Optional[str] = None
    message: Optional[str] = None


def record(store, finding_id: str, decision: str, reason: str = "", reviewer: str = "", source: str = "api",
           at: Optional[datetime] = None) -> Review:
    """Add a decision to a finding's history; the finding's file, rule and message are kept with it, so the
    decision can still be shown once the finding has gone."""
    if decision not in DECISIONS:
        raise bad_decision(decision)
    if finding_id.startswith(READ_PREFIX):
        row = store.con.execute("SELECT doc_id, path, 'document.read', error_message FROM documents WHERE doc_id = ?",
                                [finding_id[len(READ_PREFIX):]]).fetchone()
    else:
        row = store.con.execute(
            "SELECT c.doc_id, d.path, c.rule, c.message FROM checks c JOIN documents d USING (doc_id) "
            "WHERE c.finding_id = ? LIMIT 1", [finding_id]).fetchone()
    doc_id, path, rule, message = row if row else (None, None, None, None)
    review = Review(finding_id, decision, reason or "", reviewer or "", at or _now(), source, path, rule, message)
    store.con.execute("INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [finding_id, decision, review.reason, review.reviewer, review.at, source, doc_id, path, rule,
                       message])
    return review


CURRENT = """SELECT finding_id, decision, reason, reviewer, decided_at, source, path, rule, message FROM (
    SELECT *, row_number() OVER (PARTITION BY finding_id ORDER BY decided_at DESC, rowid DESC) AS n FROM reviews)
    WHERE n = 1"""


def has_reviews(store) -> bool:
    """Whether the store has the review tables (a store written before them, opened read-only, has not)."""
    return bool(store.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'reviews'")
                .fetchone()[0])


def current(store) -> dict[str, Review]:
    """Each reviewed finding's latest decision."""
    if not has_reviews(store):
        return {}
    return {r[0]: Review(*r) for r in store.con.execute(CURRENT).fetchall()}


def history(store, finding_id: str) -> list[Review]:
    """Every decision made on a finding, oldest first."""
    if not has_reviews(store):
        return []
    rows = store.con.execute("SELECT finding_id, decision, reason, reviewer, decided_at, source, path, rule, message "
                             "FROM reviews WHERE finding_id = ? ORDER BY decided_at, rowid", [finding_id]).fetchall()
    return [Review(*r) for r in rows]


def existing_ids(store, ids: Iterable[str]) -> set[str]:
    """The ids among these that name a check that did not pass (a finding, a note, an unverifiable check), or a
    document that could not be read (read:<doc_id>, its workbook row)."""
    ids = sorted(set(ids))
    checks = [i for i in ids if not i.startswith(READ_PREFIX)]
    unread = [i[len(READ_PREFIX):] for i in ids if i.startswith(READ_PREFIX)]
    out: set[str] = set()
    if checks:
        out |= {r[0] for r in store.con.execute(
            f"SELECT DISTINCT finding_id FROM checks WHERE status <> 'pass' AND finding_id IN "
            f"({', '.join('?' * len(checks))})", checks).fetchall()}
    if unread:
        out |= {READ_PREFIX + r[0] for r in store.con.execute(
            f"SELECT doc_id FROM documents WHERE status = 'error' AND doc_id IN ({', '.join('?' * len(unread))})",
            unread).fetchall()}
    return out


@dataclass
class Standing:
    """The current decisions split into those whose finding still exists and those whose finding has gone."""

    kept: dict[str, Review] = field(default_factory=dict)
    gone: list[Review] = field(default_factory=list)


def standing(store) -> Standing:
    now = current(store)
    alive = existing_ids(store, now)
    out = Standing()
    for fid, review in now.items():
        if fid in alive:
            out.kept[fid] = review
        else:
            out.gone.append(review)
    out.gone.sort(key=lambda r: (r.path or "", r.rule or "", r.finding_id))
    return out


def signoffs(store) -> dict[str, dict[str, str]]:
    """Each sheet's latest sign-off values, by sheet key (a unit key, or 汇总)."""
    if not has_reviews(store):
        return {}
    rows = store.con.execute(
        "SELECT sheet_key, field, value FROM (SELECT *, row_number() OVER (PARTITION BY sheet_key, field "
        "ORDER BY signed_at DESC, rowid DESC) AS n FROM signoffs) WHERE n = 1").fetchall()
    out: dict[str, dict[str, str]] = {}
    for key, name, value in rows:
        out.setdefault(key, {})[name] = value
    return out


def set_signoff(store, sheet_key: str, name: str, value: str, source: str = "api") -> None:
    store.con.execute("INSERT INTO signoffs VALUES (?, ?, ?, ?, ?)", [sheet_key, name, value, _now(), source])


# ---------------------------------------------------------------- the workbook

@dataclass
class Typed:
    """What a workbook holds: per finding id its (复核结论, 复核说明), per sheet key its sign-off values."""

    decisions: dict[str, tuple[str, str]] = field(default_factory=dict)
    reviewers: dict[str, str] = field(default_factory=dict)
    signoffs: dict[str, dict[str, str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_workbook(path: str) -> Typed:
    """The decisions and sign-offs typed into a discrepancies.xlsx: the header row is found by its 编号 and 复核结论
    titles; the sign-offs sit right of their labels in the rows above it. The 失效复核 and 勾稽标记 sheets are the
    tool's own listings and are not read."""
    import openpyxl
    from jxcheck.outputs.xlsx import GONE_SHEET, HEADER_ROW, SUMMARY, TICK_SHEET, UNIT_LABEL
    from jxcheck.units import UNKNOWN
    out = Typed()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any damage to a workbook is one coded error
        raise RunError("bad_workbook", f"无法读取工作底稿 {path}（{type(exc).__name__}），复核结论未能读回；请修复或移走该文件后重新运行 / "
                                       f"cannot read the workpaper {path} ({type(exc).__name__}): the review "
                                       "decisions in it were not read back; repair or move it and run again") from None
    try:
        for ws in book.worksheets:
            if ws.title in (GONE_SHEET, TICK_SHEET):
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            head = [_cell_text(v) for v in (rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else [])]
            labels: dict[str, str] = {}
            for row in rows[:HEADER_ROW - 1]:
                cells = [_cell_text(v) for v in row]
                for i, text in enumerate(cells[:-1]):
                    if text in SIGNOFF_FIELDS or text == UNIT_LABEL:
                        labels[text] = cells[i + 1]
            if ws.title == SUMMARY or UNIT_LABEL in labels:
                key = SUMMARY_KEY if ws.title == SUMMARY else (labels[UNIT_LABEL] or UNKNOWN)
                out.signoffs[key] = {k: labels.get(k, "") for k in SIGNOFF_FIELDS}
            if "编号" not in head or "复核结论" not in head:
                continue
            id_col, decision_col = head.index("编号"), head.index("复核结论")
            reason_col = head.index("复核说明") if "复核说明" in head else None
            reviewer = labels.get("复核人/日期") or labels.get("编制人/日期") or "工作底稿"
            for row in rows[HEADER_ROW:]:
                fid = _cell_text(row[id_col]) if id_col < len(row) else ""
                if not fid:
                    continue
                decision = _cell_text(row[decision_col]) if decision_col < len(row) else ""
                reason = _cell_text(row[reason_col]) if reason_col is not None and reason_col < len(row) else ""
                if decision and decision not in DECISIONS:
                    out.refused.append(f"{ws.title}!{fid}: {decision}")
                    continue
                out.decisions[fid] = (decision, reason)
                out.reviewers[fid] = reviewer
    finally:
        book.close()
    return out


def written(store) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, str]]]:
    """What the tool last wrote into the workbook: decisions by finding id, sign-offs by sheet key."""
    decisions: dict[str, list[str]] = {}
    sheets: dict[str, dict[str, str]] = {}
    if not has_reviews(store):
        return {}, {}
    for kind, key, name, value in store.con.execute("SELECT kind, key, field, value FROM workbook_written").fetchall():
        if kind == "decision":
            decisions.setdefault(key, ["", ""])[0 if name == "复核结论" else 1] = value
        else:
            sheets.setdefault(key, {})[name] = value
    return {k: (v[0], v[1]) for k, v in decisions.items()}, sheets


def absorb_workbook(store, path: str) -> int:
    """Record what reviewers typed into the workbook at path since the tool wrote it: each decision or reason
    that differs from what was written, and each sign-off; the number of decisions taken. A decision cleared
    in the workbook is not taken (the history keeps the last one); a workbook whose bytes are those the tool
    wrote is not read."""
    if has_reviews(store) and workbook_digest(path) == _written_digest(store):
        return 0
    typed = read_workbook(path)
    before, before_sheets = written(store)
    taken = 0
    for fid, (decision, reason) in typed.decisions.items():
        if not decision or (decision, reason) == before.get(fid, ("", "")):
            continue
        record(store, fid, decision, reason, typed.reviewers.get(fid, ""), WORKBOOK_SOURCE)
        taken += 1
    for key, values in typed.signoffs.items():
        for name, value in values.items():
            if value and value != before_sheets.get(key, {}).get(name, ""):
                set_signoff(store, key, name, value, WORKBOOK_SOURCE)
    return taken


def workbook_digest(path: str) -> str:
    """The sha256 of a workbook file ("" when it cannot be read)."""
    import hashlib
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _written_digest(store) -> Optional[str]:
    row = store.con.execute("SELECT value FROM workbook_written WHERE kind = 'file' LIMIT 1").fetchone()
    return row[0] if row else None


def mark_written(store, decisions: dict[str, tuple[str, str]], sheets: dict[str, dict[str, str]],
                 path: Optional[str] = None) -> None:
    """Remember what was written into the workbook at path, and its sha256 (a workbook no one has saved since is
    not read back: see absorb_workbook)."""
    rows = [("file", "sha256", "", workbook_digest(path))] if path else []
    rows += [("decision", fid, "复核结论", d) for fid, (d, _) in decisions.items()]
    rows += [("decision", fid, "复核说明", r) for fid, (_, r) in decisions.items()]
    rows += [("signoff", key, name, value) for key, values in sheets.items() for name, value in values.items()]
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.execute("DELETE FROM workbook_written")
        if rows:
            store.con.executemany("INSERT INTO workbook_written VALUES (?, ?, ?, ?)", rows)
        store.con.execute("COMMIT")
    except BaseException:
        store.con.execute("ROLLBACK")
        raise
