"""Offline text recognition (OCR) of a scanned PDF page with rapidocr-onnxruntime (the jxcheck[ocr] extra).

The models ship inside the wheel; nothing is downloaded. A page is rendered at OCR_DPI, its text boxes
recognised, and the boxes returned as text runs in PDF points from the top edge, the form the PDF reader's
own text lines take, so paragraphs are rebuilt the same way. Where the extra is not installed, or
JXCHECK_OCR=off, available() is False and scanned pages stay pictures (document.pictures)."""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

OCR_DPI = 200
MIN_SCORE = 0.5
THREADS = 2
INSTALL = 'pip install "jxcheck[ocr]"'


def available() -> bool:
    """Whether OCR can run here: the extra is installed and not switched off (JXCHECK_OCR=off)."""
    if os.environ.get("JXCHECK_OCR", "").lower() in ("0", "off", "no", "false"):
        return False
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def engine():
    """The recogniser, loaded once per process (detection and recognition models, no angle classifier)."""
    import logging

    from rapidocr_onnxruntime import RapidOCR
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(use_cls=False, intra_op_num_threads=min(THREADS, os.cpu_count() or 1))


def recognize(image) -> list[tuple[float, float, float, float, str, float]]:
    """Text boxes of an RGB image as (top, left, right, bottom, text, score) in pixels, low-confidence ones dropped."""
    import numpy as np
    result, _ = engine()(np.asarray(image), use_cls=False)
    out = []
    for box, text, score in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        if text.strip() and float(score) >= MIN_SCORE:
            out.append((min(ys), min(xs), max(xs), max(ys), text.strip(), float(score)))
    return out


def page_runs(page, dpi: int = OCR_DPI) -> list[tuple[float, float, float, float, str]]:
    """The recognised text of a PDF page as runs (top, left, right, bottom, text) in points from the top edge."""
    image = page.render(scale=dpi / 72).to_pil().convert("RGB")
    factor = 72 / dpi
    return [(top * factor, left * factor, right * factor, bottom * factor, text)
            for top, left, right, bottom, text, _ in recognize(image)]


def read_image(path: str, data: bytes, limits=None, deadline=None):
    """A picture file (a photographed or screenshot page) read by OCR as one page of paragraphs."""
    import io
    import warnings

    from PIL import Image

    from extractor.model import Document, Paragraph, ReadError
    from extractor.readers.pdf import OPEN, _join_runs, _paragraphs
    if deadline is not None:
        deadline.check()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ReadError("too_large", "图片像素过多，请缩小或裁剪后再检查 / image has too many pixels: shrink or crop it") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on damaged images
        raise ReadError("corrupt", f"图片已损坏，无法打开 / corrupt image ({type(exc).__name__})") from None
    runs = [(top, left, right, bottom, text) for top, left, right, bottom, text, _ in recognize(image.convert("RGB"))]
    lines = sorted(_join_runs(runs), key=lambda t: (round(t[0]), t[1]))
    right_margin = max((t[2] for t in lines), default=image.width)
    texts = [t.replace(OPEN, "") for t in _paragraphs(lines, right_margin)]
    blocks = [Paragraph(index=k + 1, text=t, page=1) for k, t in enumerate(texts) if t.strip()]
    if not blocks:
        raise ReadError("no_text_layer", "图片中没有识别出文字，请提供更清晰的图片或文字版 / no text recognised in the image: "
                                         "provide a sharper picture or a text version")
    return Document(path=path, format="image", blocks=blocks, pages=1, recognized_pages=[1])
