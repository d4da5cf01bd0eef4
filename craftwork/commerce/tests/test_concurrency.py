"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

import pytest
from django.db import connection

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.models import ReservationStatus, SlotReservation
from craftwork.catalog.tests.factories import GigFactory, OfferingFactory
from craftwork.commerce import services
from craftwork.commerce.models import CartLine, Checkout
from craftwork.contracts.models import Contract
from craftwork.core.errors import DomainError
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .conftest import add, slot_ref

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def filled_cart():
    buyer = UserFactory()
    cart = services.cart_for_user(user=buyer)
    add(cart, buyer, GigFactory(active=True).packages.first(), quantity=2)
    offering = OfferingFactory()
    add(cart, buyer, "session_slot", slot_ref(offering))
    return buyer, cart, offering


def test_concurrent_checkouts_of_one_cart_make_exactly_one_charge():
    buyer, cart, _offering = filled_cart()

    def start(index):
        return lambda: services.checkout_start(
            cart=cart, actor=buyer, attempt=f"attempt-{index:04d}"
        )

    results = run_in_threads([start(i) for i in range(4)])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({checkout.pk for checkout, _created in results}) == 1
    assert sum(created for _checkout, created in results) == 1
    assert Checkout.objects.count() == 1 and Payment.objects.count() == 1
    assert SlotReservation.objects.filter(status=ReservationStatus.RESERVED).count() == 1


def test_two_buyers_racing_for_one_slot_one_wins_the_other_is_not_charged():
    offering = OfferingFactory()
    carts = []
    for _ in range(2):
        buyer = UserFactory()
        cart = services.cart_for_user(user=buyer)
        add(cart, buyer, "session_slot", slot_ref(offering))
        carts.append((buyer, cart))

    results = run_in_threads(
        [lambda b=b, c=c: services.checkout_start(cart=c, actor=b) for b, c in carts]
    )

    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], DomainError) and losers[0].code == "slot_taken"
    assert Payment.objects.count() == 1
    assert SlotReservation.objects.filter(status=ReservationStatus.RESERVED).count() == 1


def test_concurrent_adds_keep_one_line_and_the_cap():
    buyer = UserFactory()
    cart = services.cart_for_user(user=buyer)
    package = GigFactory(active=True).packages.first()

    results = run_in_threads([lambda: add(cart, buyer, package, quantity=3) for _ in range(5)])

    assert not [r for r in results if isinstance(r, Exception)], results
    line = CartLine.objects.get()
    assert line.quantity == 10


def test_paying_while_the_buyer_cancels_ends_consistently():
    buyer, cart, _offering = filled_cart()
    checkout, _created = services.checkout_start(cart=cart, actor=buyer)

    results = run_in_threads(
        [
            lambda: testing.pay(checkout.payment),
            lambda: services.checkout_cancel(checkout=checkout, actor=buyer),
        ]
    )

    checkout.refresh_from_db()
    contracts = Contract.objects.count()
    if checkout.status == "paid":
        # The payment won: the cancel was refused and both contracts exist.
        assert contracts == 2 and isinstance(results[1], DomainError)
    else:
        # The cancel won: nothing was bought, and a late charge (if any) is refunded in full.
        assert checkout.status == "cancelled" and contracts == 0
        payment = Payment.objects.get()
        refunded = sum(r.amount_minor + r.client_fee_minor for r in payment.refunds.all())
        assert refunded in (0, payment.total.minor)
