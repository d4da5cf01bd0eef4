"""The competence passport: document types (staff-configured), credentials and their history."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel

from .storage import private_storage

MAX_TITLE_LENGTH = 150
MAX_ISSUER_LENGTH = 150
MAX_NUMBER_LENGTH = 80
MAX_NOTES_LENGTH = 5000
MAX_SKILLS_PER_CREDENTIAL = 10
MAX_CREDENTIALS_PER_USER = 50
MIN_SCORE, MAX_SCORE = 1, 5
REMINDER_DAYS = (30, 7)


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate")
    LICENCE = "licence", _("Licence")
    DIPLOMA = "diploma", _("Diploma")
    INSURANCE = "insurance", _("Insurance")
    BACKGROUND_CHECK = "background_check", _("Background check")
    OTHER = "other", _("Other")


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"
    WEBP = "webp", "WebP"
    GIF = "gif", "GIF"


FILE_CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.WEBP: "image/webp",
    FileKind.GIF: "image/gif",
}


class DocumentType(BaseModel):
    """A kind of document freelancers may upload, and which of its fields are required."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    issuer_required = models.BooleanField(_("issuer required"), default=True)
    issue_date_required = models.BooleanField(_("issue date required"), default=True)
    expiry_applies = models.BooleanField(
        _("expires"),
        default=False,
        help_text=_("Documents of this type expire: an expiry date is then required."),
    )
    number_required = models.BooleanField(_("document number required"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self):
        return self.name


class CredentialQuerySet(models.QuerySet):
    def verified(self, today=None):
        """Approved and not past their expiry date (a document is valid through its expiry day)."""
        today = today or timezone.localdate()
        return self.filter(
            Q(expiry_date__isnull=True) | Q(expiry_date__gte=today),
            status=Credential.Status.APPROVED,
        )


class Credential(BaseModel):
    """One document a freelancer submitted for verification. Its status changes only through process.py."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        EXPIRED = "expired", _("Expired")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="credentials"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    issuer = models.CharField(_("issuer"), max_length=MAX_ISSUER_LENGTH, blank=True)
    number = models.CharField(_("document number"), max_length=MAX_NUMBER_LENGTH, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    skills = models.ManyToManyField(
        "profiles.Skill", blank=True, related_name="credentials", verbose_name=_("skills")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    current_version = models.PositiveSmallIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The latest decision (every decision is also in the history).
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_notes = models.TextField(_("reviewer notes"), blank=True)
    authenticity_score = models.PositiveSmallIntegerField(null=True, blank=True)
    relevance_score = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="cred_queue_idx"),
            models.Index(fields=["owner", "status"], name="cred_owner_status_idx"),
            models.Index(fields=["status", "expiry_date"], name="cred_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(issue_date__isnull=True)
                | Q(expiry_date__isnull=True)
                | Q(expiry_date__gt=models.F("issue_date")),
                name="cred_expiry_after_issue",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": MIN_SCORE, f"{name}__lte": MAX_SCORE}),
                    name=f"cred_{name}_range",
                )
                for name in ("authenticity_score", "relevance_score", "quality_score")
            ],
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def is_verified_on(self, today) -> bool:
        return self.status == self.Status.APPROVED and (
            self.expiry_date is None or self.expiry_date >= today
        )

    @property
    def is_verified(self) -> bool:
        return self.is_verified_on(timezone.localdate())


def credential_file_path(instance, filename: str) -> str:
    """Never the uploader's file name: owner/credential folders, an unguessable name and the
    extension of the type checked at upload."""
    credential = instance.credential
    return (
        f"credentials/{credential.owner_id}/{credential.pk}/"
        f"v{instance.version}-{secrets.token_hex(8)}.{instance.kind}"
    )


class CredentialFile(models.Model):
    """One uploaded version of a credential's document; earlier versions are kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="files")
    version = models.PositiveSmallIntegerField()
    file = models.FileField(storage=private_storage, upload_to=credential_file_path, max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=5, choices=FileKind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["credential", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "version"], name="uniq_credential_version"
            )
        ]

    def __str__(self):
        return f"{self.credential_id} v{self.version}"

    @property
    def content_type(self) -> str:
        return FILE_CONTENT_TYPES[self.kind]

    @property
    def is_pdf(self) -> bool:
        return self.kind == FileKind.PDF


class CredentialEvent(models.Model):
    """Append-only history of a credential: every status change, by whom, with notes and scores."""

    id = models.BigAutoField(primary_key=True)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(null=True, blank=True)
    authenticity_score = models.PositiveSmallIntegerField(null=True, blank=True)
    relevance_score = models.PositiveSmallIntegerField(null=True, blank=True)
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("credential event")
        verbose_name_plural = _("credential history")

    def __str__(self):
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Credential history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Credential history is append-only.")

    @property
    def from_status_display(self) -> str:
        return Credential.Status(self.from_status).label if self.from_status else ""

    @property
    def to_status_display(self) -> str:
        return Credential.Status(self.to_status).label

    @property
    def has_scores(self) -> bool:
        return self.authenticity_score is not None


class CredentialReminder(models.Model):
    """That the "expires in N days" reminder went out for this expiry date (at most once each)."""

    id = models.BigAutoField(primary_key=True)
    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    threshold_days = models.PositiveSmallIntegerField()
    expiry_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "threshold_days", "expiry_date"],
                name="uniq_credential_reminder",
            )
        ]

    def __str__(self):
        return f"{self.credential_id}: {self.threshold_days} days before {self.expiry_date}"
