"""JSON text of a result as json.dumps(obj, ensure_ascii=False, indent=2) writes it, built without the standard
library's generator-based encoder (which indented output always goes through): the same characters, a few
times faster on the nested dicts and lists of strings and numbers that results are made of. Anything else
(keys that are not strings, other types, subclasses) is left to json.dumps itself."""
from __future__ import annotations

import json
from json.encoder import encode_basestring

_CONSTANTS = {None: "null", True: "true", False: "false"}


class _Unsupported(Exception):
    """A value json.dumps is left to write."""


def dumps_indented(obj) -> str:
    """json.dumps(obj, ensure_ascii=False, indent=2)."""
    chunks: list[str] = []
    try:
        _write(obj, "\n", chunks, {})
    except (_Unsupported, RecursionError):
        return json.dumps(obj, ensure_ascii=False, indent=2)
    return "".join(chunks)


def _scalar(value, kind) -> str:
    """The JSON text of a string, number, boolean or null."""
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _CONSTANTS[value]
    if kind is float:
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    raise _Unsupported


def _write(value, pad: str, out: list, heads: dict) -> None:
    """Append the JSON text of value, indented from pad (a line break and the current indentation), to out; heads
    keeps, by indentation and key, the text a key is written with (results repeat the same keys many times)."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        known = heads.get(inner)
        if known is None:
            known = heads[inner] = {}
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported
            head = known.get(key)
            if head is None:
                head = known[key] = "," + inner + encode_basestring(key) + ": "
            if first:
                head = "{" + head[1:]
                first = False
            _item(head, item, inner, out, heads)
        out.append(pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep = "[" + inner
        for item in value:
            _item(sep, item, inner, out, heads)
            sep = "," + inner
        out.append(pad + "]")
    else:
        out.append(_scalar(value, kind))


def _item(lead: str, item, inner: str, out: list, heads: dict) -> None:
    """Append a dict's value or a list's item after the text that leads it (its key, or the separator)."""
    kind = type(item)
    if kind is str:
        out.append(lead + encode_basestring(item))
    elif kind is dict or kind is list or kind is tuple:
        out.append(lead)
        _write(item, inner, out, heads)
    else:
        out.append(lead + _scalar(item, kind))
