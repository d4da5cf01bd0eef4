"""The terms a contract is created with: a snapshot, never edited after acceptance.

Limits (every amount is checked in minor units of the contract currency):

* a price (fixed total, milestone, gig or session price) is at least one minor unit and at
  most ``10 ** (6 + max(exponent, 2))`` minor units (1,000,000.00 USD, 100,000,000 JPY);
* an hourly rate is at most ``10 ** (4 + max(exponent, 2))`` minor units (10,000.00 USD/h);
* a weekly limit is 1 to 168 hours, given in minutes;
* a fixed-price milestone (or a fixed total without milestones, which becomes one) is charged
  in one payment, so with its client service fee it must fit in one charge
  (``payments.fees.check_chargeable``, code ``amount_not_chargeable``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from craftwork.core.errors import ValidationFailed
from craftwork.core.money import Money, currency_info
from craftwork.payments.fees import check_chargeable

KINDS = ("fixed", "hourly", "gig", "session")
POLICIES = ("flexible", "moderate", "strict")
MAX_WEEKLY_MINUTES = 168 * 60
MAX_MILESTONES = 50
MAX_REVIEW_WINDOW_DAYS = 60
MAX_TITLE_LENGTH = 200


def max_price_minor(currency: str) -> int:
    return 10 ** (6 + max(currency_info(currency).exponent, 2))


def max_rate_minor(currency: str) -> int:
    return 10 ** (4 + max(currency_info(currency).exponent, 2))


def check_price(amount, currency: str, field_name: str = "amount") -> Money:
    """A positive, not absurd price in the contract's currency (raises ValidationFailed)."""
    if not isinstance(amount, Money):
        raise ValidationFailed(
            _("An amount is required."), code="invalid_amount", details={field_name: _("Required.")}
        )
    if amount.currency != currency:
        raise ValidationFailed(
            _("Amounts must be in the contract currency (%(currency)s).") % {"currency": currency},
            code="currency_mismatch",
            details={field_name: [_("Use %(currency)s.") % {"currency": currency}]},
        )
    if not amount.is_positive:
        raise ValidationFailed(
            _("The amount must be greater than zero."),
            code="invalid_amount",
            details={field_name: [_("Must be greater than zero.")]},
        )
    if amount.minor > max_price_minor(currency):
        limit = Money(max_price_minor(currency), currency).format()
        raise ValidationFailed(
            _("The amount is too large (%(limit)s at most).") % {"limit": limit},
            code="amount_too_large",
            details={field_name: [_("At most %(limit)s.") % {"limit": limit}]},
        )
    return amount


@dataclass(frozen=True)
class ContractTerms:
    kind: str
    currency: str
    amount: Money | None = None
    hourly_rate: Money | None = None
    weekly_limit_minutes: int | None = None
    platform_fee_bps: int = 1000
    cancellation_policy: str = "moderate"
    milestones: list = field(default_factory=list)  # [(title, Money, date | None)]
    review_window_days: int | None = None  # None: settings.CONTRACT_REVIEW_WINDOW_DAYS
    revisions_allowed: int | None = None
    delivery_days: int | None = None
    category_slug: str | None = None

    def validate(self) -> ContractTerms:
        """Raise ValidationFailed (code ``invalid_terms``, details per field) unless coherent."""
        errors: dict[str, list[str]] = {}
        try:
            currency_info(self.currency)
        except ValidationFailed:
            raise ValidationFailed(
                _("This currency is not supported."),
                code="invalid_terms",
                details={"currency": [_("Unsupported currency.")]},
            ) from None
        if self.kind not in KINDS:
            errors["kind"] = [_("Unknown contract type.")]
        if self.cancellation_policy not in POLICIES:
            errors["cancellation_policy"] = [_("Unknown cancellation policy.")]
        if not _int_between(self.platform_fee_bps, 0, 10_000):
            errors["platform_fee_bps"] = [_("Between 0 and 10000 basis points.")]
        if not _int_between(self.review_window_days, 1, MAX_REVIEW_WINDOW_DAYS):
            errors["review_window_days"] = [_("Between 1 and 60 days.")]
        if self.revisions_allowed is not None and not _int_between(self.revisions_allowed, 0, 100):
            errors["revisions_allowed"] = [_("Between 0 and 100.")]
        if self.delivery_days is not None and not _int_between(self.delivery_days, 1, 365):
            errors["delivery_days"] = [_("Between 1 and 365 days.")]
        if self.kind == "hourly":
            self._validate_hourly(errors)
        elif self.kind in KINDS:
            self._validate_priced(errors)
        if errors:
            raise ValidationFailed(
                _("The contract terms are not valid."), code="invalid_terms", details=errors
            )
        return self

    def _validate_hourly(self, errors: dict) -> None:
        rate = self.hourly_rate
        if not isinstance(rate, Money) or rate.currency != self.currency or not rate.is_positive:
            errors["hourly_rate"] = [_("A positive hourly rate in the contract currency.")]
        elif rate.minor > max_rate_minor(self.currency):
            errors["hourly_rate"] = [_("The hourly rate is too large.")]
        if not _int_between(self.weekly_limit_minutes, 60, MAX_WEEKLY_MINUTES):
            errors["weekly_limit_minutes"] = [_("Between 1 and 168 hours a week.")]
        if self.milestones:
            errors["milestones"] = [_("Hourly contracts have no milestones.")]

    def _validate_priced(self, errors: dict) -> None:
        total = None
        if self.amount is not None:
            try:
                total = check_price(self.amount, self.currency)
            except ValidationFailed as exc:
                errors["amount"] = [exc.message]
                return
        if len(self.milestones) > MAX_MILESTONES:
            errors["milestones"] = [_("At most 50 milestones.")]
            return
        parts = [
            self._milestone_errors(index, m, errors) for index, m in enumerate(self.milestones)
        ]
        if errors:
            return
        if total is None and not parts:
            errors["amount"] = [_("A price or at least one milestone is required.")]
            return
        if self.kind == "fixed":
            self._chargeable_errors(
                parts or [total], "milestones.{}.amount" if parts else "amount", errors
            )
        if errors:
            return
        if total is not None and parts and sum(p.minor for p in parts) != total.minor:
            errors["milestones"] = [_("The milestones must add up to the total amount.")]

    def _chargeable_errors(self, amounts: list[Money], field: str, errors: dict) -> None:
        """Each milestone is funded by one payment: it must be chargeable with its fee."""
        for index, amount in enumerate(amounts):
            name = field.format(index)
            try:
                check_chargeable(amount, self.category_slug, name)
            except ValidationFailed as exc:
                errors[name] = [exc.message]

    def _milestone_errors(self, index: int, milestone, errors: dict):
        try:
            title, amount, due = milestone
        except (TypeError, ValueError):
            errors[f"milestones.{index}"] = [_("A milestone is (title, amount, due date).")]
            return None
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_LENGTH:
            errors[f"milestones.{index}.title"] = [_("A title of 1 to 200 characters.")]
        if due is not None and not isinstance(due, date):
            errors[f"milestones.{index}.due_date"] = [_("A date.")]
        try:
            return check_price(amount, self.currency, f"milestones.{index}.amount")
        except ValidationFailed as exc:
            errors[f"milestones.{index}.amount"] = [exc.message]
            return None

    @property
    def total(self) -> Money | None:
        if self.amount is not None:
            return self.amount
        if self.milestones:
            return Money(sum(m[1].minor for m in self.milestones), self.currency)
        return None


def _int_between(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
