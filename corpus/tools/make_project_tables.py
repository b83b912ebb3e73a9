"""Build the project self-evaluation tables (项目支出绩效自评表) of corpus/project-tables from their specs.

Each specs/NAME.yaml holds the printed cells of one table (see the comments in the specs for the
column order of each layout). For each spec this writes NAME.docx with one ruled Word table whose
label cells are really merged (gridSpan / vMerge through python-docx `cell.merge`), then converts
every DOCX to NAME.pdf with a single LibreOffice call.

Layouts:
  national    财政部 2020 template: 项目资金（万元） block, 年度总体目标, 绩效指标 with 分值, 总分.
  province_a  provincial variant: 金额单位：万元 caption, 预算执行情况（10分） with 调整后预算数 / 权重,
              绩效指标（90分）.
  province_b  provincial variant: 金额单位：元 caption, 合计 row below its parts, 分值 before the
              target, target split into 指标性质 / 指标值 / 度量单位.

Usage: python make_project_tables.py [SPEC_DIR [OUT_DIR]]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from txt2docx import set_fonts  # noqa: E402 - the corpus DOCX files share one body font

FONT = "WenQuanYi Zen Hei"
LEFT = "<"
UP = "^"
TABLE_SIZE = Pt(8)
LONG_TEXT = 16

HERE = Path(__file__).resolve().parent
DEFAULT_SPECS = HERE.parent / "project-tables" / "specs"

WIDTHS_MM = {
    "national": [16, 15, 19, 28, 21, 21, 12, 14, 34],
    "province_a": [16, 15, 19, 28, 21, 21, 14, 12, 34],
    "province_b": [16, 16, 24, 12, 12, 18, 12, 18, 13, 33],
}


def _spread(first, *cells, width):
    """A row of `width` grid cells: the given cells, then the last one merged to the right edge."""
    row = [first, *cells]
    return row + [LEFT] * (width - len(row))


def _under(label, above):
    """UP when this label repeats the one above it in the same group, else the label."""
    return UP if above is not None and label == above else label


def national_rows(spec):
    w = 9
    rows = [
        _spread("项目名称", spec["project"], width=w),
        ["主管部门", spec["department"], LEFT, LEFT, "实施单位", LEFT, spec["implementer"], LEFT, LEFT],
        ["项目资金（万元）", "", LEFT, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ]
    for label, initial, budget, executed, weight, rate, score in spec["funds"]:
        rows.append([UP, label, LEFT, initial, budget, executed, weight, rate, score])
    rows += _goal_rows(spec, "年度总体目标", w)
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                 "偏差原因分析及改进措施"])
    rows += [[UP, *cells] for cells in _grouped(spec["indicators"], 2)]
    rows += _total_rows(spec, "总分", "自评等级", 6, w)
    return rows


def province_a_rows(spec):
    w = 9
    rows = [
        _spread("项目名称", spec["project"], width=w),
        ["主管部门", spec["department"], LEFT, LEFT, "实施单位", LEFT, spec["implementer"], LEFT, LEFT],
        ["预算执行情况（10分）", "资金来源", LEFT, "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
    ]
    for label, initial, budget, executed, rate, weight, score in spec["funds"]:
        rows.append([UP, label, LEFT, initial, budget, executed, rate, weight, score])
    rows += _goal_rows(spec, "年度绩效目标", w)
    rows.append(["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "权重", "得分",
                 "未完成原因分析"])
    rows += [[UP, *cells] for cells in _grouped(spec["indicators"], 2)]
    rows += _total_rows(spec, "总分", "自评等级", 6, w)
    return rows


def province_b_rows(spec):
    w = 10
    rows = [
        _spread("项目名称", spec["project"], width=w),
        ["主管部门", spec["department"], LEFT, LEFT, LEFT, "实施单位", spec["implementer"], LEFT, LEFT, LEFT],
        ["资金来源", LEFT, "年初预算数", "全年预算数", LEFT, "全年执行数", LEFT, "执行率", "分值", "得分"],
    ]
    for label, initial, budget, executed, rate, weight, score in spec["funds"]:
        rows.append([label, LEFT, initial, budget, LEFT, executed, LEFT, rate, weight, score])
    rows += _goal_rows(spec, "年度总体目标", w)
    rows.append(["一级指标", "二级指标", "三级指标", "分值", "指标性质", "指标值", "度量单位", "实际完成值", "得分",
                 "偏差原因分析及改进措施"])
    rows += _grouped(spec["indicators"], 2)
    total_weight, total_score = spec["total"]
    rows.append(["总分", LEFT, LEFT, total_weight, "", LEFT, LEFT, LEFT, total_score, ""])
    if spec.get("grade"):
        rows.append(_spread("评价等级", LEFT, LEFT, spec["grade"], width=w))
    return rows


def _goal_rows(spec, label, width):
    half = (width - 1) // 2
    head = [label, "预期目标"] + [LEFT] * (half - 1) + ["实际完成情况"] + [LEFT] * (width - 2 - half)
    body = [UP, spec["goals"]["planned"]] + [LEFT] * (half - 1) + [spec["goals"]["actual"]] + [LEFT] * (width - 2 - half)
    return [head, body]


def _grouped(indicators, levels):
    """Indicator rows with repeated 一级 / 二级 labels turned into vertical merges."""
    out = []
    previous = None
    for cells in indicators:
        cells = list(cells)
        row = list(cells)
        for level in range(levels):
            same_parents = previous is not None and previous[:level] == cells[:level]
            if same_parents and previous[level] == cells[level]:
                row[level] = UP
        out.append(row)
        previous = cells
    return out


def _total_rows(spec, total_label, grade_label, weight_col, width):
    total_weight, total_score = spec["total"]
    rows = [[total_label] + [LEFT] * (weight_col - 1) + [total_weight, total_score, ""]]
    if spec.get("grade"):
        rows.append([grade_label] + [LEFT] * (weight_col - 1) + [spec["grade"], LEFT, LEFT])
    return rows


LAYOUTS = {"national": national_rows, "province_a": province_a_rows, "province_b": province_b_rows}


def rectangles(rows):
    """(top, left, bottom, right, text) for every anchor cell and the LEFT / UP cells it covers."""
    out = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            right = c
            while right + 1 < len(row) and row[right + 1] == LEFT:
                right += 1
            bottom = r
            while bottom + 1 < len(rows) and all(rows[bottom + 1][k] == UP for k in range(c, right + 1)):
                bottom += 1
            out.append((r, c, bottom, right, text))
    covered = sum((b - t + 1) * (rt - lf + 1) for t, lf, b, rt, _ in out)
    if covered != len(rows) * len(rows[0]):
        raise ValueError("merge markers do not tile the table")
    return out


def set_page(document):
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.left_margin = section.right_margin = Mm(14)
    section.top_margin = section.bottom_margin = Mm(18)


def add_paragraph(document, text, size=10.5, bold=False, align=None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if align is not None:
        paragraph.alignment = align
    return paragraph


def fill_rectangle(table, box, text, size):
    """The cell that spans box (top, left, bottom, right), merged once and left with one paragraph holding the
    text at the given size: the cell, its paragraph and the text's run (None for an empty cell)."""
    top, left, bottom, right = box
    cell = table.cell(top, left)
    if (bottom, right) != (top, left):
        cell = cell.merge(table.cell(bottom, right))
        for paragraph in cell.paragraphs[1:]:
            paragraph._element.getparent().remove(paragraph._element)
    paragraph = cell.paragraphs[0]
    run = None
    if text:
        run = paragraph.add_run(text)
        run.font.size = size
    return cell, paragraph, run


def add_table(document, rows, widths_mm):
    width = len(rows[0])
    if any(len(row) != width for row in rows) or len(widths_mm) != width:
        raise ValueError("rows and widths must all have the grid width")
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.autofit = False
    for c, mm in enumerate(widths_mm):
        table.columns[c].width = Mm(mm)
        for cell in table.columns[c].cells:
            cell.width = Mm(mm)
    for top, left, bottom, right, text in rectangles(rows):
        cell, paragraph, _ = fill_rectangle(table, (top, left, bottom, right), text, TABLE_SIZE)
        long_text = len(text) > LONG_TEXT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if long_text else WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if cell.text != text:
            raise ValueError(f"merge changed {text!r} to {cell.text!r}")
    return table


def build_docx(spec, target):
    document = Document()
    set_fonts(document)
    set_page(document)
    layout = spec["layout"]
    if layout == "province_b":
        add_paragraph(document, f"{spec['year']}年度项目支出绩效自评表", 15, True, WD_ALIGN_PARAGRAPH.CENTER)
    else:
        add_paragraph(document, "项目支出绩效自评表", 15, True, WD_ALIGN_PARAGRAPH.CENTER)
        add_paragraph(document, f"（{spec['year']}年度）", 10.5, False, WD_ALIGN_PARAGRAPH.CENTER)
    if layout == "province_a":
        add_paragraph(document, spec.get("caption") or "金额单位：万元", 9, False, WD_ALIGN_PARAGRAPH.RIGHT)
    elif spec.get("caption"):
        add_paragraph(document, spec["caption"], 9, False, WD_ALIGN_PARAGRAPH.RIGHT)
    add_table(document, LAYOUTS[layout](spec), WIDTHS_MM[layout])
    for note in spec.get("notes") or []:
        add_paragraph(document, note, 9)
    document.save(target)


def to_pdf(docx_paths, out_dir):
    """Convert all DOCX files with one soffice call, in a throwaway LibreOffice profile."""
    for path in docx_paths:
        path.with_suffix(".pdf").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_paths)],
                       check=True, stdout=subprocess.DEVNULL)
    missing = [p.name for p in docx_paths if not p.with_suffix(".pdf").is_file()]
    if missing:
        raise SystemExit(f"soffice made no PDF for: {', '.join(missing)}")


def build_all(argv, build_docx, default_specs, usage):
    """Build NAME.docx from every SPEC_DIR/NAME.yaml with build_docx, then all the PDFs with one LibreOffice call."""
    if len(argv) > 3:
        sys.exit(usage)
    spec_dir = Path(argv[1]) if len(argv) > 1 else default_specs
    out_dir = Path(argv[2]) if len(argv) > 2 else spec_dir.parent
    specs = sorted(spec_dir.glob("*.yaml"))
    if not specs:
        sys.exit(f"no specs in {spec_dir}")
    built = []
    for spec_path in specs:
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        target = out_dir / f"{spec_path.stem}.docx"
        build_docx(spec, target)
        built.append(target)
    to_pdf(built, out_dir)
    for path in built:
        print(f"built {path.name} {path.with_suffix('.pdf').name}")


def main(argv):
    build_all(argv, build_docx, DEFAULT_SPECS, __doc__.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv)
