"""Request ids, the user of the request, and one access log line per request."""

from __future__ import annotations

import logging
import time

from django.utils.functional import empty

from .context import accept_request_id, current_request_id, current_user_id
from .logs import scrub_text

access_log = logging.getLogger("craftwork.request")


def known_user_id(request) -> str | None:
    """The signed-in user's id when authentication already ran; never runs it (no query)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return str(wrapped.pk)


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sent a plain one), keeps it
    for logs and for the tasks the request queues, and returns it as ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accept_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        id_token = current_request_id.set(request_id)
        user_token = current_user_id.set(None)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            user_id = known_user_id(request)
            if user_id:
                current_user_id.set(user_id)
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "query": scrub_text(request.META.get("QUERY_STRING", ""))[:500],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "view": match.view_name if match else None,
                },
            )
            current_user_id.reset(user_token)
            current_request_id.reset(id_token)


class UserContextMiddleware:
    """After authentication: the user id of a session request, for the logs written while the
    view runs. It reads the user only when the session already holds one (no extra query for
    anonymous visitors); API tokens are resolved by the view and reach the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            current_user_id.set(str(session["_auth_user_id"]))
        return self.get_response(request)
