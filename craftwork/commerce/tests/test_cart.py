"""The cart service: adding, quantities, removing, totals per line, one currency, merging."""

import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.catalog.purchasable import purchasable_for
from craftwork.catalog.tests.factories import GigFactory, OfferingFactory
from craftwork.commerce import selectors, services
from craftwork.commerce.errors import (
    CartCurrencyMismatch,
    CartFull,
    InvalidQuantity,
    ItemUnavailable,
    OwnItem,
)
from craftwork.commerce.models import Cart, CartLine
from craftwork.core.errors import DomainError, NotFound, ValidationFailed
from craftwork.core.money import Money
from craftwork.payments.fees import fee_breakdown
from craftwork.payments.models import FeeSchedule

from .conftest import add, slot_ref

pytestmark = pytest.mark.django_db


def test_add_a_package_keeps_what_the_buyer_saw(cart, buyer, package):
    line, created = services.cart_add(
        cart=cart, kind="gig_package", ref=str(package.pk), quantity=2, actor=buyer
    )
    assert created
    assert (line.quantity, line.max_quantity) == (2, 10)
    assert line.unit_price == Money(5000, "USD")
    assert line.seller == package.gig.seller
    assert line.title == "I will design your logo — Basic"
    assert line.details["gig_id"] == str(package.gig.pk)
    assert line.item_url == f"/gigs/{package.gig.pk}/"


def test_adding_again_adds_to_the_quantity_up_to_the_maximum(cart, buyer, package):
    add(cart, buyer, package, quantity=6)
    line, created = services.cart_add(
        cart=cart, kind="gig_package", ref=str(package.pk), quantity=6, actor=buyer
    )
    assert not created
    assert line.quantity == 10
    assert CartLine.objects.filter(cart=cart).count() == 1


def test_a_session_slot_is_one_at_most(cart, buyer, offering):
    ref = slot_ref(offering)
    add(cart, buyer, "session_slot", ref)
    line = add(cart, buyer, "session_slot", ref)
    assert (line.quantity, line.max_quantity) == (1, 1)
    assert line.starts_at is not None
    with pytest.raises(InvalidQuantity):
        services.cart_line_update(line=line, quantity=2, actor=buyer)


@pytest.mark.parametrize("quantity", [0, -1, 11, 10**9, "3", 2.5, None, True])
def test_bad_quantities_are_refused(cart, buyer, package, quantity):
    with pytest.raises(InvalidQuantity):
        services.cart_add(
            cart=cart, kind="gig_package", ref=str(package.pk), quantity=quantity, actor=buyer
        )
    line = add(cart, buyer, package)
    with pytest.raises(InvalidQuantity):
        services.cart_line_update(line=line, quantity=quantity, actor=buyer)
    line.refresh_from_db()
    assert line.quantity == 1


def test_change_quantity_and_remove(cart, buyer, package):
    line = add(cart, buyer, package)
    assert services.cart_line_update(line=line, quantity=4, actor=buyer).quantity == 4
    services.cart_line_remove(line=line, actor=buyer)
    assert not CartLine.objects.exists()
    with pytest.raises(NotFound):
        services.cart_line_remove(line=line, actor=buyer)


@pytest.mark.parametrize(
    "kind, ref",
    [
        ("gig", "x"),
        ("", "x"),
        ("gig_package", ""),
        ("gig_package", "not-a-uuid"),
        ("gig_package", "6f1c7a52-8a3e-4d55-9d1e-2b1c4f0e9a10"),
        ("gig_package", "x" * 500),
        ("session_slot", "nonsense"),
        ("session_slot", "6f1c7a52-8a3e-4d55-9d1e-2b1c4f0e9a10@2030-01-01T10:00:00+00:00"),
        ("session_slot", "6f1c7a52-8a3e-4d55-9d1e-2b1c4f0e9a10@2030-01-01T10:00:00"),
        (None, None),
    ],
)
def test_unknown_kind_or_ref_is_refused(cart, buyer, kind, ref):
    with pytest.raises((NotFound, ValidationFailed)) as caught:
        services.cart_add(cart=cart, kind=kind, ref=ref, actor=buyer)
    assert caught.value.code in ("invalid_kind", "purchasable_not_found")
    assert not CartLine.objects.exists()


def test_own_gig_and_own_session_are_refused(package, offering):
    seller = package.gig.seller
    cart = services.cart_for_user(user=seller)
    with pytest.raises(OwnItem):
        add(cart, seller, package)
    mentor_cart = services.cart_for_user(user=offering.mentor)
    with pytest.raises(OwnItem):
        add(mentor_cart, offering.mentor, "session_slot", slot_ref(offering))


def test_a_paused_gig_cannot_be_added(cart, buyer):
    gig = GigFactory(paused=True)
    with pytest.raises(ItemUnavailable) as caught:
        add(cart, buyer, gig.packages.first())
    assert caught.value.code == "gig_paused"


def test_a_taken_or_past_slot_cannot_be_added(cart, buyer, offering):
    from craftwork.catalog import services as catalog

    start = purchasable_for("session_slot", slot_ref(offering)).details["start"]
    from datetime import datetime

    catalog.slot_reserve(
        offering=offering, start=datetime.fromisoformat(start), client=UserFactory(), actor=None
    )
    with pytest.raises(ItemUnavailable) as caught:
        add(cart, buyer, "session_slot", slot_ref(offering))
    assert caught.value.code == "slot_taken"
    with pytest.raises(ItemUnavailable) as caught:
        add(cart, buyer, "session_slot", slot_ref(offering, days=-1))
    assert caught.value.code == "slot_in_past"


def test_one_currency_per_cart(cart, buyer, package):
    add(cart, buyer, package)
    euro_gig = GigFactory(active=True, currency="EUR")
    with pytest.raises(CartCurrencyMismatch) as caught:
        add(cart, buyer, euro_gig.packages.first())
    assert caught.value.details == {"cart_currency": "USD", "item_currency": "EUR"}
    assert "USD" in caught.value.message and "EUR" in caught.value.message
    services.cart_line_remove(line=CartLine.objects.get(), actor=buyer)
    assert add(cart, buyer, euro_gig.packages.first()).currency == "EUR"


def test_a_cart_holds_a_limited_number_of_lines(cart, buyer, monkeypatch):
    monkeypatch.setattr("craftwork.commerce.services.cart.MAX_CART_LINES", 2)
    gig = GigFactory(active=True)
    for package in gig.packages.all()[:2]:
        add(cart, buyer, package)
    with pytest.raises(CartFull):
        add(cart, buyer, gig.packages.get(tier="premium"))
    # Raising the quantity of a line already there is still fine.
    assert add(cart, buyer, gig.packages.get(tier="basic")).quantity == 2


def test_someone_elses_cart_line_is_not_found(cart, buyer, package):
    line = add(cart, buyer, package)
    other = UserFactory()
    with pytest.raises(NotFound):
        selectors.cart_line_for(services.cart_for_user(user=other), line.pk)
    with pytest.raises(NotFound):
        services.cart_line_update(line=line, quantity=2, actor=other)
    with pytest.raises(NotFound):
        services.cart_line_remove(line=line, actor=other)
    with pytest.raises(NotFound):  # a guest (no actor) cannot touch a user's cart
        services.cart_add(cart=cart, kind="gig_package", ref=str(package.pk), actor=None)


def test_totals_price_each_line_with_its_category_fees(cart, buyer, package, offering):
    gig_category = purchasable_for("gig_package", str(package.pk)).category_slug
    FeeSchedule.objects.create(category_slug=gig_category, client_fee_bps=300, platform_fee_bps=800)
    add(cart, buyer, package, quantity=3)
    add(cart, buyer, "session_slot", slot_ref(offering))
    summary = selectors.cart_summary(cart)
    gig_line, session_line = summary.lines
    assert gig_line.breakdown == fee_breakdown(Money(15_000, "USD"), gig_category)
    assert gig_line.breakdown.client_fee == Money(450, "USD")
    assert session_line.breakdown == fee_breakdown(
        Money(6000, "USD"), session_line.line.category_slug or None
    )
    totals = summary.totals
    assert totals.subtotal == Money(21_000, "USD")
    assert totals.client_fee == gig_line.breakdown.client_fee + session_line.breakdown.client_fee
    assert totals.total == totals.subtotal + totals.client_fee
    assert totals.platform_fee + totals.provider_net == totals.subtotal
    assert summary.count == 4


def test_an_empty_cart_has_no_totals(cart):
    summary = selectors.cart_summary(cart)
    assert summary.is_empty and summary.totals is None and summary.count == 0


# --- guests and merging -------------------------------------------------------------------


def test_a_guest_cart_merges_into_the_users_cart(buyer, package, offering, cart):
    gig = package.gig
    guest = services.guest_cart_create()
    add(guest, None, package, quantity=8)
    add(guest, None, gig.packages.get(tier="premium"))
    add(guest, None, "session_slot", slot_ref(offering))
    add(cart, buyer, package, quantity=5)
    add(cart, buyer, "session_slot", slot_ref(offering))

    notices = services.cart_merge(guest_cart=guest, user=buyer)

    lines = {line.title: line for line in selectors.cart_lines(cart)}
    assert len(lines) == 3
    assert lines["I will design your logo — Basic"].quantity == 10  # 5 + 8, capped
    assert lines["I will design your logo — Premium"].quantity == 1
    assert lines["Career chat"].quantity == 1  # the same slot, once
    assert len(notices) == 1 and "quantity is now 10" in notices[0]
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_merging_leaves_out_own_items_other_currencies_and_vanished_items(buyer, cart, package):
    own = GigFactory(active=True, seller=buyer)
    euro = GigFactory(active=True, currency="EUR")
    doomed = GigFactory(active=True)
    guest = services.guest_cart_create()
    add(guest, None, own.packages.first())
    add(guest, None, package)
    add(guest, None, doomed.packages.first())
    add(cart, buyer, euro.packages.first())
    doomed.packages.all().delete()

    notices = services.cart_merge(guest_cart=guest, user=buyer)

    assert [line.ref for line in selectors.cart_lines(cart)] == [str(euro.packages.first().pk)]
    assert len(notices) == 3
    assert any("your own" in notice for notice in notices)
    assert any("USD" in notice and "EUR" in notice for notice in notices)
    assert any("no longer available" in notice for notice in notices)


def test_a_guest_cart_becomes_the_cart_of_a_user_without_one(package):
    guest = services.guest_cart_create()
    add(guest, None, package)
    newcomer = UserFactory()
    assert services.cart_merge(guest_cart=guest, user=newcomer) == []
    assert selectors.cart_count(selectors.user_cart(newcomer)) == 1


def test_merge_respects_the_line_limit(buyer, cart, monkeypatch):
    monkeypatch.setattr("craftwork.commerce.services.cart.MAX_CART_LINES", 1)
    first, second = GigFactory(active=True), GigFactory(active=True)
    add(cart, buyer, first.packages.first())
    guest = services.guest_cart_create()
    add(guest, None, second.packages.first())
    notices = services.cart_merge(guest_cart=guest, user=buyer)
    assert len(notices) == 1 and "full" in notices[0]
    assert selectors.cart_count(cart) == 1


def test_merge_ignores_a_users_cart_passed_as_guest_cart(buyer, cart, package):
    other = services.cart_for_user(user=UserFactory())
    add(other, other.user, package)
    assert services.cart_merge(guest_cart=other, user=buyer) == []
    assert selectors.cart_count(other) == 1
    assert services.cart_merge(guest_cart=None, user=buyer) == []


def test_a_guest_cannot_buy_their_own_gig_once_merged(package):
    seller = package.gig.seller
    guest = services.guest_cart_create()
    add(guest, None, package)
    notices = services.cart_merge(guest_cart=guest, user=seller)
    assert notices and selectors.cart_count(selectors.user_cart(seller)) == 0


def test_stale_guest_carts_are_purged(package, buyer, cart):
    from datetime import timedelta

    from django.utils import timezone

    stale = services.guest_cart_create()
    add(stale, None, package)
    fresh = services.guest_cart_create()
    Cart.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=40))
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=400))
    assert services.guest_carts_purge() == 1
    assert set(Cart.objects.values_list("pk", flat=True)) == {fresh.pk, cart.pk}


def test_adding_needs_a_real_user_for_a_user_cart(package):
    with pytest.raises(DomainError):
        services.cart_for_user(user=None)


def test_a_gig_paused_after_adding_stays_in_the_cart(cart, buyer, package):
    add(cart, buyer, package)
    package.gig.status = GigStatus.PAUSED
    package.gig.save(update_fields=["status"])
    assert selectors.cart_count(cart) == 1


def test_other_mentor_same_time_is_another_line(cart, buyer, offering):
    other = OfferingFactory()
    add(cart, buyer, "session_slot", slot_ref(offering))
    add(cart, buyer, "session_slot", slot_ref(other))
    assert selectors.cart_count(cart) == 2
