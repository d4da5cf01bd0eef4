"""Mentorship services: offerings, availability, reserving and releasing slots."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog import selectors, services
from craftwork.catalog.models import (
    MAX_PRICE_MINOR,
    AvailabilityException,
    AvailabilityRule,
    MentorSettings,
    MentorshipOffering,
    SlotReservation,
)
from craftwork.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from craftwork.core.models import OutboxEvent

from .factories import OfferingFactory

pytestmark = pytest.mark.django_db

MONDAY_NOON = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def client_user(db):
    return UserFactory()


# --- offerings -------------------------------------------------------------------------------------


def test_offering_create_and_update(seller):
    offering = services.offering_create(
        actor=seller,
        topic="Portfolio review",
        duration_minutes=45,
        price=7500,
        currency="EUR",
        category="tech-design-mentorship",
    )
    assert offering.mentor == seller and offering.category.slug == "tech-design-mentorship"
    assert MentorSettings.objects.get(mentor=seller).timezone == seller.timezone
    services.offering_update(actor=seller, offering=offering, active=False, price=8000)
    offering.refresh_from_db()
    assert (offering.active, offering.price) == (False, 8000)
    with pytest.raises(NotFound):
        services.offering_update(actor=FreelancerFactory(), offering=offering, price=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": 0}, "price"),
        ({"price": -5}, "price"),
        ({"price": MAX_PRICE_MINOR + 1}, "price"),
        ({"price": "50"}, "price"),
        ({"duration_minutes": 20}, "duration_minutes"),
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"currency": "DOGE"}, "currency"),
        ({"topic": ""}, "topic"),
        ({"category": "nope"}, "category"),
        ({"cancellation_policy": "lenient"}, "cancellation_policy"),
        ({"cancellation_policy": ["strict"]}, "cancellation_policy"),
    ],
)
def test_offering_bad_input(seller, overrides, field):
    data = {"topic": "Career chat", "duration_minutes": 60, "price": 5000, "currency": "USD"}
    data.update(overrides)
    with pytest.raises(ValidationFailed) as error:
        services.offering_create(actor=seller, **data)
    assert field in error.value.details
    assert not MentorshipOffering.objects.exists()


def test_clients_cannot_offer_sessions(client_user):
    with pytest.raises(PermissionDenied):
        services.offering_create(
            actor=client_user, topic="x", duration_minutes=60, price=100, currency="USD"
        )


# --- settings and availability -----------------------------------------------------------------------


def test_settings_update_validates(seller):
    row = services.mentor_settings_update(
        actor=seller, timezone="Europe/Madrid", buffer_minutes=15, min_notice_hours=24
    )
    assert (row.timezone, row.buffer_minutes, row.min_notice_hours) == ("Europe/Madrid", 15, 24)
    for bad in (
        {"timezone": "Europe/Atlantis"},
        {"buffer_minutes": -1},
        {"buffer_minutes": 121},
        {"min_notice_hours": 10_000},
        {"horizon_days": 0},
        {"horizon_days": "30"},
    ):
        with pytest.raises(ValidationFailed):
            services.mentor_settings_update(actor=seller, **bad)
    row.refresh_from_db()
    assert row.buffer_minutes == 15


def test_rules_set_replaces_the_week(seller):
    services.availability_rules_set(
        actor=seller,
        rules=[
            {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 0, "start_time": time(14), "end_time": time(18)},
            {"weekday": 4, "start_time": "10:00", "end_time": "11:30"},
        ],
    )
    assert AvailabilityRule.objects.filter(mentor=seller).count() == 3
    services.availability_rules_set(actor=seller, rules=[])
    assert not AvailabilityRule.objects.filter(mentor=seller).exists()


@pytest.mark.parametrize(
    "rules",
    [
        [{"weekday": 0, "start_time": "12:00", "end_time": "09:00"}],
        [{"weekday": 0, "start_time": "09:00", "end_time": "09:00"}],
        [
            {"weekday": 1, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 1, "start_time": "11:00", "end_time": "13:00"},
        ],
        [{"weekday": 7, "start_time": "09:00", "end_time": "10:00"}],
        [{"weekday": 0, "start_time": "25:00", "end_time": "26:00"}],
        [{"weekday": 0, "start_time": "nine", "end_time": "ten"}],
        [{"weekday": 0, "start_time": "09:00"}],
        [{"weekday": d % 7, "start_time": "09:00", "end_time": "09:30"} for d in range(43)],
    ],
)
def test_rules_bad_input_changes_nothing(seller, rules):
    services.availability_rules_set(
        actor=seller, rules=[{"weekday": 2, "start_time": "09:00", "end_time": "10:00"}]
    )
    with pytest.raises(ValidationFailed):
        services.availability_rules_set(actor=seller, rules=rules)
    assert list(
        AvailabilityRule.objects.filter(mentor=seller).values_list("weekday", flat=True)
    ) == [2]


def test_exceptions_day_off_and_custom_hours(seller, frozen):
    with frozen(MONDAY_NOON):
        custom = services.availability_exception_add(
            actor=seller, date=date(2026, 5, 10), start_time="10:00", end_time="12:00"
        )
        assert not custom.is_day_off
        with pytest.raises(ValidationFailed):  # overlaps the first custom window
            services.availability_exception_add(
                actor=seller, date=date(2026, 5, 10), start_time="11:00", end_time="13:00"
            )
        day_off = services.availability_exception_add(actor=seller, date="2026-05-10")
        assert day_off.is_day_off
        assert AvailabilityException.objects.filter(mentor=seller).count() == 1  # replaced
        with pytest.raises(ValidationFailed) as error:
            services.availability_exception_add(
                actor=seller, date=date(2026, 5, 10), start_time="10:00", end_time="12:00"
            )
        assert error.value.code == "day_off"
        for bad_date in (date(2026, 5, 3), date(2027, 6, 1), "yesterday"):
            with pytest.raises(ValidationFailed):
                services.availability_exception_add(actor=seller, date=bad_date)
        other = FreelancerFactory()
        with pytest.raises(NotFound):
            services.availability_exception_remove(actor=other, exception=day_off)
        services.availability_exception_remove(actor=seller, exception=day_off)
    assert not AvailabilityException.objects.filter(mentor=seller).exists()


# --- reserving ------------------------------------------------------------------------------------------


def reserve(offering, start, client, frozen, now=MONDAY_NOON):
    with frozen(now):
        return services.slot_reserve(offering=offering, start=start, client=client, actor=client)


def test_reserving_a_free_slot(client_user, frozen):
    offering = OfferingFactory()
    reservation = reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    assert reservation.end == utc(2026, 5, 5, 11)
    assert (reservation.price, reservation.currency) == (offering.price, offering.currency)
    assert reservation.mentor_id == offering.mentor_id
    event = OutboxEvent.objects.get(name="catalog.slot_reserved")
    assert event.payload["client_id"] == str(client_user.pk)
    free = selectors.free_slots(offering, date(2026, 5, 5), date(2026, 5, 5), UTC, now=MONDAY_NOON)
    assert utc(2026, 5, 5, 10) not in [slot.start for slot in free]


def test_a_start_in_another_zone_is_the_same_instant(client_user, frozen):
    offering = OfferingFactory()
    madrid_noon = datetime(2026, 5, 5, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # 10:00 UTC
    reservation = reserve(offering, madrid_noon, client_user, frozen)
    assert reservation.start == utc(2026, 5, 5, 10)


def test_reserving_across_the_madrid_spring_forward(client_user, frozen):
    offering = OfferingFactory(
        availability={"timezone": "Europe/Madrid", "rules": [(6, "09:00", "10:00")]}
    )
    nine_local = datetime(2026, 3, 29, 9, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    reservation = reserve(offering, nine_local, client_user, frozen, now=utc(2026, 3, 20))
    assert reservation.start == utc(2026, 3, 29, 7)
    with pytest.raises(ValidationFailed) as error:  # 09:00 at last week's offset is 08:00 UTC
        reserve(offering, utc(2026, 3, 29, 8), UserFactory(), frozen, now=utc(2026, 3, 20))
    assert error.value.code == "slot_unavailable"


def test_reserving_the_nonexistent_hour_is_refused(client_user, frozen):
    offering = OfferingFactory(
        availability={"timezone": "America/New_York", "rules": [(6, "01:00", "04:00")]}
    )
    # 02:00 does not exist on 8 March 2026 in New York; its naive reading is 07:00 UTC = 03:00 EDT,
    # which is the real 03:00 slot. 06:30 UTC (01:30 EST) is off the grid.
    with pytest.raises(ValidationFailed):
        reserve(offering, utc(2026, 3, 8, 6, 30), client_user, frozen, now=utc(2026, 3, 1))
    assert reserve(offering, utc(2026, 3, 8, 7), client_user, frozen, now=utc(2026, 3, 1))


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (utc(2026, 5, 4, 10), "slot_in_past"),
        (utc(2026, 5, 4, 12), "slot_in_past"),  # exactly now
        (utc(2026, 5, 4, 18), "slot_unavailable"),  # after 17:00
        (utc(2026, 5, 5, 10, 30), "slot_unavailable"),  # off the grid
        (utc(2026, 5, 5, 16, 30), "slot_unavailable"),  # would end after 17:00
        (utc(2026, 9, 1, 10), "slot_beyond_horizon"),
    ],
)
def test_refused_slots(client_user, frozen, start, code):
    offering = OfferingFactory()
    with pytest.raises(ValidationFailed) as error:
        reserve(offering, start, client_user, frozen)
    assert error.value.code == code
    assert not SlotReservation.objects.exists()


def test_within_the_notice_period_is_refused(client_user, frozen):
    offering = OfferingFactory(availability={"min_notice_hours": 24})
    with pytest.raises(ValidationFailed) as error:
        reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    assert error.value.code == "slot_within_notice"
    assert reserve(offering, utc(2026, 5, 5, 13), client_user, frozen)


def test_a_day_off_is_outside_availability(client_user, frozen):
    offering = OfferingFactory()
    AvailabilityException.objects.create(mentor=offering.mentor, date=date(2026, 5, 5))
    with pytest.raises(ValidationFailed) as error:
        reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    assert error.value.code == "slot_unavailable"


def test_a_taken_slot_is_a_conflict_and_the_buffer_counts(client_user, frozen):
    offering = OfferingFactory(duration_minutes=30, availability={"buffer_minutes": 15})
    reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    for start in (utc(2026, 5, 5, 10), utc(2026, 5, 5, 10, 30), utc(2026, 5, 5, 9, 30)):
        with pytest.raises(Conflict) as error:
            reserve(offering, start, UserFactory(), frozen)
        assert error.value.code == "slot_taken"
    assert reserve(offering, utc(2026, 5, 5, 11), UserFactory(), frozen)
    assert SlotReservation.objects.count() == 2


def test_the_unique_constraint_backs_the_check(client_user, frozen):
    """Even if the availability check were skipped, the database refuses a second live booking."""
    from django.db import IntegrityError, transaction

    offering = OfferingFactory()
    reservation = reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotReservation.objects.create(
            offering=offering,
            mentor=offering.mentor,
            client=UserFactory(),
            start=reservation.start,
            end=reservation.end,
            price=1,
            currency="USD",
        )


def test_bad_starts_and_actors(client_user, frozen):
    offering = OfferingFactory()
    for bad in (datetime(2026, 5, 5, 10), "2026-05-05T10:00:00Z", None):
        with pytest.raises(ValidationFailed) as error:
            reserve(offering, bad, client_user, frozen)
        assert error.value.code == "invalid_start"
    with pytest.raises(PermissionDenied) as error:
        reserve(offering, utc(2026, 5, 5, 10), offering.mentor, frozen)
    assert error.value.code == "own_offering"
    with frozen(MONDAY_NOON), pytest.raises(PermissionDenied):
        services.slot_reserve(
            offering=offering, start=utc(2026, 5, 5, 10), client=client_user, actor=UserFactory()
        )
    offering.active = False
    offering.save(update_fields=["active"])
    with pytest.raises(Conflict) as error:
        reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    assert error.value.code == "offering_unavailable"
    assert not SlotReservation.objects.exists()


def test_staff_and_system_may_reserve_for_a_client(client_user, frozen):
    offering = OfferingFactory()
    with frozen(MONDAY_NOON):
        by_system = services.slot_reserve(
            offering=offering, start=utc(2026, 5, 5, 10), client=client_user, actor=None
        )
        by_staff = services.slot_reserve(
            offering=offering, start=utc(2026, 5, 5, 11), client=client_user, actor=StaffFactory()
        )
    assert by_system.client == by_staff.client == client_user


def test_release_frees_the_slot_once(client_user, frozen):
    offering = OfferingFactory()
    reservation = reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    with pytest.raises(NotFound):
        services.slot_release(reservation=reservation, actor=UserFactory())
    released = services.slot_release(reservation=reservation, actor=offering.mentor, reason="Ill")
    assert released.status == "released" and released.released_at
    again = services.slot_release(reservation=reservation, actor=client_user)
    assert again.release_reason == "Ill"
    assert OutboxEvent.objects.filter(name="catalog.slot_released").count() == 1
    assert reserve(offering, utc(2026, 5, 5, 10), UserFactory(), frozen)


def test_reservation_lists_are_scoped(client_user, frozen):
    offering = OfferingFactory()
    reservation = reserve(offering, utc(2026, 5, 5, 10), client_user, frozen)
    with frozen(MONDAY_NOON):
        assert list(selectors.mentor_reservations(user=offering.mentor)) == [reservation]
        assert list(selectors.client_reservations(user=client_user)) == [reservation]
        assert not selectors.mentor_reservations(user=client_user).exists()
    with pytest.raises(NotFound):
        selectors.reservation_for_participant(user=UserFactory(), pk=reservation.pk)
    assert selectors.reservation_for_participant(user=client_user, pk=reservation.pk) == reservation


def test_reserving_at_exactly_the_notice_boundary(client_user, frozen):
    offering = OfferingFactory(availability={"min_notice_hours": 2})
    now = utc(2026, 5, 5, 8)
    assert reserve(offering, now + timedelta(hours=2), client_user, frozen, now=now)


def test_a_reservation_keeps_the_policy_the_offering_had_when_booked(seller, client_user):
    offering = OfferingFactory(mentor=seller, cancellation_policy="strict")
    assert "nothing is refunded" in offering.cancellation_summary
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    reservation = services.slot_reserve(
        offering=offering,
        start=datetime.combine(tomorrow, time(10), tzinfo=UTC),
        client=client_user,
        actor=client_user,
    )
    services.offering_update(actor=seller, offering=offering, cancellation_policy="flexible")
    reservation.refresh_from_db()
    offering.refresh_from_db()
    assert (reservation.cancellation_policy, offering.cancellation_policy) == (
        "strict",
        "flexible",
    )
