"""Fuzz read_document with mutated corpus files (byte flips, truncations, splices), bounded by time.

The budget is --fuzz-seconds (default 20 s, shared by the three formats). A failure is an exception, an
error code outside the schema, an "internal" error or a read slower than CASE_SECONDS; hypothesis shrinks
it and the reproducer is written to tests/regressions/, where test_regressions replays every file."""
from __future__ import annotations

import hashlib
import io
import json
import signal
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from extractor.document import read_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p for p in (ROOT / "corpus" / "seeds").iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
SCHEMA = json.loads((ROOT / "jxcheck" / "findings.schema.json").read_text(encoding="utf-8"))
CODES = set(SCHEMA["$defs"]["document"]["properties"]["error"]["properties"]["code"]["enum"]) - {"internal"}
CASE_SECONDS = 10
SEED_BYTES = {p.name: p.read_bytes() for p in SEEDS}

position = st.integers(0, 2**31)
mutation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(1, 255)),
    st.tuples(st.just("truncate"), position),
    st.tuples(st.just("splice"), position, st.sampled_from(sorted(SEED_BYTES)), position, st.integers(1, 4096)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), position, st.integers(1, 4096)),
    st.tuples(st.just("repeat"), position, st.integers(1, 256), st.integers(2, 64)),
)


def mutate(data: bytes, steps) -> bytes:
    """Apply mutation steps; positions wrap around the current length."""
    out = bytearray(data)
    for step in steps:
        kind, at = step[0], step[1] % (len(out) + 1)
        if kind == "flip" and out:
            out[at % len(out)] ^= step[2]
        elif kind == "truncate":
            del out[at:]
        elif kind == "splice":
            donor = SEED_BYTES[step[2]]
            start = step[3] % len(donor)
            out[at:at] = donor[start:start + step[4]]
        elif kind == "insert":
            out[at:at] = step[2]
        elif kind == "delete":
            del out[at:at + step[2]]
        elif kind == "repeat":
            out[at:at] = bytes(out[at:at + step[2]]) * step[3]
    return bytes(out)


def mutate_docx_xml(data: bytes, steps) -> bytes:
    """Mutate word/document.xml inside an intact archive, so the XML and DOCX logic are reached."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["word/document.xml"] = mutate(members["word/document.xml"], steps)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


@contextmanager
def alarm(seconds: int):
    """Interrupt Python code that runs longer than seconds (POSIX main thread only)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(signum, frame):
        raise TimeoutError(f"read_document took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_read(path: Path) -> None:
    """read_document returns a Document whose error, if any, is a schema code other than internal."""
    started = time.monotonic()
    with alarm(CASE_SECONDS):
        doc = read_document(str(path))
    assert time.monotonic() - started < CASE_SECONDS
    if doc.error is not None:
        assert doc.error.code in CODES, f"{path.name}: {doc.error}"
        assert " / " in doc.error.message and "\n" not in doc.error.message, doc.error.message
    else:
        assert doc.text().strip() and doc.format in ("pdf", "docx", "doc", "txt", "html")


def fuzz(suffix: str, seconds: float, tmp_path: Path) -> int:
    """Run hypothesis rounds over the seeds with this suffix until the time is spent; the number of cases run."""
    names = [p.name for p in SEEDS if p.suffix == suffix]
    modes = ["raw", "xml"] if suffix == ".docx" else ["raw"]
    end = time.monotonic() + seconds
    failing: list[bytes] = []
    count = 0

    @settings(max_examples=20, deadline=None, database=None, derandomize=False,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(names), st.sampled_from(modes), st.lists(mutation, min_size=1, max_size=6))
    def one(name, mode, steps):
        nonlocal count
        data = SEED_BYTES[name]
        data = mutate_docx_xml(data, steps) if mode == "xml" else mutate(data, steps)
        path = tmp_path / f"case{suffix}"
        path.write_bytes(data)
        count += 1
        try:
            check_read(path)
        except BaseException:
            failing.append(data)
            raise

    while time.monotonic() < end:
        try:
            one()
        except BaseException as exc:
            if failing:
                saved = REGRESSIONS / f"fuzz-{hashlib.sha256(failing[-1]).hexdigest()[:12]}{suffix}"
                saved.write_bytes(failing[-1])
                raise AssertionError(f"fuzz failure; reproducer saved as {saved.relative_to(ROOT)}") from exc
            raise
    return count


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".txt"])
def test_fuzz_read_document(request, tmp_path, suffix):
    seconds = request.config.getoption("--fuzz-seconds") / 3
    count = fuzz(suffix, seconds, tmp_path)
    assert count > 0


def regression_files():
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("path", regression_files(), ids=lambda p: p.name)
def test_regressions(path):
    check_read(path)
