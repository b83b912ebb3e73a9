"""Write a synthetic archive of budget-performance reports with known injected discrepancies.

Usage: python bench/generate.py OUTDIR [-n 1000] [--seed 1] [--pdf-share 0.15]

Each document is drawn from one of three layouts (bench/templates/layouts.yaml): a unit self-evaluation
(自评报告), a third-party review with 收支 tables, and a short project report with one 预算执行 table. Units report
on themselves (self-evaluation or review) for runs of 1–4 consecutive years, each year opening with the
balance the year before closed with; a quarter of the self-evaluations get a third-party review of the
same year that states the same totals, staff, 三公 and 公用 figures (and, half of them, cites the
self-evaluation's score); project reports belong to one of those units or to a unit of their own
(plan_archive). Figures are drawn consistent (sums add, balances roll forward, rates are recomputed and
rounded at their printed decimals); then about 30 % of the documents get one or two slips of a known
kind, about 20 % of the year-to-year links open with a mistyped carried balance (crossdoc.carryover),
about 30 % of the paired reviews restate the 三公经费 spending with a typo (crossdoc.same_figure), and a
fifth of the citations miscite the score (crossdoc.self_vs_review). An oracle that applies the rounding
rule of DOMAIN.md to every printed relation works out the findings each document must get: "expected"
from the document alone (jxcheck check), "expected_cross" from the unit's other reports (jxcheck batch:
carryover, same_figure, a miscited score, and the self_vs_review warning when the two scores are 5 points
or more apart). They are written to OUTDIR/manifest.jsonl, one line per document. The same seed always
gives the same text.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
INJECT_SHARE = 0.30
KINDS = ("sum.breakdown", "table.footing", "balance.rollforward", "ratio.recompute")
CARRYOVER = "crossdoc.carryover"
SHORT_SHARE = 0.25
CHAIN_LENGTHS = ((1, 0.30), (2, 0.30), (3, 0.25), (4, 0.15))
CHAIN_LAYOUTS = (("self", 0.55), ("review", 0.45))
PROJECT_OF_KNOWN_UNIT = 0.6
CARRY_SLIP_SHARE = 0.2
PAIR_SHARE = 0.25
RESTATE_SLIP_SHARE = 0.3
CITE_SHARE = 0.5
CITE_SLIP_SHARE = 0.2
SAME_FIGURE = "crossdoc.same_figure"
SELF_VS_REVIEW = "crossdoc.self_vs_review"
SCORE_GAP_WARNING = Decimal(5)
SHARED = ("opening", "income", "expenditure", "staff_quota", "staff_actual", "three_budget", "three_actual",
          "public_budget", "public_actual")
COMPARED_SLOTS = frozenset({"rate_staff", "rate_complete", "rate_three", "rate_public", "opening", "closing"})
FIRST_YEAR, LAST_YEAR = 2017, 2023
REVIEW_MIN_CARRY = Decimal(1)
WARNING_SHARE = 0.25
PDF_BATCH = 40
CENT = Decimal("0.01")
CONTEXT_FIELDS = {"unit", "city", "firm", "year", "next_year", "month", "day", "project", "grade", "deductions",
                  "score", "sections", "cited"}


class GenerationError(Exception):
    """A template or generation problem (bad template, unencodable text, soffice failure)."""


# ---------------------------------------------------------------- figures and the oracle

@dataclass(eq=False)
class Slot:
    """One printed occurrence of a figure. Twins (same group) are the same figure printed twice."""

    name: str
    value: Decimal
    decimals: int
    kind: str                     # amount | rate | count | score
    place: str                    # text | table
    group: str
    where: str = ""
    sep: bool = False
    unit_text: str = ""
    percent: str = "%"
    printed: Optional[Decimal] = None

    def __post_init__(self):
        self.value = self.value.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        if self.printed is None:
            self.printed = self.value

    @property
    def raw(self) -> str:
        """The figure as the checker reports it: no separators, rates with %."""
        text = format(self.printed, f".{self.decimals}f")
        return text + ("%" if self.kind == "rate" else "")

    def render(self) -> str:
        text = format(self.printed, f"{',' if self.sep else ''}.{self.decimals}f")
        if self.kind == "rate":
            return text + (self.percent if self.place == "text" else "%")
        return text + (self.unit_text if self.place == "text" and self.kind == "amount" else "")


def _half(decimals: int) -> Decimal:
    return Decimal(5).scaleb(-(decimals + 1))


def _interval(slot: Slot) -> tuple[Decimal, Decimal, Decimal]:
    h = Decimal(0) if slot.kind == "count" else _half(slot.decimals)
    return slot.printed - h, slot.printed + h, slot.printed


def _add(a, b):
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def _sub(a, b):
    return a[0] - b[1], a[1] - b[0], a[2] - b[2]


def _div(a, b):
    if b[0] <= 0:
        raise ZeroDivisionError
    cands = [a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]
    return min(cands), max(cands), a[2] / b[2]


def _judge(computed, slot: Slot) -> str:
    """pass, warning or error for a printed figure against a recomputed interval (DOMAIN.md rule)."""
    lo, hi, mid = computed
    v = slot.printed
    if slot.kind == "count":
        ok = lo <= v <= hi
    else:
        h = _half(slot.decimals)
        ok = lo < v + h and hi >= v - h
    if ok:
        return "pass"
    step = Decimal(1).scaleb(-slot.decimals)
    rounded = mid.quantize(step, rounding=ROUND_HALF_UP)
    return "warning" if abs(rounded - v) == step else "error"


def _render(value: Decimal, decimals: int, rate: bool) -> str:
    text = format(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")
    return text + ("%" if rate else "")


@dataclass(eq=False)
class Relation:
    """A relation the document states between printed figures, and the rule that checks it."""

    rule: str
    target: Slot                  # the figure the check reports (total, closing, rate)
    inputs: list                  # sum: parts; roll: [opening, income, expenditure] (None = absent); ratio: see formula
    formula: str = "sum"          # sum | roll | div | carry_div | minus_div

    def slots(self) -> list[Slot]:
        return [self.target] + [s for s in self.inputs if s is not None]

    def computed(self):
        ins = self.inputs
        if self.formula == "sum":
            acc = (Decimal(0),) * 3
            for s in ins:
                acc = _add(acc, _interval(s))
            return acc
        if self.formula == "roll":
            acc = (Decimal(0),) * 3
            for s, sign in zip(ins, (1, 1, -1)):
                if s is not None:
                    acc = _add(acc, _interval(s)) if sign > 0 else _sub(acc, _interval(s))
            return acc
        if self.formula == "div":
            q = _div(_interval(ins[0]), _interval(ins[1]))
        elif self.formula == "carry_div":
            q = _div(_interval(ins[0]), _add(_interval(ins[1]), _interval(ins[2])))
        elif self.formula == "minus_div":
            q = _div(_sub(_interval(ins[0]), _interval(ins[1])), _interval(ins[0]))
        else:
            raise GenerationError(f"unknown formula {self.formula}")
        return q[0] * 100, q[1] * 100, q[2] * 100

    def verdict(self) -> Optional[dict]:
        """The finding this relation gives on the printed figures, or None when it holds."""
        computed = self.computed()
        severity = _judge(computed, self.target)
        if severity == "pass":
            return None
        return {"rule": self.rule, "severity": severity, "reported": self.target.raw,
                "expected": _render(computed[2], self.target.decimals, self.target.kind == "rate")}

    def key(self) -> tuple:
        return (self.rule, self.target.raw, tuple(sorted(s.raw for s in self.slots())))


# ---------------------------------------------------------------- templates

def load_templates() -> tuple[dict, dict]:
    names = yaml.safe_load((TEMPLATES / "names.yaml").read_text(encoding="utf-8"))
    layouts = yaml.safe_load((TEMPLATES / "layouts.yaml").read_text(encoding="utf-8"))
    fmt = string.Formatter()
    for layout, spec in layouts.items():
        for block in spec["blocks"]:
            variants = block.get("p")
            if variants is None:
                continue
            variants = [variants] if isinstance(variants, str) else variants
            fields = [sorted({f for _, f, _, _ in fmt.parse(v) if f and f not in CONTEXT_FIELDS}) for v in variants]
            if any(f != fields[0] for f in fields):
                raise GenerationError(f"template {layout}: variants print different figures: {variants[0][:30]}")
            block["p"] = variants
    return names, layouts


# ---------------------------------------------------------------- one document

class Doc:
    """Figures, relations and blocks of one synthetic document."""

    def __init__(self, rng: random.Random, names: dict, layout: str, money: str):
        self.rng = rng
        self.names = names
        self.layout = layout
        self.money = money
        self.scale = 10000 if money == "元" else 1
        review = layout == "review"
        self.text_sep = review or rng.random() < 0.3 or money == "元"
        self.table_sep = rng.random() < 0.6 or money == "元"
        self.unit_text = (" " if review or rng.random() < 0.2 else "") + money
        self.percent = "％" if rng.random() < 0.1 else "%"
        self.slots: dict[str, Slot] = {}
        self.cells: list[Slot] = []
        self.relations: list[Relation] = []
        self.tables: dict[str, list[list]] = {}
        self.flags: set[str] = set()
        self.context: dict[str, str] = {}
        self.carry_in: Optional[Decimal] = None
        self.given: Optional[dict] = None
        self.shared: dict[str, Decimal] = {}
        self.protected: frozenset = frozenset()

    def carry(self, wan: Optional[Decimal]) -> None:
        """Open the year with last year's closing balance (in 万元), in this document's money unit."""
        self.carry_in = None if wan is None else (wan * self.scale).quantize(CENT, rounding=ROUND_HALF_UP)

    def closing_wan(self) -> Decimal:
        """This year's true closing balance in 万元, which next year's report of the unit opens with."""
        return self.slots["closing"].value / self.scale

    # figures
    def amount(self, lo: float, hi: float) -> Decimal:
        """A random amount in 万元 between lo and hi, in the document's money unit, to the cent."""
        a, b = int(lo * 100 * self.scale), int(hi * 100 * self.scale)
        return Decimal(self.rng.randint(a, b)) * CENT

    def split(self, total: Decimal, shares: list[float]) -> list[Decimal]:
        """Split an amount into parts roughly in the given shares, summing exactly."""
        cents = int(total / CENT)
        weights = [s * self.rng.uniform(0.8, 1.2) for s in shares]
        scale = sum(weights)
        parts = [int(cents * w / scale) for w in weights[:-1]]
        parts.append(cents - sum(parts))
        if min(parts) <= 0:
            raise GenerationError("split produced a non-positive part")
        return [Decimal(p) * CENT for p in parts]

    def frac(self, value: Decimal, lo: float, hi: float) -> Decimal:
        """A random share (between lo and hi) of an amount, to the cent."""
        return (value * Decimal(str(round(self.rng.uniform(lo, hi), 4)))).quantize(CENT)

    def text(self, name: str, value: Decimal, kind: str = "amount", decimals: Optional[int] = None,
             twin: Optional[str] = None) -> Slot:
        """A figure printed in running text under placeholder {name}; twin names the figure it repeats."""
        if twin is not None:
            first = self.slots[twin]
            slot = Slot(name, first.value, first.decimals, first.kind, "text", first.group,
                        sep=first.sep, unit_text=first.unit_text, percent=first.percent)
        else:
            if decimals is None:
                decimals = 2 if kind == "amount" else 0
                if kind == "amount" and self.rng.random() < 0.25:
                    while decimals > 0 and (value * Decimal(10) ** decimals) % 10 == 0:
                        decimals -= 1
            slot = Slot(name, value, decimals, kind, "text", name,
                        sep=self.text_sep and kind == "amount", unit_text=self.unit_text, percent=self.percent)
        slot.where = f"正文 {{{name}}}"
        self.slots[name] = slot
        return slot

    def rate(self, name: str, num: Decimal, den: Decimal, decimals: Optional[int] = None) -> Slot:
        """A rate num / den printed in running text, rounded half-up at 0, 1 or 2 decimals."""
        if decimals is None:
            decimals = self.rng.choice((2, 2, 2, 1, 0))
        return self.text(name, num / den * 100, "rate", decimals)

    def cell(self, table: str, value: Optional[Decimal], kind: str = "amount", group: Optional[str] = None,
             decimals: Optional[int] = None) -> Optional[Slot]:
        """A table cell; None (an empty cell) when value is None."""
        if value is None:
            return None
        if decimals is None:
            decimals = 2 if kind in ("amount", "rate") else 0
        slot = Slot(f"{table}#{len(self.cells)}", value, decimals, kind, "table",
                    group or f"{table}#{len(self.cells)}", sep=self.table_sep and kind == "amount")
        self.cells.append(slot)
        return slot

    def relate(self, rule: str, target: Slot, inputs: list, formula: str = "sum") -> None:
        """Record a relation the document states, checked by the rule."""
        self.relations.append(Relation(rule, target, inputs, formula))

    def foot(self, rows: list[list], total_row: int, part_rows: list[int], cols: list[int]) -> None:
        """Record that each column's total row cell is the sum of the part rows' cells."""
        for c in cols:
            total = rows[total_row][c]
            parts = [rows[r][c] for r in part_rows if isinstance(rows[r][c], Slot)]
            if isinstance(total, Slot) and parts:
                self.relate("table.footing", total, parts)

    def twins(self, slot: Slot) -> int:
        """How many times the figure is printed (a slip only ever changes a figure printed once)."""
        return sum(1 for s in list(self.slots.values()) + self.cells if s.group == slot.group)


def _grade(score: Decimal, rng: random.Random) -> str:
    """The grade word of a score (bands of DOMAIN.md), in its short or long form."""
    if score >= 90:
        return rng.choice(("优", "优", "优秀"))
    if score >= 80:
        return rng.choice(("良", "良", "良好"))
    if score >= 60:
        return rng.choice(("中", "合格"))
    return "差"


def unit_names(names: dict, seed: int) -> list[tuple[str, str]]:
    """Every (city, unit name) the templates can make, in an order fixed by the seed."""
    combos = [(c, c + d + dept) for c in names["cities"] for d in names["districts"] for dept in names["departments"]]
    random.Random(f"jxbench-units-{seed}").shuffle(combos)
    return combos


def _common_context(doc: Doc, year: int, city: str, unit: str) -> dict:
    rng, names = doc.rng, doc.names
    firm = city + rng.choice(names["firm_words"]) + rng.choice(names["firm_kinds"])
    return {"city": city, "unit": unit, "firm": firm, "year": str(year), "next_year": str(year + 1),
            "month": str(rng.randint(4, 11)), "day": str(rng.randint(1, 28)),
            "project": rng.choice(names["projects"])}


# ---------------------------------------------------------------- layouts

def build_self(doc: Doc) -> None:
    rng = doc.rng
    quota = rng.randint(12, 180)
    admin = rng.randint(int(quota * 0.3), quota - 2)
    actual = rng.randint(int(quota * 0.82), quota)
    doc.context["sections"] = str(rng.randint(3, 12))
    q = doc.text("staff_quota", Decimal(quota), "count")
    a = doc.text("staff_admin", Decimal(admin), "count")
    i = doc.text("staff_inst", Decimal(quota - admin), "count")
    doc.relate("sum.breakdown", q, [a, i])
    s = doc.text("staff_actual", Decimal(actual), "count")
    q2 = doc.text("staff_quota2", Decimal(0), twin="staff_quota")
    doc.relate("ratio.recompute", doc.rate("rate_staff", Decimal(actual), Decimal(quota)), [s, q2], "div")

    general = doc.amount(300, 6000)
    fund = doc.frac(general, 0.02, 0.15)
    budget = general + fund
    basic = doc.frac(budget, 0.2, 0.45)
    b = doc.text("budget", budget)
    doc.relate("sum.breakdown", b, [doc.text("budget_general", general), doc.text("budget_fund", fund)])
    bb, bp = doc.text("budget_basic", basic), doc.text("budget_project", budget - basic)
    doc.relate("sum.breakdown", b, [bb, bp])

    final_general = doc.frac(general, 0.95, 1.15)
    final_fund = doc.frac(fund, 0.8, 1.2)
    final = final_general + final_fund
    opening = doc.carry_in if doc.carry_in is not None else doc.frac(final, 0.0, 0.08) + CENT
    expenditure = doc.frac(final + opening, 0.86, 0.995)
    closing = opening + final - expenditure
    fg, ff = doc.text("final_general", final_general), doc.text("final_fund", final_fund)
    doc.relate("sum.breakdown", doc.text("final_total", final), [fg, ff])
    o = doc.text("opening", opening)
    inc = doc.text("income", final, twin="final_total")
    e = doc.text("expenditure", expenditure)
    doc.relate("balance.rollforward", doc.text("closing", closing), [o, inc, e], "roll")
    o2 = doc.text("opening2", Decimal(0), twin="opening")
    e2 = doc.text("expenditure2", Decimal(0), twin="expenditure")
    rc = doc.rate("rate_complete", expenditure, opening + final)
    doc.relate("ratio.recompute", rc, [e2, o2, doc.slots["final_total"]], "carry_div")

    if rng.random() < 0.5:
        doc.flags.add("exec_table")
        _exec_table(doc, basic, budget - basic, expenditure)

    tb = doc.amount(2, 40)
    ta = doc.frac(tb, 0.35, 1.0)
    _stated_rate(doc, "rate_three", ("three_actual", ta), ("three_budget", tb))
    pb = doc.amount(10, 200)
    pa = doc.frac(pb, 0.75, 1.0)
    _stated_rate(doc, "rate_public", ("public_actual", pa), ("public_budget", pb))
    doc.shared = dict(zip(SHARED, (opening, final, expenditure, Decimal(quota), Decimal(actual), tb, ta, pb, pa)))
    _cases(doc)
    score = Decimal(rng.randint(760, 985)) / 10
    if rng.random() < 0.6:
        score = score.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    doc.context["score"] = format(score, "f")
    doc.context["grade"] = _grade(score, rng)


def _exec_table(doc: Doc, basic: Decimal, project: Decimal, expenditure: Decimal) -> None:
    """项目 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率, with a 其中 row under 基本支出."""
    e_basic = doc.frac(expenditure, 0.25, 0.45)
    e_project = expenditure - e_basic
    a_basic = (e_basic / Decimal(str(round(doc.rng.uniform(0.9, 1.0), 3)))).quantize(CENT)
    a_project = (e_project / Decimal(str(round(doc.rng.uniform(0.82, 1.0), 3)))).quantize(CENT)
    staff_b = doc.frac(basic, 0.6, 0.85)
    staff_a = doc.frac(a_basic, 0.6, 0.85)
    staff_e = doc.frac(staff_a, 0.9, 1.0)
    data = [("基本支出", basic, a_basic, e_basic), ("其中：人员经费", staff_b, staff_a, staff_e),
            ("项目支出", project, a_project, e_project),
            ("合计", basic + project, a_basic + a_project, expenditure)]
    rows: list[list] = [["项目", "年初预算数", "全年预算数", "全年执行数", "执行率"]]
    for label, b, a, e in data:
        row = [label, doc.cell("exec", b), doc.cell("exec", a), doc.cell("exec", e)]
        row.append(doc.cell("exec", e / a * 100, "rate"))
        doc.relate("ratio.recompute", row[4], [row[3], row[2]], "div")
        rows.append(row)
    rows[4][1].group = "budget"
    rows[4][3].group = "expenditure"
    doc.foot(rows, 4, [1, 3], [1, 2, 3])
    doc.tables["exec"] = rows


def _stated_rate(doc: Doc, rate: str, part: tuple[str, Decimal], whole: tuple[str, Decimal]) -> None:
    """A rate printed with the two amounts it divides (each as slot name and value), related by ratio.recompute."""
    doc.relate("ratio.recompute", doc.rate(rate, part[1], whole[1]), [doc.text(*part), doc.text(*whole)], "div")


def _cases(doc: Doc) -> None:
    if doc.rng.random() < 0.5:
        return
    doc.flags.add("cases")
    received = doc.rng.randint(300, 90000)
    done = received - doc.rng.randint(0, max(1, received // 15))
    r = doc.text("cases_received", Decimal(received), "count")
    d = doc.text("cases_done", Decimal(done), "count")
    doc.relate("ratio.recompute", doc.rate("rate_cases", Decimal(done), Decimal(received)), [d, r], "div")


def build_review(doc: Doc) -> None:
    """A third-party review; with doc.given (a self-evaluation's shared figures) it states the same unit
    totals, staff, 三公 and 公用 figures as that self-evaluation, spread over its own tables."""
    rng = doc.rng
    given = doc.given
    quota = rng.randint(12, 180)
    actual = rng.randint(int(quota * 0.82), quota)
    if given is not None:
        quota, actual = int(given["staff_quota"]), int(given["staff_actual"])
    doc.context["sections"] = str(rng.randint(3, 12))
    s = doc.text("staff_actual", Decimal(actual), "count")
    q = doc.text("staff_quota", Decimal(quota), "count")
    doc.relate("ratio.recompute", doc.rate("rate_staff", Decimal(actual), Decimal(quota)), [s, q], "div")

    projects = _project_rows(doc)
    p_open = sum((p[1] or Decimal(0) for p in projects), Decimal(0))
    p_inc = sum((p[2] or Decimal(0) for p in projects), Decimal(0))
    p_exp = sum((p[3] for p in projects), Decimal(0))
    p_close = p_open + p_inc - p_exp
    pers_inc = doc.amount(150, 1500)
    pub_inc = doc.frac(pers_inc, 0.08, 0.2)
    carried = doc.carry_in
    pub_open = doc.frac(carried if carried is not None else pub_inc, 0.0, 0.02) + CENT
    other_open = None
    if rng.random() < 0.5:
        other_open = doc.frac(carried, 0.0, 0.05) + CENT if carried is not None else doc.amount(0.1, 20)
    if carried is None:
        pers_open = doc.frac(pers_inc, 0.0, 0.02) + CENT
    else:
        pers_open = carried - pub_open - p_open - (other_open or 0)
        if pers_open < CENT:
            raise GenerationError("the carried balance does not cover the other rows' openings")
    funds = []
    for label, inc, opening, budget_share in (("人员经费", pers_inc, pers_open, (0.85, 1.0)),
                                              ("公用经费", pub_inc, pub_open, (0.9, 1.1))):
        spent = doc.frac(inc + opening, 0.92, 1.0)
        funds.append(["财政资金", label, doc.frac(inc, *budget_share), opening, inc, spent])
    funds.append(["财政资金", "项目经费", doc.frac(p_inc, 0.75, 1.05), p_open, p_inc, p_exp])
    others = []
    if other_open is not None:
        o = other_open
        others.append(["其他资金", "非项目经费", None, o, None, o if given else doc.frac(o, 0.5, 1.0)])
        if rng.random() < 0.5:
            i = doc.frac(given["income"], 0.001, 0.01) + CENT if given else doc.amount(1, 60)
            others.append(["其他资金", "项目经费", None, None, i, i if given else doc.frac(i, 0.8, 1.0)])
    if given is not None:
        _share_totals(doc, funds, others)
    for row in funds + others:
        row.append((row[3] or 0) + (row[4] or 0) - row[5])
    budget = sum((r[2] for r in funds), Decimal(0))
    basic = funds[0][2] + funds[1][2]
    opening = sum((r[3] or 0 for r in funds + others), Decimal(0))
    income = sum((r[4] or 0 for r in funds + others), Decimal(0))
    expenditure = sum((r[5] for r in funds + others), Decimal(0))
    closing = opening + income - expenditure

    doc.text("budget", budget)
    doc.text("budget2", Decimal(0), twin="budget")
    doc.relate("sum.breakdown", doc.slots["budget2"],
               [doc.text("budget_basic", basic), doc.text("budget_project", budget - basic)])
    e = doc.text("expenditure", expenditure)
    doc.relate("ratio.recompute", doc.rate("rate_arrival", expenditure, budget), [e, doc.slots["budget2"]], "div")
    doc.text("budget3", Decimal(0), twin="budget")
    inc = doc.text("income", income)
    e2 = doc.text("expenditure2", Decimal(0), twin="expenditure")
    parts = doc.split(expenditure, [0.25, 0.015, 0.62, 0.08])
    doc.relate("sum.breakdown", e2, [doc.text(n, v) for n, v in
                                     zip(("exp_wage", "exp_family", "exp_goods", "exp_capital"), parts)])
    o = doc.text("opening", opening)
    doc.relate("balance.rollforward", doc.text("closing", closing), [o, inc, e2], "roll")
    doc.tables["funds"] = _funds_table(doc, funds, others)
    o2, i2 = doc.text("opening2", Decimal(0), twin="opening"), doc.text("income2", Decimal(0), twin="income")
    e3 = doc.text("expenditure3", Decimal(0), twin="expenditure")
    doc.relate("ratio.recompute", doc.rate("rate_complete", expenditure, opening + income), [e3, o2, i2],
               "carry_div")

    tb = doc.amount(2, 40)
    ta = doc.frac(tb, 0.35, 1.0)
    if given is not None:
        tb, ta = given["three_budget"], given["three_actual"]
    _stated_rate(doc, "rate_three", ("three_actual", ta), ("three_budget", tb))
    pb, pa = funds[1][2], funds[1][5]
    if pa > pb:
        pb, pa = pa, pb
    _stated_rate(doc, "rate_public", ("public_actual", pa), ("public_budget", pb))
    plan = doc.amount(50, 1500)
    done = doc.frac(plan, 0.8, 1.0)
    _stated_rate(doc, "rate_procure", ("procure_actual", done), ("procure_plan", plan))

    po, pi = doc.text("proj_opening", p_open), doc.text("proj_income", p_inc)
    pe = doc.text("proj_expenditure", p_exp)
    doc.relate("balance.rollforward", doc.text("proj_closing", p_close), [po, pi, pe], "roll")
    doc.tables["projects"] = _projects_table(doc, projects)
    _assets(doc)
    _cases(doc)

    items = rng.sample(doc.names["deduction_items"], rng.randint(2, 6))
    deductions = [Decimal(rng.choice(("1", "1", "1", "0.5", "0.3", "2", "1.5", "0.2"))) for _ in items]
    total = 100 - sum(deductions)
    doc.context["deductions"] = "、".join(f"{n}（扣 {d} 分）" for n, d in zip(items, deductions))
    decimals = rng.choice((1, 2, 2))
    doc.context["score"] = format(total.quantize(Decimal(1).scaleb(-decimals)), "f")
    doc.context["grade"] = _grade(total, rng)
    if given is not None and given.get("cited_score"):
        doc.flags.add("cites_self")
        doc.context["cited"] = given["cited_score"]


def _share_totals(doc: Doc, funds: list[list], others: list[list]) -> None:
    """Make the 收支表 rows (期初 given, see the carried path) add up to the self-evaluation's income and
    expenditure: 公用经费 takes its budget and spending from the self-evaluation's 公用经费 figures, the other
    rows spend all they have, and 人员经费 takes the rest (it then holds the whole closing balance)."""
    given = doc.given
    pub = funds[1]
    pub[2], pub[5] = given["public_budget"], given["public_actual"]
    pub[3] = min(pub[3], (given["public_actual"] / 2).quantize(CENT))
    pub[4] = given["public_actual"] - pub[3]
    pers = funds[0]
    rest = funds[1:] + others
    pers[3] = given["opening"] - sum((r[3] or 0 for r in rest), Decimal(0))
    pers[4] = given["income"] - sum((r[4] or 0 for r in rest), Decimal(0))
    pers[5] = given["expenditure"] - sum((r[5] for r in rest), Decimal(0))
    if min(pers[3], pers[4], pers[5]) < CENT or pers[3] + pers[4] < pers[5]:
        raise GenerationError("the shared totals do not cover the other rows")
    pers[2] = doc.frac(pers[4], 0.85, 1.0)


def _project_rows(doc: Doc) -> list[list]:
    rng = doc.rng
    names = rng.sample(doc.names["projects"], rng.randint(5, 14))
    rows = []
    for name in names:
        inc = doc.frac(doc.given["income"], 0.002, 0.02) + CENT if doc.given else doc.amount(2, 400)
        opening = _project_opening(doc, inc) if rng.random() < 0.35 else None
        if opening is not None and rng.random() < 0.1:
            inc = None
        available = (opening or 0) + (inc or 0)
        spent = available if doc.given or rng.random() < 0.65 else doc.frac(available, 0.7, 0.99)
        rows.append([name, opening, inc, spent])
    if all(r[1] is None for r in rows):
        rows[0][1] = _project_opening(doc, rows[0][2])
        rows[0][3] = rows[0][1] + rows[0][2]
    return rows


def _project_opening(doc: Doc, income: Decimal) -> Decimal:
    """A project's opening balance; with a carried unit balance, a small share of it (the 人员经费 row takes
    the rest)."""
    if doc.carry_in is not None:
        return doc.frac(doc.carry_in, 0.001, 0.03) + CENT
    return doc.frac(income, 0.02, 0.5)


def _funds_table(doc: Doc, funds: list[list], others: list[list]) -> list[list]:
    """序号 | 项目 | 明细 | 批复预算 | 期初余额 | 本年收入 | 本年支出 | 期末结余, with 小计 and 合计 rows."""
    rows: list[list] = [["序号", "项目", "明细", "批复预算", "期初余额", "本年收入", "本年支出", "期末结余"]]
    subtotals = []
    number = 0
    for group in (funds, others):
        if not group:
            continue
        first = len(rows)
        for k, (fund, label, *values) in enumerate(group):
            number += 1
            cells = [doc.cell("funds", v) for v in values]
            rows.append([str(number), fund if k == 0 else "", label] + cells)
            _relate_roll(doc, cells[1:5])
            if group is funds and label == "项目经费":
                for cell, name in zip(cells[1:5], ("proj_opening", "proj_income", "proj_expenditure", "proj_closing")):
                    cell.group = name
        part_rows = list(range(first, len(rows)))
        cells = [doc.cell("funds", _sum_col(group, c)) for c in range(2, 7)]
        rows.append(["", "", "小计"] + cells)
        _relate_roll(doc, cells[1:5])
        doc.foot(rows, len(rows) - 1, part_rows, list(range(3, 8)))
        subtotals.append(len(rows) - 1)
    sums = [sum((rows[r][c].value for r in subtotals if isinstance(rows[r][c], Slot)), Decimal(0))
            for c in range(3, 8)]
    cells = [doc.cell("funds", v) for v in sums]
    for cell, name in zip(cells, ("budget", "opening", "income", "expenditure", "closing")):
        cell.group = name
    rows.append(["合 计", "", ""] + cells)
    _relate_roll(doc, cells[1:5])
    doc.foot(rows, len(rows) - 1, subtotals, list(range(3, 8)))
    return rows


def _relate_roll(doc: Doc, cells: list) -> None:
    """期初, 收入, 支出, 期末 cells of a row: checked when 期末 and at least two others are printed."""
    if cells[3] is not None and sum(1 for c in cells if c is not None) >= 3:
        doc.relate("balance.rollforward", cells[3], cells[:3], "roll")


def _sum_col(group: list[list], c: int) -> Optional[Decimal]:
    values = [row[c] for row in group if row[c] is not None]
    return sum(values, Decimal(0)) if values else None


def _projects_table(doc: Doc, projects: list[list]) -> list[list]:
    """项目名称 | 期初结余 | 实际收入 | 实际支出 | 期末结余, one row per project and 合计."""
    rows: list[list] = [["项目名称", "期初结余", "实际收入", "实际支出", "期末结余"]]
    full = [p + [(p[1] or 0) + (p[2] or 0) - p[3]] for p in projects]
    for name, *values in full:
        cells = [doc.cell("projects", v) for v in values]
        rows.append([name] + cells)
        _relate_roll(doc, cells)
    cells = [doc.cell("projects", _sum_col(full, c)) for c in range(1, 5)]
    for cell, name in zip(cells, ("proj_opening", "proj_income", "proj_expenditure", "proj_closing")):
        cell.group = name
    rows.append(["合计"] + cells)
    _relate_roll(doc, cells)
    doc.foot(rows, len(rows) - 1, list(range(1, len(rows) - 1)), [1, 2, 3, 4])
    return rows


def _assets(doc: Doc) -> None:
    """固定资产总额, 闲置资产, 利用率 in text, and the 资产分类 table (项目名称 | 数量 | 金额)."""
    rng = doc.rng
    land = doc.amount(20, 900)
    house = doc.frac(land, 0.6, 1.0)
    general = doc.amount(50, 900)
    cars = doc.frac(general, 0.05, 0.3)
    special = doc.amount(2, 300)
    furniture = doc.amount(10, 400)
    total = land + general + special + furniture
    idle = doc.frac(house, 0.2, 1.0)
    q = [rng.randint(1, 6), 1, rng.randint(50, 1500), rng.randint(1, 6), rng.randint(2, 40), rng.randint(100, 5000)]
    q[1] = rng.randint(1, q[0])
    data = [("一、土地、房屋及构筑物", q[0], land), ("其中：房屋", q[1], house), ("二、通用设备", q[2], general),
            ("其中：汽车", q[3], cars), ("三、专用设备", q[4], special), ("四、家具、用具、装具", q[5], furniture)]
    rows: list[list] = [["项目名称", "数量", "金额"]]
    for label, n, v in data:
        rows.append([label, doc.cell("assets", Decimal(n), decimals=0, kind="amount"), doc.cell("assets", v)])
    details = [1, 3, 5, 6]
    rows.append(["合计", doc.cell("assets", Decimal(sum(q[k] for k in (0, 2, 4, 5))), decimals=0, kind="amount"),
                 doc.cell("assets", total, group="asset_total")])
    doc.foot(rows, 7, details, [1, 2])
    doc.tables["assets"] = rows
    t = doc.text("asset_total", total)
    d = doc.text("asset_idle", idle)
    doc.relate("ratio.recompute", doc.rate("rate_asset", total - idle, total), [t, d], "minus_div")


def build_short(doc: Doc) -> None:
    rng = doc.rng
    fiscal = doc.amount(5, 900)
    carry = doc.frac(fiscal, 0.02, 0.3)
    other = doc.frac(fiscal, 0.02, 0.2) if rng.random() < 0.5 else None
    total = fiscal + carry + (other or 0)
    t = doc.text("fund_total", total)
    parts = [doc.text("fund_fiscal", fiscal), doc.text("fund_carry", carry),
             doc.text("fund_other", other if other is not None else Decimal(0), decimals=2)]
    doc.relate("sum.breakdown", t, parts)
    spent_f = doc.frac(fiscal, 0.85, 1.0)
    spent_c = carry if rng.random() < 0.6 else doc.frac(carry, 0.6, 1.0)
    spent_o = doc.frac(other, 0.7, 1.0) if other is not None else None
    spent = spent_f + spent_c + (spent_o or 0)
    doc.text("fund_spent", spent)
    doc.rate("rate_exec_text", spent, total)
    start_f = doc.frac(fiscal, 0.8, 1.0)
    start_o = doc.frac(other, 0.8, 1.0) if other is not None else None
    data = [("年度资金总额", start_f + (start_o or 0), total, spent),
            ("其中：本年财政拨款", start_f, fiscal, spent_f),
            ("上年结转资金", None, carry, spent_c),
            ("其他资金", start_o, other, spent_o)]
    rows: list[list] = [["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率"]]
    for label, start, budget, done in data:
        row = [label, doc.cell("budget_exec", start), doc.cell("budget_exec", budget), doc.cell("budget_exec", done)]
        row.append(doc.cell("budget_exec", done / budget * 100, "rate") if budget else None)
        if row[4] is not None:
            doc.relate("ratio.recompute", row[4], [row[3], row[2]], "div")
        rows.append(row)
    rows[1][2].group = "fund_total"
    rows[1][3].group = "fund_spent"
    rows[2][2].group = "fund_fiscal"
    rows[3][2].group = "fund_carry"
    if rows[4][2] is not None:
        rows[4][2].group = "fund_other"
    doc.foot(rows, 1, [2, 3, 4], [1, 2, 3])
    doc.tables["budget_exec"] = rows
    doc.tables["indicators"], score = _indicators(doc)
    doc.context["score"] = format(score, "f")
    doc.context["grade"] = _grade(score, rng)


def _indicators(doc: Doc) -> tuple[list[list], Decimal]:
    """一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分, weights summing to 100."""
    rng = doc.rng
    items = doc.names["indicators"]
    weights = [20, 15, 15, 10, 15, 10, 15]
    rows: list[list] = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]]
    total = Decimal(0)
    previous = ("", "")
    for (first, second, third, unit), weight in zip(items, weights):
        lost = Decimal(rng.choice(("0", "0", "0", "0", "0.5", "1", "2")))
        if unit == "%":
            target = rng.choice((90, 95, 98))
            got = rng.randint(target - 3 if lost else target, 100)
            shown = (f"≥{target}%", f"{got}%")
        elif unit == "健全":
            shown = ("健全", "健全" if not lost else "基本健全")
        else:
            target = rng.randint(10, 400)
            shown = (f"≥{target}{unit}", f"{target + rng.randint(-3 if lost else 0, 30)}{unit}")
        score = weight - lost
        total += score
        rows.append([first if first != previous[0] else "", second if second != previous[1] else "", third,
                     shown[0], shown[1], str(weight), format(score, "f")])
        previous = (first, second)
    rows.append(["合计", "", "", "", "", "100", format(total, "f")])
    return rows, total


BUILDERS = {"self": build_self, "review": build_review, "short": build_short}


# ---------------------------------------------------------------- injections

def _typos(slot: Slot, rng: random.Random, warning: bool) -> list[Decimal]:
    """Candidate wrong values for a figure: a changed digit, two swapped digits, or a last-digit slip."""
    step = Decimal(1).scaleb(-slot.decimals)
    if warning:
        return [slot.value + step, slot.value - step]
    digits = format(slot.value, f".{slot.decimals}f")
    positions = [k for k, ch in enumerate(digits) if ch.isdigit()]
    out = []
    for _ in range(12):
        chars = list(digits)
        if rng.random() < 0.5 and len(positions) > 1:
            k = rng.randrange(len(positions) - 1)
            a, b = positions[k], positions[k + 1]
            chars[a], chars[b] = chars[b], chars[a]
        else:
            k = rng.choice(positions)
            chars[k] = rng.choice([d for d in "0123456789" if d != chars[k]])
        text = "".join(chars).lstrip("0") or "0"
        if text.startswith("."):
            text = "0" + text
        out.append(Decimal(text))
    out.append(slot.value + step * rng.randint(3, 40) * rng.choice((1, -1)))
    return out


def _candidates(doc: Doc, kind: str) -> list[tuple[Slot, Relation]]:
    """Figures a slip of this kind may change, with the relation it must break (for footing: cleanly)."""
    found = []
    for rel in doc.relations:
        if rel.rule == "sum.breakdown" and kind == "sum.breakdown":
            found += [(s, rel) for s in rel.inputs if s is not None and s.place == "text"]
        elif rel.rule == "table.footing" and kind == "table.footing":
            found += [(s, rel) for s in rel.inputs if s is not None]
        elif rel.rule == "balance.rollforward" and kind == "balance.rollforward":
            found.append((rel.target, rel))
        elif rel.rule == "ratio.recompute" and kind == "ratio.recompute":
            found.append((rel.target, rel))
    found = [(s, r) for s, r in found if doc.twins(s) == 1 and s.name not in doc.protected]
    if kind == "table.footing":
        clean = [(s, r) for s, r in found if sum(1 for x in doc.relations if s in x.slots()) == 1]
        found = clean or found
    return found


def _keeps_roles(doc: Doc, slot: Slot, value: Decimal) -> bool:
    """A slip must not change what the figure is: positive, a part stays below its total, same width."""
    if value <= 0 or (slot.kind == "rate" and value >= 1000):
        return False
    if len(format(value, "f").split(".")[0]) > len(format(slot.value, "f").split(".")[0]) + 1:
        return False
    for rel in doc.relations:
        if rel.formula == "sum" and slot in rel.inputs and value >= rel.target.printed:
            return False
    return True


def inject(doc: Doc, rng: random.Random) -> list[dict]:
    """Apply one or two slips; return their records (kind, place, old and new figure, findings)."""
    count = 1 if rng.random() < 0.7 else 2
    slips = []
    touched: set[int] = set()
    kinds = list(KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        if len(slips) == count:
            break
        options = [(s, r) for s, r in _candidates(doc, kind)
                   if not any(id(x) in touched for rel in doc.relations if s in rel.slots() for x in rel.slots())]
        if not options:
            continue
        slot, rel = rng.choice(options)
        warning = kind == "ratio.recompute" and rng.random() < WARNING_SHARE
        for value in _typos(slot, rng, warning):
            if value == slot.value or not _keeps_roles(doc, slot, value):
                continue
            old_raw = slot.raw
            slot.printed = value
            verdict = rel.verdict()
            if verdict and verdict["severity"] == ("warning" if warning else "error"):
                slips.append({"kind": kind, "was": old_raw, "now": slot.raw, "slot": slot})
                for rel2 in doc.relations:
                    if slot in rel2.slots():
                        touched.update(id(x) for x in rel2.slots())
                break
            slot.printed = slot.value
    return slips


def expected_findings(doc: Doc, slips: list[dict]) -> list[dict]:
    """The findings the printed figures must give, each credited to the slip it involves."""
    seen, out = set(), []
    for rel in doc.relations:
        key = rel.key()
        if key in seen:
            continue
        seen.add(key)
        verdict = rel.verdict()
        if verdict is None:
            continue
        cause = next((k for k, s in enumerate(slips) if s["slot"] in rel.slots()), None)
        if cause is None:
            raise GenerationError(f"{doc.layout}: relation fails without a slip: {key}")
        verdict["slip"] = cause
        out.append(verdict)
    return out


# ---------------------------------------------------------------- rendering

def _blocks(doc: Doc, spec: dict) -> list[tuple[str, object]]:
    """The document as ("p", text) and ("t", rows of strings) blocks, table captions included."""
    values = dict(doc.context)
    values.update({name: slot.render() for name, slot in doc.slots.items()})
    out: list[tuple[str, object]] = []
    tables = 0
    for block in spec["blocks"]:
        if "when" in block and block["when"] not in doc.flags:
            continue
        if "table" in block:
            rows = doc.tables[block["table"]]
            tables += 1
            for r, row in enumerate(rows):
                label = "".join(c for c in row[:3] if isinstance(c, str) and c and not c.isdigit())
                for c, cell in enumerate(row):
                    if isinstance(cell, Slot):
                        cell.where = f"表{tables} 第{r + 1}行 第{c + 1}列（{label} / {rows[0][c]}）"
            if block["table"] != "indicators":
                out.append(("p", f"单位：{doc.money}"))
            out.append(("t", [[c.render() if isinstance(c, Slot) else (c or "") for c in row] for row in rows]))
            continue
        text = doc.rng.choice(block["p"])
        try:
            out.append(("p", text.format_map(values)))
        except KeyError as exc:
            raise GenerationError(f"template {doc.layout}: no value for {exc}") from None
    return out


def render_txt(blocks: list, pipes: bool) -> str:
    """One line per paragraph; table rows as tab- or '|'-separated lines, as text layers of real reports."""
    lines = []
    for kind, payload in blocks:
        if kind == "p":
            lines.append(payload)
            lines.append("")
            continue
        for row in payload:
            lines.append("| " + " | ".join(row) + " |" if pipes else "\t".join(row))
        lines.append("")
    return "\n".join(lines)


def _txt2docx():
    """corpus/tools/txt2docx.py, whose table layout and merges the corpus DOCX files use."""
    spec = importlib.util.spec_from_file_location("txt2docx", ROOT / "corpus" / "tools" / "txt2docx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render_docx(blocks: list, tools) -> bytes:
    """A DOCX with Word paragraphs and ruled Word tables (merges as corpus/tools/txt2docx.py does)."""
    from datetime import datetime

    from docx import Document
    document = Document()
    tools.set_fonts(document)
    tools.set_page(document)
    document.core_properties.created = datetime(2024, 1, 1)
    document.core_properties.modified = datetime(2024, 1, 1)
    for kind, payload in blocks:
        if kind == "p":
            document.add_paragraph(payload)
        else:
            tools.add_table(document, payload)
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member dates so the same seed gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def convert_pdfs(docx_files: list[Path], outdir: Path) -> None:
    """DOCX → PDF with LibreOffice, one soffice call per batch of files."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise GenerationError("未找到 soffice，无法生成 PDF / soffice not found: use --pdf-share 0")
    with tempfile.TemporaryDirectory(prefix="jxbench-lo-") as profile:
        for k in range(0, len(docx_files), PDF_BATCH):
            batch = docx_files[k:k + PDF_BATCH]
            cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(outdir)] + [str(p) for p in batch]
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=900)
            missing = [p for p in batch if not (outdir / (p.stem + ".pdf")).is_file()]
            if proc.returncode != 0 or missing:
                raise GenerationError(f"soffice 转换失败 / soffice failed on {len(missing)} file(s): "
                                      f"{proc.stderr.decode(errors='replace')[:200]}")


# ---------------------------------------------------------------- the archive

def _pick(rng: random.Random, shares) -> str:
    """A name drawn with the given shares."""
    x = rng.random()
    for name, share in shares:
        if x < share:
            return name
        x -= share
    return shares[-1][0]


@dataclass
class Planned:
    """What document number k is: its unit (an index into unit_names), year and layout; for a unit's report
    that follows its report of the year before, that report's number (follows); for a review of the same
    unit and year as a self-evaluation, whose figures it shares, the self-evaluation's number (pairs); and
    whether a review will share this self-evaluation's figures (paired)."""

    unit: int
    year: int
    layout: str
    follows: Optional[int] = None
    pairs: Optional[int] = None
    paired: bool = False


def plan_archive(n: int, seed: int, units_cap: Optional[int] = None) -> list[Planned]:
    """The archive's units and years. A unit reports on itself (self or review layout) for a run of 1–4
    consecutive years, each year opening with the balance the year before closed with; about PAIR_SHARE of the
    self-evaluations get a third-party review of the same year that states the same figures; project reports
    (short layout) belong to a unit already in the archive or to a unit of their own.

    With units_cap, unit k is named as unit k mod units_cap, so the archive holds at most that many units, each
    with many reports a year (the runs of reports stay as drawn: an archive to measure the cross-document
    checks at scale, whose figures across runs differ)."""
    rng = random.Random(f"jxbench-plan-{seed}")
    plan: list[Planned] = []
    units = 0
    while len(plan) < n:
        if rng.random() < SHORT_SHARE:
            if units and rng.random() < PROJECT_OF_KNOWN_UNIT:
                unit = rng.randrange(units)
            else:
                unit, units = units, units + 1
            plan.append(Planned(unit, rng.randint(FIRST_YEAR, LAST_YEAR), "short"))
            continue
        length = int(_pick(rng, CHAIN_LENGTHS))
        start = rng.randint(FIRST_YEAR, LAST_YEAR + 1 - length)
        unit, units = units, units + 1
        previous = None
        for year in range(start, start + length):
            if len(plan) == n:
                break
            planned = Planned(unit, year, _pick(rng, CHAIN_LAYOUTS), previous)
            plan.append(planned)
            previous = len(plan)
            if planned.layout == "self" and len(plan) < n and rng.random() < PAIR_SHARE:
                planned.paired = True
                plan.append(Planned(unit, year, "review", pairs=previous))
    if units_cap is not None:
        for planned in plan:
            planned.unit %= units_cap
    return plan


def restated_finding(rule: str, other: Slot, other_scale: int, reported: Slot, reported_scale: int) -> Optional[dict]:
    """A cross-document finding on a printed figure against the same figure printed in another document (each
    in its document's money unit), or None when they agree within their printed precision."""
    factor = Decimal(reported_scale) / Decimal(other_scale)
    lo, hi, mid = _interval(other)
    computed = (lo * factor, hi * factor, mid * factor)
    severity = _judge(computed, reported)
    if severity == "pass":
        return None
    return {"rule": rule, "severity": severity, "reported": reported.raw,
            "expected": _render(computed[2], reported.decimals, reported.kind == "rate")}


def carry_finding(closing: Slot, closing_scale: int, opening: Slot, opening_scale: int) -> Optional[dict]:
    """crossdoc.carryover on next year's printed opening balance against this year's printed closing one."""
    return restated_finding(CARRYOVER, closing, closing_scale, opening, opening_scale)


def make_document(index: int, seed: int, pdf_share: float, names: dict, layouts: dict,
                  units: list[tuple[str, str]], planned: Planned, carried: Optional[Decimal] = None,
                  shared_by: Optional[Doc] = None, given: Optional[dict] = None) -> tuple[dict, Doc, list]:
    """Draw document number index (1-based) as planned, opening with the carried balance (万元) when it
    follows the unit's report of the year before, or stating the figures (given, by default all) of the
    self-evaluation it is paired with (shared_by, in its money unit): its manifest record, its figures and its
    blocks. The figures the cross-document checks compare are never slipped in a paired report."""
    if planned.unit >= len(units):
        raise GenerationError(f"最多 {len(units)} 个单位 / at most {len(units)} units")
    rng = random.Random(f"jxbench-{seed}-{index}")
    layout, year = planned.layout, planned.year
    if layout == "review" and carried is not None and carried < REVIEW_MIN_CARRY:
        layout = "self"
    x = rng.random()
    if x < pdf_share:
        fmt, encoding = "pdf", None
    else:
        fmt, encoding = _pick(rng, (("docx", 0.30), ("txt", 0.70))), None
        if fmt == "txt":
            encoding = "gbk" if rng.random() < 0.35 else "utf-8"
    money = "元" if rng.random() < 0.15 else "万元"
    if shared_by is not None:
        carried, money = shared_by.shared["opening"] / shared_by.scale, shared_by.money
        given = given or shared_by.shared
    for _attempt in range(20):
        doc = Doc(rng, names, layout, money)
        doc.carry(carried)
        doc.given = given
        if planned.paired or shared_by is not None:
            doc.protected = COMPARED_SLOTS
        doc.context.update(_common_context(doc, year, *units[planned.unit]))
        try:
            BUILDERS[layout](doc)
        except (GenerationError, ZeroDivisionError):
            continue
        break
    else:
        raise GenerationError(f"document {index}: could not draw consistent figures")
    for rel in doc.relations:
        if rel.verdict() is not None:
            raise GenerationError(f"document {index} ({layout}): drawn figures inconsistent: {rel.key()}")
    slips = inject(doc, rng) if rng.random() < INJECT_SHARE else []
    findings = expected_findings(doc, slips)
    blocks = _blocks(doc, layouts[layout])
    stem = f"{index:04d}_{layout}_{year}"
    ext = {"pdf": "pdf", "docx": "docx", "txt": "txt"}[fmt]
    record = {"path": f"docs/{stem}.{ext}", "format": fmt, "encoding": encoding, "unit": doc.context["unit"],
              "year": year, "layout": layout, "report_type": layouts[layout]["report_type"], "money_unit": money,
              "table_style": ("pipes" if fmt == "txt" and rng.random() < 0.3 else "tabs") if fmt == "txt" else None,
              "injected": [{"kind": s["kind"], "where": s["slot"].where, "was": s["was"], "now": s["now"],
                            "findings": [{k: f[k] for k in ("rule", "severity", "reported", "expected")}
                                         for f in findings if f["slip"] == n]}
                           for n, s in enumerate(slips)],
              "expected": [{k: f[k] for k in ("rule", "severity", "reported", "expected")} for f in findings],
              "follows": None, "pairs_with": None, "expected_cross": []}
    return record, doc, blocks


def _carry_slip(closing_wan: Decimal, rng: random.Random) -> list[Decimal]:
    """Wrong opening balances (万元) a report may print for last year's closing one: a changed or swapped digit."""
    probe = Slot("carried", closing_wan, 2, "amount", "text", "carried")
    return [v for v in _typos(probe, rng, False) if v > 0 and v != probe.value]


def draw_document(index: int, seed: int, pdf_share: float, names: dict, layouts: dict,
                  units: list[tuple[str, str]], planned: Planned, reports: dict[int, tuple[dict, Doc]]):
    """make_document as planned. A report that follows the unit's report of the year before opens with that
    report's true closing balance, or for about CARRY_SLIP_SHARE of the links with a slip of it that gives a
    carryover error (recorded as a crossdoc.carryover slip); a review paired with a self-evaluation states
    its figures, or, when its 期初 is under REVIEW_MIN_CARRY, becomes a project report of that year."""
    if planned.pairs is not None:
        self_record, shared_by = reports[planned.pairs]
        if shared_by.shared["opening"] / shared_by.scale < REVIEW_MIN_CARRY:
            return make_document(index, seed, pdf_share, names, layouts, units,
                                 Planned(planned.unit, planned.year, "short"))
        rng = random.Random(f"jxbench-restate-{seed}-{index}")
        given = dict(shared_by.shared)
        own_score = shared_by.context["score"]
        cite_slip = None
        if rng.random() < CITE_SHARE:
            given["cited_score"] = own_score
            if rng.random() < CITE_SLIP_SHARE:
                given["cited_score"] = cite_slip = _cite_slip(own_score, rng)
        true_actual = given["three_actual"]
        probe = Slot("three_actual", true_actual, 2, "amount", "text", "three_actual")
        for actual in _typos(probe, rng, False) if rng.random() < RESTATE_SLIP_SHARE else []:
            if actual <= 0 or actual == true_actual:
                continue
            record, doc, blocks = make_document(index, seed, pdf_share, names, layouts, units, planned,
                                                shared_by=shared_by, given=dict(given, three_actual=actual))
            finding = restated_finding(SAME_FIGURE, shared_by.slots["rate_three"], 1, doc.slots["rate_three"], 1)
            if finding is not None and finding["severity"] == "error":
                record["injected"].append({"kind": SAME_FIGURE, "where": doc.slots["rate_three"].where,
                                           "was": shared_by.slots["rate_three"].raw,
                                           "now": doc.slots["rate_three"].raw, "findings": [finding]})
                break
        else:
            record, doc, blocks = make_document(index, seed, pdf_share, names, layouts, units, planned,
                                                shared_by=shared_by, given=given)
        if cite_slip is not None:
            record["injected"].append({"kind": SELF_VS_REVIEW, "where": "正文 {cited}", "was": own_score,
                                       "now": cite_slip, "findings": [cite_finding(own_score, cite_slip)]})
        record["pairs_with"] = self_record["path"]
        return record, doc, blocks
    if planned.follows is None:
        return make_document(index, seed, pdf_share, names, layouts, units, planned)
    prev_record, prev = reports[planned.follows]
    true_carry = prev.closing_wan()
    rng = random.Random(f"jxbench-carry-{seed}-{index}")
    for carried in _carry_slip(true_carry, rng) if rng.random() < CARRY_SLIP_SHARE else []:
        record, doc, blocks = make_document(index, seed, pdf_share, names, layouts, units, planned, carried)
        finding = carry_finding(prev.slots["closing"], prev.scale, doc.slots["opening"], doc.scale)
        if finding is not None and finding["severity"] == "error":
            was = format((true_carry * doc.scale).quantize(CENT, rounding=ROUND_HALF_UP), "f")
            record["injected"].append({"kind": CARRYOVER, "where": doc.slots["opening"].where, "was": was,
                                       "now": doc.slots["opening"].raw, "findings": [finding]})
            record["follows"] = prev_record["path"]
            return record, doc, blocks
    record, doc, blocks = make_document(index, seed, pdf_share, names, layouts, units, planned, true_carry)
    record["follows"] = prev_record["path"]
    return record, doc, blocks


def _score(text: str) -> Slot:
    """A score as printed (93, 93.5, 97.30), at its printed decimals."""
    value = Decimal(text)
    return Slot(text, value, -value.as_tuple().exponent, "score", "text", text)


def _cite_slip(own: str, rng: random.Random) -> str:
    """A self-evaluation score as a review may miscite it: a changed or swapped digit, 2 points off or more."""
    value = Decimal(own)
    for v in _typos(_score(own), rng, False):
        if 50 <= v <= 100 and abs(v - value) >= 2:
            return format(v, "f")
    return format(value - 3, "f")


def cite_finding(own: str, cited: str) -> Optional[dict]:
    """crossdoc.self_vs_review on the self-evaluation score a review cites against the one the self-evaluation
    states, or None when they agree within their printed precision."""
    return restated_finding(SELF_VS_REVIEW, _score(own), 1, _score(cited), 1)


def score_finding(own: str, review: str) -> Optional[dict]:
    """crossdoc.self_vs_review on a review's printed score against the self-evaluation's of the same year: a
    warning when they are SCORE_GAP_WARNING points or more apart (a smaller gap is a note, not a finding)."""
    printed = _score(review)
    if abs(printed.value - Decimal(own)) < SCORE_GAP_WARNING:
        return None
    return {"rule": SELF_VS_REVIEW, "severity": "warning", "reported": review,
            "expected": _render(Decimal(own), printed.decimals, False)}


def reference_closing(earlier: list[Doc]) -> Optional[Doc]:
    """The report of the year before whose printed 年末结转结余 a report's 年初 is held to: the closing figure most of
    them print (value, decimals and money unit), on a tie the first report's (the checker's crossdoc.reference)."""
    groups: dict[tuple, list[Doc]] = {}
    for d in earlier:
        slot = d.slots["closing"]
        groups.setdefault((slot.value, slot.decimals, d.money), []).append(d)
    if not groups:
        return None
    largest = max(len(g) for g in groups.values())
    return next(g for g in groups.values() if len(g) == largest)[0]


def cross_findings(record: dict, doc: Doc, unit_years: dict, key: tuple[int, int]) -> list[dict]:
    """What the cross-document checks must report on this unit-level report: its 年初 against the 年末 of the
    unit's reports of the year before (the one most of them print), and for a review paired with a self-evaluation, each compared
    figure against the self-evaluation's and the score gap."""
    unit, year = key
    out = []
    earlier = reference_closing([d for _, _, d in unit_years.get((unit, year - 1), [])])
    if earlier is not None:
        finding = carry_finding(earlier.slots["closing"], earlier.scale, doc.slots["opening"], doc.scale)
        if finding is not None:
            out.append(finding)
    if record["pairs_with"]:
        own = next(d for _, r, d in unit_years[key] if r["path"] == record["pairs_with"])
        for name in sorted(COMPARED_SLOTS):
            finding = restated_finding(SAME_FIGURE, own.slots[name], own.scale, doc.slots[name], doc.scale)
            if finding is not None:
                out.append(finding)
        for finding in (score_finding(own.context["score"], doc.context["score"]),
                        cite_finding(own.context["score"], doc.context["cited"]) if "cited" in doc.context else None):
            if finding is not None:
                out.append(finding)
    return out


def generate(outdir: Path, n: int = 1000, seed: int = 1, pdf_share: float = 0.15,
             units_cap: Optional[int] = None) -> dict:
    """Write OUTDIR/docs/* and OUTDIR/manifest.jsonl; return counts and timings.

    With units_cap (see plan_archive) the cross-document findings are not listed (expected_cross stays empty):
    they depend on which of a unit's many reports are compared, which is the checker's business."""
    start = time.perf_counter()
    names, layouts = load_templates()
    outdir = Path(outdir)
    docs_dir = outdir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    tools = _txt2docx()
    units = unit_names(names, seed)
    plan = plan_archive(n, seed, units_cap)
    reports: dict[int, tuple[dict, Doc]] = {}
    unit_years: dict[tuple[int, int], list[tuple[int, dict, Doc]]] = {}
    records = []
    pending_pdf: list[Path] = []
    staging = Path(tempfile.mkdtemp(prefix="jxbench-docx-"))
    try:
        for index in range(1, n + 1):
            planned = plan[index - 1]
            record, doc, blocks = draw_document(index, seed, pdf_share, names, layouts, units, planned, reports)
            if record["layout"] != "short":
                key = (planned.unit, planned.year)
                if units_cap is None:
                    record["expected_cross"] = cross_findings(record, doc, unit_years, key)
                reports[index] = (record, doc)
                unit_years.setdefault(key, []).append((index, record, doc))
                for old, _, _ in unit_years.pop((planned.unit, planned.year - 2), []):
                    reports.pop(old, None)
            target = outdir / record["path"]
            if record["format"] == "txt":
                text = render_txt(blocks, record["table_style"] == "pipes")
                try:
                    target.write_bytes(text.encode(record["encoding"]))
                except UnicodeEncodeError as exc:
                    raise GenerationError(f"{record['path']}: text not encodable in {record['encoding']}: {exc}")
            elif record["format"] == "docx":
                target.write_bytes(render_docx(blocks, tools))
            else:
                src = staging / (target.stem + ".docx")
                src.write_bytes(render_docx(blocks, tools))
                pending_pdf.append(src)
            records.append(record)
        generated = time.perf_counter() - start
        if pending_pdf:
            convert_pdfs(pending_pdf, docs_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with open(outdir / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    stats = {"documents": n, "seed": seed, "pdf_share": pdf_share, "units_cap": units_cap, "pdf": len(pending_pdf),
             "injected_documents": sum(1 for r in records if r["injected"]),
             "expected_findings": sum(len(r["expected"]) + len(r["expected_cross"]) for r in records),
             "expected_cross": sum(len(r["expected_cross"]) for r in records),
             "units": len({r["unit"] for r in records}),
             "carry_links": sum(1 for r in records if r["follows"]),
             "review_pairs": sum(1 for r in records if r["pairs_with"]),
             "seconds_text_docx": round(generated, 2), "seconds_total": round(time.perf_counter() - start, 2),
             "manifest_sha256": hashlib.sha256((outdir / "manifest.jsonl").read_bytes()).hexdigest()}
    (outdir / "generation.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return stats


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("-n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pdf-share", type=float, default=0.15, help="share of PDF documents (default 0.15)")
    parser.add_argument("--units", type=int, default=None, metavar="K",
                        help="at most K units, each with many reports a year (no cross-document expectations)")
    args = parser.parse_args(argv)
    if args.n < 1 or not 0 <= args.pdf_share <= 1 or (args.units is not None and args.units < 1):
        print("参数错误 / bad arguments: -n and --units must be ≥ 1 and --pdf-share within [0, 1]", file=sys.stderr)
        return 2
    try:
        stats = generate(Path(args.outdir), args.n, args.seed, args.pdf_share, args.units)
    except (GenerationError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"生成失败 / generation failed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
