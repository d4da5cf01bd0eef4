"""What happens when someone is hired: the contract, the job's head count, and winding down
a job that stops hiring (remaining proposals declined, pending invitations withdrawn)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.events import publish
from craftwork.core.money import Money

from ..models import (
    LIVE_PROPOSAL_STATUSES,
    BudgetType,
    InvitationStatus,
    Job,
    JobInvitation,
    Proposal,
    ProposalStatus,
)
from ..process import SYSTEM, apply
from ._common import invitation_payload, proposal_payload


def contract_terms(
    *, job: Job, amount: int | None, hourly_rate: int | None, weekly_hours: int | None,
    duration_days: int | None,
):  # fmt: skip
    """The terms snapshot for the contract: fixed price with one milestone, or an hourly rate
    with a weekly limit."""
    from craftwork.contracts.terms import ContractTerms
    from craftwork.payments.fees import fee_rates

    category_slug = job.category.slug
    common = {
        "currency": job.currency,
        "platform_fee_bps": fee_rates(job.currency, category_slug).platform_fee_bps,
        "category_slug": category_slug,
    }
    if job.budget_type == BudgetType.FIXED:
        total = Money(amount, job.currency)
        due = timezone.localdate() + timedelta(days=duration_days) if duration_days else None
        return ContractTerms(
            kind="fixed",
            amount=total,
            hourly_rate=None,
            weekly_limit_minutes=None,
            milestones=[(job.title[:120], total, due)],
            revisions_allowed=None,
            delivery_days=duration_days,
            **common,
        )
    return ContractTerms(
        kind="hourly",
        amount=None,
        hourly_rate=Money(hourly_rate, job.currency),
        weekly_limit_minutes=(weekly_hours or job.hours_per_week) * 60,
        milestones=[],
        revisions_allowed=None,
        delivery_days=None,
        **common,
    )


def create_contract(*, job: Job, source: str, source_ref: str, provider, terms, actor):
    from craftwork.contracts.services import contract_create

    return contract_create(
        source=source,
        source_ref=source_ref,
        client=job.client,
        provider=provider,
        organization=job.organization,
        title=job.title,
        description=job.description,
        terms=terms,
        actor=actor,
    )


def record_hire(job: Job, *, actor) -> None:
    """Count one more hire on the locked job; the last opening fills it."""
    job.hired_count += 1
    job.save(update_fields=["hired_count", "updated_at"])
    if job.hired_count >= job.openings:
        apply(job, "fill", role=SYSTEM, actor=actor, note="all openings filled")
        wind_down(job, actor=actor, reason=_("All openings of this job were filled."))


def wind_down(job: Job, *, actor, reason: str) -> None:
    """The job stopped hiring: decline its live proposals and withdraw pending invitations."""
    proposals = Proposal.objects.select_for_update().filter(
        job=job, status__in=LIVE_PROPOSAL_STATUSES
    )
    for proposal in proposals.order_by("pk"):
        proposal.decline_reason = reason[:500]
        apply(
            proposal, "decline", role=SYSTEM, actor=actor, note=reason, fields=("decline_reason",)
        )
        publish(
            "jobs.proposal_declined",
            payload=proposal_payload(proposal, job, reason=reason),
            actor=actor,
        )
    invitations = JobInvitation.objects.select_for_update().filter(
        job=job, status=InvitationStatus.PENDING
    )
    for invitation in invitations.order_by("pk"):
        apply(invitation, "withdraw", role=SYSTEM, actor=actor, note=reason)
        publish(
            "jobs.invitation_withdrawn",
            payload=invitation_payload(invitation, job, reason=reason),
            actor=actor,
        )


def withdraw_live_proposal(job: Job, freelancer_id, *, actor, note: str) -> None:
    """A freelancer hired through an invitation no longer needs their open bid on the job."""
    proposal = (
        Proposal.objects.select_for_update()
        .filter(job=job, freelancer_id=freelancer_id, status__in=LIVE_PROPOSAL_STATUSES)
        .first()
    )
    if proposal is not None:
        apply(proposal, "withdraw", role=SYSTEM, actor=actor, note=note)


def already_hired(job: Job, freelancer_id) -> bool:
    return (
        Proposal.objects.filter(
            job=job, freelancer_id=freelancer_id, status=ProposalStatus.ACCEPTED
        ).exists()
        or JobInvitation.objects.filter(
            job=job, freelancer_id=freelancer_id, status=InvitationStatus.ACCEPTED
        ).exists()
    )
