"""crossdoc.carryover, crossdoc.same_figure, crossdoc.self_vs_review — checks across the documents of one unit.

Fails:  《2019年自评报告.txt》年末结转结余 40.00 万元, 《2020年自评报告.txt》年初结转结余 45.00 万元
        (carryover: 45.00 − 40.00 = 5.00 万元, error); the third-party report cites 自评得分 95 分 where the
        self-evaluation states 93 分 (self_vs_review: error); 整体支出完成率 97% in one report, 92% in another
        of the same year (same_figure: error).
Passes: 年末结转结余 10.00 万元 in 2019 and 年初结转结余 10.0 万元 in 2020; 95% in both reports of a year.
The two total scores themselves may differ (the reviewer re-scores): a gap is noted (fail, info), a gap of
5 points or more is a warning (the usual 评分标准 deducts for it).
Only unit-level figures are compared: a text figure whose label is the concept itself (an optional year or 本单位
before it) in a sentence without 项目/其中/专项, or else the 合计/总计 row of a table not introduced as a project table
(the words are in patterns/crossdoc.yaml). Amounts are compared stage by stage (预算 with 预算, 决算 with 决算); a
rate is one rate whatever stage words precede it (“三公经费”预算安排数…控制率为 90%). A document with several such values
for one concept is ambiguous: carryover says unverifiable, the other rules skip it; a pair where one document
states no such figure is not a check. Several renderings of one report (same year, type and file stem, e.g.
.docx and .pdf) count once. Messages name a document by its file name, or, when the unit has several readable
documents of that name (taking part or not), by the last path parts that tell them apart (2019/自评报告.pdf).
Only reports about the unit as a whole take part: a third-party report whose title does not say 部门整体支出 (or
the like) evaluated a project, and a report whose title names a 项目 is left out too.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import paragraph_facts
from extractor.figures import Figure
from extractor.model import Location, Paragraph
from extractor.normalize import compact
from scoring.model import Check, Evidence
from scoring.rounding import compare, interval, render
from scoring.rules.common import shown

CARRYOVER = "crossdoc.carryover"
SAME_FIGURE = "crossdoc.same_figure"
SELF_VS_REVIEW = "crossdoc.self_vs_review"

VOCABULARY = patterns.load("crossdoc")
PREFIX = regex.compile("(?:" + "|".join([VOCABULARY["year_prefix"]] + [regex.escape(w) for w in
                                                                        VOCABULARY["unit_prefixes"]]) + ")*")
SUFFIXES = ("", *VOCABULARY["label_suffixes"])
SCOPE_WORDS = tuple(VOCABULARY["scope_words"])
TOTAL_ROWS = tuple(VOCABULARY["total_rows"])
SENTENCE_BREAK = VOCABULARY["sentence_break"]
SECTION_HEADING = regex.compile(VOCABULARY["section_heading"])
UNIT_TITLE_WORDS = tuple(VOCABULARY["unit_title_words"])
PROJECT_TITLE_WORDS = tuple(VOCABULARY["project_title_words"])
UNIT_LEVEL_TYPES = ("unit_self_evaluation", "third_party_evaluation", "final_accounts", "unknown")
SCORE_CONCEPTS = ("self_evaluation_score", "evaluation_score")
SCORE_GAP_WARNING = Decimal(5)
SCATTERED_VALUES = 5
FORMAT_PREFERENCE = ("docx", "txt", "pdf", "doc", "html")
ANY_STAGE = "*"


def path_parts(path: str) -> list[str]:
    """The folders and file name of a stored path (a zip member's path inside its archive)."""
    return [p for p in path.replace("\\", "/").split("!/")[-1].split("/") if p]


def file_name(path: str) -> str:
    """A stored path's file name, as cross-document messages and quotes name the document."""
    parts = path_parts(path)
    return parts[-1] if parts else ""


@dataclass
class CrossDocument:
    """One stored document of a unit: its metadata, fact records and paragraph texts."""

    doc_id: str
    path: str
    year: Optional[int]
    report_type: str
    format: str
    facts: list[dict]
    paragraphs: dict[int, str] = field(default_factory=dict)
    before_table: dict[int, str] = field(default_factory=dict)
    label: Optional[str] = None
    _parsed: dict = field(default_factory=dict, repr=False)
    _picks: dict = field(default_factory=dict, repr=False)
    _by_concept: dict = field(default_factory=dict, repr=False)

    def facts_of(self, concept: str) -> list[dict]:
        if not self._by_concept:
            for f in self.facts:
                self._by_concept.setdefault(f.get("concept"), []).append(f)
        return self._by_concept.get(concept, [])

    def parsed(self, index: int):
        """The paragraph's facts as the extractor finds them (figure spans in its normalized text)."""
        if index not in self._parsed:
            text = self.paragraphs.get(index)
            self._parsed[index] = None if text is None else paragraph_facts(0, Paragraph(index=index, text=text), self.year)
        return self._parsed[index]

    @property
    def title(self) -> str:
        """The leading short lines, up to the first section heading or long paragraph (patterns/crossdoc.yaml),
        compacted; a long first paragraph (a title run into the text, as PDF lines may be) gives its start."""
        lines = []
        longest = VOCABULARY["title_max_chars"]
        for n, index in enumerate(sorted(self.paragraphs)[:VOCABULARY["title_lines"]]):
            text = compact(self.paragraphs[index])
            if SECTION_HEADING.match(text):
                break
            if len(text) > longest:
                if n == 0:
                    lines.append(text[:longest])
                break
            lines.append(text)
        return "".join(lines)

    @property
    def speaks_for_unit(self) -> bool:
        """The report is about the unit as a whole, not about one of its projects (its title says which)."""
        title = self.title
        if any(w in title for w in UNIT_TITLE_WORDS):
            return True
        if self.report_type == "third_party_evaluation":
            return False
        return not any(w in title for w in PROJECT_TITLE_WORDS)

    @property
    def name(self) -> str:
        """How messages and quotes name the document: its file name, or label (see name_documents)."""
        return self.label or self.file_name

    @property
    def file_name(self) -> str:
        return file_name(self.path)

    @property
    def stem(self) -> str:
        return os.path.splitext(self.file_name)[0]


@dataclass
class Source:
    """A fact of a document, as a Figure, with its evidence."""

    doc: CrossDocument
    fact: dict
    figure: Figure

    def evidence(self) -> Evidence:
        f = self.fact
        return Evidence(quote=f"《{self.doc.name}》{f.get('quote') or ''}",
                        location=Location(page=f.get("page"), paragraph=f.get("paragraph"), table=f.get("table"),
                                          row=f.get("row"), col=f.get("col")))

    @property
    def base_value(self) -> Decimal:
        return self.figure.value * self.figure.scale


@dataclass
class Pick:
    """The unit-level value of a concept in one document: exactly one value, none, or several."""

    sources: list[Source]
    values: list[Decimal]

    @property
    def one(self) -> bool:
        return len(self.values) == 1

    @property
    def chosen(self) -> Source:
        return self.sources[0]


def _figure(fact: dict) -> Optional[Figure]:
    try:
        value = Decimal(str(fact["value"]))
    except (InvalidOperation, KeyError, TypeError):
        return None
    return Figure(value, int(fact.get("decimals") or 0), fact.get("unit"), fact.get("kind") or "number",
                  fact.get("raw") or str(value), 0, 0, bool(fact.get("approximate")))


@lru_cache(maxsize=None)
def _synonyms(concept: str) -> tuple[str, ...]:
    spec = patterns.load("concepts")["concepts"].get(concept) or {}
    return tuple(sorted((compact(s) for s in spec.get("synonyms", [])), key=len, reverse=True))


def _bare_label(label: str, concept: str) -> bool:
    """The label names the concept itself: an optional year / 本单位 prefix and a neutral suffix only."""
    text = compact(label)
    for syn in _synonyms(concept):
        for suffix in SUFFIXES:
            end = syn + suffix
            if text.endswith(end) and PREFIX.fullmatch(text[:len(text) - len(end)]):
                return True
    return False


def _sentence_before(doc: CrossDocument, fact: dict) -> Optional[str]:
    """The sentence of the fact's paragraph up to the figure (normalized), or None if it cannot be located:
    from the record's lead, or, for a record without one (an older store, a very long sentence), from the
    paragraph parsed again."""
    lead = fact.get("lead")
    if lead is not None:
        cut = max(lead.rfind(ch) for ch in SENTENCE_BREAK)
        return lead[cut + 1:]
    pf = doc.parsed(fact.get("paragraph"))
    if pf is None:
        return None
    for tf in pf.facts:
        if tf.figure.raw == fact.get("raw") and tf.quote == fact.get("quote") and tf.label == fact.get("label"):
            head = pf.norm.text[:tf.figure.start]
            cut = max(head.rfind(ch) for ch in SENTENCE_BREAK)
            return head[cut + 1:]
    return None


def _scoped(text: str) -> bool:
    return any(w in compact(text) for w in SCOPE_WORDS)


def _text_candidate(doc: CrossDocument, fact: dict, concept: str, kind: str) -> bool:
    if fact.get("table") is not None or fact.get("concept") != concept or fact.get("kind") != kind:
        return False
    if fact.get("approximate") or fact.get("period") != doc.year:
        return False
    if kind == "score":
        return True
    if not _bare_label(fact.get("label") or "", concept):
        return False
    sentence = _sentence_before(doc, fact)
    return sentence is not None and not _scoped(sentence)


def _table_candidate(doc: CrossDocument, fact: dict, concept: str, kind: str) -> bool:
    if fact.get("table") is None or fact.get("concept") != concept or fact.get("kind") != kind:
        return False
    if fact.get("approximate"):
        return False
    row_label = compact((fact.get("label") or "").split(" / ")[0])
    if row_label not in TOTAL_ROWS:
        return False
    intro = doc.before_table.get(fact["table"], "")
    last = regex.split(f"[{regex.escape(SENTENCE_BREAK)}]", compact(intro).rstrip(SENTENCE_BREAK))[-1] if intro else ""
    return not _scoped(last)


def pick(doc: CrossDocument, concept: str, kind: str, stage: Optional[str] = ANY_STAGE, tables: bool = True) -> Pick:
    """The unit-level figure of a concept: text figures first; a table 合计/总计 only when the text has none.

    stage None or "final"/"budget" keeps only figures of that stage; ANY_STAGE keeps all."""
    key = (concept, kind, stage, tables)
    if key in doc._picks:
        return doc._picks[key]

    def staged(f: dict) -> bool:
        return stage == ANY_STAGE or f.get("stage") == stage

    facts = doc.facts_of(concept)
    tiers = [[f for f in facts if staged(f) and _text_candidate(doc, f, concept, kind)]]
    if tables:
        tiers.append([f for f in facts if staged(f) and _table_candidate(doc, f, concept, kind)])
    found = Pick([], [])
    for candidates in tiers:
        sources = [Source(doc, f, fig) for f in candidates if (fig := _figure(f)) is not None]
        if sources:
            values: list[Decimal] = []
            for s in sources:
                if s.base_value not in values:
                    values.append(s.base_value)
            found = Pick(sources, values)
            break
    doc._picks[key] = found
    return found


def _versus(reported: Source, other: Source) -> tuple[str, str, str]:
    """pass / warning / error for a figure against the same figure from another document, expected, difference."""
    rf, of = reported.figure, other.figure
    scale = rf.scale
    verdict = compare(interval(of, base=True), rf, scale=scale)
    other_value = of.value * of.scale / scale
    expected = render(other_value, rf.decimals, rate=rf.kind == "rate")
    difference = render(rf.value - other_value, rf.decimals)
    return verdict, expected, difference


def _check(rule: str, verdict: str, message: str, concept: str, reported: Source, other: Source,
           expected: str, difference: str) -> Check:
    return Check.judged(verdict, rule=rule, message=message,
                        concept=concept, reported=reported.figure.raw, expected=expected, difference=difference,
                        unit=reported.figure.unit if reported.figure.kind != "rate" else "%",
                        numbers=[reported.figure.raw, other.figure.raw],
                        evidence=[reported.evidence(), other.evidence()])


def _zh(concept: str) -> str:
    return patterns.load("concepts")["concepts"].get(concept, {}).get("zh", concept)


def _listing(p: Pick) -> str:
    return "、".join(dict.fromkeys(shown(s.figure) for s in p.sources))


def _carryover(earlier: CrossDocument, later: CrossDocument) -> Optional[Check]:
    closing = pick(earlier, "closing_balance", "amount")
    opening = pick(later, "opening_balance", "amount")
    if not closing.sources or not opening.sources:
        return None
    n, e, l = earlier.year, earlier.name, later.name
    if closing.one and opening.one:
        c, o = closing.chosen, opening.chosen
        verdict, expected, diff = _versus(o, c)
        unit = o.figure.unit or ""
        if verdict == "pass":
            message = (f"《{l}》{n + 1}年年初结转结余 {shown(o.figure)} 与《{e}》{n}年年末结转结余 "
                       f"{shown(c.figure)} 相符（在打印精度内）。")
        else:
            message = (f"《{l}》{n + 1}年年初结转结余 {shown(o.figure)} 与《{e}》{n}年年末结转结余 "
                       f"{shown(c.figure)} 不符：{o.figure.raw} − {expected} = {diff}{unit}。")
        return _check(CARRYOVER, verdict, message, "opening_balance", o, c, expected, diff)
    reasons = [f"《{doc.name}》的{what}有多个数值（{_listing(p)}），无法确定哪一个是单位合计"
               for p, doc, what in ((closing, earlier, f"{n}年年末结转结余"), (opening, later, f"{n + 1}年年初结转结余"))
               if not p.one]
    used = closing.sources + opening.sources
    reported = opening.chosen.figure if opening.one else None
    return Check(rule=CARRYOVER, status="unverifiable", severity="info",
                 message="无法核对跨年结转：" + "；".join(reasons) + "。", concept="opening_balance",
                 reported=reported.raw if reported else None, unit=reported.unit if reported else None,
                 numbers=[s.figure.raw for s in used], evidence=[s.evidence() for s in used])


def compared_concepts() -> set[str]:
    """The concepts whose facts the cross-document checks read."""
    return {c for c, _ in _same_figure_concepts()} | set(SCORE_CONCEPTS)


def _same_figure_concepts() -> list[tuple[str, str]]:
    concepts = patterns.load("concepts")["concepts"]
    out = [(cid, "rate" if cid.endswith("_rate") else "amount") for cid, spec in concepts.items()
           if spec.get("repeat") and cid not in SCORE_CONCEPTS]
    return out + [("opening_balance", "amount"), ("closing_balance", "amount")]


def _figure_key(p: Pick) -> tuple:
    """What decides a verdict against a picked figure: its value, printed decimals, unit and kind."""
    f = p.chosen.figure
    return (f.value, f.decimals, f.unit, f.kind)


def reference(picks: list[tuple[CrossDocument, Pick]]) -> tuple[CrossDocument, Pick, int]:
    """The figure the others of a (year, concept) are held to: the one most documents print (on a tie, the one
    the first document prints), its first document, and how many documents print it. picks are in order."""
    groups = _by_figure(picks)
    largest = max(len(g) for g in groups.values())
    group = next(g for g in groups.values() if len(g) == largest)
    return group[0][0], group[0][1], largest


def _by_figure(picks: list[tuple[CrossDocument, Pick]]) -> dict[tuple, list[tuple[CrossDocument, Pick]]]:
    groups: dict[tuple, list[tuple[CrossDocument, Pick]]] = {}
    for doc, p in picks:
        groups.setdefault(_figure_key(p), []).append((doc, p))
    return groups


def scattered(picks: list[tuple[CrossDocument, Pick]]) -> bool:
    """The reports print the figure in more than SCATTERED_VALUES values and no value is printed by half of them:
    there is no unit-level figure to hold them to (reports of several units under one name, most likely)."""
    groups = _by_figure(picks)
    return len(groups) > SCATTERED_VALUES and 2 * max(len(g) for g in groups.values()) < len(picks)


def _scattered_check(rule: str, concept: str, what: str, picks: list[tuple[CrossDocument, Pick]]) -> Check:
    """One unverifiable check for a figure the reports of a year print in too many values (scattered)."""
    groups = list(_by_figure(picks).values())
    shown_two = [g[0] for g in groups[:2]]
    listing = "、".join(f"《{d.name}》{shown(p.chosen.figure)}" for d, p in shown_two)
    first = shown_two[0][1].chosen.figure
    return Check(rule=rule, status="unverifiable", severity="info", concept=concept,
                 message=f"{what}：{len(picks)} 份报告列出 {len(groups)} 个不同数值（如{listing}），没有半数报告一致的单位数值，"
                         f"未逐份比对。",
                 reported=first.raw, unit="%" if first.kind == "rate" else first.unit,
                 numbers=[p.chosen.figure.raw for _, p in shown_two],
                 evidence=[p.chosen.evidence() for _, p in shown_two])


def _same_figure_message(year, what: str, doc: CrossDocument, reported: Source, ref: CrossDocument, other: Source,
                         holders: int, verdict: str, diff: str, unit: str) -> str:
    if verdict == "pass":
        many = f"等 {holders} 份文件" if holders > 1 else ""
        return (f"{year}年{what}：《{doc.name}》{many}{shown(reported.figure)} 与《{ref.name}》"
                f"{shown(other.figure)} 一致（在打印精度内）。")
    return (f"{year}年{what}两份文件不一致：《{doc.name}》为 {shown(reported.figure)}，《{ref.name}》为 "
            f"{shown(other.figure)}，相差 {diff}{unit}。")


def _same_figure_year(docs: list[CrossDocument]) -> list[tuple[str, str, Check]]:
    """crossdoc.same_figure among the reports of one year, indexed by (concept, stage): the reports that state the
    figure are grouped by the figure they print, and each group is held once to the figure most of them state
    (reference, in its first report). A group that disagrees gives each of its reports its check (a finding
    for each report that prints it); a group that agrees gives one passing check, on its last report, that says
    how many reports print it. So the checks grow with the reports that disagree and the figures printed, not
    with pairs of reports. Two reports: the later one (the third-party one first) holds the check, as before."""
    ordered = sorted(docs, key=_attach_order)
    out = []
    for concept, kind in _same_figure_concepts():
        if kind == "amount":
            stages = sorted({f.get("stage") for d in ordered for f in d.facts_of(concept)}, key=lambda s: s or "")
        else:
            stages = [ANY_STAGE]
        for stage in stages:
            picks = [(d, p) for d in ordered if (p := pick(d, concept, kind, stage, tables=False)).one]
            if len(picks) < 2:
                continue
            what = _zh(concept) + {"final": "（决算）", "budget": "（预算）"}.get(stage or "", "")
            if scattered(picks):
                out.append((picks[0][0].doc_id, picks[1][0].doc_id,
                            _scattered_check(SAME_FIGURE, concept, f"{picks[0][0].year}年{what}", picks)))
                continue
            ref, ref_pick, _ = reference(picks)
            other = ref_pick.chosen
            groups: dict[tuple, list[tuple[CrossDocument, Pick]]] = {}
            for doc, p in picks:
                if doc is not ref:
                    groups.setdefault(_figure_key(p), []).append((doc, p))
            for members in groups.values():
                verdict, expected, diff = _versus(members[0][1].chosen, other)
                unit = "个百分点" if kind == "rate" else (members[0][1].chosen.figure.unit or "")
                for doc, p in (members if verdict != "pass" else members[-1:]):
                    reported = p.chosen
                    message = _same_figure_message(doc.year, what, doc, reported, ref, other, len(members), verdict,
                                                   diff, unit)
                    out.append((doc.doc_id, ref.doc_id,
                                _check(SAME_FIGURE, verdict, message, concept, reported, other, expected, diff)))
    return out


def _self_vs_review(own: CrossDocument, review: CrossDocument) -> list[Check]:
    self_total = pick(own, "self_evaluation_score", "score", tables=False)
    if not self_total.sources:
        self_total = pick(own, "evaluation_score", "score", tables=False)
    review_total = pick(review, "evaluation_score", "score", tables=False)
    cited = pick(review, "self_evaluation_score", "score", tables=False)
    year, s, r = review.year, own.name, review.name
    out = []
    if self_total.sources and not self_total.one:
        used = self_total.sources
        out.append(Check(rule=SELF_VS_REVIEW, status="unverifiable", severity="info", concept="self_evaluation_score",
                         message=f"《{s}》有多个自评总分（{_listing(self_total)}），无法与第三方评价比对。",
                         unit="分", numbers=[u.figure.raw for u in used], evidence=[u.evidence() for u in used]))
        return out
    if not self_total.one:
        return out
    own_score = self_total.chosen
    if review_total.one:
        rv = review_total.chosen
        gap = rv.figure.value - own_score.figure.value
        decimals = max(rv.figure.decimals, own_score.figure.decimals)
        diff = render(gap, decimals)
        if gap == 0:
            status, severity = "pass", "info"
            message = f"{year}年第三方评价得分 {rv.figure.raw} 分（《{r}》）与自评得分 {own_score.figure.raw} 分（《{s}》）相同。"
        else:
            status = "fail"
            severity = "warning" if abs(gap) >= SCORE_GAP_WARNING else "info"
            direction = "低" if gap < 0 else "高"
            message = (f"{year}年第三方评价得分 {rv.figure.raw} 分（《{r}》）比自评得分 {own_score.figure.raw} 分"
                       f"（《{s}》）{direction} {render(abs(gap), decimals)} 分"
                       + (f"，差距达 {SCORE_GAP_WARNING} 分以上。" if severity == "warning" else "。"))
        out.append(Check(rule=SELF_VS_REVIEW, status=status, severity=severity, message=message,
                         concept="evaluation_score", reported=rv.figure.raw,
                         expected=render(own_score.figure.value, rv.figure.decimals), difference=diff, unit="分",
                         numbers=[rv.figure.raw, own_score.figure.raw],
                         evidence=[rv.evidence(), own_score.evidence()]))
    if cited.one:
        c = cited.chosen
        verdict, expected, diff = _versus(c, own_score)
        if verdict == "pass":
            message = f"《{r}》引用的自评得分 {c.figure.raw} 分与《{s}》所列自评得分 {own_score.figure.raw} 分一致。"
        else:
            message = (f"《{r}》引用的自评得分 {c.figure.raw} 分与《{s}》所列自评得分 {own_score.figure.raw} 分不符，"
                       f"相差 {diff} 分。")
        out.append(_check(SELF_VS_REVIEW, verdict, message, "self_evaluation_score", c, own_score, expected, diff))
    return out


def representatives(docs: list[CrossDocument]) -> list[CrossDocument]:
    """One document per report: renderings sharing year, report type and file stem count once."""
    groups: dict[tuple, list[CrossDocument]] = defaultdict(list)
    for d in docs:
        groups[(d.year, d.report_type, d.stem)].append(d)
    rank = {f: i for i, f in enumerate(FORMAT_PREFERENCE)}
    return [min(g, key=lambda d: (rank.get(d.format, len(rank)), d.path)) for g in groups.values()]


def _attach_order(d: CrossDocument) -> tuple:
    return (d.report_type == "third_party_evaluation", d.path)


def document_names(paths: list[str]) -> list[str]:
    """How cross-document messages and quotes name each of a unit's documents, given their stored paths: by file
    name, and documents that share one (2019/自评报告.pdf, 2020/自评报告.pdf) by as many of their last path parts
    as tell them apart."""
    parts = [path_parts(p) for p in paths]
    names = [p[-1] if p else "" for p in parts]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        groups[name].append(i)
    for group in groups.values():
        if len(group) < 2:
            continue
        labels = [names[i] for i in group]
        for k in range(2, max(len(parts[i]) for i in group) + 1):
            labels = ["/".join(parts[i][-k:]) for i in group]
            if len(set(labels)) == len(labels):
                break
        for i, label in zip(group, labels):
            names[i] = label
    return names


def name_documents(docs: list[CrossDocument]) -> None:
    """Name the documents of a unit as document_names does."""
    for d, name in zip(docs, document_names([d.path for d in docs])):
        d.label = name


def _reference_of(picks: list[tuple[CrossDocument, Pick]]) -> tuple[Optional[CrossDocument], list]:
    """The report holding the figure a year's reports are held to, given each report's pick: of those that state
    exactly one value, the value most state; when none does, the first that states any (unverifiable). When the
    single values are scattered, no report, and those picks (for one unverifiable check)."""
    single = [(d, p) for d, p in picks if p.one]
    if single and scattered(single):
        return None, single
    if single:
        return reference(single)[0], []
    return (picks[0][0] if picks else None), []


def _self_total(d: CrossDocument) -> Pick:
    p = pick(d, "self_evaluation_score", "score", tables=False)
    return p if p.sources else pick(d, "evaluation_score", "score", tables=False)


def _carryover_year(earlier: CrossDocument, later_docs: list[CrossDocument]) -> list[tuple[str, str, Check]]:
    """crossdoc.carryover of next year's reports against the reference report of this year: a failing or
    unverifiable check on each report, and one passing check per opening figure that agrees, on the last report
    that prints it, saying how many do."""
    out = []
    passing: dict[tuple, list[tuple[CrossDocument, Check]]] = {}
    for later in later_docs:
        check = _carryover(earlier, later)
        if check is None:
            continue
        if check.status == "pass":
            passing.setdefault(_figure_key(pick(later, "opening_balance", "amount")), []).append((later, check))
        else:
            out.append((later.doc_id, earlier.doc_id, check))
    for members in passing.values():
        later, check = members[-1]
        if len(members) > 1:
            check.message = check.message[:-1] + f"；{later.year}年共 {len(members)} 份报告所列年初结转结余同为此数。"
        out.append((later.doc_id, earlier.doc_id, check))
    return out


def check_unit(docs: list[CrossDocument]) -> list[tuple[str, str, Check]]:
    """All cross-document checks of one unit's documents: (doc_id it belongs to, the other doc_id, check).

    Indexed by year and concept: each report is compared once per figure, with the figure most of the other
    reports of its year state (same_figure), with the year before's reference 年末结转结余 (carryover) and, for a
    third-party report, with the reference self-evaluation of its year (self_vs_review); so the checks grow
    with the reports, not with their pairs. For one report a year (or a self-evaluation and its review) that is
    every pair. The documents are named among all those given (the unit's readable documents, as the HTML pages
    name them), before the ones that take part are chosen."""
    name_documents(docs)
    docs = [d for d in representatives(docs)
            if d.year is not None and d.report_type in UNIT_LEVEL_TYPES and d.speaks_for_unit]
    by_year: dict[int, list[CrossDocument]] = defaultdict(list)
    for d in sorted(docs, key=lambda d: d.path):
        by_year[d.year].append(d)
    out: list[tuple[str, str, Check]] = []
    for year in sorted(by_year):
        later_docs = [d for d in by_year.get(year + 1, []) if pick(d, "opening_balance", "amount").sources]
        closings = [(d, p) for d in by_year[year] if (p := pick(d, "closing_balance", "amount")).sources]
        earlier, spread = _reference_of(closings) if later_docs else (None, [])
        if spread:
            out.append((later_docs[0].doc_id, spread[0][0].doc_id, _scattered_check(
                CARRYOVER, "closing_balance", f"无法核对跨年结转：{year}年年末结转结余", spread)))
        elif earlier is not None:
            out += _carryover_year(earlier, later_docs)
        out += _same_figure_year(by_year[year])
        reviews = [d for d in by_year[year] if d.report_type == "third_party_evaluation"]
        selves = [(d, p) for d in by_year[year] if d.report_type == "unit_self_evaluation" and (p := _self_total(d)).sources]
        own, spread = _reference_of(selves) if reviews else (None, [])
        if spread:
            out.append((reviews[0].doc_id, spread[0][0].doc_id, _scattered_check(
                SELF_VS_REVIEW, "self_evaluation_score", f"{year}年自评得分（未与第三方评价比对）", spread)))
        elif own is not None:
            for review in reviews:
                out += [(review.doc_id, own.doc_id, c) for c in _self_vs_review(own, review)]
    return out
