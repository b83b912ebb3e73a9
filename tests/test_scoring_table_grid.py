"""A 评分表 in a Word table with merged level cells: weights add up by level, each 得分 is held to its 分值 and the total
得分 to the sum of the scores, read from the grid (covered cells continue the indicator above)."""
from __future__ import annotations

import docx

from jxcheck.api import check_file

ROWS = [
    ["一级指标", "二级指标", "三级指标", "分值", "得分"],
    ["投入(20分)", "目标设定(8分)", "绩效目标合理性", "4", "4"],
    ["", "", "绩效指标明确性", "4", "3"],
    ["", "预算配置(12分)", "在职人员控制率", "6", "6"],
    ["", "", "三公经费变动率", "6", "7"],
    ["合计", "", "", "20", "20"],
]


def _scoring_table(path):
    document = docx.Document()
    document.add_paragraph("部门整体支出绩效评价评分表")
    table = document.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(4, 0)).text = "投入(20分)"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "目标设定(8分)"
    table.cell(3, 1).merge(table.cell(4, 1)).text = "预算配置(12分)"
    document.save(path)


def test_a_word_scoring_table_is_read_by_level_with_its_scores(tmp_path):
    path = tmp_path / "评分表.docx"
    _scoring_table(path)
    checks = check_file(str(path))["checks"]
    by = {(c["rule"], c["reported"], c["status"]) for c in checks}
    assert ("score.weight_tree", "20", "pass") in by and ("score.weight_tree", "8", "pass") in by
    over = [c for c in checks if c["rule"] == "score.weight" and c["reported"] == "7"]
    assert over and over[0]["status"] == "fail" and over[0]["severity"] == "error"
    assert ("score.total", "20", "pass") in by
