"""Recruiting: openings of a workspace (an organization), their applications moving through
the workspace's pipeline, the team's notes and scorecards.

Every row that belongs to a workspace carries ``organization`` (directly or through its
opening) so that ``selectors.workspace_for`` can scope every read and write."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import Organization
from craftwork.core.models import BaseModel
from craftwork.profiles.models import Currency, Skill

MAX_TITLE_LENGTH = 150
MAX_DESCRIPTION_LENGTH = 20_000
MAX_QUESTIONS = 20
MAX_CHOICES = 20
MAX_ANSWER_LENGTH = 2000
MAX_NOTE_LENGTH = 5000
MAX_REASON_LENGTH = 1000
MAX_SALARY_MINOR = 10**12
MAX_POSITIONS = 1000
EN_DASH = " \u2013 "


def private_storage():
    """CVs are private: streamed by a view that checks the team's or the candidate's access."""
    return storages["private"]


def cv_path(instance, filename: str) -> str:
    """A random name with the extension of the type checked at upload, never the client's."""
    return f"recruiting/cv/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.cv_kind}"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACT = "contract", _("Contract")
    INTERNSHIP = "internship", _("Internship")


class Seniority(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    MID = "mid", _("Mid-level")
    SENIOR = "senior", _("Senior")
    LEAD = "lead", _("Lead")


class Workplace(models.TextChoices):
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")
    ONSITE = "onsite", _("On-site")


class SalaryPeriod(models.TextChoices):
    YEAR = "year", _("per year")
    MONTH = "month", _("per month")
    HOUR = "hour", _("per hour")


class OpeningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Opening(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="openings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    description = models.TextField(_("description"), help_text=_("Markdown is supported."))
    department = models.CharField(_("department"), max_length=100, blank=True)
    employment_type = models.CharField(
        _("employment type"),
        max_length=12,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    seniority = models.CharField(
        _("seniority"), max_length=8, choices=Seniority.choices, default=Seniority.MID
    )
    location = models.CharField(_("location"), max_length=150, blank=True)
    workplace = models.CharField(
        _("workplace"), max_length=8, choices=Workplace.choices, default=Workplace.REMOTE
    )
    salary_min = models.BigIntegerField(_("salary from"), null=True, blank=True)
    salary_max = models.BigIntegerField(_("salary up to"), null=True, blank=True)
    salary_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    salary_period = models.CharField(
        _("salary period"), max_length=6, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    salary_visible = models.BooleanField(_("show the salary"), default=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="openings")
    positions = models.PositiveIntegerField(_("positions"), default=1)
    hired_count = models.PositiveIntegerField(default=0)
    # Knockout answers reject an application automatically this many hours after it arrives
    # (time for a recruiter to look first); None: never automatically.
    knockout_delay_hours = models.PositiveIntegerField(
        _("auto-reject knockouts after (hours)"), null=True, blank=True, default=24
    )
    hiring_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hiring_for"
    )
    status = models.CharField(max_length=8, choices=OpeningStatus.choices, default="draft")
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "status"], name="rec_open_org_status_idx"),
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=Q(status="open"),
                name="rec_open_public_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True) | Q(salary_min__gt=0),
                name="rec_open_salary_min_pos",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="rec_open_salary_order",
            ),
            models.CheckConstraint(
                condition=Q(positions__gte=1, positions__lte=MAX_POSITIONS),
                name="rec_open_positions_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_accepting(self) -> bool:
        return self.status == OpeningStatus.OPEN

    @property
    def salary_text(self) -> str:
        """ "€40,000.00 - €55,000.00 per year" (empty without a salary)."""
        from craftwork.core.money import Money

        ends = [
            Money(value, self.salary_currency).format()
            for value in (self.salary_min, self.salary_max)
            if value is not None
        ]
        if not ends:
            return ""
        return f"{EN_DASH.join(ends)} {self.get_salary_period_display()}"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("Choice")
    NUMBER = "number", _("Number")


class ScreeningQuestion(BaseModel):
    """``knockout`` describes the disqualifying answers: for yes/no ``{"answer": true|false}``
    (the wrong answer), for a choice ``{"choices": [...]}``, for a number ``{"min": n}``
    and/or ``{"max": n}`` (the accepted range). Text answers never knock out."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    knockout = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.prompt


class StageKind(models.TextChoices):
    """The step of the process a stage belongs to; ``process.APPLICATION_PROCESS`` says which
    moves between kinds are allowed. A workspace may have several stages of one kind (e.g.
    "Phone screen" and "Take-home task" are both ``screening``)."""

    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PipelineStage(BaseModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pipeline_stages"
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("step"), max_length=10, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="rec_stage_unique_name"),
        ]

    def __str__(self):
        return self.name


class Application(BaseModel):
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+")
    # The stage's kind, copied so the process table and filters need no join.
    status = models.CharField(max_length=10, choices=StageKind.choices, default="applied")
    answers = models.JSONField(default=dict, blank=True)
    cover_letter = models.TextField(blank=True)
    cv = models.FileField(storage=private_storage, upload_to=cv_path, max_length=200, blank=True)
    cv_kind = models.CharField(max_length=8, blank=True)
    cv_name = models.CharField(max_length=200, blank=True)
    match_score = models.PositiveSmallIntegerField(default=0)
    matched_skills = models.JSONField(default=list, blank=True)
    missing_skills = models.JSONField(default=list, blank=True)
    knocked_out = models.BooleanField(default=False)
    knockout_due_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "candidate"], name="rec_app_one_per_candidate"
            ),
            models.CheckConstraint(condition=Q(match_score__lte=100), name="rec_app_score_range"),
        ]
        indexes = [
            models.Index(fields=["opening", "status"], name="rec_app_opening_status_idx"),
            models.Index(
                fields=["knockout_due_at"],
                condition=Q(knockout_due_at__isnull=False),
                name="rec_app_knockout_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} → {self.opening}"


class ApplicationEvent(BaseModel):
    """Append-only history of an application's moves."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transition = models.CharField(max_length=40)
    from_stage = models.CharField(max_length=60, blank=True)
    to_stage = models.CharField(max_length=60)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]


class Note(BaseModel):
    """Private to the workspace's team: never shown to the candidate."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MAX_NOTE_LENGTH)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at"]


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", _("Strong no")
    NO = "no", _("No")
    YES = "yes", _("Yes")
    STRONG_YES = "strong_yes", _("Strong yes")


SCORECARD_CRITERIA = (
    ("skills", _("Skills for the role")),
    ("experience", _("Relevant experience")),
    ("communication", _("Communication")),
    ("culture", _("Working together")),
)


class Scorecard(BaseModel):
    """One interviewer's ratings (1-4 per criterion) and recommendation for an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scorecards"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ratings = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    comment = models.TextField(blank=True, max_length=MAX_NOTE_LENGTH)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "author"], name="rec_scorecard_one_per_author"
            ),
        ]


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(BaseModel):
    """An offer to the applicant of an application in the offer stage. The letter is a
    markdown template; ``letter`` keeps the text with the variables filled in when sent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    salary = models.BigIntegerField(_("salary"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    period = models.CharField(_("per"), max_length=6, choices=SalaryPeriod.choices)
    start_date = models.DateField(_("start date"))
    expires_at = models.DateTimeField(_("answer by"))
    template = models.TextField(_("letter"), max_length=MAX_DESCRIPTION_LENGTH)
    letter = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default="draft")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary__gt=0, salary__lte=MAX_SALARY_MINOR), name="rec_offer_salary"
            ),
            # One live offer per application at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["draft", "approved", "sent"]),
                name="rec_offer_one_live",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(status="sent"), name="rec_offer_expiry_idx"
            )
        ]

    @property
    def salary_text(self) -> str:
        from craftwork.core.money import Money

        return f"{Money(self.salary, self.currency).format()} {self.get_period_display()}"
