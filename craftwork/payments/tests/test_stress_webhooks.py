"""Webhook delivery under duplicates, shuffling and parallel workers (PostgreSQL only).

Each "world" runs the same scenario against the sandbox with delivery held back, then the
recorded events are delivered: once in order, or twice in a shuffled order, or twice by
eight threads at once. Every world must end in the same state."""

import random
import threading

import pytest
from django.db import connection
from django.test import override_settings

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.payments import payouts, selectors, testing, webhooks
from craftwork.payments.errors import InsufficientFunds
from craftwork.payments.models import Payout, WebhookEvent
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.providers.sandbox.models import SandboxEvent

from .conftest import FULFILLED, start_payment
from .factories import usd, wallet_with
from .test_concurrency import assert_ledger_consistent, run_in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def _card(payment, number):
    engine.confirm_card(
        payment.provider_intent_id, number=number, expiry="12/40", cvc="123", name="Test"
    )


def scenario() -> tuple[dict, list[str]]:
    """Drive the sandbox like customers and banks would; the platform hears nothing yet."""
    first_event = SandboxEvent.objects.count()
    world = {}
    paid = start_payment(UserFactory())
    _card(paid, testing.DECLINED)
    _card(paid, testing.SUCCEEDS)
    engine.dashboard_refund(paid.provider_intent_id, 3_000)
    world["refunded"] = paid

    challenged = start_payment(UserFactory())
    _card(challenged, testing.AUTHENTICATE)
    engine.authenticate(challenged.provider_intent_id, approve=True)
    world["challenged"] = challenged

    declined = start_payment(UserFactory())
    _card(declined, testing.INSUFFICIENT_FUNDS)
    world["declined"] = declined

    for name, won in (("chargeback_won", True), ("chargeback_lost", False)):
        payment = start_payment(UserFactory())
        _card(payment, testing.SUCCEEDS)
        dispute = engine.open_dispute(payment.provider_intent_id)
        engine.close_dispute(dispute.dispute_id, won=won)
        world[name] = payment

    earner = FreelancerFactory()
    wallet_with(earner, usd(40_000), client=UserFactory())
    for number, key in (("DE89370400440532013000", "ok"), ("DE89370400440532010002", "bad")):
        method = payouts.payout_method_create_bank(
            user=earner, holder_name="Ada", account_number=number, actor=earner
        )
        payouts.payout_request(
            user=earner, amount=usd(10_000), method=method, idempotency_key=key, actor=earner
        )
    world["earner"] = earner
    events = list(
        SandboxEvent.objects.order_by("created_at", "pk").values_list("event_id", flat=True)
    )[first_event:]
    return world, events


def drain() -> None:
    """Let parked and failed events run again until nothing is left to retry."""
    from datetime import timedelta

    from django.utils import timezone

    for _round in range(20):
        pending = WebhookEvent.objects.filter(status__in=["parked", "failed", "received"])
        if not pending.exists():
            return
        webhooks.webhook_retry_due(now=timezone.now() + timedelta(days=1))
    raise AssertionError(list(pending.values_list("type", "status", "last_error")))


def snapshot(world: dict) -> dict:
    state = {}
    for name, payment in world.items():
        if name == "earner":
            summary = selectors.wallet_summary(payment, "USD")
            state[name] = (
                summary.available.minor,
                summary.in_transit.minor,
                sorted(Payout.objects.filter(user=payment).values_list("status", flat=True)),
            )
            continue
        payment.refresh_from_db()
        state[name] = (
            payment.status,
            payment.failure_code,
            selectors.escrow_balance(payment.escrow_ref, "USD").minor,
            sorted(payment.refunds.values_list("amount_minor", "status", "origin")),
            sorted(payment.chargebacks.values_list("status", "escrow_debited_minor")),
            FULFILLED.count(payment.pk),
            hasattr(payment, "receipt"),
        )
    return state


@override_settings(SANDBOX_WEBHOOK_AUTO_DELIVER=False)
def test_duplicated_shuffled_and_parallel_delivery_end_in_the_same_state():
    FULFILLED.clear()
    in_order, events = scenario()
    for event_id in events:
        engine.deliver(event_id)
    drain()
    expected = snapshot(in_order)
    assert expected["refunded"][0] == "partially_refunded"
    assert expected["challenged"][0] == "succeeded"
    assert expected["declined"][:2] == ("failed", "insufficient_funds")
    assert expected["chargeback_lost"][4] == [("lost", 10_000)]
    assert expected["earner"] == (30_000, 0, ["failed", "paid"])

    shuffled, events = scenario()
    statuses = engine.redeliver(
        SandboxEvent.objects.filter(event_id__in=events), duplicates=True, shuffle=True, seed=4
    )
    assert set(statuses) == {200}
    drain()
    assert snapshot(shuffled) == expected

    parallel, events = scenario()
    copies = events * 2
    random.Random(7).shuffle(copies)
    lock = threading.Lock()

    def worker(_index):
        while True:
            with lock:
                if not copies:
                    return True
                event_id = copies.pop()
            engine.deliver(event_id)

    results = run_in_threads(8, worker)
    assert results == [True] * 8, results
    drain()
    assert snapshot(parallel) == expected
    assert WebhookEvent.objects.filter(status="processed").count() > 0
    assert_ledger_consistent()


def test_two_concurrent_withdrawals_of_the_whole_balance():
    earner = FreelancerFactory()
    wallet_with(earner, usd(25_000), client=UserFactory())
    method = payouts.payout_method_create_bank(
        user=earner, holder_name="Ada", account_number="DE89370400440532013000", actor=earner
    )
    results = run_in_threads(
        2,
        lambda i: payouts.payout_request(
            user=earner, amount=usd(25_000), method=method, idempotency_key=f"all-{i}", actor=earner
        ),
    )
    assert sorted(type(r).__name__ for r in results) == ["InsufficientFunds", "Payout"], results
    assert any(isinstance(r, InsufficientFunds) for r in results)
    assert Payout.objects.filter(user=earner).count() == 1
    assert selectors.wallet_summary(earner, "USD").available.is_zero
    assert_ledger_consistent()
