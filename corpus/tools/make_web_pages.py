"""Build the seed reports as saved web pages, the way a government site publishes them, from the seeds' DOCX.

Each page has what a saved page around an article has: a <head> with a script and styles, a navigation bar and a
breadcrumb that hold figures of their own (其他年度：2019年财政拨款收入3000万元 …), a hidden print block, a share
bar, a sidebar of related links, and a footer; the article is the DOCX's paragraphs (the first as its <h1>) and its
tables, merged cells written as rowspan/colspan. Written:

  seeds/zj2020_self.html     GB2312-labelled page (GBK bytes), <meta http-equiv> charset
  seeds/zj2018_review.htm    UTF-8 page, <meta charset>
  seeds/zj2018_review.mht    the same page as a MIME web archive (quoted-printable, gb2312), as a browser saves it
  seeds/zj2020_self.doc      the same page as the .html, saved under a .doc name as sites serve Word attachments

Usage: python make_web_pages.py [SEEDS_DIR]
"""

import html
import quopri
import sys
from pathlib import Path

from docx import Document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = HERE.parent / "seeds"

HEAD = """<head>
<meta {charset}>
<title>{title}_湛江市人民政府门户网站</title>
<style>body{{font-family:SimSun}} .nav-bar a{{margin:0 8px}} .print-only{{display:none}}</style>
<script type="text/javascript">
var pageInfo = {{"title": "{title}", "views": 1024, "note": "财政拨款收入9999万元"}};
document.write("<div>阅读次数：" + pageInfo.views + "</div>");
</script>
</head>"""

TOP = """<div class="header"><div class="logo">湛江市人民政府门户网站</div>
<div class="search"><form action="/search"><input type="text" name="q" value="请输入关键字"><button>搜索</button></form></div></div>
<div class="nav-bar"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/czyjs/">财政预决算</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 绩效评价</div>
<div class="side"><h3>相关链接</h3><ul>
<li><a href="/a/1.html">其他年度：2019年财政拨款收入3000万元，其中一般公共预算财政拨款收入1000万元，政府性基金预算财政拨款收入500万元</a></li>
<li><a href="/a/2.html">整体支出完成率为50%</a></li></ul></div>
"""

BOTTOM = """<div class="print-only" style="display:none">打印日期：2021年6月16日 财政拨款收入8888万元</div>
<div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="javascript:window.print()">打印本页</a></div>
<div id="footer"><p>主办：湛江市人民政府办公室 版权所有</p><p>网站标识码4408000001 粤ICP备05001234号</p>
<p>联系电话：0759-3333333</p></div>
<script>var _hmt = _hmt || []; _hmt.push(["财政拨款支出7777万元"]);</script>
"""


def cell_text(tc):
    paragraphs = ["".join(t.text or "" for t in p.iter(W + "t")) for p in tc.findall(W + "p")]
    paragraphs = [p for p in paragraphs if p.strip()]
    if len(paragraphs) <= 1:
        return html.escape(paragraphs[0] if paragraphs else "")
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def table_html(tbl):
    """The table with gridSpan as colspan and each vMerge run as the rowspan of its first cell."""
    grid = []
    for tr in tbl.findall(W + "tr"):
        row, col = [], 0
        for tc in tr.findall(W + "tc"):
            pr = tc.find(W + "tcPr")
            span = int(pr.find(W + "gridSpan").get(W + "val")) if pr is not None and pr.find(W + "gridSpan") is not None else 1
            vm = pr.find(W + "vMerge") if pr is not None else None
            merge = None if vm is None else vm.get(W + "val", "continue")
            row.append({"col": col, "span": span, "merge": merge, "tc": tc})
            col += span
        grid.append(row)
    out = ['<table border="1" cellspacing="0" cellpadding="2" class="MsoTableGrid">']
    for r, row in enumerate(grid):
        out.append("<tr>")
        for cell in row:
            if cell["merge"] == "continue":
                continue
            rowspan = 1
            if cell["merge"] == "restart":
                for below in grid[r + 1:]:
                    same = next((c for c in below if c["col"] == cell["col"]), None)
                    if same is None or same["merge"] != "continue":
                        break
                    rowspan += 1
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{cell["span"]}"' if cell["span"] > 1 else "")
            out.append(f'<td{attrs} valign="center">{cell_text(cell["tc"])}</td>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def article(docx_path):
    body = Document(str(docx_path)).element.body
    parts, title = [], None
    for child in body:
        if child.tag == W + "p":
            text = "".join(t.text or "" for t in child.iter(W + "t")).strip()
            if not text:
                continue
            if title is None:
                title = text
                parts.append(f"<h1 class=\"article-title\">{html.escape(text)}</h1>")
            else:
                parts.append(f'<p class="MsoNormal" style="text-indent:2em">{html.escape(text)}</p>')
        elif child.tag == W + "tbl":
            parts.append(table_html(child))
    return title, "\n".join(parts)


def page(docx_path, charset_meta):
    title, content = article(docx_path)
    return (f"<!DOCTYPE html>\n<html>\n{HEAD.format(charset=charset_meta, title=html.escape(title))}\n<body>\n{TOP}"
            f'<div class="content"><div class="TRS_Editor">\n{content}\n</div></div>\n{BOTTOM}</body>\n</html>\n')


def mht(text, charset):
    boundary = "----=_NextPart_000_0000_01D76294.5C3D2E10"
    body = quopri.encodestring(text.encode(charset, errors="xmlcharrefreplace")).decode("ascii")
    return (f"From: <Saved by Blink>\r\nSnapshot-Content-Location: http://www.zhanjiang.gov.cn/a/zj2018.html\r\n"
            f"Subject: 2018\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
            f"\tboundary=\"{boundary}\"\r\n\r\n\r\n--{boundary}\r\nContent-Type: text/html; charset=\"{charset}\"\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: http://www.zhanjiang.gov.cn/a/zj2018.html\r\n\r\n"
            f"{body}\r\n\r\n--{boundary}--\r\n").encode("ascii")


def main(argv):
    if len(argv) > 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    seeds = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEEDS
    gbk = page(seeds / "zj2020_self.docx", 'http-equiv="Content-Type" content="text/html; charset=gb2312"')
    (seeds / "zj2020_self.html").write_bytes(gbk.encode("gbk", errors="xmlcharrefreplace"))
    (seeds / "zj2020_self.doc").write_bytes(gbk.encode("gbk", errors="xmlcharrefreplace"))
    utf8 = page(seeds / "zj2018_review.docx", 'charset="utf-8"')
    (seeds / "zj2018_review.htm").write_bytes(utf8.encode("utf-8"))
    (seeds / "zj2018_review.mht").write_bytes(mht(utf8.replace('charset="utf-8"', 'charset="gb2312"'), "gbk"))
    for name in ("zj2020_self.html", "zj2020_self.doc", "zj2018_review.htm", "zj2018_review.mht"):
        print(f"built {name}")


if __name__ == "__main__":
    main(sys.argv)
