"""The text report of `jxcheck report`: the `check` text layout, grouped by unit."""
from __future__ import annotations

from jxcheck.outputs import by_unit


def render_units(docs: list[dict]) -> str:
    from jxcheck.cli import render_text
    out = []
    for unit, unit_docs in by_unit(docs).items():
        errors = sum(1 for d in unit_docs for f in d["findings"] if f["severity"] == "error")
        warnings = sum(1 for d in unit_docs for f in d["findings"] if f["severity"] == "warning")
        failed = sum(1 for d in unit_docs if d["status"] == "error")
        out.append(f"== {unit}：{len(unit_docs)} 份文档，错误 {errors}，警告 {warnings}，无法读取 {failed} ==")
        out.append(render_text(unit_docs))
    return "\n".join(out).rstrip("\n") + "\n"
