"""The gig catalog search: one FilterSet used by the public API list and the web catalog page."""

import django_filters
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from craftwork.profiles.models import Currency

from .models import MAX_DELIVERY_DAYS, MAX_PRICE_MINOR, Category, Gig

MAX_SEARCH_TERMS = 8

ORDERING_CHOICES = [
    ("relevance", _("Best match")),
    ("newest", _("Newest first")),
    ("price", _("Lowest price")),
    ("-price", _("Highest price")),
    ("rating", _("Best rated")),
]
ORDERINGS = {
    "relevance": [F("relevance").desc(), "-published_at", "-id"],
    "newest": ["-published_at", "-id"],
    "price": ["min_price", "-published_at", "-id"],
    "-price": [F("min_price").desc(), "-published_at", "-id"],
    "rating": [
        F("rating_average").desc(nulls_last=True),
        F("rating_count").desc(nulls_last=True),
        "-published_at",
        "-id",
    ],
}
DELIVERY_CHOICES = [(1, _("Within 24 hours")), (3, _("Up to 3 days")), (7, _("Up to 7 days"))]
RATING_CHOICES = [("4.5", _("4.5 and up")), ("4", _("4 and up")), ("3", _("3 and up"))]


def search_terms(value: str) -> list[str]:
    return value.split()[:MAX_SEARCH_TERMS]


def relevance_expression(terms: list[str]):
    """A match score: a term in the title counts most, then in the tags, then in the description."""
    score = Value(0)
    for term in terms:
        score = (
            score
            + Case(When(title__icontains=term, then=Value(4)), default=Value(0))
            + Case(When(tags__icontains=term, then=Value(2)), default=Value(0))
            + Case(When(description__icontains=term, then=Value(1)), default=Value(0))
        )
    return score


class GigFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label=_("Search"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_category",
        label=_("Category"),
        empty_label=_("Any category"),
    )
    skill = django_filters.CharFilter(
        field_name="skills__slug", max_length=80, label=_("Skill (slug)")
    )
    currency = django_filters.ChoiceFilter(
        choices=Currency.choices, label=_("Currency"), empty_label=_("Any currency")
    )
    min_price = django_filters.NumberFilter(
        field_name="min_price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE_MINOR,
        label=_("Minimum price (cents)"),
    )
    max_price = django_filters.NumberFilter(
        field_name="min_price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE_MINOR,
        label=_("Maximum price (cents)"),
    )
    max_delivery_days = django_filters.NumberFilter(
        field_name="min_delivery_days",
        lookup_expr="lte",
        min_value=1,
        max_value=MAX_DELIVERY_DAYS,
        label=_("Delivery within (days)"),
    )
    min_rating = django_filters.NumberFilter(
        field_name="rating_average",
        lookup_expr="gte",
        min_value=1,
        max_value=5,
        label=_("Minimum seller rating"),
    )
    verified = django_filters.BooleanFilter(
        method="filter_verified", label=_("Verified sellers only")
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_noop", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Gig
        fields: list = []

    def filter_q(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(description__icontains=term) | Q(tags__icontains=term)
            )
        return queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_category(self, queryset, name, value):
        from .selectors import category_descendant_ids

        return queryset.filter(category_id__in=category_descendant_ids(value))

    def filter_verified(self, queryset, name, value):
        if not value:
            return queryset
        from .selectors import verified_seller_ids

        queryset = queryset.filter(seller__email_verified_at__isnull=False)
        candidates = set(queryset.values_list("seller_id", flat=True).distinct())
        return queryset.filter(seller_id__in=verified_seller_ids(candidates))

    def filter_noop(self, queryset, name, value):
        return queryset  # applied in filter_queryset, with the search terms

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        terms = search_terms(data.get("q") or "")
        ordering = data.get("ordering") or ("relevance" if terms else "newest")
        if ordering == "relevance":
            if not terms:
                ordering = "newest"
            else:
                queryset = queryset.alias(relevance=relevance_expression(terms))
        return queryset.order_by(*ORDERINGS[ordering])
