"""check --format json's own encoder writes what json.dumps(obj, ensure_ascii=False, indent=2) writes."""
from __future__ import annotations

import enum
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxcheck.outputs.json_text import dumps_indented

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=30)


def _reference(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


@FAST
@given(values)
def test_generated_values_are_written_as_json_dumps_writes_them(value):
    assert dumps_indented(value) == _reference(value)


class Level(enum.IntEnum):
    LOW = 1


class Name(str):
    pass


@pytest.mark.parametrize("value", [
    {}, [], (), {"a": ()}, {"a": (1, [2, {}])}, float("nan"), -0.0, 10 ** 40, "\u2028\"\\\n\x01😀",
    [Level.LOW], {"k": Name("v")}, {Name("k"): 1}, {1: "a"}, {None: 1, True: 2, 1.5: 3},
])
def test_edge_values_are_written_as_json_dumps_writes_them(value):
    assert dumps_indented(value) == _reference(value)


@pytest.mark.parametrize("value", [[Decimal(1)], {(1, 2): 3}, {"a": {1, 2}}])
def test_what_json_cannot_write_fails_as_json_dumps_fails(value):
    with pytest.raises(TypeError):
        dumps_indented(value)


def test_a_checked_document_is_written_as_json_dumps_writes_it(tmp_path):
    from jxcheck.api import check_file
    path = tmp_path / "report.txt"
    path.write_text("本单位2023年度预算收入100.00万元，其中财政拨款80.00万元，其他收入20.00万元。\n", encoding="utf-8")
    result = {"tool": "jxcheck", "documents": [check_file(str(path))]}
    assert dumps_indented(result) == _reference(result)
