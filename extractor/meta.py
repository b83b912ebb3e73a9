"""Document metadata: the evaluated unit, the fiscal year and the report type."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import regex

import patterns
from extractor.facts import cut_unit, document_year, is_unit, later_title, opening_text
from extractor.model import Document, Table
from extractor.project_table import ANNOTATION
from extractor.normalize import compact


@lru_cache(maxsize=None)
def _labelled(label: str):
    return regex.compile(rf"{regex.escape(compact(label))}[:：]([^\s:：（(，,。]{{2,40}})")


def unit_name(doc: Document) -> Optional[str]:
    """The evaluated unit as the document names it (a labelled field first, else a title line)."""
    data = patterns.load("documents")
    head = [opening_text(p.text) for p in doc.paragraphs[:25]]
    for label in data["unit_labels"]:
        for t in head:
            m = _labelled(label).match(t)
            if m and is_unit(m.group(1), data):
                return m.group(1)
    fused = _fused_field_unit(head, data)
    if fused is not None:
        return fused
    for t in head[:5]:
        name = patterns.compiled(data["title_line_prefix"]).sub("", t)
        if 4 <= len(name) <= 40 and is_unit(name, data) and not patterns.compiled(r"\d").search(name) \
                and not name.startswith(tuple(data["unit_not_start"])):
            return name
    return _titled_unit(head, data) or _table_unit(doc, data) or _lined_unit(doc, data) \
        or _opening_unit(head[:data["opening_lines"]], data) or _opening_unit(_title_lines(head, data), data) \
        or _year_first_unit([t for t in head[:data["opening_lines"]] if len(t) <= data["title_lines"]["max_title"]
                             and not any(ch.isdigit() for ch in t[4:])] + _title_lines(head, data), data) \
        or _publisher(head, doc, data)


def _publisher(head: list[str], doc: Document, data: dict) -> Optional[str]:
    """The publisher a saved page's info fields name (发布机构：某市统计局, or 发布机构 | 某市统计局 | in the first table's
    opening rows), when it ends like a unit and is no government portal, media or office that publishes for others,
    nor a name shortened to its level (省医疗保障局)."""
    rows = ["|".join(compact(c.text) for c in row if not c.covered) + "|" for t in doc.tables[:1] for row in t.rows[:4]]
    for t in head + rows:
        for m in patterns.compiled(data["publisher"]).finditer(t):
            name = cut_unit(m.group("unit"), data, tuple(data["publisher_not_start"]))
            if name is not None and not name.endswith(tuple(data["publisher_not_end"])):
                return name
    return None


def _year_first_unit(titles: list[str], data: dict) -> Optional[str]:
    """A unit named after the year that opens a title line (2021年茂名市发展和改革局部门整体支出绩效自评报告: a short
    opening line that states no figure, or a line that reads as a title), cut after its last unit suffix."""
    return _matched_unit(titles, data["year_first_unit"], data)


def _matched_unit(lines: list[str], pattern: str, data: dict) -> Optional[str]:
    """The unit group of the first line pattern matches that, cut after its last unit suffix, still names a unit."""
    for t in lines:
        m = patterns.compiled(pattern).match(t)
        if m and (name := cut_unit(m.group("unit"), data)) is not None:
            return name
    return None


def _lined_unit(doc: Document, data: dict) -> Optional[str]:
    """The unit of a form copied one cell a line: the line after a unit label's own line (实施单位 / 廊坊市食品工程学校;
    its cells paragraphs or the rows of a one-column '|' table)."""
    lines: list[str] = []
    for block in doc.blocks:
        if len(lines) >= data["line_unit_lines"]:
            break
        if isinstance(block, Table):
            if block.width > 1:
                continue
            lines += [t for row in block.rows if row and (t := compact(row[0].text))]
        elif (t := compact(block.text)):
            lines.append(t)
    lines = lines[:data["line_unit_lines"]]
    for label in data["line_unit_labels"]:
        for at, line in enumerate(lines[:-1]):
            if ANNOTATION.sub("", line) != label:
                continue
            name = patterns.compiled(data["line_unit_code"]).sub("", lines[at + 1])
            if 4 <= len(name) <= 40 and is_unit(name, data) and not name.startswith(tuple(data["unit_not_start"])):
                return name
    return None


def _fused_field_unit(head: list[str], data: dict) -> Optional[str]:
    """A unit in a form's fields run together (单位名称襄阳市中心医院填报日期…): the shortest name after a field label
    that ends like a unit and runs straight into the next field's label."""
    following = "|".join(regex.escape(w) for w in data["unit_field_next"])
    for label in data["fused_unit_labels"]:
        pattern = patterns.compiled(rf"{regex.escape(compact(label))}[:：]?(?P<unit>[^:：，,。（(\s\d]{{4,30}}?)(?={following})")
        for t in head:
            for m in pattern.finditer(t):
                name = m.group("unit")
                if is_unit(name, data) and not name.startswith(tuple(data["unit_not_start"])):
                    return name
    return None


def _opening_unit(head: list[str], data: dict) -> Optional[str]:
    """A unit that opens a title line before its year or 关于 (寿县司法局2022年“三公”经费预算情况, 仪陇县财政局关于…),
    cut after its last unit suffix."""
    return _matched_unit(head, data["opening_unit"], data)


def _title_lines(head: list[str], data: dict) -> list[str]:
    """The opening lines that read as a report's title (short, naming its year and what it reports on: title_lines),
    wherever a saved page's banner and path put them (西平县民族宗教局2022年…补助资金项目绩效监控总结报告)."""
    spec = data["title_lines"]
    return [t for t in head if len(t) <= spec["max_title"] and patterns.compiled(spec["year"]).search(t)]


def _titled_unit(head: list[str], data: dict) -> Optional[str]:
    """A unit named in a 决算/预算 title or field (title_units), cut after its last unit suffix."""
    for pattern in data["title_units"]:
        for t in head:
            m = patterns.compiled(pattern).search(t)
            if not m:
                continue
            if (name := cut_unit(m.group("unit"), data)) is not None:
                return name
    return None


def _table_unit(doc: Document, data: dict) -> Optional[str]:
    """The cell after a unit label in the opening rows of the first table (项目支出绩效自评表)."""
    labels = [compact(label) for label in data["table_unit_labels"]]
    for table in doc.tables[:1]:
        for row in table.rows[:4]:
            texts = [compact(c.text) for c in row if not c.covered]
            for i, t in enumerate(texts[:-1]):
                value = texts[i + 1]
                if t in labels and is_unit(value, data) and 2 <= len(value) <= 40:
                    return value
    return None


def report_type(doc: Document) -> str:
    """The report type by the first of report_types whose words the opening paragraphs or the first table's opening
    rows hold (rows with text: a page's table may open with empty border rows)."""
    data = patterns.load("documents")
    head = "".join(opening_text(p.text) for p in doc.paragraphs[:12]) + (later_title(doc) or "")
    rows = [row for t in doc.tables[:1] for row in t.rows if any(c.text.strip() for c in row)]
    head += "".join(compact(c.text) for row in rows[:data["type_table_rows"]] for c in row)
    for spec in data["report_types"]:
        if any(patterns.compiled(w).search(head) for w in spec["words"]):
            return spec["type"]
    return "unknown"


def metadata(doc: Document) -> dict:
    return {"unit": unit_name(doc), "year": document_year(doc), "report_type": report_type(doc)}
