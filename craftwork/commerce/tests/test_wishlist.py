"""Saved items: save, save again, remove, move to the cart, save a cart line for later."""

import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.tests.factories import GigFactory
from craftwork.commerce import selectors, services
from craftwork.commerce.errors import CartCurrencyMismatch, OwnItem, WishlistFull
from craftwork.commerce.models import CartLine, WishlistItem
from craftwork.core.errors import DomainError, NotFound

from .conftest import add, slot_ref

pytestmark = pytest.mark.django_db


def save(user, package):
    return services.wishlist_add(user=user, kind="gig_package", ref=str(package.pk), actor=user)


def test_save_twice_keeps_one_item_with_the_latest_price(buyer, package):
    item = save(buyer, package)
    package.price = 7000
    package.save(update_fields=["price"])
    again = save(buyer, package)
    assert again.pk == item.pk and again.unit_price_minor == 7000
    assert selectors.wishlist_for(buyer).count() == 1


def test_save_a_session_slot(buyer, offering):
    item = services.wishlist_add(
        user=buyer, kind="session_slot", ref=slot_ref(offering), actor=buyer
    )
    assert item.title == "Career chat" and item.starts_at is not None


def test_own_items_and_strangers_are_refused(buyer, package):
    with pytest.raises(OwnItem):
        save(package.gig.seller, package)
    with pytest.raises(NotFound):
        services.wishlist_add(
            user=buyer, kind="gig_package", ref=str(package.pk), actor=UserFactory()
        )
    with pytest.raises(DomainError):
        services.wishlist_add(user=buyer, kind="gig_package", ref=str(package.pk), actor=None)


def test_remove_and_someone_elses_item(buyer, package):
    item = save(buyer, package)
    stranger = UserFactory()
    with pytest.raises(NotFound):
        selectors.wishlist_item_for(stranger, item.pk)
    with pytest.raises(NotFound):
        services.wishlist_remove(item=item, actor=stranger)
    with pytest.raises(NotFound):
        services.wishlist_move_to_cart(item=item, actor=stranger)
    services.wishlist_remove(item=item, actor=buyer)
    assert not WishlistItem.objects.exists()
    with pytest.raises(NotFound):
        selectors.wishlist_item_for(buyer, "not-a-uuid")


def test_move_to_cart(buyer, package):
    item = save(buyer, package)
    line = services.wishlist_move_to_cart(item=item, actor=buyer)
    assert line.ref == str(package.pk) and line.quantity == 1
    assert not WishlistItem.objects.exists()


def test_move_to_cart_that_fails_keeps_the_saved_item(buyer, cart, package):
    euro = GigFactory(active=True, currency="EUR")
    add(cart, buyer, package)
    item = save(buyer, euro.packages.first())
    with pytest.raises(CartCurrencyMismatch):
        services.wishlist_move_to_cart(item=item, actor=buyer)
    assert WishlistItem.objects.filter(pk=item.pk).exists()
    assert CartLine.objects.count() == 1


def test_save_a_cart_line_for_later(buyer, cart, package):
    line = add(cart, buyer, package, quantity=3)
    item = services.cart_line_save_for_later(line=line, actor=buyer)
    assert item.ref == line.ref
    assert not CartLine.objects.exists()


def test_the_list_is_capped(buyer, monkeypatch):
    monkeypatch.setattr("craftwork.commerce.services.wishlist.MAX_WISHLIST_ITEMS", 1)
    first, second = GigFactory(active=True), GigFactory(active=True)
    save(buyer, first.packages.first())
    with pytest.raises(WishlistFull):
        save(buyer, second.packages.first())


def test_a_save_that_loses_a_race_to_a_save_and_a_remove_is_a_conflict(buyer, package, monkeypatch):
    """Another request saved the item (so ours hits the unique index) and a third removed it
    before we looked: a clear 409, not a 500 from a lookup of a row that is gone."""
    from django.db import IntegrityError

    def lost_race(**fields):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(WishlistItem.objects, "create", lost_race)
    with pytest.raises(DomainError) as error:
        save(buyer, package)
    assert (error.value.status_code, error.value.code) == (409, "wishlist_changed")
    assert not WishlistItem.objects.exists()
