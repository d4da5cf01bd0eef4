"""The open-jobs search: one FilterSet used by the API list and the web list page.

Distance reuses the profiles search's helpers (bounding box prefilter + haversine in SQL).
"""

from datetime import datetime, time

import django_filters
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from craftwork.profiles.filters import (
    DEFAULT_RADIUS_KM,
    MAX_SEARCH_TERMS,
    LatLngFilter,
    bounding_box,
    distance_km_expression,
)
from craftwork.profiles.models import Currency, Skill, SkillCategory

from .models import MAX_FIXED_AMOUNT_MINOR, MAX_RADIUS_KM, BudgetType, Job, LocationType

ORDERING_CHOICES = [
    ("newest", _("Newest first")),
    ("budget", _("Lowest budget")),
    ("-budget", _("Highest budget")),
    ("starts", _("Soonest start")),
    ("distance", _("Nearest")),
]
ORDERINGS = {
    "newest": ["-published_at", "-id"],
    "budget": ["budget_sort", "-published_at", "-id"],
    "-budget": ["-budget_sort", "-published_at", "-id"],
    "starts": ["starts_sort", "-published_at", "-id"],
    "distance": ["distance_km", "-published_at", "-id"],
}


class JobFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Search"))
    category = django_filters.ModelChoiceFilter(
        queryset=SkillCategory.objects.all(),
        to_field_name="slug",
        label=_("Category"),
        empty_label=_("Any category"),
    )
    skills = django_filters.ModelMultipleChoiceFilter(
        queryset=Skill.objects.all(),
        to_field_name="slug",
        method="filter_skills",
        label=_("Skills"),
        help_text=_("Jobs asking for any of these skills."),
    )
    budget_type = django_filters.ChoiceFilter(
        choices=BudgetType.choices, label=_("Budget type"), empty_label=_("Any")
    )
    currency = django_filters.ChoiceFilter(
        choices=Currency.choices, label=_("Currency"), empty_label=_("Any currency")
    )
    min_budget = django_filters.NumberFilter(
        method="filter_min_budget",
        min_value=0,
        max_value=MAX_FIXED_AMOUNT_MINOR,
        label=_("Minimum budget (minor units)"),
        help_text=_("Fixed budget at least this, or an hourly range reaching it."),
    )
    max_budget = django_filters.NumberFilter(
        method="filter_max_budget",
        min_value=0,
        max_value=MAX_FIXED_AMOUNT_MINOR,
        label=_("Maximum budget (minor units)"),
        help_text=_("Fixed budget at most this, or an hourly range starting at or below it."),
    )
    location_type = django_filters.ChoiceFilter(
        choices=LocationType.choices, label=_("Remote or on-site"), empty_label=_("Any")
    )
    near = LatLngFilter(method="filter_noop", label=_("Near (latitude,longitude)"))
    radius_km = django_filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=MAX_RADIUS_KM, label=_("Radius (km)")
    )
    date_from = django_filters.DateFilter(method="filter_noop", label=_("Available from"))
    date_to = django_filters.DateFilter(method="filter_noop", label=_("Available until"))
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_noop", label=_("Sort by"), empty_label=_("Default")
    )

    class Meta:
        model = Job
        fields: list = []

    def filter_q(self, queryset, name, value):
        for term in value.split()[:MAX_SEARCH_TERMS]:
            queryset = queryset.filter(Q(title__icontains=term) | Q(description__icontains=term))
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_skills(self, queryset, name, value):
        if not value:
            return queryset
        # An IN list of the jobs asking for these skills (not a correlated EXISTS per job), so
        # the database can start from the skills' rows instead of every job in the category.
        through = Job.skills.through
        return queryset.filter(
            pk__in=through.objects.filter(skill__in=list(value)).values("job_id")
        )

    def filter_min_budget(self, queryset, name, value):
        value = int(value)
        return queryset.filter(Q(budget__gte=value) | Q(hourly_rate_max__gte=value))

    def filter_max_budget(self, queryset, name, value):
        value = int(value)
        return queryset.filter(Q(budget__lte=value) | Q(hourly_rate_min__lte=value))

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = self._filter_dates(queryset, data.get("date_from"), data.get("date_to"))
        near = data.get("near")
        if near:
            queryset = _filter_near(queryset, near, data.get("radius_km") or DEFAULT_RADIUS_KM)
        ordering = data.get("ordering") or ("distance" if near else "newest")
        if ordering == "distance" and not near:
            ordering = "newest"
        return _annotate_sorts(queryset, ordering).order_by(*ORDERINGS[ordering])

    def _filter_dates(self, queryset, date_from, date_to):
        """Jobs whose window overlaps [date_from, date_to]; flexible jobs fit any window."""
        if not (date_from or date_to):
            return queryset
        scheduled = Q(schedule_flexible=False)
        if date_from:
            start = timezone.make_aware(datetime.combine(date_from, time.min))
            scheduled &= Q(ends_at__gte=start) | Q(ends_at__isnull=True, starts_at__gte=start)
        if date_to:
            end = timezone.make_aware(datetime.combine(date_to, time.max))
            scheduled &= Q(starts_at__lte=end)
        return queryset.filter(Q(schedule_flexible=True) | scheduled)


def _filter_near(queryset, near, radius_km):
    lat, lng, radius = float(near[0]), float(near[1]), float(radius_km)
    return (
        queryset.filter(location_type=LocationType.ONSITE)
        .filter(bounding_box(lat, lng, radius))
        .annotate(distance_km=distance_km_expression(lat, lng))
        .filter(distance_km__lte=radius)
    )


def _annotate_sorts(queryset, ordering: str):
    if ordering in ("budget", "-budget"):
        # A BigInteger and a PositiveInteger: Django needs the common type spelled out.
        return queryset.annotate(
            budget_sort=Coalesce("budget", "hourly_rate_max", output_field=BigIntegerField())
        )
    if ordering == "starts":
        return queryset.annotate(starts_sort=Coalesce("starts_at", "published_at"))
    return queryset
