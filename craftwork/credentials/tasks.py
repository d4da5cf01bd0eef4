"""Thin, idempotent tasks."""

from celery import shared_task

from . import services


@shared_task
def expire_and_remind() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): expire documents past their date, send 30/7-day reminders."""
    return services.credentials_daily()
