"""The credential lifecycle as data: one table of transitions, one function that applies them.

    uploaded ──submit──▶ under_review ──approve──▶ approved
                              │  ├──reject──▶ rejected
                              │  └──request_revision──▶ revision_requested ──resubmit──▶ uploaded
    uploaded / under_review / approved / revision_requested ──expire (system)──▶ expired ──resubmit──▶ uploaded

``apply`` is the only code that changes ``Credential.status``; it writes the history row
and the audit entry in the caller's transaction (the caller holds the row lock).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.core.audit import audit
from craftwork.core.errors import InvalidTransition, NotFound, PermissionDenied

from .models import Credential, CredentialEvent

S = Credential.Status
OWNER, STAFF, SYSTEM = "owner", "staff", "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    actors: frozenset
    label: str
    decision: bool = False  # a staff decision: needs notes and scores


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            frozenset({S.UPLOADED}),
            S.UNDER_REVIEW,
            frozenset({OWNER, SYSTEM}),
            gettext_lazy("Submitted for review"),
        ),
        Transition(
            "approve",
            frozenset({S.UNDER_REVIEW}),
            S.APPROVED,
            frozenset({STAFF}),
            gettext_lazy("Approved"),
            decision=True,
        ),
        Transition(
            "reject",
            frozenset({S.UNDER_REVIEW}),
            S.REJECTED,
            frozenset({STAFF}),
            gettext_lazy("Rejected"),
            decision=True,
        ),
        Transition(
            "request_revision",
            frozenset({S.UNDER_REVIEW}),
            S.REVISION_REQUESTED,
            frozenset({STAFF}),
            gettext_lazy("Revision requested"),
            decision=True,
        ),
        Transition(
            "resubmit",
            frozenset({S.REVISION_REQUESTED, S.EXPIRED}),
            S.UPLOADED,
            frozenset({OWNER}),
            gettext_lazy("New version uploaded"),
        ),
        Transition(
            "expire",
            frozenset({S.UPLOADED, S.UNDER_REVIEW, S.APPROVED, S.REVISION_REQUESTED}),
            S.EXPIRED,
            frozenset({SYSTEM}),
            gettext_lazy("Expired"),
        ),
    ]
}
DECISIONS = tuple(name for name, t in TRANSITIONS.items() if t.decision)
CREATED_LABEL = gettext_lazy("Uploaded")


def action_label(action: str) -> str:
    transition = TRANSITIONS.get(action)
    return str(transition.label) if transition else str(CREATED_LABEL)


def roles_of(actor, credential: Credential) -> frozenset:
    """What ``actor`` is to ``credential``. Staff never decide on their own documents."""
    if actor is None:
        return frozenset({SYSTEM})
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return frozenset()
    if credential.owner_id == actor.pk:
        return frozenset({OWNER})
    return frozenset({STAFF}) if actor.is_staff else frozenset()


def check(credential: Credential, name: str, *, actor) -> Transition:
    """The transition, or the reason it is refused (someone else's document is not found)."""
    transition = TRANSITIONS[name]
    roles = roles_of(actor, credential)
    if not roles:
        raise NotFound(_("Credential not found."))
    if not roles & transition.actors:
        raise PermissionDenied(_("You are not allowed to do this."))
    if credential.status not in transition.sources:
        raise InvalidTransition(
            _("This is not possible while the document is %(status)s.")
            % {"status": credential.get_status_display().lower()},
            details={"status": credential.status, "transition": name},
        )
    return transition


def available_transitions(credential: Credential, actor) -> list[Transition]:
    roles = roles_of(actor, credential)
    return [t for t in TRANSITIONS.values() if roles & t.actors and credential.status in t.sources]


def apply(
    credential: Credential,
    name: str,
    *,
    actor,
    note: str = "",
    scores: dict | None = None,
    details: dict | None = None,
) -> CredentialEvent:
    """Move a locked credential through ``name``; record the history row and the audit entry."""
    transition = check(credential, name, actor=actor)
    source = credential.status
    credential.status = transition.target
    changed = ["status", "updated_at"]
    now = timezone.now()
    if transition.target == S.UNDER_REVIEW:
        credential.submitted_at = now
        changed.append("submitted_at")
    if transition.target == S.EXPIRED:
        credential.expired_at = now
        changed.append("expired_at")
    if transition.decision:
        changed += _record_decision(credential, actor=actor, note=note, scores=scores, now=now)
    credential.save(update_fields=changed)
    return record_event(
        credential,
        action=name,
        actor=actor,
        from_status=source,
        note=note,
        scores=scores,
        details=details,
    )


def _record_decision(credential, *, actor, note, scores, now) -> list[str]:
    credential.reviewed_at = now
    credential.reviewed_by = actor
    credential.review_notes = note
    credential.authenticity_score = scores["authenticity"]
    credential.relevance_score = scores["relevance"]
    credential.quality_score = scores["quality"]
    return [
        "reviewed_at",
        "reviewed_by",
        "review_notes",
        "authenticity_score",
        "relevance_score",
        "quality_score",
    ]


def record_event(
    credential: Credential,
    *,
    action: str,
    actor,
    from_status: str = "",
    note: str = "",
    scores: dict | None = None,
    details: dict | None = None,
) -> CredentialEvent:
    scores = scores or {}
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = CredentialEvent.objects.create(
        credential=credential,
        actor=actor_obj,
        action=action,
        from_status=from_status,
        to_status=credential.status,
        note=note,
        version=credential.current_version,
        authenticity_score=scores.get("authenticity"),
        relevance_score=scores.get("relevance"),
        quality_score=scores.get("quality"),
        details=details or {},
    )
    audit(
        actor=actor,
        action=f"credentials.{action}",
        target=credential,
        details={
            "from": from_status,
            "to": credential.status,
            "version": credential.current_version,
            **({"scores": scores} if scores else {}),
            **(details or {}),
        },
    )
    return event
