"""Helpers shared by the jobs services: locking in a fixed order, roles, event payloads.

Lock order everywhere: the job row first, then the proposal or invitation row. A hire
and a concurrent withdraw/close therefore queue on the job instead of deadlocking.
"""

from django.utils.translation import gettext as _

from craftwork.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from craftwork.core.money import Money
from craftwork.payments.fees import check_chargeable

from ..models import Job, JobInvitation, JobStatus, Proposal
from ..process import refusal


def lock_job(pk) -> Job:
    job = Job.objects.select_for_update().filter(pk=pk).first()
    if job is None:
        raise NotFound(_("Job not found."))
    return job


def lock_proposal(pk) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("Proposal not found."))
    return proposal


def lock_invitation(pk) -> JobInvitation:
    invitation = JobInvitation.objects.select_for_update().filter(pk=pk).first()
    if invitation is None:
        raise NotFound(_("Invitation not found."))
    return invitation


def require_chargeable(job: Job, cleaned: dict) -> dict:
    """A fixed price becomes the contract's milestone, paid in one charge: refuse at once an
    amount that could never be funded (``amount_not_chargeable`` on ``amount``)."""
    if cleaned.get("amount") is not None:
        check_chargeable(Money(cleaned["amount"], job.currency), job.category.slug)
    return cleaned


def is_user(actor, user_id) -> bool:
    return getattr(actor, "is_authenticated", False) and actor.pk == user_id


def require_job_owner(actor, job: Job) -> None:
    """Only the client who posted the job manages it; anyone else learns nothing (404)."""
    if not is_user(actor, job.client_id):
        raise NotFound(_("Job not found."))


def require_freelancer(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Log in first."), code="not_authenticated")
    if not actor.is_freelancer:
        raise PermissionDenied(
            _("Add the freelancer role to your account first."), code="not_freelancer"
        )


def require_client(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Log in first."), code="not_authenticated")
    if not actor.is_client:
        raise PermissionDenied(_("Add the client role to your account first."), code="not_client")


def require_hiring(job: Job) -> None:
    """The job takes proposals and hires: open with an opening left."""
    if job.status == JobStatus.FILLED or (job.status == JobStatus.OPEN and not job.openings_left):
        raise Conflict(_("All openings of this job are filled."), code="job_filled")
    if job.status != JobStatus.OPEN:
        raise InvalidTransition(
            _("This job is not open for proposals."),
            code="job_not_open",
            details={"status": job.status},
        )


def check_transition(obj, name: str, *, role: str) -> None:
    """Refuse early (before side effects such as creating a contract) what ``apply`` would refuse."""
    problem = refusal(obj, name, role=role)
    if problem is None:
        return
    code, message = problem
    error = PermissionDenied if code == "not_allowed" else InvalidTransition
    raise error(message, code=code, details={"status": obj.status, "transition": name})


def job_payload(job: Job, **extra) -> dict:
    return {
        "job_id": str(job.pk),
        "job_title": job.title,
        "client_id": str(job.client_id),
        **{key: (str(value) if value is not None else None) for key, value in extra.items()},
    }


def proposal_payload(proposal: Proposal, job: Job, **extra) -> dict:
    return job_payload(job, proposal_id=proposal.pk, freelancer_id=proposal.freelancer_id, **extra)


def invitation_payload(invitation: JobInvitation, job: Job, **extra) -> dict:
    return job_payload(
        job,
        invitation_id=invitation.pk,
        freelancer_id=invitation.freelancer_id,
        role=invitation.role,
        **extra,
    )
