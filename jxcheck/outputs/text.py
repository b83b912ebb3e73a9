"""The text report of `jxcheck report`: the `check` text layout, grouped by unit."""
from __future__ import annotations

from jxcheck.outputs import by_unit, totals


def render_units(docs: list[dict]) -> str:
    from jxcheck.cli import render_text
    out = []
    for unit, unit_docs in by_unit(docs).items():
        t = totals(unit_docs)
        out.append(f"== {unit}：{len(unit_docs)} 份文档，错误 {t.errors}，警告 {t.warnings}，无法读取 {t.unreadable} ==")
        out.append(render_text(unit_docs))
    return "\n".join(out).rstrip("\n") + "\n"
