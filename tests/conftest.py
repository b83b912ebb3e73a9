"""Shared pytest options and fixtures: the fuzzing time budget; text recognition (OCR) off except in the tests
marked ocr, so the corpus reads the same with or without the jxcheck[ocr] extra installed."""
from __future__ import annotations

import os

import pytest


def pytest_addoption(parser):
    parser.addoption("--fuzz-seconds", type=float, default=20.0,
                     help="total time for tests/test_fuzz.py (default 20 s; raise for a longer local run)")


def pytest_configure(config):
    config.addinivalue_line("markers", "ocr: runs text recognition (OCR) where the jxcheck[ocr] extra is installed")
    os.environ["JXCHECK_OCR"] = "off"


@pytest.fixture(autouse=True)
def _ocr_where_marked(request, monkeypatch):
    if request.node.get_closest_marker("ocr") is not None:
        monkeypatch.delenv("JXCHECK_OCR", raising=False)
