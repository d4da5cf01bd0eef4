"""Failed-login counters and lockouts in the cache (Redis in production).

Failures are counted per email and per email + client IP within a window of
LOGIN_LOCKOUT_SECONDS that starts at the first failure. When the email counter
reaches LOGIN_FAILURE_LIMIT the email is locked for LOGIN_LOCKOUT_SECONDS, from
every IP: a password guesser cannot go on by changing address. The email + IP
count says how much of that came from the address that triggered the lock.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class FailureCount:
    for_email: int
    for_email_and_ip: int
    locked: bool


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"accounts:login:{kind}:{digest}"


def _normalize(email: str) -> str:
    return (email or "").strip().lower()


def seconds_locked(email: str) -> int:
    """Seconds until the email may try again; 0 when it is not locked."""
    until = cache.get(_key("lock", _normalize(email)))
    if not until:
        return 0
    return max(1, math.ceil(until - time.time()))


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(email: str, ip: str | None) -> FailureCount:
    email = _normalize(email)
    window = settings.LOGIN_LOCKOUT_SECONDS
    email_count = _increment(_key("fail", email), window)
    pair_count = _increment(_key("fail-ip", email, ip or "-"), window)
    locked = email_count >= settings.LOGIN_FAILURE_LIMIT
    if locked:
        cache.set(_key("lock", email), time.time() + window, timeout=window)
        cache.delete_many([_key("fail", email), _key("fail-ip", email, ip or "-")])
    return FailureCount(for_email=email_count, for_email_and_ip=pair_count, locked=locked)


def clear(email: str, ip: str | None = None) -> None:
    """Forget failures (after a successful login or a password reset); lifts a lock too."""
    email = _normalize(email)
    keys = [_key("fail", email), _key("lock", email)]
    if ip is not None:
        keys.append(_key("fail-ip", email, ip or "-"))
    cache.delete_many(keys)
