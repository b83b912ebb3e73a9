"""repeat.same_concept — one figure printed in two places of one document with different values.

Fails:  项目实际收入 2,093.54 万元 … 具体项目收支见下表 … 合计 | 129.22 | 2,093.53
        (the paragraph and its table's 合计 differ by 0.01: warning);
        2023年一般公共预算基本支出预算881300.39元 … 2023年一般公共预算基本支出预算911000.39元 (error).
Passes: 整体支出完成率为97% printed three times, always 97%; 公务接待费支出决算16.3万元 … 2.公务接待费支出16.3万元;
        公务接待费支出决算16.3万元 against 公务接待费 | 14.8 | 16.3 under 项目 | 预算数 | 决算数, cells one a line;
        “三公”经费支出预算为30.8万元，支出决算为25.7万元 against that table's 合计 | 30.8 | 25.7.
Five sources are compared: a paragraph that points to 下表 against that table's last 合计 row; concepts marked
repeat: true in patterns/concepts.yaml wherever they recur in the text; an amount or count restated in the text
under the same name or concept (patterns/concepts.yaml restatement): alike it passes, different it is judged only
when both give one name, stage, year and scope, unverifiable when only concept and scope agree, else not compared;
a text amount against the row of its name in a table read back from cells on their own lines
(extractor/cell_tables.py), in the column of its stage, and such a table's 收入 总计 against its 支出 总计: a miss
there is at most a warning; and a text amount of one “三公” item against that item's cell of the document's “三公”
table at its stage (公务接待费预算8万元 against 2.公务接待费 | 8 under 本年预算数), a miss at most a warning. An
amount named by its stage alone right after one of its sentence named with the other stage (…预算49.9万元，决算7.69万元)
takes that one's name.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.cell_tables import CellRow, CellTable
from extractor.facts import YEAR, Facts, ParagraphFacts, TableView, TextFact, concept_of, stage_of
from scoring.model import Check
from scoring.rounding import compare, interval, render
from scoring.rules.common import areas_before, evidence, is_change, lost_grid, same_check, shown, unverifiable
from scoring.rules.statement import of_kind, three_public_columns, three_public_row_item
from scoring.rules.table_footing import row_kind

RULE = "repeat.same_concept"
CLAUSE_BREAK = "，,；;：:。"
CELLS = "数值由逐格文字还原"


def _compare(first, other, what: str, concept) -> Check:
    same_unit = first.figure.unit is None or other.figure.unit is None
    scale = Decimal(1) if same_unit else other.figure.scale
    first_value = first.figure.value if same_unit else first.figure.value * first.figure.scale / scale
    verdict = compare(interval(first.figure, base=not same_unit), other.figure, scale=scale)
    expected = render(first_value, other.figure.decimals)
    diff = render(other.figure.value - first_value, other.figure.decimals)
    if verdict == "pass":
        message = f"{what}：{shown(other.figure)} 与 {shown(first.figure)} 一致。"
    else:
        message = (f"{what}前后不一致：一处为 {shown(first.figure)}，另一处为 {shown(other.figure)}，"
                   f"相差 {diff}{other.figure.unit or first.figure.unit or ''}。")
    return Check.judged(verdict, rule=RULE, message=message, concept=concept,
                        reported=other.figure.raw, expected=expected, difference=diff, unit=other.figure.unit,
                        numbers=[other.figure.raw, first.figure.raw], evidence=evidence([other, first]))


def _next_table(facts: Facts, block: int):
    for view in facts.tables:
        if block < view.block <= block + 2:
            return view
    return None


def _column(view: TableView, fact) -> int | None:
    for c in view.data_cols:
        header = view.headers[c] or ""
        if fact.concept and concept_of(header) == fact.concept:
            return c
    for c in view.data_cols:
        header = view.headers[c] or ""
        if "总额" in fact.label and header == "金额":
            return c
        core = fact.label[-4:]
        if len(core) >= 3 and header.startswith(core) and "比例" not in header:
            return c
    return None


def _table_links(facts: Facts) -> list[Check]:
    out = []
    for pf in facts.paragraphs:
        if "下表" not in pf.norm.text:
            continue
        view = _next_table(facts, pf.block)
        if view is None:
            continue
        totals = [r for r in range(view.header_rows, len(view.table.rows)) if row_kind(view.row_labels[r]) == "total"]
        if not totals:
            continue
        total_row = totals[-1]
        for f in pf.facts:
            if f.figure.kind != "amount" or f.figure.approximate or not (f.concept or "总额" in f.label):
                continue
            c = _column(view, f)
            cell = view.cell(total_row, c) if c is not None else None
            if cell is None:
                continue
            what = f"{f.label}（正文）与表{view.table.index}合计行“{view.headers[c]}”"
            out.append(_compare(f, cell, what, f.concept))
    return out


def _version(pf: ParagraphFacts, f: TextFact) -> frozenset:
    """The budgets (年初, 调整: concepts.yaml restatement.budget_versions) a figure's sentence names before it."""
    sentence = pf.norm.text[pf.sentence_spans[f.sentence][0]:f.figure.start]
    return frozenset(w for w in _spec()["budget_versions"] if w in sentence)


def _text_repeats(facts: Facts) -> list[Check]:
    """A concept marked repeat printed again with the same stage, year and budget (年初, 调整) it was printed with."""
    concepts = patterns.load("concepts")["concepts"]
    groups = defaultdict(list)
    for pf in facts.paragraphs:
        for f in pf.facts:
            if f.concept and concepts.get(f.concept, {}).get("repeat") and not f.figure.approximate:
                groups[(f.concept, f.stage, f.period, f.figure.kind, _version(pf, f))].append(f)
    out = []
    for (concept, *_), group in groups.items():
        if len(group) < 2:
            continue
        first = group[0]
        seen = set()
        for other in group[1:]:
            key = other.figure.value * other.figure.scale
            if key in seen:
                continue
            seen.add(key)
            out.append(_compare(first, other, concepts[concept]["zh"], concept))
    return out


@dataclass(eq=False)
class _Said:
    """A text figure as a restatement: its name, the stage its label states, its stage, its scope words, the
    area its paragraph speaks of before it (全区, 本级 …: formulas.yaml identity_scopes) and the budget its sentence
    speaks of (年初, 调整: concepts.yaml restatement.budget_versions); two figures whose paragraphs name different areas
    (全区收入总量… 中央补助 | 自治区本级收入总量… 中央补助) or whose sentences name different budgets (2021年初…收入预算…，其中
    一般公共预算财政拨款收入28449.15万元 | 年中调整预算…，其中一般公共预算财政拨款收入30984.97万元) are not one figure."""

    fact: TextFact
    name: str
    shown: str
    stated_stage: Optional[str]
    stage: Optional[str]
    scope: frozenset
    area: frozenset = frozenset()
    version: frozenset = frozenset()


@lru_cache(maxsize=1)
def _spec() -> dict:
    d = patterns.load("concepts")
    r = d["restatement"]
    return {"lead": regex.compile(r["lead"]), "stage_suffix": regex.compile(r["stage_suffix"]),
            "not_a_name": regex.compile(r["not_a_name"]), "min_name": r["min_name"],
            "scope_words": r["scope_words"], "share_whole": regex.compile(r["share_whole"]),
            "budget_versions": r["budget_versions"],
            "repeat": {c for c, spec in d["concepts"].items() if spec.get("repeat")},
            "core_tail": regex.compile(r["core_tail"]), "title_tail": regex.compile(r["title_tail"]),
            "balance_sides": r["balance_sides"], "balance_total": regex.compile(r["balance_total"])}


CLAUSE_BREAKS = regex.compile("[" + regex.escape(CLAUSE_BREAK) + "]")
SENTENCE_ENDS = regex.compile("[。；;]")


def _breaks(text: str, chars: regex.Pattern) -> list[int]:
    return [m.start() for m in chars.finditer(text)]


def _may_say(f: TextFact) -> bool:
    """Whether a figure can be a restatement at all: an amount or count with its unit, not approximate."""
    return f.figure.kind in ("amount", "count") and not f.figure.approximate and f.figure.unit is not None


def _said(pf: ParagraphFacts, f: TextFact, clause_breaks: list[int], sentence_ends: list[int]) -> Optional[_Said]:
    """What a figure is said to be (its name, stage and scope); clause_breaks and sentence_ends: the paragraph's
    positions of CLAUSE_BREAK and of 。；; characters."""
    spec = _spec()
    if not _may_say(f):
        return None
    name = shown_name = spec["lead"].sub("", f.label)
    suffix = spec["stage_suffix"].search(name)
    stated = next((k for k, v in suffix.groupdict().items() if v), None) if suffix else stage_of(f.label)
    if suffix:
        name = name[:suffix.start()]
    if len(name) < spec["min_name"] or spec["not_a_name"].search(name):
        return None
    text = pf.norm.text
    k = bisect_left(clause_breaks, f.figure.start)
    start = max(pf.sentence_spans[f.sentence][0], clause_breaks[k - 1] + 1 if k else 0)
    k = bisect_left(sentence_ends, f.figure.end)
    stop = sentence_ends[k] if k < len(sentence_ends) else len(text)
    share = spec["share_whole"].search(text, f.figure.end, stop)
    words = text[start:f.figure.start] + (share.group("whole") if share else "")
    scope = frozenset(w for w in spec["scope_words"] if w in words)
    return _Said(f, name, shown_name, stated, stated or f.stage, scope, areas_before(text, f.figure.start),
                 _version(pf, f))


def _elliptical(pf: ParagraphFacts, f: TextFact, last: Optional[_Said]) -> Optional[_Said]:
    """An amount named by its stage alone right after an amount of its sentence named with the other stage
    (“三公”经费预算49.9万元，决算7.69万元; …三公经费支出预算为30.8万元，支出决算为25.7万元): that amount's name, at its
    own stage; None otherwise."""
    spec = _spec()
    if (last is None or last.stated_stage is None or f.figure.kind != "amount" or f.figure.approximate
            or f.figure.unit is None or last.fact.sentence != f.sentence):
        return None
    if any(g.figure.start > last.fact.figure.end and g.figure.end <= f.figure.start for g in pf.facts):
        return None
    name = spec["lead"].sub("", f.label)
    suffix = spec["stage_suffix"].search(name)
    if suffix is None:
        return None
    stated = next(k for k, v in suffix.groupdict().items() if v)
    own = name[:suffix.start()]
    if stated == last.stated_stage or not last.name.endswith(own):
        return None
    return _Said(f, last.name, last.name + name[suffix.start():], stated, stated, last.scope, last.area, last.version)


def _compatible(a: Optional[object], b: Optional[object]) -> bool:
    return a is None or b is None or a == b


def _restatements(facts: Facts, said: list[_Said]) -> list[Check]:
    said = [s for s in said if s.fact.concept not in _spec()["repeat"]]
    keys = {id(s): _name_key(s) for s in said}
    values = defaultdict(set)
    for s in said:
        values[keys[id(s)]].add(s.fact.figure.value * s.fact.figure.scale)
    by_name, by_concept = defaultdict(list), defaultdict(list)
    out = []
    for later in said:
        f = later.fact
        key = keys[id(later)]
        earlier = by_name[key] if len(values[key]) == 1 else []
        concept = (f.concept, *key[1:3])
        named = {id(e) for e in earlier}
        linked = earlier + [e for e in by_concept.get(concept, []) if id(e) not in named]
        linked = [e for e in linked if (e.fact.block, e.fact.sentence) != (f.block, f.sentence)
                  and e.scope == later.scope and (not e.area or not later.area or e.area == later.area)
                  and _compatible(e.stage, later.stage)
                  and _compatible(e.fact.period, f.period)]
        agreeing = next((e for e in linked if _agree(e.fact, f)), None)
        if agreeing is not None:
            out.append(same_check(RULE, f, agreeing.fact, f"文中“{later.shown}”", f"前文“{agreeing.shown}”"))
        elif f.concept:
            out += _differing(later, [e for e in linked if e.fact.concept == f.concept], len(values[key]) == 2)
        by_name[key].append(later)
        if f.concept:
            by_concept[concept].append(later)
    return out


def _name_key(s: _Said) -> tuple:
    fig = s.fact.figure
    return s.name, fig.kind, fig.unit if fig.kind == "count" else None


def _agree(a, b) -> bool:
    x, y = interval(a.figure), interval(b.figure)
    return x.lo < y.hi and y.lo < x.hi


def _differing(later: _Said, earlier: list[_Said], two_values: bool) -> list[Check]:
    """A concept stated before with another value: judged when both give it one name, stage, year, scope and budget
    (年初, 调整) and the name has no third value; unverifiable when only the scope is stated alike."""
    f = later.fact
    scoped = [e for e in earlier if later.scope]
    certain = [e for e in scoped if two_values and e.name == later.name and e.stated_stage
               and e.stated_stage == later.stated_stage and e.fact.period is not None and e.fact.period == f.period
               and e.version == later.version]
    if certain:
        e = certain[0]
        return [same_check(RULE, f, e.fact, f"文中“{later.shown}”", f"前文“{e.shown}”")]
    if scoped:
        e = scoped[0]
        return [unverifiable(RULE, f, f"文中“{later.shown}” {shown(f.figure)} 与前文“{e.shown}” {shown(e.fact.figure)} "
                                      f"不同，未能确认二者是同一阶段、同一年度的同一数字，未作比较。", f.concept, [e.fact])]
    return []


def name_core(name: str) -> str:
    spec = _spec()
    core = spec["lead"].sub("", name)
    tail = spec["core_tail"].search(core)
    return core[:tail.start()] if tail and tail.start() >= spec["min_name"] - 1 else core


def row_names(table: CellTable, row: CellRow) -> list[str]:
    """What a text may call a row: its label, with its side's (收入总计) when the table has two sides; a total row is
    also the table's subject (一般公共预算财政拨款“三公”经费支出 of its title …“三公”经费支出决算表)."""
    two_sides = len({r.side for r in table.rows}) > 1
    return label_names(row.side + row.label if two_sides else row.label, row.label, table.title)


def label_names(label: str, bare: str, title: str) -> list[str]:
    """What a text may call a table row of that label (bare: without its side): the label's core, and for a total row
    also the table's subject from its title."""
    names = [name_core(label)]
    if row_kind(bare) == "total" and title:
        subject = _spec()["title_tail"].sub("", title)
        if len(name_core(subject)) >= _spec()["min_name"]:
            names.append(name_core(subject))
    return names


def _cell_links(facts: Facts, said: list[_Said]) -> list[Check]:
    """Text amounts against the rows of tables read back from cells on their own lines (at most a warning)."""
    out = []
    for s in said:
        f = s.fact
        if f.figure.kind != "amount":
            continue
        core = name_core(s.name)
        for table in facts.cell_tables:
            if not _compatible(table.year, f.period):
                continue
            for row in table.rows:
                names = row_names(table, row)
                if core != names[0] and not any(core.endswith(n) for n in names[1:]):
                    continue
                staged = {h: c for h, c in row.cells.items() if stage_of(h) == s.stage}
                columns = staged if s.stage and staged else row.cells
                where = f"表“{table.title or '（无标题）'}”“{row.label}”行"
                agreeing = [h for h, c in columns.items() if _agree(c, f)]
                if agreeing:
                    out.append(same_check(RULE, f, columns[agreeing[0]], f"文中“{s.shown}”", f"{where}“{agreeing[0]}”"))
                elif s.stated_stage and len(staged) == 1 and table.year is not None and f.period == table.year:
                    [(h, c)] = staged.items()
                    out.append(lost_grid(same_check(RULE, f, c, f"文中“{s.shown}”", f"{where}“{h}”"), CELLS))
    return out


TEXT_STAGE = {"budget": "budget", "final": "actual"}


def _three_public_cells(facts: Facts) -> dict[tuple[str, Optional[str]], list[tuple[object, str]]]:
    """The cells of the document's “三公” table by item (abroad, car, reception…) and stage (budget, actual or None),
    each with where it stands: items as columns (three_public_columns), or as rows under stage columns."""
    stmt = of_kind(facts.statements, "three_public")
    out: dict[tuple[str, Optional[str]], list[tuple[object, str]]] = defaultdict(list)
    if stmt is None:
        return out
    spec = patterns.load("statements")["three_public"]

    def stage_of_header(text: str) -> Optional[str]:
        return next((s for w, s in spec["stages"].items() if text.endswith(w)), None)

    for lst in stmt.lists:
        columns = three_public_columns(lst)
        for row in lst.rows:
            where = f"表{row.table}（{stmt.title}）" + (f"“{row.label}”行" if row.label else "")
            if columns:
                for (item, stage), col in columns.items():
                    if col in row.cells:
                        out[(item, stage or stage_of_header(row.label))].append((row.cells[col], f"{where}“{col}”"))
            elif len(row.label) <= spec["row_label_max"]:
                item = three_public_row_item(row.label)
                for col, cell in row.cells.items() if item is not None else ():
                    out[(item, stage_of_header(col))].append((cell, f"{where}“{col}”"))
    return out


def _three_public_links(facts: Facts, said: list[_Said]) -> list[Check]:
    """A text amount of one “三公” item (公务接待费预算8万元) against that item's cell of the document's “三公” table at
    its stage (the table's only stage when the text names none) and year: alike it passes; different, when the
    table gives the item one value there and the text states its stage, it is at most a warning (the names of items
    are matched by their words)."""
    cells = _three_public_cells(facts)
    if not cells:
        return []
    stages = {stage for _, stage in cells}
    title_year = YEAR.search(of_kind(facts.statements, "three_public").title)
    year = int(title_year.group(1)) if title_year else None
    out = []
    for s in said:
        f = s.fact
        if f.figure.kind != "amount" or is_change(f.label) or not _compatible(year, f.period):
            continue
        item = three_public_row_item(s.name)
        stage = TEXT_STAGE.get(s.stage or "") or (next(iter(stages)) if len(stages) == 1 else None)
        found = cells.get((item, stage)) if item not in (None, "total", "other") else None
        if not found:
            continue
        agreeing = [(c, where) for c, where in found if _agree(c, f)]
        if agreeing:
            c, where = agreeing[0]
            out.append(same_check(RULE, f, c, f"文中“{s.shown}”", where))
        elif s.stated_stage and len({c.figure.value * c.figure.scale for c, _ in found}) == 1:
            c, where = found[0]
            check = same_check(RULE, f, c, f"文中“{s.shown}”", where)
            if check.severity == "error":
                check.severity = "warning"
            out.append(check)
    return out


def _balanced_totals(facts: Facts) -> list[Check]:
    """收入总计 = 支出总计, column by column, in a table read back from cells whose sides are 收入 and 支出."""
    spec = _spec()
    out = []
    for table in facts.cell_tables:
        totals = {r.side: r for r in table.rows if spec["balance_total"].match(r.label)}
        income, spending = (totals.get(side) for side in spec["balance_sides"])
        if income is None or spending is None or len(income.cells) != len(spending.cells):
            continue
        for (h, a), (k, b) in zip(income.cells.items(), spending.cells.items()):
            out.append(lost_grid(same_check(RULE, b, a, f"表“{table.title or '（无标题）'}”支出“{spending.label}”（{k}）",
                                            f"收入“{income.label}”（{h}）"), CELLS))
    return out


def check(facts: Facts) -> list[Check]:
    said = []
    for pf in facts.paragraphs:
        if not pf.facts:
            continue
        if any(_may_say(f) for f in pf.facts):
            clause_breaks, sentence_ends = _breaks(pf.norm.text, CLAUSE_BREAKS), _breaks(pf.norm.text, SENTENCE_ENDS)
        else:
            clause_breaks = sentence_ends = []
        last = None
        for f in pf.facts:
            s = _said(pf, f, clause_breaks, sentence_ends) or _elliptical(pf, f, last)
            if s is not None:
                said.append(s)
            last = s
    return (_table_links(facts) + _text_repeats(facts) + _restatements(facts, said) + _cell_links(facts, said)
            + _three_public_links(facts, said) + _balanced_totals(facts))
