"""Configuration like the linters': [tool.jxcheck] or jxcheck.toml, --select/--ignore, severity overrides,
thresholds, --baseline, `jxcheck rule ID`, --statistics, and jxcheck.frames."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from jxcheck.cli import main
from jxcheck.config import load
from jxcheck.rule_docs import RULES, describe

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
REVIEW = str(SEEDS / "zj2018_review.txt")


def checked(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", REVIEW, "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)["documents"][0]


def rules_of(doc: dict, key: str = "findings") -> set[str]:
    return {f["rule"] for f in doc[key]}


def test_pyproject_table_is_found_from_the_working_folder_and_applied(tmp_path, monkeypatch, capsys):
    code, plain = checked(capsys)
    assert code == 1 and {"balance.rollforward", "ratio.recompute", "repeat.same_concept"} <= rules_of(plain)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.jxcheck]\nignore = ["repeat"]\n'
        '[tool.jxcheck.severity]\n"balance.rollforward" = "warning"\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, doc = checked(capsys)
    assert "repeat.same_concept" not in rules_of(doc, "checks")
    assert {f["severity"] for f in doc["findings"] if f["rule"] == "balance.rollforward"} == {"warning"}
    assert code == 0
    (tmp_path / "sub" / "jxcheck.toml").write_text('select = ["ratio"]\n', encoding="utf-8")
    code, doc = checked(capsys)
    assert rules_of(doc, "checks") == {"ratio.recompute"} and doc["findings"]
    code, doc = checked(capsys, "--select", "balance,repeat.same_concept", "--ignore", "repeat")
    assert rules_of(doc, "checks") == {"balance.rollforward"}


def test_thresholds_lower_small_differences_to_notes(tmp_path, capsys):
    _, plain = checked(capsys)
    small = [f for f in plain["findings"] if f["unit"] == "%" and abs(float(f["difference"])) < 0.5]
    large = [f for f in plain["findings"] if f["unit"] == "%" and abs(float(f["difference"])) >= 0.5]
    amounts = [f for f in plain["findings"] if f["unit"] == "万元"]
    assert small and large and amounts
    config = tmp_path / "jxcheck.toml"
    config.write_text("[thresholds]\nrate_points = 0.5\nmateriality = 301\n", encoding="utf-8")
    _, doc = checked(capsys, "--config", str(config))
    shown = {f["id"] for f in doc["findings"]}
    assert {f["id"] for f in large} <= shown and not {f["id"] for f in small + amounts} & shown
    noted = [c for c in doc["checks"] if c["id"] in {f["id"] for f in small + amounts}]
    assert len(noted) == len(small + amounts) and {c["severity"] for c in noted} == {"info"}
    config.write_text("[thresholds]\nmateriality = 300\n", encoding="utf-8")
    _, doc = checked(capsys, "--config", str(config))
    assert {f["id"] for f in amounts} <= {f["id"] for f in doc["findings"]}


@pytest.mark.parametrize("text, words", [
    ('select = ["nosuch"]\n', "nosuch"), ("colour = 1\n", "colour"), ('[severity]\n"sum.breakdown" = "fatal"\n', "fatal"),
    ("[thresholds]\nmateriality = -1\n", "materiality"), ("select = [\n", "TOML")])
def test_a_bad_configuration_is_one_coded_line(tmp_path, capsys, text, words):
    config = tmp_path / "jxcheck.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["check", REVIEW, "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bad_config: ") and words in err and " / " in err and err.count("\n") == 1


def test_baseline_shows_only_new_findings(tmp_path, capsys):
    from jxcheck.batch import run_batch
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(REVIEW, src / "review.txt")
    run_batch([str(src)], str(tmp_path / "first"), jobs=1, stream=io.StringIO())
    baseline = tmp_path / "first" / "findings.jsonl"
    assert load(baseline=str(baseline)).baseline
    code, doc = checked(capsys, "--baseline", str(baseline))
    assert doc["findings"] == [] and code == 0 and doc["checks"]
    shutil.copy(SEEDS / "zj2020_self.txt", src / "self.txt")
    result = run_batch([str(src)], str(tmp_path / "second"), jobs=1, stream=io.StringIO(),
                       config=load(baseline=str(baseline)))
    docs = {Path(d["path"]).name: d for d in result.documents}
    assert docs["review.txt"]["findings"] == [] and docs["self.txt"]["findings"]
    lines = [json.loads(x) for x in (tmp_path / "second" / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {Path(d["path"]).name: [f["id"] for f in d["findings"]] for d in lines} == \
        {name: [f["id"] for f in d["findings"]] for name, d in docs.items()}
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    assert main(["check", REVIEW, "--baseline", str(tmp_path / "bad.jsonl")]) == 2
    assert capsys.readouterr().err.startswith("bad_baseline: ")


def test_rule_prints_what_it_checks_with_a_failing_and_a_passing_example(capsys):
    assert main(["rule", "balance.rollforward"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("balance.rollforward（结转结余勾稽）") and "Fails" in out and "Passes" in out
    for rule in RULES:
        text = describe(rule)
        assert "Fails" in text and "Passes" in text, rule
    assert main(["rule"]) == 0 and "sum.breakdown" in capsys.readouterr().out
    assert main(["rule", "no.such"]) == 2 and capsys.readouterr().err.startswith("unknown_rule: ")


def test_every_rule_the_seeds_give_has_a_name(capsys):
    from jxcheck.api import check_file
    seen = {c["rule"] for p in SEEDS.iterdir() if p.suffix in (".txt", ".pdf", ".docx")
            for c in check_file(str(p))["checks"]}
    assert len(seen) > 8 and seen <= set(RULES)


def test_statistics_count_findings_per_rule(capsys):
    assert main(["check", REVIEW, "--statistics"]) == 1
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if "balance.rollforward（结转结余勾稽）" in line)
    _, plain = checked(capsys)
    errors = sum(1 for f in plain["findings"] if f["rule"] == "balance.rollforward" and f["severity"] == "error")
    assert errors and row.split()[0] == str(errors)


def test_frames_give_the_store_as_dataframes(tmp_path):
    import jxcheck
    from jxcheck import reviews
    from jxcheck.batch import run_batch
    from jxcheck.store import Store
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(REVIEW, src / "review.txt")
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, stream=io.StringIO())
    db = str(tmp_path / "out" / "jxcheck.duckdb")
    first = jxcheck.frames(db).findings
    with Store(db) as store:
        reviews.record(store, first["id"].iloc[0], "确认", "核对无误", "张三")
    f = jxcheck.frames(db)
    assert len(f.documents) == 1 and len(f.facts) > 50 and len(f.checks) > len(f.findings) == len(first) > 0
    assert set(f.findings["rule"]) >= {"balance.rollforward", "ratio.recompute"}
    assert f.findings["decision"].iloc[0] == "确认" and f.findings["decision"].iloc[1:].isna().all()
    assert list(f.reviews["reviewer"]) == ["张三"]
