"""Login protection in the cache (Redis in production), shared by every way to sign in.

Three kinds of counters; none lets a stranger keep the owner out of their account:

* email + client address: LOGIN_FAILURE_LIMIT failures are free, then every further failure
  pauses that pair only, for LOGIN_BACKOFF_SECONDS doubling up to LOGIN_LOCKOUT_SECONDS. A
  guesser elsewhere does not slow the owner down.
* email, from every address: LOGIN_ACCOUNT_FAILURE_LIMIT failures within LOGIN_LOCKOUT_SECONDS
  pause password sign-in to the account for LOGIN_LOCKOUT_SECONDS (a guesser spread over many
  addresses gets that many tries per period). The owner is emailed a one-time sign-in link
  that gets through the pause.
* client address, over every email: LOGIN_IP_FAILURE_LIMIT failures within
  LOGIN_LOCKOUT_SECONDS pause the address (one source trying many accounts).

A refused attempt is not a failure: it checks no password and counts nothing.
"""

import enum
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PAIR_MEMORY_SECONDS = 24 * 3600  # failures of an email + address are remembered this long


class Scope(enum.Enum):
    ADDRESS = "address"  # this email from this client address
    ACCOUNT = "account"  # this email from everywhere
    SOURCE = "source"  # this client address for every email


@dataclass(frozen=True)
class Pause:
    scope: Scope
    seconds: int
    started_now: bool = False


@dataclass(frozen=True)
class FailureCount:
    for_email: int
    for_email_and_ip: int
    pause: Pause | None


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"accounts:login:{kind}:{digest}"


def _normalize(email: str) -> str:
    return (email or "").strip().lower()


def _keys(email: str, ip: str | None) -> dict[str, str]:
    email, source = _normalize(email), ip or "-"
    return {
        "pair": _key("fail-ip", email, source),
        "pair_pause": _key("pause-ip", email, source),
        "account": _key("fail", email),
        "account_pause": _key("lock", email),
        "source": _key("fail-source", source),
        "source_pause": _key("pause-source", source),
    }


def _seconds_left(key: str) -> int:
    until = cache.get(key)
    if not until:
        return 0
    return max(0, math.ceil(until - time.time()))


def _pause(key: str, seconds: int) -> None:
    cache.set(key, time.time() + seconds, timeout=seconds)


def current_pause(email: str, ip: str | None) -> Pause | None:
    """The pause that refuses a password attempt for ``email`` from ``ip`` now, if any."""
    keys = _keys(email, ip)
    for scope, key in (
        (Scope.ADDRESS, keys["pair_pause"]),
        (Scope.SOURCE, keys["source_pause"]),
        (Scope.ACCOUNT, keys["account_pause"]),
    ):
        seconds = _seconds_left(key)
        if seconds:
            return Pause(scope, seconds)
    return None


def _increment(key: str, window: int, *, sliding: bool = False) -> int:
    """Count one more within ``window`` (from the first one; from the last one if sliding)."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
        cache.set(key, count, timeout=window)
    if sliding:
        cache.touch(key, timeout=window)
    return count


def backoff_seconds(failures: int) -> int:
    """The pause after the ``failures``-th failure of one email + address (0 while still free)."""
    over = failures - settings.LOGIN_FAILURE_LIMIT
    if over < 0:
        return 0
    return min(settings.LOGIN_LOCKOUT_SECONDS, settings.LOGIN_BACKOFF_SECONDS * 2 ** min(over, 30))


def record_failure(email: str, ip: str | None) -> FailureCount:
    keys, window = _keys(email, ip), settings.LOGIN_LOCKOUT_SECONDS
    pair_count = _increment(keys["pair"], PAIR_MEMORY_SECONDS, sliding=True)
    account_count = _increment(keys["account"], window)
    source_count = _increment(keys["source"], window)
    pause = None
    if account_count >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        _pause(keys["account_pause"], window)
        cache.delete(keys["account"])
        pause = Pause(Scope.ACCOUNT, window, started_now=True)
    if source_count >= settings.LOGIN_IP_FAILURE_LIMIT:
        _pause(keys["source_pause"], window)
        cache.delete(keys["source"])
        pause = pause or Pause(Scope.SOURCE, window, started_now=True)
    backoff = backoff_seconds(pair_count)
    if backoff:
        _pause(keys["pair_pause"], backoff)
        pause = pause or Pause(Scope.ADDRESS, backoff, started_now=True)
    return FailureCount(for_email=account_count, for_email_and_ip=pair_count, pause=pause)


def record_success(email: str, ip: str | None) -> None:
    """The owner got in from this address: its failures for this email are forgotten."""
    keys = _keys(email, ip)
    cache.delete_many([keys["pair"], keys["pair_pause"]])


def clear(email: str, ip: str | None = None) -> None:
    """Forget the email's failures and lift its pauses (a reset password, a sign-in link)."""
    keys = _keys(email, ip)
    cache.delete_many([keys["account"], keys["account_pause"], keys["pair"], keys["pair_pause"]])
