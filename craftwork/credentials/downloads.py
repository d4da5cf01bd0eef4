"""Streaming a private document to someone the selectors already allowed to read it."""

from django.http import FileResponse
from django.utils.text import slugify

from craftwork.core.files import private_file_response

from .models import CredentialFile


def document_response(document: CredentialFile) -> FileResponse:
    name = f"{slugify(document.credential.title)[:60] or 'document'}-v{document.version}"
    response = private_file_response(document.file, name=name, kind=document.kind)
    response["Referrer-Policy"] = "no-referrer"
    return response
