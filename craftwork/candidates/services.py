"""Every write to a candidate's profile and CVs. Views, the API and the admin call these."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import InvalidTransition, ValidationFailed
from craftwork.core.files import PDF_AND_DOCX, check_document
from craftwork.profiles.models import Skill

from . import validation
from .cv import parse_cv
from .models import MAX_CV_PAGES, CandidateProfile, CVStatus, CVUpload, Education, WorkExperience

SCALAR_FIELDS = (
    "headline",
    "summary",
    "phone",
    "desired_role",
    "desired_salary_amount",
    "desired_salary_currency",
    "desired_salary_period",
    "desired_location",
    "remote_preference",
    "visibility",
    "languages",
    "links",
)
SECTION_FIELDS = ("work", "education", "skills")
PROFILE_FIELDS = SCALAR_FIELDS + SECTION_FIELDS


def profile_get_or_create(*, user) -> CandidateProfile:
    profile, _created = CandidateProfile.objects.get_or_create(user=user)
    return profile


def profile_update(*, actor, **fields) -> CandidateProfile:
    """Change the actor's own profile. Any subset of PROFILE_FIELDS; a section given (work,
    education, skills, languages, links) replaces the old one whole, in the order given."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    cleaned = validation.clean_profile(fields)
    skills = _resolve_skills(cleaned["skills"]) if "skills" in cleaned else None
    with transaction.atomic():
        profile_get_or_create(user=actor)
        profile = CandidateProfile.objects.select_for_update().get(user=actor)
        changed = _write(profile, cleaned, skills)
        if changed:
            audit(
                actor=actor,
                action="candidates.profile_updated",
                target=profile,
                details={"fields": changed},
            )
    return profile


def _resolve_skills(slugs: list[str]) -> list[Skill]:
    found = {skill.slug: skill for skill in Skill.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationFailed(
            details={"skills": [_("Unknown skills: %(s)s.") % {"s": ", ".join(missing[:10])}]}
        )
    return [found[slug] for slug in slugs]


def _write(profile: CandidateProfile, cleaned: dict, skills) -> list[str]:
    changed = [
        name
        for name in SCALAR_FIELDS
        if name in cleaned and getattr(profile, name) != cleaned[name]
    ]
    for name in changed:
        setattr(profile, name, cleaned[name])
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    if "work" in cleaned:
        profile.work.all().delete()
        WorkExperience.objects.bulk_create(
            WorkExperience(profile=profile, position=i, **item)
            for i, item in enumerate(cleaned["work"])
        )
        changed.append("work")
    if "education" in cleaned:
        profile.education.all().delete()
        Education.objects.bulk_create(
            Education(profile=profile, position=i, **item)
            for i, item in enumerate(cleaned["education"])
        )
        changed.append("education")
    if skills is not None:
        profile.skills.set(skills)
        changed.append("skills")
    return changed


# --- CVs -------------------------------------------------------------------------------------


def cv_upload(*, actor, upload) -> CVUpload:
    """Check the file by its content (PDF or DOCX, the project's upload policy), read it with
    the parser, and keep both privately. Nothing reaches the profile until cv_confirm."""
    try:
        document = check_document(upload, accept=PDF_AND_DOCX, max_pages=MAX_CV_PAGES)
    except ValidationFailed as error:
        raise ValidationFailed(
            error.message, code=error.code, details={"file": [error.message]}
        ) from error
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    parsed = parse_cv(data, document.original_name)
    cv = CVUpload(
        owner=actor,
        kind=document.kind,
        original_name=document.original_name,
        size=document.size,
        pages=document.pages,
        text_found=parsed.text_found,
        parsed=parsed.to_dict(),
    )
    cv.file.save(document.stored_name, upload, save=False)
    try:
        with transaction.atomic():
            cv.save()
            audit(
                actor=actor,
                action="candidates.cv_uploaded",
                target=cv,
                details={"kind": cv.kind, "size": cv.size, "text_found": cv.text_found},
            )
    except BaseException:
        cv.file.storage.delete(cv.file.name)  # no row, no file
        raise
    return cv


def _lock_own_draft(*, actor, cv: CVUpload) -> CVUpload:
    cv = CVUpload.objects.select_for_update().get(pk=cv.pk, owner=actor)
    if cv.status != CVStatus.PARSED:
        raise InvalidTransition(
            _("This CV was already confirmed or discarded."), code="cv_not_pending"
        )
    return cv


def cv_confirm(*, actor, cv: CVUpload, **fields) -> CandidateProfile:
    """Write the confirmed fields (the draft as the candidate corrected it) to the profile and
    keep this CV as the profile's current one. Confirming twice is refused (409)."""
    with transaction.atomic():
        cv = _lock_own_draft(actor=actor, cv=cv)
        profile = profile_update(actor=actor, **fields)
        cv.status = CVStatus.CONFIRMED
        cv.confirmed_at = timezone.now()
        cv.save(update_fields=["status", "confirmed_at", "updated_at"])
        profile.current_cv = cv
        profile.save(update_fields=["current_cv", "updated_at"])
        audit(actor=actor, action="candidates.cv_confirmed", target=cv)
    return profile


def cv_discard(*, actor, cv: CVUpload) -> CVUpload:
    """Drop a draft the candidate does not want; the file is deleted after commit."""
    with transaction.atomic():
        cv = _lock_own_draft(actor=actor, cv=cv)
        cv.status = CVStatus.DISCARDED
        cv.save(update_fields=["status", "updated_at"])
        audit(actor=actor, action="candidates.cv_discarded", target=cv)
        storage, name = cv.file.storage, cv.file.name
        transaction.on_commit(lambda: storage.delete(name))
    return cv
