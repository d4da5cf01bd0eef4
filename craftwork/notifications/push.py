"""Web Push: the fourth notification channel, to browsers and installed apps (RFC 8030/8291/8292).

A browser that agrees to notifications gives us a *subscription*: the push service's endpoint for
that browser and the keys the payload is encrypted to. Sending is one HTTPS POST of the encrypted
payload to that endpoint, signed with our VAPID key (pywebpush does the encryption and signing).

* Keys: ``WEBPUSH_VAPID_PUBLIC_KEY`` / ``WEBPUSH_VAPID_PRIVATE_KEY`` (base64url, made by
  ``manage.py webpush_keys``). In development, without them, a key pair is kept in
  ``var/webpush-vapid.json`` (mode 0600) and made on first use, so ``make run`` needs no setup.
  Without keys, push is off: nobody is offered it and nothing is sent.
* Endpoints: only push services on ``WEBPUSH_SERVICE_HOSTS`` are accepted, so a subscription
  cannot make the server POST to an internal address.
* Gone devices: a 404 or 410 from the push service means the browser dropped the subscription;
  it is deleted at once.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import PushSubscription

logger = logging.getLogger(__name__)

BODY_MAX = 300
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16


class PushError(Exception):
    """The push service did not take the message; ``permanent`` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SubscriptionGone(PushError):
    def __init__(self, message: str = "subscription gone"):
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # base64url, the browser's applicationServerKey
    private_key: str  # base64url of the 32-byte private value


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_vapid_keys() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return VapidKeys(public_key=b64url_encode(public), private_key=b64url_encode(private))


def _key_file() -> Path | None:
    path = getattr(settings, "WEBPUSH_KEY_FILE", None)
    return Path(path) if path else None


def _development_keys(path: Path) -> VapidKeys | None:
    """The key pair in ``path``, made on first use. Several processes may start at once: the
    file is created with O_EXCL semantics (a hard link), so they all end up with the same pair."""
    if not path.exists():
        keys = generate_vapid_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(keys.__dict__, handle)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return VapidKeys(stored["public_key"], stored["private_key"])
    except (OSError, ValueError, KeyError, TypeError):
        logger.warning("unreadable web push key file %s", path)
        return None


def vapid_keys() -> VapidKeys | None:
    if settings.WEBPUSH_VAPID_PRIVATE_KEY and settings.WEBPUSH_VAPID_PUBLIC_KEY:
        return VapidKeys(settings.WEBPUSH_VAPID_PUBLIC_KEY, settings.WEBPUSH_VAPID_PRIVATE_KEY)
    path = _key_file()
    return _development_keys(path) if path is not None else None


def is_configured() -> bool:
    return vapid_keys() is not None


# --- subscriptions ----------------------------------------------------------------------------


def endpoint_allowed(endpoint: str) -> bool:
    """An https URL on a known push service (``WEBPUSH_SERVICE_HOSTS``, ``*`` wildcards)."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    scheme_ok = parts.scheme == "https" or (
        parts.scheme == "http" and settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS
    )
    return scheme_ok and any(
        fnmatch.fnmatchcase(host, pattern.lower()) for pattern in settings.WEBPUSH_SERVICE_HOSTS
    )


def key_valid(value: str, length: int) -> bool:
    try:
        raw = b64url_decode(value)
    except (ValueError, TypeError):
        return False
    if len(raw) != length:
        return False
    return length != P256DH_BYTES or raw[0] == 0x04


# --- sending ----------------------------------------------------------------------------------


def payload_for(notification) -> dict:
    body = notification.body if len(notification.body) <= BODY_MAX else notification.body[:BODY_MAX]
    return {
        "title": notification.title,
        "body": body,
        "url": reverse("notifications:open", args=[notification.pk]),
        "tag": str(notification.pk),
    }


def send(subscription: PushSubscription, payload: dict, keys: VapidKeys) -> None:
    """Encrypt ``payload`` to one browser and hand it to its push service."""
    from py_vapid import Vapid02
    from pywebpush import WebPushException, webpush

    if not endpoint_allowed(subscription.endpoint):
        raise SubscriptionGone("endpoint no longer on an allowed push service")
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            vapid_private_key=Vapid02.from_raw(keys.private_key.encode("ascii")),
            vapid_claims={"sub": settings.WEBPUSH_CONTACT},
            ttl=settings.WEBPUSH_TTL_SECONDS,
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise SubscriptionGone(f"push service answered {status}") from exc
        # 400/403/413: our request or key is wrong for this endpoint; retrying will not help.
        raise PushError(
            f"push service answered {status}", permanent=status in (400, 403, 413)
        ) from exc
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        raise PushError(f"push service unreachable: {type(exc).__name__}") from exc


def deliver(notification) -> int:
    """Push one notification to every device of its recipient; returns how many took it.

    Raises ``PushError`` when none did: transient if any device may still take it on a retry,
    permanent when the recipient has no device left. Devices that already took it are not
    retried, because a retry happens only when no device did.
    """
    keys = vapid_keys()
    if keys is None:
        raise PushError("web push is not configured", permanent=True)
    payload = payload_for(notification)
    sent, failures = [], []
    for subscription in PushSubscription.objects.filter(user_id=notification.recipient_id):
        try:
            send(subscription, payload, keys)
        except SubscriptionGone:
            logger.info("push subscription %s is gone; removed", subscription.pk)
            subscription.delete()
        except PushError as exc:
            failures.append(exc)
        else:
            sent.append(subscription.pk)
    if sent:
        PushSubscription.objects.filter(pk__in=sent).update(last_sent_at=timezone.now())
        return len(sent)
    if failures:
        raise PushError(str(failures[0]), permanent=all(f.permanent for f in failures))
    raise PushError("no device to push to", permanent=True)
