"""Fee rates and the breakdown of a price into what each side pays and receives.

Both fees are basis points of the subtotal, rounded half up to the minor unit
(``Money.fee``). The client fee is at least the schedule's minimum (never on a zero
subtotal). The parts always add up: ``subtotal + client_fee == total`` and
``platform_fee + provider_net == subtotal``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.core.money import Money

from .models import FeeSchedule

DEFAULT_PLATFORM_FEE_BPS = 1000
DEFAULT_CLIENT_FEE_BPS = 500
# The most one payment may charge (Stripe's limit: eight digits of minor units).
MAX_CHARGE_MINOR = 99_999_999


@dataclass(frozen=True)
class FeeRates:
    platform_fee_bps: int = DEFAULT_PLATFORM_FEE_BPS
    client_fee_bps: int = DEFAULT_CLIENT_FEE_BPS
    client_fee_min_minor: int = 0


@dataclass(frozen=True)
class FeeBreakdown:
    subtotal: Money  # the price the provider set
    client_fee: Money  # service fee added on top for the client
    total: Money  # what the client is charged
    platform_fee: Money  # taken from the provider's side
    provider_net: Money  # what the provider receives
    platform_fee_bps: int
    client_fee_bps: int

    def as_dict(self) -> dict:
        money = ("subtotal", "client_fee", "total", "platform_fee", "provider_net")
        data = {name: getattr(self, name).as_dict() for name in money}
        data.update(platform_fee_bps=self.platform_fee_bps, client_fee_bps=self.client_fee_bps)
        return data


def compute_breakdown(subtotal: Money, rates: FeeRates) -> FeeBreakdown:
    if not isinstance(subtotal, Money):
        raise TypeError("subtotal must be Money")
    if subtotal.is_negative:
        raise ValueError("a price cannot be negative")
    client_fee = subtotal.fee(rates.client_fee_bps)
    if subtotal.is_positive:
        client_fee = max(client_fee, Money(rates.client_fee_min_minor, subtotal.currency))
    platform_fee, provider_net = subtotal.split_fee(rates.platform_fee_bps)
    return FeeBreakdown(
        subtotal=subtotal,
        client_fee=client_fee,
        total=subtotal + client_fee,
        platform_fee=platform_fee,
        provider_net=provider_net,
        platform_fee_bps=rates.platform_fee_bps,
        client_fee_bps=rates.client_fee_bps,
    )


def _specificity(schedule: FeeSchedule) -> tuple[bool, bool]:
    return (schedule.category_slug != "", schedule.currency != "")


def fee_rates(currency: str, category_slug: str | None = None) -> FeeRates:
    """The most specific schedule for the category and currency (one query)."""
    scope = Q(category_slug="") | Q(category_slug=category_slug or "")
    candidates = FeeSchedule.objects.filter(scope, Q(currency="") | Q(currency=currency))
    best = max(candidates, key=_specificity, default=None)
    if best is None:
        return FeeRates()
    return FeeRates(best.platform_fee_bps, best.client_fee_bps, best.client_fee_min_minor)


def fee_breakdown(amount: Money, category_slug: str | None = None) -> FeeBreakdown:
    """Split a price (the subtotal) with the current fee schedule."""
    return compute_breakdown(amount, fee_rates(amount.currency, category_slug))


def max_chargeable(currency: str, category_slug: str | None = None) -> Money:
    """The largest price that one payment can charge: price + client service fee (by the
    current schedule) stays within ``MAX_CHARGE_MINOR``. The total only grows with the price,
    so a binary search over the price finds it."""
    rates = fee_rates(currency, category_slug)
    low, high = 0, MAX_CHARGE_MINOR
    while low < high:
        middle = (low + high + 1) // 2
        if compute_breakdown(Money(middle, currency), rates).total.minor <= MAX_CHARGE_MINOR:
            low = middle
        else:
            high = middle - 1
    return Money(low, currency)


def check_chargeable(amount: Money, category_slug: str | None = None, field: str = "amount"):
    """Refuse (``amount_not_chargeable``, a field error on ``field``) a price that could never
    be paid in one payment; prices are checked when they are proposed, not when funded."""
    limit = max_chargeable(amount.currency, category_slug)
    if amount > limit:
        message = _("At most %(limit)s: with the service fee a larger amount cannot be paid.") % {
            "limit": limit.format()
        }
        raise ValidationFailed(
            message,
            code="amount_not_chargeable",
            details={field: [message], "max_amount": limit.as_dict()},
        )
    return amount
