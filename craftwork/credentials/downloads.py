"""Streaming a private document to someone the selectors already allowed to read it."""

from django.http import FileResponse
from django.utils.text import slugify

from .models import CredentialFile


def document_response(document: CredentialFile, *, inline: bool = False) -> FileResponse:
    credential = document.credential
    filename = f"{slugify(credential.title)[:60] or 'document'}-v{document.version}.{document.kind}"
    handle = document.file.storage.open(document.file.name, "rb")
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=not inline,
        filename=filename,
    )
    # The type was checked by content at upload; the browser must not guess another one.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
