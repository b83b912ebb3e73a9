"""Writers for batch results: discrepancies.xlsx, findings.csv / findings.jsonl, HTML pages, a text report.

Every writer takes document objects from Store.document_objects (the findings schema's document plus
doc_id and unit_key), so outputs come from the store alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Optional

from jxcheck.units import UNKNOWN

REPORT_TYPE_ZH = {"unit_self_evaluation": "单位自评报告", "third_party_evaluation": "第三方评价报告",
                  "project_self_evaluation_table": "项目支出绩效自评表", "final_accounts": "决算", "budget": "预算",
                  "unknown": "类型未识别"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
READ_RULE = "document.read"


def by_unit(docs: list[dict]) -> dict[str, list[dict]]:
    """Documents grouped by unit key, units in name order with 单位未识别 last, documents by year then path."""
    groups: dict[str, list[dict]] = {}
    for d in docs:
        groups.setdefault(d.get("unit_key") or UNKNOWN, []).append(d)
    order = sorted(groups, key=lambda k: (k == UNKNOWN, k))
    return {k: sorted(groups[k], key=lambda d: (d["year"] is None, d["year"] or 0, d["path"])) for k in order}


def where(ev: dict) -> str:
    """A location as an auditor reads it: 第3页 表2 第4行 第5列, or 第12段."""
    parts = []
    if ev.get("page") is not None:
        parts.append(f"第{ev['page']}页")
    if ev.get("table") is not None:
        parts.append(f"表{ev['table']} 第{ev.get('row')}行 第{ev.get('col')}列")
    elif ev.get("paragraph") is not None:
        parts.append(f"第{ev['paragraph']}段")
    return " ".join(parts) or "位置未知"


def files_of(doc: dict) -> str:
    """The document's file, then the other files of the same report (its copies), one a line."""
    return "\n".join([doc["path"]] + [c["path"] for c in doc.get("copies") or []])


def quoted_file(ev: dict) -> Optional[str]:
    """The file an evidence's quote names (《name》…, as cross-document evidence does), or None."""
    quote = ev.get("quote") or ""
    if quote.startswith("《") and "》" in quote:
        return quote[1:quote.index("》")]
    return None


def place(ev: dict) -> str:
    """where(), after the file name when the evidence names its file, so a row that cites two documents says
    which page is in which."""
    name = quoted_file(ev)
    return where(ev) if name is None else f"《{name}》{where(ev)}"


def read_error_finding(doc: dict) -> dict:
    """An unreadable document as one error row."""
    err = doc.get("error") or {}
    return {"rule": READ_RULE, "status": "fail", "severity": "error",
            "message": f"无法读取（{err.get('code')}）：{err.get('message')}", "concept": None, "reported": None,
            "expected": None, "difference": None, "unit": None, "numbers": [], "evidence": []}


def notes_of(doc: dict) -> list[dict]:
    """What could not be checked in the document as a whole (document.* rules, unverifiable): picture pages."""
    return [c for c in doc.get("checks") or [] if c["rule"].startswith("document.") and c["status"] == "unverifiable"]


@dataclass(frozen=True)
class Totals:
    """Counts over some documents: error and warning findings, unverifiable checks (notes among them),
    notes (notes_of) and unreadable documents."""

    errors: int
    warnings: int
    unverifiable: int
    notes: int
    unreadable: int


def totals(docs: Iterable[dict]) -> Totals:
    docs = list(docs)
    severities = [f["severity"] for d in docs for f in d["findings"]]
    return Totals(errors=severities.count("error"), warnings=severities.count("warning"),
                  unverifiable=sum(1 for d in docs for c in d["checks"] if c["status"] == "unverifiable"),
                  notes=sum(len(notes_of(d)) for d in docs),
                  unreadable=sum(1 for d in docs if d["status"] == "error"))


def rows_of(doc: dict) -> list[dict]:
    """The findings of a document and its notes, or its read error."""
    return [read_error_finding(doc)] if doc["status"] == "error" else list(doc["findings"]) + notes_of(doc)


def parse_number(text: Optional[str]) -> Optional[tuple[Decimal, int, bool]]:
    """A printed figure as (value, decimals, is_rate); None when it is not a plain number."""
    if text is None:
        return None
    t = str(text).strip().replace(",", "")
    rate = t.endswith("%")
    if rate:
        t = t[:-1]
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    decimals = len(t.split(".")[1]) if "." in t else 0
    return value, decimals, rate


def period_of(docs: list[dict]) -> str:
    years = sorted({d["year"] for d in docs if d.get("year")})
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
