"""Measure jxcheck on corpus/real/: real published documents, rewritten, each with an independent audit.

The corpus is split once by a hash of each document's name into a tuning part and a blind part (about a
third); the two are printed side by side:

  coverage          audited arithmetic items (consistent, warning or error) the tool checked (pass or fail)
  recall            audited discrepancies (warning or error) the tool reports as a finding
  error recall      audited errors the tool reports as an error
  false errors      error findings on an item the audit calls consistent, or on a figure the audit does not
  false warnings    the same for warnings
  unverifiable      the tool's unverifiable checks as a share of all its checks
  report type, unit and year   the document's fields as the sources file gives them (a unit is named as audited when
                    one name holds the other: 马关卫生院 in 张家川回族自治县马关镇中心卫生院)

An item and a check are matched by the reported figure as printed (amounts without thousands separators,
rates with %). Findings on figures the audit does not list are printed for a second look (--show).

Usage: python bench/eval_real.py [CORPUS_DIR] [--show] [--json OUT]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from jxcheck.api import check_file  # noqa: E402

FORMATS = (".txt", ".docx", ".pdf")
ARITHMETIC = ("consistent", "warning", "error")


def part_of(name: str) -> str:
    """blind for about a third of the documents, by a hash of the name; tuning for the rest."""
    return "blind" if int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % 3 == 0 else "tuning"


def figure_key(text) -> str:
    return str(text).replace(",", "").replace(" ", "").replace("％", "%") if text is not None else ""


def documents(corpus: Path) -> list[tuple[str, Path, dict]]:
    out = []
    for audit in sorted(corpus.glob("*.audit.yaml")):
        name = audit.name[: -len(".audit.yaml")]
        source = next((corpus / f"{name}{ext}" for ext in FORMATS if (corpus / f"{name}{ext}").exists()), None)
        if source is not None:
            out.append((name, source, yaml.safe_load(audit.read_text(encoding="utf-8"))))
    return out


def family(rule: str) -> str:
    return rule.split(".")[0]


def _grade_checks_of(item: dict, checks: list[dict]) -> list[dict]:
    """A grade item's reported value is the grade word (良), a grade check's the score it grades: the check is the
    item's when its score stands in the item's quote."""
    if item.get("kind") != "grade":
        return []
    quote = figure_key(item.get("quote"))
    return [c for c in checks if c["rule"] == "score.grade" and c["status"] in ("pass", "fail")
            and figure_key(c.get("reported")) and figure_key(c.get("reported")) in quote]


def evaluate(name: str, source: Path, audit: dict) -> dict:
    result = check_file(str(source))
    checks = result.get("checks", [])
    items = [i for i in audit.get("items") or [] if i.get("verdict") in ARITHMETIC]
    audited = defaultdict(list)
    for item in items:
        audited[figure_key(item.get("reported"))].append(item)
    performed = defaultdict(list)
    for c in checks:
        if c["status"] in ("pass", "fail"):
            performed[figure_key(c.get("reported"))].append(c)
    row = Counter()
    row["documents"] = 1
    row["items"] = len(items)
    row["checks"] = len(checks)
    row["unverifiable"] = sum(c["status"] == "unverifiable" for c in checks)
    source_info = audit.get("source") or {}
    row["type_right"] = int(result.get("report_type") == source_info.get("type"))
    issuer, unit = str(source_info.get("issuer") or ""), result.get("unit")
    row["unit_right"] = int(bool(unit) and bool(issuer) and (unit in issuer or issuer in unit))
    row["year_stated"] = int(source_info.get("year") is not None)
    row["year_right"] = int(source_info.get("year") is not None and str(result.get("year")) == str(source_info["year"]))
    notes = []
    for item in items:
        key = figure_key(item.get("reported"))
        found = performed.get(key, []) or _grade_checks_of(item, checks)
        kind = item.get("kind", "other")
        row[f"kind_items:{kind}"] += 1
        if found:
            row["checked"] += 1
            row[f"kind_checked:{kind}"] += 1
        if item["verdict"] in ("warning", "error"):
            row["discrepancies"] += 1
            findings = [c for c in found if c["status"] == "fail" and c["severity"] in ("warning", "error")]
            if findings:
                row["found"] += 1
            if item["verdict"] == "error":
                row["errors"] += 1
                if any(c["severity"] == "error" for c in findings):
                    row["errors_found"] += 1
    by_rule = Counter()
    for c in checks:
        if c["status"] != "fail" or c["severity"] not in ("warning", "error"):
            continue
        mates = audited.get(figure_key(c.get("reported")), [])
        if mates and all(m["verdict"] == "consistent" for m in mates):
            row[f"false_{c['severity']}s"] += 1
            by_rule[family(c["rule"])] += 1
            notes.append(f"  FALSE {c['severity']}: {name}: {c['message'][:160]}")
        elif not mates:
            row[f"unaudited_{c['severity']}s"] += 1
            row[f"false_{c['severity']}s"] += 1
            by_rule[family(c["rule"])] += 1
            notes.append(f"  UNAUDITED {c['severity']}: {name}: {c['message'][:160]}")
    checked_rules = Counter(family(c["rule"]) for c in checks if c["status"] in ("pass", "fail"))
    return {"row": row, "notes": notes, "type": (audit.get("source") or {}).get("type", "unknown"),
            "false_by_rule": by_rule, "checked_rules": checked_rules}


def ratio(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}% ({a}/{b})" if b else "— (0/0)"


LINES = [("documents", lambda r: str(r["documents"])),
         ("audited arithmetic items", lambda r: str(r["items"])),
         ("coverage", lambda r: ratio(r["checked"], r["items"])),
         ("discrepancy recall", lambda r: ratio(r["found"], r["discrepancies"])),
         ("error recall", lambda r: ratio(r["errors_found"], r["errors"])),
         ("false errors", lambda r: f"{r['false_errors']} ({r['unaudited_errors']} unaudited)"),
         ("false warnings", lambda r: f"{r['false_warnings']} ({r['unaudited_warnings']} unaudited)"),
         ("unverifiable share", lambda r: ratio(r["unverifiable"], r["checks"])),
         ("report type as audited", lambda r: ratio(r["type_right"], r["documents"])),
         ("unit named as audited", lambda r: ratio(r["unit_right"], r["documents"])),
         ("year as audited", lambda r: ratio(r["year_right"], r["year_stated"]))]


def table(title: str, groups: dict[str, Counter], order: list[str]) -> str:
    width = max(len(k) for k, _ in LINES) + 2
    out = [f"{title}", " " * width + "".join(f"{g:>30}" for g in order)]
    for label, fn in LINES:
        out.append(f"{label:<{width}}" + "".join(f"{fn(groups[g]):>30}" for g in order))
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent / "corpus" / "real"))
    ap.add_argument("--show", action="store_true", help="list every false or unaudited finding")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    docs = documents(Path(args.corpus))
    parts: dict[str, Counter] = defaultdict(Counter)
    types: dict[str, Counter] = defaultdict(Counter)
    rules_false: dict[str, Counter] = defaultdict(Counter)
    rules_checked: dict[str, Counter] = defaultdict(Counter)
    notes = []
    for name, source, audit in docs:
        ev = evaluate(name, source, audit)
        part = part_of(name)
        for key in (part, "all"):
            parts[key].update(ev["row"])
            rules_false[key].update(ev["false_by_rule"])
            rules_checked[key].update(ev["checked_rules"])
        types[f"{ev['type']}/{part}"].update(ev["row"])
        notes += ev["notes"]
    print(table("jxcheck on corpus/real (tuning | blind | all)", parts, ["tuning", "blind", "all"]))
    print()
    order = sorted(types)
    for i in range(0, len(order), 4):
        print(table("by report type" if i == 0 else "", types, order[i:i + 4]))
    print()
    kinds = sorted({k.split(":", 1)[1] for k in parts["all"] if k.startswith("kind_items:")},
                   key=lambda k: -parts["all"][f"kind_items:{k}"])
    print("coverage by audited kind (the relation an item states), tuning / blind")
    for k in kinds:
        print(f"  {k:<10} {ratio(parts['tuning'][f'kind_checked:{k}'], parts['tuning'][f'kind_items:{k}']):>18}"
              f"   {ratio(parts['blind'][f'kind_checked:{k}'], parts['blind'][f'kind_items:{k}']):>18}")
    print()
    fams = sorted(set(rules_checked["all"]) | set(rules_false["all"]))
    print("by rule family (checks made | false findings), tuning / blind")
    for f in fams:
        print(f"  {f:<12} {rules_checked['tuning'][f]:>5} | {rules_false['tuning'][f]:<3}"
              f"   {rules_checked['blind'][f]:>5} | {rules_false['blind'][f]:<3}")
    if args.show and notes:
        print("\nfindings to look at again:")
        print("\n".join(notes))
    if args.json:
        Path(args.json).write_text(json.dumps({k: dict(v) for k, v in parts.items()}, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
