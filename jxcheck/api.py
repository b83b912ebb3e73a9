"""Library API: check one file and return its result shaped like the findings schema's document."""
from __future__ import annotations

from typing import Optional

from extractor.document import read_document
from extractor.facts import extract_facts
from extractor.limits import DEFAULT, Deadline, Limits
from extractor.meta import metadata
from extractor.model import Document, ReadError
from extractor.script import printed_quotes
from scoring import findings, run_checks


def check_file(path: str, with_facts: bool = False, limits: Limits = DEFAULT) -> dict:
    """Read, extract, check; a file that cannot be read gives status error, never an exception.

    Reading and checking together stop after limits.timeout_seconds (status error, code timeout).
    with_facts adds a "facts" list of flat figure records (not part of the findings schema)."""
    return read_and_check(path, with_facts, limits)[1]


def read_and_check(path: str, with_facts: bool = False, limits: Limits = DEFAULT) -> tuple[Document, dict]:
    """check_file that also returns the Document read (the batch worker keeps its text)."""
    deadline = Deadline(limits.timeout_seconds)
    doc = read_document(path, limits, deadline)
    return doc, check_document(doc, with_facts, deadline)


def check_document(doc: Document, with_facts: bool = False, deadline: Optional[Deadline] = None) -> dict:
    """check_file for a Document already read; checking stops when the deadline (the one reading used)
    passes."""
    result = {"path": doc.path, "sha256": doc.sha256, "format": doc.format, "pages": doc.pages,
              "unit": None, "year": None, "report_type": "unknown", "status": "ok", "error": None,
              "findings": [], "checks": []}
    if doc.error is not None:
        result.update(status="error", error={"code": doc.error.code, "message": doc.error.message})
        return result
    try:
        result.update(metadata(doc))
        facts = extract_facts(doc, deadline)
        checks = run_checks(facts, deadline)
    except ReadError as exc:
        seconds = f"{deadline.seconds:g}" if deadline is not None else "?"
        message = (f"检查超过 {seconds} 秒被中止，请拆分文件或提高时间上限 / checking stopped after {seconds} s: "
                   "split the file or raise the time limit") if exc.code == "timeout" else exc.message
        result.update(status="error", error={"code": exc.code, "message": message})
        return result
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
        result.update(status="error", error={"code": "internal", "message":
                      f"检查时内部错误 / internal error while checking: {type(exc).__name__}: {exc}"})
        return result
    result["checks"] = [c.as_dict() for c in checks]
    result["findings"] = [c.as_dict() for c in findings(checks)]
    printed = printed_quotes(doc)
    if printed is not None:
        for check in result["checks"] + result["findings"]:
            for evidence in check["evidence"]:
                evidence["quote"] = printed.quote(evidence["quote"])
    if with_facts:
        result["facts"] = facts.records()
    return result
