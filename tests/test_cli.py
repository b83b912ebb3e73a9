"""The command line: JSON valid against the schema, linter-like exit status, readable errors."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from jxcheck.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
SCHEMA = json.loads(resources.files("jxcheck").joinpath("findings.schema.json").read_text(encoding="utf-8"))


def test_json_follows_schema(tmp_path, capsys):
    out = tmp_path / "f.json"
    status = main(["check", str(SEEDS / "zj2018_review.txt"), str(SEEDS / "zj2020_self.pdf"), "--format", "json", "-o", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert status == 1
    doc = data["documents"][0]
    assert [f["severity"] for f in doc["findings"]] == sorted((f["severity"] for f in doc["findings"]),
                                                               key=["error", "warning"].index)
    assert all(c["status"] in ("pass", "fail", "unverifiable") for c in doc["checks"])


def test_exit_zero_when_clean(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("三公经费预算 6.82 万元，实际支出 4.43 万元，三公经费控制率 64.96%。", encoding="utf-8")
    assert main(["check", str(clean)]) == 0


def test_unreadable_file_gives_2_and_others_still_checked(tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    status = main(["check", str(bad), str(SEEDS / "zj2020_self.txt")])
    out = capsys.readouterr().out
    assert status == 2
    assert "corrupt" in out and "2251.36" in out


def test_missing_file_and_bad_usage(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.txt"), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["documents"][0]["error"]["code"] == "unreadable"
    assert main(["frobnicate"]) == 2


def test_csv_has_bom_and_rows(tmp_path):
    out = tmp_path / "f.csv"
    main(["check", str(SEEDS / "zj2020_self.txt"), "--format", "csv", "-o", str(out)])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "sum.breakdown" in raw.decode("utf-8-sig")


def test_rules_unparsed_lists_what_the_grammar_cannot_read(tmp_path, capsys):
    from jxcheck.cli import main
    path = tmp_path / "table.txt"
    path.write_text("一级指标\t二级指标\t权重\t指标说明\t评分标准\t扣分说明\t得分\n"
                    "预算管理\t整体支出完成率\t5\t实际支出/实际收入\t结果≥100%,得5分;100%>结果≥90%,得4分;结果<90%,得0分。\t98.53%\t4\n"
                    "预算管理\t资产管理\t5\t资产是否安全\t按资产管理情况综合评价计分\t无\t5\n", encoding="utf-8")
    assert main(["rules", "--unparsed", str(path)]) == 0
    out = capsys.readouterr().out
    assert "按资产管理情况综合评价计分" in out and "结果≥100%" not in out
    assert main(["rules", str(path)]) == 0
    assert "[分档]" in capsys.readouterr().out



@pytest.mark.parametrize("name", ["=HYPERLINK(1).txt", "+1.txt", "-2.txt", "@SUM(1).txt"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path, monkeypatch, capsys, name):
    import csv
    import io
    monkeypatch.chdir(tmp_path)
    Path(name).write_text("=2020年财政拨款收入100.00万元，其中：基本支出60.00万元，项目支出50.00万元。\n", encoding="utf-8")
    assert main(["check", "--format", "csv", "--", name]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and [row["path"] for row in rows] == ["'" + name] * len(rows)
    assert all(not row[k].startswith(("=", "+", "-", "@")) for row in rows for k in ("message", "quote", "unit"))
