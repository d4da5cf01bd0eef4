"""Running a unit of work again when the database aborts it for a deadlock or a serialization
failure (PostgreSQL SQLSTATE 40P01 / 40001).

Only the outermost transaction can be retried: the database rolled all of it back, so all of it
runs again. ``retry_on_conflict`` therefore opens that transaction itself and does nothing extra
when it is called inside one (the caller that owns the transaction retries). Side effects are
scheduled with ``transaction.on_commit``, which Django drops with the rolled-back attempt, so
they happen once. When the attempts run out the caller gets ``DatabaseBusy`` (503,
``database_busy``): nothing was changed and the request may simply be sent again.
"""

from __future__ import annotations

import logging
import random
import time
from functools import wraps

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

logger = logging.getLogger(__name__)

# deadlock_detected, serialization_failure
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


class DatabaseBusy(DomainError):
    code = "database_busy"
    status_code = 503
    default_message = _("The service is busy right now. Nothing was changed; please try again.")


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or serialization failure the database resolved by aborting this transaction."""
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return isinstance(exc, DatabaseError) and sqlstate in RETRYABLE_SQLSTATES


def _pause(attempt: int) -> None:
    # Jittered, growing pause so the transactions that collided do not collide again in step.
    base = settings.DB_RETRY_BASE_DELAY_SECONDS
    time.sleep(random.uniform(0, base * 2**attempt))


def run_with_retry(work, *, attempts: int | None = None):
    """``work()`` in its own transaction, run again (up to ``attempts`` in all) when the
    database aborts it for a deadlock or serialization failure."""
    attempts = attempts or settings.DB_RETRY_ATTEMPTS
    if connection.in_atomic_block:
        return work()
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except DatabaseError as exc:
            if not is_retryable(exc):
                raise
            logger.warning("transaction aborted (%s), attempt %d of %d", exc, attempt + 1, attempts)
            if attempt + 1 == attempts:
                raise DatabaseBusy(details={"retry_after_seconds": 1}) from exc
            _pause(attempt)
    raise AssertionError("unreachable")


def retry_on_conflict(func):
    """Decorator for a service entry point: see ``run_with_retry``."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        return run_with_retry(lambda: func(*args, **kwargs))

    return wrapper
