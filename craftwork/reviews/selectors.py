"""Reads, scoped to what the viewer may see.

Anyone may read public reviews (published, not hidden or removed). A review that is not public
exists only for its author (and staff in the admin): to anyone else, the other party included,
it is "not found". The private note is only ever returned to its author.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.contracts import selectors as contract_selectors
from craftwork.core.errors import NotFound

from . import rules, stats
from .models import (
    DIMENSION_LABELS,
    MAX_RATING,
    MIN_RATING,
    AuthorRole,
    Moderation,
    RatingStats,
    Review,
    ReviewPhoto,
    ReviewStatus,
    SubjectType,
)

# --- Rating summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    average: Decimal | None


@dataclass(frozen=True)
class Star:
    stars: int
    count: int
    percent: int


@dataclass(frozen=True)
class RatingSummary:
    """A subject's public rating: ``average`` and ``bayesian`` are None until the first review."""

    subject_type: str
    subject_id: uuid.UUID
    count: int = 0
    average: Decimal | None = None
    bayesian: Decimal | None = None
    dimensions: tuple[Dimension, ...] = ()
    distribution: tuple[Star, ...] = field(default_factory=tuple)

    @property
    def has_reviews(self) -> bool:
        return self.count > 0

    @property
    def stars_rounded(self) -> int:
        """Whole stars to draw (the average rounded half up)."""
        if self.average is None:
            return 0
        return int(self.average + Decimal("0.5"))


def platform_means() -> dict:
    """``{subject_type: prior mean C}`` over all public reviews (one query)."""
    rows = RatingStats.objects.values("subject_type").annotate(
        total=Sum("sum_overall"), reviews=Sum("count")
    )
    totals = {row["subject_type"]: (row["total"] or 0, row["reviews"] or 0) for row in rows}
    return {kind: stats.prior_mean(*totals.get(kind, (0, 0))) for kind in SubjectType.values}


def _as_uuids(ids) -> set:
    found = set()
    for value in ids:
        if value is None:
            continue
        try:
            found.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def summaries_for(subject_type: str, ids, *, means: dict | None = None) -> dict:
    """``{id: RatingSummary}`` for every id given (an empty summary when none): two queries."""
    wanted = _as_uuids(ids)
    result = {pk: RatingSummary(subject_type=subject_type, subject_id=pk) for pk in wanted}
    if not wanted:
        return result
    rows = RatingStats.objects.filter(subject_type=subject_type, subject_id__in=wanted, count__gt=0)
    rows = list(rows)
    if not rows:
        return result
    mean = (means or platform_means())[subject_type]
    for row in rows:
        result[row.subject_id] = summary_of(row, mean=mean)
    return result


def summary_of(row: RatingStats, *, mean: Decimal) -> RatingSummary:
    dimensions = tuple(
        Dimension(
            name=name,
            label=str(DIMENSION_LABELS[name]),
            average=stats.average(getattr(row, f"sum_{name}"), row.count),
        )
        for name in stats.SUBJECT_DIMENSIONS[row.subject_type]
    )
    distribution = tuple(
        Star(
            stars=star,
            count=getattr(row, f"stars_{star}"),
            percent=round(100 * getattr(row, f"stars_{star}") / row.count) if row.count else 0,
        )
        for star in range(MAX_RATING, MIN_RATING - 1, -1)
    )
    return RatingSummary(
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        count=row.count,
        average=stats.average(row.sum_overall, row.count),
        bayesian=stats.bayesian_score(total=row.sum_overall, count=row.count, mean=mean)
        if row.count
        else None,
        dimensions=dimensions,
        distribution=distribution,
    )


def rating_summary_for_users(user_ids, *, role: str = SubjectType.PROVIDER) -> dict:
    """``{user_id: RatingSummary}`` of users as freelancers (or ``role="client"``), no N+1."""
    if role not in (SubjectType.PROVIDER, SubjectType.CLIENT):
        raise ValueError(f"unknown role {role!r}")
    return summaries_for(role, user_ids)


def rating_summary_for_gigs(gig_ids) -> dict:
    return summaries_for(SubjectType.GIG, gig_ids)


def rating_summary(subject_type: str, subject_id) -> RatingSummary:
    ids = _as_uuids([subject_id])
    if not ids:
        raise NotFound()
    return next(iter(summaries_for(subject_type, ids).values()))


# --- Public reviews -----------------------------------------------------------------------------------


def _with_related(reviews):
    return reviews.select_related("author", "contract").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "created_at"))
    )


def public_reviews(subject_type: str, subject_id):
    """The public reviews of a user (as freelancer or client) or of a gig, newest first."""
    ids = _as_uuids([subject_id])
    if not ids or subject_type not in SubjectType.values:
        return Review.objects.none()
    subject_id = next(iter(ids))
    reviews = Review.objects.public()
    if subject_type == SubjectType.GIG:
        reviews = reviews.filter(gig_id=subject_id, author_role=AuthorRole.CLIENT)
    else:
        author_role = (
            AuthorRole.CLIENT if subject_type == SubjectType.PROVIDER else AuthorRole.PROVIDER
        )
        reviews = reviews.filter(subject_id=subject_id, author_role=author_role)
    return _with_related(reviews).order_by("-published_at", "-pk")


def can_see(review: Review, user) -> bool:
    """The one gate for a single review: public, or written by ``user`` (staff use the admin)."""
    if review.is_public:
        return True
    return bool(getattr(user, "is_authenticated", False) and review.author_id == user.pk)


def visible_review(pk, *, user) -> Review:
    review = _with_related(Review.objects.filter(pk=pk)).first() if _as_uuids([pk]) else None
    if review is None or not can_see(review, user):
        raise NotFound(_("Review not found."), code="review_not_found")
    return review


# --- The author's own reviews --------------------------------------------------------------------------


def own_review(*, user, pk) -> Review:
    """One of the user's own reviews, whatever its state (anyone else's: not found)."""
    if not getattr(user, "is_authenticated", False) or not _as_uuids([pk]):
        raise NotFound(_("Review not found."), code="review_not_found")
    review = _with_related(Review.objects.filter(pk=pk, author=user)).first()
    if review is None:
        raise NotFound(_("Review not found."), code="review_not_found")
    return review


def reviews_given(user):
    if not getattr(user, "is_authenticated", False):
        return Review.objects.none()
    return _with_related(Review.objects.filter(author=user)).order_by("-created_at", "-pk")


def reviews_received(user):
    """Only the public ones: an unpublished review of you does not exist for you yet."""
    if not getattr(user, "is_authenticated", False):
        return Review.objects.none()
    return _with_related(Review.objects.public().filter(subject=user)).order_by(
        "-published_at", "-pk"
    )


def pending_contracts(user, *, now=None):
    """Completed contracts the user can still review (no review submitted yet, window open)."""
    if not getattr(user, "is_authenticated", False):
        return contract_selectors.contracts_for(user)
    now = now or timezone.now()
    opened_after = now - timedelta(days=rules.review_window_days())
    submitted = Review.objects.filter(
        contract=OuterRef("pk"),
        author=user,
        status__in=[ReviewStatus.SUBMITTED, ReviewStatus.PUBLISHED],
    )
    drafts = Review.objects.filter(contract=OuterRef("pk"), author=user, status=ReviewStatus.DRAFT)
    return (
        contract_selectors.contracts_for(user, state=rules.COMPLETED)
        .annotate(review_opened=Coalesce("completed_at", "state_changed_at"))
        .filter(review_opened__gt=opened_after)
        .annotate(has_draft=Exists(drafts))
        .exclude(Exists(submitted))
        .order_by("review_opened", "pk")
    )


# --- A contract's reviews, as one party sees them --------------------------------------------------------


@dataclass
class ContractReviews:
    """What a party of a contract sees of its reviews (the other side's only once public)."""

    contract: object
    role: str
    state: str  # not_completed, write, draft, waiting, held, published, closed
    mine: Review | None
    theirs: Review | None
    window_closes_at: object
    other_submitted: bool

    @property
    def can_write(self) -> bool:
        return self.state == "write"

    @property
    def can_edit(self) -> bool:
        return self.state in ("draft", "waiting")

    @property
    def other_party(self):
        contract = self.contract
        return contract.provider if self.role == AuthorRole.CLIENT else contract.client


def contract_reviews(*, user, contract_pk, now=None) -> ContractReviews:
    contract = contract_selectors.contract_for_participant(user, contract_pk)
    return reviews_of_contract(contract, user, now=now)


def reviews_of_contract(contract, user, *, now=None) -> ContractReviews:
    now = now or timezone.now()
    role = contract.role_of(user)
    if role is None:
        raise NotFound(_("Contract not found."), code="contract_not_found")
    reviews = list(_with_related(Review.objects.filter(contract=contract)))
    mine = next((r for r in reviews if r.author_id == user.pk), None)
    other = next((r for r in reviews if r.author_id != user.pk), None)
    return ContractReviews(
        contract=contract,
        role=role,
        state=_state(contract, mine, now),
        mine=mine,
        theirs=other if other is not None and other.is_public else None,
        window_closes_at=rules.window_closes_at(contract),
        other_submitted=other is not None and other.status != ReviewStatus.DRAFT,
    )


def _state(contract, mine: Review | None, now) -> str:
    if contract.state != rules.COMPLETED:
        return "not_completed"
    if mine is not None and mine.status == ReviewStatus.PUBLISHED:
        return "published"
    window_open = rules.window_open(contract, now)
    if mine is None:
        return "write" if window_open else "closed"
    if mine.moderation != Moderation.OK:
        return "held"
    if mine.status == ReviewStatus.SUBMITTED:
        return "waiting"
    return "draft" if window_open else "closed"


def review_prompt_for(contract, user, *, now=None) -> ContractReviews | None:
    """For the contract page: the review box, or None when there is nothing to show."""
    if contract is None or contract.state != rules.COMPLETED or contract.role_of(user) is None:
        return None
    return reviews_of_contract(contract, user, now=now)


# --- People -------------------------------------------------------------------------------------------


def public_name(user) -> str:
    """How reviews name people in public: first name and last initial."""
    if user is None:
        return ""
    initial = f" {user.last_name[:1]}." if user.last_name else ""
    return f"{user.first_name}{initial}".strip() or _("A Craftwork member")


def reviewed_user(pk):
    """An active user whose public reviews may be listed (anyone else: not found)."""
    from django.contrib.auth import get_user_model

    ids = _as_uuids([pk])
    user = get_user_model().objects.filter(pk__in=ids, is_active=True).first() if ids else None
    if user is None:
        raise NotFound(_("User not found."))
    return user
