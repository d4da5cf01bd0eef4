"""The double-entry ledger and the records the money services keep beside it.

Sign convention: every entry is a signed amount and an account's balance is the sum
of its entries. Money the platform holds for someone (escrow, wallets, revenue) is
positive; ``provider_clearing`` is the counterpart for money entering or leaving through
the payment provider, so it goes negative as clients pay in. See docs/money.md.

Only ``craftwork.payments.ledger.post_transaction`` writes entries and balances.
"""

from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.core.money import CURRENCY_CHOICES, Money

BPS_MAX = 10_000


class AppendOnlyError(RuntimeError):
    """Ledger rows are never changed or deleted; corrections are new transactions."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")


class AppendOnlyModel(BaseModel):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AccountKind(models.TextChoices):
    # Money in transit through the payment provider (the outside world). Funding
    # takes from it, refunds and paid-out payouts give back; it may go negative.
    PROVIDER_CLEARING = "provider_clearing", _("Provider clearing")
    # What a client paid for one contract and nobody has received yet.
    CONTRACT_ESCROW = "contract_escrow", _("Contract escrow")
    # A provider's released earnings during the clearing period.
    USER_WALLET_PENDING = "user_wallet_pending", _("Pending earnings")
    # A provider's earnings that can be withdrawn.
    USER_WALLET_AVAILABLE = "user_wallet_available", _("Available balance")
    # A withdrawal on its way to the user's bank (reserved, not yet confirmed).
    PAYOUT_CLEARING = "payout_clearing", _("Payout in transit")
    # Fees the platform earned (platform fee on earnings, client service fee).
    PLATFORM_REVENUE = "platform_revenue", _("Platform revenue")


class AccountRule(NamedTuple):
    """How accounts of one kind are identified and whether they may go negative."""

    needs_owner: bool
    needs_reference: bool
    allow_negative: bool


ACCOUNT_RULES: dict[str, AccountRule] = {
    AccountKind.PROVIDER_CLEARING: AccountRule(False, False, True),
    AccountKind.PLATFORM_REVENUE: AccountRule(False, False, False),
    # Owner: the client who funded it; reference: the contract ("contract:<uuid>").
    AccountKind.CONTRACT_ESCROW: AccountRule(True, True, False),
    AccountKind.USER_WALLET_PENDING: AccountRule(True, False, False),
    AccountKind.USER_WALLET_AVAILABLE: AccountRule(True, False, False),
    AccountKind.PAYOUT_CLEARING: AccountRule(True, False, False),
}


class LedgerAccount(BaseModel):
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    # What the account is for beyond its owner, e.g. "contract:<uuid>" for an escrow.
    reference = models.CharField(max_length=200, blank=True)
    allow_negative = models.BooleanField(default=False)
    # A cache of the sum of this account's entries, written only by the posting
    # service under a row lock; `manage.py reconcile` checks it.
    balance = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["kind", "currency", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0),
                name="ledger_account_not_negative",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency", "owner", "reference"],
                condition=Q(owner__isnull=False),
                name="uniq_ledger_account_owned",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency", "reference"],
                condition=Q(owner__isnull=True),
                name="uniq_ledger_account_unowned",
            ),
            models.UniqueConstraint(
                fields=["currency", "reference"],
                condition=Q(kind="contract_escrow"),
                name="uniq_ledger_escrow_per_reference",
            ),
        ]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self):
        parts = [self.get_kind_display(), self.currency]
        if self.reference:
            parts.append(self.reference)
        return " · ".join(str(p) for p in parts)

    def save(self, *args, **kwargs):
        # A full save would write back a stale balance over concurrent postings.
        if self._state.adding:
            if self.balance != 0:
                raise AppendOnlyError("A ledger account starts at zero; post entries instead.")
        else:
            fields = kwargs.get("update_fields")
            if fields is None or "balance" in fields:
                raise AppendOnlyError("Save ledger accounts with update_fields, never the balance.")
        super().save(*args, **kwargs)

    @property
    def balance_money(self) -> Money:
        return Money(self.balance, self.currency)


class TransactionKind(models.TextChoices):
    ESCROW_FUND = "escrow_fund", _("Escrow funded")
    ESCROW_RELEASE = "escrow_release", _("Escrow released")
    ESCROW_REFUND = "escrow_refund", _("Escrow refunded")
    ESCROW_SPLIT = "escrow_split", _("Escrow split")
    EARNINGS_CLEAR = "earnings_clear", _("Earnings cleared")
    PAYOUT_RESERVE = "payout_reserve", _("Payout requested")
    PAYOUT_COMPLETE = "payout_complete", _("Payout completed")
    PAYOUT_FAIL = "payout_fail", _("Payout failed")
    ADJUSTMENT = "adjustment", _("Adjustment")


class LedgerTransaction(AppendOnlyModel):
    kind = models.CharField(max_length=32, choices=TransactionKind.choices)
    reference = models.CharField(max_length=200, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    memo = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}".strip()


class LedgerEntry(AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
            models.UniqueConstraint(
                fields=["transaction", "account"], name="uniq_ledger_entry_account_per_transaction"
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"], name="ledger_entry_account_time")]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.account}: {self.money}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class PendingEarning(BaseModel):
    """Net earnings credited to a provider's pending wallet, available after the clearing period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pending_earnings"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    source_transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="pending_earning"
    )
    available_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["available_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="pending_earning_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["available_at"],
                condition=Q(cleared_at__isnull=True),
                name="pending_earning_due",
            )
        ]
        verbose_name = _("pending earning")
        verbose_name_plural = _("pending earnings")

    def __str__(self):
        return f"{self.user} {self.amount}"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class Payout(BaseModel):
    """A withdrawal from a user's available balance to their bank."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In transit")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reserve_transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="payout"
    )
    settle_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_reference = models.CharField(max_length=200, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_positive"),
        ]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self):
        return f"{self.user} {self.amount} ({self.get_status_display()})"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class FeeSchedule(BaseModel):
    """Fee rates staff can change. The most specific row wins: (category, currency),
    (category, any currency), (any category, currency), (any, any), then the defaults."""

    category_slug = models.SlugField(
        _("category"), max_length=100, blank=True, help_text=_("Empty: every category.")
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        blank=True,
        help_text=_("Empty: every currency."),
    )
    platform_fee_bps = models.PositiveIntegerField(
        _("platform fee (basis points)"),
        default=1000,
        help_text=_("Taken from the provider's earnings. 100 basis points = 1%."),
    )
    client_fee_bps = models.PositiveIntegerField(
        _("client service fee (basis points)"),
        default=500,
        help_text=_("Added to what the client pays. 100 basis points = 1%."),
    )
    client_fee_min_minor = models.BigIntegerField(
        _("minimum client fee (minor units)"),
        default=0,
        help_text=_("In cents (or the currency's minor unit); needs a currency."),
    )

    class Meta:
        ordering = ["category_slug", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["category_slug", "currency"], name="uniq_fee_schedule_scope"
            ),
            models.CheckConstraint(
                condition=Q(platform_fee_bps__lte=BPS_MAX) & Q(client_fee_bps__lte=BPS_MAX),
                name="fee_schedule_bps_range",
                violation_error_message=_("Fee rates are at most 10000 basis points (100%%)."),
            ),
            models.CheckConstraint(
                condition=Q(client_fee_min_minor=0)
                | (Q(client_fee_min_minor__gt=0) & ~Q(currency="")),
                name="fee_schedule_min_needs_currency",
                violation_error_message=_("A minimum fee needs a currency and cannot be negative."),
            ),
        ]
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")

    def __str__(self):
        return f"{self.category_slug or '*'} / {self.currency or '*'}"
