"""Every run-time dependency declared in pyproject.toml is imported by run-time code, and every third-party package
that code imports is declared (in the dependencies, or in the extra named for it)."""
from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ("extractor", "scoring", "jxcheck", "patterns")
OWN = {"extractor", "scoring", "jxcheck", "patterns"}
EXTRA_MODULES = {"jxcheck/serve", "jxcheck/ray_engine.py", "jxcheck/dataframes.py", "extractor/readers/ocr.py"}


def _name(requirement: str) -> str:
    return regex.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _third_party(paths) -> set[str]:
    dists = packages_distributions()
    out = set()
    for path in paths:
        for module in _imports(path) - OWN - set(sys.stdlib_module_names):
            out |= {d.lower().replace("_", "-") for d in dists.get(module, [module])}
    return out


def test_declared_dependencies_are_the_ones_the_code_imports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    files = [p for package in RUNTIME for p in (ROOT / package).rglob("*.py")]
    core = [p for p in files if not any(str(p.relative_to(ROOT)).startswith(e) for e in EXTRA_MODULES)]
    used_by_core = _third_party(core)
    assert declared - used_by_core == set(), "declared but not imported by run-time code"
    assert used_by_core - declared == set(), "imported by run-time code but not declared"
    assert _third_party(files) - declared - extras == set(), "imported by an extra's module but in no extra"
