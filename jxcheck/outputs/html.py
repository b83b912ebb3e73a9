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
from jxcheck.rule_docs import name_zh
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
.unfound{color:#555;font-size:.9em}mark.pass{background:#d9f2d9}mark.unverifiable{background:#e0e0e0}
mark.info{background:#ddebf7}mark.pass::after{content:"✓";color:#1e7b1e;font-size:.8em}
mark.unverifiable::after{content:"?";color:#555;font-size:.8em}mark.error::after,mark.warning::after,mark.info::after{
content:"≠";font-size:.8em}td.pass{background:#d9f2d9}td.unverifiable{background:#e0e0e0}td.info{background:#ddebf7}
td.tick{text-align:center;font-weight:bold}.legend{font-size:.9em}table.checks td{font-size:.9em}"""


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


class _Paragraph:
    """A paragraph's text read once for marking: collapsed for quotes, and its printed figures (raw text and
    span in the original)."""

    def __init__(self, text: str):
        self.text = text
        self._collapsed: Optional[tuple[str, list[int]]] = None
        self._figures: Optional[list[tuple[str, int, int]]] = None

    def quote_span(self, quote: str) -> Optional[tuple[int, int]]:
        quote = quote.strip()
        if not quote:
            return None
        if self._collapsed is None:
            self._collapsed = _collapse(self.text)
        collapsed, offsets = self._collapsed
        pos = collapsed.find(quote)
        if pos < 0:
            return None
        return offsets[pos], offsets[pos + len(quote) - 1] + 1

    def figure_spans(self, numbers: set[str], within: Optional[tuple[int, int]]) -> list[tuple[int, int]]:
        if self._figures is None:
            nt = normalize(self.text)
            self._figures = [(fig.raw, *nt.span_to_original(fig.start, fig.end)) for fig in parse_figures(nt.text)]
        return [(start, end) for raw, start, end in self._figures
                if raw in numbers and (within is None or (start >= within[0] and end <= within[1]))]


class _Marks:
    """Where the checks point in one document: paragraph spans and table cells, each with its anchor, the id of
    the entry it links to, that entry's label and its class (error, warning, info, unverifiable, pass)."""

    def __init__(self):
        self.spans: dict[int, list[tuple[int, int, str, str, str, str]]] = {}
        self.cells: dict[tuple[int, int, int], list[tuple[str, str, str, str]]] = {}
        self.paragraph_anchors: dict[int, list[tuple[str, str, str, str]]] = {}


CLASS_RANK = ("error", "warning", "info", "unverifiable", "pass")
TICK_CLASS = {"pass": "pass", "unverifiable": "unverifiable"}
TICKS = {"pass": "✓", "fail": "≠", "unverifiable": "?"}
LEGEND = ('<p class="legend">标记 / marks：<mark class="pass">通过</mark> 复算一致　'
          '<mark class="error">不符</mark> 错误　<mark class="warning">不符</mark> 警告　'
          '<mark class="unverifiable">无法核实</mark> 见说明</p>')


def _strongest(classes) -> str:
    return min(classes, key=lambda c: CLASS_RANK.index(c) if c in CLASS_RANK else len(CLASS_RANK))


def _entries(findings: list[dict], ticks: list[dict]) -> list[tuple[dict, str, str, str, str]]:
    """Each marked check with its anchor prefix, the id of its entry, its label and its class: the findings
    (问题N, #finding-N) and the passed and unverifiable checks (检查N, #check-N)."""
    out = [(f, f"f{i}", f"finding-{i}", f"问题{i}", f["severity"]) for i, f in enumerate(findings, start=1)]
    out += [(c, f"c{k}", f"check-{k}", f"检查{k}", TICK_CLASS[c["status"]]) for k, c in enumerate(ticks, start=1)
            if c["status"] in TICK_CLASS]
    return out


def _collect_marks(findings: list[dict], blocks: list[dict], own_name: Optional[str],
                   ticks: Optional[list[dict]] = None) -> tuple[_Marks, dict[str, bool]]:
    paragraphs = {b["paragraph"]: _Paragraph(b["text"] or "") for b in blocks if b["kind"] == "p"}
    tables = {b["table_no"]: b["cells"] for b in blocks if b["kind"] == "t"}
    marks = _Marks()
    placed: dict[str, bool] = {}
    for f, prefix, target, label, cls in _entries(findings, ticks or []):
        numbers = set(f.get("numbers") or [])
        for j, ev in enumerate(f.get("evidence") or [], start=1):
            anchor = f"{prefix}-e{j}"
            quote = _own_quote(f, ev, own_name)
            if quote is None:
                continue
            t, p = ev.get("table"), ev.get("paragraph")
            if t is not None and t in tables and ev.get("row") and ev.get("col"):
                r, c = ev["row"] - 1, ev["col"] - 1
                cells = tables[t]
                if r < len(cells) and c < len(cells[r]):
                    marks.cells.setdefault((t, r, c), []).append((anchor, target, label, cls))
                    placed[anchor] = True
            elif p is not None and p in paragraphs:
                paragraph = paragraphs[p]
                spans = paragraph.figure_spans(numbers, paragraph.quote_span(quote))
                if spans:
                    for k, (a, b) in enumerate(spans):
                        marks.spans.setdefault(p, []).append((a, b, anchor if k == 0 else "", target, label, cls))
                else:
                    marks.paragraph_anchors.setdefault(p, []).append((anchor, target, label, cls))
                placed[anchor] = True
    return marks, placed


def _anchors(ids: list[str]) -> str:
    return "".join(f'<a id="{escape(a)}"></a>' for a in ids if a)


def _paragraph_html(text: str, spans: list[tuple[int, int, str, str, str, str]]) -> str:
    out, pos = [], 0
    merged: dict[tuple[int, int], list] = {}
    for a, b, anchor, target, label, cls in sorted(spans):
        merged.setdefault((a, b), []).append((anchor, target, label, cls))
    for (a, b), items in sorted(merged.items()):
        anchors = [x[0] for x in items]
        if a < pos:
            out.append(_anchors(anchors))
            continue
        items.sort(key=lambda x: CLASS_RANK.index(x[3]) if x[3] in CLASS_RANK else len(CLASS_RANK))
        titles = "、".join(x[2] for x in items)
        out.append(escape(text[pos:a]))
        out.append(f'{_anchors(anchors)}<mark class="{escape(items[0][3])}" title="{escape(titles)}">'
                   f'<a href="#{escape(items[0][1])}">{escape(text[a:b])}</a></mark>')
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def _checklist(checks: list[dict], placed: dict[str, bool], findings: list[dict]) -> str:
    """Every check of the document with its tick mark, rule and place: the passed and unverifiable ones link to
    their marks in the text, the findings to their entry above."""
    number = {id(f): i for i, f in enumerate(findings, start=1)}
    ids = {f.get("id"): i for i, f in enumerate(findings, start=1) if f.get("id")}
    rows = []
    k = 0
    for c in checks:
        if c["status"] in TICK_CLASS:
            k += 1
            anchor = f"c{k}-e1"
            own = f' id="check-{k}"'
            link = f'<a href="#{anchor}">{escape(where((c.get("evidence") or [{}])[0]))}</a>' if placed.get(anchor) \
                else escape(where((c.get("evidence") or [{}])[0]))
            cls = TICK_CLASS[c["status"]]
        else:
            own = ""
            i = ids.get(c.get("id")) or number.get(id(c))
            link = f'<a href="#finding-{i}">问题{i}</a>' if i else escape(where((c.get("evidence") or [{}])[0]))
            cls = c["severity"]
        rows.append(f'<tr{own}><td class="tick {escape(cls)}">{TICKS.get(c["status"], "")}</td>'
                    f'<td><code>{escape(c["rule"])}</code><br>{escape(name_zh(c["rule"]))}</td>'
                    f'<td>{escape(c["message"])}</td><td>{link}</td></tr>')
    counts = {s: sum(1 for c in checks if c["status"] == s) for s in TICKS}
    return (f'<section id="checks"><h2>全部检查（{len(checks)}：✓ {counts["pass"]}，≠ {counts["fail"]}，'
            f'? {counts["unverifiable"]}）</h2>{LEGEND}<table class="checks"><tr><th>标记</th><th>规则</th><th>说明</th>'
            "<th>位置</th></tr>" + "".join(rows) + "</table></section>")


def text_html(blocks: list[dict], marks: _Marks) -> str:
    """A document's paragraphs and tables as HTML, every character escaped, its marked figures highlighted and
    linked to their entries (#finding-N, #check-N); pages are #page-N, paragraphs #p-N, tables #t-N."""
    body = []
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
                links = " ".join(f'<a href="#{target}">[{label}]</a>' for _, target, label, _ in extra)
                html = _anchors([x[0] for x in extra]) + html + f' <span class="unfound">{links}</span>'
            body.append(f'<p class="text" id="p-{p}">{html}</p>')
        else:
            t = b["table_no"]
            rows = []
            for r, row in enumerate(b["cells"] or []):
                tds = []
                for c, text in enumerate(row):
                    hits = marks.cells.get((t, r, c))
                    if hits:
                        hits = sorted(hits, key=lambda h: CLASS_RANK.index(h[3]) if h[3] in CLASS_RANK else 9)
                        tds.append(f'<td class="{escape(hits[0][3])}" title="{escape("、".join(h[2] for h in hits))}">'
                                   f'{_anchors([h[0] for h in hits])}<a href="#{hits[0][1]}">{escape(text)}</a></td>')
                    else:
                        tds.append(f"<td>{escape(text)}</td>")
                rows.append("<tr>" + "".join(tds) + "</tr>")
            body.append(f'<table id="t-{t}">' + "".join(rows) + "</table>")
    return "\n".join(body)


def marked_text(doc: dict, blocks: list[dict], checks: list[dict],
                own_name: Optional[str] = None) -> tuple[str, dict[str, bool]]:
    """text_html of a document with its findings (rows_of) and its passed and unverifiable checks marked; and
    which anchors were placed."""
    ticks = [c for c in checks if c["status"] in TICK_CLASS]
    marks, placed = _collect_marks(rows_of(doc), blocks, own_name, ticks)
    return text_html(blocks, marks), placed


def _document_body(doc: dict, blocks: list[dict], by_name: dict[str, dict],
                   checks: Optional[list[dict]] = None) -> str:
    """A document's page; by_name maps the names cross-document quotes give the unit's readable documents, each
    used by one document only, to those documents; checks are all its checks, passed ones included (else those of
    its object), listed with their tick marks and marked in the text."""
    findings = rows_of(doc)
    notes = notes_of(doc)
    own_name = next((name for name, d in by_name.items() if d is doc), None)
    ticks = [c for c in (checks if checks is not None else doc.get("checks") or []) if c["status"] in TICK_CLASS]
    marks, placed = _collect_marks(findings, blocks, own_name, ticks)
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
    body = ['<section id="text"><h2>原文</h2>', text_html(blocks, marks)]
    if doc["status"] == "error":
        body.append(f"<p>{escape((doc.get('error') or {}).get('message') or '')}</p>")
    body.append("</section>")
    if doc["status"] == "ok":
        body.append(_checklist(checks if checks is not None else doc.get("checks") or [], placed, findings))
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


def write_unit(outdir: str, unit: str, unit_docs: list[dict], blocks_for: Callable[[str], list[dict]],
               checks_for: Optional[Callable[[str], Optional[list[dict]]]] = None) -> None:
    """Write OUTDIR/html/<unit>/index.html and the page of each of the unit's documents; checks_for gives a
    document's every check (passed ones included) by doc id, or None to use its object's."""
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
            checks = checks_for(d["doc_id"]) if checks_for is not None else None
            fh.write(_page(d["path"], _document_body(d, blocks_for(d["doc_id"]), by_name, checks)))


def write_index(outdir: str, groups: dict[str, list[dict]]) -> None:
    """Write OUTDIR/index.html linking the units (groups as by_unit gives them)."""
    with open(os.path.join(outdir, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(_top_index(groups))
