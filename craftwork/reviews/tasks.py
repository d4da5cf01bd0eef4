"""Thin, idempotent tasks."""

from celery import shared_task

from . import services


@shared_task
def publish_due_reviews() -> int:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): publish the reviews whose review period ended."""
    return services.reviews_publish_due()
