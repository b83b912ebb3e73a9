"""statement.tree, statement.row_identity, statement.cross_table — the standard tables of 部门决算 and 部门预算.

statement.tree: in every amount column, a 类 against its 款, a 款 against its 项, the 合计 row against the 类.
  Fails:  208 社会保障和就业支出 754.75 over 20805 700.00 and 20808 50.00.
  Passes: 208 754.75 over 20805 754.75; 合计 9746.50 = 754.75 + 236.64 + 3832.36 + 4461.67 + 461.08.
statement.row_identity: an identity inside one table: 合计 = 基本支出 + 项目支出 across a row, 本年收入合计 = the
  numbered income lines, 收入总计 = 本年收入合计 + 年初结转和结余, 收入总计 = 支出总计, 三公 合计 = 出国 + 用车 + 接待.
  Fails:  2120101 行政运行 合计 1105.68, 基本支出 1096.91, 项目支出 9.77.
  Passes: 合计 9759.38 = 5377.64 + 4381.74.
statement.cross_table: one figure in two tables (收入支出决算总表's 本年支出合计 and 支出决算表's 合计 row, each 类 in
  both; 一般公共预算财政拨款支出决算表's 基本支出 and 基本支出决算表's 人员经费合计 + 公用经费合计).
  Fails:  卫生健康支出 236.63 in table 1 and 236.64 in table 3 (a warning: one cent).
  Passes: 本年支出合计 9759.38 in both.
A row is placed by its 科目编码, never by its indentation; a code is never an amount; rows whose level cannot be
told are left alone. Blank cells are nothing to add; a blank total is not checked.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

import regex

import patterns
from extractor.facts import Facts, TableCell
from extractor.statements import Statement, StatementList, StatementRow
from scoring.model import Check
from scoring.rules.common import same_check, sum_check

TREE = "statement.tree"
ROW = "statement.row_identity"
CROSS = "statement.cross_table"


@lru_cache(maxsize=1)
def _data() -> dict:
    d = patterns.load("statements")
    return {
        "grand": regex.compile(d["grand_total"]), "year": regex.compile(d["year_total"]),
        "list_total": regex.compile(d["list_total"]),
        "identity_total": regex.compile(d["identity_totals"]), "balance": regex.compile(d["balance_rows"]),
        "outside": regex.compile(d["outside_columns"]),
        "identities": [(regex.compile(i["total"]), [regex.compile(p) for p in i["parts"]])
                       for i in d["row_identities"]],
        "three_public": d["three_public"], "cross": d["cross_links"], "sums": d["sum_links"],
        "classes": d["class_links"],
    }


def _place(stmt: Statement, row: StatementRow, column: str) -> str:
    name = f"{row.code} {row.label}" if row.code else row.label
    return f"表{row.table}（{stmt.title or stmt.kind}）“{name}”行“{column}”"


def _tag(check: Check, row: StatementRow, column: str) -> Check:
    check.identity = (row.table, row.row, column)
    return check


def _foot(rule: str, stmt: Statement, row: StatementRow, parts: list[StatementRow],
          columns: Iterable[str]) -> list[Check]:
    out = []
    for col in columns:
        total = row.cells.get(col)
        cells = [p.cells[col] for p in parts if col in p.cells]
        if total is None or not cells:
            continue
        out.append(_tag(sum_check(rule, total, cells, None, _place(stmt, row, col)), row, col))
    return out


def _children(rows: list[StatementRow], i: int) -> list[StatementRow]:
    parent = rows[i]
    out = []
    for row in rows[i + 1:]:
        if row.level is None or row.level <= parent.level or row.is_coded != parent.is_coded:
            break
        if row.level == parent.level + 1:
            out.append(row)
    return out


def _trees(stmt: Statement, lst: StatementList) -> list[Check]:
    d = _data()
    rows = lst.rows
    out: list[Check] = []
    for i, row in enumerate(rows):
        if row.level is None:
            if not row.is_coded and d["list_total"].match(row.label) and lst.coded:
                tops = [r for r in rows if r.is_coded and r.level == 1]
                out += _foot(ROW if d["identity_total"].match(row.label) else TREE, stmt, row, tops, lst.columns)
            continue
        kids = _children(rows, i)
        if not kids or (row.is_coded and any(not k.code.startswith(row.code) for k in kids)):
            continue
        out += _foot(TREE if row.is_coded else ROW, stmt, row, kids, lst.columns)
    return out


def _lines(stmt: Statement, lst: StatementList) -> list[Check]:
    """A list of numbered lines: the year's total over its lines, the grand total over the year's total (or
    the lines) and the balance rows, and a balance row over its numbered lines. A row between the year's total and the
    grand total that is neither a balance row nor one's line (转移性收入 in a government's 收入执行情况表) leaves the
    grand total unchecked: what it adds is not known."""
    if lst.coded:
        return []
    d = _data()
    rows = lst.rows
    out: list[Check] = []
    year_total: Optional[StatementRow] = None
    lines: list[StatementRow] = []
    balances: list[StatementRow] = []
    kids_of: set[int] = set()
    unplaced = False
    for i, row in enumerate(rows):
        label = row.label
        if row.level == 1 and year_total is None and not balances:
            lines.append(row)
        elif d["year"].match(label):
            out += _foot(ROW, stmt, row, lines, lst.columns)
            year_total = row
        elif d["balance"].match(label):
            balances.append(row)
            kids = []
            for nxt in rows[i + 1:]:
                if nxt.level != 1:
                    break
                kids.append(nxt)
            kids_of |= {id(k) for k in kids}
            out += _foot(ROW, stmt, row, kids, lst.columns)
        elif d["grand"].match(label):
            base = [year_total] if year_total is not None else lines
            if not unplaced:
                out += _foot(ROW, stmt, row, base + balances, lst.columns)
            year_total, lines, balances, unplaced = None, [], [], False
        elif year_total is not None and id(row) not in kids_of and any(row.cells.values()):
            unplaced = True
    return out


def _identity_columns(lst: StatementList) -> Optional[tuple[str, list[str]]]:
    d = _data()
    for total_re, part_res in d["identities"]:
        for total in lst.columns:
            if not total_re.search(total):
                continue
            parts, unknown = [], False
            for col in lst.columns:
                if col == total:
                    continue
                if any(p.search(col) for p in part_res):
                    parts.append(col)
                elif not d["outside"].search(col):
                    unknown = True
            if parts and len(parts) >= 2 and not unknown:
                return total, parts
    return None


def _across(stmt: Statement, lst: StatementList) -> list[Check]:
    found = _identity_columns(lst)
    if found is None:
        return []
    total, parts = found
    out = []
    for row in lst.rows:
        cell = row.cells.get(total)
        cells = [row.cells[c] for c in parts if c in row.cells]
        if cell is None or not cells:
            continue
        out.append(_tag(sum_check(ROW, cell, cells, None, _place(stmt, row, total) + "（按列）"), row, total))
    return out


def _both_totals(stmt: Statement) -> list[Check]:
    """收入总计 = 支出总计 where the two sides of a table end on one row."""
    d = _data()
    ends = []
    for lst in stmt.lists:
        for row in lst.rows:
            if d["grand"].match(row.label) and lst.columns and lst.columns[0] in row.cells:
                ends.append((row, row.cells[lst.columns[0]], lst.columns[0]))
                break
    if len(ends) != 2:
        return []
    (a, income, _), (b, spent, col) = ends
    return [_tag(_same(ROW, stmt, b, spent, col, income, f"表{a.table}收入总计"), b, col)]


def _same(rule: str, stmt: Statement, row: StatementRow, later: TableCell, column: str, earlier: TableCell,
          earlier_place: str) -> Check:
    return same_check(rule, later, earlier, _place(stmt, row, column), earlier_place)


def three_public_item(name: str) -> Optional[str]:
    """The “三公” item (abroad, car, reception…) a column header or a name stands for, by patterns/statements.yaml."""
    return next((c["item"] for c in _data()["three_public"]["columns"] if regex.search(c["header"], name)), None)


def three_public_row_item(label: str) -> Optional[str]:
    """The “三公” item a row's label or a text's name stands for (公务接待费, 公务用车购置及运行费…), by
    patterns/statements.yaml's rows."""
    return next((r["item"] for r in _data()["three_public"]["rows"] if patterns.compiled(r["label"]).search(label)),
                None)


def three_public_columns(lst: StatementList) -> dict[tuple[str, Optional[str]], str]:
    """The columns of a “三公” table's list by item and stage (budget, actual or None); a stage column with no item
    words of its own is the item of the column before it (合计预算数 | 决算数)."""
    spec = _data()["three_public"]
    columns: dict[tuple[str, Optional[str]], str] = {}
    last_item = None
    for col in lst.columns:
        stage = next((s for w, s in spec["stages"].items() if col.endswith(w)), None)
        head = col[: -len(next(w for w in spec["stages"] if col.endswith(w)))] if stage else col
        item = three_public_item(head)
        if item is None and stage is not None and last_item is not None:
            item = last_item
        last_item = item
        if item is not None and (item, stage) not in columns:
            columns[(item, stage)] = col
    return columns


def _three_public(stmt: Statement) -> list[Check]:
    spec = _data()["three_public"]
    out = []
    for lst in stmt.lists:
        columns = three_public_columns(lst)
        if not columns:
            out += _three_public_rows(stmt, lst, spec)
            continue
        for row in lst.rows:
            for rule in spec["sums"]:
                for stage in dict.fromkeys(s for _, s in columns):
                    total_col = columns.get((rule["total"], stage))
                    part_cols = [columns.get((p, stage)) for p in rule["parts"]]
                    if total_col is None or any(c is None for c in part_cols) or total_col not in row.cells:
                        continue
                    cells = [row.cells[c] for c in part_cols if c in row.cells]
                    if cells:
                        out.append(_tag(sum_check(ROW, row.cells[total_col], cells, None,
                                                  _place(stmt, row, total_col)), row, total_col))
    return out


def _three_public_rows(stmt: Statement, lst: StatementList, spec: dict) -> list[Check]:
    """A 三公 table whose items are rows: in every amount column, 合计 = 出国 + 用车 + 接待 and 用车 = 购置 + 运行
    (a blank cell is nothing spent); an item that two rows would take is not checked. A subtotal that its own parts
    contradict is the one finding: the 合计 is held to those parts in its place (合计 34.35 = 出国 0 + 接待 1.70 +
    购置 0 + 运行 32.65 under a 用车 of 0)."""
    found: dict[str, list[StatementRow]] = {}
    for row in lst.rows:
        if len(row.label) > spec["row_label_max"]:
            continue
        item = three_public_row_item(row.label)
        if item is not None:
            found.setdefault(item, []).append(row)
    rows = {item: rs[0] for item, rs in found.items() if len(rs) == 1}
    out = []
    for col in lst.columns:
        made: dict[str, Check] = {}
        wrong: dict[str, list] = {}
        for rule in reversed(spec["sums"]):
            total = rows.get(rule["total"])
            parts = [rows.get(p) for p in rule["parts"]]
            if total is None or any(p is None for p in parts) or col not in total.cells:
                continue
            cells = [p.cells[col] for p in parts if col in p.cells]
            if not cells:
                continue
            check = sum_check(ROW, total.cells[col], cells, None, _place(stmt, total, col))
            if check.is_finding:
                detail = [c for item in rule["parts"] for c in wrong.get(item, [rows[item].cells.get(col)]) if c]
                again = sum_check(ROW, total.cells[col], detail, None, _place(stmt, total, col))
                if not again.is_finding:
                    named = "、".join(rows[item].label for item in rule["parts"] if item in wrong)
                    again.message = again.message.replace("（在打印精度内）", f"（在打印精度内；{named}按其明细计）")
                    check = again
                else:
                    wrong[rule["total"]] = cells
            made[rule["total"]] = _tag(check, total, col)
        out += [made[r["total"]] for r in spec["sums"] if r["total"] in made]
    return out


def of_kind(statements: list[Statement], kind: str) -> Optional[Statement]:
    return next((s for s in statements if s.kind == kind), None)


def locate(stmt: Statement, row_re: str, col_re: Optional[str]) -> Optional[tuple[StatementRow, str, TableCell]]:
    """The figure of an uncoded row (by its label) in a column (by its header; the first when None)."""
    rr = regex.compile(row_re)
    cr = regex.compile(col_re) if col_re else None
    for lst in stmt.lists:
        for row in lst.rows:
            if row.is_coded or not rr.search(row.label):
                continue
            cols = [c for c in lst.columns if cr is None or cr.search(c)] or _side_columns(lst, cr)
            if cols and cols[0] in row.cells:
                return row, cols[0], row.cells[cols[0]]
    return None


def _side_columns(lst: StatementList, side: Optional[regex.Pattern]) -> list[str]:
    """A side-by-side list with no 收入/支出 header over it: its first column, when its own total row names the
    side (本年支出合计, 支出总计)."""
    d = _data()
    if side is None or lst.coded or not lst.columns:
        return []
    named = any((d["year"].match(r.label) or d["grand"].match(r.label)) and side.search(r.label) for r in lst.rows)
    return lst.columns[:1] if named else []


def _unless(stmt: Statement, pattern: Optional[str]) -> bool:
    if not pattern:
        return False
    p = regex.compile(pattern)
    return any(p.search(r.label) for lst in stmt.lists for r in lst.rows if not r.is_coded)


def _cross(statements: list[Statement]) -> list[Check]:
    d = _data()
    out: list[Check] = []
    for link in d["cross"]:
        a, b = of_kind(statements, link["earlier"][0]), of_kind(statements, link["later"][0])
        if a is None or b is None or _unless(a, link.get("unless")):
            continue
        first = locate(a, *link["earlier"][1:])
        second = locate(b, *link["later"][1:])
        if first is None or second is None:
            continue
        row, col, cell = second
        out.append(_tag(_same(CROSS, b, row, cell, col, first[2], _place(a, first[0], first[1])), row, col))
    for link in d["sums"]:
        a, b = of_kind(statements, link["earlier"][0]), of_kind(statements, link["later"][0])
        if a is None or b is None:
            continue
        first = locate(a, *link["earlier"][1:])
        parts = [locate(b, p, None) for p in link["later"][1]]
        if first is None or any(p is None for p in parts):
            continue
        row, col, cell = first
        names = " + ".join(f"表{p[0].table}“{p[0].label}”" for p in parts)
        check = sum_check(CROSS, cell, [p[2] for p in parts], None, f"{_place(a, row, col)} 与{names}")
        out.append(_tag(check, row, col))
    for link in d["classes"]:
        a, b = of_kind(statements, link["earlier"][0]), of_kind(statements, link["later"][0])
        if a is None or b is None:
            continue
        side = regex.compile(link["earlier"][1])
        names: dict[str, tuple[StatementRow, str, TableCell]] = {}
        for lst in a.lists:
            cols = [c for c in lst.columns if side.search(c)] or _side_columns(lst, side)
            if not cols:
                continue
            for row in lst.rows:
                if row.level == 1 and cols[0] in row.cells:
                    names.setdefault(row.label, (row, cols[0], row.cells[cols[0]]))
        col_re = regex.compile(link["later"][1])
        for lst in b.lists:
            cols = [c for c in lst.columns if col_re.search(c)]
            if not cols or not lst.coded:
                continue
            for row in lst.rows:
                if row.level != 1 or not row.is_coded or cols[0] not in row.cells or row.label not in names:
                    continue
                e_row, e_col, e_cell = names[row.label]
                out.append(_tag(_same(CROSS, b, row, row.cells[cols[0]], cols[0], e_cell,
                                      _place(a, e_row, e_col)), row, cols[0]))
    return out


def check(facts: Facts) -> list[Check]:
    out: list[Check] = []
    for stmt in facts.statements:
        if stmt.kind == "three_public":
            out += _three_public(stmt)
            continue
        for lst in stmt.lists:
            out += _trees(stmt, lst) + _lines(stmt, lst) + _across(stmt, lst)
        out += _both_totals(stmt)
    out += _cross(facts.statements)
    return out
