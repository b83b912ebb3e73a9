"""sum.count — a count stated after the names it counts (决策、过程、产出、效益4个一级指标), or before them up to the end
of the clause (设9个内设机构，分别为：办公室、…、项目服务股。).

Fails:  河东区、平邑县、高新区、经开区、兰山区4个区 (five names, four stated: warning)
Passes: 评价设置决策、过程、产出、效益4个一级指标 (four names, 4)
With 等 the names may be examples (新政、三元、双胜等24个道班): fewer names than the count is no claim. A mismatch is a
finding only when every name is a short run of Han characters; a list with brackets or joiners (A、B和C) that does
not match, or whose first name may have begun before the match (no clause break before it), is unverifiable. 、
inside brackets does not separate names. The pattern is patterns/claims.yaml (list_count).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import Facts
from scoring.model import Check, Evidence

RULE = "sum.count"


@lru_cache(maxsize=1)
def _spec() -> dict:
    d = patterns.load("claims")["list_count"]
    return {"pattern": regex.compile(d["items"] + d["count"], flags=regex.REVERSE), "count": regex.compile(d["count"]),
            "count_first": regex.compile(d["count_first"]), "names_end": regex.compile(d["names_end"]),
            "window": d["window"], "joiners": regex.compile(d["joiners"]),
            "clean": regex.compile(d["clean_item"]), "numerals": d["numerals"],
            "clause_breaks": d["clause_breaks"]}


def count_value(text: str) -> Optional[int]:
    """An Arabic or Chinese count up to 99 (4, 十二, 二十六); None for anything else."""
    if text.isdigit():
        return int(text)
    digits = _spec()["numerals"]
    if "十" not in text:
        return digits.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if (tens and tens not in digits) or (ones and ones not in digits) or text.count("十") > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


OPEN, CLOSE = "（(“", "）)”"


def _names(items: str) -> Optional[list[str]]:
    """The names split at 、 outside brackets; None when the count sits inside a bracket the list opened
    (…、规划事务中心（以上3家为所属事业单位）) or the match began inside one."""
    out, depth, current = [], 0, ""
    for ch in items:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
            if depth < 0:
                return None
        if ch == "、" and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    return None if depth else out + [current]


def _check(m, count: int, quote: str, location, text: str, cut: bool = False) -> Optional[Check]:
    """A count after its names; cut: the paragraph goes on from one that ends mid-sentence (a line cut at a fixed
    width), so a list that opens the paragraph may have lost the start of its first name."""
    spec = _spec()
    names = _names(m.group("items"))
    if names is None or len(names) < 3:
        return None
    listed = len(names)
    joined = bool(spec["joiners"].search(names[-1]))
    examples = m.group("etc") == "等"
    stated = m.group("count")
    noun = m.group("classifier")
    fields = dict(rule=RULE, reported=stated, numbers=[stated], evidence=[Evidence(quote=quote, location=location)],
                  identity=(location, m.start()))
    if listed == count or (joined and listed + 1 == count):
        return Check.judged("pass", message=f"其前以顿号列举 {count} 项，与所称“{stated}{noun}”一致。",
                            expected=str(count), **fields)
    if examples and listed < count:
        return None
    opens_clause = (m.start() == 0 and not cut) or (m.start() > 0 and text[m.start() - 1] in spec["clause_breaks"])
    if not opens_clause or joined or not all(spec["clean"].match(n) for n in names[1:]):
        return Check(status="unverifiable", severity="info",
                     message=f"所称“{stated}{noun}”，其前以顿号计为 {listed} 项，但列举的起点或其中的名称不能确定，无法核实项数。",
                     **fields)
    return Check.judged("warning", message=f"所称“{stated}{noun}”，但其前以顿号列举了 {listed} 项，项数不符。",
                        expected=str(listed), difference=str(count - listed), **fields)


def _check_after(m, names: Optional[list[str]], quote: str, location) -> Optional[Check]:
    """A count before the names it counts (设9个内设机构，分别为：办公室、…): as _check, the names read to the end of
    the clause."""
    spec = _spec()
    count = count_value(m.group("count"))
    if names is None or len(names) < 3 or count is None:
        return None
    listed = len(names)
    joined = bool(spec["joiners"].search(names[-1]))
    stated, noun = m.group("count"), m.group("classifier")
    fields = dict(rule=RULE, reported=stated, numbers=[stated], evidence=[Evidence(quote=quote, location=location)],
                  identity=(location, m.start()))
    if listed == count or (joined and listed + 1 == count):
        return Check.judged("pass", message=f"其后以顿号列举 {count} 项，与所称“{stated}{noun}”一致。",
                            expected=str(count), **fields)
    if any("等" in n for n in names):
        return None
    if joined or not all(spec["clean"].match(n) for n in names):
        return Check(status="unverifiable", severity="info",
                     message=f"所称“{stated}{noun}”，其后以顿号计为 {listed} 项，但其中的名称不能确定，无法核实项数。", **fields)
    return Check.judged("warning", message=f"所称“{stated}{noun}”，但其后以顿号列举了 {listed} 项，项数不符。",
                        expected=str(listed), difference=str(count - listed), **fields)


def _counts_first(text: str, spec: dict):
    """Counts followed by the names they count, with the names: up to the end of the clause."""
    for m in spec["count_first"].finditer(text):
        end = spec["names_end"].search(text, m.end())
        items = text[m.end():end.start() if end else len(text)]
        if "、" in items:
            yield m, items


def _lists(text: str, spec: dict):
    """Names followed by their count, left to right: each count's window is searched backwards from it for the
    longest list of names that ends with it."""
    done = 0
    for c in spec["count"].finditer(text):
        lo = max(done, c.start() - spec["window"])
        if "、" not in text[lo:c.start()]:
            continue
        m = spec["pattern"].search(text, lo, c.end())
        if m is not None and m.end() == c.end():
            done = m.end()
            yield m


def check(facts: Facts) -> list[Check]:
    spec = _spec()
    out = []
    for k, pf in enumerate(facts.paragraphs):
        text = pf.norm.text
        if "、" not in text:
            continue
        cut = k > 0 and not facts.paragraphs[k - 1].closed
        for m in _lists(text, spec):
            count = count_value(m.group("count"))
            if count is None or count < 2:
                continue
            start, end = pf.norm.span_to_original(m.start(), m.end())
            quote = " ".join(pf.norm.original[start:end].split())[-80:]
            found = _check(m, count, quote, pf.paragraph.location(), text, cut)
            if found is not None:
                out.append(found)
        for m, items in _counts_first(text, spec):
            start, end = pf.norm.span_to_original(m.start(), m.end() + len(items))
            quote = " ".join(pf.norm.original[start:end].split())[:80]
            found = _check_after(m, _names(items), quote, pf.paragraph.location())
            if found is not None:
                out.append(found)
    return out
