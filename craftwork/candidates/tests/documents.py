"""CV files for tests: the committed fixtures, and hostile files made on the spot."""

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).resolve().parents[3] / "bench" / "cv_parser" / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def fixture_upload(name: str, as_name: str | None = None):
    return upload(as_name or name, fixture_bytes(name))


def pdf_with_pages(pages: int, text: str = "Page") -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for number in range(pages):
        pdf.drawString(72, 720, f"{text} {number + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_with_pages(1, "Secret CV"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes(parts: dict[str, bytes] | None = None, *, minimal=True) -> bytes:
    """A zip with the parts of a Word document (plus ``parts``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if minimal:
            archive.writestr("[Content_Types].xml", b"<Types/>")
            archive.writestr("word/document.xml", b"<document/>")
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bomb() -> bytes:
    """A document whose one part inflates from a few kilobytes to 60 MB."""
    return docx_bytes({"word/media/zeros.bin": b"\0" * (60 * 1024 * 1024)})
