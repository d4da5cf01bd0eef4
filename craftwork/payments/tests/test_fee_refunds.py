"""The client service fee follows the money back (docs/money.md, "Client service fee refunds")."""

import random

import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.payments import checkout, disputes, ledger, receipts, refunds, selectors, testing
from craftwork.payments.models import AccountKind, Payment, Receipt, Refund
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.providers.sandbox.models import SandboxRefund

from .conftest import paid_payment
from .factories import usd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def revenue() -> int:
    account = ledger.find_account(AccountKind.PLATFORM_REVENUE, "USD")
    return account.balance if account else 0


def cancel(payment, amount, key="cancel"):
    return checkout.refund_for_escrow(
        escrow_ref=payment.escrow_ref,
        amount=amount,
        reason="cancelled",
        actor=None,
        idempotency_key=key,
    )


# --- the allocation -------------------------------------------------------------------------


def test_fee_share_is_cumulative_and_adds_up_to_the_fee():
    paid, fee, refunded_fee, eligible = 10_000, 500, 0, 0
    shares = []
    for amount in (3_333, 3_333, 3_334):
        share = refunds.fee_share(
            paid=paid, fee=fee, fee_refunded=refunded_fee, eligible_before=eligible, amount=amount
        )
        shares.append(share)
        refunded_fee += share
        eligible += amount
    assert shares == [166, 167, 167]
    assert sum(shares) == fee


def test_fee_share_never_exceeds_the_fee_for_random_splits():
    rng = random.Random(7)
    for _ in range(300):
        paid, fee = rng.randint(1, 10**8), rng.randint(0, 10**7)
        cuts = sorted(rng.sample(range(1, paid), min(paid - 1, rng.randint(0, 6))))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, paid], strict=True)]
        refunded_fee = eligible = 0
        for amount in parts:
            share = refunds.fee_share(
                paid=paid,
                fee=fee,
                fee_refunded=refunded_fee,
                eligible_before=eligible,
                amount=amount,
            )
            assert 0 <= share <= fee - refunded_fee
            assert refunded_fee + share == fee * (eligible + amount) // paid
            refunded_fee, eligible = refunded_fee + share, eligible + amount
        assert refunded_fee == fee


def test_fee_share_edge_cases():
    assert refunds.fee_share(paid=100, fee=0, fee_refunded=0, eligible_before=0, amount=100) == 0
    assert refunds.fee_share(paid=100, fee=5, fee_refunded=5, eligible_before=0, amount=50) == 0
    # One minor unit too many already returned (after a failed refund): never negative.
    assert refunds.fee_share(paid=3, fee=1, fee_refunded=1, eligible_before=0, amount=1) == 0


# --- through the flows ------------------------------------------------------------------------


def test_a_cancellation_refund_returns_its_share_of_the_fee(commit):
    with commit():
        payment = paid_payment(UserFactory())  # 10,000 + 500 fee
    assert revenue() == 500
    with commit():
        [refund] = cancel(payment, usd(4_000))
    refund.refresh_from_db()
    assert (refund.amount, refund.client_fee, refund.total) == (usd(4_000), usd(200), usd(4_200))
    assert refund.fee_bearing and refund.status == Refund.Status.SUCCEEDED
    assert revenue() == 300
    assert SandboxRefund.objects.get().amount == 4_200
    receipt = Receipt.objects.get(refund=refund)
    assert receipt.amount == usd(4_200)
    text = dict((str(k), v) for k, v in receipts._lines(receipt))
    assert text["Amount refunded"] == usd(4_000).format(with_code=True)
    assert text["Service fee refunded"] == usd(200).format(with_code=True)
    assert text["Total refunded"] == usd(4_200).format(with_code=True)
    with commit():
        [rest] = cancel(payment, usd(6_000), key="cancel-rest")
    assert rest.client_fee == usd(300)
    assert revenue() == 0
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_a_failed_fulfilment_refunds_the_whole_fee(commit):
    from .conftest import start_payment

    with commit():
        payment = testing.pay(start_payment(UserFactory(), purpose="test_refusing"))
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.client_fee) == (usd(10_000), usd(500))
    assert revenue() == 0
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero


def test_a_staff_full_refund_returns_the_whole_fee(commit):
    with commit():
        payment = paid_payment(UserFactory())
        refund = refunds.refund_by_staff(
            actor=StaffFactory(),
            payment=payment,
            amount=usd(10_000),
            reason="goodwill",
            idempotency_key="s",
        )
    refund.refresh_from_db()
    assert (refund.client_fee, refund.status) == (usd(500), Refund.Status.SUCCEEDED)
    assert revenue() == 0


def test_a_failed_refund_puts_the_fee_back_into_revenue(commit):
    with commit():
        payment = paid_payment(UserFactory(), card=testing.REFUND_FAILS)
    with commit():
        [refund] = cancel(payment, usd(10_000))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert refund.reversal_transaction is not None
    assert revenue() == 500
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    # A later refund that succeeds returns the fee again, exactly once.
    assert refunds.fee_refundable(payment) == usd(500)


def _dispute(payment, provider):
    return disputes.dispute_open(
        actor=payment.payer,
        escrow_ref=payment.escrow_ref,
        subject_ref="milestone:1",
        amount=usd(10_000),
        client=payment.payer,
        provider=provider,
        reason="Not delivered",
        evidence_text="Nothing arrived.",
        fee_bps=1000,
    )


def test_a_dispute_split_keeps_the_fee(commit):
    provider = FreelancerFactory()
    with commit():
        payment = paid_payment(UserFactory())
    dispute = _dispute(payment, provider)
    with commit():
        disputes.dispute_resolve(
            actor=StaffFactory(),
            dispute=dispute,
            outcome="split",
            to_provider=usd(6_000),
            decision="Half done.",
        )
    refund = Refund.objects.get()
    assert (refund.amount, refund.client_fee, refund.fee_bearing) == (usd(4_000), usd(0), False)
    assert revenue() == 500 + 600  # the client fee stays; the platform fee on the provider part


def test_a_dispute_decided_wholly_for_the_client_returns_the_fee(commit):
    with commit():
        payment = paid_payment(UserFactory())
    dispute = _dispute(payment, FreelancerFactory())
    with commit():
        disputes.dispute_resolve(
            actor=StaffFactory(),
            dispute=dispute,
            outcome="refund",
            to_provider=None,
            decision="Nothing delivered.",
        )
    assert Refund.objects.get().client_fee == usd(500)
    assert revenue() == 0


def test_a_dashboard_refund_comes_from_the_escrow_first(commit):
    with commit():
        payment = paid_payment(UserFactory())
    with commit():
        engine.dashboard_refund(payment.provider_intent_id, 4_000)
    first = Refund.objects.get()
    assert (first.amount, first.client_fee, first.origin) == (usd(4_000), usd(0), "provider")
    with commit():
        engine.dashboard_refund(payment.provider_intent_id)  # the rest: 6,000 + the 500 fee
    rest = Refund.objects.exclude(pk=first.pk).get()
    assert (rest.amount, rest.client_fee) == (usd(6_000), usd(500))
    assert revenue() == 0
