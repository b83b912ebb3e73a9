"""The outputs: the xlsx workpapers (sheet names, header fields, frozen header, filter, numeric cells), the csv
with BOM, jsonl lines valid against the schema, and self-contained escaped HTML with working anchors."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from importlib import resources
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from jxcheck.batch import run_batch
from jxcheck.outputs.flat import write_csv
from jxcheck.outputs.xlsx import sheet_name, write_xlsx

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
SCHEMA = json.loads(resources.files("jxcheck").joinpath("findings.schema.json").read_text(encoding="utf-8"))
LONG_UNIT = "某某省某某市某某区人民政府办公室下属的某某服务中心（本级）附属单位"


def finding(rule, severity, reported, expected, difference, unit, message="m", quote="q", **where):
    loc = {"page": None, "paragraph": None, "table": None, "row": None, "col": None, **where}
    return {"rule": rule, "status": "fail", "severity": severity, "message": message, "concept": None,
            "reported": reported, "expected": expected, "difference": difference, "unit": unit,
            "numbers": [reported], "evidence": [dict(loc, quote=quote)]}


def doc(path, unit_key, year, findings, status="ok", error=None):
    return {"path": path, "sha256": "0" * 64, "format": "txt", "pages": None, "unit": unit_key, "year": year,
            "report_type": "third_party_evaluation", "status": status, "error": error, "findings": findings,
            "checks": findings + [dict(findings[0], status="unverifiable", severity="info")] if findings else [],
            "doc_id": path, "unit_key": unit_key}


@pytest.fixture
def docs():
    return [
        doc("a/2018.txt", "湛江市人民政府行政服务中心", 2018, [
            finding("ratio.recompute", "warning", "98.53%", "98.52%", "0.01", "%", paragraph=46),
            finding("balance.rollforward", "error", "41.90", "41.93", "-0.03", "万元", table=2, row=4, col=8),
            finding("score.total", "error", "93.70", "n/a", None, "分", message="=HYPERLINK(\"x\")\x07响铃", page=3,
                    paragraph=10)]),
        doc("b/2019.txt", LONG_UNIT, 2019, [finding("sum.breakdown", "error", "2,251.36", "2195.02", "56.34", "万元")]),
        doc("c/abc.txt", "abc局", 2020, [finding("sum.breakdown", "error", "1", "2", "-1", "元")]),
        doc("d/ABC.txt", "ABC局", 2020, [finding("sum.breakdown", "error", "1", "2", "-1", "元")]),
        doc("e/x?.txt", "A/B:C*局", 2020, [finding("sum.breakdown", "error", "1", "2", "-1", "元")]),
        doc("f/broken.pdf", "单位未识别", None, [], status="error",
            error={"code": "corrupt", "message": "文件损坏 / corrupt file"}),
    ]


def test_sheet_names_obey_excel_limits():
    taken = {"汇总"}
    names = [sheet_name(n, taken) for n in ("abc", "ABC", "A/B:C*?[x]\\", "", "'引号'", "History", LONG_UNIT, LONG_UNIT)]
    assert names[:6] == ["abc", "ABC~2", "A_B_C___x__", "单位", "引号", "History~2"]
    assert len(names[6]) == 31 and len(names[7]) == 31 and names[6] != names[7]
    assert len({n.lower() for n in names}) == len(names)
    assert all(not re.search(r"[\[\]:*?/\\]", n) and n.strip() for n in names)


def num(cell) -> Decimal:
    assert cell.data_type == "n", cell.value
    return Decimal(str(cell.value))


def test_xlsx_workpapers(tmp_path, docs):
    path = tmp_path / "d.xlsx"
    write_xlsx(str(path), docs)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-2:] == ["单位未识别", "勾稽标记"]
    assert len(wb.sheetnames) == 8 and len({n.lower() for n in wb.sheetnames}) == 8
    assert "A_B_C_局" in wb.sheetnames and all(len(n) <= 31 for n in wb.sheetnames)
    for ws in wb.worksheets[:-1]:
        labels = {ws.cell(row=r, column=c).value: ws.cell(row=r, column=c + 1).value
                  for r in (2, 3) for c in range(1, 9)}
        assert {"被审计单位", "期间", "索引号", "编制人/日期", "复核人/日期"} <= set(labels)
        assert ws.freeze_panes == "A6" and ws.auto_filter.ref.startswith("A5:")
    ws = wb["湛江市人民政府行政服务中心"]
    assert ws["B2"].value == "湛江市人民政府行政服务中心" and ws["E2"].value == "2018" and ws["H2"].value is None
    header = [c.value for c in ws[5]]
    assert header == ["年度", "文件", "报告类型", "规则", "规则名称", "严重程度", "说明", "报告数", "复算数", "差额", "金额单位",
                      "页码", "原文", "复核结论", "复核说明", "编号"]
    col = {title: i for i, title in enumerate(header)}
    rows = {r[3].value: r for r in ws.iter_rows(min_row=6)}
    rate = rows["ratio.recompute"]
    assert num(rate[col["报告数"]]) == Decimal("0.9853") and rate[col["报告数"]].number_format == "0.00%"
    assert num(rate[col["复算数"]]) == Decimal("0.9852") and num(rate[col["差额"]]) == Decimal("0.01")
    assert "个百分点" in rate[col["差额"]].number_format and rate[col["金额单位"]].value == "%"
    assert rate[col["规则名称"]].value == "比率复算"
    amount = rows["balance.rollforward"]
    assert num(amount[col["报告数"]]) == Decimal("41.90") and num(amount[col["差额"]]) == Decimal("-0.03")
    assert amount[col["报告数"]].number_format == "#,##0.00"
    assert amount[col["页码"]].value == "表2 第4行 第8列" and amount[col["严重程度"]].value == "错误"
    score = rows["score.total"]
    assert score[col["复算数"]].value == "n/a" and score[col["差额"]].value is None
    assert score[col["页码"]].value == "第3页 第10段"
    assert score[col["说明"]].value == '=HYPERLINK("x")响铃' and score[col["说明"]].data_type == "s"
    assert ws.auto_filter.ref == "A5:P8"
    long_sheet = wb[sheet_name(LONG_UNIT, set())]
    assert long_sheet["B2"].value == LONG_UNIT and num(long_sheet["H6"]) == Decimal("2251.36")
    summary = wb["汇总"]
    units = {r[0].value: [c.value for c in r][:8] for r in summary.iter_rows(min_row=6, max_row=11)}
    assert units["湛江市人民政府行政服务中心"][2:] == [1, "2018", 2, 1, 1, 0]
    assert units["单位未识别"][2:] == [1, None, 0, 0, 0, 1]
    cells = [c.value for row in summary.iter_rows(min_row=12) for c in row]
    assert "无法读取的文档" in cells and "f/broken.pdf" in cells and "corrupt" in cells
    unknown = wb["单位未识别"]
    assert unknown["B2"].value is None and unknown["D6"].value == "document.read"


def test_csv_has_bom_one_row_per_finding_and_no_formulas(tmp_path, docs):
    path = tmp_path / "f.csv"
    write_csv(str(path), docs)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3 + 1 + 1 + 1 + 1 + 1
    read = [r for r in rows if r["rule"] == "document.read"]
    assert len(read) == 1 and read[0]["path"] == "f/broken.pdf" and "corrupt" in read[0]["message"]
    hyper = next(r for r in rows if r["rule"] == "score.total")
    assert hyper["message"].startswith("'=") and next(r for r in rows if r["rule"] == "balance.rollforward")["difference"] == "-0.03"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("outputs")
    src = base / "in"
    src.mkdir()
    for name in ("zj2018_review.txt", "zj2020_self.txt"):
        shutil.copy(SEEDS / name, src / name)
    (src / "hostile.txt").write_text(
        "评价单位：<b>临江市</b>测试局\n2020年度自评报告\n<script>alert('x')</script>三公经费预算 6.82 万元，"
        "实际支出 4.43 万元，三公经费控制率 70.00%。 & \"quoted\"\n", encoding="utf-8")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = base / "out"
    run_batch([str(src)], str(out), jobs=2, stream=io.StringIO())
    return out


def test_jsonl_lines_follow_the_schema(small_run):
    lines = (small_run / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/document", "$defs": SCHEMA["$defs"]})
    docs = [json.loads(line) for line in lines]
    assert len(docs) == 4
    for d in docs:
        validator.validate(d)
    assert {d["status"] for d in docs} == {"ok", "error"}


def test_html_escapes_text_and_links_findings_to_highlighted_figures(small_run):
    html_files = list((small_run / "html").rglob("d-*.html"))
    assert len(html_files) == 4
    hostile = next(p.read_text(encoding="utf-8") for p in html_files if "hostile.txt" in p.read_text(encoding="utf-8"))
    assert "<script>" not in hostile and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hostile
    assert "<b>临江市</b>" not in hostile and "&lt;b&gt;" in hostile and "&amp; &quot;quoted&quot;" in hostile
    assert 'href="#f1-e1"' in hostile and 'id="f1-e1"' in hostile and 'id="finding-1"' in hostile
    assert re.search(r'<mark class="error"[^>]*><a href="#finding-1">70\.00%</a></mark>', hostile)
    for page in html_files:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:|//)', text) and "<link" not in text
        for target in re.findall(r'href="#([^"]+)"', text):
            assert f'id="{target}"' in text, (page.name, target)
    review = next(p.read_text(encoding="utf-8") for p in html_files if "zj2018_review.txt" in p.read_text(encoding="utf-8"))
    assert re.search(r'<td class="error"[^>]*><a id="f\d+-e\d+"></a>', review)
    assert len(re.findall(r"<li id=\"finding-", review)) == 8


def test_html_indexes_link_units_and_documents(small_run):
    top = (small_run / "index.html").read_text(encoding="utf-8")
    units = re.findall(r'href="(html/u-[0-9a-f]+/index\.html)"', top)
    assert len(units) == 3 and "湛江市人民政府行政服务中心" in top and "单位未识别" in top
    for rel in units:
        index = small_run / rel
        links = re.findall(r'href="(d-[0-9a-f]+\.html)"', index.read_text(encoding="utf-8"))
        assert links and all((index.parent / link).exists() for link in links)


def test_xlsx_keeps_figures_excel_cannot_hold_as_printed_text(tmp_path):
    huge, precise, tiny = "1" + "0" * 400, "12345678901234567.89", "0." + "0" * 320 + "1"
    finding = {"rule": "sum.breakdown", "status": "fail", "severity": "error", "message": "m", "concept": None,
               "reported": huge, "expected": precise, "difference": tiny, "unit": "元", "numbers": [], "evidence": []}
    doc = {"path": "x.txt", "unit_key": "单位甲", "unit": "单位甲", "year": 2020, "report_type": "unknown",
           "status": "ok", "error": None, "findings": [finding], "checks": [finding], "doc_id": "x"}
    path = tmp_path / "big.xlsx"
    write_xlsx(str(path), [doc])
    row = openpyxl.load_workbook(path)["单位甲"][6]
    assert [c.value for c in row[7:10]] == [huge, precise, tiny]
    assert all(c.data_type == "s" for c in row[7:10])
    fine = dict(finding, reported="123456789012345", expected="1E+20", difference="-0.01")
    write_xlsx(str(path), [dict(doc, findings=[fine], checks=[fine])])
    row = openpyxl.load_workbook(path)["单位甲"][6]
    assert [num(c) for c in row[7:10]] == [Decimal("123456789012345"), Decimal("1E+20"), Decimal("-0.01")]


def test_a_picture_page_note_reaches_every_output(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS.parent / "scanned-pages" / "sp01_signed_copy.pdf", src / "sp01.pdf")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["rule"], r["severity"], r["page"]) for r in rows] == [("ratio.recompute", "error", "1"),
                                                                      ("document.pictures", "info", "2")]
    [doc] = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    note = next(c for c in doc["checks"] if c["rule"] == "document.pictures")
    assert note["status"] == "unverifiable" and "第2页" in note["message"] and note not in doc["findings"]
    book = openpyxl.load_workbook(out / "discrepancies.xlsx")
    cells = [c for sheet in book.worksheets[1:] for row in sheet.iter_rows(values_only=True) for c in row]
    assert "document.pictures" in cells and "提示" in cells
    [page] = list((out / "html").rglob("d-*.html"))
    assert "document.pictures" in page.read_text(encoding="utf-8")
    assert "发现的问题（1）与提示（1）" in page.read_text(encoding="utf-8")


def written(out: Path) -> dict[str, bytes]:
    """Every output file but the store and the workbook (whose zip records a time), by relative path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix not in (".duckdb", ".wal", ".xlsx")}


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def outputs_of(small_run: Path, target: Path, jobs: int) -> None:
    from jxcheck.batch import write_outputs
    from jxcheck.store import Store
    shutil.copy(small_run / "jxcheck.duckdb", target.parent / f"{target.name}.duckdb")
    target.mkdir()
    store = Store(str(target.parent / f"{target.name}.duckdb"))
    try:
        write_outputs(str(target), store.document_objects(passing=False), store, jobs=jobs)
    finally:
        store.close()


def test_outputs_written_by_forked_processes_equal_those_written_in_turn(small_run, tmp_path, monkeypatch):
    import jxcheck.batch as batch
    monkeypatch.setattr(batch, "HTML_PART", 1)
    outputs_of(small_run, tmp_path / "one", jobs=1)
    outputs_of(small_run, tmp_path / "two", jobs=2)
    one, two = written(tmp_path / "one"), written(tmp_path / "two")
    assert len([name for name in one if name.endswith(".html")]) == 4 + 3 + 1
    assert one == two
    assert sheet_values(tmp_path / "one" / "discrepancies.xlsx") == sheet_values(tmp_path / "two" / "discrepancies.xlsx")


def test_an_output_whose_process_fails_is_written_again_by_the_batch_process(small_run, tmp_path, monkeypatch):
    import os

    import jxcheck.batch as batch
    from jxcheck.outputs import flat, html, xlsx
    parent = os.getpid()

    def only_here(real):
        def run(*args, **kwargs):
            if os.getpid() != parent:
                raise RuntimeError("a failing output process")
            return real(*args, **kwargs)
        return run

    monkeypatch.setattr(batch, "HTML_PART", 1)
    outputs_of(small_run, tmp_path / "one", jobs=1)
    for module, name in ((html, "write_unit"), (flat, "write_jsonl"), (xlsx, "write_xlsx")):
        monkeypatch.setattr(module, name, only_here(getattr(module, name)))
    outputs_of(small_run, tmp_path / "two", jobs=2)
    assert written(tmp_path / "one") == written(tmp_path / "two")
    assert sheet_values(tmp_path / "one" / "discrepancies.xlsx") == sheet_values(tmp_path / "two" / "discrepancies.xlsx")
