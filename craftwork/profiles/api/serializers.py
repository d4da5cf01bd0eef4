"""Input serializers check shapes and types (unknown fields are refused); services check the rules.

Output serializers only read what the selectors have already loaded.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.markdown import render_markdown

from ..countries import COUNTRY_CHOICES
from ..languages import MAX_PROFILE_LANGUAGES, SPOKEN_LANGUAGE_CHOICES, LanguageLevel
from ..models import (
    MAX_BIO_LENGTH,
    MAX_HOURLY_RATE_MINOR,
    MAX_HOURS_PER_WEEK,
    MAX_SERVICE_RADIUS_KM,
    MAX_SKILLS_PER_PROFILE,
    Availability,
    Currency,
    Proficiency,
    WorkMode,
)
from ..validation import COORDINATE_PLACES

# --- Taxonomy -------------------------------------------------------------------------


class SkillOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    category = serializers.SlugField(source="category.slug")


class SkillBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class SkillCategoryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    skills = SkillBriefOutput(many=True)


# --- Freelancer profile output ------------------------------------------------------------


class ProfileSkillOutput(serializers.Serializer):
    id = serializers.UUIDField(source="skill.id")
    slug = serializers.SlugField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)


class LanguageOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class PortfolioImageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    caption = serializers.CharField()
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def _url(self, field) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(field.url) if request else field.url

    def get_image_url(self, obj) -> str:
        return self._url(obj.image)

    def get_thumbnail_url(self, obj) -> str:
        return self._url(obj.thumbnail)


class PortfolioItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    link = serializers.URLField(allow_blank=True)
    position = serializers.IntegerField()
    images = PortfolioImageOutput(many=True)


class _RateFields(serializers.Serializer):
    hourly_rate = serializers.IntegerField(
        allow_null=True, help_text=_("Minor units (cents) per hour.")
    )
    currency = serializers.CharField()
    hourly_rate_display = serializers.SerializerMethodField()

    def get_hourly_rate_display(self, obj) -> str | None:
        money = obj.hourly_rate_money
        return money.format() if money else None


class FreelancerCardOutput(_RateFields):
    id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")
    avatar_url = serializers.SerializerMethodField()
    headline = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    work_mode = serializers.CharField()
    availability = serializers.CharField()
    skills = ProfileSkillOutput(many=True, source="profile_skills.all")
    distance_km = serializers.SerializerMethodField()

    def get_avatar_url(self, obj) -> str | None:
        if not obj.user.avatar:
            return None
        request = self.context.get("request")
        url = obj.user.avatar.url
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, obj):
        distance = getattr(obj, "distance_km", None)
        return None if distance is None else round(distance, 1)


class FreelancerDetailOutput(FreelancerCardOutput):
    bio = serializers.CharField()
    bio_html = serializers.SerializerMethodField()
    languages = LanguageOutput(many=True, source="language_items")
    service_radius_km = serializers.IntegerField(allow_null=True)
    hours_per_week = serializers.IntegerField(allow_null=True)
    timezone = serializers.CharField()
    portfolio = PortfolioItemOutput(many=True, source="portfolio_items.all")
    published_at = serializers.DateTimeField()

    def get_bio_html(self, obj) -> str:
        return str(render_markdown(obj.bio))


class LanguageEntry(StrictSerializer):
    code = serializers.ChoiceField(choices=SPOKEN_LANGUAGE_CHOICES)
    level = serializers.ChoiceField(choices=LanguageLevel.choices)


class OwnFreelancerProfileOutput(_RateFields):
    """The owner's view: everything, including the exact coordinates and the draft state."""

    id = serializers.UUIDField()
    headline = serializers.CharField()
    bio = serializers.CharField()
    languages = LanguageEntry(many=True)
    city = serializers.CharField()
    country = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    work_mode = serializers.CharField()
    service_radius_km = serializers.IntegerField(allow_null=True)
    availability = serializers.CharField()
    hours_per_week = serializers.IntegerField(allow_null=True)
    timezone = serializers.CharField()
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    skills = ProfileSkillOutput(many=True, source="profile_skills.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- Freelancer profile input ---------------------------------------------------------------


class CoordinateField(serializers.DecimalField):
    """Degrees, rounded to 6 decimals (about 10 cm): GPS readings carry more digits than that."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(
            max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False, **kwargs
        )

    def validate_precision(self, value):
        if not -self.limit <= value <= self.limit:
            raise serializers.ValidationError(
                _("Enter a value between %(min)d and %(max)d.")
                % {"min": -self.limit, "max": self.limit}
            )
        return value.quantize(COORDINATE_PLACES)


class FreelancerProfileInput(StrictSerializer):
    headline = serializers.CharField(max_length=120, allow_blank=True)
    bio = serializers.CharField(max_length=MAX_BIO_LENGTH, allow_blank=True)
    hourly_rate = serializers.IntegerField(
        min_value=1, max_value=MAX_HOURLY_RATE_MINOR, help_text=_("Minor units (cents) per hour.")
    )
    currency = serializers.ChoiceField(choices=Currency.choices)
    languages = LanguageEntry(many=True, max_length=MAX_PROFILE_LANGUAGES)
    city = serializers.CharField(max_length=100, allow_blank=True)
    country = serializers.ChoiceField(choices=COUNTRY_CHOICES, allow_blank=True)
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    work_mode = serializers.ChoiceField(choices=WorkMode.choices)
    service_radius_km = serializers.IntegerField(
        min_value=0, max_value=MAX_SERVICE_RADIUS_KM, allow_null=True
    )
    availability = serializers.ChoiceField(choices=Availability.choices)
    hours_per_week = serializers.IntegerField(
        min_value=0, max_value=MAX_HOURS_PER_WEEK, allow_null=True
    )
    timezone = serializers.CharField(max_length=64)


class SkillEntryInput(StrictSerializer):
    skill = serializers.CharField(max_length=80, help_text=_("A skill slug or id."))
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)


class SkillsSetInput(StrictSerializer):
    skills = SkillEntryInput(many=True, max_length=MAX_SKILLS_PER_PROFILE)


# --- Portfolio -----------------------------------------------------------------------------


class PortfolioItemInput(StrictSerializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    link = serializers.URLField(max_length=500, allow_blank=True, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class PortfolioImageInput(StrictSerializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=200, allow_blank=True, required=False)


# --- Client profile ----------------------------------------------------------------------------


class ClientProfileInput(StrictSerializer):
    company_name = serializers.CharField(max_length=150, allow_blank=True)
    billing_name = serializers.CharField(max_length=150, allow_blank=True)
    billing_address_line1 = serializers.CharField(max_length=200, allow_blank=True)
    billing_address_line2 = serializers.CharField(max_length=200, allow_blank=True)
    billing_city = serializers.CharField(max_length=100, allow_blank=True)
    billing_postal_code = serializers.CharField(max_length=20, allow_blank=True)
    billing_country = serializers.ChoiceField(choices=COUNTRY_CHOICES, allow_blank=True)
    billing_email = serializers.EmailField(allow_blank=True)
    vat_id = serializers.CharField(max_length=32, allow_blank=True)


class ClientProfileOutput(serializers.Serializer):
    id = serializers.UUIDField()
    company_name = serializers.CharField()
    billing_name = serializers.CharField()
    billing_address_line1 = serializers.CharField()
    billing_address_line2 = serializers.CharField()
    billing_city = serializers.CharField()
    billing_postal_code = serializers.CharField()
    billing_country = serializers.CharField()
    billing_email = serializers.EmailField()
    vat_id = serializers.CharField()
    updated_at = serializers.DateTimeField()
