"""Self-contained HTML pages: one per document (its text with every flagged figure highlighted and linked from
the findings list at the top), one index per unit, and OUTDIR/index.html linking the units.

The text comes from the blocks stored by the batch run, so no source file is read. All document text is
escaped. Anchors: a finding is #finding-N; each of its places in the text is #fN-eM, and the highlighted
figure links back to its finding. A cross-document finding's place in the other document links to that
document's page (#p-N paragraph, #t-N table, #page-N page). Documents are told apart by the names cross-document
quotes give them (scoring.crossdoc.document_names), so two years' 自评报告.pdf are 2019/自评报告.pdf and
2020/自评报告.pdf.
"""
from __future__ import annotations

import hashlib
import html as _html
import os
import re
from collections import Counter
from typing import Callable, Optional

from extractor.figures import parse_figures
from extractor.normalize import normalize
from jxcheck.outputs import REPORT_TYPE_ZH, SEVERITY_ZH, notes_of, quoted_file, rows_of, totals, where
from scoring.crossdoc import document_names

_SPECIAL = re.compile(r"[&<>\"']")


def escape(text: str) -> str:
    """html.escape, quotes included; text without a character to escape (most cells) is returned as is."""
    return _html.escape(text) if _SPECIAL.search(text) else text


STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;
line-height:1.6;color:#222}h1{font-size:1.3em}nav{font-size:.9em}.meta{color:#555;font-size:.9em}
li.error{border-left:4px solid #c0392b;padding-left:.5em;margin:.4em 0}li.warning{border-left:4px solid #e1a000;
padding-left:.5em;margin:.4em 0}mark.error{background:#f8cbad}mark.warning{background:#ffe699}
mark a{color:inherit}td.error{background:#f8cbad}td.warning{background:#ffe699}table{border-collapse:collapse;
margin:1em 0;font-size:.9em}td,th{border:1px solid #999;padding:2px 6px;vertical-align:top}
.page{color:#888;text-align:center;font-size:.8em}.quote{color:#555}p.text{margin:.3em 0}
.unfound{color:#555;font-size:.9em}"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _slug(prefix: str, key: str, n: int = 12) -> str:
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:n]


def unit_dir(unit: str) -> str:
    return _slug("u-", unit, 10)


def doc_file(doc: dict) -> str:
    return _slug("d-", doc["doc_id"], 16) + ".html"


def _own_quote(finding: dict, ev: dict, own_name: Optional[str]) -> Optional[str]:
    """The evidence's quote if the evidence is in this document: cross-document evidence opens with the name of
    its document (own_name for this one; None when this document has no name of its own in the unit)."""
    quote = ev.get("quote") or ""
    if not finding["rule"].startswith("crossdoc."):
        return quote
    prefix = f"《{own_name}》"
    return quote[len(prefix):] if own_name is not None and quote.startswith(prefix) else None


def _other_place(ev: dict, by_name: dict[str, dict]) -> Optional[str]:
    """The link to a cross-document evidence's place in the document its quote names."""
    other = by_name.get(quoted_file(ev) or "")
    if other is None:
        return None
    if ev.get("table") is not None:
        anchor = f"t-{ev['table']}"
    elif ev.get("paragraph") is not None:
        anchor = f"p-{ev['paragraph']}"
    elif ev.get("page") is not None:
        anchor = f"page-{ev['page']}"
    else:
        anchor = "text"
    return f"{doc_file(other)}#{anchor}"


def _collapse(text: str) -> tuple[str, list[int]]:
    """Text with whitespace runs as one space (as quotes are written), and each character's original offset."""
    out, offsets = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
        else:
            out.append(ch)
        offsets.append(i)
    return "".join(out), offsets


def _quote_span(text: str, quote: str) -> Optional[tuple[int, int]]:
    quote = quote.strip()
    if not quote:
        return None
    collapsed, offsets = _collapse(text)
    pos = collapsed.find(quote)
    if pos < 0:
        return None
    return offsets[pos], offsets[pos + len(quote) - 1] + 1


def _figure_spans(text: str, numbers: set[str], within: Optional[tuple[int, int]]) -> list[tuple[int, int]]:
    nt = normalize(text)
    spans = []
    for fig in parse_figures(nt.text):
        if fig.raw not in numbers:
            continue
        start, end = nt.span_to_original(fig.start, fig.end)
        if within is None or (start >= within[0] and end <= within[1]):
            spans.append((start, end))
    return spans


class _Marks:
    """Where the findings point in one document: paragraph spans and table cells, with anchors."""

    def __init__(self):
        self.spans: dict[int, list[tuple[int, int, str, int, str]]] = {}
        self.cells: dict[tuple[int, int, int], list[tuple[str, int, str]]] = {}
        self.paragraph_anchors: dict[int, list[tuple[str, int, str]]] = {}


def _collect_marks(findings: list[dict], blocks: list[dict],
                   own_name: Optional[str]) -> tuple[_Marks, dict[str, bool]]:
    paragraphs = {b["paragraph"]: b["text"] for b in blocks if b["kind"] == "p"}
    tables = {b["table_no"]: b["cells"] for b in blocks if b["kind"] == "t"}
    marks = _Marks()
    placed: dict[str, bool] = {}
    for i, f in enumerate(findings, start=1):
        numbers = set(f.get("numbers") or [])
        for j, ev in enumerate(f.get("evidence") or [], start=1):
            anchor = f"f{i}-e{j}"
            quote = _own_quote(f, ev, own_name)
            if quote is None:
                continue
            sev = f["severity"]
            t, p = ev.get("table"), ev.get("paragraph")
            if t is not None and t in tables and ev.get("row") and ev.get("col"):
                r, c = ev["row"] - 1, ev["col"] - 1
                cells = tables[t]
                if r < len(cells) and c < len(cells[r]):
                    marks.cells.setdefault((t, r, c), []).append((anchor, i, sev))
                    placed[anchor] = True
            elif p is not None and p in paragraphs:
                text = paragraphs[p]
                spans = _figure_spans(text, numbers, _quote_span(text, quote))
                if spans:
                    for k, (a, b) in enumerate(spans):
                        marks.spans.setdefault(p, []).append((a, b, anchor if k == 0 else "", i, sev))
                else:
                    marks.paragraph_anchors.setdefault(p, []).append((anchor, i, sev))
                placed[anchor] = True
    return marks, placed


def _anchors(ids: list[str]) -> str:
    return "".join(f'<a id="{escape(a)}"></a>' for a in ids if a)


def _paragraph_html(text: str, spans: list[tuple[int, int, str, int, str]]) -> str:
    out, pos = [], 0
    merged: dict[tuple[int, int], list] = {}
    for a, b, anchor, i, sev in sorted(spans):
        merged.setdefault((a, b), []).append((anchor, i, sev))
    for (a, b), items in sorted(merged.items()):
        anchors = [x[0] for x in items]
        if a < pos:
            out.append(_anchors(anchors))
            continue
        sev = "error" if any(x[2] == "error" for x in items) else "warning"
        first = items[0][1]
        titles = "、".join(f"问题{x[1]}" for x in items)
        out.append(escape(text[pos:a]))
        out.append(f'{_anchors(anchors)}<mark class="{sev}" title="{escape(titles)}">'
                   f'<a href="#finding-{first}">{escape(text[a:b])}</a></mark>')
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def _document_body(doc: dict, blocks: list[dict], by_name: dict[str, dict]) -> str:
    """A document's page; by_name maps the names cross-document quotes give the unit's readable documents, each
    used by one document only, to those documents."""
    findings = rows_of(doc)
    notes = notes_of(doc)
    own_name = next((name for name, d in by_name.items() if d is doc), None)
    marks, placed = _collect_marks(findings, blocks, own_name)
    unit = doc.get("unit_key") or ""
    head = [f'<nav><a href="index.html">← {escape(unit)}</a> · <a href="../../index.html">全部单位</a></nav>',
            f"<h1>{escape(doc['path'])}</h1>",
            f'<p class="meta">{escape(unit)} · {escape(str(doc.get("year") or "年度未识别"))} · '
            f'{escape(REPORT_TYPE_ZH.get(doc.get("report_type"), str(doc.get("report_type"))))} · '
            f'sha256 {escape(doc.get("sha256") or "—")}</p>',
            *([f'<p class="meta">同一报告的其他文件 / the same report in other files：'
               + "；".join(escape(c["path"]) for c in doc["copies"]) + "</p>"] if doc.get("copies") else []),
            f'<section id="findings"><h2>发现的问题（{len(findings) - len(notes)}）'
            + (f"与提示（{len(notes)}）" if notes else "") + "</h2><ol>"]
    for i, f in enumerate(findings, start=1):
        links = []
        for j, ev in enumerate(f.get("evidence") or [], start=1):
            anchor = f"f{i}-e{j}"
            label = escape(where(ev))
            quote = f'<span class="quote">“{escape(ev.get("quote", ""))}”</span>'
            elsewhere = _other_place(ev, by_name) if f["rule"].startswith("crossdoc.") else None
            if placed.get(anchor):
                links.append(f'<a href="#{anchor}">{label}</a> {quote}')
            elif elsewhere:
                links.append(f'<a href="{escape(elsewhere)}">{label}</a> {quote}')
            else:
                links.append(f"{label} {quote}")
        sev = f["severity"]
        head.append(f'<li id="finding-{i}" class="{escape(sev)}"><b>{escape(SEVERITY_ZH.get(sev, sev))}</b> '
                    f'<code>{escape(f["rule"])}</code> {escape(f["message"])}'
                    + (f' <small class="fid">{escape(f["id"])}</small>' if f.get("id") else "")
                    + ("<br>" + "<br>".join(links) if links else "") + "</li>")
    head.append("</ol></section>")
    body = ['<section id="text"><h2>原文</h2>']
    page = None
    for b in blocks:
        if b.get("page") is not None and b["page"] != page:
            page = b["page"]
            body.append(f'<div class="page" id="page-{page}">— 第{page}页 —</div>')
        if b["kind"] == "p":
            p = b["paragraph"]
            extra = marks.paragraph_anchors.get(p, [])
            html = _paragraph_html(b["text"] or "", marks.spans.get(p, []))
            if extra:
                links = " ".join(f'<a href="#finding-{i}">[问题{i}]</a>' for _, i, _ in extra)
                html = _anchors([a for a, _, _ in extra]) + html + f' <span class="unfound">{links}</span>'
            body.append(f'<p class="text" id="p-{p}">{html}</p>')
        else:
            t = b["table_no"]
            rows = []
            for r, row in enumerate(b["cells"] or []):
                tds = []
                for c, text in enumerate(row):
                    hits = marks.cells.get((t, r, c))
                    if hits:
                        sev = "error" if any(h[2] == "error" for h in hits) else "warning"
                        tds.append(f'<td class="{sev}">{_anchors([h[0] for h in hits])}'
                                   f'<a href="#finding-{hits[0][1]}">{escape(text)}</a></td>')
                    else:
                        tds.append(f"<td>{escape(text)}</td>")
                rows.append("<tr>" + "".join(tds) + "</tr>")
            body.append(f'<table id="t-{t}">' + "".join(rows) + "</table>")
    if doc["status"] == "error":
        body.append(f"<p>{escape((doc.get('error') or {}).get('message') or '')}</p>")
    body.append("</section>")
    return "\n".join(head + body)


def _unit_index(unit: str, docs: list[dict]) -> str:
    rows = []
    for d in docs:
        t = totals([d])
        status = "无法读取：" + (d.get("error") or {}).get("code", "") if d["status"] == "error" else "已检查"
        rows.append(f'<tr><td>{escape(str(d.get("year") or ""))}</td><td><a href="{doc_file(d)}">'
                    f'{escape(d["path"])}</a></td><td>{escape(REPORT_TYPE_ZH.get(d.get("report_type"), ""))}</td>'
                    f"<td>{t.errors}</td><td>{t.warnings}</td><td>{t.unverifiable}</td><td>{escape(status)}</td></tr>")
    body = (f'<nav><a href="../../index.html">← 全部单位</a></nav><h1>{escape(unit)}</h1>'
            "<table><tr><th>年度</th><th>文件</th><th>报告类型</th><th>错误</th><th>警告</th><th>无法核实</th>"
            "<th>状态</th></tr>" + "".join(rows) + "</table>")
    return _page(unit, body)


def _top_index(groups: dict[str, list[dict]]) -> str:
    rows = []
    for unit, docs in groups.items():
        t = totals(docs)
        rows.append(f'<tr><td><a href="html/{unit_dir(unit)}/index.html">{escape(unit)}</a></td><td>{len(docs)}</td>'
                    f"<td>{t.errors}</td><td>{t.warnings}</td><td>{t.unreadable}</td></tr>")
    body = ("<h1>绩效评价报告数字核查</h1><table><tr><th>单位</th><th>文档数</th><th>错误</th><th>警告</th>"
            "<th>无法读取</th></tr>" + "".join(rows) + "</table>")
    return _page("绩效评价报告数字核查", body)


def write_unit(outdir: str, unit: str, unit_docs: list[dict], blocks_for: Callable[[str], list[dict]]) -> None:
    """Write OUTDIR/html/<unit>/index.html and the page of each of the unit's documents."""
    folder = os.path.join(outdir, "html", unit_dir(unit))
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(_unit_index(unit, unit_docs))
    readable = [d for d in unit_docs if d["status"] == "ok"]
    names = document_names([d["path"] for d in readable])
    counts = Counter(names)
    by_name = {name: d for name, d in zip(names, readable) if counts[name] == 1}
    for d in unit_docs:
        with open(os.path.join(folder, doc_file(d)), "w", encoding="utf-8") as fh:
            fh.write(_page(d["path"], _document_body(d, blocks_for(d["doc_id"]), by_name)))


def write_index(outdir: str, groups: dict[str, list[dict]]) -> None:
    """Write OUTDIR/index.html linking the units (groups as by_unit gives them)."""
    with open(os.path.join(outdir, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(_top_index(groups))
