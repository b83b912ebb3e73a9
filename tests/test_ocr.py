"""Scanned pages read by text recognition (OCR): the pages and figures marked as recognised, a finding resting on
one asking to compare it with the scan. The reading path is tested everywhere with the recogniser replaced by the
text of the page that was scanned; the tests marked ocr run rapidocr itself and skip where the jxcheck[ocr] extra
is not installed."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from extractor.document import read_document
from extractor.limits import Limits
from extractor.readers import ocr
from jxcheck.api import check_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "zj2020_self.pdf"
HAS_ENGINE = importlib.util.find_spec("rapidocr_onnxruntime") is not None
NO_ENGINE = 'rapidocr-onnxruntime is not installed (pip install "jxcheck[ocr]"); the CI installs only .[test]'


def _scan(tmp_path: Path) -> Path:
    """The 2020 seed made into a scan: each page a 200-dpi JPEG, no text layer (corpus/tools/make_scanned_pages.py)."""
    sys.path.insert(0, str(ROOT / "corpus" / "tools"))
    try:
        import make_scanned_pages
    finally:
        sys.path.pop(0)
    out = tmp_path / "zj2020_scan.pdf"
    make_scanned_pages.build_full_scan(out)
    return out


@pytest.fixture
def recognizer_from_text_layer(monkeypatch):
    """OCR replaced by the seed PDF's own text lines, page by page, in the recogniser's form (points from the top)."""
    import pypdfium2 as pdfium

    from extractor.readers.pdf import _page_lines
    source = pdfium.PdfDocument(str(SEED))
    calls = []

    def page_runs(page, dpi=ocr.OCR_DPI):
        original = source[len(calls) % len(source)]
        calls.append(len(calls) % len(source) + 1)
        return _page_lines(original, original.get_textpage())

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "page_runs", page_runs)
    return calls


def test_a_scan_is_read_through_the_recogniser_and_marked(tmp_path, recognizer_from_text_layer):
    scan = _scan(tmp_path)
    doc = read_document(str(scan))
    assert doc.error is None and doc.recognized_pages == list(range(1, 8)) and not doc.pictures
    assert recognizer_from_text_layer[:7] == list(range(1, 8))
    result = check_file(str(scan), with_facts=True)
    text = check_file(str(SEED))
    keys = [sorted((f["rule"], f["severity"], f["reported"], f["expected"]) for f in r["findings"]) for r in (result, text)]
    assert keys[0] == keys[1] == [("sum.breakdown", "error", "2251.36", "2195.02")]
    [finding] = result["findings"]
    assert finding["message"].endswith("（第3–4页为扫描件，数字由本工具文字识别读出，请对照原件核对）")
    assert {e["page"] for e in finding["evidence"]} == {3, 4}
    named = next(c for c in result["checks"] if c["rule"] == "document.ocr_pages")
    assert named["message"].startswith("第1–7页是扫描件，没有文字层") and "请对照原件核对" in named["message"]
    assert result["facts"] and all(f["ocr"] for f in result["facts"])
    assert not any(f["ocr"] for f in check_file(str(SEED), with_facts=True)["facts"])


def test_without_the_extra_a_scan_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    result = check_file(str(_scan(tmp_path)))
    assert result["status"] == "error" and result["error"]["code"] == "no_text_layer"
    assert 'pip install "jxcheck[ocr]"' in result["error"]["message"]


def test_the_switch_turns_recognition_off(monkeypatch):
    monkeypatch.setenv("JXCHECK_OCR", "off")
    assert not ocr.available()


@pytest.mark.ocr
@pytest.mark.skipif(not HAS_ENGINE, reason=NO_ENGINE)
def test_the_scanned_2020_seed_gives_its_sum_error_read_by_ocr(tmp_path):
    assert ocr.available()
    result = check_file(str(_scan(tmp_path)), limits=Limits(timeout_seconds=1800))
    assert result["status"] == "ok", result["error"]
    finding = next(f for f in result["findings"] if f["rule"] == "sum.breakdown" and f["reported"] == "2251.36")
    assert finding["expected"] == "2195.02" and {"2073.12", "121.9"} <= set(finding["numbers"])
    assert "请对照原件核对" in finding["message"] and all(e["page"] in (3, 4) for e in finding["evidence"])
    assert any(c["rule"] == "document.ocr_pages" for c in result["checks"])
