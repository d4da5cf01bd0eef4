"""Gigs: create, edit, packages, gallery, publish/pause, staff removal, moderation hide/reinstate.

Owner checks answer "not found" for someone else's gig, so a caller cannot learn that the id exists.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.files import make_thumbnail, reencode_image, validate_image
from craftwork.profiles import selectors as profile_selectors

from .. import validation as v
from ..errors import GigIncomplete, GigRemoved, NotFreelancer
from ..models import (
    MAX_DELIVERY_DAYS,
    MAX_EXTRA_DAYS,
    MAX_EXTRAS,
    MAX_FAQ,
    MAX_GIG_DESCRIPTION,
    MAX_GIG_IMAGES,
    MAX_GIG_SKILLS,
    MAX_GIG_TAGS,
    MAX_GIG_TITLE,
    MAX_PACKAGE_ITEMS,
    MAX_PACKAGES,
    MAX_REQUIREMENT_CHOICES,
    MAX_REQUIREMENTS,
    MAX_REVISIONS,
    TIER_ORDER,
    Category,
    Gig,
    GigExtra,
    GigFaq,
    GigImage,
    GigPackage,
    GigRequirement,
    GigStatus,
    PackageTier,
    RequirementKind,
)

GIG_FIELDS = {
    "title": v.text(MAX_GIG_TITLE, required=True),
    "description": v.text(MAX_GIG_DESCRIPTION),
    "category": lambda value: value,  # resolved by _resolve_category
    "skills": v.text_list(max_items=MAX_GIG_SKILLS, max_length=80),
    "tags": v.tags(max_items=MAX_GIG_TAGS),
}
PACKAGE_FIELDS = {
    "tier": v.choice(PackageTier.choices),
    "name": v.text(60, required=True),
    "description": v.text(600),
    "price": v.price,
    "currency": v.currency,
    "delivery_days": v.integer(1, MAX_DELIVERY_DAYS),
    "revisions": v.integer(0, MAX_REVISIONS),
    "included": v.text_list(max_items=MAX_PACKAGE_ITEMS, max_length=80),
}
EXTRA_FIELDS = {
    "title": v.text(100, required=True),
    "price": v.price,
    "extra_days": v.integer(0, MAX_EXTRA_DAYS),
}
REQUIREMENT_FIELDS = {
    "question": v.text(300, required=True),
    "kind": v.choice(RequirementKind.choices),
    "choices": v.text_list(max_items=MAX_REQUIREMENT_CHOICES, max_length=100),
    "required": v.boolean,
}
FAQ_FIELDS = {
    "question": v.text(200, required=True),
    "answer": v.text(1000, required=True),
}


# --- helpers ----------------------------------------------------------------------------------


def _require_seller(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if not actor.is_freelancer:
        raise NotFreelancer()


def _lock_own_gig(*, actor, gig) -> Gig:
    locked = Gig.objects.select_for_update().filter(pk=gig.pk).first()
    if locked is None or locked.seller_id != getattr(actor, "pk", None):
        raise NotFound(_("Gig not found."))
    if locked.status == GigStatus.REMOVED:
        raise GigRemoved()
    return locked


def _resolve_category(value) -> Category:
    if isinstance(value, Category):
        return value
    category = None
    if isinstance(value, str) and value:
        category = Category.objects.filter(slug=value).first()
        if category is None:
            try:
                category = Category.objects.filter(pk=uuid.UUID(value)).first()
            except ValueError:
                category = None
    if category is None:
        raise ValidationFailed(details={"category": [_("Choose a category from the list.")]})
    return category


def _resolve_skills(slugs: list[str]) -> list:
    found = {skill.slug: skill for skill in profile_selectors.skills_list().filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationFailed(
            _("Unknown skill: %(skills)s.") % {"skills": ", ".join(unknown[:5])},
            code="unknown_skill",
            details={
                "skills": [_("Unknown skill: %(skills)s.") % {"skills": ", ".join(unknown[:5])}]
            },
        )
    return [found[slug] for slug in slugs]


def _publish_update(gig: Gig, *, actor, changed: list[str]) -> None:
    if gig.status == GigStatus.ACTIVE:
        publish(
            "catalog.gig_updated",
            payload={"gig_id": str(gig.pk), "seller_id": str(gig.seller_id), "fields": changed},
            actor=actor,
        )
        gig.refresh_from_db(fields=["status"])  # screening may have held it just now


def _touch(gig: Gig) -> None:
    gig.save(update_fields=["updated_at"])


# --- create and edit ------------------------------------------------------------------------------


def gig_create(*, actor, title, category, description="", skills=(), tags=()) -> Gig:
    """A new draft gig of the actor (freelancers only)."""
    _require_seller(actor)
    cleaned = v.clean_fields(
        GIG_FIELDS,
        {
            "title": title,
            "description": description,
            "category": category,
            "skills": list(skills),
            "tags": list(tags),
        },
    )
    category_obj = _resolve_category(cleaned["category"])
    skill_objs = _resolve_skills(cleaned["skills"])
    with transaction.atomic():
        gig = Gig.objects.create(
            seller=actor,
            title=cleaned["title"],
            description=cleaned["description"],
            category=category_obj,
            tags=cleaned["tags"],
        )
        gig.skills.set(skill_objs)
        audit(actor=actor, action="catalog.gig_created", target=gig)
    return gig


def gig_update(*, actor, gig: Gig, **fields) -> Gig:
    """Change title, description, category, skills and/or tags of the actor's gig."""
    _require_seller(actor)
    cleaned = v.clean_fields(GIG_FIELDS, fields)
    if "category" in cleaned:
        cleaned["category"] = _resolve_category(cleaned["category"])
    skills = _resolve_skills(cleaned.pop("skills")) if "skills" in cleaned else None
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, cleaned[name])
        if skills is not None and {s.pk for s in skills} != set(
            locked.skills.values_list("pk", flat=True)
        ):
            locked.skills.set(skills)
            changed.append("skills")
        if locked.status == GigStatus.ACTIVE and gig_publish_missing(locked):
            raise ValidationFailed(
                _("An active gig needs a description or a gallery image."),
                code="gig_incomplete",
                details={"description": [_("Add a description or a gallery image.")]},
            )
        if changed:
            locked.save(update_fields=[*(n for n in changed if n != "skills"), "updated_at"])
            audit(
                actor=actor,
                action="catalog.gig_updated",
                target=locked,
                details={"fields": changed},
            )
            _publish_update(locked, actor=actor, changed=changed)
    return locked


# --- packages, extras, requirements, FAQ ------------------------------------------------------------


def gig_packages_set(*, actor, gig: Gig, packages) -> list[GigPackage]:
    """Set the gig's packages (at most one per tier, three in all), keyed by tier.

    A tier that exists keeps its id (carts point at it); tiers not listed are deleted. All packages
    use one currency. An active gig keeps at least one package.
    """
    _require_seller(actor)
    rows = v.clean_rows(
        PACKAGE_FIELDS,
        packages,
        field="packages",
        max_rows=MAX_PACKAGES,
        required=("tier", "name", "price", "currency", "delivery_days"),
    )
    _check_packages(rows)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        if not rows and locked.status == GigStatus.ACTIVE:
            raise ValidationFailed(
                _("An active gig needs at least one package. Pause it first."),
                code="package_required",
            )
        existing = {package.tier: package for package in locked.packages.all()}
        locked.packages.exclude(tier__in=[row["tier"] for row in rows]).delete()
        saved = [_save_package(locked, existing.get(row["tier"]), row) for row in rows]
        _refresh_price_summary(locked)
        audit(
            actor=actor,
            action="catalog.gig_packages_set",
            target=locked,
            details={"packages": [{"tier": p.tier, "price": p.price} for p in saved]},
        )
        _publish_update(locked, actor=actor, changed=["packages"])
    return sorted(saved, key=lambda package: package.position)


def _check_packages(rows: list[dict]) -> None:
    tiers = [row["tier"] for row in rows]
    if len(tiers) != len(set(tiers)):
        raise ValidationFailed(
            _("Each tier (basic, standard, premium) can have one package."),
            code="duplicate_tier",
            details={"packages": [_("Each tier can be used once.")]},
        )
    if len({row["currency"] for row in rows}) > 1:
        raise ValidationFailed(
            _("All packages of a gig use the same currency."),
            code="mixed_currencies",
            details={"packages": [_("Use one currency for every package.")]},
        )


def _save_package(gig: Gig, package: GigPackage | None, row: dict) -> GigPackage:
    values = {
        "name": row["name"],
        "description": row.get("description", ""),
        "price": row["price"],
        "currency": row["currency"],
        "delivery_days": row["delivery_days"],
        "revisions": row.get("revisions", 0),
        "included": row.get("included", []),
        "position": TIER_ORDER[row["tier"]],
    }
    if package is None:
        return GigPackage.objects.create(gig=gig, tier=row["tier"], **values)
    for name, value in values.items():
        setattr(package, name, value)
    package.save(update_fields=[*values, "updated_at"])
    return package


def _refresh_price_summary(gig: Gig) -> None:
    """Keep the denormalised cheapest price, currency and fastest delivery the catalog filters on."""
    summary = gig.packages.aggregate(price=Min("price"), days=Min("delivery_days"))
    currency = gig.packages.values_list("currency", flat=True).first() or gig.currency
    gig.min_price, gig.min_delivery_days, gig.currency = summary["price"], summary["days"], currency
    gig.save(update_fields=["min_price", "min_delivery_days", "currency", "updated_at"])
    gig.extras.exclude(currency=currency).update(currency=currency)


def gig_extras_set(*, actor, gig: Gig, extras) -> list[GigExtra]:
    """Replace the gig's optional extras (priced in the gig's currency)."""
    _require_seller(actor)
    rows = v.clean_rows(
        EXTRA_FIELDS, extras, field="extras", max_rows=MAX_EXTRAS, required=("title", "price")
    )
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        locked.extras.all().delete()
        created = GigExtra.objects.bulk_create(
            GigExtra(gig=locked, currency=locked.currency, position=index, **row)
            for index, row in enumerate(rows)
        )
        _touch(locked)
        audit(
            actor=actor,
            action="catalog.gig_extras_set",
            target=locked,
            details={"count": len(rows)},
        )
        _publish_update(locked, actor=actor, changed=["extras"])
    return created


def gig_requirements_set(*, actor, gig: Gig, requirements) -> list[GigRequirement]:
    """Replace the questions a buyer answers after ordering."""
    _require_seller(actor)
    rows = v.clean_rows(
        REQUIREMENT_FIELDS,
        requirements,
        field="requirements",
        max_rows=MAX_REQUIREMENTS,
        required=("question",),
    )
    errors = [_requirement_error(row) for row in rows]
    if any(errors):
        raise ValidationFailed(details={"requirements": errors})
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        locked.requirements.all().delete()
        created = GigRequirement.objects.bulk_create(
            GigRequirement(
                gig=locked,
                question=row["question"],
                kind=row.get("kind", RequirementKind.TEXT),
                choices=row.get("choices", []) if row.get("kind") == RequirementKind.CHOICE else [],
                required=row.get("required", True),
                position=index,
            )
            for index, row in enumerate(rows)
        )
        _touch(locked)
        audit(
            actor=actor,
            action="catalog.gig_requirements_set",
            target=locked,
            details={"count": len(rows)},
        )
    return created


def _requirement_error(row: dict) -> dict:
    if row.get("kind") == RequirementKind.CHOICE and len(row.get("choices", [])) < 2:
        return {"choices": [_("A multiple-choice question needs at least two choices.")]}
    return {}


def gig_faq_set(*, actor, gig: Gig, faqs) -> list[GigFaq]:
    _require_seller(actor)
    rows = v.clean_rows(
        FAQ_FIELDS, faqs, field="faqs", max_rows=MAX_FAQ, required=("question", "answer")
    )
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        locked.faqs.all().delete()
        created = GigFaq.objects.bulk_create(
            GigFaq(gig=locked, position=index, **row) for index, row in enumerate(rows)
        )
        _touch(locked)
        audit(
            actor=actor, action="catalog.gig_faq_set", target=locked, details={"count": len(rows)}
        )
    return created


# --- gallery -----------------------------------------------------------------------------------


def gig_image_add(*, actor, gig: Gig, upload, caption: str = "") -> GigImage:
    """Validate the upload by its content; store a re-encoded copy and a thumbnail (at most 6)."""
    _require_seller(actor)
    caption = v.clean_fields({"caption": v.text(200)}, {"caption": caption})["caption"]
    validate_image(upload)
    stem = uuid.uuid4().hex
    image_file = reencode_image(upload, name=stem)
    thumbnail_file = make_thumbnail(upload, size=(640, 400), name=f"{stem}-thumb")
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock_own_gig(actor=actor, gig=gig)
            count = locked.images.count()
            if count >= MAX_GIG_IMAGES:
                raise ValidationFailed(
                    _("A gig can have at most %(max)d images.") % {"max": MAX_GIG_IMAGES},
                    code="too_many_images",
                    details={"image": [_("At most %(max)d images.") % {"max": MAX_GIG_IMAGES}]},
                )
            image = GigImage(gig=locked, caption=caption, position=count)
            image.image.save(image_file.name, image_file, save=False)
            stored.append(image.image.name)
            image.thumbnail.save(thumbnail_file.name, thumbnail_file, save=False)
            stored.append(image.thumbnail.name)
            image.save()
            _touch(locked)
            audit(
                actor=actor,
                action="catalog.gig_image_added",
                target=locked,
                details={"image": str(image.pk)},
            )
            _publish_update(locked, actor=actor, changed=["images"])
    except Exception:
        _delete_files(stored)  # the row was not written: do not leave its files behind
        raise
    return image


def gig_image_remove(*, actor, gig: Gig, image_id) -> None:
    _require_seller(actor)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        image = locked.images.filter(pk=image_id).first()
        if image is None:
            raise NotFound(_("Image not found."))
        if (
            locked.status == GigStatus.ACTIVE
            and not locked.description
            and locked.images.count() == 1
        ):
            raise ValidationFailed(
                _("An active gig needs an image or a description."), code="gig_incomplete"
            )
        files = [image.image.name, image.thumbnail.name]
        image.delete()
        _touch(locked)
        audit(
            actor=actor,
            action="catalog.gig_image_removed",
            target=locked,
            details={"image": str(image_id)},
        )
        _publish_update(locked, actor=actor, changed=["images"])
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


# --- lifecycle: draft -> active <-> paused; removed by staff ---------------------------------------


def gig_publish_missing(gig: Gig) -> list[str]:
    """What the gig still needs before it can be published (empty when ready)."""
    missing = []
    if not gig.packages.exists():
        missing.append(str(_("at least one package")))
    if not gig.description.strip() and not gig.images.exists():
        missing.append(str(_("a description or a gallery image")))
    return missing


def gig_publish(*, actor, gig: Gig) -> Gig:
    """Draft or paused -> active: listed in the catalog. Publishing an active gig is a no-op."""
    _require_seller(actor)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        if locked.status == GigStatus.ACTIVE:
            return locked
        missing = gig_publish_missing(locked)
        if missing:
            raise GigIncomplete(
                _("Before publishing, add %(missing)s.") % {"missing": ", ".join(missing)},
                details={"missing": missing},
            )
        previous = locked.status
        locked.status = GigStatus.ACTIVE
        locked.published_at = locked.published_at or timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit(
            actor=actor, action="catalog.gig_published", target=locked, details={"from": previous}
        )
        publish(
            "catalog.gig_published",
            payload={"gig_id": str(locked.pk), "seller_id": str(locked.seller_id)},
            actor=actor,
        )
        locked.refresh_from_db(fields=["status"])  # screening may have held it just now
    return locked


def gig_promote(*, actor, gig: Gig, days: int):
    """Promote my active gig for ``days`` days with credits (billing's price per day), charged
    in this transaction; an active promotion is extended."""
    from craftwork.billing.promotions import promotion_buy

    _require_seller(actor)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        if locked.status != GigStatus.ACTIVE:
            raise InvalidTransition(_("Only an active gig can be promoted."))
        promotion = promotion_buy(actor=actor, subject=f"gig:{locked.pk}", days=days)
        audit(actor=actor, action="catalog.gig_promoted", target=locked, details={"days": days})
    return promotion


def gig_pause(*, actor, gig: Gig) -> Gig:
    """Active -> paused: hidden from the catalog, new orders refused. Pausing twice is a no-op."""
    _require_seller(actor)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        if locked.status == GigStatus.PAUSED:
            return locked
        if locked.status != GigStatus.ACTIVE:
            raise InvalidTransition(_("Only an active gig can be paused."))
        locked.status = GigStatus.PAUSED
        locked.save(update_fields=["status", "updated_at"])
        audit(actor=actor, action="catalog.gig_paused", target=locked)
        publish(
            "catalog.gig_paused",
            payload={"gig_id": str(locked.pk), "seller_id": str(locked.seller_id)},
            actor=actor,
        )
    return locked


def gig_delete(*, actor, gig: Gig) -> None:
    """Delete a draft that was never published (published gigs may have orders: pause them)."""
    _require_seller(actor)
    with transaction.atomic():
        locked = _lock_own_gig(actor=actor, gig=gig)
        if locked.status != GigStatus.DRAFT or locked.published_at is not None:
            raise InvalidTransition(
                _("Only a draft that was never published can be deleted. Pause it instead."),
                code="gig_not_deletable",
            )
        files = [
            name
            for image in locked.images.all()
            for name in (image.image.name, image.thumbnail.name)
        ]
        audit(
            actor=actor,
            action="catalog.gig_deleted",
            target=locked,
            details={"title": locked.title},
        )
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))


def gig_remove(*, actor, gig: Gig, reason: str) -> Gig:
    """Staff take a gig down for good, with a reason the seller is told."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("Gig not found."))
    reason = v.clean_fields({"reason": v.text(500, required=True)}, {"reason": reason})["reason"]
    with transaction.atomic():
        locked = Gig.objects.select_for_update().filter(pk=gig.pk).first()
        if locked is None:
            raise NotFound(_("Gig not found."))
        if locked.status == GigStatus.REMOVED:
            raise InvalidTransition(_("This gig was already removed."), code="gig_removed")
        previous = locked.status
        locked.status = GigStatus.REMOVED
        locked.removed_reason = reason
        locked.removed_at = timezone.now()
        locked.save(update_fields=["status", "removed_reason", "removed_at", "updated_at"])
        audit(
            actor=actor,
            action="catalog.gig_removed",
            target=locked,
            details={"reason": reason, "from": previous},
        )
        publish(
            "catalog.gig_removed",
            payload={
                "gig_id": str(locked.pk),
                "seller_id": str(locked.seller_id),
                "title": locked.title,
                "reason": reason,
            },
            actor=actor,
        )
    return locked


def gig_hide(*, actor, gig: Gig, reason: str) -> Gig:
    """Moderation takes a gig out of the catalog: staff, or the system (``actor=None``) for an
    automatic hold. The gig is "removed" (the seller cannot edit or publish it) until staff
    ``gig_reinstate`` it. Hiding a gig that is already down is a no-op. The seller is told by
    the moderation notification, so no catalog notification is published for this."""
    if actor is not None and not getattr(actor, "is_staff", False):
        raise NotFound(_("Gig not found."))
    reason = v.clean_fields({"reason": v.text(500, required=True)}, {"reason": reason})["reason"]
    with transaction.atomic():
        locked = Gig.objects.select_for_update().filter(pk=gig.pk).first()
        if locked is None:
            raise NotFound(_("Gig not found."))
        if locked.status == GigStatus.REMOVED:
            return locked
        previous = locked.status
        locked.status = GigStatus.REMOVED
        locked.removed_reason = reason
        locked.removed_at = timezone.now()
        locked.save(update_fields=["status", "removed_reason", "removed_at", "updated_at"])
        audit(
            actor=actor,
            action="catalog.gig_hidden",
            target=locked,
            details={"reason": reason, "from": previous},
        )
        publish(
            "catalog.gig_hidden",
            payload={"gig_id": str(locked.pk), "seller_id": str(locked.seller_id)},
            actor=actor,
        )
    return locked


def gig_reinstate(*, actor, gig: Gig, reason: str) -> Gig:
    """Staff put a hidden (removed) gig back: active when it is complete and was published
    before, else paused for the seller to finish and publish."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("Gig not found."))
    reason = v.clean_fields({"reason": v.text(500, required=True)}, {"reason": reason})["reason"]
    with transaction.atomic():
        locked = Gig.objects.select_for_update().filter(pk=gig.pk).first()
        if locked is None:
            raise NotFound(_("Gig not found."))
        if locked.status != GigStatus.REMOVED:
            return locked
        ready = locked.published_at is not None and not gig_publish_missing(locked)
        locked.status = GigStatus.ACTIVE if ready else GigStatus.PAUSED
        locked.removed_reason = ""
        locked.removed_at = None
        locked.save(update_fields=["status", "removed_reason", "removed_at", "updated_at"])
        audit(
            actor=actor,
            action="catalog.gig_reinstated",
            target=locked,
            details={"reason": reason, "to": locked.status},
        )
        publish(
            "catalog.gig_reinstated",
            payload={
                "gig_id": str(locked.pk),
                "seller_id": str(locked.seller_id),
                "status": locked.status,
            },
            actor=actor,
        )
    return locked


def gig_rating_update(*, gig_id, average, count: int, actor=None) -> None:
    """For the reviews work: store a gig's rating statistics (``average`` None when no reviews)."""
    if average is not None:
        try:
            average = Decimal(str(average)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationFailed(details={"average": [_("Enter a number.")]}) from None
        if not Decimal(1) <= average <= Decimal(5):
            raise ValidationFailed(details={"average": [_("A rating is between 1 and 5.")]})
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValidationFailed(details={"count": [_("Enter a whole number.")]})
    with transaction.atomic():
        updated = Gig.objects.filter(pk=gig_id).update(
            rating_average=average, rating_count=count if average is not None else None
        )
        if not updated:
            raise NotFound(_("Gig not found."))
        audit(
            actor=actor,
            action="catalog.gig_rating_updated",
            details={"gig": str(gig_id), "average": str(average), "count": count},
        )
