"""What copying a document into another form costs jxcheck: the checks it still makes on the copy, and the findings the
copy brings (a new finding on a copy whose figures did not change is a false alarm of the reading). Shared by
format_robustness.py and table_layouts.py."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jxcheck.api import check_file  # noqa: E402


def checks_and_findings(path: Path) -> tuple[set, set]:
    """(checks made, findings) of one file, each as (rule, reported figure)."""
    checks = check_file(str(path)).get("checks", [])
    made = {(c["rule"], (c.get("reported") or "").strip()) for c in checks if c["status"] in ("pass", "fail")}
    found = {(c["rule"], (c.get("reported") or "").strip()) for c in checks
             if c["status"] == "fail" and c["severity"] in ("error", "warning")}
    return made, found


def compare(sources: list[Path], copies: dict[str, Callable[[Path], str]]) -> tuple[int, dict[str, int], list[str]]:
    """Checks made on the sources, checks kept on each kind of copy, and each new finding as a line."""
    kept = {name: 0 for name in copies}
    new: list[str] = []
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            made, found = checks_and_findings(source)
            total += len(made)
            for name, copy in copies.items():
                target = Path(tmp) / f"{source.stem}.{name}.txt"
                target.write_text(copy(source), encoding="utf-8")
                made_after, found_after = checks_and_findings(target)
                kept[name] += len(made & made_after)
                new += [f"  {name}: {source.stem}: {rule} {figure}" for rule, figure in sorted(found_after - found)]
    return total, kept, new


def report(heading: str, column: str, total: int, kept: dict[str, int], new: list[str]) -> int:
    """Print the table of checks kept and the new findings; 1 when there is one."""
    width = max([len(column)] + [len(name) for name in kept]) + 2
    print(heading)
    print(f"{column:<{width}}{'checks kept':>16}")
    for name, n in kept.items():
        print(f"{name:<{width}}{n:>8} ({100 * n / total:.1f}%)" if total else f"{name:<{width}}{0:>8}")
    print(f"new findings: {len(new)}")
    print("\n".join(new))
    return 1 if new else 0
