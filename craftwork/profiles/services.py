"""Every write to profiles, the skills taxonomy and portfolios.

Owner checks answer "not found" for someone else's profile or portfolio item, so a
caller cannot learn that another user's id exists.
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core import locality
from craftwork.core.audit import apply_changes, audit
from craftwork.core.errors import NotFound, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.files import make_thumbnail, reencode_image, validate_image

from . import validation
from .models import (
    MAX_IMAGES_PER_PORTFOLIO_ITEM,
    MAX_PORTFOLIO_ITEMS,
    MAX_SKILLS_PER_PROFILE,
    ClientProfile,
    Currency,
    FreelancerProfile,
    FreelancerSkill,
    PortfolioImage,
    PortfolioItem,
    Proficiency,
    Skill,
    SkillCategory,
)
from .taxonomy import TAXONOMY

# --- Freelancer profile ------------------------------------------------------------


def freelancer_profile_get_or_create(*, user) -> FreelancerProfile:
    """The user's freelancer profile, created on first access (freelancers only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_freelancer:
        raise PermissionDenied(
            _("Add the freelancer role to your account first."), code="not_freelancer"
        )
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            zone = user.timezone or "UTC"
            # Rates start in the currency of where the person is (their time zone's country).
            currency = locality.currency_for_country(
                locality.country_for_timezone(zone), Currency.values
            )
            profile = FreelancerProfile.objects.create(user=user, timezone=zone, currency=currency)
            audit(actor=user, action="profiles.freelancer_profile_created", target=profile)
    except IntegrityError:  # created by a concurrent first request
        profile = FreelancerProfile.objects.get(user=user)
    return profile


def _lock_own_profile(*, actor, profile) -> FreelancerProfile:
    locked = FreelancerProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if locked is None or locked.user_id != getattr(actor, "pk", None):
        raise NotFound(_("Profile not found."))
    return locked


def _publish_change(profile: FreelancerProfile, *, actor, changed: list[str]) -> None:
    if profile.is_published:
        publish(
            "profiles.freelancer_updated",
            payload={"profile_id": str(profile.pk), "fields": changed},
            actor=actor,
        )
        profile.refresh_from_db(fields=["is_published"])  # screening may have held it just now


def freelancer_profile_update(*, actor, profile: FreelancerProfile, **fields) -> FreelancerProfile:
    """Change the given fields (see ``validation.FREELANCER_FIELDS``) of the actor's own profile."""
    cleaned = validation.clean_fields(validation.FREELANCER_FIELDS, fields)
    with transaction.atomic():
        locked = _lock_own_profile(actor=actor, profile=profile)
        _check_coordinates_pair(locked, cleaned)
        changed = apply_changes(
            locked, cleaned, actor=actor, action="profiles.freelancer_profile_updated"
        )
        if changed:
            _publish_change(locked, actor=actor, changed=changed)
    return locked


def _check_coordinates_pair(profile: FreelancerProfile, cleaned: dict) -> None:
    latitude = cleaned.get("latitude", profile.latitude)
    longitude = cleaned.get("longitude", profile.longitude)
    if (latitude is None) != (longitude is None):
        raise ValidationFailed(
            _("Give both latitude and longitude, or neither."),
            details={"latitude": [_("Give both latitude and longitude, or neither.")]},
        )


def freelancer_publish_missing(profile: FreelancerProfile) -> list[str]:
    """What the profile still needs before it can be published (empty when ready)."""
    missing = []
    if not profile.headline:
        missing.append(str(_("a headline")))
    if not profile.hourly_rate:
        missing.append(str(_("an hourly rate")))
    if not profile.profile_skills.exists():
        missing.append(str(_("at least one skill")))
    return missing


def freelancer_profile_publish(*, actor, profile: FreelancerProfile) -> FreelancerProfile:
    """Show the profile in search and on its public page. Publishing twice is a no-op."""
    with transaction.atomic():
        locked = _lock_own_profile(actor=actor, profile=profile)
        if locked.is_published:
            return locked
        if not actor.is_freelancer or not actor.is_active:
            raise PermissionDenied(
                _("Add the freelancer role to your account first."), code="not_freelancer"
            )
        if _hidden_by_moderation(locked):
            raise PermissionDenied(
                _("Our moderators hid this profile. It stays hidden until they review it."),
                code="hidden_by_moderation",
            )
        missing = freelancer_publish_missing(locked)
        if missing:
            raise ValidationFailed(
                _("Before publishing, add %(missing)s.") % {"missing": ", ".join(missing)},
                code="profile_incomplete",
                details={"missing": missing},
            )
        locked.is_published = True
        locked.published_at = timezone.now()
        locked.save(update_fields=["is_published", "published_at", "updated_at"])
        audit(actor=actor, action="profiles.freelancer_profile_published", target=locked)
        publish(
            "profiles.freelancer_published", payload={"profile_id": str(locked.pk)}, actor=actor
        )
        locked.refresh_from_db(fields=["is_published"])  # screening may have held it just now
    return locked


def freelancer_profile_unpublish(
    *, actor, profile: FreelancerProfile, reason: str = ""
) -> FreelancerProfile:
    """Hide the profile. The owner may, and so may staff (moderation, with a reason)."""
    with transaction.atomic():
        locked = FreelancerProfile.objects.select_for_update().filter(pk=profile.pk).first()
        is_owner = locked is not None and locked.user_id == getattr(actor, "pk", None)
        if locked is None or not (is_owner or getattr(actor, "is_staff", False)):
            raise NotFound(_("Profile not found."))
        if not locked.is_published:
            return locked
        locked.is_published = False
        locked.save(update_fields=["is_published", "updated_at"])
        audit(
            actor=actor,
            action="profiles.freelancer_profile_unpublished",
            target=locked,
            details={"by_staff": not is_owner, "reason": reason[:500]},
        )
        publish(
            "profiles.freelancer_unpublished", payload={"profile_id": str(locked.pk)}, actor=actor
        )
    return locked


def _hidden_by_moderation(profile: FreelancerProfile) -> bool:
    from craftwork.moderation.selectors import is_hidden

    return is_hidden(kind="profile", object_id=profile.pk)


def freelancer_profile_hide(*, actor, profile: FreelancerProfile, reason: str) -> FreelancerProfile:
    """Moderation hides a profile: staff, or the system (``actor=None``) for an automatic hold.
    The owner cannot publish it again until staff ``freelancer_profile_restore`` it (the
    moderation app keeps that state). The owner is told by the moderation notification."""
    if actor is not None and not getattr(actor, "is_staff", False):
        raise NotFound(_("Profile not found."))
    with transaction.atomic():
        locked = FreelancerProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if locked is None:
            raise NotFound(_("Profile not found."))
        if not locked.is_published:
            return locked
        locked.is_published = False
        locked.save(update_fields=["is_published", "updated_at"])
        audit(
            actor=actor,
            action="profiles.freelancer_profile_hidden",
            target=locked,
            details={"reason": str(reason)[:500]},
        )
        publish("profiles.freelancer_hidden", payload={"profile_id": str(locked.pk)}, actor=actor)
    return locked


def freelancer_profile_restore(
    *, actor, profile: FreelancerProfile, reason: str
) -> FreelancerProfile:
    """Staff put a hidden profile back in public view, when it had been published and is
    still complete; otherwise it stays unpublished for its owner to publish."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("Profile not found."))
    with transaction.atomic():
        locked = FreelancerProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if locked is None:
            raise NotFound(_("Profile not found."))
        if locked.is_published or locked.published_at is None:
            return locked
        if freelancer_publish_missing(locked) or not locked.user.is_active:
            return locked
        locked.is_published = True
        locked.save(update_fields=["is_published", "updated_at"])
        audit(
            actor=actor,
            action="profiles.freelancer_profile_restored",
            target=locked,
            details={"reason": str(reason)[:500]},
        )
        publish(
            "profiles.freelancer_published", payload={"profile_id": str(locked.pk)}, actor=actor
        )
        locked.refresh_from_db(fields=["is_published"])  # screening may have held it just now
    return locked


# --- Skills ----------------------------------------------------------------------


def _resolve_skills(refs: list) -> dict:
    """Map each reference (a skill UUID or slug) to its Skill; unknown ones are a validation error."""
    ids, slugs = set(), set()
    for ref in refs:
        try:
            ids.add(uuid.UUID(str(ref)))
        except ValueError:
            slugs.add(str(ref))
    found = {}
    for skill in Skill.objects.filter(pk__in=ids):
        found[str(skill.pk)] = skill
    for skill in Skill.objects.filter(slug__in=slugs):
        found[skill.slug] = skill
    unknown = [str(ref)[:80] for ref in refs if _ref_key(ref) not in found]
    if unknown:
        raise ValidationFailed(
            _("Unknown skill: %(skills)s.") % {"skills": ", ".join(unknown[:5])},
            code="unknown_skill",
            details={"skills": unknown[:30]},
        )
    return found


def _ref_key(ref) -> str:
    try:
        return str(uuid.UUID(str(ref)))
    except ValueError:
        return str(ref)


def _clean_skill_entries(skills) -> list[tuple[str, str]]:
    if not isinstance(skills, list | tuple):
        raise ValidationFailed(_("Send a list of skills."), details={"skills": [_("Send a list.")]})
    if len(skills) > MAX_SKILLS_PER_PROFILE:
        raise ValidationFailed(
            _("List at most %(max)d skills.") % {"max": MAX_SKILLS_PER_PROFILE},
            code="too_many_skills",
            details={"skills": [_("At most %(max)d skills.") % {"max": MAX_SKILLS_PER_PROFILE}]},
        )
    entries = []
    for entry in skills:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise ValidationFailed(_("Each skill needs a skill and a proficiency."))
        ref, proficiency = entry
        if not isinstance(ref, str | uuid.UUID) or not str(ref).strip() or len(str(ref)) > 80:
            raise ValidationFailed(_("Each skill needs a skill and a proficiency."))
        if proficiency not in Proficiency.values:
            raise ValidationFailed(
                _("Unknown proficiency: %(value)s.") % {"value": str(proficiency)[:20]},
                details={
                    "proficiency": [
                        _("Choose one of: %(values)s.") % {"values": ", ".join(Proficiency.values)}
                    ]
                },
            )
        entries.append((str(ref).strip(), proficiency))
    return entries


def freelancer_skills_set(*, actor, profile: FreelancerProfile, skills) -> list[FreelancerSkill]:
    """Replace the profile's skills with ``skills``: [(skill id or slug, proficiency), ...], in order."""
    entries = _clean_skill_entries(skills)
    found = _resolve_skills([ref for ref, _proficiency in entries])
    wanted: dict = {}
    for ref, proficiency in entries:
        skill = found[_ref_key(ref)]
        if skill.pk in wanted:
            raise ValidationFailed(
                _("%(skill)s is listed twice.") % {"skill": skill.name}, code="duplicate_skill"
            )
        wanted[skill.pk] = proficiency
    with transaction.atomic():
        locked = _lock_own_profile(actor=actor, profile=profile)
        existing = {row.skill_id: row for row in locked.profile_skills.all()}
        locked.profile_skills.exclude(skill_id__in=wanted).delete()
        _upsert_profile_skills(locked, wanted, existing)
        locked.save(update_fields=["updated_at"])
        audit(
            actor=actor,
            action="profiles.freelancer_skills_set",
            target=locked,
            details={"skills": [found[_ref_key(ref)].slug for ref, _p in entries]},
        )
        _publish_change(locked, actor=actor, changed=["skills"])
    return list(locked.profile_skills.select_related("skill").order_by("position"))


def _upsert_profile_skills(profile, wanted: dict, existing: dict) -> None:
    to_update, to_create = [], []
    for position, (skill_id, proficiency) in enumerate(wanted.items()):
        row = existing.get(skill_id)
        if row is None:
            to_create.append(
                FreelancerSkill(
                    profile=profile, skill_id=skill_id, proficiency=proficiency, position=position
                )
            )
        elif (row.proficiency, row.position) != (proficiency, position):
            row.proficiency, row.position = proficiency, position
            to_update.append(row)
    FreelancerSkill.objects.bulk_update(to_update, ["proficiency", "position"])
    FreelancerSkill.objects.bulk_create(to_create)


def skills_taxonomy_sync(*, actor=None, taxonomy=TAXONOMY, prune: bool = False) -> dict:
    """Upsert the categories and skills of ``taxonomy``; with ``prune``, delete unused ones not in it."""
    counts = {"categories_created": 0, "skills_created": 0, "skills_updated": 0, "skills_pruned": 0}
    with transaction.atomic():
        for position, (slug, name, icon, description, skills) in enumerate(taxonomy):
            category, created = SkillCategory.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "icon": icon,
                    "description": description,
                    "position": position,
                },
            )
            counts["categories_created"] += created
            for skill_slug, skill_name in skills:
                _skill, created = Skill.objects.update_or_create(
                    slug=skill_slug, defaults={"name": skill_name, "category": category}
                )
                counts["skills_created" if created else "skills_updated"] += 1
        if prune:
            counts["skills_pruned"] = _prune_taxonomy(taxonomy)
        audit(actor=actor, action="profiles.skills_taxonomy_synced", details=counts)
    return counts


def _prune_taxonomy(taxonomy) -> int:
    skill_slugs = {skill_slug for *_head, skills in taxonomy for skill_slug, _name in skills}
    category_slugs = {slug for slug, *_rest in taxonomy}
    deleted, _detail = (
        Skill.objects.exclude(slug__in=skill_slugs).filter(freelancer_skills__isnull=True).delete()
    )
    SkillCategory.objects.exclude(slug__in=category_slugs).filter(skills__isnull=True).delete()
    return deleted


# --- Portfolio ---------------------------------------------------------------------


def _lock_own_item(*, actor, item) -> PortfolioItem:
    locked = (
        PortfolioItem.objects.select_for_update(of=("self",))
        .select_related("profile")
        .filter(pk=item.pk)
        .first()
    )
    if locked is None or locked.profile.user_id != getattr(actor, "pk", None):
        raise NotFound(_("Portfolio item not found."))
    return locked


def portfolio_item_create(*, actor, profile: FreelancerProfile, **fields) -> PortfolioItem:
    cleaned = validation.clean_fields(validation.PORTFOLIO_ITEM_FIELDS, fields)
    if "title" not in cleaned:
        raise ValidationFailed(details={"title": [_("This field is required.")]})
    with transaction.atomic():
        locked = _lock_own_profile(actor=actor, profile=profile)
        count = locked.portfolio_items.count()
        if count >= MAX_PORTFOLIO_ITEMS:
            raise ValidationFailed(
                _("A portfolio can hold at most %(max)d items.") % {"max": MAX_PORTFOLIO_ITEMS},
                code="too_many_items",
            )
        cleaned.setdefault("position", count)
        item = PortfolioItem.objects.create(profile=locked, **cleaned)
        audit(actor=actor, action="profiles.portfolio_item_created", target=item)
        _publish_change(locked, actor=actor, changed=["portfolio"])
    return item


def portfolio_item_update(*, actor, item: PortfolioItem, **fields) -> PortfolioItem:
    cleaned = validation.clean_fields(validation.PORTFOLIO_ITEM_FIELDS, fields)
    with transaction.atomic():
        locked = _lock_own_item(actor=actor, item=item)
        changed = apply_changes(
            locked, cleaned, actor=actor, action="profiles.portfolio_item_updated"
        )
        if changed:
            _publish_change(locked.profile, actor=actor, changed=["portfolio"])
    return locked


def portfolio_item_delete(*, actor, item: PortfolioItem) -> None:
    with transaction.atomic():
        locked = _lock_own_item(actor=actor, item=item)
        files = [
            name
            for image in locked.images.all()
            for name in (image.image.name, image.thumbnail.name)
        ]
        audit(
            actor=actor,
            action="profiles.portfolio_item_deleted",
            target=locked,
            details={"title": locked.title},
        )
        _publish_change(locked.profile, actor=actor, changed=["portfolio"])
        locked.delete()
        _delete_files_on_commit(files)


@dataclass(frozen=True)
class _StoredImage:
    image: object
    thumbnail: object


def _prepare_image(upload) -> _StoredImage:
    validate_image(upload)
    stem = uuid.uuid4().hex
    return _StoredImage(
        image=reencode_image(upload, name=stem),
        thumbnail=make_thumbnail(upload, name=f"{stem}-thumb"),
    )


def portfolio_image_add(*, actor, item: PortfolioItem, upload, caption: str = "") -> PortfolioImage:
    """Validate the upload by its content, store a re-encoded copy and a thumbnail (at most 8 per item)."""
    caption = validation.clean_fields({"caption": validation.text(200)}, {"caption": caption})[
        "caption"
    ]
    prepared = _prepare_image(upload)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock_own_item(actor=actor, item=item)
            count = locked.images.count()
            if count >= MAX_IMAGES_PER_PORTFOLIO_ITEM:
                raise ValidationFailed(
                    _("An item can have at most %(max)d images.")
                    % {"max": MAX_IMAGES_PER_PORTFOLIO_ITEM},
                    code="too_many_images",
                )
            image = PortfolioImage(item=locked, caption=caption, position=count)
            image.image.save(prepared.image.name, prepared.image, save=False)
            stored.append(image.image.name)
            image.thumbnail.save(prepared.thumbnail.name, prepared.thumbnail, save=False)
            stored.append(image.thumbnail.name)
            image.save()
            audit(
                actor=actor,
                action="profiles.portfolio_image_added",
                target=image,
                details={"item": str(locked.pk)},
            )
            _publish_change(locked.profile, actor=actor, changed=["portfolio"])
    except Exception:
        _delete_files(stored)  # the row was not written: do not leave its files behind
        raise
    return image


def portfolio_image_remove(*, actor, item: PortfolioItem, image_id) -> None:
    with transaction.atomic():
        locked = _lock_own_item(actor=actor, item=item)
        image = locked.images.filter(pk=image_id).first()
        if image is None:
            raise NotFound(_("Image not found."))
        files = [image.image.name, image.thumbnail.name]
        audit(
            actor=actor,
            action="profiles.portfolio_image_removed",
            target=image,
            details={"item": str(locked.pk)},
        )
        image.delete()
        _publish_change(locked.profile, actor=actor, changed=["portfolio"])
        _delete_files_on_commit(files)


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def _delete_files_on_commit(names: list[str]) -> None:
    transaction.on_commit(lambda: _delete_files(names))


# --- Client profile ------------------------------------------------------------------


def client_profile_get_or_create(*, user) -> ClientProfile:
    """The user's company and billing details, created on first access."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied()
    profile = ClientProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            profile = ClientProfile.objects.create(user=user, billing_email=user.email)
            audit(actor=user, action="profiles.client_profile_created", target=profile)
    except IntegrityError:
        profile = ClientProfile.objects.get(user=user)
    return profile


def client_profile_update(*, actor, profile: ClientProfile, **fields) -> ClientProfile:
    cleaned = validation.clean_fields(validation.CLIENT_FIELDS, fields)
    with transaction.atomic():
        locked = ClientProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if locked is None or locked.user_id != getattr(actor, "pk", None):
            raise NotFound(_("Profile not found."))
        apply_changes(locked, cleaned, actor=actor, action="profiles.client_profile_updated")
    return locked
