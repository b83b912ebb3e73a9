"""Configuration like the linters': `[tool.jxcheck]` in pyproject.toml or a jxcheck.toml (the first found from the
working folder up, jxcheck.toml first), or --config FILE; --select/--ignore on the command line add to it.

Keys: select, ignore (rule ids, or a prefix such as "score" for every score.* rule), severity (rule id →
error/warning/info, for its failed checks), aliases (a unit alias YAML file, relative to the configuration file),
thresholds.materiality (元: an amount whose difference is smaller is noted, severity info, not a finding) and
thresholds.rate_points (percentage points, the same for rates). The store keeps every check; the configuration
is applied to what is shown (apply), so changing it needs no re-check.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Iterable, Optional

from jxcheck.failures import RunError
from jxcheck.rule_docs import RULES

FILES = ("jxcheck.toml", "pyproject.toml")
KEYS = {"select", "ignore", "severity", "aliases", "thresholds"}
THRESHOLDS = {"materiality", "rate_points"}
SEVERITIES = ("error", "warning", "info")
YUAN = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def config_error(where: str, zh: str, en: str) -> RunError:
    return RunError("bad_config", f"配置 {where}：{zh} / configuration {where}: {en}")


@dataclass(frozen=True)
class Config:
    """What to show: the rules selected and ignored, severity overrides, thresholds; source names the file."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict = field(default_factory=dict)
    aliases: Optional[str] = None
    materiality: Optional[Decimal] = None
    rate_points: Optional[Decimal] = None
    baseline: frozenset = frozenset()
    source: Optional[str] = None

    @property
    def active(self) -> bool:
        """Whether applying it changes anything."""
        return bool(self.select or self.ignore or self.severity or self.materiality is not None
                    or self.rate_points is not None or self.baseline)

    def shows(self, rule: str) -> bool:
        """Whether checks of this rule are shown (document.read always is)."""
        if rule == "document.read":
            return True
        if self.select and not any(matches(rule, s) for s in self.select):
            return False
        return not any(matches(rule, s) for s in self.ignore)


def matches(rule: str, selector: str) -> bool:
    return rule == selector or rule.startswith(selector.rstrip(".") + ".")


def _selectors(values, where: str, key: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise config_error(where, f"{key} 须为规则编号列表", f"{key} must be a list of rule ids")
    for v in values:
        if not any(matches(rule, v) for rule in RULES):
            raise config_error(where, f"{key} 中的 {v!r} 不是已知规则或规则前缀（jxcheck rule 可列出全部规则）",
                               f"{v!r} in {key} is not a known rule or rule prefix (jxcheck rule lists them)")
    return tuple(values)


def _decimal(value, where: str, key: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if isinstance(value, bool) or not number.is_finite() or number < 0:
        raise config_error(where, f"thresholds.{key} 须为不小于 0 的数", f"thresholds.{key} must be a number ≥ 0")
    return number


def parse(table: dict, where: str, folder: str = ".") -> Config:
    """A Config from a [tool.jxcheck] table read from where (a file in folder)."""
    unknown = set(table) - KEYS
    if unknown:
        raise config_error(where, f"未知的键 {', '.join(sorted(unknown))}（可用：{', '.join(sorted(KEYS))}）",
                           f"unknown key {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise config_error(where, "severity 须为“规则 = 严重程度”表", "severity must be a table of rule = severity")
    for rule, level in severity.items():
        if rule not in RULES or level not in SEVERITIES:
            raise config_error(where, f"severity 中 {rule} = {level!r} 无效（严重程度为 error、warning 或 info）",
                               f"severity {rule} = {level!r} is not valid (a known rule = error, warning or info)")
    thresholds = table.get("thresholds", {})
    if not isinstance(thresholds, dict) or set(thresholds) - THRESHOLDS:
        raise config_error(where, f"thresholds 只可有 {', '.join(sorted(THRESHOLDS))}",
                           f"thresholds takes only {', '.join(sorted(THRESHOLDS))}")
    aliases = table.get("aliases")
    if aliases is not None and not isinstance(aliases, str):
        raise config_error(where, "aliases 须为文件路径", "aliases must be a file path")
    return Config(select=_selectors(table.get("select", []), where, "select"),
                  ignore=_selectors(table.get("ignore", []), where, "ignore"), severity=dict(severity),
                  aliases=os.path.join(folder, aliases) if aliases else None,
                  materiality=_decimal(thresholds["materiality"], where, "materiality") if "materiality" in thresholds
                  else None,
                  rate_points=_decimal(thresholds["rate_points"], where, "rate_points") if "rate_points" in thresholds
                  else None, source=where)


def _read(path: str) -> Optional[dict]:
    """The jxcheck table of a configuration file: the whole of a jxcheck.toml, [tool.jxcheck] of a pyproject.toml
    (None when it has none)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise config_error(path, f"无法读取（{exc.strerror or exc}）", f"cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise config_error(path, f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("jxcheck") if isinstance(tool, dict) else None
    return data


def find(start: str) -> Optional[str]:
    """The configuration file that applies in folder start: jxcheck.toml, or a pyproject.toml with [tool.jxcheck],
    in start or the nearest folder above it."""
    folder = os.path.abspath(start)
    while True:
        for name in FILES:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and (name == "jxcheck.toml" or _read(path) is not None):
                return path
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load(path: Optional[str] = None, start: str = ".", select: Iterable[str] = (), ignore: Iterable[str] = (),
         baseline: Optional[str] = None) -> Config:
    """The configuration: from path, else the one found from start up, else the defaults; then the command
    line's --select (replacing the file's), --ignore (added) and --baseline."""
    path = path or find(start)
    config = Config()
    if path is not None:
        table = _read(path)
        if table is None:
            raise config_error(path, "没有 [tool.jxcheck] 表", "has no [tool.jxcheck] table")
        config = parse(table, path, os.path.dirname(os.path.abspath(path)))
    select, ignore = list(select), list(ignore)
    if select:
        config = replace(config, select=_selectors(select, "--select", "--select"))
    if ignore:
        config = replace(config, ignore=config.ignore + _selectors(ignore, "--ignore", "--ignore"))
    if baseline:
        config = replace(config, baseline=frozenset(baseline_ids(baseline)))
    return config


def baseline_ids(path: str) -> set[str]:
    """The finding ids of an earlier run: its findings.jsonl (a document per line) or `check --format json`."""
    import json
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError("bad_baseline", f"无法读取基线文件 {path}（{exc}） / cannot read the baseline {path}: {exc}") from None
    try:
        stripped = text.lstrip()
        if stripped.startswith("{") and '"documents"' in stripped[:200]:
            docs = json.loads(text)["documents"]
        else:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        ids = {f["id"] for d in docs for f in d.get("findings") or [] if f.get("id")}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise RunError("bad_baseline", f"基线文件 {path} 不是 findings.jsonl 或 check --format json 的输出 / the baseline "
                                       f"{path} is not a findings.jsonl nor the output of check --format json") from None
    return ids


def _below(check: dict, config: Config) -> bool:
    """Whether a failed check's difference is under the materiality threshold of its kind."""
    from jxcheck.outputs import parse_number
    parsed = parse_number(check.get("difference"))
    if parsed is None:
        return False
    difference, unit = abs(parsed[0]), check.get("unit")
    if unit == "%" and config.rate_points is not None:
        return difference < config.rate_points
    if unit in YUAN and config.materiality is not None:
        return difference * YUAN[unit] < config.materiality
    return False


def _shown_check(check: dict, config: Config) -> dict:
    if check["status"] != "fail":
        return check
    severity = config.severity.get(check["rule"], check["severity"])
    if severity != "info" and _below(check, config):
        severity = "info"
    return check if severity == check["severity"] else dict(check, severity=severity)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def apply(doc: dict, config: Config) -> dict:
    """A document object as the configuration shows it: checks of rules not shown left out, severities
    overridden or lowered under the thresholds, findings recomputed (failed checks of severity error or warning,
    most severe first) less those whose id is in the baseline."""
    if not config.active or doc.get("status") == "error":
        return doc
    checks = [_shown_check(c, config) for c in doc.get("checks") or [] if config.shows(c["rule"])]
    findings = [c for c in checks if c["status"] == "fail" and c["severity"] in ("error", "warning")
                and c.get("id") not in config.baseline]
    findings.sort(key=lambda c: SEVERITY_ORDER[c["severity"]])
    return dict(doc, checks=checks, findings=findings)
