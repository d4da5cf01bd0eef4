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
from craftwork.core.money import CURRENCY_CHOICES, LEDGER_UNIT_CHOICES, Money, money_property

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
    # What the platform covers of card chargebacks beyond the contract escrow; negative
    # while a chargeback is open or lost (see docs/money.md).
    CHARGEBACK_LOSS = "chargeback_loss", _("Chargeback losses")
    # Money the platform paid back beyond what an item still held in escrow (a refund of
    # money already released, written off by staff or issued at the provider); negative.
    REFUND_LOSS = "refund_loss", _("Refund losses")
    # Billing (craftwork.billing, docs/money.md "Credits" and "Invoices"). Credit accounts are
    # in the unit CRD, never in a currency. A user's credits:
    CREDIT_USER = "credit_user", _("Credits (user)")
    # A workspace's credits (reference "org:<uuid>").
    CREDIT_WORKSPACE = "credit_workspace", _("Credits (workspace)")
    # Where credits come from and go back to when they expire: minus the credits in wallets
    # and spent.
    CREDIT_ISSUED = "credit_issued", _("Credits issued")
    # Credits consumed by actions (a refund takes them back out).
    CREDIT_SPENT = "credit_spent", _("Credits spent")
    # Revenue from subscriptions and credit packs (paid invoices), net of tax.
    BILLING_REVENUE = "billing_revenue", _("Billing revenue")
    # Tax collected on paid invoices and owed to the tax authority.
    TAX_PAYABLE = "tax_payable", _("Tax payable")


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
    AccountKind.CHARGEBACK_LOSS: AccountRule(False, False, True),
    AccountKind.REFUND_LOSS: AccountRule(False, False, True),
    AccountKind.CREDIT_USER: AccountRule(True, False, False),
    AccountKind.CREDIT_WORKSPACE: AccountRule(False, True, False),
    AccountKind.CREDIT_ISSUED: AccountRule(False, False, True),
    AccountKind.CREDIT_SPENT: AccountRule(False, False, False),
    AccountKind.BILLING_REVENUE: AccountRule(False, False, False),
    AccountKind.TAX_PAYABLE: AccountRule(False, False, False),
}


class LedgerAccount(BaseModel):
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    currency = models.CharField(max_length=3, choices=LEDGER_UNIT_CHOICES)
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

    balance_money = money_property("balance")


class TransactionKind(models.TextChoices):
    ESCROW_FUND = "escrow_fund", _("Escrow funded")
    ESCROW_RELEASE = "escrow_release", _("Escrow released")
    ESCROW_REFUND = "escrow_refund", _("Escrow refunded")
    ESCROW_SPLIT = "escrow_split", _("Escrow split")
    EARNINGS_CLEAR = "earnings_clear", _("Earnings cleared")
    PAYOUT_RESERVE = "payout_reserve", _("Payout requested")
    PAYOUT_COMPLETE = "payout_complete", _("Payout completed")
    PAYOUT_FAIL = "payout_fail", _("Payout failed")
    PAYOUT_RETURN = "payout_return", _("Paid-out payout returned by the bank")
    REFUND_REVERSAL = "refund_reversal", _("Refund failed, returned to escrow")
    CHARGEBACK_DEBIT = "chargeback_debit", _("Chargeback debited")
    CHARGEBACK_REINSTATE = "chargeback_reinstate", _("Chargeback won, reinstated")
    # Staff move money stuck in a settled item's escrow to the platform (docs/money.md).
    ESCROW_WRITEOFF = "escrow_writeoff", _("Escrow moved to the platform")
    # Billing (craftwork.billing): credits and invoices.
    CREDIT_GRANT = "credit_grant", _("Credits granted")
    CREDIT_PURCHASE = "credit_purchase", _("Credits bought")
    CREDIT_CONSUME = "credit_consume", _("Credits spent")
    CREDIT_REFUND = "credit_refund", _("Credits refunded")
    CREDIT_EXPIRE = "credit_expire", _("Credits expired")
    INVOICE_PAYMENT = "invoice_payment", _("Invoice paid")
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
    currency = models.CharField(max_length=3, choices=LEDGER_UNIT_CHOICES)
    # For a contract escrow: the item the money is held for ("milestone:<uuid>", ...); empty
    # when the escrow holds one thing. No item of an escrow may go below zero.
    item_ref = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
            models.UniqueConstraint(
                fields=["transaction", "account"], name="uniq_ledger_entry_account_per_transaction"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "created_at"], name="ledger_entry_account_time"),
            models.Index(fields=["account", "item_ref"], name="ledger_entry_account_item"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.account}: {self.money}"

    money = money_property("amount")


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

    amount = money_property("amount_minor")


class Payout(BaseModel):
    """A withdrawal from a user's available balance to their bank."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In transit")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        # Reported paid, then failed: the bank sent the money back (a payout return).
        RETURNED = "returned", _("Returned by the bank")

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
    return_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # Set by the provider layer (craftwork.payments.payouts); empty for ledger-only payouts.
    method = models.ForeignKey(
        "PayoutMethod", null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    provider = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_positive"),
        ]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self):
        return f"{self.user} {self.amount} ({self.get_status_display()})"

    amount = money_property("amount_minor")


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


# --- payments through a provider ----------------------------------------------------------
# The records below sit beside the ledger: what was charged, refunded and paid out through
# the payment provider, and what the provider told us (webhook events). Money itself only
# moves through ``services``/``ledger``; these rows say why.


class Payment(BaseModel):
    """A charge of ``amount + client_fee`` to the payer; on success ``amount`` is held in
    the escrow ``escrow_ref`` and the fee is platform revenue."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", _("Awaiting payment")
        REQUIRES_ACTION = "requires_action", _("Awaiting authentication")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    amount_minor = models.BigIntegerField()
    client_fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD
    )
    purpose = models.CharField(max_length=50)
    reference = models.CharField(max_length=200)
    escrow_ref = models.CharField(max_length=200, db_index=True)
    description = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    category_slug = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=20)
    # The provider's checkout object (a PaymentIntent in the sandbox, a Checkout Session on
    # Stripe), the PaymentIntent once known, and the successful charge.
    provider_payment_id = models.CharField(max_length=255, blank=True)
    provider_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    provider_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.CharField(max_length=2000, blank=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    # Orders provider states: the newest event wins among non-final states.
    state_version = models.BigIntegerField(default=0)
    fund_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    succeeded_at = models.DateTimeField(null=True, blank=True)
    fulfillment_error = models.CharField(max_length=500, blank=True)
    # A split payment (``checkout.payment_start_split``): one charge for several lines, each
    # funding its own escrow; ``escrow_ref`` is empty and the amounts are the lines' sums.
    is_split = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(is_split=True) | ~Q(escrow_ref=""), name="payment_escrow_or_split"
            ),
            models.CheckConstraint(
                condition=Q(client_fee_minor__gte=0), name="payment_fee_not_negative"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="uniq_payment_provider_id",
            ),
        ]
        indexes = [models.Index(fields=["payer", "-created_at"], name="payment_payer_time")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.total} {self.get_status_display()} ({self.reference})"

    amount = money_property("amount_minor")

    client_fee = money_property("client_fee_minor")

    total = money_property("amount_minor", "client_fee_minor")

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PAYMENT_STATUSES


PAID_STATUSES = frozenset(
    {
        Payment.Status.SUCCEEDED,
        Payment.Status.PARTIALLY_REFUNDED,
        Payment.Status.REFUNDED,
    }
)
OPEN_PAYMENT_STATUSES = frozenset(
    {
        Payment.Status.REQUIRES_PAYMENT_METHOD,
        Payment.Status.REQUIRES_ACTION,
        Payment.Status.PROCESSING,
        Payment.Status.FAILED,
    }
)


class PaymentLine(BaseModel):
    """One line of a split payment: ``amount`` goes into the escrow ``escrow_ref`` with its
    own client fee; ``fulfilled_at`` / ``fulfillment_error`` say what became of it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=200)
    escrow_ref = models.CharField(max_length=200, db_index=True)
    description = models.CharField(max_length=500, blank=True)
    category_slug = models.CharField(max_length=100, blank=True)
    amount_minor = models.BigIntegerField()
    client_fee_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    fund_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfillment_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["payment", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_line_positive"),
            models.CheckConstraint(
                condition=Q(client_fee_minor__gte=0), name="payment_line_fee_not_negative"
            ),
            models.UniqueConstraint(
                fields=["payment", "position"], name="uniq_payment_line_position"
            ),
            models.UniqueConstraint(
                fields=["payment", "reference"], name="uniq_payment_line_reference"
            ),
            models.UniqueConstraint(
                fields=["payment", "escrow_ref"], name="uniq_payment_line_escrow"
            ),
        ]
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")

    def __str__(self):
        return f"{self.amount} → {self.escrow_ref}"

    amount = money_property("amount_minor")

    client_fee = money_property("client_fee_minor")

    total = money_property("amount_minor", "client_fee_minor")


class Refund(BaseModel):
    """Money going back to the payer's card; pending until the provider confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    class Origin(models.TextChoices):
        POLICY = "policy", _("Cancellation policy")
        STAFF = "staff", _("Staff")
        DISPUTE = "dispute", _("Dispute decision")
        FULFILLMENT = "fulfillment", _("Order could not be fulfilled")
        PROVIDER = "provider", _("Issued at the payment provider")

    class Cover(models.TextChoices):
        # Who pays back what the item no longer holds in escrow (it was released).
        PROVIDER = "provider", _("Recovered from the provider's balance")
        PLATFORM = "platform", _("Written off as a platform loss")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    # The line of a split payment this refund belongs to (its escrow); empty otherwise.
    line = models.ForeignKey(
        PaymentLine, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    # ``amount`` comes out of the escrow; ``client_fee`` (its share of the client service
    # fee, see docs/money.md) out of platform revenue. The provider refunds both.
    amount_minor = models.BigIntegerField()
    client_fee_minor = models.BigIntegerField(default=0)
    # Whether this refund carries its proportional share of the fee (False for a dispute
    # split and for a refund issued at the provider, which is split differently).
    fee_bearing = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    origin = models.CharField(max_length=16, choices=Origin.choices)
    reason = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    # The posting that took the money out of escrow (shared by the refunds of one split).
    ledger_transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="refunds"
    )
    reversal_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failure_reason = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # Of ``amount``, what did not come out of the escrow item (it no longer held it) but out
    # of ``cover_account``: the provider's available balance or refund losses.
    covered_minor = models.BigIntegerField(default=0)
    cover = models.CharField(max_length=10, choices=Cover.choices, blank=True)
    cover_account = models.ForeignKey(
        LedgerAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_positive"),
            models.CheckConstraint(
                condition=Q(covered_minor__gte=0) & Q(covered_minor__lte=models.F("amount_minor")),
                name="refund_covered_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(client_fee_minor__gte=0), name="refund_fee_not_negative"
            ),
        ]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.total} {self.get_status_display()}"

    amount = money_property("amount_minor")

    client_fee = money_property("client_fee_minor")

    @property
    def total(self) -> Money:
        """What goes back to the payer's card."""
        return Money(self.amount_minor + self.client_fee_minor, self.currency)

    @property
    def escrow_ref(self) -> str:
        return self.line.escrow_ref if self.line_id else self.payment.escrow_ref

    @property
    def item_ref(self) -> str:
        """The escrow item the refund is for (see ``ledger``): the payment's reference for a
        payment into a contract's items, empty for a line of a split payment (its own escrow)."""
        return "" if self.line_id else self.payment.reference

    @property
    def from_escrow(self) -> Money:
        return Money(self.amount_minor - self.covered_minor, self.currency)


class Chargeback(BaseModel):
    """A card dispute opened by the payer's bank (Stripe's ``charge.dispute``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="chargebacks")
    provider_dispute_id = models.CharField(max_length=255, unique=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    reason = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # Of the disputed amount, what was taken back out of the contract escrow (escrows, for a
    # split payment: ``escrow_debits`` maps each line's escrow_ref to its part).
    escrow_debited_minor = models.BigIntegerField(default=0)
    escrow_debits = models.JSONField(default=dict, blank=True)
    debit_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reinstate_transaction = models.OneToOneField(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="chargeback_positive"),
        ]
        verbose_name = _("chargeback")
        verbose_name_plural = _("chargebacks")

    def __str__(self):
        return f"{self.provider_dispute_id} {self.get_status_display()}"

    amount = money_property("amount_minor")


class PayoutMethod(BaseModel):
    """Where a user's withdrawals go: a bank account (sandbox) or a Stripe Connect account."""

    class Kind(models.TextChoices):
        SANDBOX_BANK = "sandbox_bank", _("Bank account (sandbox)")
        STRIPE_CONNECT = "stripe_connect", _("Stripe account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Setup not finished")
        ACTIVE = "active", _("Active")
        DISABLED = "disabled", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_methods"
    )
    provider = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    holder_name = models.CharField(max_length=200, blank=True)
    account_last4 = models.CharField(max_length=4, blank=True)
    provider_account_id = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payout method")
        verbose_name_plural = _("payout methods")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.SANDBOX_BANK and self.account_last4:
            return f"{self.holder_name} ···· {self.account_last4}"
        return str(self.get_kind_display())


class WebhookEvent(BaseModel):
    """An event as the provider sent it, stored once by its id and processed once."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (unknown type)")
        PARKED = "parked", _("Waiting for an earlier event")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Gave up")

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True, db_index=True)
    # While parked: the provider object (a PaymentIntent) whose processing may unblock it.
    waiting_for = models.CharField(max_length=255, blank=True, db_index=True)
    event_created = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField()
    raw_body = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_webhook_event"),
        ]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"


def dispute_file_path(instance, filename: str) -> str:
    """A random name with the extension of the type checked at upload, never the client's:
    the file is served only through a permission-checked view."""
    import uuid

    return f"disputes/{uuid.uuid4().hex}.{instance.kind}"


def private_storage():
    """The "private" storage alias when configured (no public URL), else the default storage."""
    from django.core.files.storage import storages

    return storages["private"] if "private" in settings.STORAGES else storages["default"]


class Dispute(BaseModel):
    """A disagreement about funded work, decided by staff; money moves only through escrow."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting response")
        RESPONDED = "responded", _("Under review")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        RELEASE = "release", _("Released to the provider")
        REFUND = "refund", _("Refunded to the client")
        SPLIT = "split", _("Split")

    escrow_ref = models.CharField(max_length=200, db_index=True)
    subject_ref = models.CharField(max_length=200, db_index=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    fee_bps = models.PositiveIntegerField()
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_as_client"
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_as_provider"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200)
    evidence_text = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    respond_by = models.DateTimeField()
    response_text = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    to_provider_minor = models.BigIntegerField(default=0)
    to_client_minor = models.BigIntegerField(default=0)
    decision = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    ledger_transaction = models.ForeignKey(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="dispute_positive"),
            models.UniqueConstraint(
                fields=["subject_ref"],
                condition=~Q(status="resolved"),
                name="uniq_unresolved_dispute_per_subject",
            ),
        ]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self):
        return f"{self.subject_ref} ({self.get_status_display()})"

    amount = money_property("amount_minor")

    to_provider = money_property("to_provider_minor")

    to_client = money_property("to_client_minor")

    @property
    def other_party(self):
        return self.provider if self.opened_by_id == self.client_id else self.client


class DisputeFile(BaseModel):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=dispute_file_path, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("dispute file")
        verbose_name_plural = _("dispute files")

    def __str__(self):
        return self.original_name


class ReceiptCounter(models.Model):
    """The last number issued in one series and year; locked while a number is taken."""

    id = models.BigAutoField(primary_key=True)
    series = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="uniq_receipt_counter"),
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"


class Receipt(BaseModel):
    """A numbered receipt for a charge, a refund or a payout (gapless per series and year)."""

    class Series(models.TextChoices):
        CHARGE = "CH", _("Payment receipt")
        REFUND = "RF", _("Refund receipt")
        PAYOUT = "PO", _("Payout receipt")

    series = models.CharField(max_length=4, choices=Series.choices)
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receipts"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    description = models.CharField(max_length=500, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    payout = models.OneToOneField(
        Payout, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="uniq_receipt_number"
            ),
        ]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.year}-{self.number:06d}"

    amount = money_property("amount_minor")


# The sandbox provider's own records (its side of charges, refunds, payouts, events).
from .providers.sandbox.models import (  # noqa: E402, F401
    SandboxBankAccount,
    SandboxCharge,
    SandboxDispute,
    SandboxEvent,
    SandboxPayout,
    SandboxRefund,
)
