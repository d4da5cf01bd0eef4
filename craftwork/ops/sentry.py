"""Error tracking: sentry-sdk for Django, Celery and Channels when ``SENTRY_DSN`` is set."""

from __future__ import annotations

from .logs import SENSITIVE_KEY, scrub

EXTRA_DENYLIST = [
    "card",
    "number",
    "cvc",
    "cvv",
    "expiry",
    "iban",
    "account_number",
    "ticket",
    "refresh",
    "access",
    "signature",
    "stripe_signature",
    "http_authorization",
    "new_password1",
    "new_password2",
    "password1",
    "password2",
    "old_password",
]


def before_send(event, hint):
    """What Sentry's own scrubber leaves: free text with card numbers or tokens, and request
    bodies and query strings (dropped whole: they are user input)."""
    request = event.get("request")
    if isinstance(request, dict):
        if "data" in request:
            request["data"] = "[filtered]"
        if request.get("query_string"):
            request["query_string"] = scrub(request["query_string"])
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                k: ("[filtered]" if SENSITIVE_KEY.search(k) else v) for k, v in headers.items()
            }
    for entry in (event.get("exception") or {}).get("values") or []:
        if isinstance(entry.get("value"), str):
            entry["value"] = scrub(entry["value"])
    if isinstance(event.get("message"), str):
        event["message"] = scrub(event["message"])
    logentry = event.get("logentry")
    if isinstance(logentry, dict) and isinstance(logentry.get("message"), str):
        logentry["message"] = scrub(logentry["message"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
        ],
        send_default_pii=False,
        event_scrubber=EventScrubber(denylist=DEFAULT_DENYLIST + EXTRA_DENYLIST, recursive=True),
        before_send=before_send,
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",
    )
