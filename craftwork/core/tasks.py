from celery import shared_task

from . import events


@shared_task
def dispatch_event(event_id: str) -> None:
    """A failure is recorded on the event; the sweep queues it again after a back-off."""
    events.dispatch(event_id)


@shared_task
def redispatch_stale_events() -> int:
    """Safety net for events whose dispatch was lost (worker down, crash) or failed."""
    ids = events.claim_due_events()
    for event_id in ids:
        dispatch_event.delay(str(event_id))
    return len(ids)


@shared_task
def purge_idempotency_records() -> int:
    from .idempotency import purge_expired

    return purge_expired()
