"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog import services
from craftwork.catalog.errors import SlotTaken
from craftwork.catalog.models import SlotReservation
from craftwork.core.tests.concurrency import race

from .factories import OfferingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def tomorrow_at(hour: int) -> datetime:
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(hour), tzinfo=UTC)


def reserver(offering, start, client):
    return lambda: services.slot_reserve(
        offering=offering, start=start, client=client, actor=client
    )


def test_twenty_clients_booking_one_slot_make_exactly_one_reservation():
    offering = OfferingFactory()
    start = tomorrow_at(10)
    clients = [UserFactory() for _ in range(20)]
    results = race(*[reserver(offering, start, client) for client in clients])
    winners = [value for kind, value in results if kind == "ok"]
    losers = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1 and len(losers) == 19
    assert all(isinstance(error, SlotTaken) and error.code == "slot_taken" for error in losers), (
        losers
    )
    assert SlotReservation.objects.filter(mentor=offering.mentor, start=start).count() == 1


def test_overlapping_slots_of_two_session_types_cannot_both_be_booked():
    short = OfferingFactory(duration_minutes=30)
    long = OfferingFactory(mentor=short.mentor, duration_minutes=60)
    results = race(
        reserver(short, tomorrow_at(10) + timedelta(minutes=30), UserFactory()),
        reserver(long, tomorrow_at(10), UserFactory()),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    assert SlotReservation.objects.filter(mentor=short.mentor).count() == 1
