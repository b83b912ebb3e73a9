"""Copy the bundled project tables (corpus/project-tables/*.docx, ruled Word tables), and the project and scoring
tables of corpus/real's tuning part that hold their grid as '|' rows, into the text layouts archives hold them in, check the copies, and report what each layout costs: the checks still made, and every finding the
copy brings (a new finding on a table whose figures did not change is a false alarm of the reading).

Layouts: '|' rows whose merged cells vanished, blanks kept (pipe_dropped); '|' rows of the filled cells only
(pipe_filled); the filled cells of a row separated by spaces (spaces); one cell a line (cell_lines), with a blank
line between cells (cell_lines_blank); a row's cells run together with no separator (fused); a whole table's cells
run together on one line, as document-sharing sites serve it (fused_table).

Usage: python bench/table_layouts.py [FOLDER]
Exit status 1 when a layout brings a new finding.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE))

from copies import compare, report  # noqa: E402
from extractor.document import read_document  # noqa: E402
from extractor.model import Paragraph, Table  # noqa: E402

REAL_TYPES = ("project_self_evaluation_table", "scoring_table")
LAYOUTS = ("pipe_dropped", "pipe_filled", "spaces", "cell_lines", "cell_lines_blank", "fused", "fused_table")


def _lines(path: Path, layout: str) -> list[str]:
    out: list[str] = []
    for block in read_document(str(path)).blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
            continue
        if not isinstance(block, Table):
            continue
        if layout == "fused_table":
            out.append("".join(c.text.strip() for row in block.rows for c in row if not c.covered))
            continue
        for row in block.rows:
            kept = [c.text.strip() for c in row if not c.covered]
            filled = [t for t in kept if t]
            if layout == "pipe_dropped":
                out.append(" | ".join(kept) + " |")
            elif layout == "pipe_filled":
                out.append(" | ".join(filled) + " |")
            elif layout == "spaces":
                out.append(" ".join(t.replace(" ", "") for t in filled))
            elif layout == "cell_lines":
                out += filled
            elif layout == "cell_lines_blank":
                out += [line for t in filled for line in (t, "")]
            elif layout == "fused":
                out.append("".join(filled))
    return out


def real_tables(corpus: Path) -> list[Path]:
    """The tuning part's project and scoring tables of corpus/real that hold their grid as '|' rows."""
    from eval_real import documents, part_of
    return [source for name, source, audit in documents(corpus)
            if part_of(name) == "tuning" and source.suffix == ".txt"
            and (audit.get("source") or {}).get("type") in REAL_TYPES
            and any(isinstance(b, Table) and b.width > 2 for b in read_document(str(source)).blocks)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=str(HERE.parent / "corpus" / "project-tables"))
    args = ap.parse_args(argv)
    copies = {layout: (lambda source, layout=layout: "\n".join(_lines(source, layout))) for layout in LAYOUTS}
    status = 0
    for title, sources in ((f"project tables ({Path(args.folder).name}/*.docx)", sorted(Path(args.folder).glob("*.docx"))),
                           ("project and scoring tables of corpus/real (tuning part, '|' grids)",
                            real_tables(HERE.parent / "corpus" / "real"))):
        total, kept, new = compare(sources, copies)
        status |= report(f"{len(sources)} {title}, {total} checks made on the originals", "layout", total, kept, new)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
