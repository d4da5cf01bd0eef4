"""Reads for the competence passport, scoped to what the actor may see.

A credential is visible to its owner and to staff; to anyone else it does not exist (404).
The public sees only verified credentials (approved, not expired), as badges.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from craftwork.core.errors import NotFound, PermissionDenied
from craftwork.profiles.models import Skill

from .models import Credential, CredentialEvent, CredentialFile, DocumentType


@dataclass(frozen=True)
class Badge:
    """A verified credential as shown on profiles, proposals and gig pages."""

    credential_id: uuid.UUID
    user_id: uuid.UUID
    title: str
    document_type: str
    kind: str
    issuer: str
    expiry_date: date | None
    verified_at: object


def _skills_prefetch() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("name"))


# --- Document types ---------------------------------------------------------------------------


def active_document_types():
    return DocumentType.objects.filter(active=True).order_by("position", "name")


def active_document_type(slug) -> DocumentType:
    document_type = active_document_types().filter(slug=str(slug)[:100]).first()
    if document_type is None:
        raise NotFound(_("Document type not found."))
    return document_type


# --- The owner ------------------------------------------------------------------------------------


def own_credentials(*, user):
    return (
        Credential.objects.filter(owner=user)
        .select_related("document_type")
        .prefetch_related(_skills_prefetch())
        .order_by("-created_at")
    )


def own_credential(*, user, pk) -> Credential:
    """One of the user's credentials, with its versions and history; anyone else's is not found."""
    credential = (
        own_credentials(user=user)
        .prefetch_related(
            "files",
            Prefetch("events", queryset=CredentialEvent.objects.order_by("created_at", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if credential is None:
        raise NotFound(_("Credential not found."))
    return credential


def can_view(user, credential: Credential) -> bool:
    """The one gate for reading a credential and its files: its owner, or staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return credential.owner_id == user.pk or user.is_staff


def credential_file_for(*, user, pk, version=None) -> CredentialFile:
    """A version of a credential's document (the current one by default) for its owner or staff."""
    credential = Credential.objects.filter(pk=pk).first()
    if credential is None or not can_view(user, credential):
        raise NotFound(_("Document not found."))
    try:
        version = credential.current_version if version in (None, "") else int(version)
    except (TypeError, ValueError):
        raise NotFound(_("Document not found.")) from None
    document = credential.files.filter(version=version).first()
    if document is None:
        raise NotFound(_("Document not found."))
    return document


# --- Staff ----------------------------------------------------------------------------------------


def _require_staff(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_staff):
        raise PermissionDenied()


def review_queue(
    *, actor, status=Credential.Status.UNDER_REVIEW, document_type=None, kind=None, q=None
):
    """Staff: documents in ``status`` (under review by default), the longest-waiting first."""
    _require_staff(actor)
    credentials = Credential.objects.select_related("document_type", "owner").prefetch_related(
        _skills_prefetch()
    )
    if status:
        credentials = credentials.filter(status=status)
    if document_type:
        credentials = credentials.filter(document_type__slug=document_type)
    if kind:
        credentials = credentials.filter(document_type__kind=kind)
    if q:
        q = q.strip()[:100]
        credentials = credentials.filter(
            Q(title__icontains=q)
            | Q(issuer__icontains=q)
            | Q(owner__email__icontains=q)
            | Q(owner__first_name__icontains=q)
            | Q(owner__last_name__icontains=q)
        )
    return credentials.order_by("submitted_at", "created_at")


def staff_credential(*, actor, pk) -> Credential:
    """Staff: one credential with every version and its whole history."""
    _require_staff(actor)
    credential = (
        Credential.objects.select_related("document_type", "owner", "reviewed_by")
        .prefetch_related(
            _skills_prefetch(),
            "files",
            Prefetch(
                "events",
                queryset=CredentialEvent.objects.select_related("actor").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if credential is None:
        raise NotFound(_("Credential not found."))
    return credential


def staff_history(*, actor, action=None, q=None):
    """Staff: every change to every credential, newest first."""
    _require_staff(actor)
    events = CredentialEvent.objects.select_related(
        "actor", "credential", "credential__owner", "credential__document_type"
    )
    if action:
        events = events.filter(action=action)
    if q:
        q = q.strip()[:100]
        events = events.filter(
            Q(credential__title__icontains=q)
            | Q(credential__owner__email__icontains=q)
            | Q(actor__email__icontains=q)
        )
    return events.order_by("-created_at", "-id")


# --- Public: verified credentials and badges ---------------------------------------------------------


def verified_credentials_for(user, *, today=None):
    """The user's approved, unexpired credentials (what the public may see)."""
    user_id = getattr(user, "pk", user)
    return (
        Credential.objects.verified(today)
        .filter(owner_id=user_id)
        .select_related("document_type")
        .prefetch_related(_skills_prefetch())
        .order_by("document_type__position", "title")
    )


def verified_badges_for_users(user_ids, *, today=None) -> dict:
    """``{user_id: [Badge, ...]}`` for every id given (an empty list when none), in one query."""
    ids = set()
    for user_id in user_ids:
        try:
            ids.add(user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id)))
        except ValueError:
            continue
    badges: dict = {user_id: [] for user_id in ids}
    if not ids:
        return badges
    rows = (
        Credential.objects.verified(today)
        .filter(owner_id__in=ids)
        .select_related("document_type")
        .order_by("document_type__position", "title")
    )
    for credential in rows:
        badges[credential.owner_id].append(_badge(credential))
    return badges


def _badge(credential: Credential) -> Badge:
    return Badge(
        credential_id=credential.pk,
        user_id=credential.owner_id,
        title=credential.title,
        document_type=credential.document_type.name,
        kind=credential.document_type.kind,
        issuer=credential.issuer,
        expiry_date=credential.expiry_date,
        verified_at=credential.reviewed_at,
    )


def public_verified_credentials(*, profile_pk, viewer=None):
    """Verified credentials of a freelancer whose profile the viewer may see (else 404)."""
    from craftwork.profiles import selectors as profile_selectors

    profile = profile_selectors.public_freelancer_detail(profile_pk, viewer=viewer)
    return verified_credentials_for(profile.user_id)
