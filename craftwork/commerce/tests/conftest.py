"""Fixtures for the shop: a buyer, an active gig (basic $50 / standard $120 / premium $250),
a mentor's offering ($60, every day 09:00-17:00 UTC), and helpers to fill and pay a cart."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.purchasable import session_slot_ref
from craftwork.catalog.tests.factories import GigFactory, OfferingFactory
from craftwork.commerce import services
from craftwork.payments import testing
from craftwork.payments.reconciliation import reconcile


@pytest.fixture
def buyer(db):
    return UserFactory(first_name="Bea", last_name="Buyer")


@pytest.fixture
def gig(db):
    return GigFactory(active=True, title="I will design your logo")


@pytest.fixture
def package(gig):
    return gig.packages.get(tier="basic")


@pytest.fixture
def offering(db):
    return OfferingFactory(topic="Career chat")


def slot_start(days: int = 2, hour: int = 10) -> datetime:
    day = (timezone.now() + timedelta(days=days)).astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def slot_ref(offering, days: int = 2, hour: int = 10) -> str:
    return session_slot_ref(offering, slot_start(days, hour))


@pytest.fixture
def cart(buyer):
    return services.cart_for_user(user=buyer)


def add(cart, actor, kind_or_obj, ref=None, quantity=1):
    """``add(cart, buyer, package)`` or ``add(cart, buyer, "session_slot", ref)``."""
    if ref is None:
        kind, ref = "gig_package", str(kind_or_obj.pk)
    else:
        kind = kind_or_obj
    line, _created = services.cart_add(
        cart=cart, kind=kind, ref=ref, quantity=quantity, actor=actor
    )
    return line


def start(cart, buyer, **kwargs):
    checkout, _created = services.checkout_start(cart=cart, actor=buyer, **kwargs)
    return checkout


def pay(checkout, card=testing.SUCCEEDS):
    """Pay the checkout's payment at the sandbox, then settle the checkout as the return page does."""
    testing.pay(checkout.payment, card)
    checkout.refresh_from_db()
    return services.checkout_sync(checkout=checkout)


@pytest.fixture
def buyer_api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    client.user = buyer
    return client


@pytest.fixture
def reconciled(db):
    """The ledger reconciles after the test."""
    yield
    report = reconcile()
    assert report.ok, report.problems
