"""Posting, editing and closing jobs, and their attachments."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from craftwork.accounts.selectors import organizations_for
from craftwork.billing import credits
from craftwork.billing.models import CreditAction
from craftwork.core.audit import audit
from craftwork.core.errors import NotFound, PermissionDenied, ValidationFailed
from craftwork.core.events import publish

from .. import validation
from ..models import (
    ACTIVE_PROPOSAL_STATUSES,
    LIVE_PROPOSAL_STATUSES,
    MAX_ATTACHMENTS_PER_JOB,
    Job,
    JobAttachment,
    JobStatus,
    LocationType,
    Proposal,
    Visibility,
)
from ..process import CLIENT, SYSTEM, apply
from . import attachments as files
from ._common import job_payload, lock_job, require_client, require_job_owner
from .hiring import wind_down

# Once bids exist, these would change what every bidder priced: they stay as they are.
LOCKED_AFTER_BIDS = ("budget_type", "currency")
EDITABLE_STATUSES = (JobStatus.DRAFT, JobStatus.OPEN)
JOB_DEFAULTS = {
    "skills": [],
    "budget": None,
    "hourly_rate_min": None,
    "hourly_rate_max": None,
    "hours_per_week": None,
    "location_type": LocationType.REMOTE,
    "address": "",
    "latitude": None,
    "longitude": None,
    "service_radius_km": None,
    "schedule_flexible": True,
    "starts_at": None,
    "ends_at": None,
    "openings": 1,
    "visibility": Visibility.PUBLIC,
}


def _check_organization(actor, organization) -> None:
    if (
        organization is not None
        and not organizations_for(actor).filter(pk=organization.pk).exists()
    ):
        raise PermissionDenied(
            _("You can only post for an organization you belong to."),
            code="not_member",
            details={"organization": [_("You are not a member of this organization.")]},
        )


def _unknown_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - set(validation.JOB_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown field: %(fields)s.") % {"fields": ", ".join(unknown)},
            details={name: [_("Unknown field.")] for name in unknown},
        )


def job_create(
    *, actor, organization=None, attachments=(), publish_now: bool = False, **fields
) -> Job:
    """Post a job as a draft (or straight to open with ``publish_now``). ``fields``: see
    validation.JOB_FIELDS; amounts are minor units of ``currency``."""
    require_client(actor)
    _unknown_fields(fields)
    _check_organization(actor, organization)
    cleaned = validation.clean_job({**JOB_DEFAULTS, **fields})
    prepared = files.prepare_all(attachments, limit=MAX_ATTACHMENTS_PER_JOB)
    skills = cleaned.pop("skills")
    with transaction.atomic():
        job = Job.objects.create(client=actor, organization=organization, **cleaned)
        job.skills.set(skills)
        for item in prepared:
            files.store(JobAttachment, item, job=job)
        audit(actor=actor, action="jobs.job_created", target=job)
        if publish_now:
            _publish(job, actor=actor)
    return job


def _publish(job: Job, *, actor) -> None:
    apply(job, "publish", role=CLIENT, actor=actor)
    publish("jobs.job_published", payload=job_payload(job), actor=actor)


def job_publish(*, actor, job: Job) -> Job:
    """Open a draft for proposals."""
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        require_client(actor)
        _publish(locked, actor=actor)
    return locked


def _current_values(job: Job) -> dict:
    values = {name: getattr(job, name) for name in validation.JOB_FIELDS if name != "skills"}
    values["skills"] = list(job.skills.all())
    return values


def _has_bids(job: Job) -> bool:
    return job.hired_count > 0 or job.proposals.filter(status__in=ACTIVE_PROPOSAL_STATUSES).exists()


def _check_edit_rules(job: Job, current: dict, cleaned: dict) -> None:
    if cleaned["openings"] < job.hired_count:
        raise ValidationFailed(
            _("%(n)d people are already hired: openings cannot go below that.")
            % {"n": job.hired_count},
            code="openings_below_hired",
            details={"openings": [_("At least %(n)d.") % {"n": job.hired_count}]},
        )
    locked = [name for name in LOCKED_AFTER_BIDS if cleaned[name] != current[name]]
    if locked and _has_bids(job):
        message = _("Freelancers have already bid on these terms: they can no longer change.")
        raise ValidationFailed(
            message, code="terms_locked", details={name: [message] for name in locked}
        )


def _changed(current: dict, cleaned: dict) -> list[str]:
    changed = [name for name in validation.JOB_FIELDS if cleaned[name] != current[name]]
    if "skills" in changed and {s.pk for s in cleaned["skills"]} == {
        s.pk for s in current["skills"]
    }:
        changed.remove("skills")
    return changed


def job_update(*, actor, job: Job, **fields) -> Job:
    """Change a draft or open job. Once bids exist the budget type and currency stay; every
    live bidder is told about the change ("jobs.job_updated")."""
    _unknown_fields(fields)
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationFailed(
                _("Only draft and open jobs can be edited."),
                code="job_not_editable",
                details={"status": locked.status},
            )
        current = _current_values(locked)
        cleaned = validation.clean_job(
            {**current, **fields},
            starts_changed="starts_at" in fields and fields["starts_at"] != current["starts_at"],
        )
        _check_edit_rules(locked, current, cleaned)
        changed = _changed(current, cleaned)
        if changed:
            _save_changes(locked, cleaned, changed, actor=actor)
            _fill_if_full(locked, actor=actor)
    return locked


def _fill_if_full(job: Job, *, actor) -> None:
    """Openings lowered to the number already hired: the job is filled."""
    if job.status == JobStatus.OPEN and job.hired_count and job.hired_count >= job.openings:
        apply(job, "fill", role=SYSTEM, actor=actor, note="openings lowered to the hired count")
        wind_down(job, actor=actor, reason=_("All openings of this job were filled."))


def _save_changes(job: Job, cleaned: dict, changed: list[str], *, actor) -> None:
    columns = [name for name in changed if name != "skills"]
    for name in columns:
        setattr(job, name, cleaned[name])
    job.save(update_fields=[*columns, "updated_at"])
    if "skills" in changed:
        job.skills.set(cleaned["skills"])
    audit(actor=actor, action="jobs.job_updated", target=job, details={"fields": changed})
    _notify_bidders(job, changed, actor=actor)


def _notify_bidders(job: Job, changed: list[str], *, actor) -> None:
    if job.status != JobStatus.OPEN:
        return
    bidders = sorted(
        str(pk)
        for pk in job.proposals.filter(status__in=LIVE_PROPOSAL_STATUSES).values_list(
            "freelancer_id", flat=True
        )
    )
    publish(
        "jobs.job_updated",
        payload={**job_payload(job), "fields": changed, "freelancer_ids": bidders},
        actor=actor,
    )


def _refund_bids(job: Job, *, actor, reason: str) -> None:
    """A job that ends without a hire gives bidders back the credits their proposals cost."""
    if job.hired_count:
        return
    proposal_ids = Proposal.objects.filter(job=job).values_list("pk", flat=True)
    credits.credits_refund_many(
        action=CreditAction.PROPOSAL_SUBMIT,
        references=[f"proposal:{pk}" for pk in proposal_ids],
        reason=reason,
        actor=actor,
    )


def job_close(*, actor, job: Job, reason: str = "") -> Job:
    """Stop hiring on an open job; live proposals are declined, pending invitations withdrawn."""
    reason = validation.clean_reason(reason)
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        apply(locked, "close", role=CLIENT, actor=actor, note=reason)
        wind_down(locked, actor=actor, reason=reason or _("The client closed this job."))
        _refund_bids(locked, actor=actor, reason=_("The job was closed without a hire."))
    return locked


def job_cancel(*, actor, job: Job, reason: str = "") -> Job:
    """Call off a draft or open job nobody was hired for."""
    reason = validation.clean_reason(reason)
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        apply(locked, "cancel", role=CLIENT, actor=actor, note=reason)
        wind_down(locked, actor=actor, reason=reason or _("The client cancelled this job."))
        _refund_bids(locked, actor=actor, reason=_("The job was cancelled."))
    return locked


def job_remove(*, actor, job: Job, reason: str) -> Job:
    """Moderators take a job down for good: an open job is closed (live proposals declined,
    pending invitations withdrawn); moderation keeps it out of public view. The client is told
    by the moderation notification."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("Job not found."))
    reason = validation.clean_reason(reason)
    with transaction.atomic():
        locked = lock_job(job.pk)
        if locked.status == JobStatus.OPEN:
            apply(locked, "close", role=SYSTEM, actor=actor, note=reason)
            wind_down(locked, actor=actor, reason=_("This job was removed by our moderators."))
            _refund_bids(locked, actor=actor, reason=_("The job was removed by our moderators."))
    return locked


# --- attachments -------------------------------------------------------------------------


def job_attachment_add(*, actor, job: Job, upload) -> JobAttachment:
    prepared = files.prepare(upload)
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationFailed(
                _("Only draft and open jobs can be edited."), code="job_not_editable"
            )
        if locked.attachments.count() >= MAX_ATTACHMENTS_PER_JOB:
            raise ValidationFailed(
                _("A job has at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS_PER_JOB},
                code="too_many_attachments",
                details={"file": [_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_JOB}]},
            )
        attachment = files.store(JobAttachment, prepared, job=locked)
        audit(
            actor=actor,
            action="jobs.job_attachment_added",
            target=locked,
            details={"attachment_id": str(attachment.pk), "name": attachment.original_name},
        )
        _notify_bidders(locked, ["attachments"], actor=actor)
    return attachment


def job_attachment_remove(*, actor, job: Job, attachment_id) -> None:
    with transaction.atomic():
        locked = lock_job(job.pk)
        require_job_owner(actor, locked)
        try:
            attachment = locked.attachments.filter(pk=attachment_id).first()
        except (ValueError, TypeError, DjangoValidationError):
            attachment = None
        if attachment is None:
            raise NotFound(_("Attachment not found."))
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationFailed(
                _("Only draft and open jobs can be edited."), code="job_not_editable"
            )
        files.delete_file_on_commit(attachment)
        attachment.delete()
        audit(
            actor=actor,
            action="jobs.job_attachment_removed",
            target=locked,
            details={"attachment_id": str(attachment_id)},
        )
        _notify_bidders(locked, ["attachments"], actor=actor)
