"""Every corpus document gives exactly its hand-checked findings, and each format of a report the same ones."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jxcheck.api import check_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
EXPECTED = sorted(CORPUS.rglob("*.expected.yaml"))
FORMATS = (".txt", ".docx", ".pdf", ".xlsx", ".xls", ".html", ".htm", ".mht", ".doc")
CASES = [(exp, src) for exp in EXPECTED
         for src in sorted(exp.parent.glob(exp.name.replace(".expected.yaml", ".*")))
         if src.suffix in FORMATS]


def _ids(case):
    return str(case[1].relative_to(CORPUS))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_findings_match_expected(case):
    expected_path, source = case
    expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
    result = check_file(str(source))
    assert result["status"] == "ok", result["error"]
    got = sorted((f["rule"], f["severity"], f["reported"], f["expected"]) for f in result["findings"])
    want = sorted((f["rule"], f["severity"], f["reported"], f["expected"]) for f in expected["findings"])
    assert got == want


PRIMARY = (".txt", ".docx", ".pdf")


def _primary(cases):
    """One source per report for the pass/unverifiable lists: its TXT, else its DOCX, else its PDF."""
    by_report = {}
    for exp, src in cases:
        if src.suffix not in PRIMARY:
            continue
        if exp not in by_report or PRIMARY.index(src.suffix) < PRIMARY.index(by_report[exp][1].suffix):
            by_report[exp] = (exp, src)
    return sorted(by_report.values())


@pytest.mark.parametrize("case", _primary(CASES), ids=_ids)
def test_expected_passes_and_unverifiables(case):
    expected_path, source = case
    expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
    checks = check_file(str(source))["checks"]
    for status, items in (("pass", expected.get("passes") or []), ("unverifiable", expected.get("unverifiable") or [])):
        for item in items:
            assert any(c["rule"] == item["rule"] and c["reported"] == item["reported"] and c["status"] == status
                       for c in checks), f"missing {status} {item}"


def test_all_formats_of_a_seed_agree():
    for stem in ("zj2020_self", "zj2018_review"):
        results = [check_file(str(CORPUS / "seeds" / f"{stem}.{ext}")) for ext in ("txt", "docx", "pdf")]
        keys = [sorted((f["rule"], f["severity"], f["reported"], tuple(sorted(f["numbers"]))) for f in r["findings"])
                for r in results]
        assert keys[0] == keys[1] == keys[2]
        assert len(keys[0]) > 0
        performed = [sorted((c["rule"], c["status"], c["reported"] or "") for c in r["checks"]) for r in results]
        assert performed[0] == performed[1] == performed[2]


@pytest.mark.parametrize("stem", ["fa01_natural_resources", "fa01f5_word", "fa01f7_year"])
def test_a_final_accounts_report_in_docx_and_pdf_gets_the_same_checks(stem):
    """The PDF of a report breaks lines where its DOCX does not (before 其中): the checks made must not depend on it,
    or the batch lists the two formats as two reports."""
    results = [check_file(str(CORPUS / "final-accounts" / f"{stem}.{ext}")) for ext in ("docx", "pdf")]
    performed = [sorted((c["rule"], c["status"], c["reported"] or "") for c in r["checks"]) for r in results]
    assert performed[0] == performed[1]
    assert len(performed[0]) > 50


def test_seed_metadata():
    r = check_file(str(CORPUS / "seeds" / "zj2018_review.pdf"))
    assert (r["unit"], r["year"], r["report_type"]) == ("湛江市人民政府行政服务中心", 2018, "third_party_evaluation")
    r = check_file(str(CORPUS / "seeds" / "zj2020_self.docx"))
    assert (r["unit"], r["year"], r["report_type"]) == ("湛江市人民政府行政服务中心", 2020, "unit_self_evaluation")


def test_findings_point_at_pages_in_pdf():
    r = check_file(str(CORPUS / "seeds" / "zj2018_review.pdf"))
    row = next(f for f in r["findings"] if f["reported"] == "3.98")
    ev = row["evidence"][0]
    assert ev["page"] == 3 and ev["table"] is not None and "3.98" in ev["quote"]


def test_project_table_metadata():
    r = check_file(str(CORPUS / "project-tables" / "pt05_rural_water.pdf"))
    assert (r["unit"], r["year"], r["report_type"]) == ("青溪县农村供水管理站", 2022, "project_self_evaluation_table")


@pytest.mark.parametrize("name, unit", [("rs_r04_qingshen_fgj_wages_2023.txt", "青神县发展和改革局"),
                                        ("rs_r19_langfang_spgcxx_nuantong_2019.txt", "廊坊市食品工程学校")])
def test_a_form_copied_one_cell_a_line_names_its_unit_on_the_line_after_the_label(name, unit):
    """实施单位 (盖章) | / 青神县发展和改革局 |: the 实施单位 before the 主管部门 printed above it."""
    assert check_file(str(CORPUS / "real" / name))["unit"] == unit


def test_a_form_with_a_coded_supervising_department_alone_names_it(tmp_path):
    """主管部门 | / [155]濉溪县民政局 |, no 实施单位: the department, its code aside."""
    path = tmp_path / "form.txt"
    path.write_text("绩效目标自评表 (2019年度) |\n||||||||\n项目名称 |\n临时救助 |\n|\n|\n|||||\n主管部门 |\n"
                    "[155]濉溪县民政局 |\n|\n|\n", encoding="utf-8")
    assert check_file(str(path))["unit"] == "濉溪县民政局"


def _performed(result):
    return sorted((c["rule"], c["status"], c["severity"], c["reported"] or "", c["expected"] or "", tuple(sorted(c["numbers"])))
                  for c in result["checks"])


@pytest.mark.parametrize("table", sorted((CORPUS / "project-tables").glob("*.xlsx")), ids=lambda p: p.name)
def test_a_project_table_in_a_workbook_gets_the_checks_of_its_docx(table):
    docx = check_file(str(table.with_suffix(".docx")))
    for copy in (table, table.with_suffix(".xls")):
        result = check_file(str(copy))
        assert result["format"] == copy.suffix[1:]
        assert (result["unit"], result["year"], result["report_type"]) == (docx["unit"], docx["year"], docx["report_type"])
        assert _performed(result) == _performed(docx) and result["checks"]


SLIPS_IN_MESSAGES = ("%%", "万元万元", "元元", "。。", "，，", "None", "亿元亿元")


def test_messages_on_the_real_corpus_read_cleanly():
    """A message prints each unit once and no empty value (a rate rendered with its % and then given another)."""
    bad = []
    for path in sorted((CORPUS / "real").glob("*.txt")):
        for c in check_file(str(path))["checks"]:
            bad += [(path.name, c["message"]) for slip in SLIPS_IN_MESSAGES if slip in c["message"]]
    assert not bad, bad[:5]
