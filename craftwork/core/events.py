"""Domain events through a transactional outbox.

``publish`` writes the event in the caller's transaction. After commit the
event is dispatched (in a task) to every handler registered for its name.
Delivery is at least once: handlers must be idempotent, keyed by ``event.id``.

A handler subscribed ``in_transaction`` also runs inside ``publish``, in the publisher's
transaction, so what it writes commits with the change that caused it: screening holds a text
before anyone can read it. A failure there is logged and left to the after-commit dispatch,
which runs every handler again (a no-op for one that already did its work).
"""

import logging
from collections import defaultdict
from collections.abc import Callable

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
    event = OutboxEvent.objects.create(name=name, payload=payload, actor=actor_obj)
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


def dispatch(event_id) -> None:
    """Run every handler for one event; a handler that fails leaves the event for a retry."""
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
            error = exc
            event.status = OutboxEvent.Status.FAILED
            event.last_error = repr(exc)[:2000]
            event.save(update_fields=["attempts", "status", "last_error"])
        else:
            event.status = OutboxEvent.Status.DISPATCHED
            event.dispatched_at = timezone.now()
            event.save(update_fields=["attempts", "status", "dispatched_at"])
    if error is not None:
        raise error


def pending_events(older_than_seconds: int = 60):
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return OutboxEvent.objects.filter(
        status__in=[OutboxEvent.Status.PENDING, OutboxEvent.Status.FAILED],
        created_at__lt=cutoff,
        attempts__lt=10,
    )
