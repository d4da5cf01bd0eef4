from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push")


class Notification(BaseModel):
    """What one person is told about one event. Created once per (event, recipient, type)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    event_id = models.UUIDField()
    # False when the user turned the in-app channel off for this type: kept for email/SMS only.
    shown_in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient", "type"], name="uniq_notification_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
        ]

    def __str__(self):
        return f"{self.type} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(BaseModel):
    """One notification through one channel. Claimed under a row lock, so it is sent at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED_BY_PREFERENCE = "skipped_by_preference", _("Skipped (preference)")
        SKIPPED_NO_ADDRESS = "skipped_no_address", _("Skipped (no address)")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="uniq_delivery_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="delivery_status_idx")]

    def __str__(self):
        return f"{self.channel} {self.status}"


class NotificationPreference(BaseModel):
    """An explicit choice; without one the type's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "type", "channel"], name="uniq_notification_preference"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.type}/{self.channel}={self.enabled}"


class DigestPreference(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    daily = models.BooleanField(default=False)
    # The recipient's local date of the last digest run: at most one digest a day.
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id} daily={self.daily}"


class UserPhone(BaseModel):
    """A mobile number for urgent SMS, usable once proven with a code sent to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone"
    )
    number = models.CharField(_("mobile number"), max_length=16)
    verified_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"{self.user_id} …{self.number[-4:]}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class SentReminder(models.Model):
    """A reminder occurrence that was published; its key makes every reminder job safe to rerun."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="uniq_sent_reminder")]

    def __str__(self):
        return f"{self.name}:{self.key}"


class PushSubscription(BaseModel):
    """One browser or installed app that agreed to receive Web Push for its user.

    ``endpoint`` is the push service's capability URL for that browser; ``p256dh`` and ``auth``
    are the browser's public key and secret the payload is encrypted to (RFC 8291). Whoever
    holds the endpoint and keys holds the browser, so an endpoint belongs to at most one user.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(max_length=300, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="push_sub_user_created_idx")]

    def __str__(self):
        return f"{self.user_id} {self.endpoint[:40]}…"
