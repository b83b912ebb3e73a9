"""The reviewer's side: stable finding ids, one report in several files listed once, review decisions kept in the
store across re-runs and read back from discrepancies.xlsx."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import jsonschema

from jxcheck.api import check_file
from jxcheck.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SCHEMA = json.loads((ROOT / "jxcheck" / "findings.schema.json").read_text(encoding="utf-8"))


def jsonl(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def test_finding_ids_follow_the_content_not_the_path_or_the_run(tmp_path):
    first = check_file(str(SEEDS / "zj2018_review.txt"))
    moved = tmp_path / "elsewhere.txt"
    shutil.copy(SEEDS / "zj2018_review.txt", moved)
    again = check_file(str(moved))
    ids = [c["id"] for c in first["checks"]]
    assert len(ids) == len(set(ids)) > 100
    assert ids == [c["id"] for c in again["checks"]]
    assert {f["id"] for f in first["findings"]} <= set(ids) and first["findings"]
    changed = tmp_path / "changed.txt"
    changed.write_text(moved.read_text(encoding="utf-8") + "\n附注。\n", encoding="utf-8")
    assert not set(ids) & {c["id"] for c in check_file(str(changed))["checks"]}
    jsonschema.validate({"tool": "jxcheck", "version": "x", "documents": [first]}, SCHEMA)


def test_one_report_in_three_formats_is_listed_once_naming_every_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for ext in ("txt", "docx", "pdf"):
        shutil.copy(SEEDS / f"zj2020_self.{ext}", src / f"zj2020_self.{ext}")
    (src / "other.txt").write_text((SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
                                   .replace("2251.36", "2195.02"), encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    docs = jsonl(out)
    for doc in docs:
        jsonschema.validate({"tool": "jxcheck", "version": "x", "documents": [doc]}, SCHEMA)
    report = next(d for d in docs if d["path"].endswith("zj2020_self.docx"))
    assert sorted(Path(c["path"]).name for c in report["copies"]) == ["zj2020_self.pdf", "zj2020_self.txt"]
    assert [Path(d["path"]).name for d in docs] == ["other.txt", "zj2020_self.docx"]
    assert "copies" not in docs[0]
    single = check_file(str(src / "zj2020_self.docx"))
    assert [f["id"] for f in report["findings"] if not f["rule"].startswith("crossdoc.")] == \
        [f["id"] for f in single["findings"]]
    import csv
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    ids = [r["id"] for r in rows if r["path"].endswith("zj2020_self.docx")]
    assert ids and len(ids) == len(set(ids)) and not [r for r in rows if r["path"].endswith(("self.txt", ".pdf"))]


def unit_rows(ws) -> tuple[dict[str, int], list[tuple]]:
    """A unit sheet's column numbers by title and its table rows (below the header row)."""
    from jxcheck.outputs.xlsx import HEADER_ROW
    head = {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    return head, [tuple(ws.cell(r, c).value for c in range(1, ws.max_column + 1))
                  for r in range(HEADER_ROW + 1, ws.max_row + 1)]


def label_cell(ws, label: str):
    """The cell right of a workpaper header label."""
    for r in range(1, 5):
        for c in range(1, ws.max_column):
            if ws.cell(r, c).value == label:
                return ws.cell(r, c + 1)
    raise AssertionError(label)


def test_review_typed_in_the_workbook_survives_a_rerun_with_one_changed_report(tmp_path):
    import openpyxl
    from jxcheck import reviews
    from jxcheck.outputs.xlsx import GONE_SHEET, HEADER_ROW
    from jxcheck.store import Store
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS / "zj2018_review.txt", src / "review2018.txt")
    shutil.copy(SEEDS / "zj2020_self.txt", src / "self2020.txt")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    book_path = out / "discrepancies.xlsx"
    book = openpyxl.load_workbook(book_path)
    ws = book["湛江市人民政府行政服务中心"]
    head, rows = unit_rows(ws)
    assert {"编号", "复核结论", "复核说明"} <= set(head) and len(rows) > 5
    assert ws.data_validations.dataValidation[0].formula1 == '"确认,排除,待核"'
    filled: dict[str, tuple[str, str, str, str]] = {}
    for i, row in enumerate(rows):
        fid = row[head["编号"] - 1]
        decision, reason = reviews.DECISIONS[i % 3], f"理由{i}：见原文"
        ws.cell(HEADER_ROW + 1 + i, head["复核结论"]).value = decision
        ws.cell(HEADER_ROW + 1 + i, head["复核说明"]).value = reason
        filled[fid] = (decision, reason, row[head["文件"] - 1], row[head["规则"] - 1])
    label_cell(ws, "编制人/日期").value = "张三 2026-12-01"
    label_cell(ws, "索引号").value = "JX-01"
    book.save(book_path)
    changed = src / "self2020.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("2251.36", "2252.36"), encoding="utf-8")
    result = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert result.reviews_taken == len(filled)
    own_kept = {fid for fid, v in filled.items() if v[2].endswith("review2018.txt") and not v[3].startswith("crossdoc.")}
    own_gone = {fid for fid, v in filled.items() if v[2].endswith("self2020.txt")}
    assert own_kept and own_gone
    gone = {r.finding_id for r in result.reviews_gone}
    assert own_gone <= gone and not own_kept & gone
    assert result.reviews_kept + len(gone) == len(filled)
    book = openpyxl.load_workbook(book_path)
    ws = book["湛江市人民政府行政服务中心"]
    head, rows = unit_rows(ws)
    shown = {row[head["编号"] - 1]: (row[head["复核结论"] - 1], row[head["复核说明"] - 1]) for row in rows}
    for fid in own_kept:
        assert shown[fid] == filled[fid][:2]
    assert not own_gone & set(shown)
    assert label_cell(ws, "编制人/日期").value == "张三 2026-12-01" and label_cell(ws, "索引号").value == "JX-01"
    assert ws.oddHeader.right.text == "索引号：JX-01"
    gone_head, gone_rows = unit_rows(book[GONE_SHEET])
    assert {row[gone_head["编号"] - 1] for row in gone_rows} == gone
    assert {row[gone_head["复核结论"] - 1] for row in gone_rows if row[0] in own_gone} <= set(reviews.DECISIONS)
    with Store(str(out / "jxcheck.duckdb")) as store:
        some = sorted(own_kept)[0]
        [entry] = reviews.history(store, some)
        assert (entry.decision, entry.reason, entry.reviewer, entry.source) == (*filled[some][:2], "张三 2026-12-01", "xlsx")
        reviews.record(store, some, "排除", "另有依据", "李四", source="serve")
    assert run_batch([str(src)], str(out), jobs=1, stream=io.StringIO()).reviews_taken == 0
    other = sorted(own_kept)[1]
    book = openpyxl.load_workbook(book_path)
    ws = book["湛江市人民政府行政服务中心"]
    label_cell(ws, "复核人/日期").value = "王五 2026-12-02"
    head, rows = unit_rows(ws)
    ws.cell(HEADER_ROW + 1 + [r[head["编号"] - 1] for r in rows].index(other), head["复核说明"]).value = "补充说明"
    book.save(book_path)
    again = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert again.reviews_taken == 1
    ws = openpyxl.load_workbook(book_path)["湛江市人民政府行政服务中心"]
    head, rows = unit_rows(ws)
    shown = {row[head["编号"] - 1]: (row[head["复核结论"] - 1], row[head["复核说明"] - 1]) for row in rows}
    assert shown[some] == ("排除", "另有依据") and shown[other] == (filled[other][0], "补充说明")
    assert label_cell(ws, "复核人/日期").value == "王五 2026-12-02"
    with Store(str(out / "jxcheck.duckdb")) as store:
        assert [r.decision for r in reviews.history(store, some)] == [filled[some][0], "排除"]


def test_a_decision_outside_the_list_is_refused_with_a_code(tmp_path):
    import pytest
    from jxcheck import reviews
    from jxcheck.failures import RunError
    from jxcheck.store import Store
    with Store(str(tmp_path / "s.duckdb")) as store:
        with pytest.raises(RunError) as caught:
            reviews.record(store, "0123456789abcdef", "同意")
        assert caught.value.code == "bad_decision" and " / " in caught.value.message
        assert reviews.current(store) == {}


def test_static_outputs_list_every_check_with_its_tick_mark(tmp_path):
    import re
    import openpyxl
    from jxcheck.outputs.xlsx import HEADER_ROW, TICK_SHEET
    from jxcheck.store import Store
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS / "zj2018_review.txt", src / "review.txt")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    with Store(str(out / "jxcheck.duckdb"), read_only=True) as store:
        [doc] = store.document_objects()
    checks = doc["checks"]
    marks = {"pass": "✓", "fail": "≠", "unverifiable": "?"}
    want = sorted((marks[c["status"]], c["id"]) for c in checks)
    assert {m for m, _ in want} == {"✓", "≠", "?"}
    page = next((out / "html").rglob("d-*.html")).read_text(encoding="utf-8")
    rows = re.findall(r'<tr(?: id="check-\d+")?><td class="tick [a-z]+">(.)</td>', page)
    assert sorted(rows) == sorted(m for m, _ in want)
    assert 'class="legend"' in page and re.search(r'<mark class="pass"[^>]*><a href="#check-\d+">', page)
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target
    book = openpyxl.load_workbook(out / "discrepancies.xlsx")
    ws = book[TICK_SHEET]
    head = [c.value for c in ws[HEADER_ROW]]
    got = sorted((r[0], r[head.index("编号")]) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
                 if r[head.index("编号")])
    assert got == want and "✓ 通过" in ws["A2"].value
    unit = book["湛江市人民政府行政服务中心"]
    assert "索引号" in unit.oddHeader.right.text and "&P" in unit.oddFooter.center.text


def test_a_decision_on_an_unreadable_file_row_is_kept(tmp_path):
    import openpyxl
    from jxcheck.outputs.xlsx import HEADER_ROW
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.pdf").write_bytes(b"")
    out = tmp_path / "out"
    run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    book = openpyxl.load_workbook(out / "discrepancies.xlsx")
    ws = book["单位未识别"]
    head, rows = unit_rows(ws)
    [row] = rows
    assert row[head["规则"] - 1] == "document.read" and row[head["编号"] - 1].startswith("read:")
    ws.cell(HEADER_ROW + 1, head["复核结论"]).value = "待核"
    ws.cell(HEADER_ROW + 1, head["复核说明"]).value = "已向单位索取原件"
    book.save(out / "discrepancies.xlsx")
    result = run_batch([str(src)], str(out), jobs=1, stream=io.StringIO())
    assert (result.reviews_taken, result.reviews_kept, result.reviews_gone) == (1, 1, [])
    head, [row] = unit_rows(openpyxl.load_workbook(out / "discrepancies.xlsx")["单位未识别"])
    assert (row[head["复核结论"] - 1], row[head["复核说明"] - 1]) == ("待核", "已向单位索取原件")


def test_checks_of_one_figure_keep_their_ids_when_another_comparison_of_it_is_added():
    from jxcheck.ids import finding_ids

    def check(other_paragraph, quote):
        return {"rule": "repeat.same_figure", "reported": "68.3", "concept": "三公经费",
                "evidence": [{"page": 1, "paragraph": 3, "quote": "决算为68.3万元"},
                             {"page": 1, "paragraph": other_paragraph, "quote": quote}]}

    table, text = check(7, "合计 68.30"), check(9, "三公经费68.3万元")
    before = finding_ids("doc", [table, text])
    after = finding_ids("doc", [check(5, "支出68.3万元"), table, text])
    assert len(set(before)) == 2 and len(set(after)) == 3
    assert after[1:] == before
    alone = finding_ids("doc", [table])
    assert alone == finding_ids("doc", [dict(table, evidence=table["evidence"][:1])])
