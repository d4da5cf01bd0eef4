import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.errors import PermissionDenied, ValidationFailed
from craftwork.core.money import CurrencyMismatch, Money
from craftwork.payments import checkout, selectors, testing
from craftwork.payments.errors import IdempotencyKeyReused
from craftwork.payments.models import Payment, Receipt, Refund

from .conftest import FULFILLED, start_payment
from .factories import contract_ref, funded_escrow, usd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


def start(payer, amount=None, **kwargs):
    return start_payment(payer, amount, **kwargs)


def test_start_computes_fee_and_opens_sandbox_checkout():
    payer = UserFactory()
    payment = start(payer)
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD
    assert payment.client_fee == usd(500)
    assert payment.total == usd(10_500)
    assert payment.provider == "sandbox"
    assert payment.checkout_url == f"/payments/sandbox/checkout/{payment.pk}/"


def test_pay_funds_escrow_once_and_calls_fulfillment_once():
    payer = UserFactory()
    payment = start(payer)
    payment = testing.pay(payment)
    assert payment.status == Payment.Status.SUCCEEDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    assert [payment.pk] == FULFILLED
    assert Receipt.objects.filter(payment=payment).count() == 1
    # The return page and a webhook both apply the same success: nothing more happens.
    checkout.payment_refresh(payment=payment)
    checkout.payment_apply_intent(
        {
            "id": payment.provider_intent_id,
            "status": "succeeded",
            "amount": 10_500,
            "currency": "usd",
            "metadata": {"payment_id": str(payment.pk)},
        }
    )
    assert [payment.pk] == FULFILLED
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)


@pytest.mark.parametrize(
    ("card", "code"),
    [(testing.DECLINED, "card_declined"), (testing.INSUFFICIENT_FUNDS, "insufficient_funds")],
)
def test_declined_cards_fail_without_money(card, code):
    payment = testing.pay(start(UserFactory()), card)
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_code == code
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero
    assert FULFILLED == []
    # The payer can try again with another card.
    payment = testing.pay(payment)
    assert payment.status == Payment.Status.SUCCEEDED


def test_authentication_card():
    payment = testing.pay(start(UserFactory()), testing.AUTHENTICATE, authenticate=None)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    failed = testing.pay(start(UserFactory()), testing.AUTHENTICATE, authenticate=False)
    assert failed.status == Payment.Status.FAILED
    assert failed.failure_code == "payment_intent_authentication_failure"
    ok = testing.pay(start(UserFactory()), testing.AUTHENTICATE)
    assert ok.status == Payment.Status.SUCCEEDED


def test_invalid_card_number_is_refused_before_charging():
    payment = start(UserFactory())
    with pytest.raises(ValueError, match="invalid"):
        testing.pay(payment, "4242424242424241")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD


def test_fulfillment_refusal_refunds(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = testing.pay(start(UserFactory(), purpose="test_refusing"))
    payment.refresh_from_db()
    assert payment.fulfillment_error
    refund = payment.refunds.get()
    assert refund.amount == payment.amount
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment.status == Payment.Status.REFUNDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero


@pytest.mark.parametrize("minor", [0, -5])
def test_bad_amounts(minor):
    with pytest.raises(ValidationFailed):
        start(UserFactory(), usd(minor))
    assert not Payment.objects.exists()


def test_absurd_amount():
    with pytest.raises(ValidationFailed) as exc:
        start(UserFactory(), usd(10**12))
    assert exc.value.code == "amount_too_large"


def test_currency_mismatch_with_escrow():
    payer = UserFactory()
    ref = funded_escrow(payer, usd(100))
    with pytest.raises(CurrencyMismatch):
        start(payer, Money(100, "EUR"), ref=ref)


def test_escrow_of_another_client():
    ref = funded_escrow(UserFactory(), usd(100))
    with pytest.raises(PermissionDenied):
        start(UserFactory(), ref=ref)


def test_idempotent_start():
    payer = UserFactory()
    ref = contract_ref()
    first = checkout.payment_start(
        payer=payer,
        amount=usd(100),
        purpose="test_funding",
        reference="m:1",
        escrow_ref=ref,
        description="",
        return_url="",
        idempotency_key="k1",
    )
    again = checkout.payment_start(
        payer=payer,
        amount=usd(100),
        purpose="test_funding",
        reference="m:1",
        escrow_ref=ref,
        description="",
        return_url="",
        idempotency_key="k1",
    )
    assert again.pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        checkout.payment_start(
            payer=payer,
            amount=usd(200),
            purpose="test_funding",
            reference="m:1",
            escrow_ref=ref,
            description="",
            return_url="",
            idempotency_key="k1",
        )


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/", "javascript:alert(1)"]
)
def test_return_url_must_be_on_site(url):
    with pytest.raises(ValidationFailed):
        start(UserFactory(), return_url=url)


def test_unknown_purpose():
    with pytest.raises(ValidationFailed) as exc:
        start(UserFactory(), purpose="nope")
    assert exc.value.code == "unknown_purpose"
