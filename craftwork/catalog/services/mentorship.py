"""Mentorship: session types, weekly availability with exceptions, and slot reservations.

A reservation is taken under a row lock on the mentor's settings (so reservations of one mentor
never interleave, whatever their start times) and guarded by a unique constraint on
(mentor, start) among live reservations: of simultaneous requests for one slot exactly one wins,
the others get ``SlotTaken`` ("slot_taken").
"""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import apply_changes, audit
from craftwork.core.errors import NotFound, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.policies import CancellationPolicy

from .. import selectors
from .. import validation as v
from ..errors import NotFreelancer, OwnOffering, SlotTaken
from ..models import (
    MAX_BUFFER_MINUTES,
    MAX_EXCEPTION_DAYS_AHEAD,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    MAX_SESSION_MINUTES,
    MAX_WEEKLY_RULES,
    MIN_SESSION_MINUTES,
    AvailabilityException,
    AvailabilityRule,
    Category,
    MentorSettings,
    MentorshipOffering,
    ReservationStatus,
    SlotReservation,
    Weekday,
)

SESSION_STEP_MINUTES = 15


def _duration(value):
    value = v.integer(MIN_SESSION_MINUTES, MAX_SESSION_MINUTES)(value)
    if value % SESSION_STEP_MINUTES:
        raise v.FieldError(
            _("Use a multiple of %(step)d minutes.") % {"step": SESSION_STEP_MINUTES}
        )
    return value


def _category(value):
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        return value
    category = Category.objects.filter(slug=value).first() if isinstance(value, str) else None
    if category is None:
        raise v.FieldError(_("Choose a category from the list."))
    return category


SETTINGS_FIELDS = {
    "timezone": v.timezone_name,
    "buffer_minutes": v.integer(0, MAX_BUFFER_MINUTES),
    "min_notice_hours": v.integer(0, MAX_NOTICE_HOURS),
    "horizon_days": v.integer(1, MAX_HORIZON_DAYS),
}
OFFERING_FIELDS = {
    "topic": v.text(120, required=True),
    "description": v.text(5000),
    "category": _category,
    "duration_minutes": _duration,
    "price": v.price,
    "currency": v.currency,
    "active": v.boolean,
    "cancellation_policy": v.choice(CancellationPolicy.choices),
}
RULE_FIELDS = {
    "weekday": v.choice(Weekday.choices),
    "start_time": v.time_of_day,
    "end_time": v.time_of_day,
}


def _require_mentor(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if not actor.is_freelancer:
        raise NotFreelancer()


def _locked_settings(mentor) -> MentorSettings:
    """The mentor's settings row, created on first use, locked until the transaction ends."""
    row = MentorSettings.objects.select_for_update().filter(mentor=mentor).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            MentorSettings.objects.create(mentor=mentor, timezone=mentor.timezone or "UTC")
    except IntegrityError:  # created by a concurrent first request
        pass
    return MentorSettings.objects.select_for_update().get(mentor=mentor)


# --- settings ------------------------------------------------------------------------------------


def mentor_settings_update(*, actor, **fields) -> MentorSettings:
    """Time zone, buffer between sessions, minimum notice and booking horizon of the actor."""
    _require_mentor(actor)
    cleaned = v.clean_fields(SETTINGS_FIELDS, fields)
    with transaction.atomic():
        row = _locked_settings(actor)
        apply_changes(row, cleaned, actor=actor, action="catalog.mentor_settings_updated")
    return row


# --- offerings --------------------------------------------------------------------------------------


def offering_create(
    *,
    actor,
    topic,
    duration_minutes,
    price,
    currency,
    description="",
    category=None,
    active=True,
    cancellation_policy=CancellationPolicy.MODERATE,
) -> MentorshipOffering:
    _require_mentor(actor)
    cleaned = v.clean_fields(
        OFFERING_FIELDS,
        {
            "topic": topic,
            "description": description,
            "category": category,
            "duration_minutes": duration_minutes,
            "price": price,
            "currency": currency,
            "active": active,
            "cancellation_policy": cancellation_policy,
        },
    )
    with transaction.atomic():
        _locked_settings(actor)
        offering = MentorshipOffering.objects.create(mentor=actor, **cleaned)
        audit(actor=actor, action="catalog.offering_created", target=offering)
        if offering.active:
            _publish_offering(offering, actor=actor)
    return offering


def offering_update(*, actor, offering: MentorshipOffering, **fields) -> MentorshipOffering:
    """Change an offering. Existing reservations keep the duration, price and cancellation policy
    they were booked with."""
    _require_mentor(actor)
    cleaned = v.clean_fields(OFFERING_FIELDS, fields)
    with transaction.atomic():
        locked = MentorshipOffering.objects.select_for_update().filter(pk=offering.pk).first()
        if locked is None or locked.mentor_id != actor.pk:
            raise NotFound(_("Session not found."))
        changed = apply_changes(locked, cleaned, actor=actor, action="catalog.offering_updated")
        if changed:
            _publish_offering(locked, actor=actor)
    return locked


def _publish_offering(offering, *, actor) -> None:
    publish(
        "catalog.offering_changed",
        payload={
            "offering_id": str(offering.pk),
            "mentor_id": str(offering.mentor_id),
            "active": offering.active,
        },
        actor=actor,
    )


# --- availability -----------------------------------------------------------------------------------


def availability_rules_set(*, actor, rules) -> list[AvailabilityRule]:
    """Replace the actor's weekly windows: [{"weekday": 0-6, "start_time", "end_time"}, ...].

    Times are wall-clock times in the mentor's time zone; windows of one day may not overlap.
    """
    _require_mentor(actor)
    rows = v.clean_rows(
        RULE_FIELDS,
        rules,
        field="rules",
        max_rows=MAX_WEEKLY_RULES,
        required=("weekday", "start_time", "end_time"),
    )
    _check_windows(rows, group_by="weekday", field="rules")
    with transaction.atomic():
        _locked_settings(actor)
        AvailabilityRule.objects.filter(mentor=actor).delete()
        created = AvailabilityRule.objects.bulk_create(
            AvailabilityRule(mentor=actor, **row)
            for row in sorted(rows, key=lambda r: (r["weekday"], r["start_time"]))
        )
        audit(
            actor=actor,
            action="catalog.availability_rules_set",
            details={"rules": [_rule_text(r) for r in rows]},
        )
    return created


def _rule_text(row: dict) -> str:
    return f"{row['weekday']} {row['start_time']:%H:%M}-{row['end_time']:%H:%M}"


def _check_windows(rows: list[dict], *, group_by: str, field: str) -> None:
    errors = []
    for row in rows:
        errors.append(
            {"end_time": [_("The end must be after the start.")]}
            if row["end_time"] <= row["start_time"]
            else {}
        )
    if any(errors):
        raise ValidationFailed(_("Each window must end after it starts."), details={field: errors})
    ordered = sorted(rows, key=lambda r: (r[group_by], r["start_time"]))
    for previous, current in pairwise(ordered):
        if previous[group_by] == current[group_by] and current["start_time"] < previous["end_time"]:
            raise ValidationFailed(
                _("Two windows of the same day overlap (%(a)s and %(b)s).")
                % {
                    "a": f"{previous['start_time']:%H:%M}-{previous['end_time']:%H:%M}",
                    "b": f"{current['start_time']:%H:%M}-{current['end_time']:%H:%M}",
                },
                code="overlapping_windows",
                details={field: [_("Windows of the same day may not overlap.")]},
            )


def availability_exception_add(
    *, actor, date, start_time=None, end_time=None
) -> AvailabilityException:
    """Mark a date as a day off (no times) or give it custom hours (replacing the weekly windows).

    A day off replaces any custom hours of that date; custom hours on a day off are refused.
    """
    _require_mentor(actor)
    day_off = start_time in (None, "") and end_time in (None, "")
    rules = (
        {"date": v.date}
        if day_off
        else {"date": v.date, "start_time": v.time_of_day, "end_time": v.time_of_day}
    )
    values = (
        {"date": date}
        if day_off
        else {"date": date, "start_time": start_time, "end_time": end_time}
    )
    cleaned = v.clean_fields(rules, values)
    with transaction.atomic():
        settings_row = _locked_settings(actor)
        _check_exception_date(cleaned["date"], settings_row)
        same_day = AvailabilityException.objects.filter(mentor=actor, date=cleaned["date"])
        if day_off:
            same_day.delete()
            exception = AvailabilityException.objects.create(mentor=actor, date=cleaned["date"])
        else:
            exception = _add_custom_hours(actor, cleaned, same_day)
        audit(
            actor=actor,
            action="catalog.availability_exception_added",
            target=exception,
            details={"date": cleaned["date"].isoformat(), "day_off": day_off},
        )
    return exception


def _check_exception_date(day, settings_row) -> None:
    today = timezone.now().astimezone(settings_row.tzinfo).date()
    if day < today:
        raise ValidationFailed(
            _("Choose today or a later date."),
            details={"date": [_("Choose today or a later date.")]},
        )
    if day > today + timedelta(days=MAX_EXCEPTION_DAYS_AHEAD):
        raise ValidationFailed(
            _("Choose a date within the next year."),
            details={"date": [_("Choose a date within the next year.")]},
        )


def _add_custom_hours(actor, cleaned, same_day) -> AvailabilityException:
    if same_day.filter(start_time__isnull=True).exists():
        raise ValidationFailed(
            _("This date is a day off. Remove the day off first."),
            code="day_off",
            details={"date": [_("This date is a day off. Remove the day off first.")]},
        )
    existing = [
        {"date": cleaned["date"], "start_time": row.start_time, "end_time": row.end_time}
        for row in same_day
    ]
    _check_windows([*existing, cleaned], group_by="date", field="start_time")
    return AvailabilityException.objects.create(mentor=actor, **cleaned)


def availability_exception_remove(*, actor, exception: AvailabilityException) -> None:
    _require_mentor(actor)
    with transaction.atomic():
        _locked_settings(actor)
        row = AvailabilityException.objects.filter(pk=exception.pk, mentor=actor).first()
        if row is None:
            raise NotFound(_("Exception not found."))
        audit(
            actor=actor,
            action="catalog.availability_exception_removed",
            target=row,
            details={"date": row.date.isoformat()},
        )
        row.delete()


# --- reservations ------------------------------------------------------------------------------------


def _clean_start(start) -> datetime:
    if not isinstance(start, datetime) or start.tzinfo is None or start.utcoffset() is None:
        raise ValidationFailed(
            _("Give the start as a date and time with a time zone."),
            code="invalid_start",
            details={"start": [_("Give an ISO 8601 date and time with a time zone.")]},
        )
    return start.astimezone(UTC)


def slot_reserve(
    *, offering: MentorshipOffering, start: datetime, client, actor
) -> SlotReservation:
    """Reserve the slot of ``offering`` starting at ``start`` (aware) for ``client``.

    ``start`` must be one of ``selectors.free_slots``: not past, not within the notice period,
    not beyond the horizon, inside the availability, and not taken. ``actor`` is the client,
    staff, or None for the system (commerce at checkout).
    """
    start = _clean_start(start)
    _check_reserving_actor(actor, client)
    with transaction.atomic():
        locked_offering = (
            MentorshipOffering.objects.select_related("mentor").filter(pk=offering.pk).first()
        )
        if locked_offering is None:
            raise NotFound(_("Session not found."))
        if locked_offering.mentor_id == client.pk:
            raise OwnOffering()
        _locked_settings(locked_offering.mentor)  # serialises every booking of this mentor
        problem = selectors.slot_problem(locked_offering, start)
        if problem is not None:
            raise problem
        reservation = _create_reservation(locked_offering, start, client)
        audit(
            actor=actor,
            action="catalog.slot_reserved",
            target=reservation,
            details={"offering": str(locked_offering.pk), "start": start.isoformat()},
        )
        publish("catalog.slot_reserved", payload=_reservation_payload(reservation), actor=actor)
    return reservation


def _check_reserving_actor(actor, client) -> None:
    if not getattr(client, "is_authenticated", False) or not client.is_active:
        raise PermissionDenied(_("Sign in to book a session."))
    if actor is not None and actor.pk != client.pk and not actor.is_staff:
        raise PermissionDenied()


def _create_reservation(offering, start, client) -> SlotReservation:
    try:
        with transaction.atomic():
            return SlotReservation.objects.create(
                offering=offering,
                mentor_id=offering.mentor_id,
                client=client,
                start=start,
                end=start + timedelta(minutes=offering.duration_minutes),
                price=offering.price,
                currency=offering.currency,
                cancellation_policy=offering.cancellation_policy,
            )
    except IntegrityError:  # the unique (mentor, start) constraint: someone else was faster
        raise SlotTaken() from None


def _reservation_payload(reservation: SlotReservation) -> dict:
    return {
        "reservation_id": str(reservation.pk),
        "offering_id": str(reservation.offering_id),
        "mentor_id": str(reservation.mentor_id),
        "client_id": str(reservation.client_id),
        "start": reservation.start.isoformat(),
        "end": reservation.end.isoformat(),
    }


def slot_release(*, reservation: SlotReservation, actor, reason: str = "") -> SlotReservation:
    """Free a reserved slot (a cancellation). The client, the mentor, staff or the system may.

    Releasing a released reservation changes nothing. The cancellation policy (who pays what)
    belongs to the session contract, not here.
    """
    reason = v.clean_fields({"reason": v.text(300)}, {"reason": reason})["reason"]
    with transaction.atomic():
        locked = SlotReservation.objects.select_for_update().filter(pk=reservation.pk).first()
        if locked is None or not _may_release(actor, locked):
            raise NotFound(_("Reservation not found."))
        if locked.status == ReservationStatus.RELEASED:
            return locked
        locked.status = ReservationStatus.RELEASED
        locked.released_at = timezone.now()
        locked.release_reason = reason
        locked.save(update_fields=["status", "released_at", "release_reason", "updated_at"])
        audit(
            actor=actor, action="catalog.slot_released", target=locked, details={"reason": reason}
        )
        publish(
            "catalog.slot_released",
            payload={**_reservation_payload(locked), "reason": reason},
            actor=actor,
        )
    return locked


def _may_release(actor, reservation) -> bool:
    if actor is None:
        return True
    return actor.is_staff or actor.pk in (reservation.client_id, reservation.mentor_id)
