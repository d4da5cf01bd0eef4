"""Test helpers: real documents, and credentials driven into each state through the services."""

import datetime
import uuid
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory
from craftwork.credentials import services
from craftwork.credentials.models import Credential, DocumentType

SCORES = {"authenticity": 4, "relevance": 5, "quality": 3}


def pdf_bytes(marker: str | None = None, *, extra: bytes = b"") -> bytes:
    """A small, well-formed PDF; ``marker`` makes its bytes (and hash) unique."""
    marker = marker or uuid.uuid4().hex
    return (
        b"%PDF-1.4\n%" + marker.encode() + b"\n"
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        + extra
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_upload(name: str = "licence.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def png_upload(name: str = "scan.png", color=None) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), color or (uuid.uuid4().int % 255, 90, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def exe_as_pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    """A Windows executable header, named and typed like a PDF."""
    body = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 64
        + b"This program cannot be run in DOS mode."
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def doc_type(slug: str = "first-aid-certificate") -> DocumentType:
    return DocumentType.objects.get(slug=slug)


def valid_fields(document_type: DocumentType) -> dict:
    today = timezone.localdate()
    return {
        "title": f"My {document_type.name}",
        "issuer": "Issuing Body Ltd",
        "number": "AB-123456",
        "issue_date": today - datetime.timedelta(days=365),
        "expiry_date": today + datetime.timedelta(days=365)
        if document_type.expiry_applies
        else None,
    }


def upload_credential(
    owner=None, slug: str = "first-aid-certificate", upload=None, **overrides
) -> Credential:
    owner = owner or FreelancerFactory()
    document_type = doc_type(slug)
    fields = {**valid_fields(document_type), **overrides}
    return services.credential_upload(
        actor=owner, document_type=document_type, upload=upload or pdf_upload(), **fields
    )


def make_credential(
    status: str = "under_review", *, owner=None, reviewer=None, **kwargs
) -> Credential:
    """A credential in ``status``, reached through the services as a real user would."""
    credential = upload_credential(owner=owner, **kwargs)
    reviewer = reviewer or StaffFactory()
    decisions = {
        "approved": "approve",
        "rejected": "reject",
        "revision_requested": "request_revision",
    }
    if status in decisions or status == "expired":
        services.credential_decide(
            actor=reviewer,
            credential=credential,
            decision=decisions.get(status, "approve"),
            notes="Checked.",
            **SCORES,
        )
    if status == "expired":
        services.credential_expire(
            credential=credential, today=credential.expiry_date + datetime.timedelta(days=1)
        )
    credential.refresh_from_db()
    assert credential.status == status
    return credential
