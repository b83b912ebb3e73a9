"""The 评分标准 grammar: scoring/cases/grammar.yaml, each wording with the scores it allows around its boundaries."""
from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest
import yaml

from extractor.figures import parse_cell
from scoring.grammar import item_count, parse
from scoring.rounding import compare, interval
from scoring.rules.common import whole_score

CASES = yaml.safe_load(resources.files("scoring").joinpath("cases", "grammar.yaml").read_text(encoding="utf-8"))
VALUES = [(case, v) for case in CASES for v in case["values"]]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_kind(case):
    assert parse(case["text"]).kind == case["kind"]


def _allowed(rule, value, weight, count, printed: str) -> bool:
    scores, _ = rule.scores(value, weight, count)
    fig = parse_cell(printed)
    return any(compare(s, fig, exact_value=whole_score(fig)) == "pass" for s in scores)


@pytest.mark.parametrize("case,item", VALUES, ids=[f"{c['name']} @ {v.get('value', v.get('count'))}" for c, v in VALUES])
def test_scores_at_and_around_boundaries(case, item):
    rule = parse(case["text"])
    value = interval(parse_cell(item["value"])) if item.get("value") is not None else None
    weight = Decimal(str(case["weight"]))
    if item.get("unverifiable"):
        assert rule.scores(value, weight, item.get("count"))[0] is None
        return
    for printed in item["accepts"]:
        assert _allowed(rule, value, weight, item.get("count"), printed), f"{printed} should be accepted"
    for printed in item["rejects"]:
        assert not _allowed(rule, value, weight, item.get("count"), printed), f"{printed} should be rejected"


@pytest.mark.parametrize("note,count", [("佐证材料不够充分，自评数据表有2处填写有误，自评得分94分。", 2),
                                        ("发现3项未满足要求", 3), ("无", None), ("2处错误，另有1项遗漏", None)])
def test_item_count(note, count):
    assert item_count(note) == count


@pytest.mark.parametrize("value,decimals,text", [
    ("-0.0034", 2, "0.00"), ("-0.004", 0, "0"), ("-0.005", 2, "-0.01"), ("0.005", 2, "0.01"), ("-56.34", 2, "-56.34"),
])
def test_render_prints_no_negative_zero(value, decimals, text):
    from decimal import Decimal
    from scoring.rounding import render
    assert render(Decimal(value), decimals) == text
