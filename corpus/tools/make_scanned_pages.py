"""Build corpus/scanned-pages/: reports with pictures whose figures cannot be read, as units submit them.

sp01_signed_copy.pdf: the 项目支出绩效自评表 of corpus/project-tables/pt03_medical_equip.pdf as text (page 1),
followed by the same table printed, stamped and scanned (page 2: one JPEG at 150 dpi, no text layer).
sp02_stamped.pdf: the same text page with an electronic seal (a 4 cm picture of a red ring) placed over the
填报单位 line: a picture on a page that keeps its text layer.
sp03_table_screenshot.docx: pt03_medical_equip.docx with a 2 cm logo before its title and, at its end, a
paragraph 附：自评表盖章页截图 followed by a 15 cm wide screenshot of the table (the PDF page rendered).
sp04_ocr_scan.pdf: pt03's page as a searchable scan: its text made invisible (render mode 3), as OCR software
lays its text layer, and the page rendered at 150 dpi placed over it as one JPEG.
sp05_full_scan.pdf: the 2020 seed report (corpus/seeds/zj2020_self.pdf) scanned: each page rendered at 200 dpi in
grey and placed as one JPEG on a page of its own, no text layer at all (read only by OCR, the jxcheck[ocr] extra).
Run from anywhere: python corpus/tools/make_scanned_pages.py [NAME...] (all by default)
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

CORPUS = Path(__file__).resolve().parent.parent
DPI = 150
FULL_SCAN_DPI = 200


def pt03() -> pdfium.PdfDocument:
    return pdfium.PdfDocument(str(CORPUS / "project-tables" / "pt03_medical_equip.pdf"))


def scan_of(page: pdfium.PdfPage) -> Image.Image:
    """The page rendered at DPI in grey, as a scanner gives it."""
    return page.render(scale=DPI / 72, grayscale=True).to_pil()


def seal_picture(pixels: int, margin: int, ring: int) -> Image.Image:
    """A red ring on white, pixels square, margin pixels from the edges and ring pixels wide."""
    picture = Image.new("RGB", (pixels, pixels), "white")
    ImageDraw.Draw(picture).ellipse((margin, margin, pixels - margin, pixels - margin), outline=(200, 0, 0),
                                    width=ring)
    return picture


def place_jpeg(target: pdfium.PdfDocument, page: pdfium.PdfPage, picture: Image.Image, matrix: pdfium.PdfMatrix,
               quality: int) -> None:
    """Draw the picture as one JPEG image on top of the page, placed by matrix (the unit square to points)."""
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    image = pdfium.PdfImage.new(target)
    image.load_jpeg(buffer, inline=True)
    image.set_matrix(matrix)
    page.insert_obj(image)
    page.gen_content()


def build_signed_copy(out: Path) -> None:
    source = pt03()
    target = pdfium.PdfDocument.new()
    target.import_pages(source, [0])
    width, height = source[0].get_size()
    place_jpeg(target, target.new_page(width, height), scan_of(source[0]), pdfium.PdfMatrix().scale(width, height), 80)
    target.save(str(out))


def build_stamped(out: Path) -> None:
    size, left, bottom = 113, 150, 225
    target = pdfium.PdfDocument.new()
    target.import_pages(pt03(), [0])
    pixels = int(size * DPI / 72)
    place_jpeg(target, target[0], seal_picture(pixels, 4, pixels // 20),
               pdfium.PdfMatrix().scale(size, size).translate(left, bottom), 90)
    target.save(str(out))


def build_table_screenshot(out: Path) -> None:
    from docx import Document
    from docx.shared import Cm
    shot = io.BytesIO()
    pt03()[0].render(scale=DPI / 72).to_pil().save(shot, format="PNG")
    logo = io.BytesIO()
    seal_picture(120, 6, 8).save(logo, format="PNG")
    doc = Document(str(CORPUS / "project-tables" / "pt03_medical_equip.docx"))
    doc.paragraphs[0].insert_paragraph_before().add_run().add_picture(logo, width=Cm(2))
    doc.add_paragraph("附：自评表盖章页截图")
    doc.add_paragraph().add_run().add_picture(shot, width=Cm(15))
    doc.save(str(out))


def build_ocr_scan(out: Path) -> None:
    import pypdfium2.raw as raw
    source = pt03()
    target = pdfium.PdfDocument.new()
    target.import_pages(source, [0])
    page = target[0]
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
            raw.FPDFTextObj_SetTextRenderMode(obj, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
    width, height = page.get_size()
    place_jpeg(target, page, scan_of(source[0]), pdfium.PdfMatrix().scale(width, height), 80)
    target.save(str(out))


def build_full_scan(out: Path) -> None:
    source = pdfium.PdfDocument(str(CORPUS / "seeds" / "zj2020_self.pdf"))
    target = pdfium.PdfDocument.new()
    for page in source:
        width, height = page.get_size()
        grey = page.render(scale=FULL_SCAN_DPI / 72, grayscale=True).to_pil()
        place_jpeg(target, target.new_page(width, height), grey, pdfium.PdfMatrix().scale(width, height), 75)
    target.save(str(out))


def main(names: list[str]) -> None:
    folder = CORPUS / "scanned-pages"
    folder.mkdir(exist_ok=True)
    for name, build in (("sp01_signed_copy.pdf", build_signed_copy), ("sp02_stamped.pdf", build_stamped),
                        ("sp03_table_screenshot.docx", build_table_screenshot), ("sp04_ocr_scan.pdf", build_ocr_scan),
                        ("sp05_full_scan.pdf", build_full_scan)):
        if names and name not in names:
            continue
        build(folder / name)
        print(f"built {folder / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
