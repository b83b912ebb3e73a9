"""Build the seed reports in traditional script, as some sites serve them, for corpus/traditional.

Each seeds/NAME.txt and NAME.docx is converted with OpenCC (s2t) to traditional/NAME_hant.txt and
NAME_hant.docx (the DOCX text run by run, its tables and merges untouched). The TXT also carries pinyin
mark-up as some pages print it: the first few 預算 as 預(yù)算, 績效 as 績(jì)效 and each 財政撥款決算收入 as
財政撥款決(jué)算收入. NAME_hant.expected.yaml is the seed's expected file: the same findings.

Usage: python make_traditional.py [SEEDS_DIR [OUT_DIR]]
"""

import io
import sys
import zipfile
from pathlib import Path

import yaml
from lxml import etree
from opencc import OpenCC

HERE = Path(__file__).resolve().parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PINYIN = [("預算", "預(yù)算", 3), ("績效", "績(jì)效", 2), ("財政撥款決算收入", "財政撥款決(jué)算收入", -1)]
STEMS = ("zj2020_self", "zj2018_review")


def _converter():
    try:
        return OpenCC("s2t")
    except Exception:  # noqa: BLE001 - the opencc binding names its configs s2t.json
        return OpenCC("s2t.json")


def with_pinyin(text):
    for plain, marked, count in PINYIN:
        text = text.replace(plain, marked, count)
    return text


def convert_docx(source, target, cc):
    """The DOCX with every w:t converted; other parts copied byte for byte, members in their order."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                for node in root.iter(W + "t"):
                    if node.text:
                        node.text = cc.convert(node.text)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    target.write_bytes(out.getvalue())


def main(argv):
    if len(argv) > 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    seeds = Path(argv[1]) if len(argv) > 1 else HERE.parent / "seeds"
    out = Path(argv[2]) if len(argv) > 2 else HERE.parent / "traditional"
    out.mkdir(exist_ok=True)
    cc = _converter()
    for stem in STEMS:
        text = (seeds / f"{stem}.txt").read_text(encoding="utf-8")
        (out / f"{stem}_hant.txt").write_text(with_pinyin(cc.convert(text)), encoding="utf-8")
        convert_docx(seeds / f"{stem}.docx", out / f"{stem}_hant.docx", cc)
        expected = yaml.safe_load((seeds / f"{stem}.expected.yaml").read_text(encoding="utf-8"))
        expected["source"] = f"corpus/seeds/{stem} in traditional script (OpenCC s2t), with pinyin mark-up in the TXT"
        (out / f"{stem}_hant.expected.yaml").write_text(
            yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        print(f"built {stem}_hant.txt {stem}_hant.docx {stem}_hant.expected.yaml")


if __name__ == "__main__":
    main(sys.argv)
