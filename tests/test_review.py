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
