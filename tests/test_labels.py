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


def _fresh_tokenizer(monkeypatch, cache):
    from extractor import labels
    monkeypatch.setenv("JXCHECK_CACHE_DIR", str(cache))
    labels._tokenizer.cache_clear()
    try:
        return labels._tokenizer()
    finally:
        labels._tokenizer.cache_clear()


def test_dictionary_cache_gives_the_dictionary_jieba_builds(tmp_path, monkeypatch):
    built = _fresh_tokenizer(monkeypatch, tmp_path)
    files = list(tmp_path.glob("jieba-*.dict"))
    assert len(files) == 1
    cached = _fresh_tokenizer(monkeypatch, tmp_path)
    assert cached is not built and cached.total == built.total and dict(cached.FREQ.items()) == built.FREQ
    assert cached.FREQ["结转结余"] == 100000
    text = "部门年末结转结余资金与整体支出完成率的计算口径"
    assert list(cached.cut(text, HMM=False)) == list(built.cut(text, HMM=False))


@pytest.mark.parametrize("damage", [lambda b: b[:len(b) // 2], lambda b: b[:-9] + b"x" * 9, lambda b: b"junk"])
def test_damaged_dictionary_cache_is_rebuilt(tmp_path, monkeypatch, damage):
    good = _fresh_tokenizer(monkeypatch, tmp_path)
    path = next(tmp_path.glob("jieba-*.dict"))
    intact = path.read_bytes()
    path.write_bytes(damage(intact))
    again = _fresh_tokenizer(monkeypatch, tmp_path)
    assert dict(again.FREQ.items()) == dict(good.FREQ.items()) and again.total == good.total
    assert path.read_bytes() == intact


def test_unwritable_cache_directory_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    tokenizer = _fresh_tokenizer(monkeypatch, blocker / "cache")
    assert tokenizer.FREQ["结转结余"] == 100000


@pytest.mark.parametrize("text,label", [
    ("一般公共预算收入累计完成24627万元。", "一般公共预算收入"),
    ("全年共计支出500万元。", "全年共计支出"),
    ("项目资金合计300万元。", "项目资金"),
    ("本年累计支出120万元。", "本年累计支出"),
])
def test_label_drops_trailing_connectors(text, label):
    from extractor.facts import paragraph_facts
    from extractor.model import Paragraph
    facts = paragraph_facts(0, Paragraph(index=0, text=text), 2020).facts
    assert facts[0].label == label


@pytest.mark.parametrize("text, raw, label", [
    ("其中：因公出国(境)费35.6万元，公务接待费1,239.7万元。", "35.6", "因公出国(境)费"),
    ("公务用车购置及运行(维护)费12万元。", "12", "公务用车购置及运行(维护)费"),
    ("（一）因公出国（境）费0万元。", "0", "因公出国（境）费"),
    ("收入总计500万元（含上年结转20万元）100万元。", "100", ""),
])
def test_a_short_bracket_inside_a_name_does_not_cut_its_label(text, raw, label):
    """因公出国(境)费: a bracket of a few words that the name runs on from belongs to the name; a list number (（一）)
    and a bracket with figures in it still end a clause."""
    from extractor.facts import paragraph_facts
    from extractor.model import Paragraph
    facts = paragraph_facts(0, Paragraph(index=1, text=text), None).facts
    assert next(f.label for f in facts if f.figure.raw == raw) == label
