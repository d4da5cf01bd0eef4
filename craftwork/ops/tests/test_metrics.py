import pytest
from django.core.cache import cache
from django.test import override_settings

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.tests.aio import run_async
from craftwork.ops import metrics
from craftwork.ops.cache import CountingLocMemCache
from craftwork.ops.collectors import RECONCILE_CACHE_KEY, BusinessCollector
from craftwork.ops.tasks import reconcile_ledger
from craftwork.ops.websocket import WebSocketMetricsMiddleware
from craftwork.payments.models import Payment, WebhookEvent

TOKEN = "metrics-token-for-tests-0123456789"


def scrape(client, token=TOKEN):
    BusinessCollector.clear()
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return parse(response.content.decode())


def parse(text):
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def payment(user, n, **fields):
    return Payment.objects.create(
        payer=user,
        amount_minor=1000,
        currency="USD",
        purpose="test",
        reference=f"ref-{n}",
        escrow_ref=f"escrow-{n}",
        provider="sandbox",
        idempotency_key=f"key-{n}",
        **fields,
    )


@pytest.mark.django_db
class TestEndpoint:  # override_settings per test: a plain class is no SimpleTestCase
    @override_settings(METRICS_TOKEN=TOKEN, PRODUCTION=True)
    def test_needs_the_token(self, client):
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
        assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200

    @override_settings(METRICS_TOKEN="", PRODUCTION=True)
    def test_closed_in_production_without_a_token(self, client):
        assert client.get("/metrics").status_code == 401

    @override_settings(METRICS_TOKEN="", PRODUCTION=False)
    def test_open_in_development_without_a_token(self, client):
        assert client.get("/metrics").status_code == 200

    @override_settings(METRICS_TOKEN=TOKEN)
    def test_post_is_refused(self, client):
        assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


@pytest.fixture
def scrape_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_COLLECT_SECONDS = 0


@pytest.mark.django_db
@pytest.mark.usefixtures("scrape_settings")
class TestBusinessMetrics:
    def test_payment_counters_move(self, client):
        user = UserFactory()
        before = scrape(client)
        payment(user, 1)
        payment(user, 2, status=Payment.Status.FAILED)
        from django.utils import timezone

        payment(user, 3, status=Payment.Status.SUCCEEDED, succeeded_at=timezone.now())
        after = scrape(client)
        assert (
            after["craftwork_payments_started_total"]
            == before["craftwork_payments_started_total"] + 3
        )
        assert (
            after["craftwork_payments_succeeded_total"]
            == before["craftwork_payments_succeeded_total"] + 1
        )
        assert (
            after["craftwork_payments_failed_total"]
            == before["craftwork_payments_failed_total"] + 1
        )
        assert after['craftwork_payments_by_status{status="failed"}'] == 1
        assert after["craftwork_business_metrics_up"] == 1

    def test_webhook_backlog_and_age(self, client, time_machine):
        time_machine.move_to("2026-06-01T12:00:00Z", tick=False)
        WebhookEvent.objects.create(
            provider="sandbox",
            event_id="evt_1",
            type="payment_intent.succeeded",
            payload={},
            raw_body="{}",
            status="failed",
            attempts=3,
        )
        WebhookEvent.objects.create(
            provider="sandbox",
            event_id="evt_2",
            type="x",
            payload={},
            raw_body="{}",
            status="processed",
        )
        time_machine.move_to("2026-06-01T12:05:00Z", tick=False)
        samples = scrape(client)
        assert samples["craftwork_webhook_oldest_unprocessed_age_seconds"] == 300
        assert samples['craftwork_webhook_events{status="failed"}'] == 1
        assert samples['craftwork_webhook_events{status="processed"}'] == 1
        assert samples["craftwork_webhook_processing_failures_total"] == 3

    def test_reconcile_status_after_the_task(self, client):
        cache.delete(RECONCILE_CACHE_KEY)
        assert "craftwork_ledger_reconcile_ok" not in scrape(client)
        result = reconcile_ledger()
        samples = scrape(client)
        assert result["ok"] is True
        assert samples["craftwork_ledger_reconcile_ok"] == 1
        assert samples["craftwork_ledger_reconcile_problems"] == 0

    def test_outbox_and_disputes_reported(self, client):
        samples = scrape(client)
        assert samples["craftwork_outbox_backlog"] >= 0
        assert samples["craftwork_disputes_open"] == 0

    def test_per_view_requests_counted(self, client):
        # Database query metrics (django-prometheus's engine wrappers) are off in tests; the
        # production-profile smoke run (deploy/smoke.py) checks them on PostgreSQL.
        client.get("/health/")
        samples = scrape(client)
        key = 'django_http_requests_total_by_view_transport_method_total{method="GET",transport="http",view="health"}'
        assert samples[key] >= 1
        assert (
            samples[
                key.replace(
                    "total_by_view_transport_method_total", "latency_seconds_by_view_method_count"
                ).replace('transport="http",', "")
            ]
            >= 1
        )

    def test_a_database_failure_still_answers(self, client, monkeypatch):
        def broken(self):
            raise RuntimeError("database down")

        monkeypatch.setattr(BusinessCollector, "_build", broken)
        samples = scrape(client)
        assert samples["craftwork_business_metrics_up"] == 0


def test_cache_hits_and_misses_counted():
    backend = CountingLocMemCache("ops-test", {})
    hits = metrics.cache_requests.labels("locmem", "hit")
    misses = metrics.cache_requests.labels("locmem", "miss")
    h0, m0 = hits._value.get(), misses._value.get()
    backend.set("a", None)  # a stored None is a hit, not a miss
    assert backend.get("a", "default") is None
    assert backend.get("b", "default") == "default"
    backend.set("c", 1)
    assert backend.get_many(["c", "d"]) == {"c": 1}
    assert hits._value.get() - h0 == 2 and misses._value.get() - m0 == 2


def test_websocket_connections_counted_while_open():
    gauge = metrics.websocket_connections.labels("conversations")
    seen = {}

    async def app(scope, receive, send):
        await send({"type": "websocket.accept"})
        seen["open"] = gauge._value.get()
        await send({"type": "websocket.close"})

    async def refused_app(scope, receive, send):
        await send({"type": "websocket.close"})
        seen["refused"] = gauge._value.get()

    async def noop_send(message):
        pass

    async def scenario():
        scope = {"type": "websocket", "path": "/ws/conversations/9f0e/"}
        start = gauge._value.get()
        await WebSocketMetricsMiddleware(app)(scope, None, noop_send)
        await WebSocketMetricsMiddleware(refused_app)(scope, None, noop_send)
        return start

    start = run_async(scenario)
    assert seen["open"] == start + 1
    assert seen["refused"] == start
    assert gauge._value.get() == start
