"""Data the extractor and checker read: concepts, figure units, formulas, rules. Loaded, never hard-coded."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load(name: str):
    """Load patterns/NAME.yaml."""
    with resources.files(__package__).joinpath(f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def path(name: str) -> str:
    """Filesystem path of a data file in patterns/."""
    return str(resources.files(__package__).joinpath(name))
