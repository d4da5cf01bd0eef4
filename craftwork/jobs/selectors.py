"""Reads of jobs, proposals and invitations, scoped to what the viewer may see.

A job, proposal or invitation the viewer may not see is "not found" (404), never a 403
that would confirm it exists. Lists load what their pages show in a fixed number of queries.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from craftwork.core.errors import DomainError, NotFound, ValidationFailed
from craftwork.core.money import Money
from craftwork.moderation.selectors import hidden_ids
from craftwork.profiles.models import FreelancerSkill, Skill

from .filters import JobFilter
from .models import (
    ACTIVE_PROPOSAL_STATUSES,
    LIVE_PROPOSAL_STATUSES,
    InvitationStatus,
    Job,
    JobAttachment,
    JobInvitation,
    JobStatus,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Visibility,
)

PUBLICLY_LISTED_STATUSES = (JobStatus.OPEN, JobStatus.FILLED, JobStatus.CLOSED)
TOP_SKILLS = 5


def _get_or_404(queryset, pk, message):
    try:
        found = queryset.filter(pk=pk).first()
    except (ValueError, TypeError, DjangoValidationError):
        found = None
    if found is None:
        raise NotFound(message)
    return found


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _skills_prefetch() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("name"))


def _count(model, **conditions):
    """A correlated COUNT subquery (one join each would multiply rows)."""
    counts = (
        model.objects.filter(job=OuterRef("pk"), **conditions)
        .order_by()
        .values("job")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


# --- jobs --------------------------------------------------------------------------------


def public_jobs():
    """Open public jobs of active clients, with what a card shows."""
    return (
        Job.objects.filter(status=JobStatus.OPEN, visibility=Visibility.PUBLIC)
        .filter(client__is_active=True)  # a join per row of the page, not a scan of every user
        .exclude(pk__in=hidden_ids("job"))  # hidden by moderators
        .select_related("category", "organization")
        .prefetch_related(_skills_prefetch())
        .order_by("-published_at", "-id")
    )


def job_filterset(filters=None) -> JobFilter:
    """The bound open-jobs filters (``filters``: a QueryDict, or a dict whose values may be lists)."""
    if filters is not None and not isinstance(filters, MultiValueDict):
        filters = MultiValueDict(
            {
                key: list(value) if isinstance(value, list | tuple) else [value]
                for key, value in filters.items()
            }
        )
    return JobFilter(filters or {}, queryset=public_jobs())


def public_job_list(filters=None):
    filterset = job_filterset(filters)
    if not filterset.is_valid():
        raise ValidationFailed(
            details={field: list(errors) for field, errors in filterset.errors.items()}
        )
    return filterset.qs


def _visible(user) -> Q:
    visible = Q(
        visibility=Visibility.PUBLIC,
        status__in=PUBLICLY_LISTED_STATUSES,
        client__is_active=True,
    ) & ~Q(pk__in=hidden_ids("job"))  # hidden by moderators: only participants still see it
    if not _signed_in(user):
        return visible
    bid = Proposal.objects.filter(job=OuterRef("pk"), freelancer=user)
    invited = JobInvitation.objects.filter(job=OuterRef("pk"), freelancer=user).exclude(
        status=InvitationStatus.WITHDRAWN
    )
    return visible | Q(client=user) | Q(Exists(bid)) | Q(Exists(invited))


def job_for_viewer(user, pk) -> Job:
    """A job the viewer may read: public ones, their own, or one they bid on or were invited to."""
    queryset = (
        Job.objects.filter(_visible(user))
        .select_related("category", "client", "organization")
        .prefetch_related(
            _skills_prefetch(), Prefetch("attachments", queryset=JobAttachment.objects.all())
        )
    )
    return _get_or_404(queryset, pk, _("Job not found."))


def own_jobs(user, *, status: str | None = None):
    """The client's jobs with their proposal and invitation counts (newest first)."""
    if not _signed_in(user):
        return Job.objects.none()
    jobs = (
        Job.objects.filter(client=user)
        .select_related("category", "organization")
        .prefetch_related(_skills_prefetch())
        .annotate(
            live_proposal_count=_count(Proposal, status__in=LIVE_PROPOSAL_STATUSES),
            shortlisted_count=_count(Proposal, status=ProposalStatus.SHORTLISTED),
            pending_invitation_count=_count(JobInvitation, status=InvitationStatus.PENDING),
        )
        .order_by("-created_at", "-id")
    )
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    return jobs


def own_job(user, pk) -> Job:
    """One of the client's own jobs (to manage it); anyone else's is not found."""
    queryset = own_jobs(user).select_related("client").prefetch_related("attachments")
    return _get_or_404(queryset, pk, _("Job not found."))


def invitable_jobs(user):
    """The client's open jobs with an opening left: what they can invite someone to."""
    if not _signed_in(user):
        return Job.objects.none()
    return (
        Job.objects.filter(client=user, status=JobStatus.OPEN)
        .exclude(hired_count__gte=F("openings"))
        .select_related("category")
        .order_by("-published_at", "-id")
    )


def job_attachment_for_viewer(user, job_pk, attachment_pk) -> JobAttachment:
    job = job_for_viewer(user, job_pk)
    return _get_or_404(job.attachments.all(), attachment_pk, _("Attachment not found."))


# --- what a viewer may do on a job page ------------------------------------------------------


def proposal_refusal(job: Job, user) -> DomainError | None:
    """Why ``user`` may not bid on ``job`` right now (the service's own check), or None."""
    from .services.proposals import bid_refusal

    return bid_refusal(job, user)


def viewer_proposal(job: Job, user) -> Proposal | None:
    """The viewer's current (live or accepted) proposal on the job."""
    if not _signed_in(user):
        return None
    return (
        Proposal.objects.filter(job=job, freelancer=user, status__in=ACTIVE_PROPOSAL_STATUSES)
        .order_by("-created_at")
        .first()
    )


def viewer_invitation(job: Job, user) -> JobInvitation | None:
    if not _signed_in(user):
        return None
    return (
        JobInvitation.objects.filter(job=job, freelancer=user, status=InvitationStatus.PENDING)
        .order_by("-created_at")
        .first()
    )


# --- proposals -------------------------------------------------------------------------------


def _bidder_prefetch() -> Prefetch:
    return Prefetch(
        "freelancer__freelancer_profile__profile_skills",
        queryset=FreelancerSkill.objects.select_related("skill").order_by("position", "created_at"),
    )


_STATUS_ORDER = Case(
    When(status=ProposalStatus.SHORTLISTED, then=Value(0)),
    When(status=ProposalStatus.SUBMITTED, then=Value(1)),
    When(status=ProposalStatus.ACCEPTED, then=Value(2)),
    When(status=ProposalStatus.DECLINED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def job_proposals(job: Job, *, status: str | None = None):
    """The proposals on a job for its client: shortlisted first, with each bidder's summary."""
    proposals = (
        Proposal.objects.filter(job=job)
        .select_related("job", "job__category", "freelancer", "freelancer__freelancer_profile")
        .prefetch_related(_bidder_prefetch(), "attachments")
        .annotate(status_order=_STATUS_ORDER)
        .order_by("status_order", "created_at", "id")
    )
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    return proposals


def own_proposals(user, *, status: str | None = None):
    if not _signed_in(user):
        return Proposal.objects.none()
    proposals = (
        Proposal.objects.filter(freelancer=user)
        .select_related("job", "job__category")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    return proposals


def own_proposal(user, pk) -> Proposal:
    return _get_or_404(own_proposals(user), pk, _("Proposal not found."))


def proposal_for_client(user, pk) -> Proposal:
    """A proposal on one of the client's jobs."""
    if not _signed_in(user):
        raise NotFound(_("Proposal not found."))
    queryset = (
        Proposal.objects.filter(job__client=user)
        .select_related("job", "job__category", "freelancer", "freelancer__freelancer_profile")
        .prefetch_related(_bidder_prefetch(), "attachments")
    )
    return _get_or_404(queryset, pk, _("Proposal not found."))


def proposal_for_participant(user, pk) -> Proposal:
    """A proposal the viewer made or received (as the job's client)."""
    if not _signed_in(user):
        raise NotFound(_("Proposal not found."))
    queryset = (
        Proposal.objects.filter(Q(freelancer=user) | Q(job__client=user))
        .select_related("job", "job__category", "freelancer", "freelancer__freelancer_profile")
        .prefetch_related(_bidder_prefetch(), "attachments")
    )
    return _get_or_404(queryset, pk, _("Proposal not found."))


def proposal_attachment_for_participant(user, proposal_pk, attachment_pk) -> ProposalAttachment:
    proposal = proposal_for_participant(user, proposal_pk)
    return _get_or_404(proposal.attachments.all(), attachment_pk, _("Attachment not found."))


@dataclass(frozen=True)
class BidderSummary:
    """What a client sees of a bidder: only facts with a real source (no ratings yet)."""

    user_id: object
    name: str
    initials: str
    avatar_url: str | None
    email_verified: bool
    profile_id: object | None  # set only when the public profile is published
    headline: str
    hourly_rate: Money | None
    city: str
    country: str
    country_name: str
    top_skills: list


def bidder_summary(freelancer) -> BidderSummary:
    """Built from a freelancer loaded with ``freelancer_profile`` and its skills (no queries)."""
    try:
        profile = freelancer.freelancer_profile
    except ObjectDoesNotExist:
        profile = None
    initial = f" {freelancer.last_name[:1]}." if freelancer.last_name else ""
    published = bool(profile and profile.is_published)
    return BidderSummary(
        user_id=freelancer.pk,
        name=f"{freelancer.first_name}{initial}",
        initials=(freelancer.first_name[:1] + freelancer.last_name[:1]).upper() or "?",
        avatar_url=freelancer.avatar.url if freelancer.avatar else None,
        email_verified=freelancer.email_verified,
        profile_id=profile.pk if published else None,
        headline=profile.headline if profile else "",
        hourly_rate=profile.hourly_rate_money if profile else None,
        city=profile.city if profile else "",
        country=profile.country if profile else "",
        country_name=str(profile.get_country_display()) if profile and profile.country else "",
        top_skills=[row.skill.name for row in profile.profile_skills.all()][:TOP_SKILLS]
        if profile
        else [],
    )


# --- invitations -------------------------------------------------------------------------------


def invitations_received(user, *, status: str | None = None):
    if not _signed_in(user):
        return JobInvitation.objects.none()
    invitations = (
        JobInvitation.objects.filter(freelancer=user)
        .select_related("job", "job__category", "invited_by")
        .order_by("-created_at", "-id")
    )
    if status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    return invitations


def invitations_sent(user, *, job: Job | None = None, status: str | None = None):
    if not _signed_in(user):
        return JobInvitation.objects.none()
    invitations = (
        JobInvitation.objects.filter(job__client=user)
        .select_related(
            "job", "job__category", "invited_by", "freelancer", "freelancer__freelancer_profile"
        )
        .prefetch_related(_bidder_prefetch())
        .order_by("-created_at", "-id")
    )
    if job is not None:
        invitations = invitations.filter(job=job)
    if status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    return invitations


def invitation_for_participant(user, pk) -> JobInvitation:
    """An invitation the viewer sent (as the job's client) or received."""
    if not _signed_in(user):
        raise NotFound(_("Invitation not found."))
    queryset = (
        JobInvitation.objects.filter(Q(freelancer=user) | Q(job__client=user))
        .select_related(
            "job",
            "job__category",
            "invited_by",
            "freelancer",
            "freelancer__freelancer_profile",
        )
        .prefetch_related(_bidder_prefetch())
    )
    return _get_or_404(queryset, pk, _("Invitation not found."))


def job_counts_for_client(user) -> dict:
    """Dashboard figures: open jobs and live proposals waiting on them."""
    if not _signed_in(user):
        return {"open_jobs": 0, "live_proposals": 0}
    open_jobs = Job.objects.filter(client=user, status=JobStatus.OPEN)
    return {
        "open_jobs": open_jobs.count(),
        "live_proposals": Proposal.objects.filter(
            job__in=open_jobs, status__in=LIVE_PROPOSAL_STATUSES
        ).count(),
    }


def viewer_context(job: Job, user) -> dict:
    """What the job page shows this viewer: may they bid (and if not, why), their own bid or
    pending invitation, and the owner's available actions."""
    from . import process

    is_owner = _signed_in(user) and job.client_id == user.pk
    refusal = None if is_owner else proposal_refusal(job, user)
    proposal = None if is_owner else viewer_proposal(job, user)
    invitation = None if is_owner else viewer_invitation(job, user)
    return {
        "is_owner": is_owner,
        "can_propose": not is_owner and refusal is None,
        "cannot_propose_code": None if is_owner or refusal is None else refusal.code,
        "cannot_propose_message": "" if is_owner or refusal is None else refusal.message,
        "my_proposal_id": str(proposal.pk) if proposal else None,
        "my_invitation_id": str(invitation.pk) if invitation else None,
        "actions": process.available_transitions(job, role=process.CLIENT) if is_owner else [],
        "proposal": proposal,
        "invitation": invitation,
    }
