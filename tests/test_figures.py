"""The figure parser on real-world strings (price-parser style): value, unit, decimals as printed."""
from __future__ import annotations

import pytest

from extractor.figures import parse_figures
from extractor.normalize import normalize

TABLE = [
    ("财政拨款决算收入2251.36万元", [("2251.36", "万元", "amount", 2)]),
    ("政府性基金预算财政拨款收入121.9 万元。", [("121.9", "万元", "amount", 1)]),
    ("收入预算 2,222.53 万元", [("2222.53", "万元", "amount", 2)]),
    ("１２３．４５万元", [("123.45", "万元", "amount", 2)]),
    ("完成率为９７％", [("97%", "%", "rate", 0)]),
    ("群众满意率 92.42 %", [("92.42%", "%", "rate", 2)]),
    ("得分为 93.70 分", [("93.70", "分", "score", 2)]),
    ("三千五百万元", [("3500", "万元", "amount", 0)]),
    ("壹佰万元", [("100", "万元", "amount", 0)]),
    ("上升2.5个百分点", [("2.5", "个百分点", "points", 1)]),
    ("1986 .72 万元", [("1986.72", "万元", "amount", 2)]),
    ("2 ,222.53 万元", [("2222.53", "万元", "amount", 2)]),
    ("年度资金总额194.9194.9100%", []),
    ("2020年6月18日", []),
    ("总法定时限 20342 日", [("20342", "日", "count", 0)]),
    ("上划省级收入8.09亿元", [("8.09", "亿元", "amount", 2)]),
    ("编制25名", [("25", "名", "count", 0)]),
    ("森林受害率0.0738‰", [("0.0738‰", "%", "rate", 5)]),
    ("基本支出预算  2476260.58  元", [("2476260.58", "元", "amount", 2)]),
]


@pytest.mark.parametrize("text,want", TABLE, ids=[t for t, _ in TABLE])
def test_parse(text, want):
    got = [(f.raw, f.unit, f.kind, f.decimals) for f in parse_figures(normalize(text).text)]
    assert got == want


def test_approximate_marked():
    figs = parse_figures(normalize("话务量 42.9 万余宗，约 300 人，总金额控制 1595 万元以内").text)
    assert [f.approximate for f in figs] == [True, True, True]


def test_offsets_map_back_to_original():
    import unicodedata
    text = "收入　１,２３４．５６ 万元，比例９７％"
    nt = normalize(text)
    figs = parse_figures(nt.text)
    assert [f.raw for f in figs] == ["1234.56", "97%"]
    for f in figs:
        a, b = nt.span_to_original(f.start, f.end)
        original = unicodedata.normalize("NFKC", text[a:b]).replace(",", "").replace(" ", "")
        assert original.startswith(f.raw.rstrip("%"))
