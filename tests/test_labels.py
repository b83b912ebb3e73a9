"""Concept labelling: jieba word boundaries with the domain dictionary decide which synonym a label holds."""
from __future__ import annotations

import pytest

from extractor.facts import concept_of
from extractor.labels import boundaries

CASES = [
    ("主要扣分点：预算编制（扣", None, "deduction"),
    ("其他情况酌情扣分", None, None),
    ("扣除", None, None),
    ("财政拨款决算收入", None, "fiscal_appropriation_income"),
    ("其中一般公共预算财政拨款", None, "general_budget_appropriation_income"),
    ("年末结转结余", None, "closing_balance"),
    ("上年结转结余", None, "opening_balance"),
    ("整体支出完成率为", "rate", "overall_expenditure_completion_rate"),
    ("整体支出完成率为", "amount", None),
    ("三公经费实际支出", None, "three_public_actual"),
    ("自评得分", None, "self_evaluation_score"),
]


@pytest.mark.parametrize("label,kind,concept", CASES)
def test_concept_of(label, kind, concept):
    assert concept_of(label, kind) == concept


def test_domain_words_are_single_tokens():
    cuts = boundaries("部门年末结转结余资金")
    assert {2, 8}.issubset(cuts) or {2, 6}.issubset(cuts)
    assert 4 not in cuts
    assert 3 not in boundaries("酌情扣分")
