"""The checker: runs every rule family over a document's facts and returns its checks."""
from __future__ import annotations

from typing import Optional

from extractor.facts import Facts
from extractor.limits import Deadline
from scoring.model import SEVERITY_ORDER, Check
from scoring.rules import (balance, hygiene, ocr_pages, pictures, project, ratio, repeat, score, score_rule, statement,
                           sum_breakdown, table_footing, text_claims)

RULE_FAMILIES = (sum_breakdown, table_footing, statement, text_claims, balance, ratio, repeat, score, score_rule, project,
                 pictures, ocr_pages, hygiene)


def run_checks(facts: Facts, deadline: Optional[Deadline] = None) -> list[Check]:
    """All checks, one per distinct (rule, reported figure, figures used); repeats merge their evidence; a
    failed check whose figures all sit on OCR pages says so (ocr_pages.annotate).

    deadline.check() is called before each rule family."""
    merged: dict[tuple, Check] = {}
    for family in RULE_FAMILIES:
        if deadline is not None:
            deadline.check()
        for check in family.check(facts):
            key = check.key()
            if key in merged:
                seen = {(e.quote, e.location) for e in merged[key].evidence}
                merged[key].evidence += [e for e in check.evidence if (e.quote, e.location) not in seen]
            else:
                merged[key] = check
    return [ocr_pages.annotate(check, facts.ocr_pages, facts.recognized_pages) for check in merged.values()]


def findings(checks: list[Check]) -> list[Check]:
    """The failed checks with severity error or warning, most severe first."""
    return sorted((c for c in checks if c.is_finding), key=lambda c: SEVERITY_ORDER[c.severity])
