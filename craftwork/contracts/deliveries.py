"""Deliveries: the message and files handed over when a milestone is submitted."""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.core.files import CheckedDocument, check_document

from .models import Delivery, DeliveryFile

MAX_FILES = 10
MAX_MESSAGE_LENGTH = 5000


def validate_files(files) -> list[tuple[object, CheckedDocument]]:
    """Every file a PDF or an image of an allowed size, at most ten (checked by content)."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES},
            code="too_many_files",
            details={"files": [_("At most %(count)d files.") % {"count": MAX_FILES}]},
        )
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_document(upload)))
        except ValidationFailed as exc:
            exc.details = {"files": [f"{_safe_name(upload)}: {exc.message}"]}
            raise
    return checked


def delivery_create(milestone, *, submitted_by, message: str, files=None) -> Delivery:
    checked = validate_files(files)
    delivery = Delivery.objects.create(
        milestone=milestone,
        submitted_by=submitted_by,
        message=message[:MAX_MESSAGE_LENGTH],
        revision=milestone.revision_count,
    )
    store_files(DeliveryFile, checked, delivery=delivery)
    return delivery


def store_files(model, checked, **owner) -> None:
    """One row per checked file; the stored name comes from the checked type."""
    for upload, document in checked:
        upload.seek(0)
        stored = model(
            original_name=document.original_name,
            size=document.size,
            file_type=document.kind,
            **owner,
        )
        stored.file.save(document.stored_name, upload, save=False)
        stored.save()


def _safe_name(upload) -> str:
    name = os.path.basename(getattr(upload, "name", "") or "file")
    return "".join(ch for ch in name if ch.isprintable())[:200] or "file"
