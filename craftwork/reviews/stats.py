"""Rating statistics: running totals per user (as freelancer and as client) and per gig.

Totals change only under the row lock, in the transaction that publishes, hides or restores a
review: publication adds the review (``add_review``), moderation recomputes the row from the
public reviews (``recompute_row``). ``recompute_all`` rebuilds every row (the
``recompute_ratings`` command) and reports what differed.

The Bayesian score
------------------
A plain average ranks one 5-star review above fifty reviews averaging 4.9. The score shrinks
each average towards a prior::

    score = (m * C + S) / (m + n)

``n`` reviews summing to ``S`` stars; ``m`` is the prior weight (``RATING_PRIOR_WEIGHT``,
default 10: the prior counts like ten reviews); ``C`` is the platform mean of the public
reviews of the same kind (freelancers, clients or gigs), clamped to
[``RATING_PRIOR_MEAN_MIN``, ``RATING_PRIOR_MEAN_MAX``] = [3.0, 4.5] (4.0 while there are no
reviews at all). The upper clamp matters: with a prior mean at or above ~4.9 no weight can
keep a single 5 below a long 4.9 record, because the score of one 5 is then already ≥ 4.9.
With C ≤ 4.5 and m = 10 one 5-star review scores at most (45 + 5) / 11 ≈ 4.55 while fifty
reviews averaging 4.9 score at least (30 + 245) / 60 ≈ 4.58 (C = 3.0).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from craftwork.core.errors import DomainError

from .models import (
    ALL_DIMENSIONS,
    DIMENSIONS,
    MAX_RATING,
    MIN_RATING,
    AuthorRole,
    RatingStats,
    Review,
    SubjectType,
)

logger = logging.getLogger(__name__)

STAR_FIELDS = tuple(f"stars_{star}" for star in range(MIN_RATING, MAX_RATING + 1))
SUM_FIELDS = ("sum_overall", *(f"sum_{name}" for name in ALL_DIMENSIONS))
TOTAL_FIELDS = ("count", *SUM_FIELDS, *STAR_FIELDS)
DEFAULT_PRIOR_MEAN = Decimal("4.0")
TWO_PLACES = Decimal("0.01")
# The sub-ratings each kind of subject collects (the reviews about it are written by the other side).
SUBJECT_DIMENSIONS = {
    SubjectType.PROVIDER: DIMENSIONS[AuthorRole.CLIENT],
    SubjectType.GIG: DIMENSIONS[AuthorRole.CLIENT],
    SubjectType.CLIENT: DIMENSIONS[AuthorRole.PROVIDER],
}


def prior_weight() -> int:
    return int(getattr(settings, "RATING_PRIOR_WEIGHT", 10))


def prior_bounds() -> tuple[Decimal, Decimal]:
    low = Decimal(str(getattr(settings, "RATING_PRIOR_MEAN_MIN", "3.0")))
    high = Decimal(str(getattr(settings, "RATING_PRIOR_MEAN_MAX", "4.5")))
    return low, high


def prior_mean(total: int, count: int) -> Decimal:
    """The platform mean ``total / count`` clamped to the prior bounds (4.0 with no reviews)."""
    low, high = prior_bounds()
    if not count:
        return min(max(DEFAULT_PRIOR_MEAN, low), high)
    return min(max(Decimal(total) / Decimal(count), low), high)


def bayesian_score(*, total: int, count: int, mean: Decimal, weight: int | None = None) -> Decimal:
    """``(m * C + S) / (m + n)`` rounded to two places; see the module docstring."""
    weight = prior_weight() if weight is None else weight
    score = (Decimal(weight) * Decimal(mean) + Decimal(total)) / Decimal(weight + count)
    return score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- Which rows a review counts in -------------------------------------------------------------


def subjects_of(review: Review) -> list[tuple[str, object]]:
    """``(subject_type, subject_id)`` of every statistics row ``review`` counts in."""
    rows = [(review.subject_role, review.subject_id)]
    if review.gig_id and review.author_role == AuthorRole.CLIENT:
        rows.append((SubjectType.GIG.value, review.gig_id))
    return rows


def _reviews_of(subject_type: str, subject_id):
    public = Review.objects.public()
    if subject_type == SubjectType.GIG:
        return public.filter(gig_id=subject_id, author_role=AuthorRole.CLIENT)
    author_role = AuthorRole.CLIENT if subject_type == SubjectType.PROVIDER else AuthorRole.PROVIDER
    return public.filter(subject_id=subject_id, author_role=author_role)


# --- Locked rows ----------------------------------------------------------------------------------


def lock_rows(keys) -> dict:
    """Lock (creating when missing) the rows for ``keys``, always in the same order (no deadlocks)."""
    ordered = sorted({(str(kind), str(subject_id)) for kind, subject_id in keys})
    return {key: _lock_row(*key) for key in ordered}


def _lock_row(subject_type: str, subject_id) -> RatingStats:
    row = (
        RatingStats.objects.select_for_update()
        .filter(subject_type=subject_type, subject_id=subject_id)
        .first()
    )
    if row is not None:
        return row
    try:
        with transaction.atomic():
            RatingStats.objects.create(subject_type=subject_type, subject_id=subject_id)
    except IntegrityError:  # created by a concurrent transaction: wait for its lock below
        pass
    return RatingStats.objects.select_for_update().get(
        subject_type=subject_type, subject_id=subject_id
    )


def add_review(review: Review, *, rows: dict | None = None) -> None:
    """Count a just-published review in its rows (call inside the publishing transaction)."""
    keys = subjects_of(review)
    rows = rows if rows is not None else lock_rows(keys)
    for key in keys:
        row = rows[(str(key[0]), str(key[1]))]
        row.count += 1
        row.sum_overall += review.overall
        setattr(row, f"stars_{review.overall}", getattr(row, f"stars_{review.overall}") + 1)
        for name in review.dimensions:
            setattr(row, f"sum_{name}", getattr(row, f"sum_{name}") + getattr(review, name))
        row.save()
        _sync_catalog(row)


def recompute_row(row: RatingStats) -> bool:
    """Rebuild a locked row from the public reviews; True when anything changed."""
    totals = computed_totals(row.subject_type, row.subject_id)
    changed = any(getattr(row, name) != value for name, value in totals.items())
    if changed:
        for name, value in totals.items():
            setattr(row, name, value)
        row.save()
    _sync_catalog(row)
    return changed


def recompute_for(review: Review) -> None:
    """After a moderation change: rebuild every row ``review`` counts in, under their locks."""
    for row in lock_rows(subjects_of(review)).values():
        recompute_row(row)


def computed_totals(subject_type: str, subject_id) -> dict:
    aggregates = _reviews_of(subject_type, subject_id).aggregate(**_aggregations())
    return {name: aggregates[name] or 0 for name in TOTAL_FIELDS}


def _aggregations() -> dict:
    aggregations = {"count": Count("pk"), "sum_overall": Sum("overall")}
    for name in ALL_DIMENSIONS:
        aggregations[f"sum_{name}"] = Sum(name)
    for star in range(MIN_RATING, MAX_RATING + 1):
        aggregations[f"stars_{star}"] = Count("pk", filter=Q(overall=star))
    return aggregations


def _sync_catalog(row: RatingStats) -> None:
    """A gig's average and count also live on the gig (the catalog's list filters and sorts by them)."""
    if row.subject_type != SubjectType.GIG:
        return
    from craftwork.catalog.services.gigs import gig_rating_update

    try:
        gig_rating_update(
            gig_id=row.subject_id, average=average(row.sum_overall, row.count), count=row.count
        )
    except DomainError:  # the gig no longer exists: the statistics row stays for the record
        logger.warning("gig %s: rating not stored on the gig", row.subject_id)


# --- Recomputing everything ------------------------------------------------------------------------


@dataclass
class Difference:
    subject_type: str
    subject_id: str
    fields: dict = field(default_factory=dict)  # name -> (stored, computed)

    def __str__(self):
        changes = ", ".join(f"{name} {old} → {new}" for name, (old, new) in self.fields.items())
        return f"{self.subject_type}:{self.subject_id}: {changes}"


def all_computed_totals() -> dict:
    """``{(subject_type, subject_id): totals}`` for every subject with public reviews (3 queries)."""
    public = Review.objects.public()
    groups = [
        (SubjectType.PROVIDER, public.filter(author_role=AuthorRole.CLIENT), "subject_id"),
        (SubjectType.CLIENT, public.filter(author_role=AuthorRole.PROVIDER), "subject_id"),
        (
            SubjectType.GIG,
            public.filter(author_role=AuthorRole.CLIENT, gig_id__isnull=False),
            "gig_id",
        ),
    ]
    computed = {}
    for subject_type, reviews, key in groups:
        for values in reviews.order_by().values(key).annotate(**_aggregations()):
            totals = {name: values[name] or 0 for name in TOTAL_FIELDS}
            computed[(str(subject_type), str(values[key]))] = totals
    return computed


def differences() -> list[Difference]:
    """Every row whose stored totals differ from the public reviews (a missing row counts as zero)."""
    computed = all_computed_totals()
    stored = {
        (row.subject_type, str(row.subject_id)): row for row in RatingStats.objects.order_by("pk")
    }
    found = []
    for key in sorted(set(computed) | set(stored)):
        expected = computed.get(key) or dict.fromkeys(TOTAL_FIELDS, 0)
        row = stored.get(key)
        fields = {
            name: (getattr(row, name) if row else 0, value)
            for name, value in expected.items()
            if (getattr(row, name) if row else 0) != value
        }
        if fields:
            found.append(Difference(key[0], key[1], fields))
    return found + _catalog_differences(computed, {d.subject_id for d in found})


def _catalog_differences(computed: dict, already: set) -> list[Difference]:
    """Gigs whose stored rating (on the gig itself) disagrees with their public reviews."""
    from craftwork.catalog.models import Gig

    expected = {
        subject_id: totals for (kind, subject_id), totals in computed.items() if kind == "gig"
    }
    rated = Gig.objects.filter(rating_count__isnull=False).values_list("pk", flat=True)
    ids = set(expected) | {str(pk) for pk in rated}
    found = []
    gigs = Gig.objects.filter(pk__in=ids).values_list("pk", "rating_average", "rating_count")
    for pk, stored_average, stored_count in gigs.order_by("pk"):
        totals = expected.get(str(pk)) or dict.fromkeys(TOTAL_FIELDS, 0)
        want_average = average(totals["sum_overall"], totals["count"])
        want_count = totals["count"] if want_average is not None else None
        if (stored_average, stored_count) != (want_average, want_count) and str(pk) not in already:
            found.append(
                Difference(
                    "gig",
                    str(pk),
                    {"catalog": ((stored_average, stored_count), (want_average, want_count))},
                )
            )
    return found


def recompute_all(*, check: bool = False) -> list[Difference]:
    """Find the rows that differ; unless ``check``, rebuild each under its lock. Returns the differences."""
    found = differences()
    if check:
        return found
    for difference in found:
        with transaction.atomic():
            row = lock_rows([(difference.subject_type, difference.subject_id)])
            recompute_row(next(iter(row.values())))
    return found
