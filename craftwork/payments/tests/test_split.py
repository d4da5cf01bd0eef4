"""Split payments: one charge for a cart, one escrow (and one client fee) per line."""

import uuid

import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.models import OutboxEvent
from craftwork.core.money import CurrencyMismatch, Money
from craftwork.payments import checkout, ledger, receipts, refunds, selectors, testing
from craftwork.payments.errors import IdempotencyKeyReused
from craftwork.payments.models import (
    AccountKind,
    LedgerTransaction,
    Payment,
    PaymentLine,
    Receipt,
    Refund,
    TransactionKind,
)
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.providers.sandbox.models import SandboxEvent, SandboxRefund

from .factories import FeeScheduleFactory, contract_ref, funded_escrow, usd

pytestmark = pytest.mark.django_db

handled: list = []
locked: list = []


def _line_handler(payment, line):
    if line.reference.startswith("refuse:"):
        raise InvalidTransition("The slot was taken meanwhile.")
    handled.append((payment.pk, line.reference))


def _lock(payment):
    locked.append(payment.pk)


checkout.register_fulfillment("test_cart", _line_handler, per_line=True, lock=_lock)


@pytest.fixture(autouse=True)
def _clean(reconciled):
    handled.clear()
    locked.clear()
    yield
    handled.clear()
    locked.clear()


def line(amount=None, *, category=None, ref=None, escrow=None, description="Gig"):
    return checkout.PaymentLine(
        reference=ref or f"checkout-line:{uuid.uuid4()}",
        escrow_ref=escrow or contract_ref(),
        amount=amount if amount is not None else usd(10_000),
        category_slug=category,
        description=description,
    )


def start(payer, lines, *, key=None, purpose="test_cart", reference="checkout:1"):
    return checkout.payment_start_split(
        payer=payer,
        lines=lines,
        purpose=purpose,
        reference=reference,
        description="Cart",
        return_url="/shop/checkout/1/done/",
        idempotency_key=key or str(uuid.uuid4()),
    )


def three_lines():
    FeeScheduleFactory(category_slug="design", client_fee_bps=1000)
    return [
        line(usd(10_000), category="design", description="Logo"),
        line(usd(5_000), category="writing", description="Copy"),
        line(usd(2_001), category="writing", description="Proofreading"),
    ]


def revenue_minor() -> int:
    account = ledger.find_account(AccountKind.PLATFORM_REVENUE, "USD")
    return account.balance if account else 0


# --- start ----------------------------------------------------------------------------------


def test_start_prices_each_line_with_its_category_fee():
    payment = start(UserFactory(), three_lines())
    fees = list(payment.lines.order_by("position").values_list("client_fee_minor", flat=True))
    assert fees == [1_000, 250, 100]  # 10 % design; 5 % writing (100.05 rounds to 100)
    assert payment.is_split and payment.escrow_ref == ""
    assert payment.amount == usd(17_001)
    assert payment.client_fee == usd(1_350)
    assert payment.total == usd(18_351)
    assert payment.checkout_url == f"/payments/sandbox/checkout/{payment.pk}/"
    charge = engine.get_charge(payment.provider_intent_id)
    assert charge.amount == 18_351  # the sandbox's hosted page charges the total


def test_same_key_same_lines_returns_the_same_payment():
    payer, lines = UserFactory(), three_lines()
    first = start(payer, lines, key="cart-key")
    assert start(payer, lines, key="cart-key").pk == first.pk
    assert Payment.objects.count() == 1 and PaymentLine.objects.count() == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda lines: lines[:2],
        lambda lines: [*lines[:2], line(usd(2_002), ref=lines[2].reference)],
        lambda lines: list(reversed(lines)),
    ],
)
def test_same_key_other_lines_is_refused(change):
    payer, lines = UserFactory(), three_lines()
    start(payer, lines, key="cart-key")
    with pytest.raises(IdempotencyKeyReused):
        start(payer, change(lines), key="cart-key")


def test_same_key_from_a_single_payment_is_refused():
    payer = UserFactory()
    checkout.payment_start(
        payer=payer,
        amount=usd(1_000),
        purpose="test_funding",
        reference="milestone:1",
        escrow_ref=contract_ref(),
        description="",
        return_url="",
        idempotency_key="shared",
    )
    with pytest.raises(IdempotencyKeyReused):
        start(payer, [line()], key="shared")


def test_mixed_currencies_are_refused():
    with pytest.raises(CurrencyMismatch):
        start(UserFactory(), [line(usd(1_000)), line(Money(1_000, "EUR"))])
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "no_lines"),
        ([line(usd(0))], "invalid_amount"),
        ([line(usd(-5))], "invalid_amount"),
        ([line() for _ in range(checkout.MAX_LINES + 1)], "too_many_lines"),
        ([line(usd(99_999_999))], "amount_too_large"),
        ([line(escrow="contract:same"), line(escrow="contract:same")], "duplicate_line"),
        ([line(ref="ref:same"), line(ref="ref:same")], "duplicate_line"),
        (
            [checkout.PaymentLine(reference="", escrow_ref="contract:1", amount=usd(1))],
            "invalid_payment",
        ),
        ([line(escrow="x" * 201)], "invalid_payment"),
    ],
)
def test_bad_lines_are_refused(lines, code):
    with pytest.raises(ValidationFailed) as error:
        start(UserFactory(), lines)
    assert error.value.code == code
    assert not Payment.objects.exists()


def test_fifty_lines_are_accepted():
    payment = start(UserFactory(), [line(usd(100)) for _ in range(checkout.MAX_LINES)])
    assert payment.lines.count() == checkout.MAX_LINES


@pytest.mark.parametrize("lines", ["not a list", [{"amount": 1}], None, (line(12),)])
def test_wrong_types_are_refused(lines):
    with pytest.raises(TypeError):
        start(UserFactory(), lines)


def test_purpose_must_match_the_kind_of_payment():
    with pytest.raises(ValidationFailed) as error:
        start(UserFactory(), [line()], purpose="test_funding")
    assert error.value.code == "purpose_mismatch"
    with pytest.raises(ValidationFailed) as error:
        checkout.payment_start(
            payer=UserFactory(),
            amount=usd(1_000),
            purpose="test_cart",
            reference="x:1",
            escrow_ref=contract_ref(),
            description="",
            return_url="",
            idempotency_key="k",
        )
    assert error.value.code == "purpose_mismatch"
    with pytest.raises(ValidationFailed) as error:
        start(UserFactory(), [line()], purpose="nobody_registered")
    assert error.value.code == "unknown_purpose"


def test_a_line_into_another_clients_escrow_is_refused():
    escrow = funded_escrow(UserFactory(), usd(1_000))
    with pytest.raises(PermissionDenied):
        start(UserFactory(), [line(), line(escrow=escrow)])


def test_inactive_payer_is_refused():
    with pytest.raises(PermissionDenied):
        start(UserFactory(is_active=False), [line()])


# --- success --------------------------------------------------------------------------------


def test_success_funds_one_escrow_per_line_and_fulfils_each_line():
    payer, lines = UserFactory(), three_lines()
    payment = testing.pay(start(payer, lines))
    assert payment.status == Payment.Status.SUCCEEDED
    for spec, record in zip(lines, payment.lines.order_by("position"), strict=True):
        assert selectors.escrow_balance(spec.escrow_ref, "USD") == spec.amount
        assert record.fund_transaction.kind == TransactionKind.ESCROW_FUND
        assert record.fulfilled_at is not None and record.fulfillment_error == ""
    assert revenue_minor() == 1_350  # the sum of the lines' fees
    clearing = ledger.find_account(AccountKind.PROVIDER_CLEARING, "USD")
    assert clearing.balance == -18_351
    assert handled == [(payment.pk, spec.reference) for spec in lines]
    assert locked == [payment.pk]
    assert LedgerTransaction.objects.filter(kind="escrow_fund").count() == 3
    assert OutboxEvent.objects.filter(name="payments.payment_succeeded").count() == 1


def test_one_receipt_lists_every_line():
    payment = testing.pay(start(UserFactory(), three_lines()))
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.amount == usd(18_351)
    text = " ".join(f"{label} {value}" for label, value in receipts._lines(receipt))
    for name in ("Logo", "Copy", "Proofreading"):
        assert name in text
    assert receipts.render_pdf(receipt).startswith(b"%PDF")


def test_a_long_cart_receipt_renders_on_several_pages():
    lines = [line(usd(100), description=f"Item {n}") for n in range(checkout.MAX_LINES)]
    payment = testing.pay(start(UserFactory(), lines))
    pdf = receipts.render_pdf(Receipt.objects.get(payment=payment))
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2 or b"/Count 2" in pdf


def test_a_failing_line_is_refunded_alone(django_capture_on_commit_callbacks):
    payer = UserFactory()
    FeeScheduleFactory(category_slug="design", client_fee_bps=1000)
    good = line(usd(10_000), category="design")
    bad = line(usd(4_000), ref=f"refuse:{uuid.uuid4()}")
    with django_capture_on_commit_callbacks(execute=True):
        payment = testing.pay(start(payer, [good, bad]))
    assert payment.status in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
    failed = payment.lines.get(reference=bad.reference)
    assert failed.fulfillment_error == "The slot was taken meanwhile."
    assert failed.fulfilled_at is None
    refund = Refund.objects.get()
    assert (refund.line_id, refund.amount, refund.client_fee) == (failed.pk, usd(4_000), usd(200))
    assert refund.origin == Refund.Origin.FULFILLMENT
    assert SandboxRefund.objects.get().amount == 4_200  # the line's amount and its fee
    assert selectors.escrow_balance(bad.escrow_ref, "USD").is_zero
    assert selectors.escrow_balance(good.escrow_ref, "USD") == usd(10_000)
    assert revenue_minor() == 1_000  # the good line's fee stays, the failed line's went back
    assert payment.lines.get(reference=good.reference).fulfilled_at is not None
    assert handled == [(payment.pk, good.reference)]
    event = OutboxEvent.objects.get(name="payments.payment_line_failed")
    assert event.payload["line_reference"] == bad.reference


def test_replayed_webhooks_and_refreshes_move_nothing_twice(django_capture_on_commit_callbacks):
    payment = start(UserFactory(), three_lines())
    with django_capture_on_commit_callbacks(execute=True):
        payment = testing.pay(payment)
    with django_capture_on_commit_callbacks(execute=True):
        engine.redeliver(SandboxEvent.objects.all(), duplicates=True, shuffle=True, seed=1)
    for _ in range(3):
        checkout.payment_refresh(payment=Payment.objects.get(pk=payment.pk))
        checkout.payment_apply_intent(
            engine.intent_object(engine.get_charge(payment.provider_intent_id))
        )
    assert LedgerTransaction.objects.filter(kind="escrow_fund").count() == 3
    assert len(handled) == 3
    assert Receipt.objects.filter(payment=payment).count() == 1
    assert revenue_minor() == 1_350


def test_declined_and_canceled_split_payments_fund_nothing():
    declined = testing.pay(start(UserFactory(), [line()]), testing.DECLINED)
    assert declined.status == Payment.Status.FAILED
    canceled = checkout.payment_cancel(payment=declined, actor=declined.payer)
    assert canceled.status == Payment.Status.CANCELED
    assert not LedgerTransaction.objects.exists()
    assert locked == []
    names = set(OutboxEvent.objects.values_list("name", flat=True))
    assert {"payments.payment_failed", "payments.payment_canceled"} <= names


# --- refunds of lines -----------------------------------------------------------------------


def test_refund_for_escrow_finds_the_line_and_never_refunds_more_than_it_paid():
    payer, lines = UserFactory(), three_lines()
    payment = testing.pay(start(payer, lines))
    target = lines[1]  # 5,000 + 250 fee
    [refund] = checkout.refund_for_escrow(
        escrow_ref=target.escrow_ref,
        amount=usd(2_000),
        reason="cancelled",
        actor=None,
        idempotency_key="cancel-1",
    )
    assert refund.payment_id == payment.pk
    assert refund.line == payment.lines.get(reference=target.reference)
    assert refund.client_fee == usd(100)  # 2,000 / 5,000 of the 250 fee
    assert selectors.escrow_balance(target.escrow_ref, "USD") == usd(3_000)
    assert selectors.escrow_balance(lines[0].escrow_ref, "USD") == usd(10_000)
    with pytest.raises(refunds.RefundTooLarge):
        checkout.refund_for_escrow(
            escrow_ref=target.escrow_ref,
            amount=usd(3_001),
            reason="",
            actor=None,
            idempotency_key="cancel-2",
        )
    [rest] = checkout.refund_for_escrow(
        escrow_ref=target.escrow_ref,
        amount=usd(3_000),
        reason="",
        actor=None,
        idempotency_key="cancel-3",
    )
    assert rest.client_fee == usd(150)  # all of the line's fee is back now
    assert refunds.refundable(payment, rest.line).is_zero
    assert revenue_minor() == 1_350 - 250


def test_a_refund_needs_the_line_of_a_split_payment():
    payment = testing.pay(start(UserFactory(), [line(), line()]))
    with pytest.raises(ValidationFailed) as error:
        refunds.refund_create(
            payment=payment,
            amount=usd(100),
            origin=Refund.Origin.POLICY,
            reason="",
            actor=None,
            idempotency_key="x",
        )
    assert error.value.code == "line_required"
    other = testing.pay(start(UserFactory(), [line()]))
    with pytest.raises(ValidationFailed) as error:
        refunds.refund_create(
            payment=payment,
            line=other.lines.get(),
            amount=usd(100),
            origin=Refund.Origin.POLICY,
            reason="",
            actor=None,
            idempotency_key="y",
        )
    assert error.value.code == "invalid_line"


def test_staff_refund_of_a_split_payment_goes_line_by_line():
    staff = UserFactory(is_staff=True)
    lines = [line(usd(1_000)), line(usd(2_000))]
    payment = testing.pay(start(UserFactory(), lines))
    first = refunds.refund_by_staff(
        actor=staff, payment=payment, amount=usd(1_500), reason="goodwill", idempotency_key="s1"
    )
    assert first.line.position == 1 and first.amount == usd(1_000)
    assert sorted(Refund.objects.values_list("amount_minor", "client_fee_minor")) == [
        (500, 25),
        (1_000, 50),
    ]
    again = refunds.refund_by_staff(
        actor=staff, payment=payment, amount=usd(1_500), reason="goodwill", idempotency_key="s1"
    )
    assert again.pk == first.pk and Refund.objects.count() == 2
    with pytest.raises(refunds.RefundTooLarge):
        refunds.refund_by_staff(
            actor=staff, payment=payment, amount=usd(1_501), reason="more", idempotency_key="s2"
        )


def test_a_dashboard_refund_of_a_split_payment_is_spread_over_the_lines(
    django_capture_on_commit_callbacks,
):
    lines = [line(usd(1_000)), line(usd(2_000))]
    with django_capture_on_commit_callbacks(execute=True):
        payment = testing.pay(start(UserFactory(), lines))
    with django_capture_on_commit_callbacks(execute=True):
        engine.dashboard_refund(payment.provider_intent_id)  # all of 3,150
    made = list(Refund.objects.order_by("line__position"))
    assert [(r.amount_minor, r.client_fee_minor, r.status) for r in made] == [
        (1_000, 50, "succeeded"),
        (2_000, 100, "succeeded"),
    ]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert revenue_minor() == 0
    for spec in lines:
        assert selectors.escrow_balance(spec.escrow_ref, "USD").is_zero


# --- pages and API --------------------------------------------------------------------------


def test_api_lists_split_payments_with_their_lines_without_n_plus_one(
    django_assert_max_num_queries,
):
    from rest_framework.test import APIClient

    payer = UserFactory()
    paid = testing.pay(start(payer, three_lines()))
    for _ in range(3):
        start(payer, [line(), line()])
    api = APIClient()
    api.force_authenticate(payer)
    with django_assert_max_num_queries(7):
        listing = api.get("/api/v1/payments/payments/")
    assert len(listing.json()["results"]) == 4
    detail = api.get(f"/api/v1/payments/payments/{paid.pk}/").json()
    assert detail["is_split"] is True and detail["escrow_ref"] == ""
    assert [row["client_fee"]["amount_minor"] for row in detail["lines"]] == [1_000, 250, 100]
    assert detail["total"]["amount_minor"] == 18_351
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get(f"/api/v1/payments/payments/{paid.pk}/").status_code == 404


def test_payment_page_shows_the_lines(client):
    payer = UserFactory()
    payment = testing.pay(start(payer, three_lines()))
    from django.urls import reverse

    url = reverse("payments:detail", args=[payment.pk])
    client.force_login(payer)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="payment-line"') == 3
    for name in ("Logo", "Copy", "Proofreading"):
        assert name in html
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_chargeback_on_a_split_payment_debits_the_line_escrows_and_is_reinstated(
    django_capture_on_commit_callbacks,
):
    from craftwork.payments.models import Chargeback

    lines = [line(usd(1_000)), line(usd(2_000))]
    with django_capture_on_commit_callbacks(execute=True):
        payment = testing.pay(start(UserFactory(), lines))
    with django_capture_on_commit_callbacks(execute=True):
        dispute = engine.open_dispute(payment.provider_intent_id)  # all of 3,150
    chargeback = Chargeback.objects.get()
    assert chargeback.escrow_debits == {lines[0].escrow_ref: 1_000, lines[1].escrow_ref: 2_000}
    assert chargeback.escrow_debited_minor == 3_000
    loss = ledger.find_account(AccountKind.CHARGEBACK_LOSS, "USD")
    assert loss.balance == -150  # the fees: the platform's exposure
    for spec in lines:
        assert selectors.escrow_balance(spec.escrow_ref, "USD").is_zero
    with django_capture_on_commit_callbacks(execute=True):
        engine.close_dispute(dispute.dispute_id, won=True)
    for spec in lines:
        assert selectors.escrow_balance(spec.escrow_ref, "USD") == spec.amount
    assert ledger.balance(loss).is_zero


def test_stripe_checkout_lists_each_line_and_charges_the_total(settings, monkeypatch):
    from craftwork.payments.providers import stripe as stripe_provider

    from .test_stripe import FakeStripe

    settings.PAYMENTS_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    fake = FakeStripe()
    monkeypatch.setattr(stripe_provider, "make_http_client", lambda: fake)
    fake.route(
        "POST",
        "/v1/checkout/sessions",
        {"id": "cs_split", "object": "checkout.session", "payment_intent": None,
         "url": "https://checkout.stripe.com/c/pay/cs_split", "status": "open"},
    )  # fmt: skip
    payment = start(UserFactory(), three_lines())
    sent = fake.last("POST", "/v1/checkout/sessions")["data"]
    amounts = [int(sent[f"line_items[{i}][price_data][unit_amount]"]) for i in range(3)]
    assert amounts == [11_000, 5_250, 2_101]
    assert sum(amounts) == payment.total.minor
    assert sent["line_items[0][price_data][product_data][name]"] == "Logo"
    assert payment.provider == "stripe" and payment.checkout_url.startswith("https://")
