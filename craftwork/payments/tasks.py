"""Thin tasks: load by id, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def release_matured_earnings() -> int:
    """Pending earnings past the clearing period become available (idempotent per earning)."""
    return services.pending_to_available()


def _backoff(retries: int) -> int:
    return min(3600, 10 * 2**retries)


@shared_task(bind=True, max_retries=8)
def process_webhook_event(self, event_pk: str) -> str:
    from . import webhooks

    return webhooks.webhook_process(event_pk=event_pk)


@shared_task
def retry_webhook_events() -> int:
    """Events parked (waiting for an earlier one) or failed, whose retry time has come."""
    from . import webhooks

    return webhooks.webhook_retry_due()


@shared_task(bind=True, max_retries=8)
def refund_submit(self, refund_id: str) -> None:
    from . import refunds
    from .providers.base import ProviderError

    try:
        refunds.refund_submit(refund_id=refund_id)
    except ProviderError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(bind=True, max_retries=8)
def payout_submit(self, payout_id: str) -> None:
    from . import payouts
    from .providers.base import ProviderError

    try:
        payouts.payout_submit(payout_id=payout_id)
    except ProviderError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task
def decide_unanswered_disputes() -> int:
    from . import disputes

    return disputes.dispute_decide_unanswered()


# --- the sandbox provider's own background work ---------------------------------------------


@shared_task(bind=True, max_retries=8)
def sandbox_deliver_event(self, event_id: str) -> int:
    from .providers.sandbox import engine

    status = engine.deliver(event_id)
    if status >= 500:
        raise self.retry(countdown=_backoff(self.request.retries))
    return status


@shared_task
def sandbox_settle_refund(refund_id: str) -> None:
    from .providers.sandbox import engine

    engine.settle_refund(refund_id)


@shared_task
def sandbox_settle_payout(payout_id: str) -> None:
    from .providers.sandbox import engine

    engine.settle_payout(payout_id)
