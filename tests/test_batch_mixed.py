"""A batch over a folder that mixes broken and hostile files with the corpus: every corpus document gives its
clean findings, every bad file one clear error row, and nothing is written outside the output folder."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from jxcheck.api import check_file
from jxcheck.batch import run_batch

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = CORPUS / "seeds"
CODES = {"unreadable", "corrupt", "encrypted", "unsupported_format", "no_text_layer", "too_large", "timeout",
         "internal"}


def _keys(doc: dict) -> list:
    return sorted((f["rule"], f["severity"], f["reported"], f["expected"]) for f in doc["findings"])


def _bad_files(folder: Path) -> dict[str, str]:
    """Bad inputs built here, each with the error code it must get."""
    bad = {}
    (folder / "empty.pdf").write_bytes(b"")
    bad["empty.pdf"] = "unreadable"
    (folder / "random.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    bad["random.pdf"] = "corrupt"
    (folder / "random.docx").write_bytes(os.urandom(4096))
    bad["random.docx"] = "corrupt"
    data = (SEEDS / "zj2020_self.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    bad["truncated.pdf"] = "corrupt"
    (folder / "notzip.docx").write_text("这不是一个 DOCX 文件", encoding="utf-8")
    bad["notzip.docx"] = None
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(SEEDS / "zj2020_self.pdf"))
    pdf[0].render(scale=0.4).to_pil().convert("RGB").save(folder / "scan.pdf", "PDF")
    pdf.close()
    bad["scan.pdf"] = "no_text_layer"
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["指标", "权重", "得分"])
    book.active.append(["整体支出完成率", 5, 4])
    book.save(folder / "sheet.xlsx")
    bad["sheet.xlsx"] = None
    from test_hostile import _encrypted_copy, make_docx, many_pages_pdf, para
    shutil.move(_encrypted_copy(folder, "secret"), folder / "locked.pdf")
    bad["locked.pdf"] = "encrypted"
    (folder / "long.pdf").write_bytes(many_pages_pdf(3000))
    bad["long.pdf"] = "too_large"
    make_docx(folder / "bomb.docx", para("项目资金100万元。") + "<w:p/>" * 400_000)
    bad["bomb.docx"] = "too_large"
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    make_docx(folder / "xxe.docx", para("项目资金100万元。") + para("泄露：&xxe;结束"), prolog)
    return bad


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    base = tmp_path_factory.mktemp("mixed")
    src = base / "in"
    shutil.copytree(CORPUS / "seeds", src / "seeds", ignore=shutil.ignore_patterns("*.yaml", "*.md"))
    shutil.copytree(CORPUS / "project-tables", src / "project-tables", ignore=shutil.ignore_patterns("specs", "*.yaml", "*.md"))
    bad = _bad_files(src)
    text = (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")
    shutil.copy(SEEDS / "zj2020_self.txt", src / "copy-under-another-name.txt")
    with zipfile.ZipFile(src / "archive.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("../../x.txt"), text + "\n附：上级路径的副本。\n")
        zf.writestr(zipfile.ZipInfo("/etc/jx-evil.txt"), text + "\n附：绝对路径的副本。\n")
    out = base / "out"
    result = run_batch([str(src)], str(out), jobs=2, stream=io.StringIO())
    return base, src, out, bad, result


def test_every_corpus_document_gives_its_clean_findings(mixed):
    _, src, _, _, result = mixed
    by_sha = {d["sha256"]: d for d in result.documents}
    corpus_files = [p for p in sorted(src.rglob("*")) if p.parent != src and p.suffix in (".txt", ".docx", ".pdf")]
    assert len(corpus_files) >= 24
    for path in corpus_files:
        doc = by_sha[hashlib.sha256(path.read_bytes()).hexdigest()]
        assert doc["status"] == "ok", doc["error"]
        assert _keys(doc) == _keys(check_file(str(path))), path


def test_every_bad_file_gets_one_clear_error_row(mixed):
    _, src, _, bad, result = mixed
    by_path = {}
    for d in result.documents:
        by_path.setdefault(d["path"], []).append(d)
    for name, code in bad.items():
        rows = by_path[str(src / name)]
        assert len(rows) == 1
        doc = rows[0]
        if code is None:
            assert doc["status"] == "ok" or doc["error"]["code"] in CODES
            continue
        assert doc["status"] == "error" and doc["error"]["code"] == code, doc["error"]
        message = doc["error"]["message"]
        assert " / " in message and "\n" not in message


def test_duplicate_content_under_two_names_is_checked_once(mixed):
    _, src, _, _, result = mixed
    paths = [d["path"] for d in result.documents]
    original, copy = str(src / "seeds" / "zj2020_self.txt"), str(src / "copy-under-another-name.txt")
    assert (original in paths) != (copy in paths)


def test_zip_members_with_parent_or_absolute_names_stay_inside(mixed):
    base, src, out, _, result = mixed
    assert not (base / "x.txt").exists() and not (src.parent.parent / "x.txt").exists()
    assert not Path("/etc/jx-evil.txt").exists()
    member = next(d for d in result.documents if d["path"].endswith("!/../../x.txt"))
    assert member["status"] == "ok" and member["findings"]
    leftovers = [p for p in out.rglob("*") if p.is_file() and p.suffix == ".txt"]
    assert leftovers == []


def test_no_output_leaks_a_file_an_entity_points_at(mixed):
    _, src, out, _, result = mixed
    doc = next(d for d in result.documents if d["path"] == str(src / "xxe.docx"))
    assert doc["status"] == "ok"
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".jsonl", ".csv", ".html"):
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            assert "root:x:" not in text and "/bin/bash" not in text and "nologin" not in text
