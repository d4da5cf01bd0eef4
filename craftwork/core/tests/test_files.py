"""The one upload policy for documents (core.files.check_document) and private downloads."""

import zlib
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image
from reportlab.pdfgen import canvas

from craftwork.core import files
from craftwork.core.errors import ValidationFailed
from craftwork.core.files import check_document, download_name, private_file_response

from .documents import object_stream, pdf_bytes, pdf_upload

SCRIPT_ACTION = b"<</S/JavaScript/JS(app.alert(1))>>"


def image_upload(name="scan.png", fmt="PNG"):
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 90)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def refused(upload) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check_document(upload)
    return caught.value.code


class TestAccepted:
    def test_a_pdf_is_recognised_by_its_bytes(self):
        document = check_document(pdf_upload("Licence 2024.pdf"))
        assert (document.kind, document.content_type) == ("pdf", "application/pdf")
        assert document.stored_name == "document.pdf"
        assert document.original_name == "Licence 2024.pdf"

    @pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif")])
    def test_images(self, fmt, kind):
        document = check_document(image_upload(name="photo", fmt=fmt))
        assert (document.kind, document.stored_name, document.original_name) == (
            kind,
            f"document.{kind}",
            f"photo.{kind}",
        )

    def test_a_pdf_made_by_a_real_generator_passes(self):
        buffer = BytesIO()
        pdf = canvas.Canvas(buffer)
        pdf.drawString(100, 700, "Certificate of competence")
        pdf.showPage()
        pdf.save()
        assert check_document(pdf_upload(content=buffer.getvalue())).kind == "pdf"

    def test_an_open_action_that_only_sets_the_first_view_passes(self):
        content = pdf_bytes(catalog=b"/OpenAction [3 0 R /XYZ null null 0]")
        assert check_document(pdf_upload(content=content)).kind == "pdf"

    def test_the_type_never_comes_from_the_clients_name(self):
        """A file starting with %PDF- with HTML inside, named .html: stored and named as a PDF."""
        content = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
        document = check_document(SimpleUploadedFile("invoice.html", content, "text/html"))
        assert (document.kind, document.stored_name) == ("pdf", "document.pdf")
        assert document.original_name == "invoice.pdf"
        png = check_document(image_upload(name="notes.txt"))
        assert (png.stored_name, png.original_name) == ("document.png", "notes.png")


class TestActiveContent:
    @pytest.mark.parametrize(
        "content",
        [
            pytest.param(pdf_bytes(catalog=b"/OpenAction " + SCRIPT_ACTION), id="open-script"),
            pytest.param(pdf_bytes(catalog=b"/OpenAction 4 0 R"), id="open-action-reference"),
            pytest.param(
                pdf_bytes(catalog=b"/OpenAction<</S/GoTo/D[3 0 R/Fit]>>"), id="open-action-dict"
            ),
            pytest.param(pdf_bytes(catalog=b"/Names<</JavaScript 4 0 R>>"), id="document-scripts"),
            pytest.param(pdf_bytes(catalog=b"/OpenAction<</S/Launch/F(cmd.exe)>>"), id="launch"),
            pytest.param(pdf_bytes(catalog=b"/Names<</EmbeddedFiles 4 0 R>>"), id="embedded-files"),
            pytest.param(
                pdf_bytes(b"<</Type/Annot/Subtype/FileAttachment/FS 5 0 R>>"), id="file-annot"
            ),
            pytest.param(
                pdf_bytes(b"<</Type/Annot/Subtype/Widget/A<</S/SubmitForm/F(http://x)>>>>"),
                id="submit-form",
            ),
            pytest.param(pdf_bytes(catalog=b"/AcroForm<</XFA 4 0 R>>"), id="xfa"),
            pytest.param(
                pdf_bytes(catalog=b"/OpenAction<</S/J#61va#53cript/JS(app.alert(1))>>"),
                id="escaped-name",
            ),
            pytest.param(
                pdf_bytes(
                    object_stream(b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>"),
                    catalog=b"/Op#65nAction 5 0 R",
                ),
                id="escaped-open-action",
            ),
            pytest.param(
                pdf_bytes(object_stream(b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>")),
                id="inside-a-compressed-object-stream",
            ),
        ],
    )
    def test_is_refused(self, content):
        assert refused(pdf_upload(content=content)) == "unsafe_document"

    def test_an_object_stream_that_cannot_be_read_is_refused(self):
        broken = b"<</Type/ObjStm/N 1/First 0/Filter/FlateDecode>>stream\nnot zlib\nendstream"
        assert refused(pdf_upload(content=pdf_bytes(broken))) == "invalid_document"
        lzw = b"<</Type/ObjStm/N 1/First 0/Filter/LZWDecode>>stream\n\x80\x0b\nendstream"
        assert refused(pdf_upload(content=pdf_bytes(lzw))) == "invalid_document"
        indirect = b"<</Type 9 0 R/N 1/First 0/Filter/FlateDecode>>stream\nx\nendstream"
        assert refused(pdf_upload(content=pdf_bytes(indirect))) == "invalid_document"

    def test_an_object_stream_that_inflates_too_far_is_refused(self, monkeypatch):
        monkeypatch.setattr(files, "PDF_MAX_INFLATED_BYTES", 1000)
        bomb = zlib.compress(b" " * 5000)
        stream = b"<</Type/ObjStm/Filter/FlateDecode>>stream\n" + bomb + b"\nendstream"
        assert refused(pdf_upload(content=pdf_bytes(stream))) == "invalid_document"
        small = object_stream(b"<</Type/Font>>")
        assert check_document(pdf_upload(content=pdf_bytes(small))).kind == "pdf"


class TestRefusedTypes:
    def test_a_pdf_signature_without_pdf_structure(self):
        fake = SimpleUploadedFile("licence.pdf", b"%PDF-1.7\nMZ" + b"\x00" * 500)
        assert refused(fake) == "invalid_document"

    @pytest.mark.parametrize(
        "name, content",
        [
            ("page.html", b"<!doctype html><script>alert(1)</script>"),
            (
                "logo.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
            ("macro.docm", b"PK\x03\x04" + b"\x00" * 200 + b"vbaProject.bin"),
            ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 100),
        ],
    )
    def test_html_svg_office_and_programs_are_refused(self, name, content):
        assert refused(SimpleUploadedFile(name, content)) == "invalid_image"

    def test_the_size_limit_comes_from_settings(self, settings):
        upload = pdf_upload()
        settings.MAX_DOCUMENT_UPLOAD_BYTES = upload.size
        assert check_document(upload).kind == "pdf"
        settings.MAX_DOCUMENT_UPLOAD_BYTES = upload.size - 1
        assert refused(upload) == "file_too_large"

    def test_no_file(self):
        assert refused(None) == "required"


@pytest.mark.parametrize(
    "name, kind, expected",
    [
        ("invoice.html", "pdf", "invoice.pdf"),
        ("C:\\Users\\me\\scan.PNG", "png", "scan.png"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("report", "pdf", "report.pdf"),
        ("", "jpg", "file.jpg"),
        (".pdf", "pdf", ".pdf.pdf"),
        ("a\x00b\nc.pdf", "pdf", "abc.pdf"),
        ("x" * 300 + ".pdf", "pdf", "x" * 196 + ".pdf"),
    ],
)
def test_download_name(name, kind, expected):
    assert download_name(name, kind) == expected


class TestPrivateFileResponse:
    def test_always_a_download_of_the_checked_type(self, tmp_path):
        storage = FileSystemStorage(location=tmp_path)
        stored = storage.save("x.pdf", ContentFile(b"%PDF-1.4 <html>"))
        response = private_file_response(storage.open(stored), name="invoice.html", kind="pdf")
        assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == b"%PDF-1.4 <html>"
        response.file_to_stream.close()

    def test_a_missing_file_is_404(self, tmp_path):
        storage = FileSystemStorage(location=tmp_path)

        class Missing:
            def open(self, mode):
                return storage.open("gone.pdf", mode)

        with pytest.raises(Http404):
            private_file_response(Missing(), name="gone.pdf", kind="pdf")
