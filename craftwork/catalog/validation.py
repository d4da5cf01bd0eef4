"""Field rules for catalog writes, shared by every service.

Each cleaner takes the raw value and returns the value to store, or raises ``FieldError``
with a user-facing message. ``clean_fields`` runs a set of rules and raises one
``ValidationFailed`` listing every bad field, so the API and the forms can show them all.
"""

import datetime
import re
import zoneinfo

from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.core.money import Money, currency_info

from .models import MAX_PRICE_MINOR, MAX_TAG_LENGTH, Currency

_TIMEZONES = zoneinfo.available_timezones() - {"localtime", "Factory"}
_TAG = re.compile(r"^[\w][\w +#.&-]*$", re.UNICODE)


class FieldError(Exception):
    pass


def text(max_length: int, *, required: bool = False):
    def clean(value):
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise FieldError(_("Enter text."))
        value = value.strip()
        if required and not value:
            raise FieldError(_("This field is required."))
        if len(value) > max_length:
            raise FieldError(_("Use at most %(max)d characters.") % {"max": max_length})
        if "\x00" in value:
            raise FieldError(_("The text contains invalid characters."))
        return value

    return clean


def integer(minimum: int, maximum: int):
    def clean(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(_("Enter a whole number."))
        if not minimum <= value <= maximum:
            raise FieldError(
                _("Enter a number between %(min)d and %(max)d.") % {"min": minimum, "max": maximum}
            )
        return value

    return clean


def boolean(value):
    if not isinstance(value, bool):
        raise FieldError(_("Enter true or false."))
    return value


def choice(choices):
    allowed = {value for value, _label in choices}

    def clean(value):
        # Only a plain string or integer can be a choice (a list is unhashable, True == 1).
        if not isinstance(value, str | int) or isinstance(value, bool) or value not in allowed:
            raise FieldError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(sorted(map(str, allowed)))}
            )
        return value

    return clean


def price(value):
    """A price in minor units: more than zero and at most MAX_PRICE_MINOR."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("Enter the price as a whole number of cents."))
    if value <= 0:
        raise FieldError(_("The price must be more than zero."))
    if value > MAX_PRICE_MINOR:
        raise FieldError(
            _("The price can be at most %(max)s.") % {"max": Money(MAX_PRICE_MINOR, "USD").format()}
        )
    return value


def currency(value):
    if value not in Currency.values:
        raise FieldError(_("Choose one of: %(values)s.") % {"values": ", ".join(Currency.values)})
    currency_info(value)
    return value


def text_list(*, max_items: int, max_length: int, min_items: int = 0):
    """A list of short, distinct, non-empty strings (trimmed)."""

    def clean(value):
        if value is None:
            value = []
        if not isinstance(value, list | tuple):
            raise FieldError(_("Send a list."))
        if len(value) > max_items:
            raise FieldError(_("List at most %(max)d entries.") % {"max": max_items})
        cleaned = []
        for item in value:
            item = text(max_length, required=True)(item)
            if item not in cleaned:
                cleaned.append(item)
        if len(cleaned) < min_items:
            raise FieldError(_("List at least %(min)d entries.") % {"min": min_items})
        return cleaned

    return clean


def tags(*, max_items: int):
    def clean(value):
        items = text_list(max_items=max_items, max_length=MAX_TAG_LENGTH)(value)
        normalized = []
        for item in items:
            tag = " ".join(item.lower().split())
            if len(tag) < 2 or not _TAG.match(tag):
                raise FieldError(
                    _("“%(tag)s” is not a valid tag: use letters, digits, spaces and hyphens.")
                    % {"tag": item[:MAX_TAG_LENGTH]}
                )
            if tag not in normalized:
                normalized.append(tag)
        return normalized

    return clean


def timezone_name(value):
    if not isinstance(value, str) or value not in _TIMEZONES:
        raise FieldError(_("Choose a valid time zone."))
    return value


def time_of_day(value):
    if isinstance(value, datetime.time):
        if value.tzinfo is not None:
            raise FieldError(_("Give a wall-clock time without a time zone."))
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        try:
            return datetime.time.fromisoformat(value).replace(second=0, microsecond=0)
        except ValueError:
            pass
    raise FieldError(_("Enter a time such as 09:30."))


def date(value):
    if isinstance(value, datetime.datetime):
        raise FieldError(_("Enter a date such as 2026-03-29."))
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldError(_("Enter a date such as 2026-03-29."))


def clean_fields(rules: dict, fields: dict, *, required: tuple = ()) -> dict:
    """Run each field's rule; raise ``ValidationFailed`` listing every bad, unknown or missing field."""
    errors, cleaned = {}, {}
    for name in required:
        if name not in fields:
            errors[name] = [_("This field is required.")]
    for name, value in fields.items():
        rule = rules.get(name)
        if rule is None:
            errors[name] = [_("Unknown field.")]
            continue
        try:
            cleaned[name] = rule(value)
        except FieldError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def clean_rows(rules: dict, rows, *, field: str, max_rows: int, required: tuple = ()) -> list[dict]:
    """Clean a list of row dicts; errors are reported as ``{field: [{row errors}, ...]}``."""
    if not isinstance(rows, list | tuple):
        raise ValidationFailed(details={field: [_("Send a list.")]})
    if len(rows) > max_rows:
        raise ValidationFailed(
            _("At most %(max)d entries are allowed.") % {"max": max_rows},
            code=f"too_many_{field}",
            details={field: [_("At most %(max)d entries.") % {"max": max_rows}]},
        )
    cleaned, row_errors = [], []
    for row in rows:
        if not isinstance(row, dict):
            row_errors.append({"non_field_errors": [_("Each entry must be an object.")]})
            continue
        try:
            cleaned.append(clean_fields(rules, row, required=required))
            row_errors.append({})
        except ValidationFailed as exc:
            row_errors.append(exc.details)
    if any(row_errors):
        raise ValidationFailed(details={field: row_errors})
    return cleaned
