"""Broken and hostile input: every case is built in tmp_path and must end in a Document or a clear error."""
from __future__ import annotations

import json
import os
import random
import shutil
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from extractor.document import read_document
from extractor.facts import DEADLINE_ROWS, table_view
from extractor.limits import Deadline, Limits
from extractor.model import Cell, Table
from jxcheck.api import check_document, check_file

from handmade import W_NS, make_docx, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SCHEMA = json.loads((ROOT / "jxcheck" / "findings.schema.json").read_text(encoding="utf-8"))
DOCUMENT = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/document"})


def assert_error(path, code: str, limits: Limits = Limits()) -> dict:
    """check_file gives status error with this code, a one-line bilingual message and a schema-valid document."""
    result = check_file(str(path), limits=limits)
    DOCUMENT.validate(result)
    assert result["status"] == "error", result
    assert result["error"]["code"] == code, result["error"]
    message = result["error"]["message"]
    assert " / " in message and "\n" not in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message.split(" / ")[0])
    return result


def finding_keys(result: dict) -> list:
    return sorted((f["rule"], f["severity"], f["reported"], f["expected"]) for f in result["findings"])


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


# ---------------------------------------------------------------- empty, random, not what the name says

@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "empty.doc"])
def test_zero_byte_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert_error(path, "unreadable")


@pytest.mark.parametrize("name,code", [("noise.pdf", "corrupt"), ("noise.docx", "corrupt"),
                                       ("noise.txt", "unreadable")])
def test_random_bytes(tmp_path, name, code):
    path = tmp_path / name
    path.write_bytes(random.Random(name).randbytes(20000))
    assert_error(path, code)


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "plain.docx"
    path.write_text("这不是 Word 文档", encoding="utf-8")
    doc = read_document(str(path))
    assert doc.error is None and doc.format == "txt" and doc.text() == "这不是 Word 文档"
    path.write_bytes(b"PK\x03\x04 not a zip after all")
    assert_error(path, "corrupt")


def test_missing_file_and_folder(tmp_path):
    assert_error(tmp_path / "nowhere.pdf", "unreadable")
    (tmp_path / "folder.docx").mkdir()
    assert_error(tmp_path / "folder.docx", "unreadable")


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "seed.txt"
    shutil.copy(SEEDS / "zj2020_self.txt", path)
    result = assert_error(path, "too_large", Limits(max_bytes=1000))
    assert result["sha256"] == ""


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path):
    path = tmp_path / "locked.txt"
    shutil.copy(SEEDS / "zj2020_self.txt", path)
    path.chmod(0)
    try:
        assert_error(path, "unreadable")
    finally:
        path.chmod(0o644)


def test_permission_error_while_opening(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    shutil.copy(SEEDS / "zj2020_self.txt", path)
    real_open = os.open

    def denied(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = assert_error(path, "unreadable")
    assert "权限" in result["error"]["message"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    started = time.monotonic()
    result = assert_error(tmp_path / "pipe.txt", "unreadable")
    assert time.monotonic() - started < 2 and "管道" in result["error"]["message"]


def test_image_file_has_no_text_layer(tmp_path):
    from PIL import Image
    Image.new("RGB", (40, 20), "white").save(tmp_path / "scan.png")
    result = assert_error(tmp_path / "scan.png", "no_text_layer")
    assert result["format"] == "image"


def test_encrypted_office_container(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(1000)
    (tmp_path / "locked.docx").write_bytes(data)
    assert_error(tmp_path / "locked.docx", "encrypted")


def test_timeout_is_reported_for_every_format(tmp_path):
    for name in ("zj2020_self.pdf", "zj2020_self.docx", "zj2020_self.txt"):
        assert_error(SEEDS / name, "timeout", Limits(timeout_seconds=0))


# ---------------------------------------------------------------- PDF

def test_truncated_pdf(tmp_path):
    data = (SEEDS / "zj2020_self.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert_error(path, "corrupt")


def test_pdf_with_broken_xref_is_repaired_without_loss(tmp_path):
    data = (SEEDS / "zj2020_self.pdf").read_bytes()
    start = data.rfind(b"\nxref")
    end = data.find(b"trailer", start)
    assert 0 < start < end
    path = tmp_path / "badxref.pdf"
    path.write_bytes(data[:start] + b"\nxref garbage\n" + data[end:])
    original = read_document(str(SEEDS / "zj2020_self.pdf"))
    repaired = read_document(str(path))
    assert repaired.error is None and repaired.text() == original.text()


def _encrypted_copy(tmp_path, user_password: str) -> Path:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(SEEDS / "zj2020_self.pdf"))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    path = tmp_path / f"locked-{len(user_password)}.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_pdf_encrypted_with_empty_user_password_reads(tmp_path):
    path = _encrypted_copy(tmp_path, "")
    doc = read_document(str(path))
    assert doc.error is None
    assert doc.text() == read_document(str(SEEDS / "zj2020_self.pdf")).text()


def test_pdf_with_a_real_password_is_encrypted(tmp_path):
    result = assert_error(_encrypted_copy(tmp_path, "secret"), "encrypted")
    assert "密码" in result["error"]["message"]


def test_image_only_pdf_has_no_text_layer(tmp_path):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(SEEDS / "zj2020_self.pdf"))
    image = pdf[0].render(scale=0.5).to_pil().convert("RGB")
    pdf.close()
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF")
    result = assert_error(path, "no_text_layer")
    assert "OCR" in result["error"]["message"]


def many_pages_pdf(n: int) -> bytes:
    """A minimal hand-written PDF with n tiny pages, each saying 'Page k'."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    for i in range(n):
        page, content = 4 + 2 * i, 5 + 2 * i
        stream = b"BT /F1 12 Tf 72 720 Td (Page %d.) Tj ET" % (i + 1)
        objs[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                      b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        kids.append(b"%d 0 R" % page)
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n
    return pdf_bytes(objs)


def test_pdf_with_3000_pages(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(many_pages_pdf(3000))
    started = time.monotonic()
    result = assert_error(path, "too_large")
    assert "3000" in result["error"]["message"]
    assert time.monotonic() - started < 5
    started = time.monotonic()
    doc = read_document(str(path), Limits(max_pages=5000))
    assert time.monotonic() - started < 30
    assert doc.error is None and doc.pages == 3000
    assert "Page 1." in doc.text() and "Page 3000." in doc.text()


def single_page_pdf(stream: bytes, size: int = 2000, to_unicode: bytes = b"") -> bytes:
    """A hand-written one-page PDF drawing the given content stream, its font optionally with a ToUnicode map."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica%s >>" % (b" /ToUnicode 6 0 R" if to_unicode else b"")
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>" % (size, size),
            4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            5: font}
    if to_unicode:
        objs[6] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode)
    return pdf_bytes(objs)


def test_pdf_whose_text_layer_is_private_use_garbage(tmp_path):
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <E020> endbfrange "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    stream = b"BT /F1 12 Tf 72 720 Td (Total 12.50 yuan in this line) Tj ET"
    (tmp_path / "plain.pdf").write_bytes(single_page_pdf(stream, 800))
    assert read_document(str(tmp_path / "plain.pdf")).text() == "Total 12.50 yuan in this line"
    (tmp_path / "garbled.pdf").write_bytes(single_page_pdf(stream, 800, cmap))
    result = assert_error(tmp_path / "garbled.pdf", "no_text_layer")
    assert "OCR" in result["error"]["message"]


def test_dense_ruled_grid_is_stopped_by_the_deadline(tmp_path):
    n, step = 200, 9.0
    lines = [b"BT /F1 8 Tf 10 1990 Td (Total 12.5) Tj ET"]
    for i in range(n + 1):
        at = 50 + i * step
        lines += [b"%.1f 50 m %.1f 1850 l S" % (at, at), b"50 %.1f m 1850 %.1f l S" % (at, at)]
    for i in range(0, n, 2):
        for j in range(0, n, 2):
            lines.append(b"BT /F1 4 Tf %.1f %.1f Td (%d) Tj ET" % (52 + i * step, 52 + j * step, i + j))
    path = tmp_path / "grid.pdf"
    path.write_bytes(single_page_pdf(b"\n".join(lines)))
    started = time.monotonic()
    doc = read_document(str(path), Limits(timeout_seconds=1))
    assert time.monotonic() - started < 4
    assert doc.error is not None and doc.error.code == "timeout"


# ---------------------------------------------------------------- DOCX

def test_docx_zip_bomb_with_lowered_limits(tmp_path):
    body = para("项目资金100万元。") + "<w:p/>" * 400_000
    path = make_docx(tmp_path / "bomb.docx", body)
    assert path.stat().st_size < 100_000
    result = assert_error(path, "too_large")
    assert "word/document.xml" in result["error"]["message"]
    assert read_document(str(path), Limits(max_compression_ratio=10_000)).error is None
    assert_error(path, "too_large", Limits(max_compression_ratio=10_000, max_member_bytes=1_000_000))


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size of a member in both its local and central headers."""
    out = bytearray(data)
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        pos = out.find(sig)
        while pos >= 0:
            n = int.from_bytes(out[pos + name_len_at: pos + name_len_at + 2], "little")
            if bytes(out[pos + name_at: pos + name_at + n]) == name:
                out[pos + size_at: pos + size_at + 4] = size.to_bytes(4, "little")
            pos = out.find(sig, pos + 4)
    return bytes(out)


def test_docx_member_header_claiming_more_than_200_mb(tmp_path):
    make_docx(tmp_path / "seed.docx", para("项目资金100万元。"))
    data = _patch_sizes((tmp_path / "seed.docx").read_bytes(), b"word/document.xml", 300 * 1024 * 1024)
    (tmp_path / "claims.docx").write_bytes(data)
    started = time.monotonic()
    assert_error(tmp_path / "claims.docx", "too_large")
    assert time.monotonic() - started < 2


def test_docx_member_header_understating_its_size(tmp_path):
    make_docx(tmp_path / "seed.docx", para("项目资金100万元。") * 2000)
    data = _patch_sizes((tmp_path / "seed.docx").read_bytes(), b"word/document.xml", 100)
    (tmp_path / "lies.docx").write_bytes(data)
    result = check_file(str(tmp_path / "lies.docx"))
    assert result["status"] == "error" and result["error"]["code"] in ("corrupt", "too_large")


def test_docx_too_many_members(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body>{para("x")}</w:body></w:document>')
        for i in range(60):
            zf.writestr(f"junk/{i}", b"")
    assert_error(path, "too_large", Limits(max_zip_members=50))


def test_docx_external_entity_is_never_resolved(tmp_path):
    prolog = ('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
              '<!ENTITY net SYSTEM "http://127.0.0.1:9/x.dtd">]>')
    path = make_docx(tmp_path / "xxe.docx", para("项目资金100万元。") + para("泄露：&xxe;&net;结束"), prolog)
    doc = read_document(str(path))
    assert doc.error is None and "项目资金100万元" in doc.text()
    result = json.dumps(check_file(str(path), with_facts=True), ensure_ascii=False)
    for text in (doc.text(), result):
        assert "root:" not in text and "/bin/" not in text and "nologin" not in text
    assert "泄露：结束" in doc.text()


def test_docx_internal_entity_expansion_is_not_performed(tmp_path):
    lol = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    path = make_docx(tmp_path / "lol.docx", para("项目资金100万元。") + para("&i;"), f"<!DOCTYPE w:document [{lol}]>")
    started = time.monotonic()
    doc = read_document(str(path))
    assert time.monotonic() - started < 2
    if doc.error is None:
        assert "项目资金100万元" in doc.text() and "哈哈哈哈哈哈哈哈哈哈哈" not in doc.text()
    else:
        assert doc.error.code == "corrupt"


def test_docx_xml_nested_too_deep(tmp_path):
    deep = "<w:sdt>" * 60 + para("项目资金100万元。") + "</w:sdt>" * 60
    path = make_docx(tmp_path / "deep.docx", deep)
    assert_error(path, "too_large", Limits(max_xml_depth=40))
    deeper = "<w:sdt>" * 300 + para("x") + "</w:sdt>" * 300
    assert_error(make_docx(tmp_path / "deeper.docx", deeper), "too_large")


def test_docx_absurd_grid_span_is_capped(tmp_path):
    cells = ('<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr>' + para("合计") + "</w:tc>"
             '<w:tc><w:tcPr><w:gridSpan w:val="abc"/></w:tcPr>' + para("100") + "</w:tc>")
    path = make_docx(tmp_path / "span.docx", para("单位：万元") + f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>")
    started = time.monotonic()
    doc = read_document(str(path))
    assert time.monotonic() - started < 2
    assert doc.error is None and 2 <= doc.tables[0].width <= 65


def test_docx_with_only_pictures_has_no_text_layer(tmp_path):
    path = make_docx(tmp_path / "scan.docx", "<w:p><w:r><w:drawing/></w:r></w:p>")
    assert_error(path, "no_text_layer")


# ---------------------------------------------------------------- legacy .doc / .wps through LibreOffice

@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory):
    from extractor.readers.doc import soffice
    import subprocess
    exe = soffice()
    skip_without_writer()
    tmp = tmp_path_factory.mktemp("legacy")
    subprocess.run([exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp), str(SEEDS / "zj2020_self.docx")],
                   check=True, timeout=120, stdin=subprocess.DEVNULL, capture_output=True)
    path = tmp / "zj2020_self.doc"
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    return path


def skip_without_writer():
    """Skip a test that converts with LibreOffice Writer where it is absent, or only part of LibreOffice is installed."""
    from extractor.readers.doc import soffice, writer_missing
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if writer_missing():
        pytest.skip("LibreOffice is installed without its Writer part (libreoffice-writer-nogui)")


def test_doc_is_read_through_libreoffice(legacy_doc, tmp_path):
    result = check_file(str(legacy_doc))
    DOCUMENT.validate(result)
    assert result["status"] == "ok" and result["format"] == "doc"
    assert finding_keys(result) == finding_keys(check_file(str(SEEDS / "zj2020_self.docx")))
    wps = tmp_path / "report.wps"
    shutil.copy(legacy_doc, wps)
    with ThreadPoolExecutor(2) as pool:
        docs = list(pool.map(read_document, [str(legacy_doc), str(wps)]))
    assert [d.error for d in docs] == [None, None] and docs[1].format == "doc"
    assert docs[0].text() == docs[1].text() == read_document(str(SEEDS / "zj2020_self.docx")).text()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_hanging_conversion_is_killed_at_the_deadline(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nsleep 60 &\necho $! > "$JX_FAKE_PID"\nwait\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("JX_FAKE_PID", str(tmp_path / "pid"))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le"))
    started = time.monotonic()
    assert_error(path, "timeout", Limits(timeout_seconds=1))
    assert time.monotonic() - started < 10
    child = int((tmp_path / "pid").read_text())
    for _ in range(50):
        status = Path(f"/proc/{child}/status")
        if not status.exists() or "zombie" in status.read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail("the conversion's child process is still running")


def test_doc_without_libreoffice_is_a_missing_converter(legacy_doc, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    result = assert_error(legacy_doc, "converter_missing")
    assert "LibreOffice" in result["error"]["message"] and "DOCX" in result["error"]["message"]


def test_doc_without_libreoffice_is_a_missing_converter_on_any_machine(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(600))
    result = assert_error(path, "converter_missing")
    assert result["format"] == "doc" and "libreoffice-writer-nogui" in result["error"]["message"]


def test_libreoffice_without_writer_is_a_missing_converter_not_a_corrupt_file(tmp_path, monkeypatch):
    program = tmp_path / "libreoffice" / "program"
    program.mkdir(parents=True)
    (program / "libmergedlo.so").write_bytes(b"")
    fake = program / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{program}{os.pathsep}{os.environ.get('PATH', '')}")
    rtf = tmp_path / "report.rtf"
    rtf.write_text(r"{\rtf1\ansi 项目资金100万元\par}", encoding="ascii", errors="ignore")
    result = assert_error(rtf, "converter_missing")
    assert "Writer" in result["error"]["message"] and result["format"] == "doc"
    (program / "libswlo.so").write_bytes(b"")
    assert_error(rtf, "corrupt")


def test_rtf_include_fields_do_not_pull_in_local_files(tmp_path):
    skip_without_writer()
    path = tmp_path / "include.rtf"
    path.write_text(r'{\rtf1\ansi Before {\field{\*\fldinst INCLUDETEXT "/etc/passwd"}{\fldrslt cached}} After\par'
                    r'{\field{\*\fldinst INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d}{\fldrslt picture}}\par}',
                    encoding="ascii")
    doc = read_document(str(path))
    assert doc.error is None and doc.format == "doc"
    assert "Before cached After" in doc.text() and "root:" not in doc.text()


def test_files_named_doc_that_hold_text_noise_or_html(tmp_path):
    (tmp_path / "plain.doc").write_text("项目资金100万元。\n执行率97%。\n", encoding="gbk")
    doc = read_document(str(tmp_path / "plain.doc"))
    assert doc.error is None and doc.format == "txt" and "项目资金100万元" in doc.text()
    (tmp_path / "noise.doc").write_bytes(random.Random(3).randbytes(20000))
    assert_error(tmp_path / "noise.doc", "corrupt")
    (tmp_path / "page.doc").write_text("<html><body><p>项目资金100万元</p></body></html>", encoding="utf-8")
    doc = read_document(str(tmp_path / "page.doc"))
    assert doc.error is None and doc.format == "html" and doc.text() == "项目资金100万元"


# ---------------------------------------------------------------- TXT encodings, line ends, NUL, huge line

def _seed_text() -> str:
    return (SEEDS / "zj2020_self.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16-le-bom", "utf-16-le", "utf-16-be"])
def test_encodings_give_the_same_findings(tmp_path, encoding):
    text = _seed_text()
    if encoding == "gbk":
        text = text.replace("\xa0", " ")
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    path = tmp_path / f"seed-{encoding}.txt"
    path.write_bytes(data)
    doc = read_document(str(path))
    assert doc.error is None
    utf8 = read_document(str(SEEDS / "zj2020_self.txt")).text()
    assert doc.text() == (utf8.replace("\xa0", " ") if encoding == "gbk" else utf8)
    base = finding_keys(check_file(str(SEEDS / "zj2020_self.txt")))
    assert base and finding_keys(check_file(str(path))) == base


def test_big5_text_decodes_exactly(tmp_path):
    text = "".join(ch if ch.encode("big5", errors="ignore") or ch in "\r\n" else "□" for ch in _seed_text())
    text = text.replace("\xa0", " ")
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "big5.txt").write_bytes(text.encode("big5"))
    big5 = read_document(str(tmp_path / "big5.txt"))
    utf8 = read_document(str(tmp_path / "utf8.txt"))
    assert big5.error is None and big5.text() == utf8.text()
    assert finding_keys(check_file(str(tmp_path / "big5.txt"))) == finding_keys(check_file(str(tmp_path / "utf8.txt")))


def test_mixed_line_endings(tmp_path):
    lines = _seed_text().replace("\r\n", "\n").split("\n")
    ends = ["\r\n", "\r", "\n"]
    mixed = "".join(line + ends[i % 3] for i, line in enumerate(lines))
    path = tmp_path / "mixed.txt"
    path.write_bytes(mixed.encode("utf-8"))
    doc = read_document(str(path))
    assert doc.text() == read_document(str(SEEDS / "zj2020_self.txt")).text()
    assert finding_keys(check_file(str(path))) == finding_keys(check_file(str(SEEDS / "zj2020_self.txt")))


def test_nul_bytes_are_dropped(tmp_path):
    rng = random.Random(7)
    data = bytearray()
    for ch in _seed_text():
        data += ch.encode("utf-8")
        if rng.random() < 0.02:
            data += b"\x00"
    path = tmp_path / "nul.txt"
    path.write_bytes(bytes(data))
    assert read_document(str(path)).text() == read_document(str(SEEDS / "zj2020_self.txt")).text()
    (tmp_path / "zeros.txt").write_bytes(bytes(5000))
    assert_error(tmp_path / "zeros.txt", "unreadable")


def test_ten_megabyte_single_line(tmp_path):
    unit = "单位：万元，项目资金1,234.56万元，执行率97.5%。"
    line = (unit * (10_000_000 // len(unit.encode("utf-8")) + 1)).encode("utf-8")[:10_000_000]
    path = tmp_path / "one-line.txt"
    path.write_bytes(line.decode("utf-8", errors="ignore").encode("utf-8"))
    started = time.monotonic()
    doc = read_document(str(path))
    assert time.monotonic() - started < 5
    assert doc.error is None and len(doc.paragraphs) == 1 and len(doc.paragraphs[0].text) > 3_000_000


def test_ten_megabyte_line_of_separators_is_not_a_table(tmp_path):
    path = tmp_path / "pipes.txt"
    path.write_bytes(b"1|" * 5_000_000)
    started = time.monotonic()
    doc = read_document(str(path))
    assert time.monotonic() - started < 5
    assert doc.error is None and not doc.tables


def test_utf8_with_a_few_bad_bytes_stays_utf8(tmp_path):
    data = _seed_text().encode("utf-8")
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:-1] if data[-1] >= 0x80 else data + b"\xe9\xa1")
    assert read_document(str(path)).text().startswith(read_document(str(SEEDS / "zj2020_self.txt")).text()[:2000])


def test_html_named_txt_is_read_as_html(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<!DOCTYPE html><html><body>项目资金100万元<script>var x = '收入9万元';</script></body></html>",
                    encoding="utf-8")
    doc = read_document(str(path))
    assert doc.error is None and doc.format == "html" and doc.text() == "项目资金100万元"



def test_checking_stops_at_the_deadline_too():
    """The time limit covers checking as well as reading, and a long table is checked against it as it is read."""
    doc = read_document(str(SEEDS / "zj2018_review.txt"))
    result = check_document(doc, deadline=Deadline(0))
    assert result["status"] == "error" and result["error"]["code"] == "timeout" and not result["checks"]
    assert "检查超过 0 秒" in result["error"]["message"] and "checking stopped after 0 s" in result["error"]["message"]
    DOCUMENT.validate(result)

    class Counting:
        calls = 0

        def check(self):
            self.calls += 1

    rows = [[Cell(text=f"行{r}", row=r, col=0), Cell(text=f"{r}.00", row=r, col=1)] for r in range(2000)]
    counting = Counting()
    table_view(0, Table(index=1, rows=rows), counting)
    assert counting.calls == len(range(0, 2000, DEADLINE_ROWS))


def test_ten_megabyte_hard_wrapped_file(tmp_path):
    line = "本年收入100.00万元支出90.00万元结余10.00万元执行率为90.00%并且各项工作"
    path = tmp_path / "wrapped.txt"
    path.write_text("\n".join([line] * (10_000_000 // len(line.encode("utf-8")))), encoding="utf-8")
    started = time.monotonic()
    doc = read_document(str(path))
    assert time.monotonic() - started < 5
    lengths = [len(p.text) for p in doc.paragraphs]
    assert doc.error is None and 1 < len(lengths) < 1000 and max(lengths) < 5000 + len(line) and min(lengths) > len(line)


# ---------------------------------------------------------------- figures out of range

def test_a_figure_of_thirty_digits_is_out_of_range_for_its_checks_only(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("2020年财政拨款收入" + "9" * 30 + "万元，其中：基本支出60.00万元，项目支出40.00万元。\n"
                    "2020年一般公共预算支出100.00万元，其中：基本支出60.00万元，项目支出50.00万元。\n"
                    "部门资产总额" + "1" * 40 + ".5元。\n", encoding="utf-8")
    result = check_file(str(path))
    DOCUMENT.validate(result)
    assert result["status"] == "ok", result["error"]
    assert [(f["rule"], f["reported"]) for f in result["findings"]] == [("sum.breakdown", "100.00")]
    noted = sorted(c["reported"] for c in result["checks"] if c["rule"] == "figure.out_of_range")
    assert noted == sorted(["9" * 30, "1" * 40 + ".5"])
    assert all(c["status"] == "unverifiable" for c in result["checks"] if "9" * 30 in c["numbers"])


def test_arithmetic_out_of_range_in_one_rule_family_leaves_the_others(monkeypatch):
    from decimal import InvalidOperation
    from scoring.rules import ratio

    def overflowing(_facts):
        raise InvalidOperation("quantize result has too many digits")

    monkeypatch.setattr(ratio, "check", overflowing)
    result = check_file(str(SEEDS / "zj2020_self.txt"))
    assert result["status"] == "ok"
    assert any(f["rule"] == "sum.breakdown" for f in result["findings"])
    assert [c["status"] for c in result["checks"] if c["rule"] == "figure.out_of_range"] == ["unverifiable"]
