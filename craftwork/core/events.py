"""Domain events through a transactional outbox.

``publish`` writes the event in the caller's transaction. After commit the
event is dispatched (in a task) to every handler registered for its name.
Delivery is at least once: handlers must be idempotent, keyed by ``event.id``.

Each event leaves the outbox by one queued dispatch at a time. Publishing queues it after
commit and takes a lease (``available_at``); a failed dispatch backs off. A periodic sweep
queues only events whose lease or back-off has run out (a dispatch lost with a worker),
claiming them first, so it never piles copies of already-queued events onto the broker.

A handler subscribed ``in_transaction`` also runs inside ``publish``, in the publisher's
transaction, so what it writes commits with the change that caused it: screening holds a text
before anyone can read it. A failure there is logged and left to the after-commit dispatch,
which runs every handler again (a no-op for one that already did its work).
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent

logger = logging.getLogger(__name__)
Handler = Callable[[OutboxEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_in_transaction_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, *, in_transaction: bool = False):
    """Decorator: register ``handler(event)`` for events called ``name`` ("*" for all)."""

    def register(handler):
        registries = [_handlers, _in_transaction_handlers] if in_transaction else [_handlers]
        for registry in registries:
            if handler not in registry[name]:
                registry[name].append(handler)
        return handler

    return register


def publish(name: str, *, payload: dict, actor=None) -> OutboxEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = OutboxEvent.objects.create(
        name=name, payload=payload, actor=actor_obj, available_at=_lease_end()
    )
    for handler in _in_transaction_handlers.get(name, []):
        try:
            with transaction.atomic():
                handler(event)
        except Exception:
            logger.exception("in-transaction handler of %s (%s) failed", event.pk, name)
    transaction.on_commit(lambda: _schedule_dispatch(event.pk))
    return event


def _schedule_dispatch(event_id) -> None:
    from .tasks import dispatch_event

    dispatch_event.delay(str(event_id))


MAX_ATTEMPTS = 10


def dispatch(event_id) -> None:
    """Run every handler for one event. A handler that fails leaves the event failed, to be
    queued again by the sweep after a back-off, and its error is raised."""
    error = None
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.status == OutboxEvent.Status.DISPATCHED:
            return
        event.attempts += 1
        try:
            for handler in [*_handlers.get(event.name, []), *_handlers.get("*", [])]:
                with transaction.atomic():
                    handler(event)
        except Exception as exc:
            logger.exception("event %s (%s) failed", event.pk, event.name)
            event.status = OutboxEvent.Status.FAILED
            event.last_error = repr(exc)[:2000]
            event.available_at = timezone.now() + _backoff(event.attempts)
            event.save(update_fields=["attempts", "status", "last_error", "available_at"])
            error = exc
        else:
            event.status = OutboxEvent.Status.DISPATCHED
            event.dispatched_at = timezone.now()
            event.save(update_fields=["attempts", "status", "dispatched_at"])
    if error is not None:
        raise error


def claim_due_events(*, limit: int = 500, now=None) -> list:
    """Ids of undispatched events whose lease or back-off has run out, oldest first, leased
    anew so that a second sweep does not queue them again while these dispatches wait."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[OutboxEvent.Status.PENDING, OutboxEvent.Status.FAILED],
                available_at__lte=now,
                attempts__lt=MAX_ATTEMPTS,
            )
            .order_by("available_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEvent.objects.filter(pk__in=ids).update(available_at=_lease_end(now))
    return ids


def _lease_end(now=None):
    return (now or timezone.now()) + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))
