"""Plans: staff change a plan's terms by creating its next version (subscribers of an earlier
version keep it); the current version is the newest."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import NotFound
from craftwork.core.money import MAX_MINOR, currency_info

from .errors import InvalidPlan
from .models import MAX_CREDITS, Interval, Plan, PlanPrice, PlanVersion

TERMS = (
    "trial_days",
    "credits_per_period",
    "credit_rollover_cap",
    "max_open_openings",
    "max_seats",
    "ai_interviews_per_month",
    "features",
)
MAX_FEATURES = 30
LIMIT_MAX = {
    "trial_days": 365,
    "credits_per_period": MAX_CREDITS,
    "credit_rollover_cap": MAX_CREDITS,
    "max_open_openings": 100_000,
    "max_seats": 100_000,
    "ai_interviews_per_month": 100_000,
}
NULLABLE = {"max_open_openings", "max_seats", "ai_interviews_per_month"}


def current_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def _clean_int(field: str, value):
    if value is None and field in NULLABLE:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LIMIT_MAX[field]:
        raise InvalidPlan(
            _("%(field)s must be a whole number from 0 to %(max)d.")
            % {"field": field, "max": LIMIT_MAX[field]},
            details={"field": field},
        )
    return value


def _clean_features(value) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_FEATURES:
        raise InvalidPlan(_("Features are a list of names."), details={"field": "features"})
    for item in value:
        if not isinstance(item, str) or not item or len(item) > 40 or not item.isidentifier():
            raise InvalidPlan(_("Features are a list of names."), details={"field": "features"})
    return sorted(set(value))


def _clean_prices(plan: Plan, prices) -> list[tuple[str, str, int]]:
    if not isinstance(prices, list) or len(prices) > 50:
        raise InvalidPlan(_("Prices are a list."), details={"field": "prices"})
    seen: set[tuple[str, str]] = set()
    rows = []
    for row in prices:
        if not isinstance(row, dict) or set(row) != {"interval", "currency", "amount"}:
            raise InvalidPlan(
                _("Each price has an interval, a currency and an amount."),
                details={"field": "prices"},
            )
        interval, currency, amount = row["interval"], row["currency"], row["amount"]
        if interval not in Interval.values:
            raise InvalidPlan(_("Unknown interval."), details={"field": "prices"})
        currency_info(currency)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_MINOR:
            raise InvalidPlan(
                _("A price is a positive amount in minor units."), details={"field": "prices"}
            )
        if (interval, currency) in seen:
            raise InvalidPlan(_("A price is listed twice."), details={"field": "prices"})
        seen.add((interval, currency))
        rows.append((interval, currency, amount))
    if plan.is_free_tier and rows:
        raise InvalidPlan(_("A free tier has no prices."), details={"field": "prices"})
    if not plan.is_free_tier and not rows:
        raise InvalidPlan(_("A paid plan needs at least one price."), details={"field": "prices"})
    return rows


def plan_version_create(*, actor, plan: Plan, **changes) -> PlanVersion:
    """The next version of ``plan``: the current terms and prices with ``changes`` applied
    (``prices`` replaces the whole price list)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    unknown = set(changes) - set(TERMS) - {"prices"}
    if unknown:
        raise InvalidPlan(_("Unknown field."), details={"fields": sorted(unknown)})
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)  # versions numbered in turn
        current = current_version(plan)
        terms = {field: getattr(current, field) for field in TERMS} if current else {}
        terms.update({k: v for k, v in changes.items() if k != "prices"})
        cleaned = {
            field: (
                _clean_features(terms.get(field, []))
                if field == "features"
                else _clean_int(field, terms.get(field, None if field in NULLABLE else 0))
            )
            for field in TERMS
        }
        if "prices" in changes:
            prices = _clean_prices(plan, changes["prices"])
        else:
            prices = (
                [(p.interval, p.currency, p.amount) for p in current.prices.all()]
                if current
                else []
            )
            _clean_prices(plan, [{"interval": i, "currency": c, "amount": a} for i, c, a in prices])
        version = PlanVersion.objects.create(
            plan=plan,
            number=(current.number + 1) if current else 1,
            created_by=actor,
            **cleaned,
        )
        PlanPrice.objects.bulk_create(
            PlanPrice(version=version, interval=i, currency=c, amount=a) for i, c, a in prices
        )
        audit(
            actor=actor,
            action="billing.plan_version_created",
            target=version,
            details={"plan": plan.slug, "number": version.number},
        )
    return version


def public_plans(audience: str | None = None):
    """Public plans, each with ``current`` (its newest version, prices prefetched)."""
    plans = Plan.objects.filter(is_public=True).order_by("audience", "position", "slug")
    if audience:
        plans = plans.filter(audience=audience)
    versions = PlanVersion.objects.order_by("plan_id", "-number").prefetch_related("prices")
    plans = list(plans.prefetch_related(Prefetch("versions", queryset=versions)))
    for plan in plans:
        all_versions = list(plan.versions.all())
        plan.current = all_versions[0] if all_versions else None
    return [plan for plan in plans if plan.current is not None]
