"""Properties of the text normalizer and the figure parser, checked on generated input."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.figures import parse_cell, parse_figures
from extractor.normalize import _map_char, compact, normalize

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
REPORT_CHARS = st.sampled_from(list("0123456789０１２３４５６７８９.,．，%％ \u3000\u00a0\t\n元万亿分个项人年月日"
                                    "资金预算执行率为约余共计合－−-（）()《》“”：:；;。") + ["个百分点", "万元", "亿元"])
report_text = st.lists(REPORT_CHARS, max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=80), report_text)


@FAST
@given(any_text)
def test_normalize_never_raises_and_maps_every_character_back(text):
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    assert norm.offsets == sorted(norm.offsets)
    for i, ch in enumerate(norm.text):
        assert 0 <= norm.offsets[i] < len(text)
        assert ch in _map_char(text[norm.offsets[i]])
    compact(text)


@FAST
@given(any_text, st.data())
def test_quote_of_any_span_is_verbatim_original_text(text, data):
    norm = normalize(text)
    assume(norm.text)
    start = data.draw(st.integers(0, len(norm.text) - 1))
    end = data.draw(st.integers(start + 1, len(norm.text)))
    o_start, o_end = norm.span_to_original(start, end)
    assert 0 <= o_start < o_end <= len(text)
    assert normalize(text[o_start:o_end]).text.replace(" ", "").find(norm.text[start:end].replace(" ", "")) >= 0
    assert norm.quote(start, end) in " ".join(text.split())


@FAST
@given(any_text)
def test_figure_parser_never_raises_and_spans_stay_inside(text):
    norm = normalize(text)
    for fig in parse_figures(norm.text):
        assert 0 <= fig.start < fig.end <= len(norm.text)
        assert fig.decimals >= 0 and fig.kind in ("amount", "rate", "score", "count", "points", "number")
        assert norm.quote(fig.start, fig.end) in " ".join(text.split())
    parse_cell(text)


UNITS = [("万元", "amount"), ("元", "amount"), ("亿元", "amount"), ("%", "rate"), ("分", "score"),
         ("个百分点", "points"), ("项", "count")]


def printed(value: Decimal, decimals: int, separators: bool) -> str:
    return f"{value:,.{decimals}f}" if separators else f"{value:.{decimals}f}"


@FAST
@given(st.integers(0, 10**12), st.integers(0, 4), st.sampled_from(UNITS), st.booleans(), st.booleans(), st.booleans())
def test_printed_figures_parse_back_to_the_same_value(units, decimals, unit_kind, separators, full_width, space):
    unit, kind = unit_kind
    value = Decimal(units).scaleb(-decimals)
    number = printed(value, decimals, separators)
    if full_width:
        number = number.translate(FULL_WIDTH)
        unit = unit.translate(FULL_WIDTH)
    text = f"本年度项目资金为{number}{' ' if space else ''}{unit}，详见附表。"
    figures = parse_figures(normalize(text).text)
    assert len(figures) == 1, (text, figures)
    fig = figures[0]
    assert (fig.value, fig.decimals, fig.kind) == (value, decimals, kind), text
    assert fig.raw == f"{value:.{decimals}f}" + ("%" if kind == "rate" else "")


@FAST
@given(st.integers(1, 99_999_999), st.sampled_from(["元", "万元", "人"]))
def test_chinese_numerals_parse_back_to_the_same_amount(n, unit):
    import cn2an
    assume(unit != "万元" or n < 10000)
    text = f"共计{cn2an.an2cn(n)}{unit}。"
    figures = [f for f in parse_figures(normalize(text).text) if f.kind != "number"]
    assert len(figures) == 1, (text, figures)
    assert figures[0].value * figures[0].scale == n * (10000 if unit == "万元" else 1), text


@FAST
@given(st.integers(0, 10**10), st.integers(0, 3), st.sampled_from(["", "%", "万元", "元", "分"]), st.booleans(),
       st.booleans())
def test_table_cells_parse_back_to_the_same_value(units, decimals, unit, negative, separators):
    value = Decimal(units).scaleb(-decimals)
    text = ("-" if negative else "") + printed(value, decimals, separators) + unit
    fig = parse_cell(f" {text} ")
    assert fig is not None, text
    assert fig.value == (-value if negative else value) and fig.decimals == decimals


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=2))
def test_neighbouring_printed_figures_never_agree(units, decimals):
    """Two figures one last-digit unit apart stand for intervals that only touch ([79.5, 80.5) and [80.5, 81.5)):
    one recomputed from the other is never taken to agree with it, while a value exactly on the boundary, which
    rounds half up, is."""
    from scoring.rounding import Interval, compare, interval
    step = Decimal(10) ** -decimals
    low = parse_cell(f"{Decimal(units) * step:.{decimals}f}%")
    high = parse_cell(f"{(Decimal(units) + 1) * step:.{decimals}f}%")
    assert compare(interval(low), high) != "pass"
    assert compare(interval(high), low) != "pass"
    boundary = (low.value + high.value) / 2
    assert compare(Interval(boundary, boundary, boundary), high) == "pass"
