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
