"""Cross-document checks over small invented reports: the discrepancies are found, matching figures pass,
ambiguous or project-level figures never raise a false alarm, and the checks reach every output."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from jxcheck.batch import run_batch
from jxcheck.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def self_report(unit: str, year: int, body: str, score: str | None = None) -> str:
    text = (f"部门整体支出绩效自评报告\n\n评价年度：{year}年度\n\n评价单位：{unit}\n\n一、部门整体支出情况\n{body}\n")
    if score:
        text += f"\n二、自评结果\n我单位整体支出绩效自评得分为{score}分，优。\n"
    return text


def review_report(unit: str, year: int, score: str, cited: str, body: str = "") -> str:
    return (f"{unit}\n{year} 年度部门整体支出绩效评价报告\n\n评价机构：临江市某会计师事务所有限公司\n\n"
            f"受临江市财政局委托，对{unit} {year} 年度部门整体支出绩效实施重点评价。\n\n"
            f"一、绩效评价结果\n经综合评分，该单位部门整体支出绩效评价得分为 {score} 分，"
            f"等级为{'优' if float(score) >= 90 else '良'}。\n\n"
            f"二、自评情况\n该单位自评报告内容详细。自评得分为 {cited} 分。\n\n三、支出管理情况\n{body}\n")


UNIT_A = "临江市测试服务中心"
UNIT_B = "临江市档案馆"


def write_archive(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "a/2019年自评报告.txt": self_report(UNIT_A, 2019,
            "2019年度实际收入 500.00 万元，实际支出 470.00 万元；年初结转结余 10.00 万元，年末结转结余 40.00 万元。\n"
            "2019年项目实际收入 300.00 万元，项目期末结转结余 5.00 万元。\n整体支出完成率为92%。", "95"),
        "a/2020年自评报告.txt": self_report(UNIT_A, 2020,
            "2020年度实际收入 520.00 万元，实际支出 500.00 万元；年初结转结余 45.00 万元，年末结转结余 65.00 万元。\n"
            "整体支出完成率为89%。", "93"),
        "a/2020年第三方评价报告.txt": review_report(UNIT_A, 2020, "85.00", "95", "整体支出完成率 89%。"),
        "b/2019年自评报告.txt": self_report(UNIT_B, 2019,
            "2019年度实际收入 200.00 万元，实际支出 190.00 万元；年初结转结余 0.00 万元，年末结转结余 10.00 万元。", "91"),
        "b/2020年自评报告.txt": self_report(UNIT_B, 2020,
            "2020年度实际收入 210.00 万元，实际支出 205.00 万元；年初结转结余 10.0 万元，年末结转结余 15.00 万元。\n"
            "整体支出完成率为95%。", "92"),
        "b/2020年第三方评价报告.txt": review_report(UNIT_B, 2020, "92.00", "92", "整体支出完成率 95%。"),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("crossdoc")
    write_archive(base / "in")
    out = base / "out"
    result = run_batch([str(base / "in")], str(out), jobs=2, stream=io.StringIO())
    return base, out, result


def crossdoc_checks(out: Path) -> list[dict]:
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        docs = store.document_objects()
    return [dict(c, attached=Path(d["path"]).relative_to(Path(d["path"]).parents[1]).as_posix(), unit_key=d["unit_key"])
            for d in docs for c in d["checks"] if c["rule"].startswith("crossdoc.")]


def test_carryover_mismatch_is_an_error_on_the_later_document(run):
    _, out, result = run
    hits = [c for c in crossdoc_checks(out) if c["rule"] == "crossdoc.carryover" and c["unit_key"] == UNIT_A]
    assert len(hits) == 1
    c = hits[0]
    assert (c["status"], c["severity"], c["reported"], c["expected"], c["difference"]) == \
        ("fail", "error", "45.00", "40.00", "5.00")
    assert c["attached"] == "a/2020年自评报告.txt"
    assert "45.00 − 40.00 = 5.00万元" in c["message"]
    quotes = [e["quote"] for e in c["evidence"]]
    assert quotes[0].startswith("《2020年自评报告.txt》") and "45.00" in quotes[0]
    assert quotes[1].startswith("《2019年自评报告.txt》") and "40.00" in quotes[1]
    assert all(e["paragraph"] is not None for e in c["evidence"])
    assert result.status == 1


def test_matching_carryover_passes_and_raises_nothing(run):
    _, out, _ = run
    b = [c for c in crossdoc_checks(out) if c["unit_key"] == UNIT_B]
    carry = [c for c in b if c["rule"] == "crossdoc.carryover"]
    assert [(c["status"], c["reported"], c["expected"]) for c in carry] == [("pass", "10.0", "10.0")]
    assert not [c for c in b if c["status"] == "fail" and c["severity"] in ("error", "warning")]
    same = [c for c in b if c["rule"] == "crossdoc.same_figure"]
    assert [(c["status"], c["reported"]) for c in same] == [("pass", "95%")]
    scores = [c for c in b if c["rule"] == "crossdoc.self_vs_review"]
    assert sorted((c["concept"], c["status"]) for c in scores) == [("evaluation_score", "pass"),
                                                                   ("self_evaluation_score", "pass")]


def test_project_level_balance_is_not_taken_for_the_unit_total(run):
    _, out, _ = run
    carry = [c for c in crossdoc_checks(out) if c["rule"] == "crossdoc.carryover" and c["unit_key"] == UNIT_A]
    assert "5.00" not in carry[0]["numbers"] and carry[0]["status"] != "unverifiable"


def test_self_vs_review_cited_score_and_score_gap(run):
    _, out, _ = run
    scores = {c["concept"]: c for c in crossdoc_checks(out)
              if c["rule"] == "crossdoc.self_vs_review" and c["unit_key"] == UNIT_A}
    cited, gap = scores["self_evaluation_score"], scores["evaluation_score"]
    assert (cited["status"], cited["severity"], cited["reported"], cited["expected"]) == ("fail", "error", "95", "93")
    assert cited["attached"] == "a/2020年第三方评价报告.txt"
    assert (gap["status"], gap["severity"], gap["difference"]) == ("fail", "warning", "-8.00")
    assert "低 8.00 分" in gap["message"]
    same = [c for c in crossdoc_checks(out) if c["rule"] == "crossdoc.same_figure" and c["unit_key"] == UNIT_A]
    assert [(c["status"], c["reported"], c["attached"]) for c in same] == [("pass", "89%", "a/2020年第三方评价报告.txt")]


def test_crossdoc_findings_reach_xlsx_csv_and_jsonl(run):
    _, out, _ = run
    wb = openpyxl.load_workbook(out / "discrepancies.xlsx")
    ws = wb[UNIT_A]
    rules = [row[3] for row in ws.iter_rows(min_row=6, values_only=True)]
    assert rules.count("crossdoc.carryover") == 1 and rules.count("crossdoc.self_vs_review") == 2
    carry_row = next(row for row in ws.iter_rows(min_row=6, values_only=True) if row[3] == "crossdoc.carryover")
    places = carry_row[[c.value for c in ws[5]].index("页码")]
    assert [line.split("》")[0] + "》" for line in places.split("\n")] == ["《2020年自评报告.txt》",
                                                                           "《2019年自评报告.txt》"]
    assert not [r for r in wb[UNIT_B].iter_rows(min_row=6, values_only=True) if r[3]]
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text(encoding="utf-8-sig"))))
    carry = [r for r in rows if r["rule"] == "crossdoc.carryover"]
    assert len(carry) == 1 and carry[0]["path"].endswith("2020年自评报告.txt") and "《2019年自评报告.txt》" in carry[0]["quote"]
    docs = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    later = next(d for d in docs if d["path"].endswith("a/2020年自评报告.txt"))
    assert [f["rule"] for f in later["findings"]] == ["crossdoc.carryover"]
    assert any(c["rule"] == "crossdoc.carryover" for c in later["checks"])
    earlier = next(d for d in docs if d["path"].endswith("a/2019年自评报告.txt"))
    assert not any(c["rule"].startswith("crossdoc.") for c in earlier["checks"])


def test_ambiguous_closing_balance_is_unverifiable(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "2019.txt").write_text(self_report(UNIT_A, 2019, "年末结转结余 40.00 万元。\n另据决算，年末结转结余 42.00 万元。"),
                                  encoding="utf-8")
    (src / "2020.txt").write_text(self_report(UNIT_A, 2020, "年初结转结余 45.00 万元。"), encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    carry = [c for c in crossdoc_checks(tmp_path / "out") if c["rule"] == "crossdoc.carryover"]
    assert [c["status"] for c in carry] == ["unverifiable"]
    assert "40.00万元、42.00万元" in carry[0]["message"]
    assert len(carry[0]["evidence"]) == 3


def test_renderings_of_one_report_and_unknown_units_are_not_cross_checked(tmp_path):
    src = tmp_path / "in"
    write_archive(src)
    copy = src / "copy"
    copy.mkdir()
    text = (src / "a" / "2019年自评报告.txt").read_text(encoding="utf-8")
    (copy / "2019年自评报告.txt").write_text(text + "\n\n", encoding="utf-8")
    nobody = src / "nobody"
    nobody.mkdir()
    (nobody / "x2019.txt").write_text("2019年度报告\n年末结转结余 40.00 万元。\n", encoding="utf-8")
    (nobody / "x2020.txt").write_text("2020年度报告\n年初结转结余 99.00 万元。\n", encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=2, stream=io.StringIO())
    checks = crossdoc_checks(tmp_path / "out")
    assert len([c for c in checks if c["rule"] == "crossdoc.carryover" and c["unit_key"] == UNIT_A]) == 1
    assert not [c for c in checks if c["unit_key"] == "单位未识别"]


def test_seed_reports_raise_no_cross_document_alarm(tmp_path):
    src = tmp_path / "seeds"
    shutil.copytree(SEEDS, src, ignore=shutil.ignore_patterns("*.yaml", "*.md"))
    run_batch([str(src)], str(tmp_path / "out"), jobs=2, stream=io.StringIO())
    assert not [c for c in crossdoc_checks(tmp_path / "out") if c["status"] == "fail"]


def test_real_third_party_report_against_invented_self_evaluations(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS / "zj2018_review.docx", src / "zj2018_review.docx")
    unit = "湛江市人民政府行政服务中心"
    (src / "2018自评.txt").write_text(self_report(unit, 2018, "2018年度实际收入 2,704.04 万元。", "96"), encoding="utf-8")
    (src / "2019自评.txt").write_text(self_report(unit, 2019, "2019年度年初结转结余 49.10 万元，年末结转结余 30.00 万元。"),
                                     encoding="utf-8")
    result = run_batch([str(src)], str(tmp_path / "out"), jobs=2, stream=io.StringIO())
    checks = crossdoc_checks(tmp_path / "out")
    carry = [c for c in checks if c["rule"] == "crossdoc.carryover"]
    assert [(c["status"], c["severity"], c["reported"], c["expected"], c["difference"]) for c in carry] == \
        [("fail", "error", "49.10", "41.90", "7.20")]
    assert carry[0]["evidence"][1]["quote"].startswith("《zj2018_review.docx》") and "41.90" in carry[0]["evidence"][1]["quote"]
    scores = {c["concept"]: c for c in checks if c["rule"] == "crossdoc.self_vs_review"}
    assert (scores["self_evaluation_score"]["status"], scores["self_evaluation_score"]["severity"],
            scores["self_evaluation_score"]["reported"], scores["self_evaluation_score"]["expected"]) == \
        ("fail", "error", "94", "96")
    gap = scores["evaluation_score"]
    assert (gap["status"], gap["severity"], gap["difference"]) == ("fail", "info", "-2.30")
    review = next(d for d in result.documents if d["path"].endswith("zj2018_review.docx"))
    assert [f["rule"] for f in review["findings"]].count("crossdoc.self_vs_review") == 1


def test_reports_about_a_project_are_not_compared_with_the_units(tmp_path):
    """Project evaluations by a third party (named a 项目 or not) and a project's self-evaluation state the
    project's score and balances; comparing them with the unit's would raise false alarms."""
    unit = "临江市农业农村局"
    src = tmp_path / "in"
    src.mkdir()

    def project_review(title: str, score: str) -> str:
        return (f"{unit}\n2020年度{title}绩效评价报告\n\n评价机构：临江市某会计师事务所有限公司\n\n"
                f"受临江市财政局委托，我所对{unit}2020年度{title}实施绩效评价。\n\n一、基本情况\n"
                "2020年预算资金 500.00 万元，实际支出 480.00 万元。年初结转结余 10.00 万元，年末结转结余 30.00 万元。\n\n"
                f"二、评价结论\n经综合评分，评价得分为 {score} 分。单位自评得分为 93 分。\n")

    files = {
        "2020自评.txt": self_report(unit, 2020, "2020年度年初结转结余 100.00 万元，年末结转结余 200.00 万元。", "96"),
        "2021自评.txt": self_report(unit, 2021, "2021年度年初结转结余 200.00 万元，年末结转结余 150.00 万元。", "95"),
        "2020道路.txt": project_review("农村道路硬化项目", "82.00"),
        "2020水利.txt": project_review("农田水利设施建设", "85.00"),
        "2021道路自评.txt": ("2021年度农村道路硬化项目绩效自评报告\n\n评价单位：临江市农业农村局\n\n一、资金情况\n"
                           "2021年度年初结转结余 30.00 万元，年末结转结余 0.00 万元。\n"),
    }
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    checks = [c for c in crossdoc_checks(tmp_path / "out") if c["unit_key"] == unit]
    assert [(c["rule"], c["status"], c["attached"]) for c in checks] == [("crossdoc.carryover", "pass", "in/2021自评.txt")]


def test_a_title_run_into_the_text_still_names_the_unit_level_report():
    from scoring.crossdoc import CrossDocument

    def doc(paragraphs: list[str]) -> CrossDocument:
        return CrossDocument("x", "x.pdf", 2020, "third_party_evaluation", "pdf", [], dict(enumerate(paragraphs, 1)))

    merged = ("临江市农业农村局2020年度部门整体支出绩效评价报告受临江市财政局委托，我所对该局2020年度部门整体支出"
              "实施绩效评价，评价中发现部分项目资金使用不够规范。")
    assert doc([merged]).speaks_for_unit
    assert not doc(["临江市农业农村局", "受临江市财政局委托，我所对该局2020年度农村道路硬化项目实施绩效评价，" * 2]).speaks_for_unit
    assert not doc(["一、部门整体支出情况", "2020年度部门整体支出绩效评价报告"]).speaks_for_unit


def test_the_words_before_a_figure_come_from_its_stored_lead(monkeypatch):
    from scoring import crossdoc

    def no_parsing(*args, **kwargs):
        raise AssertionError("paragraph parsed again")

    monkeypatch.setattr(crossdoc, "paragraph_facts", no_parsing)
    fact = {"concept": "closing_balance", "kind": "amount", "value": "40.00", "decimals": 2, "unit": "万元",
            "raw": "40.00", "label": "年末结转结余", "quote": "年末结转结余 40.00 万元", "period": 2019,
            "table": None, "paragraph": 3, "approximate": False,
            "lead": "2019年度实际收入500.00万元；年末结转结余"}
    scoped = dict(fact, value="5.00", raw="5.00", lead="2019年项目实际收入300.00万元，其中项目年末结转结余")
    doc = crossdoc.CrossDocument("d", "a.txt", 2019, "unit_self_evaluation", "txt", [fact, scoped])
    picked = crossdoc.pick(doc, "closing_balance", "amount")
    assert picked.one and picked.chosen.fact is fact


def test_a_rate_is_compared_whatever_stage_words_precede_it(tmp_path):
    """三公经费控制率 after 预算安排数 (stage budget) in the self-evaluation is the same rate as the review's bare
    三公经费控制率; a report stating two different values of the rate is not compared."""
    src = tmp_path / "in"
    src.mkdir()
    three = "2020年“三公经费”预算安排数 20.00 万元，实际支出数 18.00 万元，“三公经费”控制率为 90%。"
    (src / "2020年自评报告.txt").write_text(self_report(UNIT_A, 2020, three, "95"), encoding="utf-8")
    (src / "2020年第三方评价报告.txt").write_text(review_report(UNIT_A, 2020, "93.00", "95", "三公经费控制率 95%。"),
                                           encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    same = [c for c in crossdoc_checks(tmp_path / "out") if c["concept"] == "three_public_control_rate"]
    assert [(c["status"], c["severity"], c["reported"], c["expected"], c["attached"]) for c in same] == \
        [("fail", "error", "95%", "90%", "in/2020年第三方评价报告.txt")]
    (src / "2020年第三方评价报告.txt").write_text(
        review_report(UNIT_A, 2020, "93.00", "95", "三公经费控制率 95%。\n调整后，三公经费控制率 92%。"), encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out2"), jobs=1, stream=io.StringIO())
    assert not [c for c in crossdoc_checks(tmp_path / "out2") if c["concept"] == "three_public_control_rate"]


def test_html_links_cross_document_evidence_to_the_other_page(run):
    from jxcheck.outputs.html import doc_file, unit_dir
    _, out, _ = run
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        docs = {Path(d["path"]).name + d["unit_key"]: d for d in store.document_objects()}
    later, earlier = docs["2020年自评报告.txt" + UNIT_A], docs["2019年自评报告.txt" + UNIT_A]
    page = (out / "html" / unit_dir(UNIT_A) / doc_file(later)).read_text(encoding="utf-8")
    carry = next(f for f in later["findings"] if f["rule"] == "crossdoc.carryover")
    other = next(e for e in carry["evidence"] if e["quote"].startswith("《2019年自评报告.txt》"))
    assert f'href="{doc_file(earlier)}#p-{other["paragraph"]}"' in page
    target = (out / "html" / unit_dir(UNIT_A) / doc_file(earlier)).read_text(encoding="utf-8")
    assert f'id="p-{other["paragraph"]}"' in target


def test_html_places_the_evidence_of_namesake_documents_by_the_names_quotes_give_them(tmp_path):
    """Two years' reports both named 自评报告.txt: quotes name them 2019/自评报告.txt and 2020/自评报告.txt, and the
    page highlights its own evidence and links the other year's to that year's page."""
    from jxcheck.outputs.html import doc_file, unit_dir
    src = tmp_path / "in"
    for year, body in ((2019, "2019年度实际收入 500.00 万元；年初结转结余 10.00 万元，年末结转结余 40.00 万元。"),
                       (2020, "2020年度实际收入 520.00 万元；年初结转结余 45.00 万元，年末结转结余 65.00 万元。")):
        (src / str(year)).mkdir(parents=True)
        (src / str(year) / "自评报告.txt").write_text(self_report(UNIT_A, year, body), encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    with Store(str(tmp_path / "out" / "jxcheck.duckdb"), read_only=True) as store:
        docs = {d["year"]: d for d in store.document_objects()}
    later, earlier = docs[2020], docs[2019]
    number = next(i for i, f in enumerate(later["findings"], start=1) if f["rule"] == "crossdoc.carryover")
    carry = later["findings"][number - 1]
    assert "《2020/自评报告.txt》2020年年初结转结余 45.00万元 与《2019/自评报告.txt》2019年年末结转结余 40.00万元" in carry["message"]
    own, other = carry["evidence"]
    assert own["quote"].startswith("《2020/自评报告.txt》") and other["quote"].startswith("《2019/自评报告.txt》")
    page = (tmp_path / "out" / "html" / unit_dir(UNIT_A) / doc_file(later)).read_text(encoding="utf-8")
    text = page.split('<section id="text">')[1]
    assert re.search(rf'<p class="text" id="p-{own["paragraph"]}">[^\n]*<a id="f{number}-e1"></a><mark class="error"', text)
    assert f'id="f{number}-e2"' not in page
    assert f'href="{doc_file(earlier)}#p-{other["paragraph"]}"' in page


def test_a_namesake_left_out_of_the_checks_still_names_the_documents_as_the_html_does(tmp_path):
    """2020/自评报告.txt is a project report and takes no part, but it shares its file name with 2019/自评报告.txt:
    messages name the 2019 report 2019/自评报告.txt, as the unit's HTML pages do, and the 2020 unit report's page
    links that evidence to the 2019 page."""
    from jxcheck.outputs.html import doc_file, unit_dir
    src = tmp_path / "in"
    (src / "2019").mkdir(parents=True)
    (src / "2020").mkdir()
    (src / "2019" / "自评报告.txt").write_text(self_report(
        UNIT_A, 2019, "2019年度实际收入 500.00 万元；年初结转结余 10.00 万元，年末结转结余 40.00 万元。"), encoding="utf-8")
    (src / "2020" / "整体自评.txt").write_text(self_report(
        UNIT_A, 2020, "2020年度实际收入 520.00 万元；年初结转结余 45.00 万元，年末结转结余 65.00 万元。"), encoding="utf-8")
    (src / "2020" / "自评报告.txt").write_text(
        f"2020年度农村道路硬化项目绩效自评报告\n\n评价单位：{UNIT_A}\n\n一、项目资金情况\n"
        "项目年初结转结余 3.00 万元，年末结转结余 1.00 万元。\n", encoding="utf-8")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    with Store(str(tmp_path / "out" / "jxcheck.duckdb"), read_only=True) as store:
        docs = {Path(d["path"]).relative_to(src).as_posix(): d for d in store.document_objects()}
    later, earlier = docs["2020/整体自评.txt"], docs["2019/自评报告.txt"]
    carry = next(f for f in later["findings"] if f["rule"] == "crossdoc.carryover")
    assert "与《2019/自评报告.txt》2019年年末结转结余 40.00万元" in carry["message"]
    other = next(e for e in carry["evidence"] if e["quote"].startswith("《2019/自评报告.txt》"))
    page = (tmp_path / "out" / "html" / unit_dir(UNIT_A) / doc_file(later)).read_text(encoding="utf-8")
    assert f'href="{doc_file(earlier)}#p-{other["paragraph"]}"' in page


def test_namesakes_are_named_by_the_path_parts_that_tell_them_apart():
    from scoring.crossdoc import CrossDocument, name_documents
    docs = [CrossDocument(str(i), path, 2020, "unit_self_evaluation", "txt", [])
            for i, path in enumerate(["in/a/2019/自评.txt", "in/b/2019/自评.txt", "in/2020/自评.txt", "x.zip!/另一份.txt",
                                      "x.zip!/自评.txt"])]
    name_documents(docs)
    assert [d.name for d in docs] == ["a/2019/自评.txt", "b/2019/自评.txt", "in/2020/自评.txt", "另一份.txt", "自评.txt"]


def test_units_are_loaded_a_few_at_a_time_with_the_same_documents(run):
    from jxcheck.batch import cross_units
    _, out, _ = run
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        keys = [UNIT_A, UNIT_B]
        whole = list(cross_units(store, keys))
        parts = list(cross_units(store, keys, chunk=1))
    assert len(whole) == 1 and len(parts) == 2
    merged = {k: v for part in parts for k, v in part.items()}
    assert {k: [d.doc_id for d in v] for k, v in merged.items()} == {k: [d.doc_id for d in v] for k, v in whole[0].items()}


def stored_crossdoc_rows(db: Path) -> list[tuple]:
    with Store(str(db), read_only=True) as store:
        return store.con.execute("SELECT doc_id, seq, rule, status, severity, message, reported, expected, evidence, "
                                 "related_doc_id, unit_key FROM checks WHERE source = 'crossdoc' ORDER BY seq").fetchall()


def test_forked_cross_checks_store_the_same_rows_and_redo_a_failed_part(run, tmp_path, monkeypatch):
    """Units checked in forked processes, one unit per part, give the stored rows of checking them here; a part
    whose process fails is checked here."""
    import jxcheck.batch as batch
    from scoring import crossdoc
    _, out, _ = run
    monkeypatch.setattr(batch, "CROSS_CHUNK", 1)
    expected = stored_crossdoc_rows(out / "jxcheck.duckdb")
    assert {r[-1] for r in expected} == {UNIT_A, UNIT_B}
    parent = os.getpid()
    real = crossdoc.check_unit

    def failing_in_a_child(docs):
        if os.getpid() != parent and any(d.path.endswith("2020年自评报告.txt") for d in docs):
            raise RuntimeError("a failing cross-check process")
        return real(docs)

    for jobs, check_unit in ((1, real), (2, real), (2, failing_in_a_child)):
        monkeypatch.setattr(crossdoc, "check_unit", check_unit)
        db = tmp_path / f"store-{jobs}-{check_unit.__name__}.duckdb"
        shutil.copy(out / "jxcheck.duckdb", db)
        with Store(str(db)) as store:
            store.con.execute("DELETE FROM checks WHERE source = 'crossdoc'")
            assert batch.run_crossdoc(store, [UNIT_A, UNIT_B], jobs=jobs) == len(expected)
        assert stored_crossdoc_rows(db) == expected


def _unit_doc(i: int, year: int, facts: list[dict]):
    from scoring.crossdoc import CrossDocument
    return CrossDocument(f"d{year}-{i:03d}", f"in/{year}/自评{i:03d}.txt", year, "unit_self_evaluation", "txt", facts,
                         {1: "部门整体支出绩效自评报告"})


def _text_fact(concept: str, label: str, raw: str, unit: str, period: int) -> dict:
    value = raw.rstrip("%")
    return {"concept": concept, "kind": "rate" if raw.endswith("%") else "amount", "value": value,
            "decimals": len(value.split(".")[1]) if "." in value else 0, "unit": unit, "raw": raw, "label": label,
            "quote": f"{label}为{raw}", "period": period, "table": None, "paragraph": 2, "approximate": False,
            "stage": None, "lead": f"{period}年度，{label}为"}


def test_many_reports_of_one_unit_are_each_held_once_to_the_figure_most_of_them_state():
    """40 self-evaluations of one unit and year: each figure is held once to the reference (the figure most
    state, in the first report that states it), not to each of the 39 others: a report that disagrees gets its
    finding, the reports that agree one passing check that counts them; the 2020 opening balances are held to
    the 2019 closing balance most 2019 reports state."""
    from scoring.crossdoc import check_unit
    earlier = [_unit_doc(i, 2019, [_text_fact("closing_balance", "年末结转结余", closing, "万元", 2019)])
               for i, closing in enumerate(["41.00", "40.00", "40.00"])]
    later = [_unit_doc(i, 2020, [_text_fact("three_public_control_rate", "三公经费控制率", "90%" if i % 4 == 0 else "95%", "%",
                                            2020),
                                 _text_fact("opening_balance", "年初结转结余", "45.00" if i == 7 else "40.00", "万元", 2020)])
             for i in range(40)]
    rows = check_unit(earlier + later)
    assert all(len(c.evidence) == 2 for _, _, c in rows)
    same = [(attached, related, c) for attached, related, c in rows
            if c.rule == "crossdoc.same_figure" and c.concept == "three_public_control_rate"]
    assert {related for _, related, _ in same} == {"d2020-001"}
    assert sorted((a, c.status, c.severity, c.reported, c.expected) for a, _, c in same if c.status == "fail") == \
        [(f"d2020-{i:03d}", "fail", "error", "90%", "95%") for i in range(0, 40, 4)]
    passed = [(a, c) for a, _, c in same if c.status == "pass"]
    assert [a for a, _ in passed] == ["d2020-039"] and "等 29 份文件" in passed[0][1].message
    opening = [(a, c.status) for a, _, c in rows if c.concept == "opening_balance" and c.rule == "crossdoc.same_figure"]
    assert sorted(opening) == [("d2020-007", "fail"), ("d2020-039", "pass")]
    closing = [(a, related, c.status) for a, related, c in rows if c.concept == "closing_balance"]
    assert closing == [("d2019-000", "d2019-001", "fail"), ("d2019-002", "d2019-001", "pass")]
    carry = [(attached, related, c) for attached, related, c in rows if c.rule == "crossdoc.carryover"]
    assert {related for _, related, _ in carry} == {"d2019-001"}
    assert sorted((a, c.status, c.reported, c.expected) for a, _, c in carry) == \
        [("d2020-007", "fail", "45.00", "40.00"), ("d2020-039", "pass", "40.00", "40.00")]
    assert "共 39 份报告" in next(c for _, _, c in carry if c.status == "pass").message
    assert len(rows) == 11 + 2 + 2 + 2


def test_a_figure_scattered_over_many_values_is_one_unverifiable_check():
    """Twelve reports of one year printing twelve different rates have no unit-level rate to be held to: one
    unverifiable check, no finding; three reports printing three rates still give two findings."""
    from scoring.crossdoc import check_unit

    def reports(rates: list[str]):
        return [_unit_doc(i, 2020, [_text_fact("three_public_control_rate", "三公经费控制率", rate, "%", 2020)])
                for i, rate in enumerate(rates)]

    rows = check_unit(reports([f"{80 + i}%" for i in range(12)]))
    assert [(a, c.status, c.severity) for a, _, c in rows] == [("d2020-000", "unverifiable", "info")]
    assert "12 份报告列出 12 个不同数值" in rows[0][2].message and len(rows[0][2].evidence) == 2
    rows = check_unit(reports(["80%", "90%", "70%"]))
    assert sorted((a, c.status, c.severity) for a, _, c in rows) == [("d2020-001", "fail", "error"),
                                                                     ("d2020-002", "fail", "error")]
