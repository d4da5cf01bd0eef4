"""Field rules for profile writes, shared by every service that changes a profile.

Each cleaner takes the raw value and returns the value to store, or raises
``FieldError`` with a user-facing message. Services collect the messages per field
and raise one ``ValidationFailed`` with all of them in ``details``.
"""

import re
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from .countries import COUNTRY_CODES
from .languages import MAX_PROFILE_LANGUAGES, SPOKEN_LANGUAGE_CODES, LanguageLevel
from .models import (
    MAX_BIO_LENGTH,
    MAX_HOURLY_RATE_MINOR,
    MAX_HOURS_PER_WEEK,
    MAX_SERVICE_RADIUS_KM,
    Availability,
    Currency,
    WorkMode,
)

COORDINATE_PLACES = Decimal("0.000001")
_TIMEZONES = zoneinfo.available_timezones()
_VAT_ID = re.compile(r"^[A-Z0-9]{4,20}$")
_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,18}[A-Za-z0-9]$")


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


def integer(minimum: int, maximum: int, *, nullable: bool = True):
    def clean(value):
        if value is None or value == "":
            if nullable:
                return None
            raise FieldError(_("This field is required."))
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(_("Enter a whole number."))
        if not minimum <= value <= maximum:
            raise FieldError(
                _("Enter a number between %(min)d and %(max)d.") % {"min": minimum, "max": maximum}
            )
        return value

    return clean


def choice(choices):
    allowed = {value for value, _label in choices}

    def clean(value):
        if value not in allowed:
            raise FieldError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(sorted(allowed))}
            )
        return value

    return clean


def hourly_rate(value):
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("Enter the hourly rate as a whole number of cents."))
    if value <= 0:
        raise FieldError(_("The hourly rate must be more than zero."))
    if value > MAX_HOURLY_RATE_MINOR:
        raise FieldError(
            _("The hourly rate can be at most %(max)s.")
            % {"max": f"{MAX_HOURLY_RATE_MINOR / 100:,.2f}"}
        )
    return value


def coordinate(limit: int):
    def clean(value):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise FieldError(_("Enter a number."))
        try:
            number = Decimal(str(value)) if isinstance(value, int | float | str) else Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise FieldError(_("Enter a number.")) from None
        if not number.is_finite() or not -limit <= number <= limit:
            raise FieldError(
                _("Enter a value between %(min)d and %(max)d.") % {"min": -limit, "max": limit}
            )
        return number.quantize(COORDINATE_PLACES)

    return clean


def country(value):
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or value.upper() not in COUNTRY_CODES:
        raise FieldError(_("Use a two-letter ISO 3166 country code."))
    return value.upper()


def timezone_name(value):
    if not isinstance(value, str) or value not in _TIMEZONES:
        raise FieldError(_("Choose a valid time zone."))
    return value


def languages(value):
    if not isinstance(value, list):
        raise FieldError(_("Send a list of languages."))
    if len(value) > MAX_PROFILE_LANGUAGES:
        raise FieldError(_("List at most %(max)d languages.") % {"max": MAX_PROFILE_LANGUAGES})
    levels = set(LanguageLevel.values)
    cleaned, seen = [], set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"code", "level"}:
            raise FieldError(_('Each language needs exactly a "code" and a "level".'))
        code, level = item["code"], item["level"]
        if code not in SPOKEN_LANGUAGE_CODES:
            raise FieldError(_("Unknown language code: %(code)s.") % {"code": str(code)[:20]})
        if level not in levels:
            raise FieldError(_("Unknown language level: %(level)s.") % {"level": str(level)[:20]})
        if code in seen:
            raise FieldError(_("Each language can be listed once."))
        seen.add(code)
        cleaned.append({"code": code, "level": level})
    return cleaned


def url(value):
    value = text(500)(value)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise FieldError(_("Enter a valid http(s) link.")) from None
    return value


def email(value):
    value = text(254)(value)
    if value:
        try:
            EmailValidator()(value)
        except DjangoValidationError:
            raise FieldError(_("Enter a valid email address.")) from None
    return value.lower()


def postal_code(value):
    value = text(20)(value)
    if value and not _POSTAL_CODE.match(value):
        raise FieldError(_("Enter a valid postal code."))
    return value


def vat_id(value):
    value = text(32)(value)
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if compact and not _VAT_ID.match(compact):
        raise FieldError(_("Enter a valid VAT or tax ID (letters and digits)."))
    return compact


FREELANCER_FIELDS = {
    "headline": text(120),
    "bio": text(MAX_BIO_LENGTH),
    "hourly_rate": hourly_rate,
    "currency": choice(Currency.choices),
    "languages": languages,
    "city": text(100),
    "country": country,
    "latitude": coordinate(90),
    "longitude": coordinate(180),
    "work_mode": choice(WorkMode.choices),
    "service_radius_km": integer(0, MAX_SERVICE_RADIUS_KM),
    "availability": choice(Availability.choices),
    "hours_per_week": integer(0, MAX_HOURS_PER_WEEK),
    "timezone": timezone_name,
}

CLIENT_FIELDS = {
    "company_name": text(150),
    "billing_name": text(150),
    "billing_address_line1": text(200),
    "billing_address_line2": text(200),
    "billing_city": text(100),
    "billing_postal_code": postal_code,
    "billing_country": country,
    "billing_email": email,
    "vat_id": vat_id,
}

PORTFOLIO_ITEM_FIELDS = {
    "title": text(120, required=True),
    "description": text(5000),
    "link": url,
    "position": integer(0, 1000, nullable=False),
}


def clean_fields(rules: dict, fields: dict) -> dict:
    """Run each field's rule; raise ``ValidationFailed`` listing every bad or unknown field."""
    from craftwork.core.errors import ValidationFailed

    errors, cleaned = {}, {}
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
