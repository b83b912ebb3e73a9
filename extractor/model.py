"""The document model: ordered paragraphs and tables, each block and cell with its location."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Union


@dataclass(frozen=True)
class Location:
    """Where a figure sits: 1-based page (PDF only), paragraph, table, row and column."""

    page: Optional[int] = None
    paragraph: Optional[int] = None
    table: Optional[int] = None
    row: Optional[int] = None
    col: Optional[int] = None

    def as_dict(self) -> dict:
        return {"page": self.page, "paragraph": self.paragraph, "table": self.table,
                "row": self.row, "col": self.col}

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表{self.table}")
            if self.row is not None:
                parts.append(f"第{self.row}行")
            if self.col is not None:
                parts.append(f"第{self.col}列")
        elif self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        return " ".join(parts) or "位置未知"


@lru_cache(maxsize=16384)
def _location(page: Optional[int], paragraph: Optional[int], table: Optional[int], row: Optional[int],
              col: Optional[int]) -> Location:
    """The Location of a place, one object per place (a Location never changes), since checks ask for the
    locations of the same paragraphs and cells many times."""
    return Location(page, paragraph, table, row, col)


@dataclass
class Paragraph:
    """A paragraph (or a line of a text file) in reading order; printed is its text as printed when that was
    traditional script or carried pinyin (text is then the simplified text read for figures)."""

    index: int
    text: str
    page: Optional[int] = None
    printed: Optional[str] = None

    def location(self) -> Location:
        return _location(self.page, self.index, None, None, None)


@dataclass
class Cell:
    """One logical table cell. A position covered by a merged cell has covered=True and no text; printed as for
    a Paragraph."""

    text: str
    row: int
    col: int
    page: Optional[int] = None
    covered: bool = False
    anchor_text: str = ""
    printed: Optional[str] = None


@dataclass
class Table:
    """A table as a grid of cells (rows may be ragged); index is 1-based in document order."""

    index: int
    rows: list[list[Cell]]
    page: Optional[int] = None
    unit: Optional[str] = None
    caption: str = ""

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell_location(self, cell: Cell) -> Location:
        return _location(cell.page if cell.page is not None else self.page, None, self.index, cell.row + 1,
                         cell.col + 1)

    def row_text(self, r: int) -> str:
        return " | ".join(c.text for c in self.rows[r] if c.text.strip())


Block = Union[Paragraph, Table]


@dataclass(frozen=True)
class Picture:
    """A picture whose content is not read: a PDF page that is a picture (page), or a DOCX picture, chart or
    embedded object in paragraph (after: in an empty paragraph after it; 0 is before the first), with its
    printed size in centimetres when the file gives it."""

    page: Optional[int] = None
    paragraph: Optional[int] = None
    after: bool = False
    width_cm: Optional[float] = None
    height_cm: Optional[float] = None


@dataclass
class DocumentError:
    """Why a document could not be read: a schema error code and a bilingual one-line message."""

    code: str
    message: str


@dataclass
class Document:
    """A read document: its blocks in reading order, or the error that stopped reading.

    pictures are what it shows as pictures, whose figures are not read: PDF pages without (almost) any text
    layer, scanned or pasted, and sizeable DOCX pictures, charts and embedded objects. ocr_pages are the PDF
    pages that are scans under an invisible text layer made by text recognition (OCR): their figures are
    read from that layer, recognition errors included. recognized_pages are the scanned PDF pages without any
    text layer whose text this tool recognised itself (OCR, the jxcheck[ocr] extra). traditional: the text was converted from traditional
    script (blocks keep what was printed)."""

    path: str
    format: str
    sha256: str = ""
    blocks: list[Block] = field(default_factory=list)
    pages: Optional[int] = None
    error: Optional[DocumentError] = None
    pictures: list[Picture] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    recognized_pages: list[int] = field(default_factory=list)
    traditional: bool = False

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend("\t".join(c.text for c in row) for row in b.rows)
        return "\n".join(out)


class ReadError(Exception):
    """Raised by a reader when a file cannot be read; carries a DocumentError code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
