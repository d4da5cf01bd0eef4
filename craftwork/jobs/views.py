"""Web pages for jobs, proposals and invitations. Every write calls the same service as the API;
a refusal (DomainError) is shown next to the field or as a message."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.accounts.selectors import organizations_for
from craftwork.core.errors import DomainError, NotFound
from craftwork.core.files import private_file_response
from craftwork.core.paginator import CachedCountPaginator
from craftwork.profiles import selectors as profile_selectors
from craftwork.recruiting import selectors as recruiting_selectors
from craftwork.reviews.selectors import rating_summary_for_users

from . import process, selectors, services
from .forms import (
    AttachmentForm,
    BudgetRangeForm,
    InvitationForm,
    JobCreateForm,
    JobForm,
    ProposalForm,
    ProposalSubmitForm,
    ReasonForm,
    apply_domain_error,
)
from .models import BudgetType, JobStatus, LocationType, Visibility

JOBS_PER_PAGE = 12
COMPANY_JOBS = 3
ROWS_PER_PAGE = 20
CANDIDATES_PER_PAGE = 12


# --- helpers --------------------------------------------------------------------------------


def _not_found(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def in_user_timezone(view):
    """Dates typed into forms and shown on the page are in the signed-in user's time zone."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        zone = getattr(request.user, "timezone", None) or "UTC"
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapper


def client_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client:
            return render(request, "jobs/role_required.html", {"role": "client"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def freelancer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_freelancer:
            return render(request, "jobs/role_required.html", {"role": "freelancer"}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _act(request, call, success: str, **kwargs) -> bool:
    """Run a service for a POST button; show its refusal as a message. True on success."""
    try:
        call(actor=request.user, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _contract_url(contract, fallback: str) -> str:
    try:
        return reverse("contracts:detail", args=[contract.pk])
    except NoReverseMatch:
        return fallback


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


def _page(request, queryset, per_page=ROWS_PER_PAGE, *, paginator=Paginator):
    """A page of ``queryset``; ``CachedCountPaginator`` only for lists the same for everyone."""
    return paginator(queryset, per_page).get_page(request.GET.get("page"))


def attachment_download(attachment):
    """A job or proposal attachment the selectors allowed: a download of its checked type."""
    return private_file_response(
        attachment.file, name=attachment.original_name, kind=attachment.kind
    )


# --- browsing ------------------------------------------------------------------------------------


@require_GET
@in_user_timezone
def job_list(request):
    budget_form = BudgetRangeForm(request.GET)
    filters = request.GET.copy()
    for name in ("min_budget", "max_budget"):
        filters.pop(name, None)
    filters.update(budget_form.as_filters())
    filterset = selectors.job_filterset(filters)
    filterset.is_valid()
    context = {
        "filter_form": filterset.form,
        "budget_form": budget_form,
        "page_obj": _page(request, filterset.qs, JOBS_PER_PAGE, paginator=CachedCountPaginator),
        "skill_groups": profile_selectors.skill_categories_with_skills(),
        "selected_skills": request.GET.getlist("skills"),
        "filters_applied": bool(filterset.errors or budget_form.errors)
        or any(value for key, value in request.GET.items() if key not in ("q", "page")),
        # Employment openings matching the same words, next to the freelance jobs (one query).
        "company_jobs": list(
            recruiting_selectors.public_openings(q=request.GET.get("q", "")).prefetch_related(None)[
                : COMPANY_JOBS + 1
            ]
        ),
        "company_jobs_shown": COMPANY_JOBS,
    }
    return render(request, "jobs/job_list.html", context)


@require_GET
@in_user_timezone
def job_detail(request, pk):
    job = _not_found(selectors.job_for_viewer, request.user, pk)
    viewer = selectors.viewer_context(job, request.user)
    return _render_detail(request, job, viewer)


def _render_detail(request, job, viewer, *, proposal_form=None, status=200):
    from craftwork.core.markdown import render_markdown

    if proposal_form is None and viewer["can_propose"]:
        proposal_form = ProposalSubmitForm(job=job)
    context = {
        "job": job,
        "viewer": viewer,
        "description_html": render_markdown(job.description),
        "proposal_form": proposal_form,
        "reason_form": ReasonForm(),
        "attachment_form": AttachmentForm() if viewer["is_owner"] else None,
    }
    return render(request, "jobs/job_detail.html", context, status=status)


@require_GET
@login_required
def job_attachment_download(request, pk, attachment_pk):
    return attachment_download(
        _not_found(selectors.job_attachment_for_viewer, request.user, pk, attachment_pk)
    )


# --- posting and managing (client) ---------------------------------------------------------------


def _job_form_context(form, *, job=None):
    return {
        "form": form,
        "job": job,
        "skill_groups": profile_selectors.skill_categories_with_skills(),
        "selected_skills": [str(value) for value in (form["skills"].value() or [])],
    }


@client_required
@require_http_methods(["GET", "POST"])
@in_user_timezone
def job_create(request):
    organizations = list(organizations_for(request.user))
    initial = {
        "budget_type": BudgetType.FIXED,
        "location_type": LocationType.REMOTE,
        "visibility": Visibility.PUBLIC,
        "schedule_flexible": True,
        "openings": 1,
    }
    data = request.POST if request.method == "POST" else None
    form = JobCreateForm(data, request.FILES or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_create(
                actor=request.user,
                organization=form.organization_choice(),
                attachments=form.cleaned_data["attachments"],
                publish_now=request.POST.get("action") == "publish",
                **form.service_fields(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if job.status == JobStatus.OPEN:
                public = _("Your job is published and open for proposals.")
                messages.success(request, _published_message(job, public))
            else:
                messages.success(request, _("Your job was saved as a draft."))
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "jobs/job_form.html", _job_form_context(form))


@client_required
@require_http_methods(["GET", "POST"])
@in_user_timezone
def job_edit(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = JobForm(data, initial=JobForm.initial_for(job), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.job_update(actor=request.user, job=job, **form.service_fields())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The job was saved."))
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "jobs/job_form.html", _job_form_context(form, job=job))


def _published_message(job, public: str) -> str:
    """An invite-only job is open, but not to everyone: say who can bid and what to do next."""
    if job.visibility == Visibility.INVITE_ONLY:
        return _(
            "Your job is open. Only the freelancers you invite can see it and send a proposal: "
            "use “Invite freelancers”."
        )
    return public


@client_required
@require_POST
def job_publish(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    public = _("Your job is open for proposals.")
    _act(request, services.job_publish, _published_message(job, public), job=job)
    return redirect("jobs:detail", pk=pk)


@client_required
@require_POST
def job_close(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(request, services.job_close, _("The job is closed."), job=job, reason=reason)
    return redirect("jobs:detail", pk=pk)


@client_required
@require_POST
def job_cancel(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(request, services.job_cancel, _("The job was cancelled."), job=job, reason=reason)
    return redirect("jobs:detail", pk=pk)


def _attach(request, service, **owner) -> None:
    """Attach the uploaded file to a job or proposal (``owner``) through its service."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return
    _act(request, service, _("The file was attached."), upload=form.cleaned_data["file"], **owner)


def _detach(request, service, attachment_pk, **owner) -> None:
    _act(request, service, _("The file was removed."), attachment_id=attachment_pk, **owner)


@client_required
@require_POST
def job_attachment_add(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    _attach(request, services.job_attachment_add, job=job)
    return redirect("jobs:detail", pk=pk)


@client_required
@require_POST
def job_attachment_delete(request, pk, attachment_pk):
    job = _not_found(selectors.own_job, request.user, pk)
    _detach(request, services.job_attachment_remove, attachment_pk, job=job)
    return redirect("jobs:detail", pk=pk)


@client_required
@require_GET
@in_user_timezone
def my_jobs(request):
    status = request.GET.get("status")
    context = {
        "page_obj": _page(request, selectors.own_jobs(request.user, status=status)),
        "status": status if status in JobStatus.values else "",
        "statuses": JobStatus.choices,
    }
    return render(request, "jobs/my_jobs.html", context)


@client_required
@require_GET
@in_user_timezone
def job_proposals(request, pk):
    job = _not_found(selectors.own_job, request.user, pk)
    status = request.GET.get("status")
    page = _page(request, selectors.job_proposals(job, status=status))
    rows = [
        {
            "proposal": proposal,
            "bidder": selectors.bidder_summary(proposal.freelancer),
            "actions": process.available_transitions(proposal, role=process.CLIENT),
        }
        for proposal in page
    ]
    context = {
        "job": job,
        "page_obj": page,
        "rows": rows,
        "status": status or "",
        "hiring": job.status == JobStatus.OPEN and job.openings_left > 0,
        "reason_form": ReasonForm(),
        "review_ratings": rating_summary_for_users([p.freelancer_id for p in page]),
    }
    return render(request, "jobs/job_proposals.html", context)


# --- proposals ----------------------------------------------------------------------------------


@freelancer_required
@require_POST
@in_user_timezone
def job_propose(request, pk):
    job = _not_found(selectors.job_for_viewer, request.user, pk)
    form = ProposalSubmitForm(request.POST, request.FILES, job=job)
    if form.is_valid():
        try:
            proposal = services.proposal_submit(
                actor=request.user, job=job, **form.service_fields()
            )
        except DomainError as error:
            existing = error.details.get("proposal_id") if error.code == "proposal_exists" else None
            if existing:  # a double click: the first submit already went through
                messages.info(request, error.message)
                return redirect("jobs:proposal-detail", pk=existing)
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your proposal was sent to the client."))
            return redirect("jobs:proposal-detail", pk=proposal.pk)
    viewer = selectors.viewer_context(job, request.user)
    return _render_detail(request, job, viewer, proposal_form=form, status=400)


@freelancer_required
@require_GET
@in_user_timezone
def my_proposals(request):
    status = request.GET.get("status")
    context = {
        "page_obj": _page(request, selectors.own_proposals(request.user, status=status)),
        "status": status or "",
    }
    return render(request, "jobs/my_proposals.html", context)


@login_required
@require_GET
@in_user_timezone
def proposal_detail(request, pk):
    proposal = _not_found(selectors.proposal_for_participant, request.user, pk)
    return _render_proposal(request, proposal)


def _render_proposal(request, proposal, *, form=None, status=200):
    is_bidder = proposal.freelancer_id == request.user.pk
    role = process.FREELANCER if is_bidder else process.CLIENT
    if form is None and is_bidder and proposal.is_live:
        form = ProposalForm(initial=ProposalForm.initial_for(proposal), job=proposal.job)
    context = {
        "proposal": proposal,
        "job": proposal.job,
        "is_bidder": is_bidder,
        "bidder": None if is_bidder else selectors.bidder_summary(proposal.freelancer),
        "actions": process.available_transitions(proposal, role=role),
        "form": form,
        "attachment_form": AttachmentForm() if is_bidder and proposal.is_live else None,
        "reason_form": ReasonForm(),
    }
    return render(request, "jobs/proposal_detail.html", context, status=status)


@freelancer_required
@require_POST
@in_user_timezone
def proposal_edit(request, pk):
    proposal = _not_found(selectors.own_proposal, request.user, pk)
    form = ProposalForm(request.POST, job=proposal.job)
    if form.is_valid():
        try:
            services.proposal_update(actor=request.user, proposal=proposal, **form.service_fields())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your proposal was updated."))
            return redirect("jobs:proposal-detail", pk=pk)
    return _render_proposal(request, proposal, form=form, status=400)


@freelancer_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = _not_found(selectors.own_proposal, request.user, pk)
    _act(request, services.proposal_withdraw, _("Your proposal was withdrawn."), proposal=proposal)
    return redirect("jobs:proposal-detail", pk=pk)


def _client_action(request, pk, call, success, **kwargs):
    proposal = _not_found(selectors.proposal_for_client, request.user, pk)
    _act(request, call, success, proposal=proposal, **kwargs)
    return redirect(_safe_next(request, reverse("jobs:proposals", args=[proposal.job_id])))


@client_required
@require_POST
def proposal_shortlist(request, pk):
    return _client_action(request, pk, services.proposal_shortlist, _("Added to the shortlist."))


@client_required
@require_POST
def proposal_unshortlist(request, pk):
    return _client_action(
        request, pk, services.proposal_unshortlist, _("Removed from the shortlist.")
    )


@client_required
@require_POST
def proposal_decline(request, pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _client_action(
        request, pk, services.proposal_decline, _("The proposal was declined."), reason=reason
    )


@client_required
@require_POST
def proposal_accept(request, pk):
    proposal = _not_found(selectors.proposal_for_client, request.user, pk)
    proposals_url = reverse("jobs:proposals", args=[proposal.job_id])
    try:
        contract = services.proposal_accept(actor=request.user, proposal=proposal)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(proposals_url)
    messages.success(request, _("You hired %(name)s. The contract is ready.") % {
        "name": proposal.freelancer.first_name
    })  # fmt: skip
    return redirect(_contract_url(contract, proposals_url))


@freelancer_required
@require_POST
def proposal_attachment_add(request, pk):
    proposal = _not_found(selectors.own_proposal, request.user, pk)
    _attach(request, services.proposal_attachment_add, proposal=proposal)
    return redirect("jobs:proposal-detail", pk=pk)


@freelancer_required
@require_POST
def proposal_attachment_delete(request, pk, attachment_pk):
    proposal = _not_found(selectors.own_proposal, request.user, pk)
    _detach(request, services.proposal_attachment_remove, attachment_pk, proposal=proposal)
    return redirect("jobs:proposal-detail", pk=pk)


@login_required
@require_GET
def proposal_attachment_download(request, pk, attachment_pk):
    return attachment_download(
        _not_found(selectors.proposal_attachment_for_participant, request.user, pk, attachment_pk)
    )


# --- invitations ----------------------------------------------------------------------------------


@client_required
@require_GET
def job_invite(request, pk):
    """Find freelancers for one of my jobs (published profiles in its category) to invite."""
    job = _not_found(selectors.own_job, request.user, pk)
    q = (request.GET.get("q") or "")[:100]
    candidates = profile_selectors.public_freelancer_list(
        {"category": job.category.slug, "q": q} if q else {"category": job.category.slug}
    ).exclude(user=request.user)
    context = {
        "job": job,
        "q": q,
        "page_obj": _page(request, candidates, CANDIDATES_PER_PAGE),
        "hiring": job.status == JobStatus.OPEN and job.openings_left > 0,
    }
    return render(request, "jobs/job_invite.html", context)


@client_required
@require_http_methods(["GET", "POST"])
def invite_freelancer(request, profile_pk):
    """Invite a freelancer (by public profile) to one of my open jobs, with a role and terms."""
    profile = _not_found(profile_selectors.public_freelancer_detail, profile_pk)
    jobs = list(selectors.invitable_jobs(request.user))
    initial = {"job": request.GET.get("job") or (str(jobs[0].pk) if jobs else "")}
    form = InvitationForm(request.POST or None, jobs=jobs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                actor=request.user,
                job=form.chosen_job(),
                freelancer=profile.user,
                **form.service_fields(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your invitation was sent."))
            return redirect("jobs:invitation-detail", pk=invitation.pk)
    context = {"profile": profile, "form": form, "jobs": jobs}
    return render(request, "jobs/invite_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
@in_user_timezone
def invitations(request):
    context = {
        "received": selectors.invitations_received(request.user)[:50],
        "sent": selectors.invitations_sent(request.user)[:50],
    }
    return render(request, "jobs/invitations.html", context)


@login_required
@require_GET
@in_user_timezone
def invitation_detail(request, pk):
    invitation = _not_found(selectors.invitation_for_participant, request.user, pk)
    is_invitee = invitation.freelancer_id == request.user.pk
    role = process.FREELANCER if is_invitee else process.CLIENT
    context = {
        "invitation": invitation,
        "job": invitation.job,
        "is_invitee": is_invitee,
        "invitee": None if is_invitee else selectors.bidder_summary(invitation.freelancer),
        "actions": process.available_transitions(invitation, role=role),
        "reason_form": ReasonForm(),
    }
    return render(request, "jobs/invitation_detail.html", context)


@freelancer_required
@require_POST
def invitation_accept(request, pk):
    invitation = _not_found(selectors.invitation_for_participant, request.user, pk)
    detail_url = reverse("jobs:invitation-detail", args=[pk])
    try:
        contract = services.invitation_accept(actor=request.user, invitation=invitation)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(detail_url)
    messages.success(request, _("You accepted the invitation. The contract is ready."))
    return redirect(_contract_url(contract, detail_url))


@freelancer_required
@require_POST
def invitation_decline(request, pk):
    invitation = _not_found(selectors.invitation_for_participant, request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(
        request,
        services.invitation_decline,
        _("You declined the invitation."),
        invitation=invitation,
        reason=reason,
    )
    return redirect("jobs:invitation-detail", pk=pk)


@client_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = _not_found(selectors.invitation_for_participant, request.user, pk)
    _act(
        request,
        services.invitation_withdraw,
        _("The invitation was withdrawn."),
        invitation=invitation,
    )
    return redirect("jobs:invitation-detail", pk=pk)
