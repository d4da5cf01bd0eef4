"""Input serializers check shapes and types (unknown fields are refused); services check the rules.

Output serializers only read what the selectors have already loaded. Prices are objects:
``{"amount": "49.00", "amount_minor": 4900, "currency": "USD"}``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.markdown import render_markdown
from craftwork.core.policies import CancellationPolicy
from craftwork.profiles.models import Currency

from .. import selectors
from ..models import (
    MAX_BUFFER_MINUTES,
    MAX_DELIVERY_DAYS,
    MAX_EXTRA_DAYS,
    MAX_EXTRAS,
    MAX_FAQ,
    MAX_GIG_DESCRIPTION,
    MAX_GIG_SKILLS,
    MAX_GIG_TAGS,
    MAX_GIG_TITLE,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    MAX_PACKAGE_ITEMS,
    MAX_PACKAGES,
    MAX_PRICE_MINOR,
    MAX_REQUIREMENT_CHOICES,
    MAX_REQUIREMENTS,
    MAX_REVISIONS,
    MAX_SESSION_MINUTES,
    MAX_TAG_LENGTH,
    MAX_WEEKLY_RULES,
    MIN_SESSION_MINUTES,
    GigStatus,
    PackageTier,
    RequirementKind,
)


@extend_schema_field(OpenApiTypes.STR)
class StringChoiceField(serializers.ChoiceField):
    """A choice documented as a plain string listing its values (no shared enum component)."""

    def __init__(self, *, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in choices)
        kwargs.setdefault("help_text", _("One of: %(values)s.") % {"values": values})
        super().__init__(choices=choices, **kwargs)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


class CatalogPriceOutput(serializers.Serializer):
    amount = serializers.CharField(help_text=_("Decimal string, e.g. 49.00."))
    amount_minor = serializers.IntegerField(help_text=_("Integer minor units (cents)."))
    currency = serializers.CharField()


def _money(money) -> dict | None:
    return money.as_dict() if money is not None else None


class CatalogCategoryBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class CatalogCategoryOutput(CatalogCategoryBriefOutput):
    icon = serializers.CharField()
    description = serializers.CharField()


class CatalogCategoryTreeOutput(CatalogCategoryOutput):
    children = CatalogCategoryOutput(many=True, source="children.all")


class GigSkillOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CatalogPersonOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()
    avatar_url = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return selectors.seller_display_name(user)

    def get_avatar_url(self, user) -> str | None:
        return _absolute(self.context.get("request"), user.avatar.url) if user.avatar else None


class GigSellerOutput(CatalogPersonOutput):
    verified = serializers.SerializerMethodField()

    def get_verified(self, user) -> bool:
        return user.pk in self.context.get("verified_ids", set())


# --- gigs ---------------------------------------------------------------------------------------


class GigCardOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    category = CatalogCategoryBriefOutput()
    seller = GigSellerOutput()
    tags = serializers.ListField(child=serializers.CharField())
    starting_price = serializers.SerializerMethodField()
    min_delivery_days = serializers.IntegerField(allow_null=True)
    rating_average = serializers.DecimalField(
        max_digits=3, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    rating_count = serializers.IntegerField(allow_null=True)
    cover_image_url = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(CatalogPriceOutput(allow_null=True))
    def get_starting_price(self, gig):
        return _money(gig.min_price_money)

    def get_cover_image_url(self, gig) -> str | None:
        name = getattr(gig, "cover_thumbnail", None)
        if not name:
            return None
        from django.core.files.storage import default_storage

        return _absolute(self.context.get("request"), default_storage.url(name))


class GigImageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    caption = serializers.CharField()
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_image_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.image.url)

    def get_thumbnail_url(self, obj) -> str:
        return _absolute(self.context.get("request"), obj.thumbnail.url)


class GigPackageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    tier = StringChoiceField(choices=PackageTier.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.SerializerMethodField()
    delivery_days = serializers.IntegerField()
    revisions = serializers.IntegerField()
    included = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(CatalogPriceOutput)
    def get_price(self, obj):
        return _money(obj.price_money)


class GigExtraOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    price = serializers.SerializerMethodField()
    extra_days = serializers.IntegerField()

    @extend_schema_field(CatalogPriceOutput)
    def get_price(self, obj):
        return _money(obj.price_money)


class GigRequirementOutput(serializers.Serializer):
    id = serializers.UUIDField()
    question = serializers.CharField()
    kind = StringChoiceField(choices=RequirementKind.choices)
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()


class GigFaqOutput(serializers.Serializer):
    id = serializers.UUIDField()
    question = serializers.CharField()
    answer = serializers.CharField()


class GigDetailOutput(GigCardOutput):
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    skills = GigSkillOutput(many=True, source="skills.all")
    images = GigImageOutput(many=True, source="images.all")
    packages = GigPackageOutput(many=True, source="packages.all")
    extras = GigExtraOutput(many=True, source="extras.all")
    requirements = GigRequirementOutput(many=True, source="requirements.all")
    faqs = GigFaqOutput(many=True, source="faqs.all")

    def get_description_html(self, gig) -> str:
        return str(render_markdown(gig.description))

    def get_cover_image_url(self, gig) -> str | None:
        images = list(gig.images.all())
        return _absolute(self.context.get("request"), images[0].thumbnail.url) if images else None


class OwnGigOutput(GigDetailOutput):
    status = StringChoiceField(choices=GigStatus.choices)
    removed_reason = serializers.CharField()
    publish_missing = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_publish_missing(self, gig) -> list[str]:
        from ..services import gig_publish_missing

        return gig_publish_missing(gig)


class OwnGigCardOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    status = StringChoiceField(choices=GigStatus.choices)
    category = CatalogCategoryBriefOutput()
    starting_price = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(CatalogPriceOutput(allow_null=True))
    def get_starting_price(self, gig):
        return _money(gig.min_price_money)


class GigInput(StrictSerializer):
    title = serializers.CharField(max_length=MAX_GIG_TITLE)
    description = serializers.CharField(
        max_length=MAX_GIG_DESCRIPTION, allow_blank=True, required=False
    )
    category = serializers.SlugField(max_length=80, help_text=_("A category slug."))
    skills = serializers.ListField(
        child=serializers.SlugField(max_length=80), max_length=MAX_GIG_SKILLS, required=False
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TAG_LENGTH),
        max_length=MAX_GIG_TAGS,
        required=False,
    )


class GigPackageInput(StrictSerializer):
    tier = StringChoiceField(choices=PackageTier.choices)
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=600, allow_blank=True, required=False)
    price = serializers.IntegerField(
        min_value=1, max_value=MAX_PRICE_MINOR, help_text=_("Minor units (cents).")
    )
    currency = StringChoiceField(choices=Currency.choices)
    delivery_days = serializers.IntegerField(min_value=1, max_value=MAX_DELIVERY_DAYS)
    revisions = serializers.IntegerField(min_value=0, max_value=MAX_REVISIONS, required=False)
    included = serializers.ListField(
        child=serializers.CharField(max_length=80), max_length=MAX_PACKAGE_ITEMS, required=False
    )


class GigPackagesInput(StrictSerializer):
    packages = GigPackageInput(many=True, max_length=MAX_PACKAGES)


class GigExtraInput(StrictSerializer):
    title = serializers.CharField(max_length=100)
    price = serializers.IntegerField(
        min_value=1, max_value=MAX_PRICE_MINOR, help_text=_("Minor units, in the gig's currency.")
    )
    extra_days = serializers.IntegerField(min_value=0, max_value=MAX_EXTRA_DAYS, required=False)


class GigExtrasInput(StrictSerializer):
    extras = GigExtraInput(many=True, max_length=MAX_EXTRAS)


class GigRequirementInput(StrictSerializer):
    question = serializers.CharField(max_length=300)
    kind = StringChoiceField(choices=RequirementKind.choices, required=False)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=MAX_REQUIREMENT_CHOICES,
        required=False,
    )
    required = serializers.BooleanField(required=False)


class GigRequirementsInput(StrictSerializer):
    requirements = GigRequirementInput(many=True, max_length=MAX_REQUIREMENTS)


class GigFaqInput(StrictSerializer):
    question = serializers.CharField(max_length=200)
    answer = serializers.CharField(max_length=1000)


class GigFaqsInput(StrictSerializer):
    faqs = GigFaqInput(many=True, max_length=MAX_FAQ)


class GigImageInput(StrictSerializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=200, allow_blank=True, required=False)


class GigRemoveInput(StrictSerializer):
    reason = serializers.CharField(max_length=500)


# --- mentorship -------------------------------------------------------------------------------------


class OfferingMentorOutput(CatalogPersonOutput):
    timezone = serializers.SerializerMethodField()

    def get_timezone(self, user) -> str:
        return selectors.mentor_settings_for(user).timezone


class OfferingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    topic = serializers.CharField()
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    category = CatalogCategoryBriefOutput(allow_null=True)
    duration_minutes = serializers.IntegerField()
    price = serializers.SerializerMethodField()
    active = serializers.BooleanField()
    cancellation_policy = serializers.CharField(
        help_text=_("flexible, moderate or strict: what a late cancellation refunds.")
    )
    cancellation_summary = serializers.CharField()
    mentor = CatalogPersonOutput()

    def get_description_html(self, obj) -> str:
        return str(render_markdown(obj.description))

    @extend_schema_field(CatalogPriceOutput)
    def get_price(self, obj):
        return _money(obj.price_money)


class OfferingDetailOutput(OfferingOutput):
    mentor = OfferingMentorOutput()


class OfferingInput(StrictSerializer):
    topic = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    category = serializers.SlugField(
        max_length=80, allow_blank=True, allow_null=True, required=False
    )
    duration_minutes = serializers.IntegerField(
        min_value=MIN_SESSION_MINUTES,
        max_value=MAX_SESSION_MINUTES,
        help_text=_("A multiple of 15."),
    )
    price = serializers.IntegerField(
        min_value=1, max_value=MAX_PRICE_MINOR, help_text=_("Minor units (cents).")
    )
    currency = StringChoiceField(choices=Currency.choices)
    active = serializers.BooleanField(required=False)
    cancellation_policy = StringChoiceField(choices=CancellationPolicy.choices, required=False)


class SessionSlotOutput(serializers.Serializer):
    start = serializers.DateTimeField(help_text=_("UTC."))
    end = serializers.DateTimeField(help_text=_("UTC."))
    local_start = serializers.CharField(
        help_text=_("ISO 8601 with the offset of the requested time zone.")
    )
    local_end = serializers.CharField(
        help_text=_("ISO 8601 with the offset of the requested time zone.")
    )
    ref = serializers.CharField(help_text=_('The "session_slot" purchasable reference.'))


class SessionSlotsOutput(serializers.Serializer):
    timezone = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    slots = SessionSlotOutput(many=True)


class SessionSlotsQuery(StrictSerializer):
    start = serializers.DateField(required=False, help_text=_("First day (default: today)."))
    end = serializers.DateField(required=False, help_text=_("Last day (default: start + 13)."))
    tz = serializers.CharField(
        max_length=64, required=False, help_text=_("IANA time zone (default: yours, or UTC).")
    )


class MentorSettingsOutput(serializers.Serializer):
    timezone = serializers.CharField()
    buffer_minutes = serializers.IntegerField()
    min_notice_hours = serializers.IntegerField()
    horizon_days = serializers.IntegerField()


class MentorSettingsInput(StrictSerializer):
    timezone = serializers.CharField(max_length=64)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=MAX_BUFFER_MINUTES)
    min_notice_hours = serializers.IntegerField(min_value=0, max_value=MAX_NOTICE_HOURS)
    horizon_days = serializers.IntegerField(min_value=1, max_value=MAX_HORIZON_DAYS)


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "14:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day answered as ``HH:MM`` (OpenAPI's ``time`` format would need seconds)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class AvailabilityRuleSerializer(StrictSerializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, help_text=_("0 = Monday ... 6 = Sunday.")
    )
    start_time = HourMinuteField()
    end_time = HourMinuteField()


class AvailabilityRulesInput(StrictSerializer):
    rules = AvailabilityRuleSerializer(many=True, max_length=MAX_WEEKLY_RULES)


class AvailabilityOutput(serializers.Serializer):
    timezone = serializers.CharField()
    rules = AvailabilityRuleSerializer(many=True)


class AvailabilityExceptionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    date = serializers.DateField()
    day_off = serializers.BooleanField(source="is_day_off")
    start_time = HourMinuteField(allow_null=True)
    end_time = HourMinuteField(allow_null=True)


class AvailabilityExceptionInput(StrictSerializer):
    date = serializers.DateField()
    start_time = serializers.TimeField(
        required=False, allow_null=True, help_text=_("Leave out for a day off.")
    )
    end_time = serializers.TimeField(required=False, allow_null=True)


class ReservedOfferingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    topic = serializers.CharField()


class SlotReservationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    offering = ReservedOfferingOutput()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    price = serializers.SerializerMethodField()
    client = serializers.SerializerMethodField()
    mentor = serializers.SerializerMethodField()
    status = serializers.CharField()

    @extend_schema_field(CatalogPriceOutput)
    def get_price(self, obj):
        return _money(obj.price_money)

    def get_client(self, obj) -> str:
        return selectors.seller_display_name(obj.client)

    def get_mentor(self, obj) -> str:
        return selectors.seller_display_name(obj.mentor)
