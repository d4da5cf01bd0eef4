"""Checkout: re-validation, one payment per cart, slots held and released, fulfilment per line."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog import services as catalog
from craftwork.catalog.models import GigStatus, ReservationStatus, SlotReservation
from craftwork.catalog.tests.factories import GigFactory
from craftwork.commerce import selectors, services
from craftwork.commerce.errors import CartChanged, CartEmpty
from craftwork.commerce.models import (
    CartLine,
    Checkout,
    CheckoutLine,
    CheckoutStatus,
    LineStatus,
)
from craftwork.commerce.services.checkout import PURPOSE
from craftwork.contracts.models import Contract
from craftwork.core.errors import DomainError, InvalidTransition, NotFound
from craftwork.core.models import OutboxEvent
from craftwork.core.money import Money
from craftwork.payments import testing
from craftwork.payments.checkout import payment_apply_intent
from craftwork.payments.models import Payment, Refund
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.providers.sandbox.models import SandboxEvent

from .conftest import add, pay, slot_ref, slot_start, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_reconciles(reconciled):
    yield


@pytest.fixture
def filled(cart, buyer, package, offering):
    """Two basic packages ($100) and one session ($60)."""
    add(cart, buyer, package, quantity=2)
    add(cart, buyer, "session_slot", slot_ref(offering))
    return cart


def reservations(status=ReservationStatus.RESERVED):
    return SlotReservation.objects.filter(status=status).count()


# --- review ------------------------------------------------------------------------------------


def test_review_prices_every_line_and_writes_nothing(filled, buyer):
    review = services.checkout_review(cart=filled, actor=buyer)
    assert not review.changed and review.changes == []
    assert [rl.buyable for rl in review.lines] == [True, True]
    assert review.totals.subtotal == Money(16_000, "USD")
    assert review.totals.client_fee == Money(800, "USD")
    assert len(review.version) == 40
    assert services.checkout_review(cart=filled, actor=buyer).version == review.version
    assert not Checkout.objects.exists() and not SlotReservation.objects.exists()


def test_review_tells_about_a_new_price_and_a_paused_gig(filled, buyer, package):
    package.price = 5500
    package.save(update_fields=["price"])
    second = GigFactory(active=True)
    add(filled, buyer, second.packages.first())
    second.status = GigStatus.PAUSED
    second.save(update_fields=["status"])

    review = services.checkout_review(cart=filled, actor=buyer)

    assert review.changed
    price_line = review.lines[0]
    assert price_line.price == Money(5500, "USD") and price_line.seen_price == Money(5000, "USD")
    assert "changed from $50.00 to $55.00" in review.changes[0]
    paused = review.lines[2]
    assert not paused.buyable and paused.problem == "gig_paused"
    assert "will not be charged" in review.changes[1]
    assert review.totals.subtotal == Money(11_000 + 6000, "USD")  # the paused line left out


def test_someone_elses_cart_cannot_be_reviewed_or_started(filled):
    stranger = UserFactory()
    with pytest.raises(NotFound):
        services.checkout_review(cart=filled, actor=stranger)
    with pytest.raises(NotFound):
        services.checkout_start(cart=filled, actor=stranger)
    with pytest.raises(DomainError):
        services.checkout_start(cart=filled, actor=None)


# --- start ----------------------------------------------------------------------------------------


def test_start_creates_one_split_payment_and_holds_the_slot(filled, buyer, offering):
    review = services.checkout_review(cart=filled, actor=buyer)
    checkout, created = services.checkout_start(
        cart=filled, actor=buyer, attempt="attempt-0001", version=review.version
    )
    assert created and checkout.status == CheckoutStatus.PENDING
    assert checkout.total == Money(16_800, "USD")
    assert checkout.expires_at > timezone.now() + timedelta(minutes=29)
    payment = checkout.payment
    assert (payment.purpose, payment.reference) == (PURPOSE, f"checkout:{checkout.pk}")
    assert payment.total == checkout.total and payment.is_split
    assert payment.return_url == f"/shop/checkout/{checkout.pk}/done/"
    assert payment.checkout_url
    lines = list(checkout.lines.order_by("position"))
    paid_lines = {line.reference: line for line in payment.lines.all()}
    for line in lines:
        paid = paid_lines[line.reference]
        assert paid.escrow_ref == f"contract:{line.contract_id}"
        assert (paid.amount_minor, paid.client_fee_minor) == (
            line.amount_minor,
            line.client_fee_minor,
        )
    gig_line, session_line = lines
    assert (gig_line.quantity, gig_line.amount) == (2, Money(10_000, "USD"))
    assert session_line.reservation.client == buyer
    assert session_line.reservation.start == slot_start()
    assert reservations() == 1
    # The cart is untouched until the payment succeeds.
    assert selectors.cart_count(filled) == 3


def test_the_same_attempt_or_the_same_cart_never_pays_twice(filled, buyer):
    first = start(filled, buyer, attempt="attempt-0001")
    again, created = services.checkout_start(cart=filled, actor=buyer, attempt="attempt-0001")
    assert again == first and not created
    # A refreshed page (new token) with the same cart reuses the open checkout too.
    other_tab, created = services.checkout_start(cart=filled, actor=buyer, attempt="attempt-0002")
    assert other_tab == first and not created
    assert Payment.objects.count() == 1 and Checkout.objects.count() == 1


def test_a_changed_cart_replaces_the_open_checkout(filled, buyer, gig):
    first = start(filled, buyer, attempt="attempt-0001")
    add(filled, buyer, gig.packages.get(tier="premium"))
    second = start(filled, buyer, attempt="attempt-0002")
    first.refresh_from_db()
    assert second != first
    assert first.status == CheckoutStatus.CANCELLED
    assert first.payment.status == Payment.Status.CANCELED
    assert set(first.lines.values_list("status", flat=True)) == {LineStatus.CANCELLED}
    # The slot was released by the first and is held by the second.
    assert reservations() == 1
    assert second.lines.get(kind="session_slot").reservation.status == ReservationStatus.RESERVED
    assert second.total == Money(41_000 + 2050, "USD")


def test_a_price_change_charges_nothing_until_confirmed_again(filled, buyer, package):
    package.price = 6000
    package.save(update_fields=["price"])
    with pytest.raises(CartChanged) as caught:
        start(filled, buyer)
    assert "changed from $50.00 to $60.00" in caught.value.details["changes"][0]
    assert caught.value.status_code == 409
    assert not Payment.objects.exists() and not SlotReservation.objects.exists()
    # The cart now shows the new price; confirming again goes through at that price.
    line = CartLine.objects.get(kind="gig_package")
    assert line.unit_price == Money(6000, "USD")
    checkout = start(filled, buyer)
    assert checkout.subtotal == Money(18_000, "USD")


def test_confirming_the_reviewed_version_accepts_the_changes_shown(filled, buyer, package):
    package.price = 6000
    package.save(update_fields=["price"])
    review = services.checkout_review(cart=filled, actor=buyer)
    assert review.changed
    checkout = start(filled, buyer, version=review.version)
    assert checkout.subtotal == Money(18_000, "USD")


def test_a_stale_version_is_refused(filled, buyer, package):
    review = services.checkout_review(cart=filled, actor=buyer)
    package.price = 4000
    package.save(update_fields=["price"])
    with pytest.raises(CartChanged) as caught:
        start(filled, buyer, version=review.version)
    assert caught.value.details["version"] != review.version
    assert not Payment.objects.exists()
    checkout = start(filled, buyer, version=caught.value.details["version"])
    assert checkout.subtotal == Money(14_000, "USD")


def test_unavailable_lines_are_left_out_and_stay_in_the_cart(filled, buyer, package):
    package.gig.status = GigStatus.PAUSED
    package.gig.save(update_fields=["status"])
    with pytest.raises(CartChanged) as caught:
        start(filled, buyer)
    assert "paused" in caught.value.details["changes"][0]
    assert CartLine.objects.get(kind="gig_package").problem == "gig_paused"
    checkout = start(filled, buyer)
    assert [line.kind for line in checkout.lines.all()] == ["session_slot"]
    assert checkout.subtotal == Money(6000, "USD")
    pay(checkout)
    assert [line.kind for line in CartLine.objects.all()] == ["gig_package"]


def test_nothing_buyable_is_refused(cart, buyer, package):
    add(cart, buyer, package)
    package.gig.status = GigStatus.REMOVED
    package.gig.save(update_fields=["status"])
    with pytest.raises(CartChanged):
        start(cart, buyer)
    with pytest.raises(CartEmpty):
        start(cart, buyer)
    assert not Payment.objects.exists()


def test_an_empty_cart_is_refused(cart, buyer):
    with pytest.raises(CartEmpty):
        start(cart, buyer)


def test_a_slot_taken_meanwhile_is_told_and_not_charged(filled, buyer, offering):
    catalog.slot_reserve(offering=offering, start=slot_start(), client=UserFactory(), actor=None)
    with pytest.raises(CartChanged) as caught:
        start(filled, buyer)
    assert "Someone has just booked this time" in caught.value.details["changes"][0]
    checkout = start(filled, buyer)
    assert [line.kind for line in checkout.lines.all()] == ["gig_package"]


def test_a_slot_in_the_past_is_told(cart, buyer, offering, frozen_later):
    add(cart, buyer, "session_slot", slot_ref(offering, days=1))
    with frozen_later(timedelta(days=2)):
        review = services.checkout_review(cart=cart, actor=buyer)
    assert review.lines[0].problem == "slot_in_past"


@pytest.fixture
def frozen_later():
    from contextlib import contextmanager
    from unittest import mock

    @contextmanager
    def later(delta):
        instant = timezone.now() + delta
        with mock.patch("django.utils.timezone.now", return_value=instant):
            yield instant

    return later


def test_the_payment_limit_is_enforced(cart, buyer, monkeypatch):
    monkeypatch.setattr("craftwork.payments.checkout.MAX_CHARGE_MINOR", 10_000)
    gig = GigFactory(active=True)
    add(cart, buyer, gig.packages.get(tier="premium"))
    with pytest.raises(DomainError) as caught:
        start(cart, buyer)
    assert caught.value.code == "amount_too_large"
    assert not Checkout.objects.exists() and not SlotReservation.objects.exists()


# --- paying ------------------------------------------------------------------------------------------


def test_a_paid_checkout_creates_one_contract_per_line(filled, buyer, package, offering):
    checkout = pay(start(filled, buyer))
    assert checkout.status == CheckoutStatus.PAID and checkout.paid_at
    gig_line, session_line = checkout.lines.order_by("position")
    assert {gig_line.status, session_line.status} == {LineStatus.FULFILLED}
    gig_contract = Contract.objects.get(pk=gig_line.contract_id)
    assert (gig_contract.kind, gig_contract.source) == ("gig", "gig_order")
    assert gig_contract.client == buyer and gig_contract.provider == package.gig.seller
    assert gig_contract.amount == Money(10_000, "USD")
    assert gig_contract.source_ref == gig_line.reference
    session_contract = Contract.objects.get(pk=session_line.contract_id)
    assert (session_contract.kind, session_contract.state) == ("session", "scheduled")
    assert session_contract.provider == offering.mentor
    # Bought lines leave the cart; the order shows in "My orders" and the seller's "Sales".
    assert selectors.cart_count(filled) == 0
    assert set(selectors.orders_for(buyer)) == {gig_contract, session_contract}
    assert list(selectors.sales_for(package.gig.seller)) == [gig_contract]
    assert OutboxEvent.objects.filter(name="commerce.checkout_paid").count() == 1
    assert checkout.payment.receipt


def test_a_succeeded_payment_applied_twice_creates_the_contracts_once(filled, buyer):
    checkout = pay(start(filled, buyer))
    intent = engine.intent_object(engine.get_charge(checkout.payment.provider_intent_id))
    payment_apply_intent(intent)
    payment_apply_intent(intent)
    engine.redeliver(SandboxEvent.objects.all(), duplicates=True)
    services.checkout_sync(checkout=checkout)
    assert Contract.objects.count() == 2
    assert OutboxEvent.objects.filter(name="commerce.checkout_paid").count() == 1
    assert checkout.payment.lines.filter(fulfilled_at__isnull=False).count() == 2


def test_quantity_raised_meanwhile_keeps_the_rest_in_the_cart(filled, buyer):
    checkout = start(filled, buyer)
    line = CartLine.objects.get(kind="gig_package")
    services.cart_line_update(line=line, quantity=5, actor=buyer)
    pay(checkout)
    line.refresh_from_db()
    assert line.quantity == 3


def test_a_declined_card_keeps_the_cart_and_frees_the_slot(filled, buyer):
    checkout = start(filled, buyer)
    testing.pay(checkout.payment, testing.DECLINED)
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.PENDING  # the buyer may still retry on the card page
    checkout = services.checkout_sync(checkout=checkout)
    assert checkout.status == CheckoutStatus.FAILED
    assert "declined" in checkout.close_reason
    assert checkout.payment.status == Payment.Status.CANCELED
    assert reservations() == 0
    assert selectors.cart_count(filled) == 3
    assert not Contract.objects.exists()
    # A new checkout of the same cart is a new payment.
    again = start(filled, buyer)
    assert again != checkout and again.payment != checkout.payment


def test_cancel_releases_the_slot_and_keeps_the_cart(filled, buyer):
    checkout = start(filled, buyer)
    checkout = services.checkout_cancel(checkout=checkout, actor=buyer)
    assert checkout.status == CheckoutStatus.CANCELLED
    assert reservations() == 0 and selectors.cart_count(filled) == 3
    assert services.checkout_cancel(checkout=checkout, actor=buyer).status == "cancelled"
    with pytest.raises(DomainError):
        services.checkout_cancel(checkout=checkout, actor=UserFactory())


def test_a_paid_checkout_cannot_be_cancelled(filled, buyer):
    checkout = pay(start(filled, buyer))
    with pytest.raises(InvalidTransition):
        services.checkout_cancel(checkout=checkout, actor=buyer)


def test_abandoned_checkouts_expire_after_30_minutes(filled, buyer, frozen_later):
    checkout = start(filled, buyer)
    assert services.checkout_expire_due() == 0
    with frozen_later(timedelta(minutes=31)):
        assert services.checkout_expire_due() == 1
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.EXPIRED
    assert checkout.payment.status == Payment.Status.CANCELED
    assert reservations() == 0 and selectors.cart_count(filled) == 3
    with frozen_later(timedelta(minutes=40)):
        assert services.checkout_expire_due() == 0


def test_the_expiry_task_sees_a_payment_that_succeeded_meanwhile(filled, buyer, frozen_later):
    from craftwork.commerce.tasks import release_abandoned_checkouts

    checkout = start(filled, buyer)
    engine.confirm_card(
        checkout.payment.provider_intent_id,
        number=testing.SUCCEEDS,
        expiry="12/40",
        cvc="123",
        name="Bea",
    )
    with frozen_later(timedelta(minutes=31)):
        result = release_abandoned_checkouts()
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.PAID
    assert result["closed"] == 1
    assert Contract.objects.count() == 2


def test_a_line_that_cannot_be_fulfilled_is_refunded_the_others_stand(filled, buyer, package):
    checkout = start(filled, buyer)
    # Staff remove the gig after the checkout started: that line's order is refused.
    package.gig.status = GigStatus.REMOVED
    package.gig.save(update_fields=["status"])
    checkout = pay(checkout)
    assert checkout.status == CheckoutStatus.PAID
    gig_line = checkout.lines.get(kind="gig_package")
    session_line = checkout.lines.get(kind="session_slot")
    assert gig_line.status == LineStatus.REFUNDED and gig_line.error
    assert session_line.status == LineStatus.FULFILLED
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.client_fee_minor) == (
        gig_line.amount_minor,
        gig_line.client_fee_minor,
    )
    assert Contract.objects.count() == 1
    # The gig line was not bought: it stays in the cart.
    assert [line.kind for line in CartLine.objects.all()] == ["gig_package"]


def test_a_session_line_refused_releases_its_slot(cart, buyer, offering):
    add(cart, buyer, "session_slot", slot_ref(offering))
    checkout = start(cart, buyer)
    line = checkout.lines.get()
    # The mentor's slot was released behind the checkout's back (a staff action).
    catalog.slot_release(reservation=line.reservation, actor=None, reason="test")
    checkout = pay(checkout)
    line.refresh_from_db()
    assert line.status == LineStatus.REFUNDED
    assert not Contract.objects.exists()


def test_a_charge_after_the_checkout_closed_is_refunded(filled, buyer):
    checkout = start(filled, buyer)
    charge = engine.get_charge(checkout.payment.provider_intent_id)
    services.checkout_cancel(checkout=checkout, actor=buyer)
    # The provider reports success anyway (a race with the cancel): every line is refunded.
    intent = engine.intent_object(charge)
    intent.update(status="succeeded", last_payment_error=None)
    payment_apply_intent(intent)
    checkout = services.checkout_sync(checkout=Checkout.objects.get(pk=checkout.pk))
    assert checkout.status == CheckoutStatus.CANCELLED
    assert not Contract.objects.exists()
    assert Refund.objects.count() == 2


def test_checkout_lines_know_their_contract_only_when_fulfilled(filled, buyer):
    checkout = start(filled, buyer)
    assert selectors.checkout_lines_for_contracts([]) == {}
    pay(checkout)
    contracts = list(selectors.orders_for(buyer))
    by_contract = selectors.checkout_lines_for_contracts(contracts)
    assert {line.checkout_id for line in by_contract.values()} == {checkout.pk}
    assert CheckoutLine.objects.filter(status=LineStatus.FULFILLED).count() == 2
