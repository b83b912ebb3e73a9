"""Hand-written files for tests: PDFs from numbered objects (with a correct cross-reference table), and
minimal DOCX files from their body XML."""
from __future__ import annotations

import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(path: Path, body: str, prolog: str = "", namespaces: dict[str, str] | None = None) -> Path:
    """A minimal DOCX whose word/document.xml holds the given body XML, declaring these namespace prefixes
    (w alone by default)."""
    xmlns = " ".join(f'xmlns:{k}="{v}"' for k, v in (namespaces or {"w": W_NS}).items())
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
           f'<w:document {xmlns}><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", xml)
    return path


def pdf_bytes(objs: dict[int, bytes]) -> bytes:
    """A PDF file from its numbered objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[k] for k in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def picture_pdf(pages: list[tuple]) -> bytes:
    """A PDF of US-letter pages, each (text, share) or (text, share, invisible): the ASCII text on one line at
    the top (drawn invisible, render mode 3, as OCR layers are, when invisible is true) and a grey picture
    (a 1 x 1 pixel image stretched) over that share of the page's height, full width."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            4: b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
               b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"}
    kids = []
    for i, (text, share, *invisible) in enumerate(pages):
        page, content = 5 + 2 * i, 6 + 2 * i
        mode = b"3 Tr " if invisible and invisible[0] else b""
        stream = b"BT %s/F1 9 Tf 20 770 Td (%s) Tj ET" % (mode, text.encode("ascii")) if text else b""
        if share:
            stream += b" q 612 0 0 %d 0 0 cm /Im1 Do Q" % round(792 * share)
        objs[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
                      b"/XObject << /Im1 4 0 R >> >> /Contents %d 0 R >>" % content)
        kids.append(b"%d 0 R" % page)
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    return pdf_bytes(objs)
