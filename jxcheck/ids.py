"""Stable finding ids: the same check of the same document content has the same id on every run and machine.

An id hashes the document's content hash (its sha256, the store's doc_id), the rule, the place of the reported
figure (page, paragraph, table, row, column of the check's first evidence), the reported figure as printed and
its concept; a cross-document check also hashes the document it is compared with. Checks that share all of these
(rare: two comparisons of one figure) also hash the places and quotes of their other evidence, so that a comparison
added beside them leaves their ids as they were; only checks alike in that too are told apart by their order among
themselves, which the checks keep from run to run. Any change to a document's bytes changes the ids of all its checks.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Iterable, Optional

ID_LENGTH = 16
PLACE_KEYS = ("page", "paragraph", "table", "row", "col")


def check_key(doc_key: str, check: dict, related: Optional[str] = None) -> str:
    """What a check's id is made from, as one string."""
    evidence = (check.get("evidence") or [{}])[0]
    parts = [doc_key, check["rule"]]
    for k in PLACE_KEYS:
        value = evidence.get(k)
        parts.append("" if value is None else str(value))
    for value in (check.get("reported"), check.get("concept"), related):
        parts.append("" if value is None else str(value))
    return "\x1f".join(parts)


def companions_key(check: dict) -> str:
    """The places and quotes of a check's evidence after the first, as one string."""
    return "\x1d".join("\x1f".join("" if e.get(k) is None else str(e.get(k)) for k in (*PLACE_KEYS, "quote"))
                       for e in (check.get("evidence") or [])[1:])


def finding_ids(doc_key: str, checks: Iterable[dict], related: Optional[Iterable[Optional[str]]] = None) -> list[str]:
    """The ids of a document's checks, in their order; related gives each check's compared document."""
    checks = list(checks)
    others = list(related) if related is not None else [None] * len(checks)
    keys = [check_key(doc_key, check, other) for check, other in zip(checks, others)]
    shared = {k for k, n in Counter(keys).items() if n > 1}
    seen: dict[str, int] = {}
    out = []
    for check, key in zip(checks, keys):
        if key in shared:
            key = f"{key}\x1c{companions_key(check)}"
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(hashlib.sha256(f"{key}\x1e{n}".encode("utf-8")).hexdigest()[:ID_LENGTH])
    return out


def with_ids(doc_key: str, checks: list[dict]) -> list[dict]:
    """The check dicts with their id as the first key."""
    return [{"id": fid, **({k: v for k, v in c.items() if k != "id"} if "id" in c else c)}
            for fid, c in zip(finding_ids(doc_key, checks), checks)]
