"""Validation of uploaded files by their content, not their name, and thumbnails."""

import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from itertools import chain
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import ValidationFailed

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_NAME_LENGTH = 200
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# What a caller may accept: every document upload takes PDFs and images; résumés take PDF and
# DOCX (a Word document is refused everywhere else, so its macros or links never get stored).
PDF_AND_IMAGES = frozenset({"pdf", "image"})
PDF_AND_DOCX = frozenset({"pdf", "docx"})
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
# A DOCX is a zip of XML parts. Text compresses well (10-20 times), a decompression bomb a
# thousand times or more: refuse a large part packed past the ratio, and any archive that
# would unpack past the total. zipfile never inflates more than a part's declared size, so
# these declared sizes bound what a reader of the file can be made to unpack.
DOCX_MAX_PARTS = 1000
DOCX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
DOCX_MAX_RATIO = 100
DOCX_RATIO_CHECKED_FROM = 1024 * 1024
DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
DOCX_MACRO_PARTS = re.compile(r"(^|/)vbaProject\.bin$|(^|/)activeX/", re.IGNORECASE)
PDF_TAIL_BYTES = 2048
# What a reader may run, send or unpack: scripts (every script action and the document's
# script tree carry the name /JavaScript), programs launched, forms that submit data, and
# embedded files or media. Long names only: a three-letter one (/JS, /AA) turns up by chance
# in megabytes of image data, and each action it could hold carries one of these names.
PDF_ACTIVE_NAMES = {
    "JavaScript",
    "Launch",
    "SubmitForm",
    "ImportData",
    "GoToE",
    "EmbeddedFile",
    "EmbeddedFiles",
    "FileAttachment",
    "RichMedia",
    "XFA",
}
# /OpenAction [page /Fit] only sets the first view (office suites write it); anything else
# (an action dictionary, or a reference that may be one) is refused as "OpenAction".
PDF_DESTINATION = re.compile(rb"\s*\[")
PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM_START = re.compile(rb"(?<![A-Za-z])stream\r?\n")
PDF_INDIRECT_TYPE = re.compile(rb"/Type\s+\d+\s+\d+\s+R")
PDF_FILTER_NAMES = {
    "FlateDecode",
    "LZWDecode",
    "ASCIIHexDecode",
    "ASCII85Decode",
    "RunLengthDecode",
    "CCITTFaxDecode",
    "JBIG2Decode",
    "DCTDecode",
    "JPXDecode",
    "Crypt",
}
PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024


def validate_image(upload, *, max_bytes: int | None = None) -> str:
    """Check that ``upload`` is a real image of an allowed type and size; return its format."""
    max_bytes = max_bytes or settings.MAX_IMAGE_UPLOAD_BYTES
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("The image is too large (%(size)d MB at most).")
            % {"size": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationFailed(_("The image has too many pixels."), code="invalid_image")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(_("The file is not a valid image."), code="invalid_image") from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationFailed(_("Use a JPEG, PNG, WebP or GIF image."), code="invalid_image")
    return image_format


@dataclass(frozen=True)
class CheckedDocument:
    """What the upload policy found: the type comes from the content, never the client's name."""

    kind: str  # "pdf", "docx" or an image extension
    size: int
    original_name: str  # the client's base name, printable, its extension replaced by ``kind``
    pages: int | None = None  # a PDF's page count, when the caller asked for a limit

    @property
    def content_type(self) -> str:
        return DOCUMENT_CONTENT_TYPES[self.kind]

    @property
    def stored_name(self) -> str:
        return f"document.{self.kind}"


def check_document(
    upload, *, accept: frozenset = PDF_AND_IMAGES, max_pages: int | None = None
) -> CheckedDocument:
    """The one policy for every document upload: a PDF without active content or a password,
    or an image (JPEG, PNG, WebP, GIF), recognised by its bytes, within
    ``MAX_DOCUMENT_UPLOAD_BYTES``. ``accept=PDF_AND_DOCX`` takes a Word document (no macros,
    no decompression bomb) instead of images; ``max_pages`` opens the PDF and counts its pages.

    HTML, SVG, other Office files and anything else are refused by type, so no script or
    macro they could carry is ever stored. The client's file name never decides the type.
    """
    if upload is None or not hasattr(upload, "read") or not hasattr(upload, "size"):
        raise ValidationFailed(_("Choose a file to upload."), code="required")
    if not upload.size:
        raise ValidationFailed(_("The file is empty."), code="empty_file")
    max_bytes = settings.MAX_DOCUMENT_UPLOAD_BYTES
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("The file is too large (%(size)d MB at most).")
            % {"size": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    pages = None
    if head == PDF_SIGNATURE and "pdf" in accept:
        pages = _check_pdf(upload, max_pages=max_pages)
        kind = "pdf"
    elif head.startswith(ZIP_SIGNATURE) and "docx" in accept:
        _check_docx(upload)
        kind = "docx"
    elif "image" in accept:
        kind = IMAGE_FORMATS[validate_image(upload, max_bytes=max_bytes)]
    else:
        raise ValidationFailed(
            _("Use a PDF or a Word (.docx) document."), code="unsupported_document"
        )
    return CheckedDocument(
        kind=kind,
        size=upload.size,
        original_name=download_name(getattr(upload, "name", ""), kind),
        pages=pages,
    )


def download_name(name: str | None, kind: str) -> str:
    """The client's base name (printable, at most 200 characters) with ``kind``'s extension:
    "invoice.html" holding a PDF becomes "invoice.pdf"."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0].strip() if "." in base[1:] else base
    suffix = f".{kind}"
    return (stem or "file")[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _check_pdf(upload, *, max_pages: int | None = None) -> int | None:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if b"%%EOF" not in content[-PDF_TAIL_BYTES:]:
        raise ValidationFailed(_("The file is not a valid PDF."), code="invalid_document")
    names = _pdf_active_names(content)
    if names & PDF_ACTIVE_NAMES or "OpenAction" in names:
        raise ValidationFailed(
            _(
                "PDFs with scripts, automatic or launch actions, forms that send data or "
                "attached files are not accepted."
            ),
            code="unsafe_document",
        )
    if "Encrypt" in names:
        # Nobody here could read it (a reviewer, the CV parser), and its content cannot be
        # checked: the owner saves a copy without a password instead.
        raise ValidationFailed(
            _("Password-protected PDFs are not accepted: save a copy without a password."),
            code="encrypted_document",
        )
    return None if max_pages is None else _pdf_page_count(content, max_pages)


def _pdf_page_count(content: bytes, max_pages: int) -> int:
    """Open the PDF with pypdf (a structural check the byte scan above cannot make)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationFailed(
                _("Password-protected PDFs are not accepted: save a copy without a password."),
                code="encrypted_document",
            )
        pages = len(reader.pages)
    except ValidationFailed:
        raise
    except Exception as exc:  # pypdf raises many kinds on hostile input; all mean "unreadable"
        raise _unreadable_pdf() from exc
    if pages < 1:
        raise _unreadable_pdf()
    if pages > max_pages:
        raise ValidationFailed(
            _("The PDF has %(pages)d pages; %(max)d at most.") % {"pages": pages, "max": max_pages},
            code="too_many_pages",
        )
    return pages


def _check_docx(upload) -> None:
    """A Word document: a zip with the parts Word writes, no macros or ActiveX, no bomb."""
    invalid = ValidationFailed(_("The file is not a valid Word document."), code="invalid_document")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise invalid from exc
    finally:
        upload.seek(0)
    names = {part.filename for part in parts}
    if len(parts) > DOCX_MAX_PARTS or not all(name in names for name in DOCX_REQUIRED_PARTS):
        raise invalid
    if any(part.flag_bits & 0x1 for part in parts):
        raise ValidationFailed(
            _("Password-protected documents are not accepted: save a copy without a password."),
            code="encrypted_document",
        )
    if any(DOCX_MACRO_PARTS.search(name) for name in names):
        raise ValidationFailed(
            _("Documents with macros or embedded controls are not accepted."),
            code="unsafe_document",
        )
    unpacked = sum(part.file_size for part in parts)
    too_packed = any(
        part.file_size > DOCX_RATIO_CHECKED_FROM
        and part.file_size > DOCX_MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if unpacked > DOCX_MAX_UNPACKED_BYTES or too_packed:
        raise ValidationFailed(
            _("The document unpacks to far more than its size; it is not accepted."),
            code="compression_bomb",
        )


def _pdf_active_names(content: bytes) -> set[str]:
    """The active-content names in the PDF, including those packed into compressed object
    streams, where a plain byte search would not see them."""
    found = set()
    for text in chain([content], _object_streams(content)):
        for match in PDF_NAME.finditer(text):
            name = _decode_name(match.group(1))
            if (
                name in PDF_ACTIVE_NAMES
                or name == "Encrypt"
                or (name == "OpenAction" and not PDF_DESTINATION.match(text, match.end()))
            ):
                found.add(name)
    return found


def _object_streams(content: bytes):
    """Each object stream (``/Type /ObjStm``), inflated: the only streams a reader parses as
    objects (page contents, fonts and images cannot hold actions)."""
    budget = PDF_MAX_INFLATED_BYTES
    for match in PDF_STREAM_START.finditer(content):
        start = content.rfind(b"obj", 0, match.start())
        header = content[max(start, 0) : match.start()]
        if PDF_INDIRECT_TYPE.search(header):
            raise _unreadable_pdf()  # a type we cannot read here could hide an object stream
        names = {_decode_name(raw) for raw in PDF_NAME.findall(header)}
        if "ObjStm" in names:
            end = content.find(b"endstream", match.end())
            data = content[match.end() : end if end >= 0 else len(content)]
            inflated = _inflate(names, data, budget)
            budget -= len(inflated)
            yield inflated


def _inflate(header_names: set[str], data: bytes, budget: int) -> bytes:
    filters = header_names & PDF_FILTER_NAMES
    if not filters:
        return data  # plain text, already scanned with the rest of the file
    if filters != {"FlateDecode"} or budget <= 0:  # (zlib reads a limit of 0 as "none")
        raise _unreadable_pdf()
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data, budget)
    except zlib.error as exc:
        raise _unreadable_pdf() from exc
    if inflater.unconsumed_tail:
        raise _unreadable_pdf()  # more than we are willing to inflate: a decompression bomb
    return inflated


def _unreadable_pdf() -> ValidationFailed:
    return ValidationFailed(_("The file is not a valid PDF."), code="invalid_document")


def _decode_name(raw: bytes) -> str:
    """A PDF name with its #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def make_thumbnail(
    upload, *, size: tuple[int, int] = (400, 400), name: str = "thumb"
) -> ContentFile:
    """A JPEG thumbnail (EXIF orientation applied, metadata stripped) of a validated image."""
    from PIL import ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(size)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    upload.seek(0)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def reencode_image(
    upload, *, max_size: tuple[int, int] = (1600, 1600), name: str = "image"
) -> ContentFile:
    """Store a re-encoded copy rather than the uploaded bytes: strips metadata and anything appended."""
    return make_thumbnail(upload, size=max_size, name=name)


def private_file_response(stored, *, name: str, kind: str) -> FileResponse:
    """Stream a private file (already permission-checked) as a download of its checked type.

    Never shown inline on our origin: the browser saves it under a name with the right
    extension, may not guess another type, and would run nothing from it even if it did.
    """
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(name, kind),
        content_type=DOCUMENT_CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
