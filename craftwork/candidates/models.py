"""A candidate's profile (one per user), their work history and education, and the CVs they
uploaded with what the parser read from each, waiting to be confirmed."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.profiles.models import Currency

FIRST_YEAR = 1950
LAST_YEAR = 2100
# 100,000,000,000 minor units = 1,000,000,000.00 a period: far above any salary, low enough to
# catch a typo of several extra zeros.
MAX_SALARY_MINOR = 100_000_000_000
MAX_CV_PAGES = 20


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    APPLICATIONS = "applications", _("Companies I apply to")
    PUBLIC = "public", _("Everyone on Craftwork")


class RemotePreference(models.TextChoices):
    ANY = "any", _("No preference")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")
    ONSITE = "onsite", _("On-site")


class SalaryPeriod(models.TextChoices):
    YEAR = "year", _("per year")
    MONTH = "month", _("per month")
    HOUR = "hour", _("per hour")


class CVStatus(models.TextChoices):
    PARSED = "parsed", _("Waiting for your confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")


def private_storage():
    """The "private" storage alias: no public URL; CVs are streamed by checked views only."""
    return storages["private"]


def cv_path(instance, filename: str) -> str:
    """A random name with the extension of the type checked at upload, never the client's."""
    return f"cvs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.kind}"


class CandidateProfile(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    desired_role = models.CharField(_("desired role"), max_length=120, blank=True)
    desired_salary_amount = models.BigIntegerField(
        _("desired salary"), null=True, blank=True, help_text=_("In minor units (cents).")
    )
    desired_salary_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    desired_salary_period = models.CharField(
        _("per"), max_length=5, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    desired_location = models.CharField(_("desired location"), max_length=120, blank=True)
    remote_preference = models.CharField(
        _("remote work"),
        max_length=6,
        choices=RemotePreference.choices,
        default=RemotePreference.ANY,
    )
    visibility = models.CharField(
        _("who can see your profile"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    skills = models.ManyToManyField(
        "profiles.Skill", blank=True, related_name="candidate_profiles", verbose_name=_("skills")
    )
    current_cv = models.ForeignKey(
        "CVUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")
        indexes = [models.Index(fields=["visibility"], name="cand_profile_visibility_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_salary_amount__isnull=True)
                | Q(desired_salary_amount__gt=0, desired_salary_amount__lte=MAX_SALARY_MINOR),
                name="cand_profile_salary_range",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.headline or _('(no headline)')}"


class WorkExperience(BaseModel):
    profile = models.ForeignKey(CandidateProfile, on_delete=models.CASCADE, related_name="work")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("job title"), max_length=120)
    employer = models.CharField(_("employer"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    start_month = models.PositiveSmallIntegerField(_("start month"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    end_month = models.PositiveSmallIntegerField(_("end month"), null=True, blank=True)
    is_current = models.BooleanField(_("I work here now"), default=False)
    description = models.TextField(_("what you did"), blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__isnull=True) | Q(start_month__gte=1, start_month__lte=12),
                name="cand_work_start_month",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=1, end_month__lte=12),
                name="cand_work_end_month",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(end_year__isnull=True),
                name="cand_work_current_has_no_end",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="cand_work_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.employer}"


class Education(BaseModel):
    profile = models.ForeignKey(
        CandidateProfile, on_delete=models.CASCADE, related_name="education"
    )
    position = models.PositiveSmallIntegerField(default=0)
    school = models.CharField(_("school"), max_length=160)
    degree = models.CharField(_("degree"), max_length=120, blank=True)
    field = models.CharField(_("field of study"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = _("education")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="cand_education_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.degree} — {self.school}"


class CVUpload(BaseModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cv_uploads"
    )
    file = models.FileField(storage=private_storage, upload_to=cv_path, max_length=200)
    kind = models.CharField(max_length=10)  # "pdf" or "docx", from the content
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CVStatus.choices, default=CVStatus.PARSED)
    text_found = models.BooleanField(default=False)
    parsed = models.JSONField(default=dict, blank=True)  # ParsedCV.to_dict()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CV")
        verbose_name_plural = _("CVs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="cand_cv_owner_idx")]

    def __str__(self):
        return self.original_name
