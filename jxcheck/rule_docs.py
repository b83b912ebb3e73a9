"""The rules by id: their Chinese names and the module whose docstring says what they check, with a failing and a
passing example (`jxcheck rule ID`)."""
from __future__ import annotations

import importlib
from typing import Optional

RULES: dict[str, tuple[Optional[str], str]] = {
    "sum.breakdown": ("scoring.rules.sum_breakdown", "合计与分项"),
    "sum.change": ("scoring.rules.sum_breakdown", "增减额与两年数"),
    "sum.count": ("scoring.rules.list_count", "列举项数"),
    "table.footing": ("scoring.rules.table_footing", "表格纵向合计"),
    "table.crossfooting": ("scoring.rules.table_footing", "表格横向合计"),
    "table.change": ("scoring.rules.change_table", "增减栏复算"),
    "table.incomplete": ("scoring.rules.project", "自评表资金栏缺失"),
    "statement.tree": ("scoring.rules.statement", "决算表科目层级"),
    "statement.row_identity": ("scoring.rules.statement", "决算表行内勾稽"),
    "statement.cross_table": ("scoring.rules.statement", "决算表表间一致"),
    "text.claim_vs_numbers": ("scoring.rules.text_claims", "文字表述与数字"),
    "balance.rollforward": ("scoring.rules.balance", "结转结余勾稽"),
    "balance.totals": ("scoring.rules.balance", "收支总计相等"),
    "ratio.recompute": ("scoring.rules.ratio", "比率复算"),
    "ratio.schedule": ("scoring.rules.schedule", "序时进度"),
    "ratio.point_gap": ("scoring.rules.point_gap", "与对比增幅之差"),
    "repeat.same_concept": ("scoring.rules.repeat", "同一项目前后一致"),
    "score.total": ("scoring.rules.score", "总分复算"),
    "score.grade": ("scoring.rules.score", "评价等级"),
    "score.rule": ("scoring.rules.score_rule", "按评分标准复评"),
    "score.weight": ("scoring.rules.score_rule", "得分与分值"),
    "score.self_vs_review": ("scoring.rules.score_rule", "自评得分引用"),
    "score.target": ("scoring.rules.project", "绩效指标得分"),
    "score.weight_tree": ("scoring.rules.weight_tree", "分值层级"),
    "document.pictures": ("scoring.rules.pictures", "图片内容未核"),
    "document.ocr_pages": ("scoring.rules.ocr_pages", "扫描页识别"),
    "document.hygiene": ("scoring.rules.hygiene", "文稿规范"),
    "figure.out_of_range": ("scoring.rules.out_of_range", "超长数字"),
    "crossdoc.carryover": ("scoring.crossdoc", "跨年结转结余衔接"),
    "crossdoc.same_figure": ("scoring.crossdoc", "同年报告数字一致"),
    "crossdoc.self_vs_review": ("scoring.crossdoc", "自评与第三方评价得分"),
    "document.read": (None, "文档读取"),
}
READ_DOC = """document.read — a file that cannot be read (damaged, encrypted, no text layer, too large, time limit).

Fails:  a PDF that is a scan without a text layer (no_text_layer); a DOCX that is not a zip (corrupt).
Passes: every readable file (no row).
"""


def name_zh(rule: str) -> str:
    """The rule's Chinese name, or the id itself for a rule not listed."""
    return RULES.get(rule, (None, rule))[1]


def describe(rule: str) -> Optional[str]:
    """What `jxcheck rule ID` prints: the id and Chinese name, then its module's docstring (what it checks, a
    failing and a passing example); None for an unknown id."""
    if rule not in RULES:
        return None
    module, zh = RULES[rule]
    doc = READ_DOC if module is None else (importlib.import_module(module).__doc__ or "")
    return f"{rule}（{zh}）\n\n{doc.strip()}\n"
