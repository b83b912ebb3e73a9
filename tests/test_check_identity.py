"""Checks that add up alike in different places are kept apart; the same check seen twice is one."""
from __future__ import annotations

from pathlib import Path

import regex

from jxcheck.api import check_file

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def test_two_columns_that_add_up_alike_are_two_checks():
    checks = check_file(str(SEEDS / "zj2018_review.txt"))["checks"]
    subtotal = [c["message"] for c in checks if c["rule"] == "table.footing" and c["message"].startswith("表2“小计”行")
                and c["reported"] == "0.3"]
    assert any("期初余额" in m for m in subtotal) and any("本年支出" in m for m in subtotal), subtotal


def test_a_project_table_read_back_keeps_one_check_per_funds_column():
    checks = check_file(str(SEEDS.parent / "real" / "pt_ah_jinzhai_meili_2023.txt"))["checks"]
    columns = {m.group(1) for c in checks if c["rule"] == "table.footing"
               and (m := regex.search(r"年度资金总额（(.+?)）", c["message"]))}
    assert {"年初预算数", "全年预算数"} <= columns, columns


def test_a_table_footing_over_two_numbered_levels_adds_the_first_level_only(tmp_path):
    """一、共享收入 and 二、区级固定收入 with their 1、2、 rows under them: 合计 = the 一、 rows; a percent column is not
    added; a second total below the first, whose rows' levels are not printed, is unverifiable when it does not foot."""
    from extractor.document import read_document
    from extractor.facts import extract_facts
    from scoring.rules.table_footing import _footings
    rows = [("项目", "2016年预算数", "上年完成数", "比上年增减%"), ("一、共享收入", "300", "200", "50.00"),
            ("1、增值税", "100", "80", "25.00"), ("2、营业税", "200", "120", "66.67"), ("二、区级固定收入", "50", "40", "25.00"),
            ("1、罚没收入", "50", "40", "25.00"), ("区级财政收入合计", "350", "240", "45.83"),
            ("上级补助收入", "100", "90", ""), ("税收返回及转移支付补助", "100", "90", ""), ("上年结转结余", "20", "10", ""),
            ("收入总计", "470", "340", "")]
    path = tmp_path / "table.txt"
    path.write_text("\n".join(" | ".join(r) + " |" for r in rows), encoding="utf-8")
    [view] = extract_facts(read_document(str(path))).tables
    checks = {(c.reported, c.status) for c in _footings(view)}
    assert ("350", "pass") in checks and ("240", "pass") in checks
    assert not any(reported == "45.83" for reported, _ in checks)
    assert ("470", "unverifiable") in checks and ("340", "unverifiable") in checks
