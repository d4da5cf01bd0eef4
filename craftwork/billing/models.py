"""Billing: plans and their versions, credit wallets, the credit price list and credit charges.

Credits live on the payments ledger in their own unit (``CRD``, see docs/money.md "Credits");
these tables hold what the ledger does not: which part of a wallet came from a plan's period
allowance (and may expire), which actions cost what, and which charge paid for which action
(so that it can be refunded once).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.core.money import CURRENCY_CHOICES, Money

MAX_CREDITS = 1_000_000  # per price, grant or consumption: far above any real use


# --- plans ----------------------------------------------------------------------------------


class Audience(models.TextChoices):
    COMPANY = "company", _("Companies")
    FREELANCER = "freelancer", _("Freelancers")


class Interval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class Plan(BaseModel):
    """What a customer subscribes to. Its terms live in versions; the newest is current."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    # The plan everyone of this audience is on without a subscription (one per audience).
    is_free_tier = models.BooleanField(default=False)
    is_public = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["audience", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience"], condition=Q(is_free_tier=True), name="billing_one_free_tier"
            )
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.name


class PlanVersion(BaseModel):
    """The terms of a plan from one change to the next. Never edited once created: a change of
    price or terms creates the next version, and subscribers keep theirs until they change."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    trial_days = models.PositiveSmallIntegerField(default=0)
    credits_per_period = models.PositiveIntegerField(default=0)
    # Of the period's allowance left at the end, at most this many roll over; 0: all expire.
    credit_rollover_cap = models.PositiveIntegerField(default=0)
    # Limits: None is unlimited.
    max_open_openings = models.PositiveIntegerField(null=True, blank=True)
    max_seats = models.PositiveIntegerField(null=True, blank=True)
    ai_interviews_per_month = models.PositiveIntegerField(null=True, blank=True)
    features = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="billing_plan_version_number"),
            models.CheckConstraint(
                condition=Q(credits_per_period__lte=MAX_CREDITS)
                & Q(credit_rollover_cap__lte=MAX_CREDITS),
                name="billing_plan_version_credits_bounded",
            ),
        ]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self):
        return f"{self.plan} v{self.number}"

    def limits(self) -> dict:
        return {
            "open_openings": self.max_open_openings,
            "seats": self.max_seats,
            "ai_interviews_per_month": self.ai_interviews_per_month,
        }


class PlanPrice(BaseModel):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="prices")
    interval = models.CharField(max_length=5, choices=Interval.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.BigIntegerField()  # minor units; 0 only for a free tier

    class Meta:
        ordering = ["interval", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "interval", "currency"], name="billing_plan_price_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="billing_plan_price_not_neg"),
        ]
        verbose_name = _("plan price")
        verbose_name_plural = _("plan prices")

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def __str__(self):
        return f"{self.money.format()} / {self.get_interval_display()}"


# --- credits --------------------------------------------------------------------------------


class CreditAction(models.TextChoices):
    PROPOSAL_SUBMIT = "proposal_submit", _("Submitting a proposal")
    GIG_PROMOTION_DAY = "gig_promotion_day", _("Promoting a gig (per day)")
    AI_INTERVIEW = "ai_interview", _("Starting an AI interview")


class CreditPrice(BaseModel):
    """The staff-editable price list: what an action costs in credits (0: free)."""

    action = models.CharField(max_length=40, choices=CreditAction.choices, unique=True)
    credits = models.PositiveIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["action"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits__lte=MAX_CREDITS), name="billing_credit_price_bounded"
            )
        ]
        verbose_name = _("credit price")
        verbose_name_plural = _("credit prices")

    def __str__(self):
        return f"{self.get_action_display()}: {self.credits}"


class CreditWallet(BaseModel):
    """A user's or a workspace's credits. The balance is the ledger account's; this row is what
    consumptions lock first (one queue per wallet) and records the period bookkeeping."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_wallet",
    )
    organization = models.OneToOneField(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_wallet",
    )
    # The part of the balance that came from a plan's period allowance (spent first, and what
    # expires at the end of the period beyond the plan's rollover cap). Bought and granted
    # credits never expire.
    allowance = models.PositiveIntegerField(default=0)
    # The first instant of the period whose allowance was last granted ("2026-12-01T00:00Z").
    period_start = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organization__isnull=True))
                | (Q(user__isnull=True) & Q(organization__isnull=False)),
                name="billing_wallet_one_owner",
            )
        ]
        verbose_name = _("credit wallet")
        verbose_name_plural = _("credit wallets")

    def __str__(self):
        return f"credits of {self.organization or self.user}"


class CreditCharge(BaseModel):
    """Credits consumed by one action (``reference`` names it, e.g. ``proposal:<uuid>``);
    refunded at most once."""

    wallet = models.ForeignKey(CreditWallet, on_delete=models.PROTECT, related_name="charges")
    action = models.CharField(max_length=40, choices=CreditAction.choices)
    reference = models.CharField(max_length=200)
    credits = models.PositiveIntegerField()
    transaction = models.ForeignKey(
        "payments.LedgerTransaction", on_delete=models.PROTECT, related_name="+"
    )
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_transaction = models.ForeignKey(
        "payments.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "reference"], name="billing_charge_once"),
            models.CheckConstraint(condition=Q(credits__gt=0), name="billing_charge_positive"),
        ]
        verbose_name = _("credit charge")
        verbose_name_plural = _("credit charges")


class Promotion(BaseModel):
    """A listing shown as promoted until ``ends_at``, paid for with credits."""

    subject = models.CharField(max_length=80, db_index=True)  # "gig:<uuid>"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promotions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)
    charge = models.OneToOneField(CreditCharge, on_delete=models.PROTECT, related_name="promotion")

    class Meta:
        ordering = ["-ends_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="billing_promotion_period"
            )
        ]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
