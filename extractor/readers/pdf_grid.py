"""Ruled tables of a PDF page from pypdfium2 path objects: ruling lines → cells → tables with merged cells.

The fast path for tables; pdfplumber's find_tables is the reference it is tested against.
Coordinates are PDF points measured from the top edge of the page.
"""
from __future__ import annotations

import codecs
from bisect import bisect_left
from itertools import repeat
from dataclasses import dataclass

TOLERANCE = 3.0
THIN = 2.5


@dataclass
class Edge:
    """A horizontal (fixed y, x0..x1) or vertical (fixed x, y0..y1) ruling segment."""

    at: float
    start: float
    end: float


@dataclass
class GridTable:
    """A ruled table: its bounding box and cell texts by grid position, None where a merged cell covers it."""

    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]


def _edges(page, height: float) -> tuple[list[Edge], list[Edge]]:
    import pypdfium2.raw as raw
    horizontal, vertical = [], []
    for left, bottom, right, top in object_bounds(page.raw, raw.FPDF_PAGEOBJ_PATH):
        y0, y1 = height - top, height - bottom
        w, h = right - left, y1 - y0
        if h <= THIN and w > THIN:
            horizontal.append(Edge((y0 + y1) / 2, left, right))
        elif w <= THIN and h > THIN:
            vertical.append(Edge((left + right) / 2, y0, y1))
        elif w > THIN and h > THIN:
            horizontal += [Edge(y0, left, right), Edge(y1, left, right)]
            vertical += [Edge(left, y0, y1), Edge(right, y0, y1)]
    return _merge(horizontal), _merge(vertical)


def object_bounds(raw_page, wanted: int, depth: int = 0):
    """Bounding boxes (left, bottom, right, top) of a page's objects of one pdfium type, FPDF_PAGEOBJ_PATH say,
    its form objects' included, through pdfium's C API: the types of all objects asked in one pass of map (most
    objects of a page are text), the boxes of the wanted ones then."""
    import pypdfium2.raw as raw

    from extractor.readers import pdfium_calls as c
    if depth == 0:
        count, get_object = c.count_objects(raw_page), c.object_address
    else:
        count, get_object = c.form_count_objects(raw_page), c.form_object_address
    objects = list(map(get_object, repeat(raw_page, count), range(count)))
    kinds = list(map(c.type_at, objects))
    get_bounds, form = c.object_bounds, raw.FPDF_PAGEOBJ_FORM
    box = c.Slots(c.FLOAT, 1)
    pointers = box.pointers[0]
    for obj, kind in zip(objects, kinds):
        if kind == wanted:
            if get_bounds(c.Handle(obj), *pointers):
                yield tuple(box.values(1))
        elif kind == form and depth < 2:
            yield from object_bounds(c.Handle(obj), wanted, depth + 1)


def _merge(edges: list[Edge]) -> list[Edge]:
    """Snap edges to shared positions and join collinear pieces that touch or overlap."""
    edges = sorted(edges, key=lambda e: e.at)
    snapped: list[list[Edge]] = []
    for e in edges:
        if snapped and abs(e.at - snapped[-1][0].at) <= TOLERANCE:
            snapped[-1].append(e)
        else:
            snapped.append([e])
    out = []
    for group in snapped:
        at = sum(e.at for e in group) / len(group)
        group.sort(key=lambda e: e.start)
        current = Edge(at, group[0].start, group[0].end)
        for e in group[1:]:
            if e.start <= current.end + TOLERANCE:
                current.end = max(current.end, e.end)
            else:
                out.append(current)
                current = Edge(at, e.start, e.end)
        out.append(current)
    return out


def _reaches(edges: list[Edge], lines: dict[float, list[float]]) -> dict[tuple[float, float], float]:
    """For each point on a line (its position and a place along it), how far the ruling there runs on: the
    furthest end of the edges near the line (within TOLERANCE) that start no later than the place + TOLERANCE,
    -inf where none does. A segment from the place to end is ruled when end - TOLERANCE is within that reach."""
    edges = sorted(edges, key=lambda e: e.at)
    keys = [e.at for e in edges]
    out: dict[tuple[float, float], float] = {}
    for at, places in lines.items():
        near = []
        i = bisect_left(keys, at - TOLERANCE - 1e-9)
        while i < len(edges) and keys[i] <= at + TOLERANCE + 1e-9:
            e = edges[i]
            if abs(e.at - at) <= TOLERANCE:
                near.append((e.start, e.end))
            i += 1
        near.sort()
        reach, k = float("-inf"), 0
        for place in places:
            while k < len(near) and near[k][0] <= place + TOLERANCE:
                reach = max(reach, near[k][1])
                k += 1
            out[at, place] = reach
    return out


def _cells(horizontal: list[Edge], vertical: list[Edge], deadline=None) -> list[tuple[float, float, float, float]]:
    """Smallest ruled rectangles: each intersection with the nearest closed box to its right and below."""
    points = sorted({(v.at, h.at) for v in vertical for h in horizontal
                     if v.start - TOLERANCE <= h.at <= v.end + TOLERANCE
                     and h.start - TOLERANCE <= v.at <= h.end + TOLERANCE}, key=lambda p: (p[1], p[0]))
    xs_at_y: dict[float, list[float]] = {}
    ys_at_x: dict[float, list[float]] = {}
    for x, y in points:
        xs_at_y.setdefault(y, []).append(x)
        ys_at_x.setdefault(x, []).append(y)
    point_set = set(points)
    across = _reaches(horizontal, xs_at_y)
    down = _reaches(vertical, ys_at_x)
    cells = []
    row_in_column = dict.fromkeys(ys_at_x, -1)
    k = 0
    for y, row in xs_at_y.items():
        n = len(row)
        for first, x in enumerate(row, 1):
            if deadline is not None and k % 4096 == 0:
                deadline.check()
            k += 1
            column = ys_at_x[x]
            row_in_column[x] = i = row_in_column[x] + 1
            right, below = across[y, x], down[x, y]
            for y2 in column[i + 1:]:
                if y2 - TOLERANCE > below:
                    break
                bottom = across[y2, x]
                reach = bottom if bottom < right else right
                found = None
                for j in range(first, n):
                    x2 = row[j]
                    if x2 - TOLERANCE > reach:
                        break
                    if (x2, y2) in point_set and down[x2, y] >= y2 - TOLERANCE:
                        found = (x, y, x2, y2)
                        break
                if found:
                    cells.append(found)
                    break
    return cells


def _group(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Cells sharing a corner belong to one table."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    owner = corner_owner.setdefault
    for i, (x0, y0, x1, y1) in enumerate(cells):
        root = i
        for corner in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            j = owner(corner, i)
            if j != i:
                joined = parent[j]
                if parent[joined] != joined:
                    joined = find(joined)
                if joined != root:
                    parent[root] = root = joined
    groups: dict[int, list] = {}
    for i, cell in enumerate(cells):
        top = parent[i]
        groups.setdefault(top if parent[top] == top else find(top), []).append(cell)
    return sorted(groups.values(), key=lambda g: min(c[1] for c in g))


class _BoundedText:
    """pdfium's text within a rectangle (FPDFText_GetBoundedText, as pypdfium2's get_text_bounded), asked once
    into one buffer the page's text cannot outgrow instead of twice into a new one per cell, and decoded from
    that buffer in place by the UTF-16 codec's own function."""

    def __init__(self, textpage):
        import ctypes

        from extractor.readers import pdfium_calls as c
        self.handle = c.address(textpage.raw)
        self.size = 3 * max(c.count_chars(self.handle), 0) + 2
        self.buffer = (ctypes.c_ushort * self.size)()
        self.at = ctypes.addressof(self.buffer)
        self.bytes = memoryview(self.buffer).cast("B")
        self.get = c.bounded_text
        self.decode = codecs.utf_16_le_decode

    def __call__(self, left: float, top: float, right: float, bottom: float) -> str:
        n = self.get(self.handle, left, top, right, bottom, self.at, self.size)
        if n <= 0:
            return ""
        return self.decode(self.bytes[:2 * n], "ignore", True)[0].rstrip("\x00")

    def cells(self, boxes, height: float, deadline=None) -> list[str]:
        """The text of each cell (x0, y0, x1, y1 from the top edge), half a point inside its ruling, line breaks
        dropped; deadline.check() is called every 1024 cells."""
        get, handle, at, size, data, decode = self.get, self.handle, self.at, self.size, self.bytes, self.decode
        out = []
        for k, (x0, y0, x1, y1) in enumerate(boxes):
            if deadline is not None and k % 1024 == 0:
                deadline.check()
            n = get(handle, x0 + 0.5, height - y0 - 0.5, x1 - 0.5, height - y1 + 0.5, at, size)
            text = decode(data[:2 * n], "ignore", True)[0].rstrip("\x00") if n > 0 else ""
            out.append(text.replace("\r", "").replace("\n", "").strip())
        return out


def find_tables(page, textpage, deadline=None) -> list[GridTable]:
    """The ruled tables of a page with each cell's text, top to bottom; deadline.check() is called as cells are read."""
    _, height = page.get_size()
    horizontal, vertical = _edges(page, height)
    if not horizontal or not vertical:
        return []
    tables = []
    bounded = None
    for group in _group(_cells(horizontal, vertical, deadline)):
        if len(group) < 2:
            continue
        bounded = bounded or _BoundedText(textpage)
        xs = sorted({c[0] for c in group} | {c[2] for c in group})
        ys = sorted({c[1] for c in group} | {c[3] for c in group})
        rows: list[list[str | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
        x_at = {x: i for i, x in enumerate(xs)}
        y_at = {y: i for i, y in enumerate(ys)}
        for (x0, y0, _, _), text in zip(group, bounded.cells(group, height, deadline)):
            rows[y_at[y0]][x_at[x0]] = text
        rows = [row for row in rows if any(cell is not None for cell in row)]
        tables.append(GridTable((xs[0], ys[0], xs[-1], ys[-1]), rows))
    return tables
