"""The sandbox provider's own books, kept apart from the platform's records as a real
provider's would be: the platform learns about them only through API answers and
signed webhook events. Ids look like Stripe's with an ``_sb_`` infix."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.core.money import CURRENCY_CHOICES


def sandbox_id(prefix: str) -> str:
    return f"{prefix}_sb_{secrets.token_hex(12)}"


class SandboxCharge(BaseModel):
    """A PaymentIntent and its charge."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", _("Requires payment method")
        REQUIRES_ACTION = "requires_action", _("Requires action")
        SUCCEEDED = "succeeded", _("Succeeded")
        CANCELED = "canceled", _("Canceled")

    intent_id = models.CharField(max_length=64, unique=True)
    charge_id = models.CharField(max_length=64, blank=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.REQUIRES_PAYMENT_METHOD
    )
    description = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    # Stripe's 4000 0000 0000 5126: refunds start succeeded and fail afterwards.
    refunds_fail = models.BooleanField(default=False)
    last_error_code = models.CharField(max_length=64, blank=True)
    last_decline_code = models.CharField(max_length=64, blank=True)
    last_error_message = models.CharField(max_length=300, blank=True)
    amount_refunded = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")

    def __str__(self):
        return self.intent_id


class SandboxRefund(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    refund_id = models.CharField(max_length=64, unique=True)
    charge = models.ForeignKey(SandboxCharge, on_delete=models.CASCADE, related_name="refunds")
    amount = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=64, blank=True)
    metadata = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")

    def __str__(self):
        return self.refund_id


class SandboxBankAccount(BaseModel):
    account_id = models.CharField(max_length=64, unique=True)
    holder_name = models.CharField(max_length=200)
    number = models.CharField(max_length=34)
    owner_ref = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sandbox bank account")
        verbose_name_plural = _("sandbox bank accounts")

    def __str__(self):
        return self.account_id

    @property
    def last4(self) -> str:
        return self.number[-4:]


class SandboxPayout(BaseModel):
    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    payout_id = models.CharField(max_length=64, unique=True)
    bank_account = models.ForeignKey(
        SandboxBankAccount, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_TRANSIT)
    failure_code = models.CharField(max_length=64, blank=True)
    metadata = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=255, unique=True)

    class Meta:
        verbose_name = _("sandbox payout")
        verbose_name_plural = _("sandbox payouts")

    def __str__(self):
        return self.payout_id


class SandboxDispute(BaseModel):
    class Status(models.TextChoices):
        NEEDS_RESPONSE = "needs_response", _("Needs response")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    dispute_id = models.CharField(max_length=64, unique=True)
    charge = models.ForeignKey(SandboxCharge, on_delete=models.CASCADE, related_name="disputes")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=64, default="fraudulent")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEEDS_RESPONSE)

    class Meta:
        verbose_name = _("sandbox dispute")
        verbose_name_plural = _("sandbox disputes")

    def __str__(self):
        return self.dispute_id


class SandboxEvent(BaseModel):
    """A webhook event the sandbox sent (or will send) to the platform."""

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    deliveries = models.PositiveIntegerField(default=0)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(delivered_at__isnull=True), name="sb_undelivered"
            )
        ]
        verbose_name = _("sandbox event")
        verbose_name_plural = _("sandbox events")

    def __str__(self):
        return f"{self.type} {self.event_id}"
