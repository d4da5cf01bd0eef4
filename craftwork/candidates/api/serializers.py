from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.profiles.languages import SPOKEN_LANGUAGE_CHOICES, LanguageLevel
from craftwork.profiles.models import Currency

from .. import validation
from ..models import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_SALARY_MINOR,
    RemotePreference,
    SalaryPeriod,
    Visibility,
)


def _year(**kwargs):
    return serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, allow_null=True, **kwargs
    )


def _month():
    return serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)


def _text(limit: int, **kwargs):
    return serializers.CharField(
        max_length=limit, required=False, allow_blank=True, trim_whitespace=True, **kwargs
    )


class CandidateWorkInput(StrictSerializer):
    title = serializers.CharField(max_length=120)
    employer = _text(120)
    start_year = _year()
    start_month = _month()
    end_year = _year()
    end_month = _month()
    is_current = serializers.BooleanField(required=False, default=False)
    description = _text(validation.MAX_DESCRIPTION)


class CandidateEducationInput(StrictSerializer):
    school = serializers.CharField(max_length=160)
    degree = _text(120)
    field = _text(120)
    start_year = _year()
    end_year = _year()


class CandidateLanguageInput(StrictSerializer):
    code = serializers.ChoiceField(choices=SPOKEN_LANGUAGE_CHOICES)
    level = serializers.ChoiceField(choices=LanguageLevel.choices)


class CandidateProfileInput(StrictSerializer):
    """Every field is optional: what is sent changes, what is not stays. A list sent (work,
    education, languages, links, skills) replaces the old one, in the order given."""

    headline = _text(160)
    summary = _text(validation.MAX_SUMMARY)
    phone = _text(40)
    desired_role = _text(120)
    desired_salary_amount = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SALARY_MINOR,
        required=False,
        allow_null=True,
        help_text=_("Minor units (cents) per period."),
    )
    desired_salary_currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    desired_salary_period = serializers.ChoiceField(choices=SalaryPeriod.choices, required=False)
    desired_location = _text(120)
    remote_preference = serializers.ChoiceField(choices=RemotePreference.choices, required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    work = CandidateWorkInput(many=True, required=False, max_length=validation.MAX_WORK)
    education = CandidateEducationInput(
        many=True, required=False, max_length=validation.MAX_EDUCATION
    )
    languages = CandidateLanguageInput(
        many=True, required=False, max_length=validation.MAX_LANGUAGES
    )
    links = serializers.ListField(
        child=serializers.CharField(max_length=validation.MAX_LINK_LENGTH),
        required=False,
        max_length=validation.MAX_LINKS,
    )
    skills = serializers.ListField(
        child=serializers.SlugField(max_length=80),
        required=False,
        max_length=validation.MAX_SKILLS,
        help_text=_("Taxonomy skill slugs (GET /api/v1/skills/)."),
    )


class CandidateSkillOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()


class CandidateWorkOutput(serializers.Serializer):
    title = serializers.CharField()
    employer = serializers.CharField()
    start_year = serializers.IntegerField(allow_null=True)
    start_month = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)
    end_month = serializers.IntegerField(allow_null=True)
    is_current = serializers.BooleanField()
    description = serializers.CharField()


class CandidateEducationOutput(serializers.Serializer):
    school = serializers.CharField()
    degree = serializers.CharField()
    field = serializers.CharField()
    start_year = serializers.IntegerField(allow_null=True)
    end_year = serializers.IntegerField(allow_null=True)


class CandidateLanguageOutput(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.CharField()


class CandidateProfileOutput(serializers.Serializer):
    id = serializers.UUIDField()
    headline = serializers.CharField()
    summary = serializers.CharField()
    phone = serializers.CharField()
    desired_role = serializers.CharField()
    desired_salary_amount = serializers.IntegerField(allow_null=True)
    desired_salary_currency = serializers.CharField()
    desired_salary_period = serializers.CharField()
    desired_location = serializers.CharField()
    remote_preference = serializers.CharField()
    visibility = serializers.CharField()
    work = CandidateWorkOutput(many=True, source="work.all")
    education = CandidateEducationOutput(many=True, source="education.all")
    languages = CandidateLanguageOutput(many=True)
    links = serializers.ListField(child=serializers.CharField())
    skills = CandidateSkillOutput(many=True, source="skills.all")
    current_cv = serializers.UUIDField(source="current_cv_id", allow_null=True)
    updated_at = serializers.DateTimeField()


class CandidateCVUploadInput(StrictSerializer):
    file = serializers.FileField(
        help_text=_("A PDF or Word (.docx) CV, 10 MB and 20 pages at most.")
    )


class CandidateCVDraftOutput(serializers.Serializer):
    """The profile as it would be with what was read (the input shape of the profile)."""

    headline = serializers.CharField(required=False)
    summary = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    work = CandidateWorkOutput(many=True)
    education = CandidateEducationOutput(many=True)
    languages = CandidateLanguageOutput(many=True)
    links = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())


class CandidateCVOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    kind = serializers.CharField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    pages = serializers.IntegerField(allow_null=True)
    text_found = serializers.BooleanField(
        help_text=_("False for a scanned CV: nothing could be read, fill the profile by hand.")
    )
    parsed = serializers.JSONField(help_text=_("What the parser read, as it read it."))
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class CandidateCVDetailOutput(CandidateCVOutput):
    draft = CandidateCVDraftOutput(
        help_text=_("Your profile pre-filled with what was read: confirm it, corrected or not.")
    )
