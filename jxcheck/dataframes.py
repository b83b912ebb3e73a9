"""The store as pandas DataFrames for analysts (pandas is the optional extra jxcheck[frames]): documents, facts,
checks, findings (with each one's current review decision) and reviews (every decision, oldest first)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jxcheck.failures import RunError

FINDINGS = """SELECT c.finding_id AS id, d.unit_key, d.unit, d.year, d.path, c.rule, c.severity, c.message, c.reported,
    c.expected, c.difference, c.unit AS figure_unit, c.source, r.decision, r.reason, r.reviewer, r.decided_at
    FROM checks c JOIN documents d USING (doc_id) LEFT JOIN ({current}) r ON r.finding_id = c.finding_id
    WHERE c.status = 'fail' AND c.severity IN ('error', 'warning')
    ORDER BY d.unit_key, d.year, d.path, c.source = 'crossdoc', c.seq"""


@dataclass
class Frames:
    """One DataFrame per table of the store."""

    documents: Any
    facts: Any
    checks: Any
    findings: Any
    reviews: Any


def frames(db: str) -> Frames:
    """Read the store at db (opened read-only) into DataFrames."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise RunError("missing_pandas", "需要 pandas：pip install 'jxcheck[frames]' / pandas is needed: pip install "
                                         "'jxcheck[frames]'") from None
    from jxcheck import reviews
    from jxcheck.store import Store
    with Store(db, read_only=True) as store:
        con = store.con
        has_reviews = reviews.has_reviews(store)
        current = reviews.CURRENT if has_reviews else (
            "SELECT NULL::VARCHAR AS finding_id, NULL::VARCHAR AS decision, NULL::VARCHAR AS reason, "
            "NULL::VARCHAR AS reviewer, NULL::TIMESTAMP AS decided_at WHERE false")
        history = ("SELECT * FROM reviews ORDER BY decided_at, rowid" if has_reviews else
                   "SELECT NULL::VARCHAR AS finding_id, NULL::VARCHAR AS decision WHERE false")
        return Frames(
            documents=con.execute("SELECT * FROM documents ORDER BY unit_key, year, path").df(),
            facts=con.execute("SELECT * FROM facts ORDER BY doc_id, seq").df(),
            checks=con.execute("SELECT * FROM checks ORDER BY doc_id, source, seq").df(),
            findings=con.execute(FINDINGS.format(current=current)).df(),
            reviews=con.execute(history).df())
