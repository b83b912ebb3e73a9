"""text.claim_vs_numbers — what running text claims of its figures: shares, budget completion, comparison words.

Fails:  住房保障支出（类）29.42万元，占9.55% in a list opened by 一般公共预算财政拨款支出307.82万元，主要用于以下方面：
        (29.42 ÷ 307.82 = 9.56%: a warning); 年初预算为452.40万元，支出决算为446.11万元。决算数大于预算数 (an error).
        公务接待费支出5.21万元，与2021年度预算相比减少0.1万元 under 公务接待费 | 14.9 | 5.21, cells one a line (9.69: a
        warning).
Passes: 基本支出5377.64万元，占55.10% after 本年支出合计9759.38万元，其中：; 年初预算为28.11万元，支出决算为28.11万元，
        完成年初预算的100.00%。决算数同预算数持平; 公务接待费支出16.3万元，与2020年度预算相比，增加1.5万元 under
        公务接待费 | 14.8 | 16.3.
A share whose whole is named (占本年支出合计的99.86%) takes that figure from the text before it or from a table row of that
name; a list opened by its whole's name (2023年“三公”经费财政拨款支出决算中，因公出国（境）费…占0%；…) takes the amount so named before, else
the sum of its parts when they are every member of a complete breakdown; a whole found in an earlier paragraph whose
scope (全省, 全市 …) is not the part's is unverifiable. An amount compared in words with its budget
(与2021年度预算相比增加/减少…万元, …无增减, …无变化) is held to the 预算数 of its row in a “三公” table of 预算数 and 决算数 (at most a warning
when its cells stand one a line); an item's 完成预算的…% after its own 决算 with no budget beside it, to the item's 预算数 in
the “三公” table. Where the whole, the budget or the actual cannot be found, the claim is unverifiable. The cue words
are patterns/claims.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import YEAR, Facts, ParagraphFacts, TextFact, stage_of
from extractor.normalize import compact
from scoring.model import Check
from scoring.rounding import Interval, compare, exact, interval, render
from scoring.rules.common import (Source, areas_before, clause_start, clause_words, complete_list, evidence, flow_of,
                                  is_change, lost_grid, paren_groups, ratio_check, restated_name, same_check, shown,
                                  total_interval, unverifiable)
from scoring.rules.repeat import CELLS, label_names, name_core, row_names
from scoring.rules.statement import locate, of_kind, three_public_columns, three_public_item

RULE = "text.claim_vs_numbers"
PREVIOUS_PARAGRAPHS = 2
CLOSED_GROUP = regex.compile(r"（[^（）]*）|\([^()]*\)")
JOINED = ("和", "及", "与", "、")
LIST_JOIN = regex.compile(r"\s*[、和及与]\s*")


@lru_cache(maxsize=1)
def _spec() -> dict:
    d = patterns.load("claims")
    return {"share": regex.compile(d["share"]["cue"]), "openers": d["share"]["openers"],
            "opener_wholes": set(d["share"]["whole_is_opener"]),
            "name_tail": regex.compile(d["share"]["name_tail"]), "look_back": d["share"]["look_back"],
            "sub_scopes": d["share"]["sub_scopes"], "part_name": regex.compile(d["share"]["part_name"]),
            "other_periods": d["share"]["other_periods"],
            "topic": regex.compile(d["share"]["topic"]), "year": regex.compile(d["share"]["year"]),
            "stage_suffix": regex.compile(d["share"]["stage_suffix"]), "min_bare": d["share"]["min_bare"],
            "share_after": regex.compile(d["share"]["share_after"]),
            "comparison_base": regex.compile(d["share"]["comparison_base"]),
            "joint": regex.compile(d["share"]["joint"]), "counts": d["share"]["counts"],
            "part_lead": regex.compile(d["share"]["part_lead"]),
            "whole_synonyms": [tuple(pair) for pair in d["share"]["whole_synonyms"]],
            "completion": regex.compile(d["completion"]["cue"]),
            "budget": regex.compile(d["completion"]["budget"]), "actual": regex.compile(d["completion"]["actual"]),
            "not_budget": regex.compile(d["completion"]["not_budget"]), "list_words": d["completion"]["list_words"],
            "item_word": d["completion"]["item_word"], "claim_years": regex.compile(d["completion"]["claim_years"]),
            "comparison": regex.compile(d["comparison"]["pattern"]), "words": d["comparison"],
            "or_equal": regex.compile(d["comparison"]["or_equal"]),
            "amounts": [(regex.compile(a["subject"]), regex.compile(a["unless"]) if a.get("unless") else None,
                         a["table"]) for a in d["amounts"]],
            "class_subject": regex.compile(d["class_subject"]), "item_path": regex.compile(d["item_path"]),
            "item_restated": regex.compile(d["item_restated"]), "item_table": d["item_table"],
            "budget_change": regex.compile(d["budget_change"]["cue"]),
            "item_actual": regex.compile(d["completion"]["item_actual"]),
            "budget_generic": regex.compile(d["completion"]["budget_generic"]),
            "adjusted": regex.compile(d["completion"]["adjusted"])}


def _amounts(pf: ParagraphFacts, end: int) -> list[TextFact]:
    return [f for f in pf.facts if f.figure.kind == "amount" and f.figure.end <= end and not f.figure.approximate]


SHARE_AFTER = regex.compile(r"^\s*[，,]?\s*(?:约)?占")


def _opener(pf: ParagraphFacts, part: TextFact, openers: list[str]) -> Optional[TextFact]:
    """The total whose list the part belongs to: the nearest amount before it, not a change (净额减少414.56万元) nor
    what another is compared with (比2023年的40,616,051.67万元), with a list cue between them not inside brackets
    closed before the part (…4404.78亿元（包括一般性转移支付…）；上解中央支出598.75亿元); None when that amount is itself
    a part with its share (…项目支出400万元，占总支出的7.18%。按支出功能分类：教育…): which total the next list is of is
    not said."""
    text = pf.norm.text
    base = _spec()["comparison_base"]
    for f in reversed(_amounts(pf, part.figure.start)):
        if f is part or is_change(f.label) or base.search(f.label):
            continue
        between = CLOSED_GROUP.sub("", text[f.figure.end:part.figure.start])
        if any(w in between for w in openers):
            return None if SHARE_AFTER.match(between) else f
    return None


def _opener_named(facts: Facts, index: int, part: TextFact) -> tuple[Optional[Source], str]:
    """A list opened by a name with no amount (一般公共预算财政拨款支出主要用于：…): the whole is the figure of that
    name, from the text before or from the table row the name restates."""
    spec = _spec()
    pf = facts.paragraphs[index]
    text = pf.norm.text
    start = pf.sentence_spans[part.sentence][0]
    head = text[start:part.figure.start]
    cue = max((head.rfind(w) for w in spec["openers"] if w in head), default=-1)
    if cue < 0:
        return None, "所在列表的合计"
    before = head[:cue]
    cut = clause_start(before)
    name = spec["name_tail"].sub("", compact(before[cut:]))
    if not name or any(f.figure.start < start + cue and f.sentence == part.sentence for f in _amounts(pf, part.figure.start)):
        return None, "所在列表的合计"
    whole = _named(facts, index, name, part, spec["look_back"])
    if whole is None:
        for pattern, unless, (kind, row_re, col_re) in spec["amounts"]:
            if pattern.search(name):
                found = _cell_of(facts, kind, row_re, col_re)
                whole = found[3] if found else None
                break
    return whole, name


def _named_before(facts: Facts, index: int, end: int, name: str, look_back: int,
                  drop: Optional[regex.Pattern] = None) -> Optional[TextFact]:
    """The nearest amount before position end of paragraph index (then in the look_back paragraphs before) that the
    words right before it name so (see _named_so), and that is not itself the part of a share of that name: in
    …减少1572.07万元，主要是节能环保支出减少1237.52万元，占减少的78.72%，农林水支出减少390.36万元，占减少的24.83%, the
    second share is of 1572.07, not of its sibling 1237.52."""
    here = facts.paragraphs[index]
    own = compact(here.norm.text[clause_start(here.norm.text[:end]):end])
    for k in range(index, max(-1, index - look_back), -1):
        pf = facts.paragraphs[k]
        for f in reversed(_amounts(pf, end if k == index else len(pf.norm.text))):
            if _named_so(pf, f, name, drop) and not _share_of(pf, f, name) \
                    and _sub_scope(pf, f, name) in (None, *[w for w in _spec()["sub_scopes"] + _spec()["other_periods"]
                                                          if w in own]):
                return f
    return None


def _not_a_part(part: TextFact, whole: str) -> bool:
    """Whether the amount before a share's cue is no part of it: a change (比上年增加10万元) or the year before's
    (上年税收收入90万元) when the whole named is neither a change (占减少的) nor the year before's."""
    if is_change(part.label):
        return not is_change(whole)
    prior = patterns.compiled(patterns.load("concepts")["prior_period_label"])
    return bool(prior.search(part.label)) and not prior.search(whole)


def _named_part(facts: Facts, index: int, cue_at: int, spec: dict) -> Optional[TextFact]:
    """The part of a share clause that names it with no amount of its own (…非税收入33520万元，…；税收收入占地方一般
    公共预算收入的比重为71.1%), the whole named too (not 非税收入占比为45.30%, a share of a list's total): the nearest
    amount before the clause named so, in the paragraph or the look_back before; None when the clause holds an amount,
    its words name nothing found, or the amount so named is a change, a figure compared with or the year before's
    (比上年税收收入90万元增加10万元)."""
    pf = facts.paragraphs[index]
    text = pf.norm.text
    start = clause_start(text[:cue_at])
    if any(start <= f.figure.start < cue_at for f in pf.facts):
        return None
    name = spec["year"].sub("", compact(text[start:cue_at]))
    if not spec["part_name"].fullmatch(name):
        return None
    found = _named_before(facts, index, start, name, spec["look_back"], spec["year"])
    compared = patterns.load("formulas")["growth"]["compared_words"]
    if found is None or any(w in found.label for w in compared) or _not_a_part(found, ""):
        return None
    return found


def _sub_scope(pf: ParagraphFacts, f: TextFact, name: str) -> Optional[str]:
    """The narrower scope or the other period an amount's name is given (旗級一般公共預算收入累計完成277034萬元, 盟本级…,
    上年一般公共预算收入120万元): such a figure is no whole or part of a share unless the share's clause names it too."""
    start = pf.sentence_spans[f.sentence][0]
    before = _spec()["name_tail"].sub("", compact(pf.norm.text[start:f.figure.start]))
    head = before[:-len(name)] if before.endswith(name) else before
    return next((w for w in _spec()["sub_scopes"] + _spec()["other_periods"] if head.endswith(w)), None)


def _share_of(pf: ParagraphFacts, f: TextFact, name: str) -> bool:
    """Whether a share of the named whole follows the amount right away (…390.36万元，占减少的24.83%)."""
    after = compact(pf.norm.text[f.figure.end:f.figure.end + len(name) + 8])
    return bool(regex.match(r"^\p{Han}{0,2}[，,]?占" + regex.escape(name), after))


def _named(facts: Facts, index: int, name: str, part: TextFact, look_back: int) -> Optional[Source]:
    """The figure the text names as the whole: the nearest earlier amount labelled so, else a table row, else the
    nearest earlier amount labelled so without the name's stage (项目支出预算 → 项目支出), else by the name's other
    wording (公共财政支出 → 一般公共预算支出: share.whole_synonyms)."""
    found = _named_before(facts, index, part.figure.start, name, look_back)
    if found is not None:
        return found
    for stmt in facts.statements:
        for lst in stmt.lists:
            for row in lst.rows:
                if not row.is_coded and row.label == name and lst.columns and lst.columns[0] in row.cells:
                    return row.cells[lst.columns[0]]
    spec = _spec()
    bare = spec["stage_suffix"].sub("", name)
    if bare != name and len(bare) >= spec["min_bare"]:
        found = _named_before(facts, index, part.figure.start, bare, look_back, spec["stage_suffix"])
        if found is not None:
            return found
    for old, new in spec["whole_synonyms"]:
        if old in name:
            found = _named_before(facts, index, part.figure.start, name.replace(old, new), look_back)
            if found is not None:
                return found
    return None


def _areas(facts: Facts, f: TextFact) -> frozenset[str]:
    """The area words of a figure's paragraph up to it (areas_before)."""
    pf = next(p for p in facts.paragraphs if p.block == f.block)
    return areas_before(pf.norm.text, f.figure.start)


def _named_so(pf: ParagraphFacts, f: TextFact, name: str, drop: Optional[regex.Pattern] = None) -> bool:
    """Whether the words right before an amount name it (本年支出合计9759.38万元, …合计为9759.38万元), alone: 税收返还和
    转移支付4404.78亿元 names the two together, not 转移支付; or its sentence's subject and its own stage do (某单位
    “三公”经费支出预算为3万元，支出决算为1.71万元 names 1.71 某单位“三公”经费支出决算); drop: words left out of both
    sides (years)."""
    start = pf.sentence_spans[f.sentence][0]
    before = _spec()["name_tail"].sub("", compact(pf.norm.text[start:f.figure.start]))
    return _ends_in_name(before, name, drop) or _ends_in_name(restated_name(pf, f), name, drop)


def _ends_in_name(words: Optional[str], name: str, drop: Optional[regex.Pattern]) -> bool:
    """Whether words (drop's matches left out) end in name alone, not joined to another name before it."""
    if words is None:
        return False
    if drop is not None:
        words = drop.sub("", words)
    return words.endswith(name) and not words[:-len(name)].endswith(JOINED)


def _tax_share(pf: ParagraphFacts, rate: TextFact) -> Optional[Check]:
    """A tax or non-tax share said in the jargon (非税收入占比为45.30%, 非税占比35.3%, 地方一般公共预算收入税占比85.12%)
    against the last 税收收入 and 非税收入 amounts printed before it in its paragraph: part ÷ (tax + non-tax); None when
    the clause is not so worded or either amount is missing."""
    spec = patterns.load("claims")["tax_share"]
    text = pf.norm.text
    clause = compact(text[clause_start(text[:rate.figure.start]):rate.figure.start])
    m = patterns.compiled(spec["cue"]).match(clause)
    if m is None:
        return None
    found = {}
    for key in ("tax", "nontax"):
        pattern = patterns.compiled(spec[key])
        named = [f for f in _amounts(pf, rate.figure.start) if not is_change(f.label) and pattern.search(compact(f.label))]
        if not named:
            return None
        found[key] = named[-1]
    tax, nontax = found["tax"], found["nontax"]
    part = nontax if m.group("what") == "非税" else tax
    return ratio_check(RULE, rate, interval(part.figure) / (interval(tax.figure) + interval(nontax.figure)),
                       [part, tax if part is nontax else nontax], None,
                       f"{shown(part.figure)} ÷ ({shown(tax.figure)} + {shown(nontax.figure)})（税收收入与非税收入之和）")


def _share(facts: Facts, index: int, rate: TextFact, carried: dict) -> Optional[Check]:
    """A share's check; carried holds the last list total found per paragraph, for a list that a page or line
    break cut into the next paragraph (…；住房保 | （类）29.42万元，占9.55%)."""
    spec = _spec()
    pf = facts.paragraphs[index]
    text = pf.norm.text
    start = pf.sentence_spans[rate.sentence][0]
    tax = _tax_share(pf, rate)
    if tax is not None:
        return tax
    rates = _run(pf, rate, "rate")
    m = spec["share"].search(text[start:rates[0].figure.start])
    if not m:
        return None
    cue_at = start + m.start()
    group_at, _ = paren_groups(text)
    parts = [f for f in _amounts(pf, cue_at) if f.sentence == rate.sentence
             and group_at[f.figure.start] == group_at[cue_at]]
    named_part = _named_part(facts, index, cue_at, spec) if len(rates) == 1 \
        and compact(m.group("whole")).removesuffix("的") not in spec["opener_wholes"] else None
    if not parts and named_part is None:
        return unverifiable(RULE, rate, f"占 {rate.figure.raw}：未找到所占的金额，无法复算。") if rate is rates[0] else None
    if named_part is not None:
        part = named_part
    elif len(rates) > 1:
        amounts = _run(pf, parts[-1], "amount")
        if len(amounts) != len(rates):
            return None
        part = amounts[rates.index(rate)]
    else:
        part = parts[-1]
        if any(f.figure.kind == "rate" and part.figure.end <= f.figure.start < rate.figure.start
               and not _growth_of(f) for f in pf.facts):
            return None
        if _not_a_part(part, compact(m.group("whole"))):
            return None
        subject = _clause_subject(text, cue_at, part)
        if subject is not None:
            return unverifiable(RULE, rate, f"{subject}占 {rate.figure.raw}：所占之数“{subject}”不是其前的"
                                            f"“{part.label}” {shown(part.figure)}，未找到其金额，无法复算。", None, [part])
    joint = spec["joint"].search(compact(text[part.figure.end:cue_at])) if len(rates) == 1 and named_part is None \
        else None
    members = _joint_members(pf, parts, joint, spec) if joint else [part]
    if not members:
        return unverifiable(RULE, rate, f"占 {rate.figure.raw}：所占为前列几项之和，未能确定是哪几项，无法复算。", None,
                            [part])
    name = compact(m.group("whole")).removesuffix("的")
    if name in spec["opener_wholes"]:
        whole = _opener(pf, part, spec["openers"])
        what = "所在列表的合计"
        if whole is None:
            whole, what = _opener_named(facts, index, part)
        if whole is None and rate.sentence == 0 and index > 0 and not facts.paragraphs[index - 1].closed:
            whole, what = carried.get(index - 1, (None, what))
        if whole is not None:
            carried[index] = (whole, what)
        else:
            topic = _topic_share(facts, index, part, rate) or _hundred_share(pf, part, rate, spec)
            if topic is not None:
                return topic
    else:
        whole = _named(facts, index, name, part, spec["look_back"])
        what = name
        if isinstance(whole, TextFact) and whole.block != part.block:
            there, here = _areas(facts, whole), _areas(facts, part)
            named = areas_before(name, len(name))
            said = areas_before(text[start:part.figure.start], part.figure.start - start)
            if there != here and not (named and named == there) and not (said and said == there):
                return unverifiable(RULE, rate, f"{part.label or ''}占{what} {rate.figure.raw}：前文的{what} "
                                                f"{shown(whole.figure)} 所述范围（{'、'.join(sorted(there)) or '未注明'}）"
                                                f"与本段（{'、'.join(sorted(here)) or '未注明'}）不同，无法复算。",
                                    None, [part, whole])
    if whole is None:
        return unverifiable(RULE, rate, f"{part.label or ''}占{what} {rate.figure.raw}：未找到{what}的金额，无法复算。",
                            None, [part])
    if whole.figure.value == 0:
        return unverifiable(RULE, rate, f"占 {rate.figure.raw}：{what} {shown(whole.figure)} 为零，无法复算。", None,
                            [part, whole])
    basis = (patterns.compiled(patterns.load("formulas")["growth"]["other_basis"]).search(whole.label or "")
             if isinstance(whole, TextFact) else None)
    if basis is not None:
        return unverifiable(RULE, rate, f"占 {rate.figure.raw}：{what} {shown(whole.figure)} 按另一口径（{basis.group()}…）"
                                        f"计列，所占比例未必以其为基数，无法复算。", None, [part, whole])
    if len(members) > 1:
        computed = total_interval([f.figure for f in members]) / interval(whole.figure)
        return ratio_check(RULE, rate, computed, members + [whole], None,
                           f"({' + '.join(shown(f.figure) for f in members)}) ÷ {shown(whole.figure)}（{what}）")
    computed = interval(part.figure) / interval(whole.figure)
    check = ratio_check(RULE, rate, computed, [part, whole], None, f"{shown(part.figure)} ÷ {shown(whole.figure)}（{what}）")
    if check.is_finding and isinstance(whole, TextFact):
        _unit_slip(check, rate, part, whole, (what, "所占金额"))
    return check


def _growth_of(rate: TextFact) -> bool:
    """Whether a rate between an amount and its share is the amount's own growth or budget completion (民生支出109.67亿元，
    同比增长19.6%，占…的85.7%; 税收收入完成9,812万元，为年度预算的36.98%，占总数的97.05%), which leaves the amount the
    share's part: its label ends with a growth word (formulas growth.rate_words) or is a completion's (completion.cue)."""
    g = patterns.load("formulas")["growth"]
    return any(rate.label.endswith(w) for w in g["rate_words"]) and not rate.label.startswith(tuple(g["share_starts"])) \
        or _spec()["completion"].search(rate.label) is not None


def _clause_subject(text: str, cue_at: int, part: TextFact) -> Optional[str]:
    """The words a share's clause opens with when they name something else than the amount before it (…非税收入5374万元，
    地方一般公共预算收入税占比85.12%: the share is of 税, not of 非税收入), else None; a clause that opens with 占 or
    with the start of the amount's name, its lead words aside (完成税收收入173.65亿元，税占比85.6%: share.part_lead), or
    that joins amounts before it (两项合计占15%: share.joint) has none."""
    start = clause_start(text[:cue_at])
    if start <= part.figure.start:
        return None
    subject = compact(text[start:cue_at])
    core = _spec()["part_lead"].sub("", compact(part.label))
    if not subject or core.startswith(subject) or subject.startswith(core) and core or _spec()["joint"].search(subject):
        return None
    return subject


def _hundred_share(pf: ParagraphFacts, part: TextFact, rate: TextFact, spec: dict) -> Optional[Check]:
    """A share with no whole named, in a sentence listing amounts each followed by such a share (一般公共服务支出656.32
    万元，占82.01%；社会保障和就业支出69.32万元，占8.66%；…): when the shares add up to 100% at printed precision, the
    list is the whole breakdown and the whole is the sum of its amounts; None otherwise."""
    text = pf.norm.text
    pairs = []
    figures = [f for f in pf.facts if f.sentence == rate.sentence]
    for k, f in enumerate(figures):
        if f.figure.kind != "rate" or k == 0:
            continue
        amount = figures[k - 1]
        m = spec["share"].search(text[amount.figure.end:f.figure.start])
        if amount.figure.kind != "amount" or amount.figure.approximate or is_change(amount.label) or m is None \
                or compact(m.group("whole")).removesuffix("的") not in spec["opener_wholes"]:
            continue
        pairs.append((amount, f))
    if len(pairs) < 2 or not any(a is part and r is rate for a, r in pairs):
        return None
    shares = total_interval([r.figure for _, r in pairs])
    if not shares.lo <= 100 <= shares.hi:
        return None
    amounts = [a for a, _ in pairs]
    whole = total_interval([a.figure for a in amounts])
    if whole.hi <= 0:
        return None
    listed = " + ".join(shown(a.figure) for a in amounts)
    return ratio_check(RULE, rate, interval(part.figure) / whole, [part] + [a for a in amounts if a is not part], None,
                       f"{shown(part.figure)} ÷ ({listed})（所列各项占比合计为100%，合计即各项之和）")


def _joint_members(pf: ParagraphFacts, parts: list[TextFact], joint: regex.Match, spec: dict) -> list[TextFact]:
    """The amounts a share of several together is of: those since the sentence's previous rate or list cue, when they
    are as many as the words say (两项合计占), or at least two when no count is said; [] otherwise."""
    last = parts[-1]
    text = pf.norm.text
    start = pf.sentence_spans[last.sentence][0]
    cue = max((text.rfind(w, start, last.figure.start) for w in spec["openers"]), default=-1)
    after = max([f.figure.end for f in pf.facts if f.sentence == last.sentence and f.figure.kind == "rate"
                 and f.figure.end <= last.figure.start] + [cue])
    members = [f for f in parts if f.figure.start > after]
    count = spec["counts"].get(joint.group("count")) if joint.group("count") else None
    if (count is not None and len(members) != count) or len(members) < 2:
        return []
    return members


def _run(pf: ParagraphFacts, fact: TextFact, kind: str) -> list[TextFact]:
    """The figures of one kind listed together with fact, joined only by 、/和/及/与 (分别为0.72亿元、0.02亿元和0.59
    亿元; 占…的54.54%、1.51%和44.69%), in order: two such runs pair off one by one."""
    text = pf.norm.text
    same = [f for f in pf.facts if f.sentence == fact.sentence and f.figure.kind == kind]
    k = next(i for i, f in enumerate(same) if f is fact)
    first, last = k, k
    while first > 0 and LIST_JOIN.fullmatch(text, same[first - 1].figure.end, same[first].figure.start):
        first -= 1
    while last + 1 < len(same) and LIST_JOIN.fullmatch(text, same[last].figure.end, same[last + 1].figure.start):
        last += 1
    return same[first:last + 1]


def _topic_share(facts: Facts, index: int, part: TextFact, rate: TextFact) -> Optional[Check]:
    """A share in a list whose sentence opens with its whole's name (2023年“三公”经费财政拨款支出决算中，因公出国（境）费
    支出决算0万元，占0%；公务用车…1.4万元，占…): the whole is the amount the text gave that name before (years
    aside), else, when the list names every member of a complete breakdown (patterns/concepts.yaml), the sum of its
    parts; None when the sentence is not so opened, unverifiable when neither is found."""
    spec = _spec()
    pf = facts.paragraphs[index]
    text = pf.norm.text
    start = pf.sentence_spans[part.sentence][0]
    m = spec["topic"].match(text, start, part.figure.start)
    if m is None:
        return None
    name = spec["year"].sub("", spec["name_tail"].sub("", compact(m.group("name"))))
    whole = _named_before(facts, index, start, name, spec["look_back"], spec["year"])
    if whole is not None:
        if whole.figure.value == 0:
            return unverifiable(RULE, rate, f"占 {rate.figure.raw}：{name} {shown(whole.figure)} 为零，无法复算。",
                                None, [part, whole])
        return ratio_check(RULE, rate, interval(part.figure) / interval(whole.figure), [part, whole], None,
                           f"{shown(part.figure)} ÷ {shown(whole.figure)}（{name}）")
    parts = [f for f in _amounts(pf, pf.sentence_spans[part.sentence][1]) if f.sentence == part.sentence
             and f.figure.start > m.end() and spec["share_after"].match(text, f.figure.end)]
    if not parts or not complete_list([clause_words(pf, f) for f in parts], name):
        return unverifiable(RULE, rate, f"{part.label or ''}占{name} {rate.figure.raw}：未找到{name}的金额，"
                            f"所列各项也不是其全部组成，无法复算。", None, [part])
    total = total_interval([f.figure for f in parts])
    if total.hi <= 0:
        return unverifiable(RULE, rate, f"占 {rate.figure.raw}：{name}各项之和为零，无法复算。", None, parts)
    return ratio_check(RULE, rate, interval(part.figure) / total, parts if part is parts[0] else
                       [part] + [f for f in parts if f is not part], None,
                       f"{shown(part.figure)} ÷ ({' + '.join(shown(f.figure) for f in parts)})（{name}，各项之和）")


def _whole_before_list(pf: ParagraphFacts, claim: str, spec: dict) -> list[TextFact]:
    """The amounts of an earlier paragraph a claim after it may speak of: those before its first 其中 list when it has
    one and the claim names none of the list's items (…支出决算为34.08万元，完成全年预算50.74万元的67.2%…。其中：…
    公务接待费支出决算为0万元，完成全年预算0万元…; a later “三公”经费支出决算小于预算数 is the whole's), else all of them."""
    cut = _list_start(pf, spec)
    named = _names_list_item(pf, claim, cut, len(pf.norm.text), spec)
    return _amounts(pf, len(pf.norm.text) if named else cut)


def _names_list_item(pf: ParagraphFacts, claim: str, cut: int, end: int, spec: dict) -> bool:
    """Whether a claim names an item of the list between cut and end, by the first item_word characters of its
    label."""
    items = {compact(f.label)[:spec["item_word"]] for f in pf.facts
             if cut < f.figure.start < end and f.figure.kind == "amount"}
    return any(len(w) == spec["item_word"] and w in compact(claim) for w in items)


def _names_one_of(claim: str, amounts: list[TextFact]) -> bool:
    """Whether the words of a claim before its comparison name the subject of one of the amounts, their years and
    generic words dropped (2017年度“三公”经费支出 → 三公, in 2017年度“三公”经费财政拨款支出决算); a claim of generic
    words only (决算数同预算数持平) names none."""
    spec = patterns.load("formulas")["growth"]["spoken_of"]
    generic, year = patterns.compiled(spec["generic"]), _spec()["claim_years"]
    core = generic.sub("", year.sub("", compact(claim)))
    return len(core) >= spec["min_core"] and any(core in generic.sub("", year.sub("", compact(f.label))) for f in amounts)


def _list_start(pf: ParagraphFacts, spec: dict) -> int:
    """Where a paragraph's first 其中 list opens, or its end."""
    text = pf.norm.text
    return min((i for w in spec["list_words"] if (i := text.find(w)) >= 0), default=len(text))


def _budget_and_actual(facts: Facts, index: int, end: int,
                       sentence: Optional[int] = None) -> tuple[Optional[TextFact], Optional[TextFact]]:
    """The nearest budget and actual amounts before a position, never a change (比预算增加0万元 is no budget): in its
    sentence when given and holding amounts, else in its paragraph, else (a paragraph cut at a page end) in the one or
    two before. A pair with 其中 between them and the claim is not the claim's (a 其中 item's 决算 against the whole's
    预算); a claim in a sentence of no amount after the paragraph's 其中 list that names none of its items and names
    the subject of an amount before the list (or, for a list that opens the paragraph, in the paragraph before: a
    PDF's line break before 其中) speaks of those amounts
    (…决算为28.98万元，完成预算21.55万元的134%。其中：…公务接待费支出决算为6.15万元，完成预算6.16万元的99.8%。“三公”
    经费支出决算大于预算数…: the whole's pair, not the last item's)."""
    spec = _spec()
    pf = facts.paragraphs[index]
    found = _amounts(pf, end)
    whole = False
    if sentence is not None and any(f.sentence == sentence for f in found):
        found = [f for f in found if f.sentence == sentence]
    elif sentence is None and (cut := _list_start(pf, spec)) < end and found:
        start = next((a for a, b in pf.sentence_spans if a <= end < b), cut)
        claim = pf.norm.text[start:end]
        before = _amounts(pf, cut)
        if not before and index > 0:
            before = _whole_before_list(facts.paragraphs[index - 1], claim, spec)
        if found[-1].figure.start < start and not _names_list_item(pf, claim, cut, end, spec) \
                and _names_one_of(claim, before):
            found, whole = before, True
    k = index
    while not found and k > 0 and index - k < PREVIOUS_PARAGRAPHS:
        k -= 1
        found = _whole_before_list(facts.paragraphs[k], pf.norm.text[:end], spec)
    budget = actual = None
    for f in reversed(found):
        if is_change(f.label):
            continue
        if actual is None and spec["actual"].search(f.label):
            actual = f
        elif budget is None and spec["budget"].search(f.label) and not spec["not_budget"].search(f.label):
            budget = f
    if budget is None or actual is None:
        return budget, actual
    first = min(budget.figure.start, actual.figure.start)
    source = facts.paragraphs[k].norm.text
    between = source[first:_list_start(facts.paragraphs[k], spec)] + pf.norm.text[:end] if k != index \
        else source[first:end]
    if not whole and any(w in between for w in spec["list_words"]):
        return None, None
    return budget, actual


def _completion(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    spec = _spec()
    pf = facts.paragraphs[index]
    start = pf.sentence_spans[rate.sentence][0]
    if not spec["completion"].search(pf.norm.text[start:rate.figure.start]):
        return None
    budget, actual = _budget_and_actual(facts, index, rate.figure.start, rate.sentence)
    if budget is None or actual is None:
        return _item_completion(facts, index, rate) or _budget_before(facts, index, rate) \
            or _surplus_completion(facts.paragraphs[index], rate) or unverifiable(
            RULE, rate, f"完成预算的 {rate.figure.raw}：未同时找到预算数与决算数，无法复算。")
    if budget.figure.value == 0:
        return unverifiable(RULE, rate, f"完成预算的 {rate.figure.raw}：预算数为零，无法复算。", None, [actual, budget])
    computed = interval(actual.figure) / interval(budget.figure)
    check = ratio_check(RULE, rate, computed, [actual, budget], None,
                        f"{shown(actual.figure)} ÷ {shown(budget.figure)}（决算数 ÷ 预算数）")
    if check.is_finding:
        _unit_slip(check, rate, actual, budget)
    return check


def _surplus_completion(pf: ParagraphFacts, rate: TextFact) -> Optional[Check]:
    """A completion rate followed by what the collection went over or under the budget, the budget not printed
    (…收入累计完成194.57亿元，完成调整预算的101.49%，超收2.85亿元): the budget is the amount completed − 超收 (+ 短收),
    the rate amount ÷ that budget; None when no such amount follows the rate right after it, when the two name
    different budgets (调整 against 年初), or no amount completed stands before the rate in its sentence
    (patterns/claims.yaml completion.surplus)."""
    spec = patterns.load("claims")["completion"]["surplus"]
    text = pf.norm.text
    after = next((f for f in pf.facts if f.figure.start >= rate.figure.end), None)
    if after is None or after.sentence != rate.sentence or after.figure.kind != "amount" or after.figure.approximate:
        return None
    m = patterns.compiled(spec["after_rate"]).match(text[rate.figure.end:after.figure.start])
    if m is None:
        return None
    start = pf.sentence_spans[rate.sentence][0]
    named = [patterns.compiled(spec["which"]).search(words) for words in (text[start:rate.figure.start], m.group())]
    if len({w.group() for w in named if w is not None}) > 1:
        return None
    before = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.end <= rate.figure.start
              and f.figure.kind == "amount" and not is_change(f.label)]
    if not before or before[-1].figure.approximate \
            or patterns.compiled(spec["not_actual"]).search(_spec()["budget_generic"].sub("", before[-1].label)):
        return None
    actual, over = before[-1], m.group("word") in spec["over"]
    a, c = interval(actual.figure), interval(after.figure)
    if over:
        if a.lo - c.hi <= 0:
            return None
        computed = Interval(a.hi / (a.hi - c.lo), a.lo / (a.lo - c.hi), a.mid / (a.mid - c.mid))
        formula = f"{shown(actual.figure)} ÷ ({shown(actual.figure)} − {shown(after.figure)})"
    else:
        computed = Interval(a.lo / (a.lo + c.hi), a.hi / (a.hi + c.lo), a.mid / (a.mid + c.mid))
        formula = f"{shown(actual.figure)} ÷ ({shown(actual.figure)} + {shown(after.figure)})"
    return ratio_check(RULE, rate, computed, [actual, after], None,
                       f"{formula}（完成数 ÷ 预算数，预算数由比预算{m.group('word')}之数推得）")


def _unit_slip(check: Check, rate: TextFact, actual: TextFact, budget: TextFact,
               names: tuple[str, str] = ("预算数", "决算数")) -> None:
    """A rate that its base gives only in the other figure's unit (预算为494,400.00万元，决算为115,749.56元，完成预算的
    23.42%: 494,400.00元 gives 23.41%; 全年预算数2089元：其中…1777万元，占比85.06%): the finding says the base's unit is
    the likely slip and what it gives; names: what the base and the other figure are."""
    if not (actual.figure.unit and budget.figure.unit and actual.figure.scale != budget.figure.scale):
        return
    same = interval(budget.figure).scale(actual.figure.scale / budget.figure.scale)
    if same.mid == 0:
        return
    again = ratio_check(RULE, rate, interval(actual.figure) / same, [actual, budget], None, "")
    if again.status == "pass" or again.severity == "warning":
        precise = render(interval(actual.figure).mid / same.mid * 100, 2, rate=True)
        check.message += (f"若{names[0]}为 {budget.figure.raw}{actual.figure.unit}（与{names[1]}同一单位），则复算为 "
                          f"{precise}{'，与所列相符' if again.status == 'pass' else f'，与所列 {rate.figure.raw} 仍相差一个末位'}："
                          f"{shown(budget.figure)} 的金额单位疑有笔误。")


def _budget_before(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    """完成…预算的…% after the amount completed, whose budget is stated before its sentence (收入预算调整为200.12亿元。
    2022年全区完成一般公共预算收入202.96亿元，完成调整预算数的101.42%; “三公”经费预算为168.53万元，其中：…。“三公”经费
    支出为163.58万元，完成预算的97.06%): a pass when the nearest such budget gives the rate (claims.yaml completion),
    else None; an item of a 其中 list (其中：…公务用车运行维护费支出决算为12,000.00元，完成年初预算的100%) takes no
    budget from before its list."""
    spec = _spec()
    pf = facts.paragraphs[index]
    start = pf.sentence_spans[rate.sentence][0]
    cue = pf.norm.text[start:rate.figure.start]
    done = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.end <= rate.figure.start
            and f.figure.kind == "amount"]
    if not done or done[-1].figure.approximate or is_change(done[-1].label) or done[-1].figure.value == 0:
        return None
    actual = done[-1]
    if any(w in pf.norm.text[start:actual.figure.start] for w in spec["list_words"]):
        return None
    flow = flow_of(actual.label)
    adjusted, initial = "调整" in cue, "年初" in cue
    for k in range(index, max(-1, index - PREVIOUS_PARAGRAPHS - 1), -1):
        for f in reversed(facts.paragraphs[k].facts):
            if (k == index and f.sentence >= rate.sentence) or f.figure.kind != "amount":
                continue
            label = spec["budget_generic"].sub("", f.label)
            named = spec["adjusted"].search(label) if adjusted else spec["budget"].search(label)
            if not named or spec["not_budget"].search(label) or is_change(f.label) or f.figure.approximate \
                    or (initial and "年初" not in label) or f.after.startswith("的") \
                    or flow_of(f.label) not in (None, flow) or f.figure.value == 0:
                continue
            check = ratio_check(RULE, rate, interval(actual.figure) / interval(f.figure), [actual, f], None,
                                f"{shown(actual.figure)} ÷ {shown(f.figure)}（完成数 ÷ 前文的预算数）")
            return check if check.status == "pass" else None
    return None


def _item_completion(facts: Facts, index: int, rate: TextFact) -> Optional[Check]:
    """完成预算的…% after an item's own 决算 (因公出国（境）费决算为0万元，完成预算的0%；公务接待费支出决算为0.30万元，
    完成预算的3.75%) against that item's 预算数 in the “三公” table: a standard table's item column, or the row of its
    name in a table read back from cells (at most a warning); None when the amount before the rate is not an item's
    决算 or no table gives its budget."""
    spec = _spec()
    pf = facts.paragraphs[index]
    before = [f for f in pf.facts if f.sentence == rate.sentence and f.figure.end <= rate.figure.start]
    if not before or before[-1].figure.kind != "amount" or before[-1].figure.approximate:
        return None
    actual = before[-1]
    subject = _subject(pf, actual)
    m = spec["item_actual"].search(subject)
    if m is None:
        return None
    name = subject[:m.start()]
    found = _three_public_budget(facts, name) or _row_budget(facts, actual, name)
    if found is None:
        return None
    budget, where, grid = found
    if budget.figure.unit is None:
        return None
    if budget.figure.value == 0:
        return unverifiable(RULE, rate, f"完成预算的 {rate.figure.raw}：{where} 为零，无法复算。", None, [actual, budget])
    made = ratio_check(RULE, rate, interval(actual.figure) / interval(budget.figure), [actual, budget], None,
                       f"{shown(actual.figure)} ÷ {shown(budget.figure)}（{name}决算数 ÷ {where}）")
    return made if grid else lost_grid(made, CELLS)


def _three_public_budget(facts: Facts, name: str) -> Optional[tuple]:
    """An item's 预算数 in the standard “三公” table, when the table has one row of figures."""
    item = three_public_item(name)
    stmt = of_kind(facts.statements, "three_public")
    if item is None or stmt is None:
        return None
    found = []
    for lst in stmt.lists:
        column = three_public_columns(lst).get((item, "budget"))
        found += [(row.cells[column], f"表{row.table}（{stmt.title}）“{column}”", True) for row in lst.rows
                  if column is not None and column in row.cells]
    return found[0] if len(found) == 1 else None


def _row_budget(facts: Facts, actual: TextFact, name: str) -> Optional[tuple]:
    """An item's 预算数 in the row of its name of a table of 预算数 and 决算数 (see _budget_row)."""
    core = name_core(name)
    found = _budget_row(facts, actual, core, None) if len(core) >= 2 else None
    return (found.budget, found.where, found.grid) if found is not None and found.budget is not None else None


def _comparisons(facts: Facts, index: int) -> list[Check]:
    spec = _spec()
    words = spec["words"]
    pf = facts.paragraphs[index]
    out, after = [], 0
    for m in spec["comparison"].finditer(pf.norm.text):
        word, tail = m.group("word"), m.group("tail") or ""
        claim = ("greater" if word in words["greater"] else "less" if word in words["less"]
                 else "equal" if word in words["equal"] or tail in words["equal"] else None)
        if claim is None:
            continue
        said = m.group()
        alternative = spec["or_equal"].match(pf.norm.text, m.end())
        if alternative and claim in ("greater", "less"):
            claim, said = claim + "_or_equal", said + alternative.group()
        budget, actual = _budget_and_actual(facts, index, m.start())
        if budget is not None and actual is not None:
            out.append(_judge_comparison(claim, said, actual, budget))
        else:
            rate = _completion_before(facts, index, after, m.start())
            if rate is not None:
                out.append(_judge_by_rate(claim, said, rate))
        after = m.end()
    return out


def _completion_before(facts: Facts, index: int, start: int, end: int) -> Optional[TextFact]:
    """The completion rate a comparison in words speaks of when the paragraph names no budget and actual pair:
    the paragraph's first 完成预算 rate when a 其中 list stands between it and the words (the template's
    “…完成预算X%。其中：…。决算数小于预算数的原因…”), else the nearest one in the same or the previous sentence."""
    spec = _spec()
    pf = facts.paragraphs[index]
    rates = [f for f in pf.facts if f.figure.kind == "rate" and not f.figure.approximate
             and start <= f.figure.start and f.figure.end <= end
             and spec["completion"].search(pf.norm.text[pf.sentence_spans[f.sentence][0]:f.figure.start])]
    if not rates:
        return None
    if any(w in pf.norm.text[rates[0].figure.end:end] for w in spec["list_words"]):
        return rates[0]
    nearest = rates[-1]
    here = next((i for i, (a, b) in enumerate(pf.sentence_spans) if a <= end < b), len(pf.sentence_spans) - 1)
    return nearest if here - nearest.sentence <= 1 else None


def _judge_by_rate(claim: str, said: str, rate: TextFact) -> Check:
    """A comparison in words against the completion rate: 决算数小于预算数 holds when the rate is below 100%.
    A contradiction is a warning, since the words are matched to the rate by their place."""
    r, hundred = interval(rate.figure), Decimal(100)
    verdict = {"less": "pass" if r.hi < hundred else "warning" if r.lo >= hundred else None,
               "greater": "pass" if r.lo > hundred else "warning" if r.hi <= hundred else None,
               "equal": "pass" if r.lo <= hundred <= r.hi else "warning",
               "less_or_equal": "pass" if r.lo <= hundred else "warning",
               "greater_or_equal": "pass" if r.hi >= hundred else "warning"}[claim]
    if verdict is None:
        found = unverifiable(RULE, rate, f"文中称“{said}”，完成预算 {rate.figure.raw} 在打印精度内无法判断，无法核实。")
        found.identity = ("comparison", said)
        return found
    message = (f"文中称“{said}”，与完成预算 {rate.figure.raw} 相符。" if verdict == "pass"
               else f"文中称“{said}”，但完成预算 {rate.figure.raw}，与所称不符。")
    return Check.judged(verdict, rule=RULE, message=message, reported=rate.figure.raw, expected="100%",
                        unit=rate.figure.unit, numbers=[rate.figure.raw], evidence=evidence([rate]),
                        identity=("comparison", said))


def _judge_comparison(claim: str, said: str, actual: TextFact, budget: TextFact) -> Check:
    a, b = interval(actual.figure), interval(budget.figure)
    if claim == "greater":
        verdict = "error" if a.hi <= b.lo else ("pass" if a.lo >= b.hi else "unverifiable")
    elif claim == "less_or_equal":
        verdict = "error" if a.lo >= b.hi and a.lo > b.lo else "pass"
    elif claim == "greater_or_equal":
        verdict = "error" if a.hi <= b.lo and a.hi < b.hi else "pass"
    elif claim == "less":
        verdict = "error" if a.lo >= b.hi else ("pass" if a.hi <= b.lo else "unverifiable")
    else:
        overlap = a.lo < b.hi and b.lo < a.hi
        step = 10 ** -min(actual.figure.decimals, budget.figure.decimals)
        gap = abs(a.mid - b.mid) / actual.figure.scale
        verdict = "pass" if overlap else ("warning" if gap <= step else "error")
    numbers = f"决算数 {shown(actual.figure)}、预算数 {shown(budget.figure)}"
    if verdict == "unverifiable":
        return unverifiable(RULE, actual, f"文中称“{said}”，{numbers} 在打印精度内无法区分大小，无法核实。", None,
                            [budget])
    if verdict == "pass":
        message = f"文中称“{said}”，与{numbers}相符。"
    else:
        message = f"文中称“{said}”，但{numbers}，与所称不符。"
    return Check.judged(verdict, rule=RULE, message=message, reported=actual.figure.raw,
                        expected=budget.figure.raw, unit=actual.figure.unit,
                        numbers=[actual.figure.raw, budget.figure.raw], evidence=evidence([actual, budget]))


def _subject(pf: ParagraphFacts, f: TextFact) -> str:
    """The words right before an amount, from the last clause break (其中：基本支出 → 基本支出)."""
    start = pf.sentence_spans[f.sentence][0]
    before = pf.norm.text[start:f.figure.start]
    cut = clause_start(before)
    return _spec()["name_tail"].sub("", compact(before[cut:]))


def _coded_rows(stmt) -> list[tuple[tuple[str, ...], object, list[str]]]:
    """Each coded row with the names of its 类, 款 and itself, as a path."""
    out = []
    for lst in stmt.lists:
        path: list[str] = []
        for row in lst.rows:
            if not row.is_coded or row.level is None:
                continue
            path = path[: row.level - 1] + [row.label]
            out.append((tuple(path), row, lst.columns))
    return out


def _cell_of(facts: Facts, kind: str, row_re: str, col_re) -> Optional[tuple]:
    stmt = of_kind(facts.statements, kind)
    found = locate(stmt, row_re, col_re) if stmt is not None else None
    return (stmt, *found) if found else None


def _path_cell(facts: Facts, path: tuple[str, ...]) -> Optional[tuple]:
    kind, col_re = _spec()["item_table"]
    stmt = of_kind(facts.statements, kind)
    if stmt is None:
        return None
    cr = regex.compile(col_re)
    for names, row, columns in _coded_rows(stmt):
        if names == path:
            cols = [c for c in columns if cr.search(c)]
            if cols and cols[0] in row.cells:
                return stmt, row, cols[0], row.cells[cols[0]]
    return None


def _restated(facts: Facts, pf: ParagraphFacts, f: TextFact, item: Optional[tuple]) -> Optional[tuple]:
    """The table cell an amount of the text restates, with what the text calls it; None when there is none."""
    spec = _spec()
    subject = _subject(pf, f)
    sentence = pf.norm.text[pf.sentence_spans[f.sentence][0]:f.figure.start]
    m = spec["item_path"].search(subject)
    if m:
        found = _path_cell(facts, tuple(compact(m.group(k)) for k in ("lei", "kuan", "xiang")))
        return (found, m.group("xiang") + "（项）") if found else None
    m = spec["item_restated"].match(subject)
    if m and item is not None and (m.group("year") is None or int(m.group("year")) == facts.year):
        return item
    m = spec["class_subject"].match(subject)
    if m:
        found = _path_cell(facts, (compact(m.group("lei")),))
        return (found, subject) if found else None
    for pattern, unless, (kind, row_re, col_re) in spec["amounts"]:
        if pattern.search(subject) and not (unless and unless.search(sentence)):
            found = _cell_of(facts, kind, row_re, col_re)
            return (found, subject) if found else None
    return None


def _against_tables(facts: Facts, index: int) -> list[Check]:
    spec = _spec()
    pf = facts.paragraphs[index]
    out: list[Check] = []
    item = None
    for f in pf.facts:
        if f.figure.kind != "amount" or f.figure.approximate:
            continue
        found = _restated(facts, pf, f, item)
        if found is None:
            continue
        (stmt, row, col, cell), name = found
        if spec["item_path"].search(_subject(pf, f)):
            item = found
        name_row = f"{row.code} {row.label}" if row.code else row.label
        out.append(same_check(RULE, f, cell, f"文中“{name}”", f"表{row.table}（{stmt.title}）“{name_row}”行“{col}”"))
    return out


@dataclass
class _BudgetRow:
    """A row of a table of 预算数 and 决算数: where it is, its two cells, and whether its grid was read (not lost)."""

    where: str
    label: str
    budget: Optional[object]
    actual: Optional[object]
    grid: bool


def _budget_row(facts: Facts, f: TextFact, core: str, year: Optional[int]) -> Optional[_BudgetRow]:
    """The row a subject names in a table of one 预算数 and one 决算数 column, of the year stated (else of the
    amount's): a “三公” standard table with a row an item, or a table read back from cells on their own lines; None
    unless exactly one row answers."""
    found = []

    def consider(title: str, of_year: Optional[int], header: list[str], rows, names_of, grid: bool) -> None:
        of_year = of_year if of_year is not None else facts.year
        if (year is not None and of_year != year) or (f.period is not None and of_year not in (None, f.period)):
            return
        budget = [h for h in header if stage_of(h) == "budget"]
        actual = [h for h in header if stage_of(h) == "final"]
        if len(budget) != 1 or len(actual) != 1:
            return
        for row in rows:
            names = names_of(row)
            if core == names[0] or any(core.endswith(n) for n in names[1:]):
                found.append(_BudgetRow(f"表“{title or '（无标题）'}”“{row.label}”行“{budget[0]}”", row.label,
                                        row.cells.get(budget[0]), row.cells.get(actual[0]), grid))

    for table in facts.cell_tables:
        consider(table.title, table.year, table.header, table.rows, lambda row, t=table: row_names(t, row), False)
    for stmt in facts.statements:
        if stmt.kind != "three_public":
            continue
        year_m = YEAR.search(stmt.title)
        for lst in stmt.lists:
            consider(stmt.title, int(year_m.group(1)) if year_m else None, lst.columns,
                     [r for r in lst.rows if not r.is_coded],
                     lambda row, title=stmt.title: label_names(row.label, row.label, title), True)
    return found[0] if len(found) == 1 else None


def _budget_changes(facts: Facts, index: int) -> list[Check]:
    """An amount compared in words with its budget (公务接待费支出16.3万元，与2020年度预算相比，增加1.5万元; …相比无增减)
    against the 预算数 of its row in the “三公” table (a standard table with a row an item, or one read back from cells
    on their own lines: then at most a warning): the change = 决算 − 预算, or the two alike. A blank 预算数 is
    unverifiable; an amount that is not the row's 决算数 is left to repeat.same_concept."""
    spec = _spec()
    pf = facts.paragraphs[index]
    text = pf.norm.text
    amounts = _amounts(pf, len(text))
    out = []
    for f in amounts:
        m = spec["budget_change"].match(text, f.figure.end)
        if m is None or f.figure.unit is None:
            continue
        subject = _subject(pf, f)
        core = name_core(subject)
        if len(core) < 2 or stage_of(subject) == "budget":
            continue
        found = _budget_row(facts, f, core, int(m.group("year")) if m.group("year") else None)
        if found is None:
            continue
        change = None
        if not m.group("same"):
            change = next((g for g in amounts if g.figure.start >= m.end()), None)
            if change is None or text[m.end():change.figure.start].strip():
                continue
        said = text[f.figure.end:m.end()].strip(" ，,")
        where, budget, actual = found.where, found.budget, found.actual
        if budget is None or budget.figure.unit is None:
            out.append(unverifiable(RULE, change or f, f"文中称“{said}”，{where}空白，无法复算。", None, [f]))
            continue
        if actual is not None and not (interval(actual.figure).lo < interval(f.figure).hi
                                       and interval(f.figure).lo < interval(actual.figure).hi):
            continue
        found_check = (_judge_comparison("equal", said, f, budget) if change is None
                       else _judge_budget_change(said, f, budget, change, bool(m.group("down")), where))
        found_check.identity = ("budget_change", found.label, said)
        out.append(found_check if found.grid else lost_grid(found_check, CELLS))
    return out


def _judge_budget_change(said: str, actual: TextFact, budget, change: TextFact, down: bool, where: str) -> Check:
    difference = interval(actual.figure) - interval(budget.figure)
    computed = exact(Decimal(0)) - difference if down else difference
    scale, unit = change.figure.scale, change.figure.unit or ""
    decimals = max(change.figure.decimals, actual.figure.decimals, budget.figure.decimals)
    verdict = compare(computed, change.figure, scale=scale)
    value = computed.mid / scale
    arithmetic = (f"决算数 {shown(actual.figure)} − {where} {shown(budget.figure)} = "
                  f"{render(difference.mid / scale, decimals)}{unit}")
    should = f"{'减少' if down == (value >= 0) else '增加'}{render(abs(value), decimals)}{unit}"
    message = (f"文中称“{said}{shown(change.figure)}”，与{arithmetic}相符。" if verdict == "pass"
               else f"文中称“{said}{shown(change.figure)}”，但{arithmetic}，应为{should}。")
    return Check.judged(verdict, rule=RULE, message=message, reported=change.figure.raw,
                        expected=render(value, decimals), difference=render(change.figure.value - value, decimals),
                        unit=change.figure.unit, numbers=[change.figure.raw, actual.figure.raw, budget.figure.raw],
                        evidence=evidence([change, actual, budget]))


def check(facts: Facts) -> list[Check]:
    out: list[Check] = []
    carried: dict[int, tuple] = {}
    for index, pf in enumerate(facts.paragraphs):
        if facts.statements:
            out += _against_tables(facts, index)
        for f in pf.facts:
            if f.figure.kind != "rate" or f.figure.approximate:
                continue
            found = _completion(facts, index, f) or _share(facts, index, f, carried)
            if found is not None:
                out.append(found)
        out += _comparisons(facts, index)
        if facts.cell_tables or facts.statements:
            out += _budget_changes(facts, index)
    return out

