"""Idempotency-Key for API writes: the same key and body replay the first response.

Every write method (POST, PUT, PATCH, DELETE) of every API view honours the header:
``craftwork/urls.py`` passes the API's URL patterns through ``idempotent_views``, and
``@idempotent`` does the same for one view method.

* The first request claims the key (a row committed at once, so a parallel repeat sees it).
  A repeat while it runs gets 409 ``idempotency_in_progress``; with another body or on
  another endpoint, 422 ``idempotency_key_reused``.
* The view and the storing of its response run in one transaction (run again on a deadlock,
  see ``core.db``): the write and its stored answer commit together or not at all. The
  answer is stored as the API renders it (DRF's JSON renderer), so a replay is the same body.
* A request that raises (a domain error, a crash) or answers 5xx rolls back and gives the
  key up, so the client can retry it. A claim whose request never finished (the worker
  died) lapses after ``IDEMPOTENCY_LEASE_SECONDS``; the request that held it, should it
  still be running, then rolls back instead of answering twice.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .db import run_with_retry
from .errors import Conflict, ValidationFailed
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
WRITE_METHODS = ("post", "put", "patch", "delete")
CLAIM_ATTEMPTS = 5


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
    if getattr(view_method, "honours_idempotency_key", False):
        return view_method

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed(_("Idempotency-Key is too long (255 characters at most)."))
        fingerprint = request_fingerprint(request)
        record, claimed = _claim(request, key, fingerprint)
        if not claimed:
            return _replay(record, fingerprint)
        try:
            response, stored = run_with_retry(
                lambda: _run_and_store(record, lambda: view_method(view, request, *args, **kwargs))
            )
        except BaseException:
            _release(record)
            raise
        if not stored:
            _release(record)
        return response

    wrapper.honours_idempotency_key = True
    return wrapper


def _claim(request, key, fingerprint) -> tuple[IdempotencyRecord, bool]:
    """``(record, True)`` when this request now holds the key, ``(record, False)`` when
    another request holds (or answered) it. Each attempt commits on its own."""
    for _attempt in range(CLAIM_ATTEMPTS):
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is None:
            try:
                with transaction.atomic():
                    return IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path,
                        request_hash=fingerprint,
                    ), True
            except IntegrityError:
                continue  # claimed in between (and maybe given up again): look again
        if record.request_hash != fingerprint or not _lapsed(record):
            return record, False
        if _take_over(record):
            return record, True
    raise IdempotentRequestInProgress()


def _lapsed(record: IdempotencyRecord) -> bool:
    lease = timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)
    return record.response_status is None and record.created_at < timezone.now() - lease


def _take_over(record: IdempotencyRecord) -> bool:
    now = timezone.now()
    taken = _held(record).update(created_at=now)
    record.created_at = now
    return bool(taken)


def _held(record: IdempotencyRecord):
    """The record as long as this request's claim is the current one (the claim time is its
    token: a takeover after the lease changes it)."""
    return IdempotencyRecord.objects.filter(
        pk=record.pk, created_at=record.created_at, response_status__isnull=True
    )


def _run_and_store(record, run_view) -> tuple:
    """``(response, stored)``: the view and the stored answer commit together; an answer that
    is not replayed (5xx, not an API response) rolls the view's writes back."""
    with transaction.atomic():
        response = run_view()
        if response.status_code >= 500 or not isinstance(response, Response):
            transaction.set_rollback(True)
            return response, False
        body = rendered(response)
        if not _held(record).update(response_status=response.status_code, response_body=body):
            raise IdempotentRequestInProgress()  # the lease ran out and another request took over
    return response, True


def rendered(response: Response) -> str | None:
    """The response body exactly as the API sends it, as JSON text (dates, decimals, UUIDs and
    lazy texts become what DRF's renderer makes of them). Text, not a JSON column: PostgreSQL's
    jsonb reorders keys, and a replay must be the same bytes as the first answer."""
    if response.data is None:
        return None
    return JSONRenderer().render(response.data).decode()


def _release(record: IdempotencyRecord) -> None:
    _held(record).delete()


def _replay(record, fingerprint):
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if record.response_status is None:
        raise IdempotentRequestInProgress()
    body = None if record.response_body is None else json.loads(record.response_body)
    response = Response(body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent_views(patterns: list) -> list:
    """The URL patterns with every API view's write methods wrapped by ``idempotent``."""
    wrapped = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            entry = URLResolver(
                entry.pattern,
                idempotent_views(entry.url_patterns),
                entry.default_kwargs,
                entry.app_name,
                entry.namespace,
            )
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
            callback = _idempotent_class(entry.callback.cls).as_view(**entry.callback.initkwargs)
            entry = URLPattern(entry.pattern, callback, entry.default_args, entry.name)
        wrapped.append(entry)
    return wrapped


def _idempotent_class(view_class):
    methods = {
        name: idempotent(getattr(view_class, name))
        for name in WRITE_METHODS
        if hasattr(view_class, name)
        and not getattr(getattr(view_class, name), "honours_idempotency_key", False)
    }
    if not methods:
        return view_class
    attrs = {"__module__": view_class.__module__, "__qualname__": view_class.__qualname__}
    attrs["__doc__"] = view_class.__doc__
    return type(view_class.__name__, (view_class,), {**attrs, **methods})


def purge_expired() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
