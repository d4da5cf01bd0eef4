"""Idempotency-Key for API writes: the same key and body replay the first response.

A repeat with the same key but another body (or another endpoint) is refused
with 422; a repeat while the first request is still running gets 409.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from .errors import Conflict, ValidationFailed
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    status_code = 422
    default_message = _("This Idempotency-Key was already used with a different request.")


class IdempotentRequestInProgress(Conflict):
    code = "idempotency_in_progress"
    default_message = _("A request with this Idempotency-Key is still being processed.")


def request_fingerprint(request) -> str:
    files = {name: [f.name, f.size] for name, f in request.FILES.items()} if request.FILES else {}
    data = request.data
    if hasattr(data, "lists"):
        data = {k: v for k, v in data.lists() if k not in request.FILES}
    body = json.dumps({"data": data, "files": files}, sort_keys=True, default=str)
    raw = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def idempotent(view_method):
    """Decorate an API view method (post/put/patch/delete) to honour Idempotency-Key."""

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed(_("Idempotency-Key is too long (255 characters at most)."))
        fingerprint = request_fingerprint(request)
        record, created = _claim(request, key, fingerprint)
        if not created:
            return _replay(record, fingerprint)
        try:
            response = view_method(view, request, *args, **kwargs)
        except Exception:
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        record.response_status = response.status_code
        record.response_body = response.data
        record.save(update_fields=["response_status", "response_body"])
        return response

    return wrapper


def _claim(request, key, fingerprint):
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.get_or_create(
                user=request.user,
                key=key,
                defaults={
                    "method": request.method,
                    "path": request.path,
                    "request_hash": fingerprint,
                },
            )
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=request.user, key=key), False


def _replay(record, fingerprint):
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if record.response_status is None:
        raise IdempotentRequestInProgress()
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
