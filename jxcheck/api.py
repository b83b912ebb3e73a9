"""Library API: check one file and return its result shaped like the findings schema's document."""
from __future__ import annotations

from extractor.document import read_document
from extractor.facts import extract_facts
from extractor.limits import DEFAULT, Limits
from extractor.meta import metadata
from extractor.model import Document
from scoring import findings, run_checks


def check_file(path: str, with_facts: bool = False, limits: Limits = DEFAULT) -> dict:
    """Read, extract, check; a file that cannot be read gives status error, never an exception.

    with_facts adds a "facts" list of flat figure records (not part of the findings schema)."""
    return check_document(read_document(path, limits), with_facts)


def check_document(doc: Document, with_facts: bool = False) -> dict:
    """check_file for a Document already read (the batch worker keeps the Document for its text)."""
    result = {"path": doc.path, "sha256": doc.sha256, "format": doc.format, "pages": doc.pages,
              "unit": None, "year": None, "report_type": "unknown", "status": "ok", "error": None,
              "findings": [], "checks": []}
    if doc.error is not None:
        result.update(status="error", error={"code": doc.error.code, "message": doc.error.message})
        return result
    try:
        result.update(metadata(doc))
        facts = extract_facts(doc)
        checks = run_checks(facts)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        result.update(status="error", error={"code": "internal", "message":
                      f"检查时内部错误 / internal error while checking: {type(exc).__name__}: {exc}"})
        return result
    result["checks"] = [c.as_dict() for c in checks]
    result["findings"] = [c.as_dict() for c in findings(checks)]
    if with_facts:
        result["facts"] = facts.records()
    return result
