"""Rate formulas printed in documents are parsed into terms and operators."""
from __future__ import annotations

import pytest

from extractor.formulas import _parse
from extractor.model import Location

CASES = [
    ("整体支出完成率=部门(单位)年度实际支出/(上年结余结转+部门(单位)年度实际收入)×100%。",
     "整体支出完成率", ("部门年度实际支出", "/", "(", "上年结余结转", "+", "部门年度实际收入", ")")),
    ("“三公经费”控制率 =(“三公经费”实际支出数/“三公经费”预算安排数)×100%。",
     "三公经费控制率", ("(", "三公经费实际支出数", "/", "三公经费预算安排数", ")")),
    ("预算执行率＝预算执行数÷调整后预算数×100％", "预算执行率", ("预算执行数", "÷", "调整后预算数")),
    ("结转结余率=结转结余总额/当年预算总额；", "结转结余率", ("结转结余总额", "/", "当年预算总额")),
]


@pytest.mark.parametrize("text,name,tokens", CASES)
def test_parse_stated_formula(text, name, tokens):
    found = _parse(text, Location(paragraph=1))
    assert [(f.name, f.tokens) for f in found] == [(name, tokens)]


def test_a_sentence_with_an_equals_sign_but_no_ratio_is_not_a_formula():
    assert _parse("得分=权重×完成率", Location(paragraph=1)) == []
