"""Free slots across clock changes, buffers, notice, horizon and exceptions."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from craftwork.catalog import scheduling, selectors
from craftwork.catalog.models import AvailabilityException, SlotReservation
from craftwork.core.errors import ValidationFailed

from .factories import OfferingFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
SUNDAY = 6
# Long before every date used below, so notice and horizon do not interfere.
EARLY = datetime(2026, 2, 1, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(slots) -> list[datetime]:
    return [slot.start for slot in slots]


def sunday_offering(zone: str, start="09:00", end="10:00", **settings):
    return OfferingFactory(
        availability={
            "timezone": zone,
            "rules": [(SUNDAY, start, end)],
            "horizon_days": 180,
            **settings,
        }
    )


def slots_on(offering, day: date, viewer=UTC):
    """The day's slots, asked for three weeks ahead (within the horizon, past any notice)."""
    now = datetime.combine(day - timedelta(days=21), time(0), tzinfo=UTC)
    return selectors.free_slots(offering, day, day, viewer, now=now)


# --- a 09:00 slot stays 09:00 local and maps to the right UTC instant -------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "change", "utc_before", "utc_change"),
    [
        # Madrid springs forward on 29 March 2026 (CET +1 -> CEST +2).
        ("Europe/Madrid", date(2026, 3, 22), date(2026, 3, 29), 8, 7),
        # Madrid falls back on 25 October 2026 (CEST +2 -> CET +1).
        ("Europe/Madrid", date(2026, 10, 18), date(2026, 10, 25), 7, 8),
        # New York springs forward on 8 March 2026 (EST -5 -> EDT -4).
        ("America/New_York", date(2026, 3, 1), date(2026, 3, 8), 14, 13),
        # New York falls back on 1 November 2026 (EDT -4 -> EST -5).
        ("America/New_York", date(2026, 10, 25), date(2026, 11, 1), 13, 14),
    ],
)
def test_nine_oclock_stays_nine_local_across_the_clock_change(
    zone, before, change, utc_before, utc_change
):
    offering = sunday_offering(zone)
    week_before, change_week = slots_on(offering, before), slots_on(offering, change)
    assert starts(week_before) == [utc(before.year, before.month, before.day, utc_before)]
    assert starts(change_week) == [utc(change.year, change.month, change.day, utc_change)]
    tz = ZoneInfo(zone)
    for slot in [*week_before, *change_week]:
        assert slot.local_start(tz).time() == time(9, 0)
        assert slot.end - slot.start == timedelta(minutes=60)


def test_the_whole_spring_forward_week_in_madrid_keeps_local_times():
    offering = OfferingFactory(
        availability={
            "timezone": "Europe/Madrid",
            "rules": [(d, "09:00", "11:00") for d in range(7)],
        }
    )
    slots = selectors.free_slots(offering, date(2026, 3, 26), date(2026, 4, 1), MADRID, now=EARLY)
    assert len(slots) == 14
    assert {slot.local_start(MADRID).strftime("%H:%M") for slot in slots} == {"09:00", "10:00"}
    offsets = {
        slot.local_start(MADRID).date(): slot.local_start(MADRID).utcoffset() for slot in slots
    }
    assert offsets[date(2026, 3, 28)] == timedelta(hours=1)
    assert offsets[date(2026, 3, 29)] == timedelta(hours=2)


def test_a_nonexistent_local_time_is_skipped_madrid():
    # 29 March 2026: 02:00 jumps to 03:00, so 02:00 never happens.
    offering = sunday_offering("Europe/Madrid", start="01:00", end="04:00")
    slots = slots_on(offering, date(2026, 3, 29), viewer=MADRID)
    assert [s.local_start(MADRID).strftime("%H:%M") for s in slots] == ["01:00", "03:00"]
    assert starts(slots) == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1)]


def test_a_nonexistent_local_time_is_skipped_new_york():
    offering = sunday_offering("America/New_York", start="01:00", end="04:00")
    slots = slots_on(offering, date(2026, 3, 8), viewer=NEW_YORK)
    assert [s.local_start(NEW_YORK).strftime("%H:%M") for s in slots] == ["01:00", "03:00"]
    assert starts(slots) == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 7)]


def test_an_ambiguous_local_time_means_its_first_occurrence_madrid():
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET, so 02:00-03:00 happens twice.
    offering = sunday_offering("Europe/Madrid", start="01:00", end="04:00")
    slots = slots_on(offering, date(2026, 10, 25), viewer=MADRID)
    assert starts(slots) == [utc(2026, 10, 24, 23), utc(2026, 10, 25, 0), utc(2026, 10, 25, 2)]
    second = slots[1].local_start(MADRID)
    assert second.strftime("%H:%M") == "02:00" and second.utcoffset() == timedelta(hours=2)
    # Deterministic: the same answer every time, and never a second 02:00.
    assert starts(slots_on(offering, date(2026, 10, 25), viewer=MADRID)) == starts(slots)


def test_an_ambiguous_local_time_means_its_first_occurrence_new_york():
    offering = sunday_offering("America/New_York", start="00:00", end="03:00")
    slots = slots_on(offering, date(2026, 11, 1), viewer=NEW_YORK)
    assert starts(slots) == [utc(2026, 11, 1, 4), utc(2026, 11, 1, 5), utc(2026, 11, 1, 7)]


def test_a_slot_never_runs_past_the_window_when_the_clock_jumps():
    # 01:30 CET + 60 min is 03:30 CEST, past a window ending at 03:00 local.
    offering = sunday_offering("Europe/Madrid", start="01:30", end="03:00")
    assert slots_on(offering, date(2026, 3, 29)) == []


def test_slots_in_one_window_never_overlap_across_the_jump():
    offering = sunday_offering("Europe/Madrid", start="00:00", end="06:00")
    offering.duration_minutes = 90
    offering.save(update_fields=["duration_minutes"])
    slots = slots_on(offering, date(2026, 3, 29))
    for previous, current in pairwise(slots):
        assert current.start >= previous.end


def test_viewer_time_zone_changes_labels_not_instants():
    """In the weeks when New York has changed clocks and Madrid has not, the gap is 5 hours."""
    offering = sunday_offering("Europe/Madrid")
    before = slots_on(offering, date(2026, 3, 22), viewer=NEW_YORK)
    after = slots_on(offering, date(2026, 3, 29), viewer=NEW_YORK)
    assert before[0].local_start(NEW_YORK).strftime("%H:%M") == "04:00"
    assert after[0].local_start(NEW_YORK).strftime("%H:%M") == "03:00"


def test_the_date_range_is_the_viewers_days():
    # 09:00 Madrid on Sunday 22 March is 04:00 in New York the same day, 17:00 in Tokyo.
    offering = sunday_offering("Europe/Madrid")
    tokyo = ZoneInfo("Asia/Tokyo")
    assert (
        len(selectors.free_slots(offering, date(2026, 3, 22), date(2026, 3, 22), tokyo, now=EARLY))
        == 1
    )
    assert (
        selectors.free_slots(offering, date(2026, 3, 23), date(2026, 3, 23), tokyo, now=EARLY) == []
    )
    # Sunday 09:00 in Madrid is still Saturday 22:00 in Honolulu (-10).
    honolulu = ZoneInfo("Pacific/Honolulu")
    slots = selectors.free_slots(
        offering, date(2026, 3, 21), date(2026, 3, 21), honolulu, now=EARLY
    )
    assert [s.local_start(honolulu).strftime("%a %H:%M") for s in slots] == ["Sat 22:00"]


# --- notice, past, horizon, buffer, reservations, exceptions ---------------------------------------


def test_past_and_notice_and_horizon_are_removed():
    offering = OfferingFactory(availability={"min_notice_hours": 24, "horizon_days": 3})
    now = utc(2026, 5, 4, 10, 30)  # a Monday
    slots = selectors.free_slots(offering, date(2026, 5, 4), date(2026, 5, 10), UTC, now=now)
    assert slots, "some slots remain"
    assert min(starts(slots)) == utc(2026, 5, 5, 11)  # 24 h after 10:30 -> the 11:00 slot
    assert max(starts(slots)) <= now + timedelta(days=3)


def test_reservations_and_the_buffer_block_neighbouring_slots():
    offering = OfferingFactory(
        duration_minutes=30, availability={"buffer_minutes": 15, "rules": [(0, "09:00", "12:00")]}
    )
    day = date(2026, 5, 4)  # Monday
    SlotReservation.objects.create(
        offering=offering,
        mentor=offering.mentor,
        client=offering.mentor,
        start=utc(2026, 5, 4, 10),
        end=utc(2026, 5, 4, 10, 30),
        price=1,
        currency="USD",
    )
    free = {s.start.strftime("%H:%M") for s in slots_on(offering, day)}
    assert free == {
        "09:00",
        "11:00",
        "11:30",
    }  # 09:30 ends within 15 min of 10:00; 10:30 starts too soon


def test_released_reservations_do_not_block():
    offering = OfferingFactory(availability={"rules": [(0, "09:00", "10:00")]})
    SlotReservation.objects.create(
        offering=offering,
        mentor=offering.mentor,
        client=offering.mentor,
        start=utc(2026, 5, 4, 9),
        end=utc(2026, 5, 4, 10),
        price=1,
        currency="USD",
        status="released",
    )
    assert len(slots_on(offering, date(2026, 5, 4))) == 1


def test_another_offering_of_the_same_mentor_blocks_too():
    first = OfferingFactory(availability={"rules": [(0, "09:00", "11:00")]})
    second = OfferingFactory(
        mentor=first.mentor, duration_minutes=120, availability={"rules": [(0, "09:00", "11:00")]}
    )
    SlotReservation.objects.create(
        offering=first,
        mentor=first.mentor,
        client=first.mentor,
        start=utc(2026, 5, 4, 10),
        end=utc(2026, 5, 4, 11),
        price=1,
        currency="USD",
    )
    assert slots_on(second, date(2026, 5, 4)) == []


def test_exceptions_day_off_and_custom_hours_replace_the_week():
    offering = OfferingFactory(availability={"rules": [(0, "09:00", "11:00")]})
    AvailabilityException.objects.create(mentor=offering.mentor, date=date(2026, 5, 4))
    AvailabilityException.objects.create(
        mentor=offering.mentor, date=date(2026, 5, 11), start_time=time(15), end_time=time(16)
    )
    assert slots_on(offering, date(2026, 5, 4)) == []
    assert starts(slots_on(offering, date(2026, 5, 11))) == [utc(2026, 5, 11, 15)]
    assert len(slots_on(offering, date(2026, 5, 18))) == 2


def test_inactive_offering_has_no_slots():
    offering = OfferingFactory(active=False)
    assert slots_on(offering, date(2026, 5, 4)) == []


def test_bad_ranges_and_zones_are_refused():
    offering = OfferingFactory()
    with pytest.raises(ValidationFailed):
        selectors.free_slots(offering, date(2026, 5, 4), date(2026, 5, 3), UTC)
    with pytest.raises(ValidationFailed):
        selectors.free_slots(offering, date(2026, 5, 1), date(2026, 8, 1), UTC)
    with pytest.raises(ValidationFailed) as error:
        selectors.free_slots(offering, date(2026, 5, 1), date(2026, 5, 2), "Mars/Olympus")
    assert error.value.code == "invalid_timezone"


def test_wall_time_helpers():
    assert not scheduling.wall_time_exists(date(2026, 3, 29), time(2, 30), MADRID)
    assert scheduling.wall_time_exists(date(2026, 10, 25), time(2, 30), MADRID)
    assert scheduling.resolve_wall_time(date(2026, 10, 25), time(2, 30), MADRID) == utc(
        2026, 10, 25, 0, 30
    )
