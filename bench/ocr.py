"""Text recognition (OCR, the jxcheck[ocr] extra) measured on the corpus's own PDFs: each page rendered to a grey
image at 150 and 300 dpi, recognised, and compared with the page's text layer.

digit accuracy: the page's digits in reading order (all numbers of its text layer, concatenated) against the
recognised ones, matched by difflib (matched digits / digits in the text layer); figure recall: the share of the
text layer's numbers (2,251.36 → 2251.36) found exactly, as many times as printed; seconds per page: recognition
alone, after one warm-up page.

Usage: python bench/ocr.py [--dpi 150 300] [--pages N] [PDF...]
(default: corpus/seeds/zj2020_self.pdf and corpus/project-tables/pt05_rural_water.pdf, at most 6 pages each)
"""
from __future__ import annotations

import argparse
import difflib
import sys
import time
from collections import Counter
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.readers import ocr  # noqa: E402
from extractor.readers.pdf import _join_runs, _page_lines  # noqa: E402

NUMBER = regex.compile(r"\d[\d,]*(?:\.\d+)?")
DEFAULT = [ROOT / "corpus" / "seeds" / "zj2020_self.pdf", ROOT / "corpus" / "project-tables" / "pt05_rural_water.pdf"]


def numbers(lines: list[str]) -> list[str]:
    return [m.group().replace(",", "") for line in lines for m in NUMBER.finditer(line)]


def measure(paths: list[Path], dpi: int, pages: int) -> dict:
    import pypdfium2 as pdfium
    digits = matched = figures = found = 0
    seconds = 0.0
    count = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for i in range(min(pages, len(pdf))):
            page = pdf[i]
            truth = [t[4] for t in sorted(_page_lines(page, page.get_textpage()), key=lambda t: (round(t[0]), t[1]))]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("RGB")
            started = time.perf_counter()
            runs = ocr.recognize(image)
            seconds += time.perf_counter() - started
            count += 1
            read = [t[4] for t in sorted(_join_runs([r[:5] for r in runs]), key=lambda t: (round(t[0]), t[1]))]
            want, got = numbers(truth), numbers(read)
            a, b = "".join(want).replace(".", ""), "".join(got).replace(".", "")
            digits += len(a)
            matched += sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
            figures += len(want)
            found += sum((Counter(want) & Counter(got)).values())
    return {"dpi": dpi, "pages": count, "digits": digits, "digit_accuracy": matched / digits if digits else 1.0,
            "figures": figures, "figure_recall": found / figures if figures else 1.0,
            "seconds_per_page": seconds / count if count else 0.0}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--dpi", nargs="+", type=int, default=[150, 300])
    parser.add_argument("--pages", type=int, default=6, help="pages per PDF (default 6)")
    args = parser.parse_args(argv)
    if not ocr.available():
        sys.exit('rapidocr-onnxruntime is not installed (pip install "jxcheck[ocr]") or JXCHECK_OCR is off')
    paths = args.pdfs or DEFAULT
    import pypdfium2 as pdfium
    warm = pdfium.PdfDocument(str(paths[0]))[0].render(scale=1).to_pil().convert("RGB")
    ocr.recognize(warm)
    print(f"OCR on {', '.join(p.name for p in paths)} (at most {args.pages} pages each)")
    print("dpi  pages  digits  digit accuracy  figures  figure recall  s/page")
    for dpi in args.dpi:
        r = measure(paths, dpi, args.pages)
        print(f"{r['dpi']:>3}  {r['pages']:>5}  {r['digits']:>6}  {r['digit_accuracy']:>13.2%}  {r['figures']:>7}  "
              f"{r['figure_recall']:>12.2%}  {r['seconds_per_page']:>6.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
