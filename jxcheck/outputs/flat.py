"""findings.csv (UTF-8 with BOM, one row per finding and per unreadable file) and findings.jsonl.

findings.jsonl holds one findings-schema document object per line, cross-document checks included.
CSV text fields that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable

from jxcheck.outputs import by_unit, rows_of

FIELDS = ["unit", "path", "sha256", "year", "report_type", "rule", "severity", "message", "reported", "expected",
          "difference", "unit_of_figure", "page", "paragraph", "table", "row", "col", "quote", "id", "copies"]
TEXT_FIELDS = ("unit", "path", "message", "quote", "copies")


def safe_cell(text):
    """A text cell a spreadsheet will not run as a formula."""
    if isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_rows(docs: list[dict]) -> list[dict]:
    rows = []
    for unit, unit_docs in by_unit(docs).items():
        for doc in unit_docs:
            for f in rows_of(doc):
                ev = (f.get("evidence") or [{}])[0]
                row = {"unit": unit, "path": doc["path"], "sha256": doc.get("sha256"), "year": doc.get("year"),
                       "report_type": doc.get("report_type"), "rule": f["rule"], "severity": f["severity"],
                       "message": f["message"], "reported": f.get("reported"), "expected": f.get("expected"),
                       "difference": f.get("difference"), "unit_of_figure": f.get("unit"), "page": ev.get("page"),
                       "paragraph": ev.get("paragraph"), "table": ev.get("table"), "row": ev.get("row"),
                       "col": ev.get("col"), "quote": "\n".join(e.get("quote", "") for e in f.get("evidence") or []),
                       "id": f.get("id"), "copies": "\n".join(c["path"] for c in doc.get("copies") or [])}
                rows.append({k: (safe_cell(v) if k in TEXT_FIELDS else v) for k, v in row.items()})
    return rows


def csv_text(docs: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(csv_rows(docs))
    return buf.getvalue()


def write_csv(path: str, docs: list[dict]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(csv_text(docs))


def write_jsonl(path: str, lines: Iterable[str]) -> None:
    """findings.jsonl from the documents' JSON lines (Store.document_lines)."""
    with open(path, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
