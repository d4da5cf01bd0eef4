"""Thin tasks: load by id, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import services
from .sms import SmsError


def backoff_seconds(retries: int) -> int:
    return min(3600, 60 * 2**retries)


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS)
def deliver(self, delivery_id: str) -> None:
    try:
        services.delivery_send(delivery_id=delivery_id)
    except services.DeliveryFailed as exc:
        if exc.retry:
            raise self.retry(countdown=backoff_seconds(self.request.retries)) from exc


@shared_task
def requeue_stale_deliveries() -> int:
    """Safety net for deliveries whose task was lost (worker crash, broker restart)."""
    ids = services.stale_pending_deliveries()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@shared_task(autoretry_for=(SmsError, OSError), retry_backoff=True, max_retries=3)
def send_phone_code(phone_id: str, code: str) -> None:
    services.send_phone_code(phone_id=phone_id, code=code)


@shared_task
def send_daily_digests() -> int:
    user_ids = services.digests_due()
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_digest(user_id: str) -> bool:
    return services.digest_send(user_id=user_id)


@shared_task
def run_reminders() -> int:
    return services.reminders_run()
