import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.errors import PermissionDenied, ValidationFailed
from craftwork.core.money import CurrencyMismatch, Money
from craftwork.payments import checkout, refunds, selectors, services, testing
from craftwork.payments.errors import IdempotencyKeyReused, InsufficientFunds
from craftwork.payments.models import Payment, Receipt, Refund, TransactionKind
from craftwork.payments.providers.sandbox.models import SandboxRefund

from .conftest import paid_payment, start_payment
from .factories import contract_ref, funded_escrow, key, usd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs after-commit work (provider calls, webhooks) as production would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_partial_then_full_refund_by_policy(commit):
    payment = paid_payment(UserFactory())
    with commit():
        first = checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(3_000),
            reason="Cancelled early",
            actor=payment.payer,
            idempotency_key=key(),
        )
    assert [r.amount for r in first] == [usd(3_000)]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    with commit():
        checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(7_000),
            reason="Cancelled",
            actor=payment.payer,
            idempotency_key=key(),
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero
    assert Receipt.objects.filter(series="RF").count() == 2


def test_refund_lifecycle_is_pending_until_the_provider_confirms(
    settings, django_capture_on_commit_callbacks
):
    settings.SANDBOX_WEBHOOK_AUTO_DELIVER = False
    payment = paid_payment(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(10_000),
            reason="",
            actor=None,
            idempotency_key="c1",
        )
    refund.refresh_from_db()
    # Sent to the provider, which settled it; its webhook has not arrived yet.
    assert refund.provider_refund_id.startswith("re_sb_")
    assert refund.status == Refund.Status.PENDING
    assert SandboxRefund.objects.get().status == "succeeded"
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero
    from craftwork.payments.providers.sandbox import engine
    from craftwork.payments.providers.sandbox.models import SandboxEvent

    with django_capture_on_commit_callbacks(execute=True):
        for event in SandboxEvent.objects.filter(type="charge.refunded"):
            engine.deliver(event.event_id)
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment.status == Payment.Status.REFUNDED
    assert Receipt.objects.filter(refund=refund, series="RF").exists()


def test_full_refund_and_status(commit):
    payment = paid_payment(UserFactory())
    with commit():
        refunds.refund_create(
            payment=payment,
            amount=usd(10_000),
            origin="staff",
            reason="x",
            actor=None,
            idempotency_key="r1",
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunds.get().status == Refund.Status.SUCCEEDED


def test_never_more_than_paid(commit):
    payment = paid_payment(UserFactory())
    with commit():
        refunds.refund_create(
            payment=payment,
            amount=usd(6_000),
            origin="staff",
            reason="",
            actor=None,
            idempotency_key="r1",
        )
    with pytest.raises(ValidationFailed) as exc:
        refunds.refund_create(
            payment=payment,
            amount=usd(4_001),
            origin="staff",
            reason="",
            actor=None,
            idempotency_key="r2",
        )
    assert exc.value.code == "refund_exceeds_paid"
    with pytest.raises(ValidationFailed):
        checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(10_000),
            reason="",
            actor=None,
            idempotency_key="r3",
        )
    assert Refund.objects.count() == 1


@pytest.mark.parametrize("minor", [0, -100])
def test_zero_or_negative_refund(minor):
    payment = paid_payment(UserFactory())
    with pytest.raises(ValidationFailed):
        checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(minor),
            reason="",
            actor=None,
            idempotency_key="r",
        )
    assert not Refund.objects.exists()


def test_currency_mismatch():
    payment = paid_payment(UserFactory())
    with pytest.raises(CurrencyMismatch):
        checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=Money(100, "EUR"),
            reason="",
            actor=None,
            idempotency_key="r",
        )


def test_unpaid_payment_cannot_be_refunded():
    payment = start_payment(UserFactory())
    with pytest.raises(Exception) as exc:
        refunds.refund_create(
            payment=payment,
            amount=usd(100),
            origin="staff",
            reason="",
            actor=None,
            idempotency_key="r",
        )
    assert getattr(exc.value, "code", "") == "payment_not_paid"


def test_refund_spreads_over_the_payments_of_an_escrow(commit):
    payer, ref = UserFactory(), contract_ref()
    first = paid_payment(payer, usd(5_000), ref=ref)
    second = paid_payment(payer, usd(3_000), ref=ref)
    with commit():
        made = checkout.refund_for_escrow(
            escrow_ref=ref, amount=usd(6_000), reason="", actor=payer, idempotency_key="cancel-1"
        )
    assert {(r.payment_id, r.amount_minor) for r in made} == {(second.pk, 3_000), (first.pk, 3_000)}
    again = checkout.refund_for_escrow(
        escrow_ref=ref, amount=usd(6_000), reason="", actor=payer, idempotency_key="cancel-1"
    )
    assert {r.pk for r in again} == {r.pk for r in made}
    with pytest.raises(IdempotencyKeyReused):
        checkout.refund_for_escrow(
            escrow_ref=ref, amount=usd(1_000), reason="", actor=payer, idempotency_key="cancel-1"
        )
    assert selectors.escrow_balance(ref, "USD") == usd(2_000)


def test_released_money_cannot_be_refunded():
    payment = paid_payment(UserFactory())
    services.escrow_release(
        contract_ref=payment.escrow_ref,
        provider_user=FreelancerFactory(),
        amount=usd(8_000),
        fee_bps=1000,
        idempotency_key="rel",
        item_ref=payment.reference,
    )
    with pytest.raises(InsufficientFunds):
        checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(5_000),
            reason="",
            actor=None,
            idempotency_key="r",
        )
    assert not Refund.objects.exists()


def test_a_failed_refund_puts_the_money_back_in_escrow(commit):
    payment = paid_payment(UserFactory(), card=testing.REFUND_FAILS)
    with commit():
        [refund] = checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(10_000),
            reason="",
            actor=None,
            idempotency_key="r",
        )
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert refund.reversal_transaction.kind == TransactionKind.REFUND_REVERSAL
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    assert payment.status == Payment.Status.SUCCEEDED
    # The money can be refunded again once the failed one is out of the way.
    assert refunds.refundable(payment) == usd(10_000)


def test_staff_refund_needs_staff_and_a_reason(commit):
    payment = paid_payment(UserFactory())
    with pytest.raises(PermissionDenied):
        refunds.refund_by_staff(
            actor=payment.payer, payment=payment, amount=usd(1), reason="x", idempotency_key="s"
        )
    with pytest.raises(ValidationFailed):
        refunds.refund_by_staff(
            actor=StaffFactory(), payment=payment, amount=usd(1), reason="  ", idempotency_key="s"
        )
    with commit():
        refund = refunds.refund_by_staff(
            actor=StaffFactory(),
            payment=payment,
            amount=usd(100),
            reason="Goodwill",
            idempotency_key="s",
        )
    assert refund.origin == Refund.Origin.STAFF


def test_ledger_only_escrow_is_refunded_in_the_ledger():
    client = UserFactory()
    ref = funded_escrow(client, usd(2_000))
    assert (
        checkout.refund_for_escrow(
            escrow_ref=ref, amount=usd(500), reason="", actor=None, idempotency_key="x"
        )
        == []
    )
    assert selectors.escrow_balance(ref, "USD") == usd(1_500)
