"""score.weight_tree — a scoring table's weights by level: 一级 = Σ 二级, 二级 = Σ 三级, 合计 = Σ 一级.

Fails:  | 一级指标 | 二级指标 | 三级指标 | ; | 决策(20分) | 目标设定(8分) | 绩效目标合理性(4分) | ; | 绩效指标明确性(4分) | ;
        | 预算配置(10分) | 预算编制科学性(5分) | ; | 资金分配合理性(5分) | ; | 过程(30分) | …
        (决策 20 ≠ 目标设定 8 + 预算配置 10 = 18: an error on a grid, a warning here, where rows that omit their
        leading cells were right-aligned to the last levels)
Passes: 绩效指标(90分) over 成本控制数 权重 90, then 合计 100 = 预算执行情况(10分) + 绩效指标(90分)
An indicator whose child prints no weight, a group the table cuts off (no sibling, higher level or 合计 after it)
or a row that cannot be put in its level is unverifiable. A child without a printed weight counts as the sum of
its own children. Weights are exact.
Also score.weight (得分 ≤ 分值) for each deepest indicator whose 得分 column follows its 分值, and score.total (the
total row's 得分 = the sum of the deepest indicators' 得分, exact) on a table that is not a 项目支出绩效自评表 (project.py
scores those) — and for the rows of a 评分表 copied one cell per
line or with its cells run together (extractor/cell_stream.py), at most a warning there; a row that grants bonus points
(加1分) leaves a score above its 分值 unverifiable. Where a 评分表's weights are read only from its labels
(目标设定情况(10分)依据的充分性(3分)… run together), a child whose label prints no weight is unseen: a group passes
when its labels add up and is unverifiable otherwise.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

import regex

import patterns
from extractor.cell_stream import StreamTable
from extractor.facts import Facts
from extractor.normalize import compact
from extractor.weight_tree import Node, Total, WeightTree
from scoring.model import Check, Evidence
from scoring.rounding import render

RULE = "score.weight_tree"
LEVELS = {0: "", 1: "一级", 2: "二级", 3: "三级", 4: "四级"}
LOST = "（该表表格线已丢失，层级与数值按行内位置还原，请对照原件核对。）"


def _value(node: Node) -> Optional[Decimal]:
    """The node's weight: printed, else the sum of its complete children's."""
    if node.weight is not None:
        return node.weight.value
    if node.broken or not node.complete or not node.children:
        return None
    values = [_value(c) for c in node.children]
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _shown(node: Node) -> str:
    return node.weight.raw if node.weight is not None else render(_value(node), 0)


def _why_not(node: Node) -> Optional[str]:
    if not node.children:
        return "其下未读出下级指标"
    if node.broken:
        return "其下有行无法确定所属层级"
    if not node.complete:
        return "其下各项在摘录或表格末尾被截断"
    missing = [c for c in node.children if _value(c) is None]
    if missing:
        return f"下级指标“{missing[0].name}”未列分值"
    return None


def _name(node: Node) -> str:
    return f"{LEVELS[node.level]}指标“{node.name}”" if node.level else f"“{node.name}”"


def _node_check(tree: WeightTree, node: Node) -> Check:
    where = tree.where
    children = node.children
    common = dict(rule=RULE, concept="weight", reported=node.weight.raw, unit="分",
                  identity=(tree.table, "node", node.location.row, node.location.col, node.name))
    evidence = [Evidence(node.quote, node.location)] + [Evidence(c.quote, c.location) for c in children]
    why = _why_not(node)
    if why is not None:
        return Check(status="unverifiable", severity="info", numbers=[node.weight.raw],
                     message=f"{where} {_name(node)}分值 {node.weight.raw}：{why}，无法核对其分值之和。",
                     evidence=evidence[:1], **common)
    acc = sum((_value(c) for c in children), Decimal(0))
    arithmetic = " + ".join(f"{c.name} {_shown(c)}" for c in children)
    expected = render(acc, node.weight.decimals)
    ok = acc == node.weight.value
    numbers = [node.weight.raw] + [_shown(c) for c in children]
    if ok:
        return Check(status="pass", severity="info", expected=expected, difference="0", numbers=numbers,
                     evidence=evidence, message=f"{where} {_name(node)}分值 {node.weight.raw} = {arithmetic}，相符。",
                     **common)
    if tree.partial:
        return Check(status="unverifiable", severity="info", numbers=numbers, evidence=evidence,
                     message=(f"{where} {_name(node)}分值 {node.weight.raw} 与读出的下级分值之和 {arithmetic} = {expected} "
                              f"不等；名称中未写分值的下级指标无法读出，无法据此判断。"), **common)
    diff = render(node.weight.value - acc, node.weight.decimals)
    return Check(status="fail", severity="warning" if tree.lost_grid else "error", expected=expected, difference=diff,
                 numbers=numbers, evidence=evidence,
                 message=(f"{where} {_name(node)}分值 {node.weight.raw} 与下级分值之和不符：{arithmetic} = {expected}，"
                          f"相差 {diff} 分。" + (LOST if tree.lost_grid else "")), **common)


def _total_check(tree: WeightTree, total: Total) -> Optional[Check]:
    where = tree.where
    common = dict(rule=RULE, concept="weight_total", reported=total.figure.raw, unit="分",
                  identity=(tree.table, "total", total.location.row))
    evidence = [Evidence(total.quote, total.location)] + [Evidence(p.quote, p.location) for p in total.parts]
    values = [_value(p) for p in total.parts]
    if not total.complete or any(v is None for v in values):
        return Check(status="unverifiable", severity="info", numbers=[total.figure.raw], evidence=evidence[:1],
                     message=f"{where} 合计分值 {total.figure.raw}：表中各部分未全部列出分值，无法核对。", **common)
    acc = sum(values, Decimal(0))
    arithmetic = " + ".join(f"{p.name} {_shown(p)}" for p in total.parts)
    expected = render(acc, total.figure.decimals)
    numbers = [total.figure.raw] + [_shown(p) for p in total.parts]
    if acc == total.figure.value:
        return Check(status="pass", severity="info", expected=expected, difference="0", numbers=numbers,
                     evidence=evidence, message=f"{where} 合计分值 {total.figure.raw} = {arithmetic}，相符。", **common)
    if tree.partial:
        return Check(status="unverifiable", severity="info", numbers=numbers, evidence=evidence,
                     message=(f"{where} 合计分值 {total.figure.raw} 与读出的各部分分值之和 {arithmetic} = {expected} 不等；"
                              f"名称中未写分值的指标无法读出，无法据此判断。"), **common)
    diff = render(total.figure.value - acc, total.figure.decimals)
    return Check(status="fail", severity="warning" if tree.lost_grid else "error", expected=expected, difference=diff,
                 numbers=numbers, evidence=evidence,
                 message=(f"{where} 合计分值 {total.figure.raw} 与各部分分值之和不符：{arithmetic} = {expected}，"
                          f"相差 {diff} 分。" + (LOST if tree.lost_grid else "")), **common)


def _stream_scores(st: StreamTable) -> list[Check]:
    """score.weight on a scoring table copied one cell per line: each 得分 ≤ its 分值 unless its 评分标准 grants bonus
    points; at most a warning."""
    bonus = patterns.load("weight_trees")["stream"]["bonus"]
    where = st.where
    out, name = [], ""
    for row in st.rows:
        name = compact(row.labels[-1].text) if row.labels else name
        if row.score is None:
            continue
        (w, wc), (s, sc) = row.weight, row.score
        common = dict(rule="score.weight", concept=None, reported=s.raw, expected=w.raw, unit="分",
                      numbers=[s.raw, w.raw], identity=("stream", sc.location),
                      evidence=[Evidence(f"{name} | {s.raw}", sc.location), Evidence(f"{name} | 分值 {w.raw}", wc.location),
                                Evidence(compact(row.rule.text)[:80], row.rule.location)])
        if s.value <= w.value:
            out.append(Check(status="pass", severity="info", difference="0",
                             message=f"{where} {name}：得分 {s.raw} 分未超过分值 {w.raw} 分。", **common))
        elif regex.search(bonus, compact(row.rule.text)):
            out.append(Check(status="unverifiable", severity="info",
                             message=f"{where} {name}：得分 {s.raw} 分高于分值 {w.raw} 分，其评分标准另有加分，无法据分值判断。",
                             **common))
        else:
            diff = render(s.value - w.value, s.decimals)
            out.append(Check(status="fail", severity="warning", difference=diff,
                             message=f"{where} {name}：得分 {s.raw} 分超过其分值 {w.raw} 分，超出 {diff} 分。{LOST}", **common))
    return out


def _leaves(node: Node) -> list[Node]:
    return [node] if not node.children else [leaf for c in node.children for leaf in _leaves(c)]


def _leaf_score_check(tree: WeightTree, node: Node) -> Check:
    """score.weight: a deepest indicator's 得分 against its 分值, unless its row grants bonus points."""
    s, at, quote = node.score
    w = node.weight
    common = dict(rule="score.weight", concept=None, reported=s.raw, expected=w.raw, unit="分", numbers=[s.raw, w.raw],
                  identity=(tree.table, "score", at.row, at.col),
                  evidence=[Evidence(f"{node.name} | {quote}", at), Evidence(node.quote, node.location)])
    if s.value <= w.value:
        return Check(status="pass", severity="info", difference="0",
                     message=f"{tree.where} {node.name}：得分 {s.raw} 分未超过分值 {w.raw} 分。", **common)
    if node.bonus:
        return Check(status="unverifiable", severity="info",
                     message=f"{tree.where} {node.name}：得分 {s.raw} 分高于分值 {w.raw} 分，该行另有加分，无法据分值判断。",
                     **common)
    diff = render(s.value - w.value, s.decimals)
    return Check(status="fail", severity="warning" if tree.lost_grid else "error", difference=diff,
                 message=f"{tree.where} {node.name}：得分 {s.raw} 分超过其分值 {w.raw} 分，超出 {diff} 分。"
                         + (LOST if tree.lost_grid else ""), **common)


def _score_total_check(tree: WeightTree, total: Total) -> Optional[Check]:
    """score.total: the total row's 得分 against the sum of every deepest indicator's 得分 under it."""
    s, at, quote = total.score
    leaves = [leaf for p in total.parts for leaf in _leaves(p)]
    common = dict(rule="score.total", concept="evaluation_score", reported=s.raw, unit="分",
                  identity=(tree.table, "score_total", at.row))
    if not total.complete or not leaves or any(leaf.score is None for leaf in leaves) \
            or any(n.broken or not n.complete for p in total.parts for n in [p] + _descendants(p)):
        return Check(status="unverifiable", severity="info", numbers=[s.raw], evidence=[Evidence(quote, at)],
                     message=f"{tree.where} 总得分 {s.raw}：表中各项得分未能全部读出，无法核对其和。", **common)
    acc = sum((leaf.score[0].value for leaf in leaves), Decimal(0))
    expected = render(acc, s.decimals)
    numbers = [s.raw] + [leaf.score[0].raw for leaf in leaves]
    evidence = [Evidence(quote, at)] + [Evidence(f"{leaf.name} | {leaf.score[2]}", leaf.score[1]) for leaf in leaves]
    arithmetic = " + ".join(leaf.score[0].raw for leaf in leaves)
    if acc == s.value:
        return Check(status="pass", severity="info", expected=expected, difference="0", numbers=numbers,
                     evidence=evidence, message=f"{tree.where} 总得分 {s.raw} = {arithmetic}，相符。", **common)
    diff = render(s.value - acc, s.decimals)
    return Check(status="fail", severity="warning" if tree.lost_grid else "error", expected=expected, difference=diff,
                 numbers=numbers, evidence=evidence,
                 message=(f"{tree.where} 总得分 {s.raw} 与各项得分之和不符：{arithmetic} = {expected}，相差 {diff} 分。"
                          + (LOST if tree.lost_grid else "")), **common)


def _descendants(node: Node) -> list[Node]:
    return [d for c in node.children for d in [c] + _descendants(c)]


def check(facts: Facts) -> list[Check]:
    out = _stream_scores(facts.stream_table) if facts.stream_table is not None else []
    scored_elsewhere = {pt.table for pt in facts.project_tables if pt.table is not None}
    for tree in facts.weight_trees:
        if tree.table not in scored_elsewhere and not tree.name:
            out += [_leaf_score_check(tree, n) for n in tree.nodes
                    if n.score is not None and n.weight is not None and not n.children]
            out += [made for total in tree.totals if total.score is not None
                    and (made := _score_total_check(tree, total)) is not None]
    for tree in facts.weight_trees:
        for node in tree.nodes:
            if node.weight is not None and (node.children or node.level == 0):
                out.append(_node_check(tree, node))
        for total in tree.totals:
            made = _total_check(tree, total)
            if made is not None:
                out.append(made)
    return out
