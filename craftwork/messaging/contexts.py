"""What a conversation is about, who takes part, and who may start it.

There is one conversation per context:

- ``job``: the client of a job and one freelancer (key ``job:<job>:<freelancer>``). The
  freelancer may start it only with a proposal or an invitation on the job (no cold messages);
  the client may start it with any freelancer about their own open job (e.g. before inviting).
  A ``proposal`` is a way into the same conversation: its job, its freelancer.
- ``contract``: the two parties of a contract (gig orders and sessions included).
- ``team``: the client and every freelancer hired on one job (two or more contracts).

Reads of jobs and contracts go through their apps' selectors, so a context the actor may not
see is "not found" (404), exactly as on those apps' own pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from craftwork.core.errors import Conflict, DomainError, NotFound, PermissionDenied

from .models import ConversationKind, ParticipantRole

START_KINDS = ("job", "proposal", "contract", "team")
FINISHED_CONTRACT_STATES = ("completed", "cancelled")
CLOSED_JOB_STATUSES = ("closed", "cancelled")
HIRED_ON_JOB_SOURCES = ("proposal", "invitation")


@dataclass(frozen=True)
class Member:
    user: object
    role: str
    contract: object | None = None


@dataclass
class Context:
    kind: str
    key: str
    title: str
    client: object
    members: list[Member]
    job: object | None = None
    contract: object | None = None
    # Why the actor may not start it (they may still open it if they already take part).
    refusal: DomainError | None = field(default=None)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False)


def unknown_kind(kind) -> NotFound:
    return NotFound(_("Unknown conversation context."), code="unknown_context")


def load(kind: str, pk, actor):
    """The context object ``pk`` of ``kind`` as ``actor`` may see it (NotFound otherwise)."""
    from craftwork.contracts import selectors as contract_selectors
    from craftwork.jobs import selectors as job_selectors

    if kind == "job":
        return job_selectors.job_for_viewer(actor, pk)
    if kind == "proposal":
        return job_selectors.proposal_for_participant(actor, pk)
    if kind in ("contract", "team"):
        try:
            return contract_selectors.contract_for_participant(actor, pk)
        except (ValueError, DjangoValidationError) as exc:
            raise NotFound(_("Contract not found."), code="contract_not_found") from exc
    raise unknown_kind(kind)


def load_user(pk):
    from craftwork.accounts.models import User

    try:
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, DjangoValidationError):
        user = None
    if user is None:
        raise NotFound(_("User not found."), code="user_not_found")
    return user


def resolve(*, kind: str, obj, actor, with_user=None) -> Context:
    """The context for ``obj``, checked against what ``actor`` may see (a fresh, scoped read)."""
    if kind not in START_KINDS:
        raise unknown_kind(kind)
    fresh = load(kind, getattr(obj, "pk", obj), actor)
    if kind == "job":
        return _job_context(fresh, actor, with_user)
    if kind == "proposal":
        return _pair_context(fresh.job, fresh.freelancer, refusal=None)
    if kind == "contract":
        return _contract_context(fresh)
    return _team_context(fresh)


# --- job and proposal -------------------------------------------------------------------------


def has_job_context(job, freelancer) -> bool:
    """A proposal (any state) or an invitation (not withdrawn) ties the freelancer to the job."""
    from craftwork.jobs.models import InvitationStatus, JobInvitation, Proposal

    return (
        Proposal.objects.filter(job=job, freelancer=freelancer).exists()
        or JobInvitation.objects.filter(job=job, freelancer=freelancer)
        .exclude(status=InvitationStatus.WITHDRAWN)
        .exists()
    )


def _job_context(job, actor, with_user) -> Context:
    if actor.pk != job.client_id:
        if with_user is not None and getattr(with_user, "pk", None) != job.client_id:
            raise NotFound(_("User not found."), code="user_not_found")
        refusal = None
        if not has_job_context(job, actor):
            refusal = PermissionDenied(
                _(
                    "You can message a client about a job once you have sent a proposal "
                    "or been invited to it."
                ),
                code="cold_message",
            )
        return _pair_context(job, actor, refusal=refusal)
    if with_user is None:
        raise DomainError(
            _("Choose the freelancer to write to."),
            code="with_user_required",
            details={"with_user": [_("This field is required.")]},
        )
    if not getattr(with_user, "is_freelancer", False) or with_user.pk == actor.pk:
        raise NotFound(_("User not found."), code="user_not_found")
    refusal = None
    if job.status != "open" and not has_job_context(job, with_user):
        refusal = Conflict(
            _("You can write to new freelancers about a job only while it is open."),
            code="job_not_open",
            details={"status": job.status},
        )
    return _pair_context(job, with_user, refusal=refusal)


def _pair_context(job, freelancer, *, refusal) -> Context:
    return Context(
        kind=ConversationKind.JOB,
        key=f"job:{job.pk}:{freelancer.pk}",
        title=job.title[:200],
        client=job.client,
        members=[
            Member(job.client, ParticipantRole.CLIENT),
            Member(freelancer, ParticipantRole.FREELANCER),
        ],
        job=job,
        refusal=refusal,
    )


# --- contracts and teams ----------------------------------------------------------------------


def _contract_context(contract) -> Context:
    return Context(
        kind=ConversationKind.CONTRACT,
        key=f"contract:{contract.pk}",
        title=contract.title[:200],
        client=contract.client,
        members=[
            Member(contract.client, ParticipantRole.CLIENT),
            Member(contract.provider, ParticipantRole.FREELANCER, contract),
        ],
        contract=contract,
    )


def job_of_contract(contract):
    """The job a contract was hired on (through a proposal or an invitation), or None."""
    from craftwork.jobs.models import Job, JobInvitation, Proposal

    if contract.source not in HIRED_ON_JOB_SOURCES:
        return None  # gig orders and session bookings: no job, no query

    hired_on = Q(pk__in=Proposal.objects.filter(contract_id=contract.pk).values("job_id")) | Q(
        pk__in=JobInvitation.objects.filter(contract_id=contract.pk).values("job_id")
    )
    return Job.objects.filter(hired_on).select_related("client").first()


def team_contracts(job) -> list:
    """Every contract hired on ``job`` (the team), oldest first, with the providers."""
    from craftwork.contracts.models import Contract
    from craftwork.jobs.models import JobInvitation, Proposal

    ids = Q(
        pk__in=Proposal.objects.filter(job=job, contract_id__isnull=False).values("contract_id")
    ) | Q(
        pk__in=JobInvitation.objects.filter(job=job, contract_id__isnull=False).values(
            "contract_id"
        )
    )
    return list(
        Contract.objects.filter(ids, client_id=job.client_id)
        .select_related("provider")
        .order_by("created_at", "pk")
    )


def team_members(job, contracts) -> list[Member]:
    members = [Member(job.client, ParticipantRole.CLIENT)]
    chosen: dict = {}
    for contract in contracts:
        current = chosen.get(contract.provider_id)
        # A freelancer hired twice writes under the contract that is still open.
        if current is None or current.state in FINISHED_CONTRACT_STATES:
            chosen[contract.provider_id] = contract
    members += [
        Member(contract.provider, ParticipantRole.FREELANCER, contract)
        for contract in chosen.values()
    ]
    return members


def _team_context(contract) -> Context:
    job = job_of_contract(contract)
    if job is None:
        raise Conflict(_("Only contracts hired on a job have a team conversation."), code="no_team")
    members = team_members(job, team_contracts(job))
    if len(members) < 3:
        raise Conflict(
            _("A team conversation needs two or more freelancers hired on the job."),
            code="no_team",
        )
    return Context(
        kind=ConversationKind.TEAM,
        key=f"team:{job.pk}",
        title=job.title[:200],
        client=job.client,
        members=members,
        job=job,
    )


def has_team(contract) -> bool:
    """Whether the contract's job has two or more hires (a "Team" link is worth showing)."""
    job = job_of_contract(contract)
    if job is None:
        return False
    providers = {c.provider_id for c in team_contracts(job)}
    return len(providers) >= 2
