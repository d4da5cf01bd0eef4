"""Domain events through a transactional outbox.

``publish`` writes the event in the caller's transaction. After commit the
event is dispatched (in a task) to every handler registered for its name.
Delivery is at least once: handlers must be idempotent, keyed by ``event.id``.
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent

logger = logging.getLogger(__name__)
_handlers: dict[str, list[Callable[[OutboxEvent], None]]] = defaultdict(list)


def subscribe(name: str):
    """Decorator: register ``handler(event)`` for events called ``name`` ("*" for all)."""

    def register(handler):
        if handler not in _handlers[name]:
            _handlers[name].append(handler)
        return handler

    return register


def publish(name: str, *, payload: dict, actor=None) -> OutboxEvent:
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = OutboxEvent.objects.create(name=name, payload=payload, actor=actor_obj)
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
