"""Attachments of jobs and proposals: validated by content, stored under a private path.

PDFs are stored as uploaded; images are re-encoded (metadata and anything appended to the
file are dropped). Files are only served through the permission-checked download views.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.core.files import check_document, download_name, reencode_image

MAX_IMAGE_SIDE = 2400


def prepare(upload) -> dict:
    """Validate one upload; return what an attachment row needs (nothing is stored yet)."""
    if not hasattr(upload, "read") or not hasattr(upload, "size"):
        raise ValidationFailed(_("Send a file."), details={"file": [_("Send a file.")]})
    try:
        document = check_document(upload)
    except ValidationFailed as error:
        raise ValidationFailed(
            _("Attach a PDF or an image (JPEG, PNG, WebP or GIF): %(error)s")
            % {"error": error.message},
            code=error.code,
            details={"file": [error.message]},
        ) from error
    if document.kind == "pdf":
        content, kind = upload, "pdf"
    else:
        content = reencode_image(upload, max_size=(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), name="image")
        kind = "jpg"
    return {
        "content": content,
        "stored_name": f"document.{kind}",
        "kind": kind,
        "original_name": download_name(document.original_name, kind),
        "size": content.size,
    }


def prepare_all(uploads, *, limit: int) -> list[dict]:
    uploads = list(uploads or [])
    if len(uploads) > limit:
        raise ValidationFailed(
            _("Attach at most %(n)d files.") % {"n": limit},
            code="too_many_attachments",
            details={"attachments": [_("At most %(n)d files.") % {"n": limit}]},
        )
    return [prepare(upload) for upload in uploads]


def store(model, prepared: dict, **owner):
    """Create the attachment row (``owner`` is job=... or proposal=...) with its file."""
    attachment = model(
        original_name=prepared["original_name"],
        kind=prepared["kind"],
        size=prepared["size"],
        **owner,
    )
    attachment.file.save(prepared["stored_name"], prepared["content"], save=False)
    attachment.save()
    return attachment


def delete_file_on_commit(attachment) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    transaction.on_commit(lambda: storage.delete(name))
