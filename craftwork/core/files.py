"""Validation of uploaded files by their content, not their name, and thumbnails."""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .errors import ValidationFailed

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_IMAGE_PIXELS = 40_000_000
DOCUMENT_SIGNATURES = {b"%PDF-": "pdf"}


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


def validate_document(upload, *, max_bytes: int | None = None) -> str:
    """Accept a PDF (by its signature) or an image; return "pdf" or the image extension."""
    max_bytes = max_bytes or settings.MAX_DOCUMENT_UPLOAD_BYTES
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("The file is too large (%(size)d MB at most).")
            % {"size": max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return IMAGE_FORMATS[validate_image(upload, max_bytes=max_bytes)]


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
