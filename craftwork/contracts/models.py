"""Contracts, their milestones and deliveries, time logs and timesheets, and the history.

Every ``state`` below is changed only by ``craftwork.contracts.process.apply``.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.core.money import CURRENCY_CHOICES, Money, money_property
from craftwork.core.policies import CancellationPolicy

from .terms import ContractTerms


class ContractState(models.TextChoices):
    PENDING_FUNDING = "pending_funding", _("Awaiting funding")
    ACTIVE = "active", _("Active")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DISPUTED = "disputed", _("Disputed")
    # Gig orders
    AWAITING_REQUIREMENTS = "awaiting_requirements", _("Awaiting requirements")
    LATE = "late", _("Late")
    # Sessions
    SCHEDULED = "scheduled", _("Scheduled")
    ABSENCE_REPORTED = "absence_reported", _("Absence reported")
    NO_SHOW = "no_show", _("No-show")


class MilestoneState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PENDING_FUNDING = "pending_funding", _("Agreed, awaiting funding")
    FUNDED = "funded", _("Funded, in progress")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RELEASED = "released", _("Approved and paid")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    DISPUTED = "disputed", _("Disputed")
    REFUNDED = "refunded", _("Refunded")
    SPLIT = "split", _("Settled by dispute")


class TimesheetState(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved, awaiting payment")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


STATE_LABELS = {
    "contract": dict(ContractState.choices),
    "milestone": dict(MilestoneState.choices),
    "timesheet": dict(TimesheetState.choices),
}


def state_label(subject: str, state: str) -> str:
    return str(STATE_LABELS.get(subject, {}).get(state, state))


class Source(models.TextChoices):
    PROPOSAL = "proposal", _("Accepted proposal")
    INVITATION = "invitation", _("Accepted invitation")
    GIG_ORDER = "gig_order", _("Gig order")
    SESSION_BOOKING = "session_booking", _("Session booking")


class Kind(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    HOURLY = "hourly", _("Hourly")
    GIG = "gig", _("Gig")
    SESSION = "session", _("Session")


class ProcessSubject(BaseModel):
    """Something with a lifecycle: a state, when it was entered, and the next timer due."""

    subject_name = "contract"

    state = models.CharField(_("state"), max_length=30, db_index=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    # The earliest timed transition from the current state (e.g. auto-approval); None: no timer.
    timer_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    def get_state_display(self) -> str:
        return state_label(self.subject_name, self.state)


class Contract(ProcessSubject):
    subject_name = "contract"

    source = models.CharField(max_length=20, choices=Source.choices)
    source_ref = models.CharField(max_length=200)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_client"
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_provider"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The terms snapshot (ContractTerms); never changed after creation.
    kind = models.CharField(max_length=10, choices=Kind.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount_minor = models.BigIntegerField(null=True, blank=True)
    hourly_rate_minor = models.BigIntegerField(null=True, blank=True)
    weekly_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    platform_fee_bps = models.PositiveIntegerField()
    cancellation_policy = models.CharField(max_length=10, choices=CancellationPolicy.choices)
    review_window_days = models.PositiveSmallIntegerField()
    revisions_allowed = models.PositiveSmallIntegerField(null=True, blank=True)
    delivery_days = models.PositiveSmallIntegerField(null=True, blank=True)
    category_slug = models.CharField(max_length=100, blank=True)
    # Lifecycle facts written by the transitions' effects.
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="uniq_contract_source"),
            models.CheckConstraint(
                condition=~Q(client=models.F("provider")), name="contract_not_self_hire"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__isnull=True) | Q(amount_minor__gt=0),
                name="contract_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate_minor__isnull=True) | Q(hourly_rate_minor__gt=0),
                name="contract_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(platform_fee_bps__lte=10_000), name="contract_fee_bps_range"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "state"]),
            models.Index(fields=["provider", "state"]),
        ]

    def __str__(self):
        return self.title

    @property
    def escrow_ref(self) -> str:
        return f"contract:{self.pk}"

    @property
    def amount(self) -> Money | None:
        return Money(self.amount_minor, self.currency) if self.amount_minor is not None else None

    @property
    def hourly_rate(self) -> Money | None:
        if self.hourly_rate_minor is None:
            return None
        return Money(self.hourly_rate_minor, self.currency)

    @property
    def weekly_limit_hours(self):
        return None if self.weekly_limit_minutes is None else self.weekly_limit_minutes / 60

    @property
    def terms(self) -> ContractTerms:
        return ContractTerms(
            kind=self.kind,
            currency=self.currency,
            amount=self.amount,
            hourly_rate=self.hourly_rate,
            weekly_limit_minutes=self.weekly_limit_minutes,
            platform_fee_bps=self.platform_fee_bps,
            cancellation_policy=self.cancellation_policy,
            review_window_days=self.review_window_days,
            revisions_allowed=self.revisions_allowed,
            delivery_days=self.delivery_days,
            category_slug=self.category_slug or None,
        )

    def role_of(self, user) -> str | None:
        if user is None or user.pk is None:
            return None
        if user.pk == self.client_id:
            return "client"
        if user.pk == self.provider_id:
            return "provider"
        return None

    def other_party(self, user):
        return self.provider if user.pk == self.client_id else self.client


class Milestone(ProcessSubject):
    subject_name = "milestone"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision_count = models.PositiveSmallIntegerField(default=0)
    funding_payment_ref = models.CharField(max_length=64, blank=True)
    dispute_ref = models.CharField(max_length=64, blank=True)
    # What the money effects paid out of this milestone's escrow (for display; the ledger is the truth).
    released_minor = models.BigIntegerField(default=0)
    refunded_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "position"], name="uniq_milestone_position"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="milestone_amount_positive"
            ),
        ]

    def __str__(self):
        return self.title

    amount = money_property("amount_minor")

    @property
    def ref(self) -> str:
        return f"milestone:{self.pk}"


class PrivateFileStorage(FileSystemStorage):
    """Local files outside MEDIA_ROOT, so /media/ never serves them; downloads check access."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT).parent / "private-media")


def private_storage():
    if getattr(settings, "STORAGE_BACKEND", "local") == "local":
        return PrivateFileStorage()
    return default_storage  # S3/GCS are configured private with signed URLs


def delivery_upload_to(instance, filename) -> str:
    """A random name with the extension of the type checked at upload, never the client's."""
    contract_id = instance.delivery.milestone.contract_id
    return f"contracts/{contract_id}/{uuid.uuid4().hex}.{instance.file_type}"


class Delivery(BaseModel):
    """One submission of a milestone: the message and the files handed over."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliveries")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    revision = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at"]


class DeliveryFile(BaseModel):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=delivery_upload_to, storage=private_storage, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    file_type = models.CharField(max_length=10)

    class Meta:
        ordering = ["created_at"]


class Timesheet(ProcessSubject):
    """One week (Monday to Sunday in the freelancer's time zone) of an hourly contract."""

    subject_name = "timesheet"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="timesheets")
    week_start = models.DateField()
    # Frozen when submitted: what the client reviews and is charged.
    minutes = models.PositiveIntegerField(default=0)
    amount_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    reject_comment = models.TextField(blank=True)
    payment_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["contract", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "week_start"], name="uniq_timesheet_week"),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="timesheet_amount_gte0"),
        ]

    def __str__(self):
        return f"{self.contract} · {self.week_start}"

    amount = money_property("amount_minor")

    @property
    def ref(self) -> str:
        return f"timesheet:{self.pk}"

    @property
    def week_end(self):
        return self.week_start + timezone.timedelta(days=6)


class TimeLog(BaseModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="time_logs")
    timesheet = models.ForeignKey(Timesheet, on_delete=models.PROTECT, related_name="time_logs")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    description = models.CharField(_("description"), max_length=500)

    class Meta:
        ordering = ["date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60), name="timelog_minutes_range"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.minutes} min"


# --- gig orders and sessions (one row beside their contract) ------------------------------------


class GigOrder(BaseModel):
    """What was ordered from a gig (a snapshot: later edits of the gig change nothing here),
    the buyer's answers to the seller's questions, and the delivery clock."""

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="gig_order")
    # catalog ids, kept as plain values: the gig may be edited or deleted later.
    gig_id = models.UUIDField(db_index=True)
    package_id = models.UUIDField()
    gig_title = models.CharField(max_length=200)
    package_tier = models.CharField(max_length=10)
    package_name = models.CharField(max_length=60)
    package_description = models.CharField(max_length=600, blank=True)
    included = models.JSONField(default=list, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    delivery_days = models.PositiveSmallIntegerField()
    revisions_allowed = models.PositiveSmallIntegerField(default=0)
    revision_count = models.PositiveSmallIntegerField(default=0)
    # [{"id", "question", "kind": "text"|"choice", "choices": [...], "required": bool}]
    requirements = models.JSONField(default=list, blank=True)
    # [{"id", "question", "answer"}] in the order of the questions
    answers = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late_at = models.DateTimeField(null=True, blank=True)
    first_delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dispute_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=100), name="gig_order_quantity_range"
            ),
            models.CheckConstraint(
                condition=Q(revision_count__lte=models.F("revisions_allowed")),
                name="gig_order_revisions_within_allowed",
            ),
        ]

    def __str__(self):
        return f"{self.gig_title} — {self.package_name}"

    @property
    def revisions_left(self) -> int:
        return max(0, self.revisions_allowed - self.revision_count)

    @property
    def is_overdue(self) -> bool:
        """Past the due moment with nothing delivered yet (the timer marks it late too)."""
        return (
            self.due_at is not None
            and self.first_delivered_at is None
            and timezone.now() >= self.due_at
        )

    @property
    def delivered_late(self) -> bool:
        return bool(
            self.due_at and self.first_delivered_at and self.first_delivered_at > self.due_at
        )


def gig_delivery_upload_to(instance, filename) -> str:
    contract_id = instance.delivery.order.contract_id
    return f"contracts/{contract_id}/gig/{uuid.uuid4().hex}.{instance.file_type}"


class GigDelivery(BaseModel):
    """One delivery of a gig order: the seller's message and files."""

    order = models.ForeignKey(GigOrder, on_delete=models.CASCADE, related_name="deliveries")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    number = models.PositiveSmallIntegerField()  # 1 for the first delivery, 2 after a revision, ...

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="uniq_gig_delivery_number")
        ]


class GigDeliveryFile(BaseModel):
    delivery = models.ForeignKey(GigDelivery, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(
        upload_to=gig_delivery_upload_to, storage=private_storage, max_length=300
    )
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    file_type = models.CharField(max_length=10)

    class Meta:
        ordering = ["created_at"]


class AbsentParty(models.TextChoices):
    CLIENT = "client", _("Client")
    PROVIDER = "provider", _("Mentor")


class SessionBooking(BaseModel):
    """A booked mentorship session: the reserved slot and where the two parties meet."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="session_booking"
    )
    reservation = models.OneToOneField(
        "catalog.SlotReservation", on_delete=models.PROTECT, related_name="session_booking"
    )
    offering_id = models.UUIDField()
    topic = models.CharField(max_length=120)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    mentor_timezone = models.CharField(max_length=64, default="UTC")
    # Shown to the two parties only (the contract page and API are theirs alone).
    meeting_url = models.URLField(max_length=500, blank=True)
    meeting_place = models.CharField(max_length=300, blank=True)
    absent_party = models.CharField(max_length=10, choices=AbsentParty.choices, blank=True)
    absence_reported_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    dispute_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="session_booking_times"
            )
        ]

    def __str__(self):
        return f"{self.topic} @ {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AppendOnlyError(RuntimeError):
    """History rows are never changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Contract history rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Contract history rows cannot be deleted.")


class ContractEvent(models.Model):
    """Append-only history: one row per transition of the contract or one of its items."""

    id = models.BigAutoField(primary_key=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="history")
    subject = models.CharField(max_length=20)  # "contract", "milestone", "timesheet", ...
    subject_id = models.UUIDField()
    transition = models.CharField(max_length=50)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["contract", "created_at"])]

    def __str__(self):
        return f"{self.subject} {self.transition}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Contract history rows cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Contract history rows cannot be deleted.")
