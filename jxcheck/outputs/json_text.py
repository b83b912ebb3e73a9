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
        _write(obj, "\n", chunks)
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


def _write(value, pad: str, out: list) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        sep = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported
            item_kind = type(item)
            if item_kind is str:
                out.append(sep + encode_basestring(key) + ": " + encode_basestring(item))
            elif item_kind is dict or item_kind is list or item_kind is tuple:
                out.append(sep + encode_basestring(key) + ": ")
                _write(item, inner, out)
            else:
                out.append(sep + encode_basestring(key) + ": " + _scalar(item, item_kind))
            sep = "," + inner
        out.append(pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep = "[" + inner
        for item in value:
            item_kind = type(item)
            if item_kind is str:
                out.append(sep + encode_basestring(item))
            elif item_kind is dict or item_kind is list or item_kind is tuple:
                out.append(sep)
                _write(item, inner, out)
            else:
                out.append(sep + _scalar(item, item_kind))
            sep = "," + inner
        out.append(pad + "]")
    else:
        out.append(_scalar(value, kind))
