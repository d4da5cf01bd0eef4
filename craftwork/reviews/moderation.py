"""Reviews as a flaggable kind of the moderation app (registered from ``ReviewsConfig.ready``).

Hiding, restoring and removing go through this app's services, so the rating statistics are
recomputed in the same transaction.
"""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Review


def _describe(review: Review) -> str:
    stars = "★" * review.overall
    return f"{stars} {Truncator(review.text or '').chars(120)}".strip()


def _url(review: Review) -> str:
    if not review.is_public:  # held before publication: staff read it in the admin
        return reverse("admin:reviews_review_change", args=[review.pk])
    if review.author_role == "client":
        return reverse("reviews:user", args=[review.subject_id]) + f"#review-{review.pk}"
    return reverse("reviews:user", args=[review.subject_id]) + f"?as=client#review-{review.pk}"


def register() -> None:
    try:
        from craftwork.moderation.registry import register_flaggable
    except ImportError:  # the moderation app is not installed
        return
    register_flaggable(
        "review",
        model=Review,
        label=_("Review"),
        author=lambda review: review.author,
        describe=_describe,
        text=lambda review: review.text,
        url=_url,
        # Only public reviews can be flagged (an unpublished one reaches the queue only when the
        # screening holds it).
        visible=lambda review, user: review.is_public,
        hide=lambda review, *, actor, reason: services.review_hide(
            review=review, actor=actor, reason=reason
        ),
        restore=lambda review, *, actor, reason: services.review_restore(
            review=review, actor=actor, reason=reason
        ),
        remove=lambda review, *, actor, reason: services.review_remove(
            review=review, actor=actor, reason=reason
        ),
    )
