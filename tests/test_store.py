"""The DuckDB store: exact round trip, figures never as floating point, one transaction per document,
what a re-run may skip, unit relabelling, cross-document replacement, superseded versions, bad files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import jxcheck.store as store_module
from extractor.document import read_document
from jxcheck.api import check_file
from jxcheck.batch import document_blocks
from jxcheck.outputs import by_unit
from jxcheck.store import Store, StoreError, schema_document
from jxcheck.units import UnitNames

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


def seed(name: str) -> tuple[dict, list[dict]]:
    path = str(SEEDS / name)
    return check_file(path, with_facts=True), document_blocks(read_document(path))


def count(store: Store, table: str, doc_id: str) -> int:
    return store.con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [doc_id]).fetchone()[0]


def test_round_trip_is_exact_and_figures_are_not_floats(tmp_path):
    result, blocks = seed("zj2018_review.txt")
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document(result["sha256"], result, blocks, "湛江市人民政府行政服务中心")
        [obj] = store.document_objects()
        want = {k: v for k, v in result.items() if k != "facts"}
        assert schema_document(obj) == want
        facts = store.facts([result["sha256"]])[result["sha256"]]
        assert facts == [{k: f[k] for k in facts[0]} for f in result["facts"]]
        assert any(f["value"] == "93.70" for f in facts)
        value_num = store.con.execute("SELECT value_num FROM facts WHERE value = '93.70' LIMIT 1").fetchone()[0]
        assert str(value_num).startswith("93.70")
        types = store.con.execute("SELECT DISTINCT data_type FROM information_schema.columns").fetchall()
        assert not [t for (t,) in types if t in ("DOUBLE", "FLOAT", "REAL")]
        stored = store.blocks([result["sha256"]])[result["sha256"]]
        assert [b["text"] for b in stored if b["kind"] == "p"] == [b["text"] for b in blocks if b["kind"] == "p"]
        assert [b["cells"] for b in stored if b["kind"] == "t"] == [b["cells"] for b in blocks if b["kind"] == "t"]


def test_a_failed_save_leaves_nothing_half_written(tmp_path, monkeypatch):
    result, blocks = seed("zj2020_self.txt")
    doc_id = result["sha256"]
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document(doc_id, result, blocks, "u")
        before = {t: count(store, t, doc_id) for t in ("documents", "facts", "checks", "blocks")}
        real_columns = store_module._columns

        def failing(rows, columns):
            if columns == store_module.BLOCK_COLUMNS:
                raise RuntimeError("disk full")
            return real_columns(rows, columns)

        monkeypatch.setattr(store_module, "_columns", failing)
        changed = dict(result, checks=result["checks"][:1], facts=result["facts"][:1])
        with pytest.raises(RuntimeError):
            store.save_document(doc_id, changed, blocks, "u")
        assert {t: count(store, t, doc_id) for t in before} == before
        monkeypatch.setattr(store_module, "_columns", real_columns)
        with pytest.raises(StoreError, match="cannot write"):
            store.save_document("other", dict(result, year="not a year"), blocks, "u")
        assert all(count(store, t, "other") == 0 for t in before)


def test_done_skips_only_current_version_and_deterministic_outcomes(tmp_path, monkeypatch):
    result, blocks = seed("zj2020_self.txt")
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document("ok", dict(result, path="a"), blocks, "u")
        for code in ("timeout", "internal", "corrupt"):
            failed = dict(result, path=code, status="error", error={"code": code, "message": "m"})
            store.save_document(code, failed, [], "u")
        assert store.done() == {"ok", "corrupt"}
        monkeypatch.setattr(store_module, "__version__", "9.9.9")
        assert store.done() == set()


def test_relabel_units_with_aliases(tmp_path):
    result, blocks = seed("zj2020_self.txt")
    with Store(str(tmp_path / "s.duckdb")) as store:
        plain = UnitNames()
        doc = dict(result, unit="湛江市行政服务中心")
        store.save_document("d", doc, blocks, plain.key(doc["unit"]))
        assert store.documents()[0]["unit_key"] == "湛江市行政服务中心"
        changed = store.relabel_units(UnitNames.load())
        assert changed == {"湛江市行政服务中心", "湛江市人民政府行政服务中心"}
        assert store.documents()[0]["unit_key"] == "湛江市人民政府行政服务中心"
        assert store.relabel_units(UnitNames.load()) == set()


def test_replace_crossdoc_touches_only_the_given_units(tmp_path):
    result, blocks = seed("zj2020_self.txt")
    check = {"rule": "crossdoc.carryover", "status": "pass", "severity": "info", "message": "m", "numbers": ["1"],
             "evidence": [{"quote": "《a.txt》q", "page": None, "paragraph": 1, "table": None, "row": None, "col": None}]}
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document("a", dict(result, path="a"), blocks, "A")
        store.save_document("b", dict(result, path="b"), blocks, "B")
        store.replace_crossdoc(["A", "B"], [("a", "x", "A", check), ("b", "y", "B", check)])
        store.replace_crossdoc(["A"], [])
        cross = {doc_id: [c for c in checks if c["rule"].startswith("crossdoc.")]
                 for doc_id, checks in store.checks(["a", "b"]).items()}
        assert cross["a"] == [] and len(cross["b"]) == 1 and cross["b"][0]["_related"] == "y"
        store.save_document("b", dict(result, path="b"), blocks, "B")
        assert len([c for c in store.checks(["b"])["b"] if c["rule"].startswith("crossdoc.")]) == 1


def test_document_lines_are_the_document_objects_in_output_order(tmp_path):
    """The JSON lines DuckDB builds for findings.jsonl equal the document objects built in Python, for a read
    error, a document without checks, cross-document checks (one failing), quotes and a unit not recognised."""
    result, blocks = seed("zj2018_review.txt")
    quoted = dict(result, path='c"q\\.txt', year=None)
    error = dict(result, path="e.txt", status="error", error={"code": "corrupt", "message": "坏 / bad"},
                 findings=[], checks=[])
    fail = {"rule": "crossdoc.same_figure", "status": "fail", "severity": "error", "message": "不一致 \"x\"",
            "concept": "execution_rate", "reported": "97%", "expected": "92%", "difference": "5", "unit": "%",
            "numbers": ["97%", "92%"], "evidence": [{"quote": "《a.txt》97%\n", "page": 2, "paragraph": None,
                                                   "table": 1, "row": 3, "col": 4}]}
    passed = dict(fail, status="pass", severity="info", message="一致")
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document("b", dict(result, path="b.txt"), blocks, "单位甲")
        store.save_document("a", dict(result, path="a.txt"), blocks, "单位甲")
        store.save_document("c", quoted, blocks, "单位未识别")
        store.save_document("e", error, [], "单位乙")
        store.save_document("n", dict(result, path="n.txt", findings=[], checks=[]), [], "单位乙")
        store.replace_crossdoc(["单位甲"], [("b", "a", "单位甲", passed), ("b", "a", "单位甲", fail)])
        store.con.execute("UPDATE documents SET unit_key = NULL WHERE doc_id = 'c'")
        ids = ["a", "b", "c", "e", "n"]
        want = [schema_document(d) for unit_docs in by_unit(store.document_objects(doc_ids=ids)).values()
                for d in unit_docs]
        lines = list(store.document_lines(ids))
        assert [json.loads(line) for line in lines] == want
        assert list(store.document_lines(ids, chunk=2)) == lines
        assert [d["path"] for d in want] == ["e.txt", "n.txt", "a.txt", "b.txt", 'c"q\\.txt']
        plain = [{k: v for k, v in c.items() if k != "id"} for c in want[3]["checks"][-2:]]
        assert fail in [{k: v for k, v in c.items() if k != "id"} for c in want[3]["findings"]] and plain == [passed, fail]
        assert len({c["id"] for c in want[3]["checks"]}) == len(want[3]["checks"])
        assert [json.loads(line)["path"] for line in store.document_lines(["a", "n"])] == ["n.txt", "a.txt"]
        assert list(store.document_lines([])) == []
        light = store.document_objects(doc_ids=["b"], passing=False)[0]
        assert light["findings"] == want[3]["findings"]
        assert light["checks"] == [c for c in want[3]["checks"] if c["status"] != "pass"]


def test_a_new_version_of_a_path_supersedes_the_old_one(tmp_path):
    result, blocks = seed("zj2020_self.txt")
    with Store(str(tmp_path / "s.duckdb")) as store:
        store.save_document("old", dict(result, path="p.txt"), blocks, "U1")
        assert store.save_document("new", dict(result, path="p.txt"), blocks, "U2") == {"U1"}
        assert [d["doc_id"] for d in store.documents()] == ["new"]
        assert all(count(store, t, "old") == 0 for t in ("facts", "checks", "blocks"))


def test_bad_store_files_give_clear_errors(tmp_path):
    with pytest.raises(StoreError, match="not found"):
        Store(str(tmp_path / "missing.duckdb"), read_only=True)
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError):
        Store(str(text))
    import duckdb
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    with pytest.raises(StoreError, match="not a jxcheck database"):
        Store(str(other), read_only=True)


def test_a_store_made_before_facts_kept_their_lead_gains_the_column(tmp_path):
    import duckdb
    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)
    for sql in store_module.SCHEMA:
        con.execute(sql.replace(", lead VARCHAR)", ")"))
    con.close()
    result, blocks = seed("zj2020_self.txt")
    with Store(path) as store:
        store.save_document(result["sha256"], result, blocks, "u")
        facts = store.facts([result["sha256"]], ["actual_expenditure"])[result["sha256"]]
    assert facts and {f["concept"] for f in facts} == {"actual_expenditure"}
    assert all(f["lead"] is not None for f in facts if f["table"] is None)
