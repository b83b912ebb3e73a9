"""The synthetic-archive generator: the checker finds exactly the injected discrepancies, and nothing else."""
from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.readers.doc import writer_available

from jxcheck.api import check_file
from jxcheck.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = 29
N = 16
KEY = ("rule", "severity", "reported", "expected")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
archive = _load("archive")
HAS_SOFFICE = writer_available()
"""PDFs are made from DOCX by LibreOffice Writer; where it or its Writer part is missing the archive has none."""


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory):
    out = tmp_path_factory.mktemp("archive")
    generate.generate(out, n=N, seed=SEED, pdf_share=0.2 if HAS_SOFFICE else 0)
    records = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, records


def test_small_archive_covers_formats_layouts_and_slips(small_archive):
    _, records = small_archive
    assert len(records) == N
    formats = {r["format"] for r in records} | {r["encoding"] for r in records if r["encoding"]}
    assert formats >= {"txt", "docx", "utf-8", "gbk"} | ({"pdf"} if HAS_SOFFICE else set())
    assert {r["layout"] for r in records} == {"self", "review", "short"}
    kinds = {s["kind"] for r in records for s in r["injected"]}
    assert kinds == {"sum.breakdown", "table.footing", "balance.rollforward", "ratio.recompute", "crossdoc.carryover",
                     "crossdoc.same_figure"}
    assert all(s["findings"] for r in records for s in r["injected"])
    assert sum(1 for r in records if r["follows"]) >= 5 and sum(1 for r in records if r["pairs_with"]) >= 2
    assert {f["rule"] for r in records for f in r["expected_cross"]} == {
        "crossdoc.carryover", "crossdoc.same_figure", "crossdoc.self_vs_review"}
    assert len({r["unit"] for r in records}) < N


def test_a_unit_opens_each_year_with_the_balance_it_closed_the_year_before(small_archive):
    _, records = small_archive
    by_path = {r["path"]: r for r in records}
    for rec in records:
        if rec["follows"]:
            before = by_path[rec["follows"]]
            assert (before["unit"], before["year"] + 1) == (rec["unit"], rec["year"])
            assert rec["layout"] != "short" and before["layout"] != "short"
        if rec["pairs_with"]:
            own = by_path[rec["pairs_with"]]
            assert (own["unit"], own["year"], own["layout"], rec["layout"]) == (rec["unit"], rec["year"], "self", "review")
            assert own["money_unit"] == rec["money_unit"]


def test_batch_finds_exactly_the_injected_discrepancies_cross_document_ones_included(small_archive, tmp_path):
    from jxcheck.batch import run_batch
    out, records = small_archive
    run_batch([str(out / "docs")], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    result = archive.compare(records, tmp_path / "out" / "findings.jsonl")
    assert (result["missed"], result["unexpected"], result["missing_documents"]) == (0, 0, 0), result["examples"]
    assert result["expected"] == sum(len(r["expected"]) + len(r["expected_cross"]) for r in records)
    with Store(str(tmp_path / "out" / "jxcheck.duckdb"), read_only=True) as store:
        cross = {(c["rule"], c["concept"], c["status"]) for d in store.document_objects() for c in d["checks"]
                 if c["rule"].startswith("crossdoc.")}
    assert {("crossdoc.carryover", "opening_balance", "pass"), ("crossdoc.same_figure", "three_public_control_rate", "pass"),
            ("crossdoc.self_vs_review", "self_evaluation_score", "pass")} <= cross
    assert result["slips_detected"] == result["slips"]


def test_checker_finds_exactly_the_injected_discrepancies(small_archive):
    out, records = small_archive
    for rec in records:
        result = check_file(str(out / rec["path"]))
        assert result["status"] == "ok", (rec["path"], result["error"])
        got = Counter(tuple(f[k] for k in KEY) for f in result["findings"])
        want = Counter(tuple(f[k] for k in KEY) for f in rec["expected"])
        assert got == want, rec["path"]
        assert (result["unit"], result["year"], result["report_type"]) == (rec["unit"], rec["year"],
                                                                           rec["report_type"])


def test_same_seed_gives_the_same_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    generate.generate(first, n=5, seed=11, pdf_share=0)
    generate.generate(second, n=5, seed=11, pdf_share=0)
    assert (first / "manifest.jsonl").read_bytes() == (second / "manifest.jsonl").read_bytes()
    names = sorted(p.name for p in (first / "docs").iterdir())
    assert names and names == sorted(p.name for p in (second / "docs").iterdir())
    for name in names:
        assert (first / "docs" / name).read_bytes() == (second / "docs" / name).read_bytes()
    generate.generate(second, n=5, seed=12, pdf_share=0)
    assert (first / "manifest.jsonl").read_bytes() != (second / "manifest.jsonl").read_bytes()


def _slot(value: str, kind: str = "amount") -> "generate.Slot":
    decimals = len(value.split(".")[1]) if "." in value else 0
    return generate.Slot("x", Decimal(value), decimals, kind, "text", "x")


def test_oracle_applies_the_interval_rule():
    total = _slot("2251.36")
    parts = [_slot("2073.12"), _slot("121.9")]
    assert generate.Relation("sum.breakdown", total, parts).verdict() == {
        "rule": "sum.breakdown", "severity": "error", "reported": "2251.36", "expected": "2195.02"}
    rate = _slot("98.53", "rate")
    inputs = [_slot("2792.29"), _slot("130.18"), _slot("2704.04")]
    assert generate.Relation("ratio.recompute", rate, inputs, "carry_div").verdict() == {
        "rule": "ratio.recompute", "severity": "warning", "reported": "98.53%", "expected": "98.52%"}
    assert generate.Relation("ratio.recompute", _slot("97", "rate"), [_slot("2174.42"), _slot("2251.36")],
                             "div").verdict() is None
    closing = _slot("3.98")
    assert generate.Relation("balance.rollforward", closing, [_slot("0.41"), _slot("64.99"), _slot("61.39")],
                             "roll").verdict()["expected"] == "4.01"


def test_carryover_oracle_compares_printed_balances_across_money_units():
    wan = _slot("123.45")
    yuan = generate.Slot("x", Decimal("1234500.00"), 2, "amount", "text", "x")
    assert generate.carry_finding(wan, 1, yuan, 10000) is None
    assert generate.carry_finding(wan, 1, _slot("132.45"), 1) == {
        "rule": "crossdoc.carryover", "severity": "error", "reported": "132.45", "expected": "123.45"}
    assert generate.carry_finding(wan, 1, _slot("123.46"), 1) is None
    exact_yuan = generate.Slot("x", Decimal("1234567.89"), 2, "amount", "text", "x")
    assert generate.carry_finding(exact_yuan, 10000, _slot("123.46"), 1) is None
    assert generate.carry_finding(exact_yuan, 10000, _slot("123.47"), 1) == {
        "rule": "crossdoc.carryover", "severity": "warning", "reported": "123.47", "expected": "123.46"}


def test_score_gap_oracle_warns_from_five_points():
    assert generate.score_finding("93", "97.30") is None
    assert generate.score_finding("92", "97.00") == {
        "rule": "crossdoc.self_vs_review", "severity": "warning", "reported": "97.00", "expected": "92.00"}
    assert generate.score_finding("98.5", "91.2")["expected"] == "98.5"


def test_cited_score_oracle_and_slips():
    assert generate.cite_finding("84", "84") is None
    assert generate.cite_finding("84", "64") == {
        "rule": "crossdoc.self_vs_review", "severity": "error", "reported": "64", "expected": "84"}
    import random
    for own in ("84", "93.5", "100"):
        slip = generate._cite_slip(own, random.Random(own))
        assert abs(Decimal(slip) - Decimal(own)) >= 2 and generate.cite_finding(own, slip)["severity"] == "error"


def test_bench_compare_counts_missed_and_unexpected(tmp_path):
    manifest = [{"path": "docs/a.txt", "format": "txt", "unit": "某市某局", "year": 2020,
                 "report_type": "unit_self_evaluation",
                 "injected": [{"kind": "sum.breakdown", "findings": [
                     {"rule": "sum.breakdown", "severity": "error", "reported": "10", "expected": "9"}]}],
                 "expected": [{"rule": "sum.breakdown", "severity": "error", "reported": "10", "expected": "9"}]},
                {"path": "docs/b.txt", "format": "txt", "unit": "某市某局", "year": 2020,
                 "report_type": "unit_self_evaluation", "injected": [], "expected": []}]
    found = {"path": "/x/docs/b.txt", "status": "ok", "unit": "某市某局", "year": 2020,
             "report_type": "unit_self_evaluation",
             "findings": [{"rule": "table.footing", "severity": "error", "reported": "5", "expected": "4"}]}
    out = tmp_path / "findings.jsonl"
    out.write_text(json.dumps(found, ensure_ascii=False) + "\n", encoding="utf-8")
    result = archive.compare(manifest, out)
    assert (result["missed"], result["unexpected"], result["missing_documents"]) == (1, 1, 1)
    assert result["slips_detected"]["sum.breakdown"] == 0 and result["metadata_agree"] == 1


def test_generator_rejects_bad_arguments(capsys):
    assert generate.main(["unused", "-n", "0"]) == 2
    assert "bad arguments" in capsys.readouterr().err


def test_an_archive_generated_with_other_options_is_refused_not_overwritten(tmp_path):
    out = tmp_path / "archive"
    generate.generate(out, n=4, seed=3, pdf_share=0)
    before = sorted(p.name for p in (out / "docs").iterdir())
    assert archive.ensure_archive(out, 4, 3, 0)["reused"] is True
    for n, seed, share in ((5, 3, 0), (4, 4, 0), (4, 3, 0.15)):
        with pytest.raises(archive.BenchError, match="pass the same options"):
            archive.ensure_archive(out, n, seed, share)
    assert sorted(p.name for p in (out / "docs").iterdir()) == before
