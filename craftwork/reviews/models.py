"""Two-sided, double-blind reviews of completed contracts, their photos, and rating statistics.

A ``Review`` is written by one party of a completed contract about the other. ``status`` is its
life (draft → submitted → published); ``moderation`` is what staff and the screening decided
(ok, held before publication, hidden, removed). Only a published review whose moderation is
``ok`` is public and counts in the statistics. Every change goes through ``services``.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel

MIN_RATING, MAX_RATING = 1, 5
MAX_TEXT_LENGTH = 5000
MAX_PRIVATE_NOTE_LENGTH = 2000
MAX_RESPONSE_LENGTH = 2000
MAX_PHOTOS = 4


class AuthorRole(models.TextChoices):
    """The author's side of the contract; the reviewed party is the other side."""

    CLIENT = "client", _("Client")
    PROVIDER = "provider", _("Freelancer")


# The sub-ratings each side gives, in display order.
CLIENT_DIMENSIONS = ("quality", "communication", "timeliness", "professionalism", "value")
PROVIDER_DIMENSIONS = ("clarity", "communication", "payment_promptness")
DIMENSIONS = {AuthorRole.CLIENT: CLIENT_DIMENSIONS, AuthorRole.PROVIDER: PROVIDER_DIMENSIONS}
ALL_DIMENSIONS = (
    "quality",
    "communication",
    "timeliness",
    "professionalism",
    "value",
    "clarity",
    "payment_promptness",
)
DIMENSION_LABELS = {
    "quality": _("Quality of work"),
    "communication": _("Communication"),
    "timeliness": _("Timeliness"),
    "professionalism": _("Professionalism"),
    "value": _("Value for money"),
    "clarity": _("Clarity of requirements"),
    "payment_promptness": _("Payment promptness"),
}


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for the other side")
    PUBLISHED = "published", _("Published")


class Moderation(models.TextChoices):
    OK = "ok", _("Visible")
    HELD = "held", _("Held for moderation")
    HIDDEN = "hidden", _("Hidden by moderation")
    REMOVED = "removed", _("Removed by moderation")


def _rating_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | Q(**{f"{name}__gte": MIN_RATING, f"{name}__lte": MAX_RATING}),
        name=f"review_{name}_range",
    )


def _dimensions_of(role: str) -> Q:
    """Exactly the sub-ratings of the author's side are set."""
    wanted = set(DIMENSIONS[role])
    return Q(author_role=role) & Q(
        **{f"{name}__isnull": name not in wanted for name in ALL_DIMENSIONS}
    )


class ReviewQuerySet(models.QuerySet):
    def public(self):
        """Published and not hidden or removed: what anyone may read and what the statistics count."""
        return self.filter(status=ReviewStatus.PUBLISHED, moderation=Moderation.OK)


class Review(BaseModel):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    # The gig a gig order was for (client reviews only), so the gig's statistics can count it.
    gig_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.OK)
    moderation_reasons = models.JSONField(default=list, blank=True)

    overall = models.PositiveSmallIntegerField(_("overall rating"))
    quality = models.PositiveSmallIntegerField(null=True, blank=True)
    communication = models.PositiveSmallIntegerField(null=True, blank=True)
    timeliness = models.PositiveSmallIntegerField(null=True, blank=True)
    professionalism = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    clarity = models.PositiveSmallIntegerField(null=True, blank=True)
    payment_promptness = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(_("review"), blank=True)
    # For the platform only: never shown to the reviewed party, on any page or in the API.
    private_note = models.TextField(_("private note to Craftwork"), blank=True)

    # The end of the review window (contract completion + REVIEW_WINDOW_DAYS), fixed at creation.
    window_closes_at = models.DateTimeField(db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    response_text = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["contract", "author"], name="uniq_review_per_author"),
            models.CheckConstraint(
                condition=~Q(author=models.F("subject")), name="review_not_self"
            ),
            models.CheckConstraint(
                condition=Q(overall__gte=MIN_RATING, overall__lte=MAX_RATING),
                name="review_overall_range",
            ),
            *[_rating_range(name) for name in ALL_DIMENSIONS],
            models.CheckConstraint(
                condition=_dimensions_of(AuthorRole.CLIENT) | _dimensions_of(AuthorRole.PROVIDER),
                name="review_dimensions_match_role",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.PUBLISHED, published_at__isnull=False)
                | (~Q(status=ReviewStatus.PUBLISHED) & Q(published_at__isnull=True)),
                name="review_published_at",
            ),
            models.CheckConstraint(
                condition=Q(gig_id__isnull=True) | Q(author_role=AuthorRole.CLIENT),
                name="review_gig_only_client",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "author_role", "status"], name="review_subject_idx"),
            models.Index(fields=["status", "window_closes_at"], name="review_due_idx"),
        ]

    def __str__(self):
        return f"{self.author} → {self.subject} ({self.overall}★, {self.status})"

    @property
    def subject_role(self) -> str:
        """The reviewed party's side: a client's review is about the provider, and vice versa."""
        return "provider" if self.author_role == AuthorRole.CLIENT else "client"

    @property
    def dimensions(self) -> tuple[str, ...]:
        return DIMENSIONS[self.author_role]

    @property
    def ratings(self) -> dict:
        return {name: getattr(self, name) for name in self.dimensions}

    @property
    def rating_rows(self) -> list[tuple[str, str, int]]:
        return [
            (name, str(DIMENSION_LABELS[name]), getattr(self, name)) for name in self.dimensions
        ]

    @property
    def is_public(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED and self.moderation == Moderation.OK

    @property
    def is_editable(self) -> bool:
        return self.status != ReviewStatus.PUBLISHED and self.moderation == Moderation.OK


def review_photo_path(instance, filename: str) -> str:
    extension = os.path.splitext(filename)[1].lower()[:8] or ".jpg"
    return f"reviews/{instance.review_id}/{uuid.uuid4().hex}{extension}"


class ReviewPhoto(BaseModel):
    """A photo of the work, re-encoded (metadata stripped); shown only with its review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=review_photo_path, max_length=200)
    thumbnail = models.ImageField(upload_to=review_photo_path, max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["review", "position", "created_at"]

    def __str__(self):
        return f"photo {self.position} of {self.review_id}"


class SubjectType(models.TextChoices):
    PROVIDER = "provider", _("User as a freelancer")
    CLIENT = "client", _("User as a client")
    GIG = "gig", _("Gig")


class RatingStats(models.Model):
    """Running totals of the public reviews of one user (per side) or one gig.

    Changed only under its row lock (``stats.py``), in the same transaction as the publication,
    hiding or restoring that changes it; ``recompute_ratings`` rebuilds it from the reviews.
    """

    id = models.BigAutoField(primary_key=True)
    subject_type = models.CharField(max_length=10, choices=SubjectType.choices)
    subject_id = models.UUIDField()
    count = models.PositiveIntegerField(default=0)
    sum_overall = models.PositiveIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    sum_quality = models.PositiveIntegerField(default=0)
    sum_communication = models.PositiveIntegerField(default=0)
    sum_timeliness = models.PositiveIntegerField(default=0)
    sum_professionalism = models.PositiveIntegerField(default=0)
    sum_value = models.PositiveIntegerField(default=0)
    sum_clarity = models.PositiveIntegerField(default=0)
    sum_payment_promptness = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating statistics")
        verbose_name_plural = _("rating statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="uniq_rating_stats_subject"
            ),
            models.CheckConstraint(
                condition=Q(
                    count=models.F("stars_1")
                    + models.F("stars_2")
                    + models.F("stars_3")
                    + models.F("stars_4")
                    + models.F("stars_5")
                ),
                name="rating_stats_distribution_sums",
            ),
        ]

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} ({self.count})"
