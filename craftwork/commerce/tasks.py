"""Scheduled work of the shop (thin: each task calls a service; safe to run twice)."""

from celery import shared_task

from . import services


@shared_task(name="craftwork.commerce.tasks.release_abandoned_checkouts")
def release_abandoned_checkouts() -> dict:
    """Every 5 minutes: close checkouts unpaid after 30 minutes (their payment is cancelled and
    their session slots released; the carts stay), and forget guests' stale carts."""
    closed = services.checkout_expire_due()
    purged = services.guest_carts_purge()
    return {"closed": closed, "guest_carts_purged": purged}
