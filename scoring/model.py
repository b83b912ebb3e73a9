"""A check: one recomputation with its status, the figures it used and where they are."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from extractor.model import Location

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Evidence:
    """A quoted place in the document."""

    quote: str
    location: Location

    def as_dict(self) -> dict:
        where = self.location
        return {"quote": self.quote, "page": where.page, "paragraph": where.paragraph, "table": where.table,
                "row": where.row, "col": where.col}


@dataclass
class Check:
    """The result of one check, shaped like the findings schema's check object."""

    rule: str
    status: str
    severity: str
    message: str
    concept: Optional[str] = None
    reported: Optional[str] = None
    expected: Optional[str] = None
    difference: Optional[str] = None
    unit: Optional[str] = None
    numbers: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    identity: Optional[tuple] = None

    @classmethod
    def judged(cls, verdict: str, **fields) -> "Check":
        """A check from a verdict (pass, warning or error): a pass is info, a failure takes the verdict as
        its severity."""
        return cls(status="pass" if verdict == "pass" else "fail",
                   severity="info" if verdict == "pass" else verdict, **fields)

    @property
    def is_finding(self) -> bool:
        return self.status == "fail" and self.severity in ("error", "warning")

    def key(self) -> tuple:
        """Checks with equal keys are one check seen twice; identity separates look-alikes (two table rows)."""
        return (self.rule, self.reported, tuple(sorted(self.numbers)), self.identity)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "status": self.status, "severity": self.severity,
                "message": self.message, "concept": self.concept, "reported": self.reported,
                "expected": self.expected, "difference": self.difference, "unit": self.unit,
                "numbers": list(self.numbers), "evidence": [e.as_dict() for e in self.evidence]}
