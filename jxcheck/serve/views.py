"""What the pages of `jxcheck serve` show, read from the store: plain values for the templates (every text from a
document is escaped by the templates, or by outputs.html for the marked text)."""
from __future__ import annotations

from collections import Counter
from typing import Optional

from jxcheck import reviews
from jxcheck.outputs import REPORT_TYPE_ZH, SEVERITY_ZH, rows_of, totals, where
from jxcheck.outputs.html import TICK_CLASS, _checklist, _entries, _own_quote, marked_text
from jxcheck.rule_docs import name_zh
from jxcheck.serve import pages
from jxcheck.store import copy_groups, merge_copies
from jxcheck.units import UNKNOWN
from scoring.crossdoc import document_names

DECISION_CLASS = {"确认": "confirmed", "排除": "dismissed", "待核": "pending"}
SIGNATURE = ("rule", "status", "severity", "concept", "reported", "expected", "difference")


def _documents(store, unit_keys=None) -> list[dict]:
    docs = store.document_objects(unit_keys=unit_keys, passing=False)
    return merge_copies(docs, copy_groups(store, [d["doc_id"] for d in docs]))


def _decided(docs: list[dict], current: dict) -> int:
    return sum(1 for d in docs for f in rows_of(d) if f.get("id") in current)


def units(store) -> dict:
    """The units with their documents' counts and how many findings are decided."""
    docs = _documents(store)
    current = reviews.current(store)
    groups: dict[str, list[dict]] = {}
    for d in docs:
        groups.setdefault(d["unit_key"], []).append(d)
    rows = []
    for key in sorted(groups, key=lambda k: (k == UNKNOWN, k)):
        unit_docs = groups[key]
        t = totals(unit_docs)
        rows.append({"key": key, "documents": len(unit_docs), "errors": t.errors, "warnings": t.warnings,
                     "unverifiable": t.unverifiable, "unreadable": t.unreadable,
                     "findings": sum(len(rows_of(d)) for d in unit_docs), "decided": _decided(unit_docs, current)})
    return {"units": rows}


def unit(store, key: str) -> Optional[dict]:
    """A unit's documents, or None for an unknown unit."""
    docs = _documents(store, [key])
    if not docs:
        return None
    current = reviews.current(store)
    rows = []
    for d in sorted(docs, key=lambda d: (d["year"] is None, d["year"] or 0, d["path"])):
        t = totals([d])
        rows.append({"doc_id": d["doc_id"], "path": d["path"], "year": d.get("year"), "format": d["format"],
                     "type": REPORT_TYPE_ZH.get(d.get("report_type"), ""), "status": d["status"],
                     "error": (d.get("error") or {}).get("message"), "errors": t.errors, "warnings": t.warnings,
                     "unverifiable": t.unverifiable, "findings": len(rows_of(d)),
                     "decided": _decided([d], current), "copies": d.get("copies") or []})
    return {"unit": key, "documents": rows}


def _signature(check: dict) -> tuple:
    return tuple(check.get(k) for k in SIGNATURE)


def _rendering(store, doc: dict, view: str) -> Optional[dict]:
    """The copy of doc (one report in another file) whose pages are to be shown, or None."""
    for copy in doc.get("copies") or []:
        if copy["sha256"] == view or view.startswith(copy["sha256"][:16]):
            rows = store.documents(doc_ids=[copy["sha256"]])
            return rows[0] if rows else None
    return None


def _as_copy(checks: list[dict], copy_checks: list[dict]) -> list[dict]:
    """doc's checks with the evidence of the same checks of its copy (equal in all but their places, matched in
    order), ids kept: so the copy's pages are marked and decisions stay on the report's own ids."""
    pool: dict[tuple, list[dict]] = {}
    for c in copy_checks:
        pool.setdefault(_signature(c), []).append(c)
    out = []
    for c in checks:
        twins = pool.get(_signature(c))
        out.append(dict(c, evidence=twins.pop(0)["evidence"]) if twins else dict(c, evidence=[]))
    return out


def document(store, doc_id: str, filters: dict[str, str], view: str = "") -> Optional[dict]:
    """A document's page: its marked pages or text, its findings with their decisions, and its checklist; view
    names a copy (another file of the same report) whose pages to show."""
    rows = store.documents(doc_ids=[doc_id])
    if not rows:
        return None
    unit_docs = _documents(store, [rows[0]["unit_key"] or UNKNOWN])
    doc = next((d for d in unit_docs if d["doc_id"] == doc_id), None)
    if doc is None:
        doc = store.document_objects(doc_ids=[doc_id], passing=False)[0]
    checks = [{k: v for k, v in c.items() if not k.startswith("_")}
              for c in store.checks([doc_id], passing=True).get(doc_id, [])]
    shown, shown_checks = doc, checks
    copy = _rendering(store, doc, view) if view else None
    if copy is not None:
        copy_checks = store.checks([copy["doc_id"]], passing=True).get(copy["doc_id"], [])
        shown_checks = _as_copy(checks, copy_checks)
        by_id = {c["id"]: c for c in shown_checks}
        shown = dict(doc, path=copy["path"], format=copy["format"], sha256=copy["sha256"], doc_id=copy["doc_id"],
                     findings=[by_id.get(f["id"], f) for f in doc["findings"]],
                     checks=[c for c in shown_checks if c["status"] != "pass"])
    readable = [d for d in unit_docs if d["status"] == "ok"]
    names = document_names([d["path"] for d in readable])
    counts = Counter(names)
    own_name = next((n for n, d in zip(names, readable) if d["doc_id"] == doc_id and counts[n] == 1), None)
    findings = rows_of(shown)
    ticks = [c for c in shown_checks if c["status"] in TICK_CLASS]
    current = reviews.current(store)
    data = pages.source(shown["path"], shown["sha256"]) if shown["format"] == "pdf" else None
    page_list, placed, text = [], {}, ""
    if data is not None:
        entries = _entries(findings, ticks)
        boxes = pages.boxes(data, entries, lambda c, ev: _own_quote(c, ev, own_name))
        for n in range(1, pages.page_count(data) + 1):
            page_list.append({"number": n, "boxes": [b for b in boxes if b.page == n]})
        placed = {b.anchor: True for b in boxes if b.anchor}
    else:
        blocks = store.blocks([shown["doc_id"]]).get(shown["doc_id"], [])
        text, placed = marked_text(shown, blocks, shown_checks, own_name)
    items = []
    for i, f in enumerate(findings, start=1):
        review = current.get(f.get("id") or "")
        decision = review.decision if review else ""
        visible = ((not filters.get("rule") or f["rule"] == filters["rule"])
                   and (not filters.get("severity") or f["severity"] == filters["severity"])
                   and (not filters.get("decision") or decision == filters["decision"]
                        or (filters["decision"] == "未复核" and not decision)))
        places = [{"anchor": f"f{i}-e{j}" if placed.get(f"f{i}-e{j}") else "", "where": where(ev),
                   "quote": ev.get("quote", "")} for j, ev in enumerate(f.get("evidence") or [], start=1)]
        items.append({"number": i, "finding": f, "rule_zh": name_zh(f["rule"]),
                      "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"]), "places": places,
                      "review": review, "count": len(reviews.history(store, f["id"])) if f.get("id") else 0,
                      "hidden": not visible})
    renderings = [{"doc_id": doc["doc_id"], "view": "", "path": doc["path"], "format": doc["format"]}]
    renderings += [{"doc_id": doc["doc_id"], "view": c["sha256"][:16], "path": c["path"], "format": c["format"]}
                   for c in doc.get("copies") or []]
    return {"doc": doc, "shown": shown, "unit": doc["unit_key"], "type": REPORT_TYPE_ZH.get(doc.get("report_type"), ""),
            "pages": page_list, "text": text, "items": items, "filters": filters, "view": view,
            "rules": sorted({f["rule"] for f in findings}), "decisions": reviews.DECISIONS,
            "severities": [("error", "错误"), ("warning", "警告"), ("info", "提示")], "renderings": renderings,
            "checklist": _checklist(shown_checks, placed, findings) if doc["status"] == "ok" else "",
            "pdf_missing": shown["format"] == "pdf" and data is None}


def page_png(store, doc_id: str, number: int) -> Optional[bytes]:
    rows = store.documents(doc_ids=[doc_id])
    if not rows or rows[0]["format"] != "pdf":
        return None
    data = pages.source(rows[0]["path"], rows[0]["sha256"])
    return pages.render_png(data, number) if data is not None else None


def export_workbook(store, path: str) -> None:
    """The reviewed workpaper: the batch workbook with the decisions and sign-offs in the store."""
    from jxcheck.outputs.xlsx import write_xlsx
    docs = _documents(store)
    standing = reviews.standing(store)
    stored = store.checks([d["doc_id"] for d in docs], passing=True)
    all_checks = {doc_id: [{k: v for k, v in c.items() if not k.startswith("_")} for c in checks]
                  for doc_id, checks in stored.items()}
    write_xlsx(path, docs, decisions={fid: (r.decision, r.reason) for fid, r in standing.kept.items()},
               signoffs=reviews.signoffs(store), gone=standing.gone, all_checks=all_checks)
