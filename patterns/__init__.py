"""Data the extractor and checker read: concepts, figure units, formulas, rules. Loaded, never hard-coded."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load(name: str):
    """Load patterns/NAME.yaml (with libyaml's safe loader where PyYAML has it)."""
    with resources.files(__package__).joinpath(f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=SAFE_LOADER)


def path(name: str) -> str:
    """Filesystem path of a data file in patterns/."""
    return str(resources.files(__package__).joinpath(name))


@lru_cache(maxsize=None)
def compiled(pattern: str):
    """A pattern string of the data files, compiled once (the regex module; its own cache costs more per call)."""
    import regex
    return regex.compile(pattern)
