"""Runs scoring/cases/*.yaml: each case's text (or corpus file) through the whole pipeline, one expected check
each, or none where status is none; quotes, when given, are the evidence's quotes in order, and message words
the check's message holds; about, when given, words that pick the case's check among several on one figure (a
completion rate recomputed and the same rate held to a comparison in words)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from jxcheck.api import check_file

CASES = [case for f in resources.files("scoring").joinpath("cases").iterdir() if f.name.startswith("rules") and f.name.endswith(".yaml")
         for case in yaml.safe_load(f.read_text(encoding="utf-8"))]


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case, tmp_path):
    if "file" in case:
        path = CORPUS / case["file"]
    else:
        path = tmp_path / "case.txt"
        path.write_text(case["text"], encoding="utf-8")
    checks = check_file(str(path))["checks"]
    hits = [c for c in checks if c["rule"] == case["rule"] and c["reported"] == case["reported"]
            and case.get("about", "") in c["message"]]
    if case["status"] == "none":
        assert not hits, hits[0]["message"]
        return
    assert hits, f"no {case['rule']} check on {case['reported']}: {[(c['rule'], c['reported']) for c in checks]}"
    assert hits[0]["status"] == case["status"], hits[0]["message"]
    if "severity" in case:
        assert hits[0]["severity"] == case["severity"]
    if "message" in case:
        assert case["message"] in hits[0]["message"], hits[0]["message"]
    assert hits[0]["evidence"]
    quotes = [e["quote"] for e in hits[0]["evidence"]]
    if "quotes" in case:
        assert quotes == case["quotes"]
    else:
        assert all(quotes), quotes


def test_every_rule_module_documents_a_failing_and_a_passing_example():
    from scoring import RULE_FAMILIES
    for module in RULE_FAMILIES:
        doc = module.__doc__ or ""
        assert "Fails:" in doc and "Passes:" in doc, module.__name__
