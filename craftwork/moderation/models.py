"""Flags, moderation cases, decisions and the staff-edited blocked terms.

A *case* groups everything open about one item (``kind`` + ``object_id``): the flags users
raised and any automatic hold from screening. At most one case per item is open at a time
(a partial unique constraint); staff close it with one decision. Decisions are append-only:
they are the moderation history of the item and of its author.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel

REASON_MAX_LENGTH = 1000
DECISION_REASON_MAX_LENGTH = 2000


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    SCAM = "scam", _("Scam or payment outside the platform")
    ABUSIVE = "abusive", _("Abusive or harassing")
    INAPPROPRIATE = "inappropriate", _("Inappropriate content")
    FAKE = "fake", _("Fake or misleading")
    OTHER = "other", _("Something else")


class Case(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_cases",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Snapshot for the queue, refreshed on every flag/hold: the item may change or vanish.
    summary = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Automatic hold from screening (the item is kept out of public view until a decision).
    held = models.BooleanField(default=False)
    hold_reasons = models.JSONField(default=list, blank=True)
    hold_matches = models.JSONField(default=list, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    flag_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(db_index=True)
    decision = models.CharField(max_length=20, blank=True)
    decision_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_activity_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(status="open"),
                name="moderation_one_open_case_per_item",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="moderation_case_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id"]),
            models.Index(fields=["status", "last_activity_at"]),
        ]
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")

    def __str__(self):
        return f"{self.kind}:{self.object_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Flag(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_flags"
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    details = models.TextField(blank=True, max_length=REASON_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "kind", "object_id"],
                condition=Q(status="open"),
                name="moderation_one_open_flag_per_user_item",
            ),
        ]
        indexes = [models.Index(fields=["reporter", "created_at"])]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self):
        return f"{self.reason} on {self.kind}:{self.object_id}"


class Decision(BaseModel):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")
        REMOVE = "remove", _("Remove")
        DISMISS = "dismiss", _("Dismiss")
        DISMISS_FLAG = "dismiss_flag", _("Dismiss one flag")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(max_length=DECISION_REASON_MAX_LENGTH)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The author of the moderated item: their history of decisions.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "object_id", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self):
        return f"{self.action} {self.kind}:{self.object_id}"


class BlockedTerm(BaseModel):
    """A word/phrase or a domain that screening holds for review, added by staff."""

    class Kind(models.TextChoices):
        WORD = "word", _("Word or phrase")
        DOMAIN = "domain", _("Link domain")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORD)
    term = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="moderation_blocked_term_unique")
        ]
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocked terms")

    def __str__(self):
        return self.term


class HiddenItem(BaseModel):
    """An item moderation keeps out of public view (an automatic hold or a staff hide/removal).

    Owning apps that have no hidden state of their own read it through
    ``moderation.selectors.is_hidden`` / ``hidden_ids`` (jobs lists, profile publishing).
    """

    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    # The same id as a UUID (every domain model's pk), for ``pk__in`` subqueries.
    object_uuid = models.UUIDField(null=True, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    # Removed for good (a "remove" decision): no case can be reopened to restore it.
    final = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="moderation_hidden_once")
        ]
        indexes = [models.Index(fields=["kind", "object_uuid"])]
        verbose_name = _("hidden item")
        verbose_name_plural = _("hidden items")

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
