"""Audited units: one key per unit whatever the width, spacing, brackets or alias a document uses."""
from __future__ import annotations

import unicodedata
from typing import Optional

import yaml

import patterns

UNKNOWN = "单位未识别"
BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                          "［": "(", "］": ")", "﹙": "(", "﹚": ")"})


def normalize(name: Optional[str]) -> str:
    """NFKC, no whitespace, one kind of bracket; empty for a missing name."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).translate(BRACKETS)
    return "".join(text.split())


class UnitNames:
    """Maps a unit name as printed to its unit key (the normalized canonical name)."""

    def __init__(self, aliases: Optional[dict] = None):
        self.canonical: dict[str, str] = {}
        for canonical, names in (aliases or {}).items():
            key = normalize(canonical)
            self.canonical[key] = key
            for name in names or []:
                self.canonical[normalize(name)] = key

    @classmethod
    def load(cls, extra_file: Optional[str] = None) -> "UnitNames":
        """The bundled patterns/unit_aliases.yaml, plus an optional user file of the same shape."""
        aliases = dict(patterns.load("unit_aliases").get("aliases") or {})
        if extra_file:
            try:
                with open(extra_file, encoding="utf-8") as fh:
                    data = yaml.safe_load(fh) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise ValueError(f"无法读取别名文件 / cannot read alias file {extra_file}: {exc}") from exc
            if not isinstance(data, dict) or not isinstance(data.get("aliases", {}), dict):
                raise ValueError(f"别名文件格式错误 / alias file must map aliases: canonical → [names]: {extra_file}")
            for canonical, names in (data.get("aliases") or {}).items():
                aliases[canonical] = list(aliases.get(canonical) or []) + list(names or [])
        return cls(aliases)

    def key(self, name: Optional[str]) -> str:
        """The unit key; documents without a recognized unit share the key 单位未识别."""
        norm = normalize(name)
        if not norm:
            return UNKNOWN
        return self.canonical.get(norm, norm)
