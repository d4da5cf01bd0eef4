"""Invitations: a client asks a freelancer to take a role on a job with proposed terms.

Several freelancers can be invited to one job with different roles (a team). Accepting
creates a contract (source "invitation") and counts as one of the job's openings.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, NotFound, PermissionDenied
from craftwork.core.events import publish

from .. import validation
from ..models import InvitationStatus, Job, JobInvitation
from ..process import CLIENT, FREELANCER, SYSTEM, apply
from ._common import (
    check_transition,
    invitation_payload,
    is_user,
    lock_invitation,
    lock_job,
    require_chargeable,
    require_hiring,
    require_job_owner,
)
from .hiring import (
    already_hired,
    contract_terms,
    create_contract,
    record_hire,
    withdraw_live_proposal,
)

EXPIRY_BATCH = 200


def _check_invitee(job: Job, freelancer) -> None:
    if freelancer is None or not freelancer.is_active or not freelancer.is_freelancer:
        raise PermissionDenied(
            _("Only active freelancers can be invited."),
            code="not_freelancer",
            details={"freelancer": [_("Choose a freelancer.")]},
        )
    if freelancer.pk == job.client_id:
        raise PermissionDenied(_("You cannot invite yourself."), code="own_job")
    if already_hired(job, freelancer.pk):
        raise Conflict(_("This freelancer is already hired for this job."), code="already_hired")
    if JobInvitation.objects.filter(
        job=job, freelancer=freelancer, status=InvitationStatus.PENDING
    ).exists():
        raise Conflict(
            _("This freelancer already has a pending invitation to this job."),
            code="already_invited",
        )


def invitation_send(
    *, actor, job: Job, freelancer, role: str, message: str = "", amount=None, hourly_rate=None,
    weekly_hours=None,
) -> JobInvitation:  # fmt: skip
    """Invite ``freelancer`` (a user) to ``job`` as ``role``, proposing a fixed ``amount`` or an
    ``hourly_rate`` with ``weekly_hours`` (defaults to the job's estimate), in minor units."""
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        require_hiring(locked)
        if weekly_hours is None:
            weekly_hours = locked.hours_per_week
        cleaned = validation.clean_invitation(
            {
                "role": role,
                "message": message,
                "amount": amount,
                "hourly_rate": hourly_rate,
                "weekly_hours": weekly_hours,
            },
            budget_type=locked.budget_type,
        )
        require_chargeable(locked, cleaned)
        _check_invitee(locked, freelancer)
        try:
            with transaction.atomic():
                invitation = JobInvitation.objects.create(
                    job=locked,
                    freelancer=freelancer,
                    invited_by=actor,
                    currency=locked.currency,
                    expires_at=timezone.now() + timedelta(days=settings.JOB_INVITATION_DAYS),
                    **cleaned,
                )
        except IntegrityError as error:
            raise Conflict(
                _("This freelancer already has a pending invitation to this job."),
                code="already_invited",
            ) from error
        audit(actor=actor, action="jobs.invitation_sent", target=invitation)
        publish("jobs.invitation_sent", payload=invitation_payload(invitation, locked), actor=actor)
    return invitation


def _lock_for_freelancer(actor, invitation: JobInvitation) -> tuple[Job, JobInvitation]:
    job = lock_job(invitation.job_id)
    locked = lock_invitation(invitation.pk)
    if not is_user(actor, locked.freelancer_id):
        raise NotFound(_("Invitation not found."))
    return job, locked


def invitation_accept(*, actor, invitation: JobInvitation):
    """The freelancer takes the role: creates and returns the contract (source "invitation")."""
    with transaction.atomic():
        job, locked = _lock_for_freelancer(actor, invitation)
        check_transition(locked, "accept", role=FREELANCER)
        require_hiring(job)
        if not actor.is_freelancer:
            raise PermissionDenied(
                _("Add the freelancer role to your account first."), code="not_freelancer"
            )
        terms = contract_terms(
            job=job,
            amount=locked.amount,
            hourly_rate=locked.hourly_rate,
            weekly_hours=locked.weekly_hours,
            duration_days=_duration_days(job),
        )
        contract = create_contract(
            job=job,
            source="invitation",
            source_ref=f"invitation:{locked.pk}",
            provider=actor,
            terms=terms,
            actor=actor,
        )
        locked.contract_id = contract.pk
        apply(locked, "accept", role=FREELANCER, actor=actor, fields=("contract_id",))
        withdraw_live_proposal(job, actor.pk, actor=actor, note="hired through an invitation")
        publish(
            "jobs.invitation_accepted",
            payload=invitation_payload(locked, job, contract_id=contract.pk),
            actor=actor,
        )
        record_hire(job, actor=actor)
    return contract


def _duration_days(job: Job) -> int | None:
    """A fixed-price invitation has no bid duration: the job's own window, when it has one."""
    if job.starts_at and job.ends_at:
        return max(1, (job.ends_at - job.starts_at).days)
    return None


def invitation_decline(*, actor, invitation: JobInvitation, reason: str = "") -> JobInvitation:
    reason = validation.clean_reason(reason)
    with transaction.atomic():
        job, locked = _lock_for_freelancer(actor, invitation)
        locked.decline_reason = reason
        apply(
            locked, "decline", role=FREELANCER, actor=actor, note=reason, fields=("decline_reason",)
        )
        publish(
            "jobs.invitation_declined",
            payload=invitation_payload(locked, job, reason=reason),
            actor=actor,
        )
    return locked


def invitation_withdraw(*, actor, invitation: JobInvitation) -> JobInvitation:
    with transaction.atomic():
        job = lock_job(invitation.job_id)
        require_job_owner(actor, job)
        locked = lock_invitation(invitation.pk)
        apply(locked, "withdraw", role=CLIENT, actor=actor)
        publish("jobs.invitation_withdrawn", payload=invitation_payload(locked, job), actor=actor)
    return locked


def invitations_expire(*, now=None) -> int:
    """Mark pending invitations past their expiry as expired. Safe to run twice or in parallel:
    rows another run holds are skipped, and an expired row is no longer pending."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                JobInvitation.objects.select_for_update(skip_locked=True)
                .filter(status=InvitationStatus.PENDING, expires_at__lte=now)
                .order_by("expires_at", "pk")[:EXPIRY_BATCH]
            )
            for invitation in batch:
                apply(invitation, "expire", role=SYSTEM, actor=None)
        expired += len(batch)
        if len(batch) < EXPIRY_BATCH:
            return expired
