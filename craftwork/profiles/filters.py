"""The freelancer search: one FilterSet used by the API list and the web list page."""

import math
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .countries import COUNTRY_CHOICES
from .models import (
    MAX_SERVICE_RADIUS_KM,
    Availability,
    Currency,
    FreelancerProfile,
    FreelancerSkill,
    Skill,
    SkillCategory,
    WorkMode,
)

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = 111.045
DEFAULT_RADIUS_KM = 50
MAX_SEARCH_TERMS = 8

ORDERING_CHOICES = [
    ("newest", _("Newest first")),
    ("rate", _("Lowest rate")),
    ("-rate", _("Highest rate")),
    ("distance", _("Nearest")),
]
ORDERINGS = {
    "newest": ["-published_at", "-id"],
    "rate": [F("hourly_rate").asc(nulls_last=True), "-published_at", "-id"],
    "-rate": [F("hourly_rate").desc(nulls_last=True), "-published_at", "-id"],
    "distance": ["distance_km", "-published_at", "-id"],
}


class LatLngField(forms.CharField):
    """ "lat,lng" in decimal degrees -> (Decimal, Decimal)."""

    default_error_messages = {
        "invalid": _('Give a location as "latitude,longitude", e.g. 40.4168,-3.7038.')
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 2:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            lat, lng = (Decimal(part.strip()) for part in parts)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not (lat.is_finite() and lng.is_finite() and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return lat, lng


@extend_schema_field(OpenApiTypes.STR)
class LatLngFilter(django_filters.Filter):
    field_class = LatLngField


def distance_km_expression(lat: float, lng: float):
    """Great-circle (haversine) distance in km from (lat, lng) to each profile, computed in SQL."""
    lat_rad, lng_rad = math.radians(lat), math.radians(lng)
    profile_lat = Radians(Cast("latitude", FloatField()))
    profile_lng = Radians(Cast("longitude", FloatField()))
    half_chord = Power(Sin((profile_lat - Value(lat_rad)) / 2), 2) + Value(math.cos(lat_rad)) * Cos(
        profile_lat
    ) * Power(Sin((profile_lng - Value(lng_rad)) / 2), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(Value(1.0), half_chord)))


def bounding_box(lat: float, lng: float, radius_km: float) -> Q:
    """A cheap, index-friendly prefilter: every point within ``radius_km`` lies inside this box."""
    lat_delta = radius_km / KM_PER_DEGREE_LATITUDE
    box = Q(latitude__gte=lat - lat_delta, latitude__lte=lat + lat_delta)
    cos_lat = math.cos(math.radians(lat))
    if cos_lat > 0.01:
        lng_delta = radius_km / (KM_PER_DEGREE_LATITUDE * cos_lat)
        if (
            lng - lng_delta >= -180 and lng + lng_delta <= 180
        ):  # boxes across the antimeridian: latitude only
            box &= Q(longitude__gte=lng - lng_delta, longitude__lte=lng + lng_delta)
    return box


class FreelancerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Search"))
    skill = django_filters.ModelMultipleChoiceFilter(
        queryset=Skill.objects.all(),
        to_field_name="slug",
        method="filter_skills",
        label=_("Skills"),
    )
    category = django_filters.ModelChoiceFilter(
        queryset=SkillCategory.objects.all(),
        to_field_name="slug",
        method="filter_category",
        label=_("Category"),
        empty_label=_("Any category"),
    )
    country = django_filters.ChoiceFilter(
        choices=COUNTRY_CHOICES, label=_("Country"), empty_label=_("Any country")
    )
    city = django_filters.CharFilter(lookup_expr="iexact", max_length=100, label=_("City"))
    currency = django_filters.ChoiceFilter(
        choices=Currency.choices, label=_("Currency"), empty_label=_("Any currency")
    )
    min_rate = django_filters.NumberFilter(
        field_name="hourly_rate", lookup_expr="gte", min_value=0, label=_("Minimum rate (cents)")
    )
    max_rate = django_filters.NumberFilter(
        field_name="hourly_rate", lookup_expr="lte", min_value=0, label=_("Maximum rate (cents)")
    )
    work_mode = django_filters.ChoiceFilter(
        choices=WorkMode.choices,
        method="filter_work_mode",
        label=_("Work mode"),
        empty_label=_("Any"),
    )
    availability = django_filters.ChoiceFilter(
        choices=Availability.choices, label=_("Availability"), empty_label=_("Any")
    )
    near = LatLngFilter(method="filter_noop", label=_("Near (latitude,longitude)"))
    radius_km = django_filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=MAX_SERVICE_RADIUS_KM, label=_("Radius (km)")
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES,
        method="filter_noop",
        label=_("Sort by"),
        empty_label=_("Default"),
    )

    class Meta:
        model = FreelancerProfile
        fields: list = []

    def filter_q(self, queryset, name, value):
        for term in value.split()[:MAX_SEARCH_TERMS]:
            queryset = queryset.filter(
                Q(headline__icontains=term)
                | Q(bio__icontains=term)
                | Q(user__first_name__icontains=term)
                | Q(user__last_name__icontains=term)
            )
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_skills(self, queryset, name, value):
        for skill in value:  # every listed skill is required
            queryset = queryset.filter(
                Exists(FreelancerSkill.objects.filter(profile=OuterRef("pk"), skill=skill))
            )
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_category(self, queryset, name, value):
        return queryset.filter(
            Exists(FreelancerSkill.objects.filter(profile=OuterRef("pk"), skill__category=value))
        )

    def filter_work_mode(self, queryset, name, value):
        if value == WorkMode.BOTH:
            return queryset.filter(work_mode=WorkMode.BOTH)
        return queryset.filter(work_mode__in=[value, WorkMode.BOTH])

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        near = data.get("near")
        if near:
            queryset = self._filter_near(queryset, near, data.get("radius_km") or DEFAULT_RADIUS_KM)
        ordering = data.get("ordering") or ("distance" if near else "newest")
        if ordering == "distance" and not near:
            ordering = "newest"
        return queryset.order_by(*ORDERINGS[ordering])

    def _filter_near(self, queryset, near, radius_km):
        lat, lng, radius = float(near[0]), float(near[1]), float(radius_km)
        return (
            queryset.filter(bounding_box(lat, lng, radius))
            .annotate(distance_km=distance_km_expression(lat, lng))
            .filter(distance_km__lte=radius)
        )
