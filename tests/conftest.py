"""Shared pytest options: the fuzzing time budget."""
from __future__ import annotations


def pytest_addoption(parser):
    parser.addoption("--fuzz-seconds", type=float, default=20.0,
                     help="total time for tests/test_fuzz.py (default 20 s; raise for a longer local run)")
