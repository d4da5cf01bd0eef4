"""Test documents for the upload policy: well-formed PDFs, with or without active content."""

import uuid
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(*objects: bytes, marker: str | None = None, catalog: bytes = b"") -> bytes:
    """A small, well-formed PDF. ``objects`` are extra objects (numbered from 4), ``catalog``
    extra entries of the document catalog; ``marker`` makes the bytes unique."""
    marker = marker or uuid.uuid4().hex
    body = [
        b"1 0 obj<</Type/Catalog/Pages 2 0 R" + catalog + b">>endobj\n",
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n",
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n",
        *(b"%d 0 obj" % (number,) + obj + b"\nendobj\n" for number, obj in enumerate(objects, 4)),
    ]
    return (
        b"%PDF-1.7\n%"
        + marker.encode()
        + b"\n"
        + b"".join(body)
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def object_stream(*objects: bytes) -> bytes:
    """An object stream (PDF 1.5) packing ``objects``, compressed: a byte search misses them."""
    data = zlib.compress(b" ".join(objects))
    return (
        b"<</Type/ObjStm/N %d/First 0/Filter/FlateDecode/Length %d>>stream\n"
        % (len(objects), len(data))
        + data
        + b"\nendstream"
    )


def pdf_upload(name: str = "document.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


def scripted_pdf(*, hidden: bool = False) -> bytes:
    """A PDF that runs JavaScript when opened; ``hidden`` packs the script action into a
    compressed object stream, out of sight of a byte search."""
    action = b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>"
    if hidden:
        return pdf_bytes(object_stream(action), catalog=b"/OpenAction 4 0 R")
    return pdf_bytes(catalog=b"/OpenAction" + action)


# Starts like a PDF, ends like one, and is an HTML page to a browser that sniffs it.
HTML_IN_PDF = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
