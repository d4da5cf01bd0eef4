from celery import shared_task

from . import events


@shared_task(bind=True, max_retries=5, default_retry_delay=10)
def dispatch_event(self, event_id: str) -> None:
    try:
        events.dispatch(event_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(600, 10 * 2**self.request.retries)) from exc


@shared_task
def redispatch_stale_events() -> int:
    """Safety net for events whose after-commit dispatch was lost (worker down, crash)."""
    ids = list(events.pending_events().values_list("pk", flat=True)[:500])
    for event_id in ids:
        dispatch_event.delay(str(event_id))
    return len(ids)


@shared_task
def purge_idempotency_records() -> int:
    from .idempotency import purge_expired

    return purge_expired()
