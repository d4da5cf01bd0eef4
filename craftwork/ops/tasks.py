"""Scheduled checks whose outcome the metrics report."""

import time

from celery import shared_task
from django.core.cache import cache

from .collectors import RECONCILE_CACHE_KEY


@shared_task(name="craftwork.ops.tasks.reconcile_ledger")
def reconcile_ledger() -> dict:
    """Reconcile the ledger and keep the outcome for ``craftwork_ledger_reconcile_ok``.

    Read-only and safe to run twice; the result lives a day, so a beat that stopped shows
    as a stale timestamp (an alert) rather than as an old success.
    """
    from craftwork.payments.reconciliation import reconcile

    report = reconcile()
    last = {"ok": report.ok, "problems": len(report.problems), "at": time.time()}
    cache.set(RECONCILE_CACHE_KEY, last, 24 * 3600)
    return last
