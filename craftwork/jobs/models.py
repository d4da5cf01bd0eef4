"""Job posts, proposals (bids) and invitations.

Amounts are integers in minor units (cents) of the job's currency. States change only
through ``process.apply`` (see process.py), called by the services.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import Organization
from craftwork.core.models import BaseModel
from craftwork.core.money import Money
from craftwork.profiles.models import (
    MAX_HOURLY_RATE_MINOR,
    MAX_HOURS_PER_WEEK,
    MAX_SERVICE_RADIUS_KM,
    Currency,
    Skill,
    SkillCategory,
)

MAX_OPENINGS = 50
# 1,000,000.00 in a fixed-price job or bid: far above real work, low enough to catch extra zeros.
MAX_FIXED_AMOUNT_MINOR = 100_000_000
MAX_RATE_MINOR = MAX_HOURLY_RATE_MINOR
MAX_WEEKLY_HOURS = MAX_HOURS_PER_WEEK
MAX_RADIUS_KM = MAX_SERVICE_RADIUS_KM
MAX_TITLE_LENGTH = 120
MIN_TITLE_LENGTH = 5
MAX_DESCRIPTION_LENGTH = 20_000
MAX_COVER_LETTER_LENGTH = 10_000
MAX_DURATION_DAYS = 365
MAX_SKILLS_PER_JOB = 15
MAX_ATTACHMENTS_PER_JOB = 10
MAX_ATTACHMENTS_PER_PROPOSAL = 5
MAX_SCHEDULE_DAYS = 366


class BudgetType(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    HOURLY = "hourly", _("Hourly")


class LocationType(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ONSITE = "onsite", _("On-site")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INVITE_ONLY = "invite_only", _("Invite only")


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A freelancer may hold one proposal in these states per job (the DB enforces it).
LIVE_PROPOSAL_STATUSES = (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED)
ACTIVE_PROPOSAL_STATUSES = (*LIVE_PROPOSAL_STATUSES, ProposalStatus.ACCEPTED)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


def private_storage():
    """The "private" storage alias: no public URL; files are streamed by permission-checked views.
    A callable, so migrations do not freeze the backend."""
    return storages["private"]


def _private_path(folder: str, instance, filename: str) -> str:
    """A random name with the extension of the type checked at upload, never the client's."""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.kind}"


def job_attachment_path(instance, filename: str) -> str:
    return _private_path("jobs", instance, filename)


def proposal_attachment_path(instance, filename: str) -> str:
    return _private_path("jobs/proposals", instance, filename)


class Job(BaseModel):
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs_posted"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    description = models.TextField(_("description"), help_text=_("Markdown is supported."))
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="jobs")
    skills = models.ManyToManyField(Skill, blank=True, related_name="jobs")
    budget_type = models.CharField(_("budget type"), max_length=10, choices=BudgetType.choices)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    budget = models.BigIntegerField(_("budget"), null=True, blank=True, help_text=_("Minor units."))
    hourly_rate_min = models.PositiveIntegerField(_("minimum hourly rate"), null=True, blank=True)
    hourly_rate_max = models.PositiveIntegerField(_("maximum hourly rate"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("estimated hours per week"), null=True, blank=True
    )
    location_type = models.CharField(
        _("location"), max_length=10, choices=LocationType.choices, default=LocationType.REMOTE
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    service_radius_km = models.PositiveSmallIntegerField(
        _("service radius (km)"), null=True, blank=True
    )
    schedule_flexible = models.BooleanField(_("flexible schedule"), default=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    openings = models.PositiveSmallIntegerField(_("openings"), default=1)
    hired_count = models.PositiveSmallIntegerField(default=0)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        # Shaped for the open-jobs search, which has no statistics to plan with on SQLite:
        # the list index covers the paginator's COUNT (status, visibility, id, client) and the
        # page order, the category index takes the visibility too, and the distance search
        # starts at on-site jobs in the latitude band.
        indexes = [
            models.Index(
                fields=["status", "visibility", "-published_at", "-id", "client"],
                name="jobs_job_list_idx",
            ),
            models.Index(fields=["client", "-created_at"], name="jobs_job_client_idx"),
            models.Index(fields=["category", "status", "visibility"], name="jobs_job_category_idx"),
            models.Index(
                fields=["location_type", "latitude", "longitude"], name="jobs_job_geo_idx"
            ),
            models.Index(fields=["budget"], name="jobs_job_budget_idx"),
            models.Index(fields=["hourly_rate_max"], name="jobs_job_rate_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(openings__gte=1, openings__lte=MAX_OPENINGS), name="jobs_openings_range"
            ),
            models.CheckConstraint(
                condition=Q(hired_count__lte=models.F("openings")), name="jobs_hired_le_openings"
            ),
            models.CheckConstraint(
                condition=Q(
                    budget_type=BudgetType.FIXED,
                    budget__gt=0,
                    budget__lte=MAX_FIXED_AMOUNT_MINOR,
                    hourly_rate_min__isnull=True,
                    hourly_rate_max__isnull=True,
                )
                | Q(
                    budget_type=BudgetType.HOURLY,
                    budget__isnull=True,
                    hourly_rate_min__gt=0,
                    hourly_rate_max__lte=MAX_RATE_MINOR,
                    hourly_rate_min__lte=models.F("hourly_rate_max"),
                ),
                name="jobs_budget_consistent",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="jobs_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="jobs_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(location_type=LocationType.REMOTE)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="jobs_onsite_has_coordinates",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="jobs_schedule_order",
            ),
        ]

    def __str__(self):
        return self.title

    # --- display helpers (no queries) -----------------------------------------------

    @property
    def budget_money(self) -> Money | None:
        return None if self.budget is None else Money(self.budget, self.currency)

    @property
    def hourly_rate_min_money(self) -> Money | None:
        return None if self.hourly_rate_min is None else Money(self.hourly_rate_min, self.currency)

    @property
    def hourly_rate_max_money(self) -> Money | None:
        return None if self.hourly_rate_max is None else Money(self.hourly_rate_max, self.currency)

    @property
    def budget_display(self) -> str:
        """'$500.00' or '$40.00 to $60.00/hour' style text (display only)."""
        if self.budget_money:
            return self.budget_money.format()
        low, high = self.hourly_rate_min_money, self.hourly_rate_max_money
        if not (low and high):
            return ""
        rates = low.format() if low == high else f"{low.format()}\u2013{high.format()}"  # en dash
        return gettext_now("%(rates)s/hour") % {"rates": rates}

    @property
    def is_fixed(self) -> bool:
        return self.budget_type == BudgetType.FIXED

    @property
    def is_onsite(self) -> bool:
        return self.location_type == LocationType.ONSITE

    @property
    def is_open(self) -> bool:
        return self.status == JobStatus.OPEN

    @property
    def openings_left(self) -> int:
        return max(0, self.openings - self.hired_count)


class JobAttachment(BaseModel):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=job_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # "pdf" or an image extension
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class Proposal(BaseModel):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="proposals")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True, help_text=_("Minor units."))
    hourly_rate = models.PositiveIntegerField(_("hourly rate"), null=True, blank=True)
    duration_days = models.PositiveSmallIntegerField(_("estimated duration (days)"))
    cover_letter = models.TextField(_("cover letter"))
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    # The contract an accepted proposal created (contracts app; no FK to keep the apps decoupled).
    contract_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["job", "status"], name="jobs_proposal_job_idx"),
            models.Index(fields=["freelancer", "-created_at"], name="jobs_proposal_mine_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "freelancer"],
                condition=Q(status__in=[s.value for s in ACTIVE_PROPOSAL_STATUSES]),
                name="jobs_one_live_proposal",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=False, amount__gt=0, amount__lte=MAX_FIXED_AMOUNT_MINOR)
                | Q(
                    hourly_rate__isnull=False,
                    hourly_rate__gt=0,
                    hourly_rate__lte=MAX_RATE_MINOR,
                ),
                name="jobs_proposal_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=MAX_DURATION_DAYS),
                name="jobs_proposal_duration_range",
            ),
        ]

    def __str__(self):
        return f"{self.freelancer} → {self.job}"

    @property
    def amount_money(self) -> Money | None:
        return None if self.amount is None else Money(self.amount, self.currency)

    @property
    def hourly_rate_money(self) -> Money | None:
        return None if self.hourly_rate is None else Money(self.hourly_rate, self.currency)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PROPOSAL_STATUSES

    @property
    def price_display(self) -> str:
        if self.amount_money:
            return self.amount_money.format()
        if self.hourly_rate_money:
            return gettext_now("%(rate)s/hour") % {"rate": self.hourly_rate_money.format()}
        return ""


class ProposalAttachment(BaseModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        storage=private_storage, upload_to=proposal_attachment_path, max_length=200
    )
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class JobInvitation(BaseModel):
    """A client asks one freelancer to take a role on a job, with proposed terms."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="invitations")
    freelancer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="job_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=100)
    message = models.TextField(_("message"), blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True)
    hourly_rate = models.PositiveIntegerField(_("hourly rate"), null=True, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(_("weekly hour limit"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    contract_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["freelancer", "status"], name="jobs_invitation_mine_idx"),
            models.Index(fields=["status", "expires_at"], name="jobs_invitation_expiry_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "freelancer"],
                condition=Q(status="pending"),
                name="jobs_one_pending_invitation",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=False, amount__gt=0, amount__lte=MAX_FIXED_AMOUNT_MINOR)
                | Q(
                    hourly_rate__isnull=False,
                    hourly_rate__gt=0,
                    hourly_rate__lte=MAX_RATE_MINOR,
                ),
                name="jobs_invitation_price_positive",
            ),
        ]

    def __str__(self):
        return f"{self.freelancer} invited to {self.job} as {self.role}"

    @property
    def amount_money(self) -> Money | None:
        return None if self.amount is None else Money(self.amount, self.currency)

    @property
    def hourly_rate_money(self) -> Money | None:
        return None if self.hourly_rate is None else Money(self.hourly_rate, self.currency)

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()

    @property
    def price_display(self) -> str:
        if self.amount_money:
            return self.amount_money.format()
        if self.hourly_rate_money:
            return gettext_now("%(rate)s/hour") % {"rate": self.hourly_rate_money.format()}
        return ""

    @property
    def display_status(self) -> str:
        """The status, counting a pending invitation past its expiry as expired."""
        if self.status == InvitationStatus.PENDING and not self.is_pending:
            return InvitationStatus.EXPIRED
        return self.status

    def get_display_status_display(self) -> str:
        return InvitationStatus(self.display_status).label
