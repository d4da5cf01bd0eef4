"""Text out of a CV file: pypdf for PDF, python-docx for Word. The type comes from the bytes."""

import zipfile
from io import BytesIO

from craftwork.core.files import PDF_SIGNATURE, ZIP_SIGNATURE

MAX_PAGES = 20
MAX_CHARS = 200_000


class UnsupportedFile(ValueError):
    """Neither a PDF nor a Word document."""


def kind_of(data: bytes) -> str:
    if data.startswith(PDF_SIGNATURE):
        return "pdf"
    if data.startswith(ZIP_SIGNATURE):
        return "docx"
    raise UnsupportedFile("not a PDF or DOCX")


def extract_text(data: bytes) -> tuple[str, str]:
    """(kind, text). A file that cannot be read gives empty text rather than an error: the
    candidate fills the form by hand. Only a file of another type raises UnsupportedFile."""
    kind = kind_of(data)
    try:
        text = _pdf_text(data) if kind == "pdf" else _docx_text(data)
    except UnsupportedFile:
        raise
    except Exception:  # a damaged file: pypdf and python-docx raise many kinds; treat as no text
        text = ""
    return kind, text[:MAX_CHARS]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data), strict=False)
    if reader.is_encrypted:
        return ""
    pages = []
    for page in reader.pages[:MAX_PAGES]:
        pages.append(page.extract_text() or "")
        if sum(len(p) for p in pages) > MAX_CHARS:
            break
    return "\n".join(pages)


def _docx_text(data: bytes) -> str:
    """Paragraphs and table cells in reading order (a two-column layout is usually a table:
    each cell is read whole, left to right)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsupportedFile("not a Word document") from exc
    lines: list[str] = []

    def walk(parent, container):
        for child in container.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, parent).text.replace("\t", " | "))
            elif tag == "tbl":
                table = Table(child, parent)
                for row in table.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        walk(cell, cell._tc)
            if sum(len(line) for line in lines) > MAX_CHARS:
                return

    walk(document, document.element.body)
    return "\n".join(lines)
