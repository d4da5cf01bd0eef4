"""Turning a mentor's wall-clock availability into bookable UTC slots. Pure functions, no database.

Rules (written down because clock changes make them matter):

* Availability windows are wall-clock times in the mentor's time zone. Slot starts sit on a grid
  of wall-clock times from the window's start (09:00, 10:00, ... for 60-minute sessions), so a
  09:00 slot is 09:00 local on every day of the year, whatever its UTC offset.
* A wall-clock time that does not exist (the hour skipped when clocks spring forward) never
  starts a slot: it is skipped.
* A wall-clock time that happens twice (the hour repeated when clocks fall back) means its
  first occurrence (``fold=0``), always. The repeated hour yields no second slot.
* A session lasts ``duration`` real minutes. It must end no later than the window's end
  (resolved the same way; a skipped end time is shifted forward by the gap, like
  ``java.time``), and a slot never overlaps the previous one of the same window.
* A slot is taken when it comes closer than ``buffer`` to any live reservation of the mentor.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC

    def local_start(self, tz: tzinfo) -> datetime:
        return self.start.astimezone(tz)

    def local_end(self, tz: tzinfo) -> datetime:
        return self.end.astimezone(tz)


def resolve_wall_time(day: date, wall: time, tz: tzinfo) -> datetime:
    """The UTC instant of a wall-clock time: first occurrence when repeated, shifted past a gap."""
    return datetime.combine(day, wall).replace(tzinfo=tz, fold=0).astimezone(UTC)


def wall_time_exists(day: date, wall: time, tz: tzinfo) -> bool:
    naive = datetime.combine(day, wall)
    return resolve_wall_time(day, wall, tz).astimezone(tz).replace(tzinfo=None) == naive


def day_windows(
    day: date, weekly: dict[int, list[tuple[time, time]]], exceptions: dict[date, list]
) -> list[tuple[time, time]]:
    """The windows of one mentor-local date: its exceptions when it has any, else the weekly rules.

    ``exceptions[day]`` is a list of (start, end) pairs, where (None, None) means "day off".
    """
    if day in exceptions:
        rows = exceptions[day]
        if any(start is None for start, _end in rows):
            return []
        return sorted(rows)
    return sorted(weekly.get(day.weekday(), []))


def window_slots(
    day: date, start: time, end: time, tz: tzinfo, duration: timedelta
) -> Iterator[Slot]:
    """The slots of one wall-clock window on one date (see the module rules)."""
    window_end = resolve_wall_time(day, end, tz)
    cursor = datetime.combine(day, start)
    last_end: datetime | None = None
    limit = datetime.combine(day, end)
    while cursor < limit:
        wall = cursor.time()
        if wall_time_exists(day, wall, tz):
            slot_start = resolve_wall_time(day, wall, tz)
            slot_end = slot_start + duration
            if slot_end > window_end:
                break
            if last_end is None or slot_start >= last_end:
                yield Slot(slot_start, slot_end)
                last_end = slot_end
        cursor += duration
        if cursor.date() != day:
            break


def candidate_slots(
    days: Iterable[date],
    weekly: dict[int, list[tuple[time, time]]],
    exceptions: dict[date, list],
    tz: tzinfo,
    duration: timedelta,
) -> list[Slot]:
    slots: set[Slot] = set()
    for day in days:
        for start, end in day_windows(day, weekly, exceptions):
            slots.update(window_slots(day, start, end, tz, duration))
    return sorted(slots)


def is_blocked(slot: Slot, busy: list[tuple[datetime, datetime]], buffer: timedelta) -> bool:
    """True when the slot comes closer than ``buffer`` to any busy interval."""
    return any(
        busy_start < slot.end + buffer and busy_end > slot.start - buffer
        for busy_start, busy_end in busy
    )


def date_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def local_day_bounds(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``) in ``tz``, as UTC instants."""
    start = resolve_wall_time(first, time(0, 0), tz)
    end = resolve_wall_time(last + timedelta(days=1), time(0, 0), tz)
    return start, end
