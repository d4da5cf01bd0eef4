"""Every write to the competence passport.

Status changes go through ``process.apply``; this module checks the inputs, stores the
files privately, locks rows and publishes the events other apps (notifications) care about.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.errors import Conflict, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.files import check_document
from craftwork.profiles.models import Skill

from . import process
from .models import (
    MAX_CREDENTIALS_PER_USER,
    MAX_ISSUER_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_NUMBER_LENGTH,
    MAX_SCORE,
    MAX_SKILLS_PER_CREDENTIAL,
    MAX_TITLE_LENGTH,
    MIN_SCORE,
    REMINDER_DAYS,
    Credential,
    CredentialFile,
    CredentialReminder,
    DocumentType,
)

S = Credential.Status
LIVE_STATUSES = process.TRANSITIONS["expire"].sources
SCORE_NAMES = ("authenticity", "relevance", "quality")
UNCHANGED = object()


# --- Checking what the freelancer sends ------------------------------------------------------


def _invalid(field: str, message: str, code: str = "validation_error") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _require_freelancer(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if not actor.is_freelancer:
        raise PermissionDenied(
            _("Add the freelancer role to your account first."), code="not_freelancer"
        )


def _text(fields: dict, name: str, max_length: int) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(name, _("Enter text."))
    value = value.strip()
    if len(value) > max_length:
        raise _invalid(
            name,
            _("Use at most %(max)d characters.") % {"max": max_length},
            code="too_long",
        )
    return value


def _date(fields: dict, name: str) -> datetime.date | None:
    value = fields.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        raise _invalid(name, _("Enter a date."))
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or len(value) != len("YYYY-MM-DD"):
        raise _invalid(name, _("Enter a date as YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(name, _("Enter a date as YYYY-MM-DD.")) from None


def clean_fields(document_type: DocumentType, fields: dict, *, today=None) -> dict:
    """The credential's fields, checked against what its document type requires."""
    today = today or timezone.localdate()
    cleaned = {
        "title": _text(fields, "title", MAX_TITLE_LENGTH) or document_type.name,
        "issuer": _text(fields, "issuer", MAX_ISSUER_LENGTH),
        "number": _text(fields, "number", MAX_NUMBER_LENGTH),
        "issue_date": _date(fields, "issue_date"),
        "expiry_date": _date(fields, "expiry_date"),
    }
    required = {
        "issuer": document_type.issuer_required,
        "number": document_type.number_required,
        "issue_date": document_type.issue_date_required,
        "expiry_date": document_type.expiry_applies,
    }
    for name, needed in required.items():
        if needed and not cleaned[name]:
            raise _invalid(
                name,
                _("%(type)s needs this field.") % {"type": document_type.name},
                code="required",
            )
    _check_dates(document_type, cleaned, today)
    return cleaned


def _check_dates(document_type: DocumentType, cleaned: dict, today) -> None:
    issued, expires = cleaned["issue_date"], cleaned["expiry_date"]
    if issued and issued > today:
        raise _invalid("issue_date", _("The issue date cannot be in the future."))
    if expires and not document_type.expiry_applies:
        raise _invalid(
            "expiry_date",
            _("%(type)s does not expire: leave the expiry date empty.")
            % {"type": document_type.name},
        )
    if issued and expires and expires <= issued:
        raise _invalid(
            "expiry_date",
            _("The expiry date must be after the issue date."),
            code="expiry_before_issue",
        )
    if expires and expires < today:
        raise _invalid("expiry_date", _("This document has already expired."), code="expired")


def resolve_skills(refs) -> list[Skill]:
    """Skills by slug or id, in the order given; unknown or repeated ones are refused."""
    if refs is None:
        return []
    if not isinstance(refs, list | tuple | set) or not all(
        isinstance(r, str | uuid.UUID) for r in refs
    ):
        raise _invalid("skills", _("Send a list of skills."))
    refs = [str(ref).strip() for ref in refs if str(ref).strip()]
    if len(refs) > MAX_SKILLS_PER_CREDENTIAL:
        raise _invalid(
            "skills",
            _("Link at most %(max)d skills.") % {"max": MAX_SKILLS_PER_CREDENTIAL},
            code="too_many_skills",
        )
    ids = {_as_uuid(ref) for ref in refs} - {None}
    found = {}
    for skill in Skill.objects.filter(pk__in=ids):
        found[str(skill.pk)] = skill
    for skill in Skill.objects.filter(slug__in=[ref[:80] for ref in refs]):
        found[skill.slug] = skill
    unknown = [ref[:80] for ref in refs if ref not in found]
    if unknown:
        raise _invalid(
            "skills",
            _("Unknown skill: %(skills)s.") % {"skills": ", ".join(unknown[:5])},
            code="unknown_skill",
        )
    skills = list({found[ref].pk: found[ref] for ref in refs}.values())
    if len(skills) != len(refs):
        raise _invalid("skills", _("A skill is listed twice."), code="duplicate_skill")
    return skills


def _as_uuid(ref: str):
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


@dataclass(frozen=True)
class UploadInfo:
    kind: str
    size: int
    sha256: str
    original_name: str


def inspect_upload(upload) -> UploadInfo:
    """A PDF or an image, recognised by its content, within the size limit."""
    try:
        document = check_document(upload)
    except ValidationFailed as error:
        raise _invalid("file", error.message, code=error.code) from error
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return UploadInfo(
        kind=document.kind,
        size=document.size,
        sha256=digest.hexdigest(),
        original_name=document.original_name,
    )


# --- Storing files ---------------------------------------------------------------------------


def _store_file(credential, *, version, upload, info: UploadInfo, actor, stored: list) -> None:
    record = CredentialFile(
        credential=credential,
        version=version,
        original_name=info.original_name,
        kind=info.kind,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor,
    )
    upload.seek(0)
    record.file.save(f"document.{info.kind}", upload, save=False)
    stored.append(record.file)
    record.save()


def _discard(stored: list) -> None:
    """The transaction failed: remove what was written to storage so nothing is orphaned."""
    for field_file in stored:
        field_file.storage.delete(field_file.name)


def _check_not_duplicate(owner, info: UploadInfo) -> None:
    if CredentialFile.objects.filter(
        credential__owner=owner, credential__status__in=LIVE_STATUSES, sha256=info.sha256
    ).exists():
        message = _("You already uploaded this file for another credential.")
        raise Conflict(message, code="duplicate_document", details={"file": [message]})


def _payload(credential: Credential, **extra) -> dict:
    return {
        "credential_id": str(credential.pk),
        "owner_id": str(credential.owner_id),
        "title": credential.title,
        "document_type": credential.document_type.name,
        "status": credential.status,
        **extra,
    }


# --- The freelancer ---------------------------------------------------------------------------


def credential_upload(
    *,
    actor,
    document_type: DocumentType,
    upload,
    title: str = "",
    issuer: str = "",
    number: str = "",
    issue_date=None,
    expiry_date=None,
    skills=(),
) -> Credential:
    """Add a document to the actor's passport and put it in the review queue."""
    _require_freelancer(actor)
    if document_type is None or not document_type.active:
        raise _invalid("document_type", _("Choose an available document type."))
    fields = clean_fields(
        document_type,
        {
            "title": title,
            "issuer": issuer,
            "number": number,
            "issue_date": issue_date,
            "expiry_date": expiry_date,
        },
    )
    skill_rows = resolve_skills(skills)
    info = inspect_upload(upload)
    stored: list = []
    try:
        with transaction.atomic():
            owner = get_user_model().objects.select_for_update().get(pk=actor.pk)
            _check_upload_allowed(owner, info)
            credential = Credential.objects.create(
                owner=owner, document_type=document_type, current_version=1, **fields
            )
            credential.skills.set(skill_rows)
            _store_file(credential, version=1, upload=upload, info=info, actor=actor, stored=stored)
            process.record_event(credential, action="created", actor=actor)
            process.apply(credential, "submit", actor=actor)
            publish("credentials.submitted", payload=_payload(credential), actor=actor)
    except Exception:
        _discard(stored)
        raise
    return credential


def _check_upload_allowed(owner, info: UploadInfo) -> None:
    if Credential.objects.filter(owner=owner).count() >= MAX_CREDENTIALS_PER_USER:
        raise ValidationFailed(
            _("You can keep at most %(max)d documents.") % {"max": MAX_CREDENTIALS_PER_USER},
            code="too_many_credentials",
        )
    _check_not_duplicate(owner, info)


def credential_resubmit(
    *,
    actor,
    credential: Credential,
    upload,
    note: str = "",
    title=UNCHANGED,
    issuer=UNCHANGED,
    number=UNCHANGED,
    issue_date=UNCHANGED,
    expiry_date=UNCHANGED,
    skills=UNCHANGED,
) -> Credential:
    """A new version of the document (after a revision request, or a renewal once expired)."""
    changes = {
        "title": title,
        "issuer": issuer,
        "number": number,
        "issue_date": issue_date,
        "expiry_date": expiry_date,
    }
    stored: list = []
    try:
        with transaction.atomic():
            locked = _lock(credential)
            process.check(locked, "resubmit", actor=actor)
            note = _text({"note": note}, "note", MAX_NOTES_LENGTH)
            info = inspect_upload(upload)
            current = {name: getattr(locked, name) for name in changes}
            merged = {
                name: current[name] if value is UNCHANGED else value
                for name, value in changes.items()
            }
            fields = clean_fields(locked.document_type, merged)
            skill_rows = None if skills is UNCHANGED else resolve_skills(skills)
            _check_not_duplicate(locked.owner, info)
            _save_resubmission(locked, fields, skill_rows, upload, info, actor, stored)
            process.apply(locked, "resubmit", actor=actor, note=note)
            process.apply(locked, "submit", actor=actor)
            publish("credentials.submitted", payload=_payload(locked), actor=actor)
    except Exception:
        _discard(stored)
        raise
    return locked


def _save_resubmission(credential, fields, skill_rows, upload, info, actor, stored) -> None:
    for name, value in fields.items():
        setattr(credential, name, value)
    credential.current_version += 1
    credential.save(update_fields=[*fields, "current_version", "updated_at"])
    if skill_rows is not None:
        credential.skills.set(skill_rows)
    _store_file(
        credential,
        version=credential.current_version,
        upload=upload,
        info=info,
        actor=actor,
        stored=stored,
    )


def _lock(credential: Credential) -> Credential:
    return (
        Credential.objects.select_for_update(of=("self",))
        .select_related("document_type", "owner")
        .get(pk=credential.pk)
    )


# --- Staff ---------------------------------------------------------------------------------


def clean_scores(scores: dict) -> dict:
    cleaned = {}
    for name in SCORE_NAMES:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(name, _("Give a score from 1 to 5."), code="required")
        if not MIN_SCORE <= value <= MAX_SCORE:
            raise _invalid(name, _("Give a score from 1 to 5."), code="out_of_range")
        cleaned[name] = value
    return cleaned


def credential_decide(
    *,
    actor,
    credential: Credential,
    decision: str,
    notes: str = "",
    authenticity=None,
    relevance=None,
    quality=None,
) -> Credential:
    """A staff decision on a document under review: approve, reject or request a revision."""
    with transaction.atomic():
        locked = _lock(credential)
        if decision in process.DECISIONS:
            process.check(locked, decision, actor=actor)
        else:
            process.check(locked, "approve", actor=actor)  # who may decide at all
            raise _invalid("decision", _("Choose approve, reject or request a revision."))
        scores, notes = _clean_decision(decision, notes, authenticity, relevance, quality)
        if decision == "approve" and _has_expired(locked):
            raise InvalidExpired()
        process.apply(locked, decision, actor=actor, note=notes, scores=scores)
        publish(DECISION_EVENTS[decision], payload=_payload(locked, notes=notes), actor=actor)
    return locked


DECISION_EVENTS = {
    "approve": "credentials.approved",
    "reject": "credentials.rejected",
    "request_revision": "credentials.revision_requested",
}


def _clean_decision(decision, notes, authenticity, relevance, quality) -> tuple[dict, str]:
    scores = clean_scores(
        {"authenticity": authenticity, "relevance": relevance, "quality": quality}
    )
    notes = _text({"notes": notes}, "notes", MAX_NOTES_LENGTH)
    if decision != "approve" and not notes:
        raise _invalid("notes", _("Tell the freelancer what is wrong or missing."), code="required")
    return scores, notes


def _has_expired(credential: Credential) -> bool:
    return bool(credential.expiry_date and credential.expiry_date < timezone.localdate())


class InvalidExpired(ValidationFailed):
    code = "expired"

    def __init__(self):
        message = _("The document has expired: it cannot be approved.")
        super().__init__(message, details={"expiry_date": [message]})


# --- Expiry (system) ---------------------------------------------------------------------------


def credential_expire(*, credential: Credential, today=None) -> bool:
    """Mark a document whose expiry date has passed as expired. A no-op when already done."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(credential)
        if locked.status not in LIVE_STATUSES or not locked.expiry_date:
            return False
        if locked.expiry_date >= today:
            return False
        process.apply(
            locked, "expire", actor=None, details={"expiry_date": str(locked.expiry_date)}
        )
        publish(
            "credentials.expired",
            payload=_payload(locked, expiry_date=str(locked.expiry_date)),
        )
    return True


def credentials_expire_due(*, today=None) -> int:
    """Expire every live document past its expiry date; each in its own transaction."""
    today = today or timezone.localdate()
    due = Credential.objects.filter(status__in=LIVE_STATUSES, expiry_date__lt=today)
    return sum(
        credential_expire(credential=credential, today=today)
        for credential in due.only("pk").order_by("expiry_date")
    )


def reminder_threshold(days_left: int) -> int | None:
    """The tightest reminder a document qualifies for (30 or 7 days), so only one is sent a day."""
    matching = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(matching) if matching else None


def credential_reminders_send(*, today=None) -> int:
    """Publish "credentials.expiring" once per document, threshold and expiry date."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    candidates = Credential.objects.filter(
        status__in=LIVE_STATUSES, expiry_date__gte=today, expiry_date__lte=horizon
    ).select_related("document_type")
    sent_already = set(
        CredentialReminder.objects.filter(credential__in=candidates).values_list(
            "credential_id", "threshold_days", "expiry_date"
        )
    )
    sent = 0
    for credential in candidates:
        days_left = (credential.expiry_date - today).days
        threshold = reminder_threshold(days_left)
        key = (credential.pk, threshold, credential.expiry_date)
        if threshold is None or key in sent_already:
            continue
        sent += _send_reminder(credential, threshold=threshold, days_left=days_left)
    return sent


def _send_reminder(credential: Credential, *, threshold: int, days_left: int) -> int:
    try:
        with transaction.atomic():
            CredentialReminder.objects.create(
                credential=credential,
                threshold_days=threshold,
                expiry_date=credential.expiry_date,
            )
            publish(
                "credentials.expiring",
                payload=_payload(
                    credential,
                    days=threshold,
                    days_left=days_left,
                    expiry_date=str(credential.expiry_date),
                ),
            )
    except IntegrityError:  # another run sent it at the same moment
        return 0
    return 1


def credentials_daily(*, today=None) -> dict:
    """The daily job: expire what is due, then send the 30- and 7-day reminders."""
    today = today or timezone.localdate()
    return {
        "expired": credentials_expire_due(today=today),
        "reminded": credential_reminders_send(today=today),
    }
