"""The rules a candidate profile keeps, whoever writes it (web form, API, confirmed CV).

Input is the API's shape (see api/serializers.py); the serializers and forms check types, this
module checks the domain: limits, dates in order, known languages and skills, safe links.
Errors name the field ("work.2.end_year") so each client can show them in place.
"""

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.profiles.languages import SPOKEN_LANGUAGE_CODES, LanguageLevel

from .models import FIRST_YEAR, LAST_YEAR, MAX_SALARY_MINOR

MAX_WORK = 30
MAX_EDUCATION = 15
MAX_LANGUAGES = 12
MAX_LINKS = 10
MAX_SKILLS = 50
MAX_LINK_LENGTH = 200
MAX_SUMMARY = 5000
MAX_DESCRIPTION = 4000
TEXT_LIMITS = {
    "headline": 160,
    "summary": MAX_SUMMARY,
    "phone": 40,
    "desired_role": 120,
    "desired_location": 120,
}


class Errors:
    def __init__(self):
        self.details: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.details.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.details:
            raise ValidationFailed(
                _("Please correct the profile: %(fields)s.") % {"fields": ", ".join(self.details)},
                details=self.details,
            )


def _year(errors: Errors, field: str, value) -> None:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        errors.add(
            field, _("Enter a year between %(a)d and %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR}
        )


def _month(errors: Errors, field: str, value) -> None:
    if value is not None and not 1 <= value <= 12:
        errors.add(field, _("Enter a month from 1 to 12."))


def _text(errors: Errors, field: str, value: str, limit: int) -> None:
    if "\x00" in value:
        errors.add(field, _("Remove the NUL characters."))
    elif len(value) > limit:
        errors.add(field, _("At most %(n)d characters.") % {"n": limit})


def clean_profile(data: dict) -> dict:
    """Check ``data`` (any subset of the profile's fields) and return it normalised."""
    errors = Errors()
    cleaned = dict(data)
    for field, limit in TEXT_LIMITS.items():
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
            _text(errors, field, cleaned[field], limit)
    amount = cleaned.get("desired_salary_amount")
    if amount is not None and not 0 < amount <= MAX_SALARY_MINOR:
        errors.add("desired_salary_amount", _("Enter a positive amount in minor units."))
    if "work" in cleaned:
        cleaned["work"] = _clean_work(errors, cleaned["work"] or [])
    if "education" in cleaned:
        cleaned["education"] = _clean_education(errors, cleaned["education"] or [])
    if "languages" in cleaned:
        cleaned["languages"] = _clean_languages(errors, cleaned["languages"] or [])
    if "links" in cleaned:
        cleaned["links"] = _clean_links(errors, cleaned["links"] or [])
    if "skills" in cleaned:
        skills = list(dict.fromkeys(cleaned["skills"] or []))
        if len(skills) > MAX_SKILLS:
            errors.add("skills", _("At most %(n)d skills.") % {"n": MAX_SKILLS})
        cleaned["skills"] = skills
    errors.raise_if_any()
    return cleaned


def _clean_work(errors: Errors, items: list[dict]) -> list[dict]:
    if len(items) > MAX_WORK:
        errors.add("work", _("At most %(n)d jobs.") % {"n": MAX_WORK})
        return []
    out = []
    for index, item in enumerate(items):
        prefix = f"work.{index}."
        item = {
            "title": (item.get("title") or "").strip(),
            "employer": (item.get("employer") or "").strip(),
            "start_year": item.get("start_year"),
            "start_month": item.get("start_month"),
            "end_year": item.get("end_year"),
            "end_month": item.get("end_month"),
            "is_current": bool(item.get("is_current")),
            "description": (item.get("description") or "").strip(),
        }
        if not item["title"]:
            errors.add(prefix + "title", _("Enter the job title."))
        _text(errors, prefix + "title", item["title"], 120)
        _text(errors, prefix + "employer", item["employer"], 120)
        _text(errors, prefix + "description", item["description"], MAX_DESCRIPTION)
        for part in ("start", "end"):
            _year(errors, f"{prefix}{part}_year", item[f"{part}_year"])
            _month(errors, f"{prefix}{part}_month", item[f"{part}_month"])
            if item[f"{part}_month"] is not None and item[f"{part}_year"] is None:
                errors.add(f"{prefix}{part}_year", _("Enter the year too."))
        if item["is_current"] and item["end_year"] is not None:
            errors.add(prefix + "end_year", _("A current job has no end date."))
        start = (item["start_year"] or 0, item["start_month"] or 1)
        end = (item["end_year"] or 0, item["end_month"] or 12)
        if item["start_year"] and item["end_year"] and end < start:
            errors.add(prefix + "end_year", _("The end is before the start."))
        out.append(item)
    return out


def _clean_education(errors: Errors, items: list[dict]) -> list[dict]:
    if len(items) > MAX_EDUCATION:
        errors.add("education", _("At most %(n)d schools.") % {"n": MAX_EDUCATION})
        return []
    out = []
    for index, item in enumerate(items):
        prefix = f"education.{index}."
        item = {
            "school": (item.get("school") or "").strip(),
            "degree": (item.get("degree") or "").strip(),
            "field": (item.get("field") or "").strip(),
            "start_year": item.get("start_year"),
            "end_year": item.get("end_year"),
        }
        if not item["school"]:
            errors.add(prefix + "school", _("Enter the school."))
        _text(errors, prefix + "school", item["school"], 160)
        _text(errors, prefix + "degree", item["degree"], 120)
        _text(errors, prefix + "field", item["field"], 120)
        _year(errors, prefix + "start_year", item["start_year"])
        _year(errors, prefix + "end_year", item["end_year"])
        if item["start_year"] and item["end_year"] and item["end_year"] < item["start_year"]:
            errors.add(prefix + "end_year", _("The end is before the start."))
        out.append(item)
    return out


def _clean_languages(errors: Errors, items: list[dict]) -> list[dict]:
    if len(items) > MAX_LANGUAGES:
        errors.add("languages", _("At most %(n)d languages.") % {"n": MAX_LANGUAGES})
        return []
    levels = set(LanguageLevel.values)
    out, seen = [], set()
    for index, item in enumerate(items):
        code, level = item.get("code"), item.get("level")
        if code not in SPOKEN_LANGUAGE_CODES:
            errors.add(f"languages.{index}.code", _("Choose a language from the list."))
        elif level not in levels:
            errors.add(f"languages.{index}.level", _("Choose a level from the list."))
        elif code not in seen:
            seen.add(code)
            out.append({"code": code, "level": level})
    return out


def _clean_links(errors: Errors, items: list[str]) -> list[str]:
    if len(items) > MAX_LINKS:
        errors.add("links", _("At most %(n)d links.") % {"n": MAX_LINKS})
        return []
    out = []
    for index, link in enumerate(items):
        link = (link or "").strip()
        if not link:
            continue
        if "://" not in link:
            link = "https://" + link
        try:
            parts = urlsplit(link)
        except ValueError:
            parts = None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.hostname
            or "." not in parts.hostname
            or len(link) > MAX_LINK_LENGTH
            or any(ch.isspace() or not ch.isprintable() for ch in link)
        ):
            errors.add(f"links.{index}", _("Enter a web address (https://…)."))
            continue
        if link not in out:
            out.append(link)
    return out
