"""The project's upload policy (core.files.check_document) as CVs use it: PDF or DOCX, by
content, without passwords, bombs, macros or too many pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from craftwork.candidates.models import MAX_CV_PAGES
from craftwork.core.errors import ValidationFailed
from craftwork.core.files import PDF_AND_DOCX, check_document

from .documents import (
    docx_bomb,
    docx_bytes,
    encrypted_pdf,
    fixture_bytes,
    pdf_with_pages,
    upload,
)


def refused(file) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check_document(file, accept=PDF_AND_DOCX, max_pages=MAX_CV_PAGES)
    return caught.value.code


def test_a_real_pdf_and_docx_pass_with_their_pages_counted():
    pdf = check_document(
        upload("cv.pdf", fixture_bytes("01-en-pdf-one-column.pdf")),
        accept=PDF_AND_DOCX,
        max_pages=MAX_CV_PAGES,
    )
    assert (pdf.kind, pdf.pages) == ("pdf", 1)
    docx = check_document(
        upload("cv.docx", fixture_bytes("05-en-docx-one-column.docx")), accept=PDF_AND_DOCX
    )
    assert (docx.kind, docx.stored_name) == ("docx", "document.docx")


def test_files_that_lie_about_their_type_are_named_by_their_content():
    docx = check_document(
        upload("cv.pdf", fixture_bytes("05-en-docx-one-column.docx")), accept=PDF_AND_DOCX
    )
    assert (docx.kind, docx.original_name) == ("docx", "cv.docx")
    pdf = check_document(
        upload("cv.docx", fixture_bytes("01-en-pdf-one-column.pdf")), accept=PDF_AND_DOCX
    )
    assert (pdf.kind, pdf.original_name) == ("pdf", "cv.pdf")


@pytest.mark.parametrize(
    "name, content, code",
    [
        pytest.param(
            "cv.pdf", b"Just text, renamed to .pdf\n" * 20, "unsupported_document", id="text-as-pdf"
        ),
        pytest.param(
            "cv.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "unsupported_document", id="png-as-pdf"
        ),
        pytest.param("cv.pdf", b"", "empty_file", id="empty"),
        pytest.param("cv.pdf", b"%PDF-1.7\nnot really a pdf", "invalid_document", id="broken-pdf"),
        pytest.param("cv.docx", b"PK\x03\x04garbage", "invalid_document", id="broken-zip"),
        pytest.param(
            "cv.docx",
            docx_bytes(minimal=False, parts={"a.txt": b"x"}),
            "invalid_document",
            id="zip-not-docx",
        ),
        pytest.param("cv.docx", docx_bomb(), "compression_bomb", id="docx-bomb"),
        pytest.param(
            "cv.docx",
            docx_bytes({"word/vbaProject.bin": b"macro"}),
            "unsafe_document",
            id="docx-macro",
        ),
        pytest.param("cv.pdf", encrypted_pdf(), "encrypted_document", id="encrypted-pdf"),
        pytest.param(
            "cv.pdf", pdf_with_pages(MAX_CV_PAGES + 1), "too_many_pages", id="too-many-pages"
        ),
    ],
)
def test_refused(name, content, code):
    assert refused(SimpleUploadedFile(name, content)) == code


def test_a_huge_file_is_refused_before_it_is_read(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1024
    assert refused(upload("cv.pdf", pdf_with_pages(3) + b"\0" * 2048)) == "file_too_large"


def test_images_are_not_cvs_and_docx_is_not_accepted_where_images_are():
    from .documents import fixture_bytes as data

    with pytest.raises(ValidationFailed):
        check_document(upload("cv.docx", data("05-en-docx-one-column.docx")))


def test_other_uploads_refuse_encrypted_pdfs_too():
    with pytest.raises(ValidationFailed) as caught:
        check_document(upload("licence.pdf", encrypted_pdf()))
    assert caught.value.code == "encrypted_document"
