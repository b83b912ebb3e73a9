"""Store rows of a document: its facts, checks and blocks as tuples in the store's column order.

Built in the worker process that checked the document, so the batch process only inserts them; this module
imports no database library, so workers do not load one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Optional

from jxcheck.ids import finding_ids

FACT_COLUMNS = ["doc_id", "seq", "concept", "stage", "period", "value", "value_num", "unit", "decimals", "kind",
                "raw", "approximate", "label", "quote", "page", "paragraph", "table_no", "row_no", "col_no", "lead"]
CHECK_COLUMNS = ["doc_id", "seq", "source", "rule", "status", "severity", "message", "concept", "reported",
                 "expected", "difference", "unit", "numbers", "evidence", "related_doc_id", "unit_key", "finding_id"]
BLOCK_COLUMNS = ["doc_id", "seq", "kind", "paragraph", "table_no", "page", "text", "cells"]


def check_row(doc_id: str, seq: int, source: str, check: dict, related: Optional[str], unit_key: Optional[str],
              finding_id: Optional[str] = None) -> tuple:
    """One check as a store row; its numbers and evidence as JSON text (Store.document_lines embeds them); its
    id is the check's own "id" unless given."""
    return (doc_id, seq, source, check["rule"], check["status"], check["severity"], check["message"],
            check.get("concept"), check.get("reported"), check.get("expected"), check.get("difference"),
            check.get("unit"), json.dumps(check.get("numbers") or [], ensure_ascii=False),
            json.dumps(check.get("evidence") or [], ensure_ascii=False), related, unit_key,
            finding_id or check.get("id"))


@dataclass
class Rows:
    """A document's facts, checks and blocks as store rows (built where the document was checked)."""

    facts: list[tuple]
    checks: list[tuple]
    blocks: list[tuple]


@dataclass
class Parts:
    """A document's facts, checks and blocks rows as Parquet files (table → path), written where it was checked
    (batch --parts); the store reads them in the transaction that stores the document."""

    files: dict[str, str]


def document_rows(doc_id: str, result: dict, blocks: Iterable[dict]) -> Rows:
    """The rows of one checked document: its result's facts and checks, and its blocks (document_blocks)."""
    facts = [(doc_id, i, f.get("concept"), f.get("stage"), f.get("period"), f.get("value"), f.get("value"),
              f.get("unit"), f.get("decimals"), f.get("kind"), f.get("raw"), f.get("approximate"),
              f.get("label"), f.get("quote"), f.get("page"), f.get("paragraph"), f.get("table"),
              f.get("row"), f.get("col"), f.get("lead")) for i, f in enumerate(result.get("facts") or [])]
    own = result.get("checks") or []
    ids = finding_ids(doc_id, own)
    checks = [check_row(doc_id, i, "document", c, None, None, c.get("id") or fid)
              for i, (c, fid) in enumerate(zip(own, ids))]
    block_rows = [(doc_id, i, b["kind"], b.get("paragraph"), b.get("table_no"), b.get("page"), b.get("text"),
                   json.dumps(b["cells"], ensure_ascii=False) if b.get("cells") is not None else None)
                  for i, b in enumerate(blocks)]
    return Rows(facts, checks, block_rows)
