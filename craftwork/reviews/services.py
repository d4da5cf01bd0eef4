"""Every write to reviews: writing, submitting and editing a review, photos, the public response,
the double-blind publication, and the moderation actions.

Locks: the contract row is the per-contract mutex. Every write to a contract's reviews takes it
first (it is also the first lock the contract process takes), then reads the reviews afresh
without locking them (no other writer can change them meanwhile), then locks the statistics rows
(sorted). Not locking the review rows matters: the moderation app locks a review row before it
calls ``review_hide``/``review_restore``/``review_remove``, which then take the contract lock;
locking reviews after the contract here could deadlock with it.

Double-blind publication
------------------------
Neither party sees the other's review until both are published. A review is published

* together with the other side's, in the transaction that submits the second one, when both
  are submitted and neither is held by moderation; or
* once the review window has closed, by ``reviews_publish_due`` (the scheduled task), alone or
  with the other side's if that one was submitted too.

A review held by the screening is not published with its pair: the other side's review keeps
its own schedule (it is published when the window closes). If staff restore the held review
while the window is still open and the other side's review is submitted, both are published
then; after the window it is published alone at once; otherwise it waits like any submitted
review.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.contracts.models import Contract
from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.core.files import make_thumbnail, reencode_image, validate_image

from . import rules, stats
from .models import (
    DIMENSIONS,
    MAX_PHOTOS,
    MAX_PRIVATE_NOTE_LENGTH,
    MAX_RATING,
    MAX_RESPONSE_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_RATING,
    AuthorRole,
    Moderation,
    Review,
    ReviewPhoto,
    ReviewStatus,
)

logger = logging.getLogger(__name__)
UNCHANGED = object()
PUBLISH_BATCH = 500


# --- Checking what the author sends -----------------------------------------------------------


def _invalid(field: str, message: str, code: str = "validation_error") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def clean_rating(value, field: str) -> int:
    if value is None or value == "":
        raise _invalid(field, _("Give a rating from 1 to 5."), code="required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, _("Give a rating from 1 to 5."), code="invalid_rating")
    if not MIN_RATING <= value <= MAX_RATING:
        raise _invalid(field, _("Give a rating from 1 to 5."), code="out_of_range")
    return value


def clean_ratings(role: str, ratings) -> dict:
    """Exactly the sub-ratings of the author's side, each 1 to 5."""
    if not isinstance(ratings, dict):
        raise _invalid("ratings", _("Send the sub-ratings as an object."))
    wanted = DIMENSIONS[role]
    unknown = sorted(str(name) for name in ratings if name not in wanted)
    if unknown:
        message = _("Unknown rating: %(names)s.") % {"names": ", ".join(unknown[:7])}
        raise _invalid(unknown[0][:50], message, code="unknown_rating")
    return {name: clean_rating(ratings.get(name), name) for name in wanted}


def clean_text(value, field: str, max_length: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(field, _("Enter text."))
    if "\x00" in value:
        raise _invalid(field, _("The text contains characters that are not allowed."))
    value = value.strip()
    if required and not value:
        raise _invalid(field, _("This field is required."), code="required")
    if len(value) > max_length:
        raise _invalid(
            field, _("Use at most %(max)d characters.") % {"max": max_length}, code="too_long"
        )
    return value


def clean_review_fields(role: str, *, overall, ratings, text, private_note) -> dict:
    return {
        "overall": clean_rating(overall, "overall"),
        **clean_ratings(role, ratings),
        "text": clean_text(text, "text", MAX_TEXT_LENGTH),
        "private_note": clean_text(private_note, "private_note", MAX_PRIVATE_NOTE_LENGTH),
    }


# --- Locks and checks ------------------------------------------------------------------------------


def _role_or_404(contract, actor) -> str:
    role = contract.role_of(actor) if getattr(actor, "is_authenticated", False) else None
    if role is None:
        raise NotFound(_("Contract not found."), code="contract_not_found")
    return role


def _lock_contract(contract_id) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract_id)


def _reload(review_id) -> Review:
    """The review as committed, read under the contract lock (see the module docstring)."""
    return Review.objects.select_related("contract").get(pk=review_id)


def _own_review(review: Review, actor) -> Review:
    """Lock the contract, then read the review; only its author may change it (others: 404)."""
    if not getattr(actor, "is_authenticated", False) or review.author_id != actor.pk:
        raise NotFound(_("Review not found."), code="review_not_found")
    _lock_contract(review.contract_id)
    return _reload(review.pk)


def _ensure_reviewable(contract, now) -> None:
    if contract.state != rules.COMPLETED:
        raise InvalidTransition(
            _("A contract can be reviewed once it is completed."),
            code="contract_not_completed",
            details={"contract_state": contract.state},
        )
    if not rules.window_open(contract, now):
        raise InvalidTransition(
            _("The review period for this contract has ended."), code="review_window_closed"
        )


def _ensure_editable(review: Review, now) -> None:
    if review.status == ReviewStatus.PUBLISHED:
        raise InvalidTransition(_("A published review cannot be changed."), code="review_published")
    if review.moderation != Moderation.OK:
        raise InvalidTransition(
            _("This review is with our moderation team and cannot be changed."),
            code="review_under_moderation",
        )
    if now >= review.window_closes_at:
        raise InvalidTransition(
            _("The review period for this contract has ended."), code="review_window_closed"
        )


def _payload(review: Review, **extra) -> dict:
    contract = review.contract
    return {
        "review_id": str(review.pk),
        "contract_id": str(review.contract_id),
        "title": contract.title,
        "author_id": str(review.author_id),
        "subject_id": str(review.subject_id),
        "author_role": review.author_role,
        **extra,
    }


# --- The author ------------------------------------------------------------------------------------


def review_create(
    *,
    actor,
    contract: Contract,
    overall,
    ratings,
    text: str = "",
    private_note: str = "",
    submit: bool = False,
    now=None,
) -> Review:
    """Write a review of the other party of a completed contract (a draft unless ``submit``)."""
    now = now or timezone.now()
    role = _role_or_404(contract, actor)
    fields = clean_review_fields(
        role, overall=overall, ratings=ratings, text=text, private_note=private_note
    )
    with transaction.atomic():
        locked = _lock_contract(contract.pk)
        _ensure_reviewable(locked, now)
        if Review.objects.filter(contract=locked, author=actor).exists():
            raise _already_reviewed()
        review = _insert(locked, actor, role, fields, now)
        audit(actor=actor, action="reviews.created", target=review)
        if submit:
            _submit(review, actor, now)
    return review


def _already_reviewed() -> Conflict:
    return Conflict(_("You have already reviewed this contract."), code="already_reviewed")


def _insert(contract, actor, role, fields, now) -> Review:
    review = Review(
        contract=contract,
        author=actor,
        subject_id=contract.provider_id if role == AuthorRole.CLIENT else contract.client_id,
        author_role=role,
        gig_id=rules.gig_id_for(contract) if role == AuthorRole.CLIENT else None,
        window_closes_at=rules.window_closes_at(contract),
        **fields,
    )
    try:
        with transaction.atomic():
            review.save(force_insert=True)
    except IntegrityError:  # the unique (contract, author) constraint: a concurrent create won
        raise _already_reviewed() from None
    return review


def review_update(
    *,
    actor,
    review: Review,
    overall=UNCHANGED,
    ratings=UNCHANGED,
    text=UNCHANGED,
    private_note=UNCHANGED,
    now=None,
) -> Review:
    """Change a review before it is published (a draft, or submitted and still waiting)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_review(review, actor)
        _ensure_editable(locked, now)
        current_ratings = locked.ratings
        if ratings is not UNCHANGED:
            if not isinstance(ratings, dict):
                raise _invalid("ratings", _("Send the sub-ratings as an object."))
            current_ratings = {**current_ratings, **ratings}
        fields = clean_review_fields(
            locked.author_role,
            overall=locked.overall if overall is UNCHANGED else overall,
            ratings=current_ratings,
            text=locked.text if text is UNCHANGED else text,
            private_note=locked.private_note if private_note is UNCHANGED else private_note,
        )
        text_changed = fields["text"] != locked.text
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
        audit(actor=actor, action="reviews.updated", target=locked)
        if locked.status == ReviewStatus.SUBMITTED and text_changed:
            _screen(locked, actor)
    return locked


def review_submit(*, actor, review: Review, now=None) -> Review:
    """Send a draft: it is published with the other side's, or when the review period ends."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_review(review, actor)
        if locked.status != ReviewStatus.DRAFT:
            raise Conflict(_("This review was already submitted."), code="already_submitted")
        _ensure_editable(locked, now)
        _submit(locked, actor, now)
    return locked


def _submit(review: Review, actor, now) -> None:
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = now
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(actor=actor, action="reviews.submitted", target=review)
    _screen(review, actor)
    published = publish_ready(review.contract, now=now, actor=actor)
    if not published and review.moderation == Moderation.OK:
        publish("reviews.submitted", payload=_payload(review), actor=actor)


def _screen(review: Review, actor) -> None:
    """Screening before publication: a held review waits for staff (``review_restore``)."""
    result = rules.screen(review.text, review=review)
    if not result.held:
        return
    review.moderation = Moderation.HELD
    review.moderation_reasons = list(result.reasons)
    review.save(update_fields=["moderation", "moderation_reasons", "updated_at"])
    audit(
        actor=actor,
        action="reviews.held",
        target=review,
        details={"reasons": list(result.reasons)},
    )
    rules.hold(review, result, actor=actor)


# --- Photos -----------------------------------------------------------------------------------------


def review_photo_add(*, actor, review: Review, upload, now=None) -> ReviewPhoto:
    """Attach a photo (a real image, re-encoded without its metadata) to an unpublished review."""
    now = now or timezone.now()
    if upload is None or not hasattr(upload, "read") or not hasattr(upload, "size"):
        raise _invalid("photo", _("Choose a photo to upload."), code="required")
    try:
        validate_image(upload)
    except ValidationFailed as error:
        raise _invalid("photo", error.message, code=error.code) from error
    stored: list = []
    try:
        with transaction.atomic():
            locked = _own_review(review, actor)
            _ensure_editable(locked, now)
            count = locked.photos.count()
            if count >= MAX_PHOTOS:
                raise _invalid(
                    "photo",
                    _("Add at most %(max)d photos.") % {"max": MAX_PHOTOS},
                    code="too_many_photos",
                )
            photo = ReviewPhoto(review=locked, position=count)
            photo.image.save("photo.jpg", reencode_image(upload), save=False)
            stored.append(photo.image)
            photo.thumbnail.save("thumb.jpg", make_thumbnail(upload), save=False)
            stored.append(photo.thumbnail)
            photo.save(force_insert=True)
            audit(actor=actor, action="reviews.photo_added", target=locked)
    except Exception:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    return photo


def review_photo_remove(*, actor, review: Review, photo_id, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _own_review(review, actor)
        _ensure_editable(locked, now)
        photo = locked.photos.filter(pk=photo_id).first()
        if photo is None:
            raise NotFound(_("Photo not found."))
        files = [photo.image, photo.thumbnail]
        photo.delete()
        audit(actor=actor, action="reviews.photo_removed", target=locked)
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


# --- The reviewed party's response ------------------------------------------------------------------


def review_respond(*, actor, review: Review, text, now=None) -> Review:
    """The reviewed party answers a published review, once, in public."""
    now = now or timezone.now()
    text = clean_text(text, "text", MAX_RESPONSE_LENGTH, required=True)
    with transaction.atomic():
        _lock_contract(review.contract_id)
        locked = _reload(review.pk)
        _check_can_respond(locked, actor)
        result = rules.screen(text)
        if result.held:
            message = _(
                "Your response could not be posted as written. Please keep it about the work, "
                "without contact details or offensive words."
            )
            raise ValidationFailed(
                message,
                code="response_refused",
                details={"text": [message], "reasons": list(result.reasons)},
            )
        locked.response_text = text
        locked.responded_at = now
        locked.save(update_fields=["response_text", "responded_at", "updated_at"])
        audit(actor=actor, action="reviews.responded", target=locked)
        publish("reviews.responded", payload=_payload(locked), actor=actor)
    return locked


def _check_can_respond(review: Review, actor) -> None:
    is_author = getattr(actor, "pk", None) == review.author_id
    if not review.is_public and not is_author:
        raise NotFound(_("Review not found."), code="review_not_found")
    if actor is None or actor.pk != review.subject_id:
        raise PermissionDenied(
            _("Only the person reviewed can respond to a review."), code="not_reviewed_party"
        )
    if review.responded_at is not None:
        raise Conflict(_("You have already responded to this review."), code="already_responded")


# --- Publication ----------------------------------------------------------------------------------


def publish_ready(contract, *, now, actor=None) -> list[Review]:
    """Publish what may be published now (call with the contract row locked).

    Both sides submitted and visible: both. The window has closed: every submitted, visible one.
    """
    reviews = list(Review.objects.filter(contract=contract).order_by("pk"))
    ready = [
        r for r in reviews if r.status == ReviewStatus.SUBMITTED and r.moderation == Moderation.OK
    ]
    window_closed = now >= min((r.window_closes_at for r in reviews), default=now)
    if not ready or (len(ready) < 2 and not window_closed):
        return []
    _publish(ready, contract=contract, now=now, actor=actor)
    return ready


def _publish(reviews: list[Review], *, contract, now, actor) -> None:
    rows = stats.lock_rows(key for review in reviews for key in stats.subjects_of(review))
    for review in reviews:
        review.status = ReviewStatus.PUBLISHED
        review.published_at = now
        review.save(update_fields=["status", "published_at", "updated_at"])
        stats.add_review(review, rows=rows)
        audit(actor=actor, action="reviews.published", target=review)
    publish(
        "reviews.published",
        payload={
            "contract_id": str(contract.pk),
            "title": contract.title,
            "client_id": str(contract.client_id),
            "provider_id": str(contract.provider_id),
            "review_ids": [str(review.pk) for review in reviews],
            "subject_ids": [str(review.subject_id) for review in reviews],
        },
        actor=actor,
    )


def reviews_publish_due(*, now=None, limit: int = PUBLISH_BATCH) -> int:
    """The scheduled task: publish the submitted reviews whose window has closed. Safe to run twice
    or in parallel: each contract is re-checked under its lock."""
    now = now or timezone.now()
    due = (
        Review.objects.filter(
            status=ReviewStatus.SUBMITTED, moderation=Moderation.OK, window_closes_at__lte=now
        )
        .order_by("window_closes_at")
        .values_list("contract_id", flat=True)[:limit]
    )
    published = 0
    for contract_id in dict.fromkeys(due):
        with transaction.atomic():
            contract = _lock_contract(contract_id)
            published += len(publish_ready(contract, now=now))
    return published


# --- Moderation (called by the moderation app through register_flaggable) -----------------------------


def _require_moderator(actor) -> None:
    if actor is None:  # the platform itself (automatic moderation)
        return
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff and actor.is_active):
        raise PermissionDenied()


def _moderate(review: Review, *, actor, reason: str, target: str, sources: set) -> Review:
    _require_moderator(actor)
    with transaction.atomic():
        contract = _lock_contract(review.contract_id)
        locked = _reload(review.pk)
        if locked.moderation == target:  # idempotent: a decision may arrive twice
            return locked
        if locked.moderation not in sources:
            raise InvalidTransition(
                _("This review is %(state)s.") % {"state": locked.get_moderation_display()},
                code="invalid_moderation_state",
                details={"moderation": locked.moderation},
            )
        was_public = locked.is_public
        locked.moderation = target
        if target == Moderation.OK:
            locked.moderation_reasons = []
        locked.save(update_fields=["moderation", "moderation_reasons", "updated_at"])
        audit(
            actor=actor,
            action=f"reviews.moderation_{target}",
            target=locked,
            details={"reason": (reason or "")[:1000]},
        )
        if was_public or locked.is_public:
            stats.recompute_for(locked)  # hidden reviews leave the statistics, restored ones return
        elif target == Moderation.OK and locked.status == ReviewStatus.SUBMITTED:
            publish_ready(contract, now=timezone.now(), actor=actor)
    review.refresh_from_db()
    return locked


def review_hide(*, review: Review, actor, reason: str = "") -> Review:
    return _moderate(
        review,
        actor=actor,
        reason=reason,
        target=Moderation.HIDDEN,
        sources={Moderation.OK, Moderation.HELD},
    )


def review_restore(*, review: Review, actor, reason: str = "") -> Review:
    """Back to visible; a held or hidden review that was waiting may be published now."""
    return _moderate(
        review,
        actor=actor,
        reason=reason,
        target=Moderation.OK,
        sources={Moderation.HELD, Moderation.HIDDEN},
    )


def review_remove(*, review: Review, actor, reason: str = "") -> Review:
    """Removed for good: never shown again and not counted."""
    return _moderate(
        review,
        actor=actor,
        reason=reason,
        target=Moderation.REMOVED,
        sources={Moderation.OK, Moderation.HELD, Moderation.HIDDEN},
    )
