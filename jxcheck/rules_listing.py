"""`jxcheck rules FILE... [--unparsed]`: the 评分标准 texts of scoring tables and how the grammar reads them,
so the grammar in patterns/scoring_rules.yaml can grow from real documents."""
from __future__ import annotations

from extractor.document import read_document
from extractor.scoring_table import is_scoring_table, scoring_rows
from scoring.grammar import parse

KIND_ZH = {"bands": "分档", "proportional": "按比例", "per_unit": "按单位扣分", "per_item": "按项扣分",
           "judgement": "需判断", "unparsed": "未能解析"}


def rule_texts(path: str) -> tuple[list[dict], str | None]:
    """Each scoring-table rule of a file with its parsed kind and location; or the read error."""
    doc = read_document(path)
    if doc.error is not None:
        return [], f"{doc.error.code}: {doc.error.message}"
    out = []
    for table in doc.tables:
        if not is_scoring_table(table):
            continue
        for row in scoring_rows(table):
            rule = parse(row.rule.text)
            out.append({"path": path, "kind": rule.kind, "name": row.name.text if row.name else "",
                        "where": row.rule.location.describe(), "text": " ".join(row.rule.text.split())})
    return out, None


def render(paths: list[str], unparsed_only: bool) -> tuple[str, int]:
    """The listing as text and the exit status (2 when a file could not be read)."""
    lines, status = [], 0
    for path in paths:
        rules, error = rule_texts(path)
        if error is not None:
            lines.append(f"{path}: 无法读取 {error}")
            status = 2
            continue
        shown = [r for r in rules if r["kind"] == "unparsed"] if unparsed_only else rules
        lines.append(f"{path}: 评分标准 {len(rules)} 条，未能解析 {sum(r['kind'] == 'unparsed' for r in rules)} 条")
        for r in shown:
            lines.append(f"  [{KIND_ZH[r['kind']]}] {r['where']} {r['name']}：{r['text']}")
    return "\n".join(lines) + "\n", status
