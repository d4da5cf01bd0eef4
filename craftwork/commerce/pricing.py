"""Money per line and for the whole cart, with the fee schedule of each line's category.

Each line is priced on its own (``payments.fees``: the client fee of the line's category on top
of its subtotal), exactly as the split payment charges it; the totals are the sums of the lines.
The fee schedule is read once per (currency, category) however many lines share it, so a cart
of 50 lines of one category costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from craftwork.core.money import Money
from craftwork.payments.fees import FeeBreakdown, compute_breakdown, fee_rates


class FeeTable:
    """Memoised ``fee_rates`` for one computation (a page, a request, a checkout)."""

    def __init__(self):
        self._rates: dict = {}

    def breakdown(self, subtotal: Money, category_slug: str | None) -> FeeBreakdown:
        key = (subtotal.currency, category_slug or None)
        if key not in self._rates:
            self._rates[key] = fee_rates(subtotal.currency, category_slug or None)
        return compute_breakdown(subtotal, self._rates[key])


@dataclass(frozen=True)
class Totals:
    subtotal: Money
    client_fee: Money
    total: Money
    platform_fee: Money
    provider_net: Money

    @classmethod
    def of(cls, breakdowns: list[FeeBreakdown], currency: str) -> Totals:
        zero = Money.zero(currency)
        sums = {name: zero for name in ("subtotal", "client_fee", "total", "platform_fee")}
        sums["provider_net"] = zero
        for breakdown in breakdowns:
            for name in sums:
                sums[name] = sums[name] + getattr(breakdown, name)
        return cls(**sums)

    def as_dict(self) -> dict:
        return {
            name: getattr(self, name).as_dict()
            for name in ("subtotal", "client_fee", "total", "platform_fee", "provider_net")
        }


@dataclass(frozen=True)
class PricedLine:
    line: object  # a CartLine (or anything with unit_price, quantity, category_slug)
    breakdown: FeeBreakdown


def price_lines(lines, fees: FeeTable | None = None) -> tuple[list[PricedLine], Totals | None]:
    """Each line's fee breakdown from its snapshot price, and the totals (None when empty)."""
    fees = fees or FeeTable()
    priced = [
        PricedLine(line, fees.breakdown(line.subtotal, line.category_slug or None))
        for line in lines
    ]
    if not priced:
        return priced, None
    return priced, Totals.of([p.breakdown for p in priced], priced[0].breakdown.subtotal.currency)
