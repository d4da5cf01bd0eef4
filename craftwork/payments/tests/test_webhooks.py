import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.payments import selectors, testing, webhooks
from craftwork.payments.models import (
    AccountKind,
    Chargeback,
    LedgerAccount,
    Payment,
    Refund,
    WebhookEvent,
)
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.providers.sandbox.models import SandboxEvent

from .conftest import paid_payment, start_payment
from .factories import usd

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/webhooks/sandbox/"


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


@pytest.fixture
def held(settings):
    """Sandbox events are recorded but not delivered until the test says so."""
    settings.SANDBOX_WEBHOOK_AUTO_DELIVER = False


def event_body(event_type="payment_intent.succeeded", obj=None, event_id="evt_test_1"):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj or {"id": "pi_x", "metadata": {}}},
        }
    )


def post(api_client, body, signature=None):
    headers = {} if signature is None else {"HTTP_SANDBOX_SIGNATURE": signature}
    return api_client.post(URL, data=body, content_type="application/json", **headers)


def test_valid_event_is_stored_once_and_answered_fast(
    api_client, django_capture_on_commit_callbacks
):
    body = event_body("something.new")
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api_client, body, engine.sign(body))
        second = post(api_client, body, engine.sign(body))
    assert first.status_code == second.status_code == 200
    assert first.json() == {"received": True, "duplicate": False}
    assert second.json() == {"received": True, "duplicate": True}
    event = WebhookEvent.objects.get()
    # Unknown types are kept (raw body too) and ignored.
    assert event.status == WebhookEvent.Status.IGNORED
    assert event.raw_body == body


@pytest.mark.parametrize(
    "signature",
    [None, "", "t=123", "v1=abc", "t=abc,v1=def", "garbage", "t=²,v1=abc", "t=\uff11\uff12,v1=abc",
     "t=" + "9" * 5000 + ",v1=abc", "t=-5,v1=abc"],
    ids=lambda signature: repr(signature)[:20],
)  # fmt: skip
def test_missing_or_unparsable_signature(api_client, signature):
    response = post(api_client, event_body(), signature)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not WebhookEvent.objects.exists()


def test_signature_of_another_body_or_secret(api_client):
    body = event_body()
    assert post(api_client, body, engine.sign(body + " ")).status_code == 400
    assert post(api_client, body, engine.sign(body, secret="whsec_other")).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_stale_timestamp(api_client):
    body = event_body()
    stale = engine.sign(body, timestamp=int(time.time()) - 301)
    response = post(api_client, body, stale)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_timestamp"
    assert (
        post(api_client, body, engine.sign(body, timestamp=int(time.time()) - 200)).status_code
        == 200
    )


@pytest.mark.parametrize("offset", [-301, 301, 600])
def test_timestamp_outside_the_tolerance_either_way(api_client, offset, time_machine):
    # The clock stands still, so one second past the tolerance stays past it during the request.
    time_machine.move_to(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)
    body = event_body()
    response = post(api_client, body, engine.sign(body, timestamp=int(time.time()) + offset))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stale_timestamp"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        '"x"',
        "42",
        "null",
        "[" * 1000 + "]" * 1000,
        event_body(event_id="evt_\x00"),  # "\u0000": PostgreSQL cannot store it
        json.dumps({"type": "payment_intent.succeeded", "data": {"object": {}}}),
        json.dumps({"id": "evt_1", "data": {"object": {}}}),
        json.dumps({"id": "evt_1", "type": "x", "data": {}}),
        json.dumps({"id": "e" * 300, "type": "x", "data": {"object": {}}}),
    ],
    ids=lambda body: body[:20],
)
def test_malformed_payload(api_client, body):
    response = post(api_client, body, engine.sign(body))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_payload"
    assert not WebhookEvent.objects.exists()


def test_unknown_provider(api_client):
    assert (
        api_client.post(
            "/api/v1/payments/webhooks/paypal/", data="{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_get_is_not_allowed(api_client):
    assert api_client.get(URL).status_code == 405


def test_webhook_alone_completes_a_payment(django_capture_on_commit_callbacks, fulfilled):
    """The payer closes the tab after paying: the webhook funds the escrow."""
    payment = start_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm_card(
            payment.provider_intent_id,
            number=testing.SUCCEEDS,
            expiry="12/40",
            cvc="123",
            name="A B",
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    assert fulfilled == [payment.pk]
    assert WebhookEvent.objects.get(type="payment_intent.succeeded").status == "processed"


def test_decline_and_challenge_events(django_capture_on_commit_callbacks):
    payment = start_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm_card(
            payment.provider_intent_id,
            number=testing.INSUFFICIENT_FUNDS,
            expiry="12/40",
            cvc="123",
            name="A B",
        )
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("failed", "insufficient_funds")
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm_card(
            payment.provider_intent_id,
            number=testing.AUTHENTICATE,
            expiry="12/40",
            cvc="123",
            name="A B",
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION


def test_refund_event_before_its_charge_event_converges(held, django_capture_on_commit_callbacks):
    payment = start_payment(UserFactory())
    engine.confirm_card(
        payment.provider_intent_id, number=testing.SUCCEEDS, expiry="12/40", cvc="123", name="A B"
    )
    engine.dashboard_refund(payment.provider_intent_id, 4_000)
    events = list(SandboxEvent.objects.order_by("created_at"))
    assert [e.type for e in events] == [
        "payment_intent.succeeded",
        "refund.created",
        "charge.refunded",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        engine.deliver(events[2].event_id)
        engine.deliver(events[1].event_id)
    parked = WebhookEvent.objects.values_list("status", "waiting_for", "attempts")
    assert set(parked) == {("parked", payment.provider_intent_id, 1)}
    # Another payment's success does not wake them; only their own payment's does.
    other = start_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        testing.pay(other)
        for event in SandboxEvent.objects.filter(type="payment_intent.succeeded").exclude(
            pk=events[0].pk
        ):
            engine.deliver(event.event_id)
    assert set(WebhookEvent.objects.filter(status="parked").values_list("attempts", flat=True)) == {
        1
    }
    with django_capture_on_commit_callbacks(execute=True):
        engine.deliver(events[0].event_id)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    refund = Refund.objects.get()
    assert (refund.status, refund.origin, refund.amount) == ("succeeded", "provider", usd(4_000))
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(6_000)
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


def test_failure_is_recorded_and_retried_with_backoff(
    monkeypatch, django_capture_on_commit_callbacks
):
    calls = []

    def flaky(obj, provider):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return webhooks.DONE

    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", flaky)
    body = event_body()
    with django_capture_on_commit_callbacks(execute=True):
        post(APIClient(), body, engine.sign(body))
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == ("failed", 1)
    assert "database hiccup" in event.last_error
    assert event.next_attempt_at > timezone.now()
    assert webhooks.webhook_retry_due() == 0  # not due yet
    assert webhooks.webhook_retry_due(now=timezone.now() + timedelta(hours=1)) == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("processed", 2)
    assert webhooks.webhook_process(event_pk=event.pk) == "processed"
    assert len(calls) == 2


def test_gives_up_after_max_attempts(monkeypatch):
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded", lambda obj, provider: 1 / 0)
    body = event_body()
    webhooks.webhook_receive(
        provider="sandbox", raw_body=body.encode(), headers={"Sandbox-Signature": engine.sign(body)}
    )
    event = WebhookEvent.objects.get()
    for _attempt in range(webhooks.MAX_ATTEMPTS):
        webhooks.webhook_process(event_pk=event.pk)
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("dead", webhooks.MAX_ATTEMPTS)
    assert event.next_attempt_at is None


def test_forged_amount_cannot_fund_more(django_capture_on_commit_callbacks):
    """Handlers re-read the intent from the provider; an event's own numbers are not trusted."""
    payment = start_payment(UserFactory())
    obj = {
        "id": payment.provider_intent_id,
        "status": "succeeded",
        "amount": 1,
        "currency": "usd",
        "metadata": {"payment_id": str(payment.pk)},
    }
    body = event_body(obj=obj)
    with django_capture_on_commit_callbacks(execute=True):
        post(APIClient(), body, engine.sign(body))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero


def test_chaos_mode_delivers_everything_twice(settings, django_capture_on_commit_callbacks):
    settings.SANDBOX_WEBHOOK_CHAOS = True
    payment = start_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        engine.confirm_card(
            payment.provider_intent_id,
            number=testing.SUCCEEDS,
            expiry="12/40",
            cvc="123",
            name="A B",
        )
    assert SandboxEvent.objects.get(type="payment_intent.succeeded").deliveries == 2
    assert WebhookEvent.objects.filter(type="payment_intent.succeeded").count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


# --- chargebacks ------------------------------------------------------------------------------


def _loss():
    account = LedgerAccount.objects.filter(kind=AccountKind.CHARGEBACK_LOSS).first()
    return account.balance if account else 0


def test_chargeback_debits_escrow_and_is_reinstated_when_won(django_capture_on_commit_callbacks):
    payment = paid_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        dispute = engine.open_dispute(payment.provider_intent_id)
    chargeback = Chargeback.objects.get()
    assert chargeback.amount == payment.total
    assert chargeback.escrow_debited_minor == 10_000
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero
    assert _loss() == -500  # the service fee part is the platform's exposure
    with django_capture_on_commit_callbacks(execute=True):
        engine.close_dispute(dispute.dispute_id, won=True)
    chargeback.refresh_from_db()
    assert chargeback.status == Chargeback.Status.WON
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    assert _loss() == 0


def test_lost_chargeback_after_release_is_a_platform_loss(django_capture_on_commit_callbacks):
    from craftwork.accounts.tests.factories import FreelancerFactory
    from craftwork.payments import services

    payment = paid_payment(UserFactory())
    services.escrow_release(
        contract_ref=payment.escrow_ref,
        provider_user=FreelancerFactory(),
        amount=payment.amount,
        fee_bps=1000,
        idempotency_key="rel-1",
        item_ref=payment.reference,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispute = engine.open_dispute(payment.provider_intent_id)
        engine.close_dispute(dispute.dispute_id, won=False)
    chargeback = Chargeback.objects.get()
    assert (chargeback.status, chargeback.escrow_debited_minor) == ("lost", 0)
    assert _loss() == -payment.total.minor
