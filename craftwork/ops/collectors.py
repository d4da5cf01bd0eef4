"""Numbers an operator of the marketplace watches, read from the database at scrape time.

They live in the database, not in any one process, so they are right whichever process
answers the scrape and after restarts. A scrape reads them at most once every
``METRICS_COLLECT_SECONDS`` per process (a few indexed counts), so a busy Prometheus cannot
load the database.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

RECONCILE_CACHE_KEY = "ops:reconcile:last"
UNPROCESSED_WEBHOOK_STATUSES = ("received", "parked", "failed")
BACKLOG_OUTBOX_STATUSES = ("pending", "failed")


class _Cached:
    def __init__(self):
        self._lock = threading.Lock()
        self._at = 0.0
        self._families: list = []

    def get(self, build):
        ttl = getattr(settings, "METRICS_COLLECT_SECONDS", 10)
        with self._lock:
            now = time.monotonic()
            if not self._families or now - self._at >= ttl:
                self._families = build()
                self._at = now
            return list(self._families)

    def clear(self):
        with self._lock:
            self._families, self._at = [], 0.0


class BusinessCollector:
    _cache = _Cached()

    def collect(self):
        try:
            yield from self._cache.get(self._build)
        except Exception:  # a scrape must answer even when the database does not
            logger.exception("business metrics could not be read")
            up = GaugeMetricFamily(
                "craftwork_business_metrics_up", "1 when the business metrics could be read."
            )
            up.add_metric([], 0)
            yield up

    @classmethod
    def clear(cls):
        cls._cache.clear()

    def _build(self) -> list:
        from craftwork.core.models import OutboxEvent
        from craftwork.payments.models import Dispute, Payment, WebhookEvent

        now = timezone.now()
        families = []

        payments = Payment.objects.aggregate(
            started=Count("pk"),
            succeeded=Count("pk", filter=Q(succeeded_at__isnull=False)),
            failed=Count("pk", filter=Q(status=Payment.Status.FAILED)),
        )
        for name, help_text in (
            ("started", "Payments started (every payment the platform asked a provider for)."),
            ("succeeded", "Payments that succeeded (money received)."),
            ("failed", "Payments whose last attempt failed."),
        ):
            family = CounterMetricFamily(f"craftwork_payments_{name}", help_text)
            family.add_metric([], payments[name])
            families.append(family)
        by_status = GaugeMetricFamily(
            "craftwork_payments_by_status", "Payments in each status now.", labels=["status"]
        )
        counts = dict(
            Payment.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in Payment.Status.values:
            by_status.add_metric([status], counts.get(status, 0))
        families.append(by_status)

        webhooks = GaugeMetricFamily(
            "craftwork_webhook_events", "Provider webhook events by status.", labels=["status"]
        )
        counts = dict(
            WebhookEvent.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in WebhookEvent.Status.values:
            webhooks.add_metric([status], counts.get(status, 0))
        families.append(webhooks)
        failures = CounterMetricFamily(
            "craftwork_webhook_processing_failures",
            "Failed attempts at processing webhook events (attempts of failed and dead events).",
        )
        failures.add_metric(
            [],
            sum(
                WebhookEvent.objects.filter(status__in=("failed", "dead")).values_list(
                    "attempts", flat=True
                )
            ),
        )
        families.append(failures)
        oldest = WebhookEvent.objects.filter(status__in=UNPROCESSED_WEBHOOK_STATUSES).aggregate(
            at=Min("created_at")
        )["at"]
        age = GaugeMetricFamily(
            "craftwork_webhook_oldest_unprocessed_age_seconds",
            "Age of the oldest webhook event not yet processed (0 when none waits).",
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
        families.append(age)

        outbox = OutboxEvent.objects.filter(status__in=BACKLOG_OUTBOX_STATUSES).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        backlog = GaugeMetricFamily(
            "craftwork_outbox_backlog", "Domain events waiting for their handlers."
        )
        backlog.add_metric([], outbox["n"])
        families.append(backlog)
        outbox_age = GaugeMetricFamily(
            "craftwork_outbox_oldest_pending_age_seconds",
            "Age of the oldest domain event still waiting (0 when none waits).",
        )
        outbox_age.add_metric(
            [], (now - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0
        )
        families.append(outbox_age)

        disputes = GaugeMetricFamily("craftwork_disputes_open", "Disputes not yet resolved.")
        disputes.add_metric([], Dispute.objects.exclude(status=Dispute.Status.RESOLVED).count())
        families.append(disputes)

        families.extend(_reconcile_families(cache.get(RECONCILE_CACHE_KEY)))
        up = GaugeMetricFamily(
            "craftwork_business_metrics_up", "1 when the business metrics could be read."
        )
        up.add_metric([], 1)
        families.append(up)
        return families


def _reconcile_families(last: dict | None) -> list:
    ok = GaugeMetricFamily(
        "craftwork_ledger_reconcile_ok",
        "1 when the last ledger reconciliation found no difference, 0 when it did; "
        "absent until one has run.",
    )
    problems = GaugeMetricFamily(
        "craftwork_ledger_reconcile_problems", "Differences found by the last reconciliation."
    )
    at = GaugeMetricFamily(
        "craftwork_ledger_reconcile_timestamp_seconds",
        "When the last ledger reconciliation finished (Unix time).",
    )
    if last:
        ok.add_metric([], 1 if last["ok"] else 0)
        problems.add_metric([], last["problems"])
        at.add_metric([], last["at"])
    return [ok, problems, at]


class QueueDepthCollector:
    """Messages waiting in each Celery queue (Redis broker: the length of the queue's list)."""

    def collect(self):
        depth = GaugeMetricFamily(
            "craftwork_celery_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            try:
                import redis

                client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
                for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.MAIL_QUEUE):
                    depth.add_metric([queue], client.llen(queue))
            except Exception:
                logger.exception("celery queue depth could not be read")
        yield depth
