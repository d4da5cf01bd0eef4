"""Bids: a freelancer submits, edits or withdraws; the client shortlists, declines or accepts.

Accepting creates the contract in the same transaction, under the job's row lock, so that
concurrent accepts on a job with one opening hire exactly one freelancer.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from craftwork.billing import credits
from craftwork.billing.models import CreditAction
from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.moderation.selectors import is_hidden

from .. import validation
from ..models import (
    ACTIVE_PROPOSAL_STATUSES,
    MAX_ATTACHMENTS_PER_PROPOSAL,
    InvitationStatus,
    Job,
    JobInvitation,
    Proposal,
    ProposalAttachment,
    Visibility,
)
from ..process import CLIENT, FREELANCER, apply
from . import attachments as files
from ._common import (
    check_transition,
    is_user,
    lock_job,
    lock_proposal,
    proposal_payload,
    require_chargeable,
    require_freelancer,
    require_hiring,
    require_job_owner,
)
from .hiring import already_hired, contract_terms, create_contract, record_hire

PROPOSAL_FIELDS = ("amount", "hourly_rate", "duration_days", "cover_letter")


def _is_invited(job: Job, freelancer) -> bool:
    return (
        JobInvitation.objects.filter(job=job, freelancer=freelancer)
        .exclude(status=InvitationStatus.WITHDRAWN)
        .exists()
    )


def _check_can_bid(job: Job, actor) -> None:
    if is_user(actor, job.client_id):
        raise PermissionDenied(_("You cannot bid on your own job."), code="own_job")
    require_hiring(job)
    if is_hidden(kind="job", object_id=job.pk):
        raise PermissionDenied(
            _("This job is being reviewed by our moderators and takes no proposals now."),
            code="job_hidden",
        )
    if job.visibility == Visibility.INVITE_ONLY and not _is_invited(job, actor):
        raise PermissionDenied(
            _("This job takes proposals by invitation only."), code="invite_only"
        )
    existing = Proposal.objects.filter(
        job=job, freelancer=actor, status__in=ACTIVE_PROPOSAL_STATUSES
    ).first()
    if existing is not None:
        raise Conflict(
            _("You already have a proposal on this job."),
            code="proposal_exists",
            details={"proposal_id": str(existing.pk)},
        )
    if already_hired(job, actor.pk):
        raise Conflict(_("You are already hired for this job."), code="already_hired")


def bid_refusal(job: Job, actor) -> DomainError | None:
    """Why ``actor`` may not bid on ``job`` now (what proposal_submit would raise), or None."""
    try:
        require_freelancer(actor)
        _check_can_bid(job, actor)
    except DomainError as error:
        return error
    return None


def proposal_submit(
    *, actor, job: Job, amount=None, hourly_rate=None, duration_days=None, cover_letter="",
    attachments=(),
) -> Proposal:  # fmt: skip
    """Bid on an open job: ``amount`` (fixed price) or ``hourly_rate``, in minor units."""
    require_freelancer(actor)
    data = {
        "amount": amount,
        "hourly_rate": hourly_rate,
        "duration_days": duration_days,
        "cover_letter": cover_letter,
    }
    validation.clean_proposal(data, budget_type=job.budget_type)  # fail fast, before the lock
    prepared = files.prepare_all(attachments, limit=MAX_ATTACHMENTS_PER_PROPOSAL)
    try:
        with transaction.atomic():
            locked = lock_job(job.pk)  # a double submit queues here and then sees the first
            _check_can_bid(locked, actor)
            cleaned = validation.clean_proposal(data, budget_type=locked.budget_type)
            require_chargeable(locked, cleaned)
            proposal = Proposal.objects.create(
                job=locked, freelancer=actor, currency=locked.currency, **cleaned
            )
            for item in prepared:
                files.store(ProposalAttachment, item, proposal=proposal)
            # Bidding costs credits (the price list); charged in this transaction, so a bid
            # that fails costs nothing and one without enough credits is not made.
            credits.credits_consume(
                actor=actor,
                wallet=credits.wallet_for(user=actor),
                action=CreditAction.PROPOSAL_SUBMIT,
                reference=f"proposal:{proposal.pk}",
            )
            audit(actor=actor, action="jobs.proposal_submitted", target=proposal)
            publish(
                "jobs.proposal_submitted",
                payload=proposal_payload(proposal, locked),
                actor=actor,
            )
    except IntegrityError as error:  # the partial unique index: a race the lock did not catch
        raise Conflict(
            _("You already have a proposal on this job."), code="proposal_exists"
        ) from error
    return proposal


def _lock_own(actor, proposal: Proposal) -> tuple[Job, Proposal]:
    job = lock_job(proposal.job_id)
    locked = lock_proposal(proposal.pk)
    if not is_user(actor, locked.freelancer_id):
        raise NotFound(_("Proposal not found."))
    return job, locked


def _lock_for_client(actor, proposal: Proposal) -> tuple[Job, Proposal]:
    job = lock_job(proposal.job_id)
    require_job_owner(actor, job)
    return job, lock_proposal(proposal.pk)


def proposal_update(*, actor, proposal: Proposal, **fields) -> Proposal:
    """The freelancer changes their price, duration or cover letter while the bid is live."""
    unknown = sorted(set(fields) - set(PROPOSAL_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={name: [_("Unknown field.")] for name in unknown},
        )
    with transaction.atomic():
        job, locked = _lock_own(actor, proposal)
        if not locked.is_live:
            raise ValidationFailed(
                _("This proposal was already decided: it can no longer change."),
                code="proposal_decided",
                details={"status": locked.status},
            )
        require_hiring(job)
        current = {name: getattr(locked, name) for name in PROPOSAL_FIELDS}
        if "amount" in fields or "hourly_rate" in fields:
            current.update(amount=None, hourly_rate=None)  # the new price replaces the old
        cleaned = validation.clean_proposal({**current, **fields}, budget_type=job.budget_type)
        require_chargeable(job, cleaned)
        changed = [name for name in PROPOSAL_FIELDS if cleaned[name] != getattr(locked, name)]
        for name in changed:
            setattr(locked, name, cleaned[name])
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit(
                actor=actor,
                action="jobs.proposal_updated",
                target=locked,
                details={"fields": changed},
            )
    return locked


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        job, locked = _lock_own(actor, proposal)
        apply(locked, "withdraw", role=FREELANCER, actor=actor)
        publish("jobs.proposal_withdrawn", payload=proposal_payload(locked, job), actor=actor)
    return locked


def proposal_shortlist(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        _job, locked = _lock_for_client(actor, proposal)
        apply(locked, "shortlist", role=CLIENT, actor=actor)
    return locked


def proposal_unshortlist(*, actor, proposal: Proposal) -> Proposal:
    with transaction.atomic():
        _job, locked = _lock_for_client(actor, proposal)
        apply(locked, "unshortlist", role=CLIENT, actor=actor)
    return locked


def proposal_decline(*, actor, proposal: Proposal, reason: str = "") -> Proposal:
    reason = validation.clean_reason(reason)
    with transaction.atomic():
        job, locked = _lock_for_client(actor, proposal)
        locked.decline_reason = reason
        apply(locked, "decline", role=CLIENT, actor=actor, note=reason, fields=("decline_reason",))
        publish(
            "jobs.proposal_declined",
            payload=proposal_payload(locked, job, reason=reason),
            actor=actor,
        )
    return locked


def proposal_accept(*, actor, proposal: Proposal):
    """Hire the bidder: creates the contract (source "proposal") and returns it. When this
    fills the last opening, the job becomes filled and the other live bids are declined."""
    with transaction.atomic():
        job, locked = _lock_for_client(actor, proposal)
        require_hiring(job)
        check_transition(locked, "accept", role=CLIENT)
        freelancer = locked.freelancer
        if not (freelancer.is_active and freelancer.is_freelancer):
            raise Conflict(
                _("This freelancer can no longer be hired."), code="freelancer_unavailable"
            )
        terms = contract_terms(
            job=job,
            amount=locked.amount,
            hourly_rate=locked.hourly_rate,
            weekly_hours=None,
            duration_days=locked.duration_days,
        )
        contract = create_contract(
            job=job,
            source="proposal",
            source_ref=f"proposal:{locked.pk}",
            provider=freelancer,
            terms=terms,
            actor=actor,
        )
        locked.contract_id = contract.pk
        apply(locked, "accept", role=CLIENT, actor=actor, fields=("contract_id",))
        publish(
            "jobs.proposal_accepted",
            payload=proposal_payload(locked, job, contract_id=contract.pk),
            actor=actor,
        )
        record_hire(job, actor=actor)
    return contract


# --- attachments -------------------------------------------------------------------------


def proposal_attachment_add(*, actor, proposal: Proposal, upload) -> ProposalAttachment:
    prepared = files.prepare(upload)
    with transaction.atomic():
        _job, locked = _lock_own(actor, proposal)
        if not locked.is_live:
            raise ValidationFailed(
                _("This proposal was already decided: it can no longer change."),
                code="proposal_decided",
            )
        if locked.attachments.count() >= MAX_ATTACHMENTS_PER_PROPOSAL:
            limit = MAX_ATTACHMENTS_PER_PROPOSAL
            raise ValidationFailed(
                _("A proposal has at most %(n)d attachments.") % {"n": limit},
                code="too_many_attachments",
                details={"file": [_("At most %(n)d files.") % {"n": limit}]},
            )
        attachment = files.store(ProposalAttachment, prepared, proposal=locked)
        audit(
            actor=actor,
            action="jobs.proposal_attachment_added",
            target=locked,
            details={"attachment_id": str(attachment.pk)},
        )
    return attachment


def proposal_attachment_remove(*, actor, proposal: Proposal, attachment_id) -> None:
    with transaction.atomic():
        _job, locked = _lock_own(actor, proposal)
        try:
            attachment = locked.attachments.filter(pk=attachment_id).first()
        except (ValueError, TypeError, DjangoValidationError):
            attachment = None
        if attachment is None:
            raise NotFound(_("Attachment not found."))
        if not locked.is_live:
            raise ValidationFailed(
                _("This proposal was already decided: it can no longer change."),
                code="proposal_decided",
            )
        files.delete_file_on_commit(attachment)
        attachment.delete()
        audit(
            actor=actor,
            action="jobs.proposal_attachment_removed",
            target=locked,
            details={"attachment_id": str(attachment_id)},
        )
