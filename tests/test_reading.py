"""Reading: encodings, merged cells, tables split by blank lines or pages, bad input, PDF picture pages and
DOCX pictures."""
from __future__ import annotations

from pathlib import Path

import pytest
import regex

from extractor.document import read_document
from jxcheck.api import check_file

from handmade import make_docx, picture_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_give_the_same_findings(tmp_path, encoding):
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    base = check_file(str(SEEDS / "zj2020_self.txt"))
    other = check_file(str(path))
    assert [(f["rule"], f["reported"]) for f in other["findings"]] == [(f["rule"], f["reported"]) for f in base["findings"]]


def test_docx_merged_cells_are_not_double_counted():
    doc = read_document(str(SEEDS / "zj2018_review.docx"))
    table = next(t for t in doc.tables if any("公用经费" in c.text for row in t.rows for c in row))
    texts = [c.text for row in table.rows for c in row]
    assert texts.count("财政资金") == 1
    covered = [c for row in table.rows for c in row if c.covered]
    assert covered and all(c.text == "" for c in covered)


def test_pdf_table_continued_on_next_page_is_stitched():
    doc = read_document(str(SEEDS / "zj2018_review.pdf"))
    table = next(t for t in doc.tables if t.rows and t.rows[0][0].text == "项目名称" and t.width == 5)
    pages = {c.page for row in table.rows for c in row}
    assert len(table.rows) == 24 and len(pages) == 2


def test_txt_table_split_by_blank_line_stays_one_table():
    doc = read_document(str(SEEDS / "zj2018_review.txt"))
    assert any(len(t.rows) == 24 and t.width == 5 for t in doc.tables)


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "unreadable"),
    ("random.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "corrupt"),
    ("random.docx", b"PK\x03\x04" + bytes(range(200)), "corrupt"),
    ("notzip.docx", b"this is not a zip", "corrupt"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "corrupt"),
])
def test_bad_input_is_a_clear_error(tmp_path, name, data, code):
    path = tmp_path / name
    path.write_bytes(data)
    result = check_file(str(path))
    assert result["status"] == "error" and result["error"]["code"] == code
    assert "/" in result["error"]["message"]


def _docx_with_textbox_and_nested_table(path):
    import docx
    from docx.oxml import parse_xml
    document = docx.Document()
    document.add_paragraph("单位：某某局")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "项目"
    outer.cell(0, 1).text = "金额"
    outer.cell(1, 0).text = "明细"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "人员经费"
    inner.cell(0, 1).text = "31.08"
    inner.cell(1, 0).text = "公用经费"
    inner.cell(1, 1).text = "4.01"
    merged = document.add_table(rows=2, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "合并标题"
    for c, t in enumerate(("1", "2", "3")):
        merged.cell(1, c).text = t
    para = document.add_paragraph("正文")
    box = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
        '<w:p><w:r><w:t>文本框：年末结转结余41.93万元</w:t></w:r></w:p>'
        '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    para._p.append(parse_xml(box))
    document.save(path)


def test_docx_textbox_nested_table_and_merged_cells(tmp_path):
    path = tmp_path / "shapes.docx"
    _docx_with_textbox_and_nested_table(path)
    doc = read_document(str(path))
    assert doc.error is None
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "年末结转结余41.93万元" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row]
    assert "31.08" in cells and "4.01" in cells
    merged = next(t for t in doc.tables if any(c.text == "合并标题" for c in t.rows[0]))
    assert [c.text for c in merged.rows[0]].count("合并标题") == 1
    assert [c.covered for c in merged.rows[0]] == [False, True, True]


def test_pdf_picture_pages_are_listed(tmp_path):
    """A page with a picture over 30% or more of it and fewer than 50 printed characters is a picture page;
    a picture beside 50 or more characters, or a small one, is not; a PDF of pictures only cannot be read."""
    body = "Total expenditure 100.00, of which staff 60.00 and projects 40.00."
    path = tmp_path / "p.pdf"
    path.write_bytes(picture_pdf([(body, 0), ("Scan of the signed table", 0.9), (body, 0.9), ("Seal", 0.2),
                                  ("", 0.3)]))
    doc = read_document(str(path))
    assert doc.error is None and [p.page for p in doc.pictures] == [2, 5]
    note = [c for c in check_file(str(path))["checks"] if c["rule"] == "document.pictures"]
    assert len(note) == 1 and "第2、5页" in note[0]["message"] and [e["page"] for e in note[0]["evidence"]] == [2, 5]
    path.write_bytes(picture_pdf([("", 1.0), ("", 1.0)]))
    assert read_document(str(path)).error.code == "no_text_layer"


def test_a_designed_cover_is_not_named_as_a_picture_page():
    """Page 1 printing a report's title and no figure over a full-page picture is a cover; a first page with a
    figure, and a later page with a title, are still named."""
    from extractor.model import Document, Paragraph, Picture
    from jxcheck.api import check_document

    def pictured(first: str, third: str) -> list[int]:
        blocks = [Paragraph(1, first, page=1), Paragraph(2, "一、基本情况。2018年度实际支出 470.00 万元。", page=2),
                  Paragraph(3, third, page=3)]
        doc = Document(path="r.pdf", format="pdf", sha256="", blocks=blocks,
                       pictures=[Picture(page=1), Picture(page=3)])
        note = [c for c in check_document(doc)["checks"] if c["rule"] == "document.pictures"]
        return [e["page"] for e in note[0]["evidence"]] if note else []

    title = "湛江市某局2018年度部门整体支出绩效评价报告 二〇一九年六月"
    assert pictured(title, "") == [3]
    assert pictured(title, title) == [3]
    assert pictured("附件：2018年收支 470.00 万元 报告", "") == [1, 3]
    assert pictured("项目支出绩效自评表", "") == [1, 3]


DOCX_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}


def drawing(cx_cm: float, cy_cm: float, uri: str = "http://schemas.openxmlformats.org/drawingml/2006/picture") -> str:
    return (f'<w:drawing><wp:inline><wp:extent cx="{round(cx_cm * 360000)}" cy="{round(cy_cm * 360000)}"/>'
            f'<a:graphic><a:graphicData uri="{uri}"/></a:graphic></wp:inline></w:drawing>')


def test_docx_pictures_are_listed_with_their_place_and_size(tmp_path):
    """Pictures, charts and embedded objects from 7 × 3 cm are listed by paragraph; small pictures, text boxes
    and the fallback copy of an AlternateContent picture are not."""
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    body = "".join([
        f"<w:p><w:r>{drawing(2, 2)}</w:r></w:p>",
        "<w:p><w:r><w:t>年度支出 500.00 万元，其中：基本支出 200.00 万元，项目支出 300.00 万元。</w:t></w:r></w:p>",
        f"<w:p><w:r>{drawing(15, 9)}</w:r></w:p>",
        f"<w:p><w:r><w:t>图表如下：</w:t></w:r><w:r>{drawing(12, 6, 'http://schemas.openxmlformats.org/drawingml/2006/chart')}</w:r></w:p>",
        f"<w:p><w:r>{drawing(15, 9, wps)}</w:r></w:p>",
        '<w:p><w:r><w:pict><v:shape style="width:415pt;height:300pt"><v:imagedata/></v:shape></w:pict></w:r></w:p>',
        '<w:p><w:r><w:object><v:shape style="width:10cm;height:4cm"/></w:object></w:r></w:p>',
        f"<w:p><w:r><mc:AlternateContent><mc:Choice>{drawing(8, 4)}</mc:Choice><mc:Fallback><w:pict>"
        '<v:shape style="width:8cm;height:4cm"><v:imagedata/></v:shape></w:pict></mc:Fallback></mc:AlternateContent>'
        "</w:r></w:p>",
    ])
    path = make_docx(tmp_path / "pictures.docx", body, namespaces=DOCX_NAMESPACES)
    doc = read_document(str(path))
    assert doc.error is None
    assert [(p.paragraph, p.after, p.width_cm, p.height_cm) for p in doc.pictures] == [
        (1, True, 15.0, 9.0), (2, False, 12.0, 6.0), (2, True, 14.6, 10.6), (2, True, 10.0, 4.0), (2, True, 8.0, 4.0)]
    [note] = [c for c in check_file(str(path))["checks"] if c["rule"] == "document.pictures"]
    assert note["status"] == "unverifiable" and "文中有 5 张图片" in note["message"]
    assert "第1段后（15.0 × 9.0 厘米）" in note["message"] and "第2段（12.0 × 6.0 厘米）" in note["message"]


def test_pdf_ocr_pages_are_listed(tmp_path):
    """A page whose text is drawn invisible under a picture covering 90% of it or more is a scan with an OCR
    layer; visible text over a background picture, invisible text alone, or over a smaller picture is not."""
    body = "Total expenditure 100.00, of which staff 60.00 and projects 40.00."
    path = tmp_path / "ocr.pdf"
    path.write_bytes(picture_pdf([(body, 1.0), (body, 1.0, True), (body, 0, True), (body, 0.5, True), (body, 0.95, True)]))
    doc = read_document(str(path))
    assert doc.error is None and doc.ocr_pages == [2, 5] and doc.pictures == []
    assert "Total expenditure 100.00" in doc.text()
    [note] = [c for c in check_file(str(path))["checks"] if c["rule"] == "document.ocr_pages"]
    assert note["status"] == "unverifiable" and note["message"].startswith("第2、5页是扫描件")
    path.write_bytes(picture_pdf([(body, 1.0, True)] * 3 + [(body, 0), (body, 1.0, True)]))
    [note] = [c for c in check_file(str(path))["checks"] if c["rule"] == "document.ocr_pages"]
    assert note["message"].startswith("第1–3、5页是扫描件") and [e["page"] for e in note["evidence"]] == [1, 2, 3, 5]


def test_many_picture_pages_are_given_as_runs():
    from extractor.facts import Facts
    from extractor.model import Picture
    from scoring.rules import pictures
    [note] = pictures.check(Facts([], [], pictures=[Picture(page=p) for p in [*range(3, 41), 45]]))
    assert note.message.startswith("第3–40、45页几乎全是图片") and len(note.evidence) == 20
    [note] = pictures.check(Facts([], [], pictures=[Picture(paragraph=p, after=True) for p in range(1, 31)]))
    assert "文中有 30 张图片" in note.message and "第20段后等" in note.message and "第21段后" not in note.message


def test_a_finding_on_an_ocr_page_says_so():
    corpus = SEEDS.parent
    plain = check_file(str(corpus / "project-tables" / "pt03_medical_equip.pdf"))["findings"]
    scanned = check_file(str(corpus / "scanned-pages" / "sp04_ocr_scan.pdf"))["findings"]
    assert plain and [f["message"] for f in scanned] == [
        f["message"] + "（第1页为扫描件，数字来自文字识别，请对照原件核实）" for f in plain]


def _paragraphs(path) -> list[str]:
    from extractor.model import Paragraph
    return [b.text for b in read_document(str(path)).blocks if isinstance(b, Paragraph)]


def test_hard_wrapped_txt_lines_are_joined_into_paragraphs():
    texts = _paragraphs(next((CORPUS / "real").glob("rs_r28_*.txt")))
    assert "2.上级补助收入8.38万元,系事业单位开展业务活动所取得的收入。比2020年度决算数减少17.40万元,下降67.5%,原因在于" \
           "军休人员自然减员,下拨的定期增资经费等相应减少。" in texts
    assert "各项收入情况如下。" in texts
    assert texts[0] == "—5—"
    assert sum(t.startswith(("1.", "2.", "3.")) for t in texts) == 4


@pytest.mark.parametrize("name, width", [("seeds/zj2020_self.txt", 26), ("seeds/zj2020_self.txt", 38),
                                         ("real/rs_r37_changde_czj_1to5.txt", 30),
                                         ("real/rs_r36_dayao_czj_yusuan_2024.txt", 26),
                                         ("real/us_hi_danzhou_xianjie_20xx.txt", 45),
                                         ("real/us_hn_heshan_cgzfj_2019.txt", 45)])
def test_text_cut_at_a_fixed_number_of_characters_is_checked_as_the_original(tmp_path, name, width):
    """Figures and half-width punctuation make such lines narrower on screen than their neighbours, a line may be
    cut right after a ；, and a figure may be cut in two (165|24万元): the checks are those of the original."""
    source = CORPUS / name
    lines = []
    for line in source.read_text(encoding="utf-8").split("\n"):
        if "\t" in line or "|" in line:
            lines.append(line)
        else:
            lines += [line[i:i + width] for i in range(0, len(line), width)] or [""]
    cut = tmp_path / "cut.txt"
    cut.write_text("\n".join(lines), encoding="utf-8")

    def checks(path):
        return sorted((c["rule"], c["reported"], c["status"]) for c in check_file(str(path))["checks"])

    assert len(lines) > len(source.read_text(encoding="utf-8").split("\n"))
    assert checks(cut) == checks(source)


def test_txt_that_is_not_wrapped_keeps_its_lines(tmp_path):
    lines = ["一、基本情况", "本单位2020年收入100万元，支出90万元，", "结余10万元。", "项目\t预算\t执行",
             "合计\t100\t90"] + [f"第{i}行的文字比较短。" for i in range(6)]
    path = tmp_path / "short.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _paragraphs(path)[:3] == lines[:3]


def test_wrapped_lines_stop_at_tables_and_headings(tmp_path):
    width = "本单位二〇二〇年度预算执行情况良好各项支出均按计划执行到位并且"
    lines = [width + "收入", "一百万元。", "(二)支出情况", width + "支出", "九十万元，", "项目\t预算\t执行",
             "合计\t100\t90", width + "结余", "十万元，"] + [width + "甲乙", width + "丙丁", "戊己。"] * 3
    path = tmp_path / "wrapped.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    texts = _paragraphs(path)
    assert texts[:4] == [width + "收入一百万元。", "(二)支出情况", width + "支出九十万元，", width + "结余十万元，"]


def test_a_list_of_lines_alike_in_length_is_not_taken_for_wrapped_text(tmp_path):
    lines = ['青溪县公共法律服务中心2023年度部门整体支出绩效自评报告',
             '一、主要绩效指标完成情况',
             '数量指标：法律援助案件办理数量1,250件，年度目标1,200件',
             '质量指标：法律援助案件结案率100%，年度目标值95%以上',
             '时效指标：法律援助申请审查时限平均3个工作日，达到要求',
             '成本指标：法律援助经费支出312.50万元，较上年增加22.50万元',
             '经济效益指标：为受援群众挽回经济损失2,360万元，同比增长15.7%',
             '社会效益指标：受援群众满意度98.5%，较上年提高1.2个百分点',
             '可持续影响指标：法律援助工作站覆盖率100%，覆盖全县所有乡镇',
             '满意度指标：服务对象满意度调查满意率97.6%，达到年度目标',
             '二、预算执行情况',
             '全年预算数1,850.36万元，全年执行数1,745.20万元，预算执行率94.3%。']
    path = tmp_path / "items.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _paragraphs(path) == [line for line in lines if line]


def test_text_copied_from_a_pdf_with_spaces_around_figures_is_unwrapped(tmp_path):
    """A PDF's text layer puts spaces around figures, so its cut lines differ in width by those spaces: the lines
    are joined all the same, and the growth rates and shares are checked as in the unwrapped text."""
    paragraphs = [
        "（一）按支出结构分类划分，分为基本支出预算和项目支出预算。",
        "1.基本支出预算 2476260.58 元，占一般公共预算支出的 84.06%，同比减少 4966.66 元，下降 0.2%。",
        "工资福利支出预算 2016908.34 元，占基本支出预算 81.45%，同比增加 33279.22 元，增长 1.68%。",
        "商品和服务支出预算 445372.24 元，占基本支出预算 17.99%，同比减少 36235.88 元，下降 7.52%。",
        "对个人和家庭补助支出预算 13980 元，占基本支出预算 0.56%，同比减少 2010 元，下降 12.57%。",
        "2.项目支出 469500 元，占一般公共预算支出的 15.94%，同比增加 70100 元，增长 17.55%。",
        "商品和服务支出 438000 元，占项目支出预算 93.29%，同比增加 48600 元，增长 12.48%。",
        "资本性支出 31500 元，占项目支出预算 6.71%，同比增加 21500 元，增长 215%。",
    ]
    lines = []
    budgets = [46, 40, 50, 43, 48, 41]
    for text in paragraphs:
        chunk, width = "", 0
        for ch in text.replace(" ", ""):
            step = 2 if ord(ch) > 0x2000 else 1
            if width + step > budgets[len(lines) % len(budgets)]:
                lines.append(chunk)
                chunk, width = "", 0
            chunk, width = chunk + ch, width + step
        lines.append(chunk)
    lines = [regex.sub(r"(?<=[\p{Han}，])(?=\d)|(?<=[\d%])(?=\p{Han}|，)", " ", line) for line in lines]
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("\n".join(lines), encoding="utf-8")
    whole = tmp_path / "whole.txt"
    whole.write_text("\n".join(paragraphs), encoding="utf-8")
    assert len(_paragraphs(wrapped)) == len(paragraphs)

    def checks(path):
        return sorted((c["rule"], c["reported"], c["status"]) for c in check_file(str(path))["checks"])

    assert checks(wrapped) == checks(whole)
    assert ("ratio.recompute", "1.68%", "pass") in checks(wrapped)


def test_an_office_named_on_a_web_page_source_line_is_not_the_unit(tmp_path):
    """发布时间：… 来源：厅规划财务处 names an office of a body the page does not name: not the evaluated unit."""
    from extractor.meta import unit_name
    path = tmp_path / "page.txt"
    path.write_text("2022年城乡居民基本养老保险补助资金绩效自评报告\n发布时间：2023-06-20 来源：厅规划财务处\n"
                    "全区执行数1032849.44万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) is None
    path.write_text("2022年城乡居民基本养老保险补助资金绩效自评报告\n发布时间：2023-06-20 来源：青溪县人力资源和社会保障局\n"
                    "全区执行数1032849.44万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) == "青溪县人力资源和社会保障局"


@pytest.mark.parametrize("head, unit", [
    ("2021年度财政项目绩效自评表单位名称某市中心医院填报日期2022年3月18日", "某市中心医院"),
    ("部门(单位)整体支出绩效评价自评报告\n部门(单位)名称某区发展和改革局预算编码302001报告日期:2023年", "某区发展和改革局"),
    ("项目支出绩效自评表\n单位名称:某区土壤肥料工作站 填报日期:2023年3月20日", "某区土壤肥料工作站"),
    ("项目资金(万元)年度资金总额实施单位某县某镇卫生院全年预算数全年执行数", "某县某镇卫生院"),
    ("实施单位粮食调控储备与产业发展股项目资金", None),
    ("依照预算法的有关规定，经某市财政局汇总，2021年市本级部门使用财政拨款安排的三公经费预算总额为3136万元。", "某市财政局"),
])
def test_a_form_s_fields_run_together_name_the_unit(tmp_path, head, unit):
    """Fields copied without colons or spaces (单位名称…填报日期…) still name the unit: the name ends like a unit and
    runs straight into the next field's label; a region's 三公经费 compiled by its finance office is that office's."""
    from extractor.meta import unit_name
    path = tmp_path / "form.txt"
    path.write_text(f"{head}\n一、基本情况\n本年收入100万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) == unit


@pytest.mark.parametrize("title, unit", [
    ("寿县司法局2022年“三公”经费预算情况", "寿县司法局"),
    ("寻甸回族彝族自治县教育体育局部门2020年度“三公”经费决算情况说明", "寻甸回族彝族自治县教育体育局"),
    ("仪陇县财政局关于国省县乡道路养护项目绩效评价报告", "仪陇县财政局"),
    ("《重庆市梁平区林业局2022年度部门整体绩效自评表.docx》由会员分享", "重庆市梁平区林业局"),
    ("按照区财政局《关于做好2020年预算绩效管理工作的通知》的要求", None),
    ("无为市危房改造转移支付2022年度绩效自评报告", None),
    ("关于上海市某区司法局2017年度一般公共预算财政拨款“三公”经费支出决算情况说明", "上海市某区司法局"),
    ("2021年某市发展和改革局部门整体支出绩效自评报告.pdf", "某市发展和改革局"),
    ("2015年某市司法局部门“三公”经费情况统计表", "某市司法局"),
    ("2020年度某县某镇某小学校决算编制说明", "某县某镇某小学校"),
    ("2021年某县政府决算公开", None),
    ("某县第二中学2022年经费预算信息", "某县第二中学"),
    ("第二部分某市某镇逸夫小学2016年度部门决算报表", "某市某镇逸夫小学"),
    ("无纳入某市第一幼儿园2023年度部门决算编制范围的二级预算单位。", None),
    ("2019年某市环境保护局“三公”经费财政拨款预算安排389000元，比上年预算增56400元", None),
])
def test_a_title_that_opens_with_the_unit_names_it(tmp_path, title, unit):
    from extractor.meta import unit_name
    path = tmp_path / "report.txt"
    path.write_text(f"{title}\n一、基本情况\n本年收入100万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) == unit


@pytest.mark.parametrize("head, unit", [
    ("某某市某某区人民政府门户网站\n当前位置:首页-政府信息公开-部门决算\n某某市某某区医保局2021年医疗救助补助资金绩效再评价报告",
     "某某市某某区医保局"),
    ("某某县2023年农村危房改造项目\n绩效评价报告\n某某会计师事务所某某分所", None),
    ("某区本级2017年“三公”经费决算汇总情况\n按照区政府关于推进政府信息公开工作的要求，现将情况公布如下:", None),
    ("各位代表、同志们:\n我受某某镇人民政府委托向大会作2021年度镇财政决算和2022年上半年财政预算执行情况的报告，请各位代表审议。",
     None),
    ("首页 >> 政务公开 >> 公示公告\n公示公告\n当前位置: 首页 >> 政务公开 >> 公示公告\n"
     "某县民族宗教局 2022年财政衔接补助资金项目绩效监控总结报告\n来源: 某县人民政府 发布时间: 2022-08-09 浏览次数:", "某县民族宗教局"),
    ("2019年某市环境保护局“三公”经费财政拨款预算安排389000元。\n(一)因公出国(境)费\n安排0元。\n"
     "附件【某市环境保护局2019年“三公”经费公开表.xls】", None),
])
def test_a_site_banner_or_an_evaluating_firm_is_not_the_unit(tmp_path, head, unit):
    """A saved page's banner (…人民政府门户网站), the evaluating firm's branch (…分所) and a sentence that opens with
    按照…关于 end like units but are none."""
    from extractor.meta import unit_name
    path = tmp_path / "page.txt"
    path.write_text(f"{head}\n一、基本情况\n本年收入100万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) == unit


# a district site's page: its banner, path and info fields fill the opening paragraphs before the title
BANNER = "\n\n".join(["首页 政务公开 办事服务 互动交流", "您当前位置: 首页>某区>某局>政务公开>法定主动公开内容>预算/决算>预算",
                       "[ 索引号 ] 115001115889/2022-00027 [ 发文字号 ]", "[ 主题分类 ] 财政 [ 体裁分类 ] 资金分配",
                       "[ 发布机构 ] 某局 [ 发布日期 ] 2022-03-17", "[ 成文日期 ] 2022-03-17 [ 有效性 ]",
                       "[ 索引号 ] 115001115889/2022-00027", "[ 发文字号 ]", "[ 主题分类 ] 财政", "[ 体裁分类 ] 资金分配",
                       "[ 发布机构 ] 某局", "[ 发布日期 ] 2022-03-17", "[ 成文日期 ] 2022-03-17", "[ 有效性 ]",
                       "字号：大 中 小", "打印本页 关闭窗口", ""])


@pytest.mark.parametrize("head, unit", [
    ("2016年预算公开\n发布时间：2016-03-18 来源:某县农业农村水利局 浏览:12", "某县农业农村水利局"),
    ("索 引 号 | 2023-173456-045 | 发布机构 | 某市统计局 |\n公开目录 | 财政信息 | 发布日期 | 2016-03-18 |", "某市统计局"),
    ("发布机构: | 某区财政局 | 生成日期: | 2022-08-24 |\n2021年度部门决算情况说明", None),
    ("标题:2020年度城乡居民基本医疗保险补助资金绩效评价报告\n发文机关:省医疗保障局 成文日期:2021年", None),
    ("残联项目绩效自评报告\n来源:某县人民政府 发布时间:2022-12-21", None),
])
def test_a_page_s_publisher_names_the_unit_when_nothing_else_does(tmp_path, head, unit):
    """A saved page's publisher field names the unit as a last resort; a finance office (it publishes the departments'
    决算), a government's portal and a name shortened to its level (省…局) do not."""
    from extractor.meta import unit_name
    path = tmp_path / "page.txt"
    path.write_text(f"{head}\n一、基本情况\n本年收入100万元。", encoding="utf-8")
    assert unit_name(read_document(str(path))) == unit


@pytest.mark.parametrize("head, report_type", [
    ("各位代表：\n受县人民政府委托，现将2023年全县预算执行情况和2024年预算草案提请大会审议。", "budget"),
    ("受和平区人民政府委托，向大会报告2024年上半年预算执行情况。", "budget"),
    ("6\n工资福利支出预算 905709.06 元,占基本支出预算 79.89%,同比增加 21557.64 元。\n商品和服务支出预算 75800 元,"
     "同比增加52044.27 元。", "budget"),
    ("一、“三公”经费安排情况\n2022年本部门财政拨款安排“三公”经费502.4万元,比上年减少14.6万元。", "budget"),
    ("受市政府委托，报告2021年市级决算和今年以来预算执行情况。", "final_accounts"),
    ("受隆回县财政局委托，我所对该项目资金开展绩效评价。", "third_party_evaluation"),
    ("受青溪县人民政府办公室委托，对其2018年度部门整体支出进行评价。", "third_party_evaluation"),
    ("某县财政支出项目绩效评价自评报告\n评价方式:部门(单位)绩效自评\n评价机构:部门(单位)评价组", "unit_self_evaluation"),
    ("某县项目绩效自评报告\n评价方式: 自评\n评价机构:", "unit_self_evaluation"),
    ("某项目绩效评价报告\n评价方式:部门(单位)绩效自评R 财政部门组织评价□\n评价机构:中介机构□ 部门(单位)评价组R",
     "unit_self_evaluation"),
    ("某项目绩效评价报告\n评价方式:部门(单位)绩效自评□ 财政部门组织评价R\n评价机构:中介机构R 部门(单位)评价组□",
     "third_party_evaluation"),
    ("某县机关事务管理局2021年部门预算\n第一部分 部门概况", "budget"),
    ("附件2\n某开发区管委会2020年部门\n“三公”经费预算\n2020年2月", "budget"),
    ("一、预算收支增减变化情况说明\n2018年财政拨款“三公”经费预算总额为2.7万元。", "budget"),
    ("2023年度“三公”经费预算数为10万元，决算数为8万元。", "final_accounts"),
    ("附表2\n2022年度共享工程项目自评表\n项目单位(盖章):某市图书馆", "project_self_evaluation_table"),
    ("市级文物保护专项经费绩效自评表(2022年度)\n项目名称 市级文物保护专项经费", "project_self_evaluation_table"),
    ("部门整体支出绩效自评表(2023年度)\n部门 某县服务中心", "unit_self_evaluation"),
    ("某县财政局关于国省县乡道路养护项目绩效评价报告\n资金来源：县财政局《关于批复2018年县级部门预算的通知》",
     "third_party_evaluation"),
    ("某市住房和城乡建设局2023年老旧小区改造项目重点绩效评价报告", "third_party_evaluation"),
    ("某县教育局2022年项目绩效评价报告（自评）", "unit_self_evaluation"),
    ("2015年“三公”经费财政拨款预算情况说明\n公务用车购置费年初由财政预算集中管理，年终并入单位决算予以公开。", "budget"),
    ("关于某区2020年上半年预算执行情况的报告\n城区人大常委会:\n受城区人民政府的委托,现向城区人大常委会报告预算执行情况,请予审议。",
     "budget"),
    (BANNER + "某区建设管理局 2021年度项目资金绩效自评报告\n根据通知要求，我局开展自评。", "unit_self_evaluation"),
    (BANNER + "某区某镇中心小学校 2022年部门预算情况说明\n一、基本情况", "budget"),
])
def test_who_reviews_decides_the_report_type(tmp_path, head, report_type):
    """受…人民政府委托 opens a finance office's report to the 人大 (budget, or 决算 when it says so); 受…委托 of any other
    body names who commissioned a review. The self-evaluation cover form names its way of review (评价方式) and its
    reviewer (评价机构): a checked or bare 部门(单位)绩效自评 or 部门(单位)评价组 is the unit's own review, an empty
    评价机构 field names no reviewer."""
    from extractor.meta import report_type as type_of
    path = tmp_path / "report.txt"
    path.write_text(f"{head}\n一、收支情况\n全县一般公共预算收入100万元。", encoding="utf-8")
    assert type_of(read_document(str(path))) == report_type


@pytest.mark.parametrize("head, year", [
    ("2017年三公经费预算情况说明\n发布时间:2018-01-10", 2017),
    ("经开区2023年一般公共预算“三公”经费预算情况\n2023年一般公共预算安排520万元。", 2023),
    ("关于江宁区2022年区级决算草案的报告\n一、全区收支决算情况", 2022),
    ("一、2016年一般公共预算财政拨款开支的“三公”经费决算情况表\n(单位:万元)", 2016),
    ("关于某省2020年预算执行情况\n和2021年预算草案的报告", 2020),
    ("2021年市本级部门(单位)使用财政拨款安排的“三公”经费预算总额为3136万元，较2020年的3178万元减少42万元。", None),
    ("某市经信局2016年“三公经费”预算对比增减说明\n2016年三公经费预算拨入33万元。", 2016),
    ("2021年“三公”经费决算\n2021年本镇三公经费决算数为5万元。", 2021),
    ("2021年三公经费支出5万元", None),
    ("项目支出绩效自评表 |\n| ( 2023年度) |\n项目名称 | 某国有林场新建收容所建设项目 |\n年度资金总额 | 10 | 10 |", 2023),
    ("报表编号:510000_0013zp |\n|\n|\n部门预算项目支出绩效自评表(2023年度) |\n项目名称 |\n工资性支出 |", 2023),
    ("部门整体支出绩效自评表 | ||||\n(2023年度) | ||||\n部门 | 某县服务中心 | |||", 2023),
    ("项目 | 2022年预算数 | 2023年预算数 |\n合计 | 10 | 12 |", None),
    ("2020年项目支出绩效目标自评报告\n一、项目基本情况", 2020),
    ("某县民族宗教局 2022年财政衔接推进乡村振兴 补助资金项目绩效监控总结报告\n来源: 某县人民政府", 2022),
    ("2019年部门整体支出绩效评价报告\n一、部门概况", 2019),
    ("根据2021年的安排，2022年开展了自评，形成自评报告", None),
    ("2021年某市发展和改革局部门整体支出绩效自评报告.pdf\n一、部门基本情况", 2021),
    (BANNER + "某区建设管理局 2021年度项目资金绩效自评报告\n根据通知要求，我局开展自评。", 2021),
    (BANNER + "2021年我局收入100万元，2020年收入90万元。", None),
    ("某市某区住房和城乡建设局2023年老旧小区及周边配套基础设施提升改造项目 重点绩效评价报告\n目 录", 2023),
    ("某县第二中学2022年经费预算信息\n索 引 号: | 2022-0000015 |", 2022),
    ("持证残疾人基本状况调查2021年预算绩效自评\n附件7", None),
])
def test_the_year_of_a_title_that_names_a_budget_or_final_accounts_is_the_documents(tmp_path, head, year):
    """A title line names the fiscal year; a sentence that names several years is no title and gives none. The
    national self-evaluation forms print (20XX年度) under their title, in a cell of the form's table (金寨, 青神,
    临翔); a table's year columns give no year."""
    from extractor.facts import document_year
    path = tmp_path / "report.txt"
    path.write_text(f"{head}\n收入100万元。", encoding="utf-8")
    assert document_year(read_document(str(path))) == year

@pytest.mark.parametrize("text, year", [
    ("记者从市财政局获悉，2021年全市一般公共预算收入完成120亿元。\n2021年全市一般公共预算支出完成300亿元。", 2021),
    ("2021年全市一般公共预算收入完成120亿元，比2020年增长5%。\n2021年全市支出完成300亿元。", None),
    ("2021年收入完成120亿元。\n2020年收入完成110亿元。\n2019年收入完成100亿元。", None),
])
def test_a_text_without_a_dated_title_takes_the_year_its_amounts_are_stated_for(tmp_path, text, year):
    """With no title naming a year, the year that sentences stating amounts name, one year each, gives the year when at
    least two of them and two thirds name it (a news write-up whose heading was cut away)."""
    from extractor.facts import document_year
    path = tmp_path / "news.txt"
    path.write_text(text, encoding="utf-8")
    assert document_year(read_document(str(path))) == year



def test_a_form_titled_below_empty_or_metadata_rows_is_typed_by_its_title(tmp_path):
    """A page's table may open with empty border rows or its metadata rows; its title row counts for the report type."""
    from extractor.meta import report_type as type_of
    path = tmp_path / "form.txt"
    path.write_text("索引号 | 1134/202504-00006 | 组配分类 | 部门项目 |\n发布机构 | 某市农业农村局 | 发文日期 | 2025-04-15 |\n"
                    "发布文号 | 无 | 关键词 | 部门项目 |\n信息来源 | 某市农业农村局 | 主题 | 三农 |\n"
                    "信息名称 | 中央财政动物防疫项目绩效目标自评表 (2024年度) | 内容概述 | 自评表 |\n"
                    "年度资金总额 | 10 | 10 | 10 |", encoding="utf-8")
    assert type_of(read_document(str(path))) == "project_self_evaluation_table"


def test_tables_whose_cells_stand_one_a_line_are_read_back_in_rows():
    from extractor.cell_tables import cell_tables
    real = CORPUS / "real"
    [column] = cell_tables(read_document(str(real / "fa_ah_shuangqiao_sgjf_2020.txt")))
    assert column.year == 2020 and column.header == ["项目", "预算数", "决算数"]
    assert [(r.label, r.cells["决算数"].figure.raw) for r in column.rows][:3] == [
        ("合计", "25.7"), ("因公出国(境)费", "0"), ("公务接待费", "16.3")]
    [sides] = cell_tables(read_document(str(real / "fa_cq_fengdu_zfjs_2021_g4.txt")))
    assert [(r.side, r.label, r.cells["决算数"].figure.raw) for r in sides.rows] == [
        ("收入", "总计", "929393"), ("支出", "总计", "929393")]
    [joined] = cell_tables(read_document(str(real / "bg_gd_sz_xzjf_sgjf_2019.txt")))
    assert joined.header == ["项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    assert joined.rows[-1].label == "(三)公务接待费支出" and joined.rows[-1].cells["合计"].figure.unit == "万元"
    assert not cell_tables(read_document(str(real / "us_hb_hbust_zzxj_2021_g3.txt")))


def test_short_items_cut_at_a_fixed_width_are_joined(tmp_path):
    """Numbered items a little longer than the cut width leave about half the lines short: the file is still read as
    cut, so each item's growth rate is checked (eight items, cut every 38 characters)."""
    from jxcheck.api import check_file
    items = [("政府办公厅（室）及相关机构事务", 9185, 2686, "41.33"), ("发展与改革事务", 1182, 138, "13.22"),
             ("统计信息事务", 50, -87, "63.50"), ("财政事务", 1384, -135, "8.89"), ("税收事务", 840, 23, "2.82"),
             ("审计事务", 253, 108, "74.48"), ("商贸事务", 1197, 411, "52.29"), ("档案事务", 114, -224, "66.27")]
    lines = ["二〇二二年支出决算说明"]
    for i, (name, cur, change, rate) in enumerate(items, 1):
        word, how = ("增加", "增长") if change > 0 else ("减少", "下降")
        lines.append(f"{i}、201{i:02d}-{name}{cur}万元，较上年决算数{word}{abs(change)}万元，{how}{rate}%。")
    cut = []
    for line in lines:
        cut += [line[k:k + 38] for k in range(0, len(line), 38)]
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(cut), encoding="utf-8")
    checks = [c for c in check_file(str(path))["checks"] if c["rule"] == "ratio.recompute"]
    assert sorted(c["reported"] for c in checks if c["status"] == "pass") == sorted(f"{r}%" for *_, r in items)


def test_a_numbered_item_that_opens_with_its_code_is_a_heading_never_joined_on():
    """1、20103-政府办公厅… starts an item even though a digit follows 、 (only 1.5 is no heading)."""
    from extractor.readers.txt import unwrap
    text = ("2022年度本区一般公共预算支出数为242259万元，比2021年度决算数增加63678万元，增长35.66%。以下按款级科目逐项列示：\n"
            "（一）201-一般公共服务支出23653万元，较2021年决算数增加2954万元，增长14.27%，其中：\n"
            "1、20103-政府办公厅（室）及相关机构事务9185万元，较2021年决算数增加2686万元，增长41.33%。\n"
            "2、20104-发展与改革事务1182万元，较2021年决算数增加138万元，增长13.22%。\n"
            "3、20105-统计信息事务50万元，较2021年决算数减少87万元，下降63.5%。")
    lines = [part[k:k + 27] for part in text.split("\n") for k in range(0, len(part), 27)]
    joined = unwrap(lines)
    assert any(line.startswith("1、20103-") for line in joined)
    assert any(line.endswith("其中：") for line in joined)


def test_a_figure_cut_by_a_line_break_is_joined_back_in_a_file_not_cut_at_one_width():
    """…财政拨款支出总计1 / 870.91万元 and …核减率8. / 32%: the figure is whole again; short lines that end in a digit
    (附件2) stay as they are."""
    from extractor.readers.txt import unwrap
    lines = ["附件2", "2020年财政拨款收入总计1614.63万元，与2019年相比增加540.23万元，增长50.28%；财政拨款支出总计1",
             "870.91万元，与2019年相比增加633.43万元，增长51.19%。",
             "全年共审定358宗，送审金额35.43亿元，审定金额32.66亿元，其中预算173宗，核减1.98亿元，核减率8.",
             "32%，结算185宗。"]
    assert unwrap(lines) == ["附件2",
                             "2020年财政拨款收入总计1614.63万元，与2019年相比增加540.23万元，增长50.28%；财政拨款支出总计1870.91万元，与2019年相比增加633.43万元，增长51.19%。",
                             "全年共审定358宗，送审金额35.43亿元，审定金额32.66亿元，其中预算173宗，核减1.98亿元，核减率8.32%，结算185宗。"]


def test_a_figure_whose_unit_a_line_break_cut_off_is_joined_back():
    """…上级补助收入318586 / 万元、…: a line that opens with a figure's unit continues the line before it."""
    from extractor.readers.txt import unwrap
    lines = ["2021年全县一般公共预算本级收入238965万元,增长3.98%,加上:上年结转4550万元、上级补助收入318586",
             "万元、地方政府债券转贷收入268000万元,收入总计829551万元。", "附件2"]
    assert unwrap(lines) == ["2021年全县一般公共预算本级收入238965万元,增长3.98%,加上:上年结转4550万元、上级补助收入"
                             "318586万元、地方政府债券转贷收入268000万元,收入总计829551万元。", "附件2"]


def test_a_heading_as_wide_as_the_cut_stays_whole():
    """一、…支出决算总体情况 ends as headings end: in a file cut at its width it is not run into the next line."""
    from extractor.readers.txt import unwrap
    heading = "一、一般公共预算财政拨款三公经费支出决算总体情况"
    body = ("本局2020年度一般公共预算财政拨款三公经费支出预算为22.96万元，支出决算为15.81万元，完成预算的68.86%。"
            "其中：因公出国（境）费支出决算为0万元；公务用车购置及运行费支出决算为0.4万元；公务接待费支出决算为15.41万元。"
            "决算数小于预算数，原因是各学校压减了公务接待开支，本年接待费多由非税资金列支。")
    width = len(heading)
    lines = [heading] + [body[k:k + width] for k in range(0, len(body), width)]
    joined = unwrap(lines)
    assert joined[0] == heading and joined[1].startswith("本局2020年度")
