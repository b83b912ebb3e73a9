"""The checker: runs every rule family over a document's facts and returns its checks."""
from __future__ import annotations

from decimal import DecimalException
from typing import Optional

from extractor.facts import Facts
from extractor.limits import Deadline
from scoring.model import SEVERITY_ORDER, Check
from extractor.model import Location
from scoring.model import Evidence
from scoring.rules import (balance, change_table, funds_form, hygiene, list_count, ocr_pages, out_of_range, pictures, point_gap,
                           project, ratio, repeat, schedule, score, score_rule, statement, sum_breakdown, table_footing, text_claims,
                           weight_tree)

RULE_FAMILIES = (sum_breakdown, table_footing, change_table, statement, text_claims, balance, funds_form, ratio, schedule, point_gap, repeat, score,
                 score_rule, project, weight_tree, list_count, pictures, ocr_pages, hygiene, out_of_range)


def run_checks(facts: Facts, deadline: Optional[Deadline] = None) -> list[Check]:
    """All checks, one per distinct (rule, reported figure, figures used); repeats merge their evidence; a
    failed check whose figures all sit on OCR pages says so (ocr_pages.annotate).

    deadline.check() is called before each rule family."""
    merged: dict[tuple, Check] = {}
    quoted: dict[tuple, set] = {}
    for family in RULE_FAMILIES:
        if deadline is not None:
            deadline.check()
        for check in _family_checks(family, facts):
            key = check.key()
            if key in merged:
                seen = quoted.get(key)
                if seen is None:
                    seen = quoted[key] = {(e.quote, e.location) for e in merged[key].evidence}
                added = [e for e in check.evidence if (e.quote, e.location) not in seen]
                merged[key].evidence += added
                seen.update((e.quote, e.location) for e in added)
            else:
                merged[key] = check
    kept = _without_rates_judged_elsewhere(list(merged.values()))
    return [ocr_pages.annotate(check, facts.ocr_pages, facts.recognized_pages) for check in kept]


RATE_RULES = ("ratio.recompute", "text.claim_vs_numbers")


def _without_rates_judged_elsewhere(checks: list[Check]) -> list[Check]:
    """The checks less a rate's unverifiable check when the other rate rule recomputed the same printed rate, at the
    same place, to a pass or a finding: two verdicts on one figure would read as a conflict."""
    def place(check: Check) -> Optional[tuple]:
        if check.rule not in RATE_RULES or not check.evidence:
            return None
        first = check.evidence[0]
        return check.reported, first.quote, first.location

    judged = {(c.rule, place(c)) for c in checks if c.status in ("pass", "fail") and place(c) is not None}
    return [c for c in checks if c.status != "unverifiable" or place(c) is None
            or not any((rule, place(c)) in judged for rule in RATE_RULES if rule != c.rule)]


def _family_checks(family, facts: Facts) -> list[Check]:
    """A family's checks; arithmetic beyond Decimal's range (a figure out_of_range did not catch) leaves that
    family unverifiable for this document instead of failing the whole document."""
    try:
        return list(family.check(facts))
    except (DecimalException, OverflowError):
        name = family.__name__.rsplit(".", 1)[-1]
        return [Check(rule=out_of_range.RULE, status="unverifiable", severity="info",
                      message=f"{name} 类核查的计算超出数值范围（数字位数过多），该类核查未进行。",
                      evidence=[Evidence(quote="", location=Location())], identity=("family", name))]


def findings(checks: list[Check]) -> list[Check]:
    """The failed checks with severity error or warning, most severe first."""
    return sorted((c for c in checks if c.is_finding), key=lambda c: SEVERITY_ORDER[c.severity])
