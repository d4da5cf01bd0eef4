"""The rules a job, a proposal and an invitation must satisfy, checked as a whole.

Each ``clean_*`` takes the proposed values (already overlaid on the current ones for an
edit) and returns them normalised, or raises ``ValidationFailed`` whose ``details`` name
every field in error, so forms and the API can show each message next to its field.
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.profiles.models import Currency, Skill, SkillCategory

from .models import (
    MAX_COVER_LETTER_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_DURATION_DAYS,
    MAX_FIXED_AMOUNT_MINOR,
    MAX_OPENINGS,
    MAX_RADIUS_KM,
    MAX_RATE_MINOR,
    MAX_SCHEDULE_DAYS,
    MAX_SKILLS_PER_JOB,
    MAX_TITLE_LENGTH,
    MAX_WEEKLY_HOURS,
    MIN_TITLE_LENGTH,
    BudgetType,
    LocationType,
    Visibility,
)

MIN_DESCRIPTION_LENGTH = 20
MIN_COVER_LETTER_LENGTH = 20
MAX_ROLE_LENGTH = 100
MAX_MESSAGE_LENGTH = 5_000
MAX_ADDRESS_LENGTH = 255
MAX_REASON_LENGTH = 500
COORDINATE = Decimal("0.000001")
# A start a little in the past is still accepted: the form was filled a moment ago.
START_GRACE = timedelta(hours=1)

JOB_FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "budget_type",
    "currency",
    "budget",
    "hourly_rate_min",
    "hourly_rate_max",
    "hours_per_week",
    "location_type",
    "address",
    "latitude",
    "longitude",
    "service_radius_km",
    "schedule_flexible",
    "starts_at",
    "ends_at",
    "openings",
    "visibility",
)


class _Errors:
    def __init__(self):
        self.details: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.details.setdefault(field, []).append(str(message))

    def raise_if_any(self, code: str = "validation_error") -> None:
        if self.details:
            first = next(iter(self.details.values()))[0]
            raise ValidationFailed(first, code=code, details=self.details)


def _text(errors, data, name, *, minimum=0, maximum, required=True) -> None:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(name, _("Enter text."))
        return
    value = value.strip()
    data[name] = value
    if required and not value:
        errors.add(name, _("This field is required."))
    elif value and len(value) < minimum:
        errors.add(name, _("Write at least %(n)d characters.") % {"n": minimum})
    elif len(value) > maximum:
        errors.add(name, _("Write at most %(n)d characters.") % {"n": maximum})


def _integer(errors, data, name, *, minimum, maximum, required=True, message=None) -> None:
    value = data.get(name)
    if value is None:
        if required:
            errors.add(name, _("This field is required."))
        return
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(name, _("Enter a whole number."))
        return
    if not minimum <= value <= maximum:
        errors.add(
            name,
            message
            or _("Enter a number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum},
        )


def _amount(errors, data, name, *, maximum, required=True) -> None:
    _integer(
        errors,
        data,
        name,
        minimum=1,
        maximum=maximum,
        required=required,
        message=_("Enter an amount above zero and at most %(max)s.")
        % {"max": f"{maximum // 100:,}"},
    )


def _choice(errors, data, name, choices) -> None:
    if data.get(name) not in choices:
        errors.add(name, _("Choose one of: %(values)s.") % {"values": ", ".join(choices)})


def _coordinate(errors, data, name, limit) -> None:
    value = data.get(name)
    if value is None:
        errors.add(name, _("This field is required for on-site work."))
        return
    try:
        value = Decimal(str(value)) if not isinstance(value, Decimal) else value
        value = value.quantize(COORDINATE)
    except (InvalidOperation, ValueError):
        errors.add(name, _("Enter a number."))
        return
    if not value.is_finite() or not -limit <= value <= limit:
        errors.add(
            name, _("Enter a number from %(min)d to %(max)d.") % {"min": -limit, "max": limit}
        )
        return
    data[name] = value


# --- jobs -----------------------------------------------------------------------------


def clean_job(data: dict, *, starts_changed: bool = True) -> dict:
    """Check a complete job (every name in JOB_FIELDS); return the normalised values."""
    data = dict(data)
    errors = _Errors()
    _text(errors, data, "title", minimum=MIN_TITLE_LENGTH, maximum=MAX_TITLE_LENGTH)
    _text(
        errors, data, "description", minimum=MIN_DESCRIPTION_LENGTH, maximum=MAX_DESCRIPTION_LENGTH
    )
    if not isinstance(data.get("category"), SkillCategory):
        errors.add("category", _("Choose a category."))
    _clean_skills(errors, data)
    _choice(errors, data, "currency", Currency.values)
    _choice(errors, data, "visibility", Visibility.values)
    _integer(errors, data, "openings", minimum=1, maximum=MAX_OPENINGS)
    _clean_budget(errors, data)
    _clean_location(errors, data)
    _clean_schedule(errors, data, starts_changed=starts_changed)
    errors.raise_if_any()
    return data


def _clean_skills(errors, data) -> None:
    skills = data.get("skills") or []
    if not isinstance(skills, list | tuple | set) or not all(isinstance(s, Skill) for s in skills):
        errors.add("skills", _("Choose skills from the list."))
        return
    unique = list(dict.fromkeys(skills))
    if len(unique) > MAX_SKILLS_PER_JOB:
        errors.add("skills", _("Choose at most %(n)d skills.") % {"n": MAX_SKILLS_PER_JOB})
    data["skills"] = unique


def _clean_budget(errors, data) -> None:
    budget_type = data.get("budget_type")
    if budget_type == BudgetType.FIXED:
        _amount(errors, data, "budget", maximum=MAX_FIXED_AMOUNT_MINOR)
        data.update(hourly_rate_min=None, hourly_rate_max=None, hours_per_week=None)
    elif budget_type == BudgetType.HOURLY:
        _amount(errors, data, "hourly_rate_min", maximum=MAX_RATE_MINOR)
        _amount(errors, data, "hourly_rate_max", maximum=MAX_RATE_MINOR)
        _integer(errors, data, "hours_per_week", minimum=1, maximum=MAX_WEEKLY_HOURS)
        low, high = data.get("hourly_rate_min"), data.get("hourly_rate_max")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            errors.add("hourly_rate_max", _("The maximum rate must not be below the minimum."))
        data["budget"] = None
    else:
        _choice(errors, data, "budget_type", BudgetType.values)


def _clean_location(errors, data) -> None:
    location_type = data.get("location_type")
    if location_type == LocationType.REMOTE:
        data.update(address="", latitude=None, longitude=None, service_radius_km=None)
    elif location_type == LocationType.ONSITE:
        _text(errors, data, "address", maximum=MAX_ADDRESS_LENGTH)
        _coordinate(errors, data, "latitude", 90)
        _coordinate(errors, data, "longitude", 180)
        _integer(
            errors, data, "service_radius_km", minimum=1, maximum=MAX_RADIUS_KM, required=False
        )
    else:
        _choice(errors, data, "location_type", LocationType.values)


def _clean_schedule(errors, data, *, starts_changed: bool) -> None:
    flexible = data.get("schedule_flexible")
    if not isinstance(flexible, bool):
        errors.add("schedule_flexible", _("Choose whether the schedule is flexible."))
        return
    if flexible:
        data.update(starts_at=None, ends_at=None)
        return
    starts, ends = data.get("starts_at"), data.get("ends_at")
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if value is not None and (not isinstance(value, datetime) or timezone.is_naive(value)):
            errors.add(name, _("Enter a date and time."))
            return
    if starts is None:
        errors.add("starts_at", _("Give a start, or mark the schedule as flexible."))
        return
    if starts_changed and starts < timezone.now() - START_GRACE:
        errors.add("starts_at", _("The start must not be in the past."))
    if ends is not None and ends <= starts:
        errors.add("ends_at", _("The end must be after the start."))
    elif ends is not None and ends - starts > timedelta(days=MAX_SCHEDULE_DAYS):
        errors.add("ends_at", _("The window may span at most a year."))


# --- proposals and invitations ----------------------------------------------------------


def _price(errors, data, *, budget_type: str) -> None:
    if budget_type == BudgetType.FIXED:
        _amount(errors, data, "amount", maximum=MAX_FIXED_AMOUNT_MINOR)
        if data.get("hourly_rate") is not None:
            errors.add("hourly_rate", _("This job has a fixed price: give an amount instead."))
        data["hourly_rate"] = None
    else:
        _amount(errors, data, "hourly_rate", maximum=MAX_RATE_MINOR)
        if data.get("amount") is not None:
            errors.add("amount", _("This job is paid by the hour: give an hourly rate instead."))
        data["amount"] = None


def _price_code(errors) -> str:
    return (
        "invalid_amount" if {"amount", "hourly_rate"} & set(errors.details) else "validation_error"
    )


def clean_price(data: dict, *, budget_type: str) -> dict:
    """``amount`` for a fixed-price job, ``hourly_rate`` for an hourly one (the other is None)."""
    data = dict(data)
    errors = _Errors()
    _price(errors, data, budget_type=budget_type)
    errors.raise_if_any(code=_price_code(errors))
    return data


def clean_proposal(data: dict, *, budget_type: str) -> dict:
    data = dict(data)
    errors = _Errors()
    _price(errors, data, budget_type=budget_type)
    _integer(errors, data, "duration_days", minimum=1, maximum=MAX_DURATION_DAYS)
    _text(
        errors,
        data,
        "cover_letter",
        minimum=MIN_COVER_LETTER_LENGTH,
        maximum=MAX_COVER_LETTER_LENGTH,
    )
    errors.raise_if_any(code=_price_code(errors))
    return data


def clean_invitation(data: dict, *, budget_type: str) -> dict:
    data = dict(data)
    errors = _Errors()
    _price(errors, data, budget_type=budget_type)
    _text(errors, data, "role", minimum=2, maximum=MAX_ROLE_LENGTH)
    _text(errors, data, "message", maximum=MAX_MESSAGE_LENGTH, required=False)
    if budget_type == BudgetType.HOURLY:
        _integer(errors, data, "weekly_hours", minimum=1, maximum=MAX_WEEKLY_HOURS)
    else:
        data["weekly_hours"] = None
    errors.raise_if_any(code=_price_code(errors))
    return data


def clean_reason(reason) -> str:
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise ValidationFailed(_("Enter text."), details={"reason": [_("Enter text.")]})
    return reason.strip()[:MAX_REASON_LENGTH]
