from datetime import UTC, datetime

import pytest

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog import services
from craftwork.catalog.purchasable import (
    Purchasable,
    PurchasableNotFound,
    parse_session_slot_ref,
    purchasable_for,
    session_slot_ref,
)
from craftwork.core.money import Money

from .factories import GigFactory, GigImageFactory, OfferingFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 4, 12, tzinfo=UTC)


def test_a_gig_package_is_purchasable_while_the_gig_is_active():
    gig = GigFactory(active=True)
    GigImageFactory(gig=gig)
    package = gig.packages.get(tier="standard")
    item = purchasable_for("gig_package", str(package.pk))
    assert isinstance(item, Purchasable)
    assert item.available and item.reason == ""
    assert item.price == Money(12000, "USD")
    assert item.seller == gig.seller
    assert item.title.startswith(gig.title) and "Standard" in item.title
    assert item.image_url.endswith(".jpg")
    assert item.category_slug == "design-creative"
    assert item.details["delivery_days"] == 4 and item.details["revisions"] == 2


@pytest.mark.parametrize(
    ("state", "reason"),
    [({"paused": True}, "gig_paused"), ({}, "gig_unpublished")],
)
def test_a_paused_or_draft_gig_is_not_available(state, reason):
    gig = GigFactory(**state)
    item = purchasable_for("gig_package", str(gig.packages.first().pk))
    assert not item.available and item.reason == reason and item.reason_message


def test_a_removed_gig_is_not_available():
    gig = GigFactory(active=True)
    services.gig_remove(actor=StaffFactory(), gig=gig, reason="Spam")
    item = purchasable_for("gig_package", str(gig.packages.first().pk))
    assert (item.available, item.reason) == (False, "gig_removed")


def test_the_current_price_is_returned():
    gig = GigFactory(active=True, packages=1)
    package = gig.packages.get()
    services.gig_packages_set(
        actor=gig.seller,
        gig=gig,
        packages=[
            {"tier": "basic", "name": "B", "price": 7777, "currency": "USD", "delivery_days": 2}
        ],
    )
    assert purchasable_for("gig_package", str(package.pk)).price == Money(7777, "USD")


@pytest.mark.parametrize(
    ("kind", "ref"),
    [
        ("gig_package", "not-a-uuid"),
        ("gig_package", "00000000-0000-0000-0000-000000000000"),
        ("session_slot", "garbage"),
        ("session_slot", "00000000-0000-0000-0000-000000000000@2026-05-05T10:00:00+00:00"),
        ("session_slot", "00000000-0000-0000-0000-000000000000@2026-05-05T10:00:00"),
        ("bundle", "x"),
    ],
)
def test_unknown_refs_are_not_found(kind, ref):
    with pytest.raises(PurchasableNotFound) as error:
        purchasable_for(kind, ref)
    assert error.value.code == "purchasable_not_found"


def test_a_session_slot_reports_taken_and_past(frozen):
    offering = OfferingFactory()
    start = datetime(2026, 5, 5, 10, tzinfo=UTC)
    ref = session_slot_ref(offering, start)
    assert parse_session_slot_ref(ref) == (offering.pk, start)
    with frozen(NOW):
        item = purchasable_for("session_slot", ref)
        assert item.available and item.price == Money(6000, "USD") and item.max_quantity == 1
        assert item.details["duration_minutes"] == 60
        client = UserFactory()
        services.slot_reserve(offering=offering, start=start, client=client, actor=client)
        taken = purchasable_for("session_slot", ref)
        assert (taken.available, taken.reason) == (False, "slot_taken")
    with frozen(datetime(2026, 5, 6, tzinfo=UTC)):
        assert purchasable_for("session_slot", ref).reason == "slot_in_past"
