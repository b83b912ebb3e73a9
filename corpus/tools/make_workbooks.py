"""Build NAME.xlsx and NAME.xls of every project self-evaluation table of corpus/project-tables from its spec.

The sheet holds what NAME.docx holds: the title and 金额单位 lines as rows merged across the table, the table
with the same merged cells (make_project_tables.rectangles), and the notes as merged rows below. Figures are
stored as numbers under the number format that prints them as the spec does (2,700,000.00 under #,##0.00,
88.42% as 0.8842 under 0.00%, 10.00 under 0.00), text stays text; a 执行率 that equals 执行数 ÷ 预算数 at its
printed decimals is a formula with its cached value. NAME.xls is the same workbook saved by LibreOffice Calc.

Usage: python make_workbooks.py [SPEC_DIR [OUT_DIR]]
"""

import datetime
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import regex
import xlsxwriter
import yaml
from xlsxwriter.utility import xl_rowcol_to_cell

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_project_tables import DEFAULT_SPECS, LAYOUTS, rectangles  # noqa: E402

PERCENT = regex.compile(r"^(\d+(?:\.(\d+))?)%$")
GROUPED = regex.compile(r"^\d{1,3}(?:,\d{3})+(?:\.(\d+))?$")
DECIMAL = regex.compile(r"^\d+\.(\d+)$")
INTEGER = regex.compile(r"^(?:0|[1-9]\d*)$")
BUDGET_HEADS = ("全年预算数", "调整后预算数")
EXECUTED_HEADS = ("全年执行数", "预算执行数")
COLUMN_WIDTH = 12
CREATED = datetime.datetime(2023, 2, 20)


def typed(text):
    """(value, number format) for a printed figure, or (text, None) for anything else."""
    if m := PERCENT.match(text):
        decimals = len(m.group(2) or "")
        return float(Decimal(m.group(1)) / 100), "0" + ("." + "0" * decimals if decimals else "") + "%"
    if m := GROUPED.match(text):
        decimals = len(m.group(1) or "")
        return float(Decimal(text.replace(",", ""))), "#,##0" + ("." + "0" * decimals if decimals else "")
    if m := DECIMAL.match(text):
        return float(Decimal(text)), "0." + "0" * len(m.group(1))
    if INTEGER.match(text):
        return int(text), None
    return text, None


def title_lines(spec):
    """The lines above the table, as build_docx writes them."""
    layout = spec["layout"]
    if layout == "province_b":
        lines = [f"{spec['year']}年度项目支出绩效自评表"]
    else:
        lines = ["项目支出绩效自评表", f"（{spec['year']}年度）"]
    if layout == "province_a":
        lines.append(spec.get("caption") or "金额单位：万元")
    elif spec.get("caption"):
        lines.append(spec["caption"])
    return lines


def rate_formulas(rows):
    """{(row, col): (formula, value)} for each 执行率 cell that equals its row's 执行数 ÷ 预算数 as printed."""
    out = {}
    for h, header in enumerate(rows):
        if not any("执行率" in str(t) for t in header):
            continue
        rate_col = next(c for c, t in enumerate(header) if "执行率" in str(t))
        budget_col = next((c for c, t in enumerate(header) if t in BUDGET_HEADS), None)
        executed_col = next((c for c, t in enumerate(header) if t in EXECUTED_HEADS), None)
        if budget_col is None or executed_col is None:
            continue
        for r in range(h + 1, len(rows)):
            rate = PERCENT.match(str(rows[r][rate_col]))
            budget, executed = (str(rows[r][c]).replace(",", "") for c in (budget_col, executed_col))
            if not rate or not DECIMAL.match(budget) or not DECIMAL.match(executed) or Decimal(budget) == 0:
                continue
            value = Decimal(executed) / Decimal(budget)
            places = Decimal(1).scaleb(-len(rate.group(2) or ""))
            if (value * 100).quantize(places, rounding=ROUND_HALF_UP) == Decimal(rate.group(1)):
                formula = f"={xl_rowcol_to_cell(r, executed_col)}/{xl_rowcol_to_cell(r, budget_col)}"
                out[(r, rate_col)] = (formula, float(value))
    return out


def build_xlsx(spec, target):
    rows = LAYOUTS[spec["layout"]](spec)
    width = len(rows[0])
    book = xlsxwriter.Workbook(str(target))
    book.set_properties({"created": CREATED})
    sheet = book.add_worksheet("自评表")
    sheet.set_column(0, width - 1, COLUMN_WIDTH)
    formats = {}

    def fmt(num_format, bold=False, border=1):
        key = (num_format, bold, border)
        if key not in formats:
            props = {"border": border, "valign": "vcenter", "text_wrap": True, "bold": bold}
            if num_format:
                props["num_format"] = num_format
            formats[key] = book.add_format(props)
        return formats[key]

    top = 0
    for line in title_lines(spec):
        sheet.merge_range(top, 0, top, width - 1, line, fmt(None, bold=top == 0, border=0))
        top += 1
    shifted = [[str(t) for t in row] for row in rows]
    formulas = rate_formulas(shifted)
    for r0, c0, r1, c1, text in rectangles(rows):
        value, num_format = typed(text)
        cell_format = fmt(num_format)
        if (r0, c0) != (r1, c1):
            sheet.merge_range(top + r0, c0, top + r1, c1, "", cell_format)
        if (r0, c0) in formulas:
            formula, cached = formulas[(r0, c0)]
            moved = regex.sub(r"\d+", lambda m: str(int(m.group()) + top), formula)
            sheet.write_formula(top + r0, c0, moved, cell_format, cached)
        elif isinstance(value, str):
            sheet.write_string(top + r0, c0, value, cell_format) if value else sheet.write_blank(top + r0, c0, None, cell_format)
        else:
            sheet.write_number(top + r0, c0, value, cell_format)
    row = top + len(rows)
    for note in spec.get("notes") or []:
        sheet.merge_range(row, 0, row, width - 1, note, fmt(None, border=0))
        row += 1
    book.close()


def to_xls(xlsx_paths, out_dir):
    """Save every workbook as .xls with one LibreOffice Calc call, in a throwaway profile."""
    for path in xlsx_paths:
        path.with_suffix(".xls").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "xls", "--outdir", str(out_dir), *map(str, xlsx_paths)],
                       check=True, stdout=subprocess.DEVNULL)
    missing = [p.name for p in xlsx_paths if not p.with_suffix(".xls").is_file()]
    if missing:
        raise SystemExit(f"LibreOffice Calc made no XLS for: {', '.join(missing)} (libreoffice-calc-nogui installed?)")


def main(argv):
    if len(argv) > 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    spec_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPECS
    out_dir = Path(argv[2]) if len(argv) > 2 else spec_dir.parent
    built = []
    for spec_path in sorted(spec_dir.glob("*.yaml")):
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        target = out_dir / f"{spec_path.stem}.xlsx"
        build_xlsx(spec, target)
        built.append(target)
    if not built:
        sys.exit(f"no specs in {spec_dir}")
    to_xls(built, out_dir)
    for path in built:
        print(f"built {path.name} {path.with_suffix('.xls').name}")


if __name__ == "__main__":
    main(sys.argv)
