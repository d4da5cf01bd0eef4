"""The lifecycles of jobs, proposals and invitations as transition tables.

``apply`` is the only code that changes a ``status``: it checks the actor's role and the
source state, stamps the time, saves and writes the audit row. Callers (the services) have
already locked the row and decided the actor's role ("client", "freelancer" or "system").
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import InvalidTransition, PermissionDenied

from .models import (
    InvitationStatus,
    Job,
    JobInvitation,
    JobStatus,
    Proposal,
    ProposalStatus,
)

CLIENT, FREELANCER, SYSTEM = "client", "freelancer", "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    # guard(obj) -> None when allowed, else (code, message) explaining the refusal.
    guard: Callable | None = None
    label: str = ""


@dataclass(frozen=True)
class Process:
    name: str
    transitions: tuple[Transition, ...]
    # target state -> the timestamp field set on entering it
    stamps: dict = field(default_factory=dict)

    def get(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(f"{self.name} has no transition {name!r}")

    @property
    def states(self) -> list[str]:
        seen: list[str] = []
        for transition in self.transitions:
            for state in [*sorted(transition.sources), transition.target]:
                if state not in seen:
                    seen.append(state)
        return seen


def _job_has_no_hires(job: Job):
    if job.hired_count:
        return "job_has_hires", _("Someone was already hired for this job: close it instead.")
    return None


def _invitation_not_expired(invitation: JobInvitation):
    if invitation.expires_at <= timezone.now():
        return "invitation_expired", _("This invitation has expired.")
    return None


_LIVE = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED})

JOB_PROCESS = Process(
    name="job",
    transitions=(
        Transition(
            "publish", frozenset({JobStatus.DRAFT}), JobStatus.OPEN, frozenset({CLIENT}),
            label=_("Publish"),
        ),
        Transition(
            "fill", frozenset({JobStatus.OPEN}), JobStatus.FILLED, frozenset({SYSTEM}),
            label=_("Mark filled"),
        ),
        Transition(
            "close", frozenset({JobStatus.OPEN}), JobStatus.CLOSED, frozenset({CLIENT, SYSTEM}),
            label=_("Close"),
        ),
        Transition(
            "cancel", frozenset({JobStatus.DRAFT, JobStatus.OPEN}), JobStatus.CANCELLED,
            frozenset({CLIENT}), guard=_job_has_no_hires, label=_("Cancel"),
        ),
    ),
    stamps={
        JobStatus.OPEN: "published_at",
        JobStatus.FILLED: "closed_at",
        JobStatus.CLOSED: "closed_at",
        JobStatus.CANCELLED: "closed_at",
    },
)  # fmt: skip

PROPOSAL_PROCESS = Process(
    name="proposal",
    transitions=(
        Transition(
            "shortlist", frozenset({ProposalStatus.SUBMITTED}), ProposalStatus.SHORTLISTED,
            frozenset({CLIENT}), label=_("Shortlist"),
        ),
        Transition(
            "unshortlist", frozenset({ProposalStatus.SHORTLISTED}), ProposalStatus.SUBMITTED,
            frozenset({CLIENT}), label=_("Remove from shortlist"),
        ),
        Transition(
            "accept", _LIVE, ProposalStatus.ACCEPTED, frozenset({CLIENT}), label=_("Accept"),
        ),
        Transition(
            "decline", _LIVE, ProposalStatus.DECLINED, frozenset({CLIENT, SYSTEM}),
            label=_("Decline"),
        ),
        Transition(
            "withdraw", _LIVE, ProposalStatus.WITHDRAWN, frozenset({FREELANCER, SYSTEM}),
            label=_("Withdraw"),
        ),
    ),
    stamps={
        ProposalStatus.ACCEPTED: "decided_at",
        ProposalStatus.DECLINED: "decided_at",
        ProposalStatus.WITHDRAWN: "withdrawn_at",
    },
)  # fmt: skip

INVITATION_PROCESS = Process(
    name="invitation",
    transitions=(
        Transition(
            "accept", frozenset({InvitationStatus.PENDING}), InvitationStatus.ACCEPTED,
            frozenset({FREELANCER}), guard=_invitation_not_expired, label=_("Accept"),
        ),
        Transition(
            "decline", frozenset({InvitationStatus.PENDING}), InvitationStatus.DECLINED,
            frozenset({FREELANCER}), label=_("Decline"),
        ),
        Transition(
            "withdraw", frozenset({InvitationStatus.PENDING}), InvitationStatus.WITHDRAWN,
            frozenset({CLIENT, SYSTEM}), label=_("Withdraw"),
        ),
        Transition(
            "expire", frozenset({InvitationStatus.PENDING}), InvitationStatus.EXPIRED,
            frozenset({SYSTEM}), label=_("Expire"),
        ),
    ),
    stamps={
        InvitationStatus.ACCEPTED: "responded_at",
        InvitationStatus.DECLINED: "responded_at",
    },
)  # fmt: skip

PROCESSES = {Job: JOB_PROCESS, Proposal: PROPOSAL_PROCESS, JobInvitation: INVITATION_PROCESS}


def process_for(obj) -> Process:
    return PROCESSES[type(obj)]


def refusal(obj, transition_name: str, *, role: str):
    """Why ``role`` may not apply the transition now, as (code, message), or None if it may."""
    transition = process_for(obj).get(transition_name)
    if role not in transition.actors:
        return "not_allowed", _("You are not allowed to do this.")
    if obj.status not in transition.sources:
        return "invalid_transition", _("This action is not possible in the current state.")
    return transition.guard(obj) if transition.guard else None


def available_transitions(obj, *, role: str) -> list[str]:
    """The transition names ``role`` could apply right now (to show only those buttons)."""
    return [
        transition.name
        for transition in process_for(obj).transitions
        if refusal(obj, transition.name, role=role) is None
    ]


def apply(
    obj, transition_name: str, *, role: str, actor, note: str = "", fields: tuple = ()
) -> str:
    """Move a locked ``obj`` along its process; ``fields`` are other attributes already set
    on it that must be saved with the state. Returns the previous state."""
    process = process_for(obj)
    transition = process.get(transition_name)
    problem = refusal(obj, transition_name, role=role)
    if problem is not None:
        code, message = problem
        error = PermissionDenied if code == "not_allowed" else InvalidTransition
        raise error(
            message,
            code=code,
            details={"status": obj.status, "transition": transition_name},
        )
    previous = obj.status
    obj.status = transition.target
    update = ["status", "updated_at", *fields]
    stamp = process.stamps.get(transition.target)
    if stamp and not (stamp == "published_at" and obj.published_at):
        setattr(obj, stamp, timezone.now())
        update.append(stamp)
    obj.save(update_fields=update)
    audit(
        actor=actor,
        action=f"jobs.{process.name}_{transition_name}",
        target=obj,
        details={"from": previous, "to": transition.target, "role": role, "note": note[:500]},
    )
    return previous
