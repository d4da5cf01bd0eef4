"""Web pages of recruiting. Team pages live under /w/<workspace slug>/ and start from
``selectors.workspace_for`` (another company's ids: 404); every write calls the same service
as the API, and a refusal is shown on the form or as a message."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound, ValidationFailed
from craftwork.core.files import private_file_response
from craftwork.core.markdown import render_markdown

from . import permissions, process, selectors, services
from .forms import (
    ApplyForm,
    BulkForm,
    GuestApplyForm,
    MoveForm,
    NoteForm,
    OfferAnswerForm,
    OfferForm,
    OpeningForm,
    ScorecardForm,
    StageForm,
    WithdrawForm,
    apply_domain_error,
)
from .models import EmploymentType, OpeningStatus, Seniority, StageKind, Workplace

SESSION_KEY = "recruiting_workspace"
PER_PAGE = 20


def _not_found(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def team_view(permission="workspace.view"):
    """Load the membership of /w/<slug>/ (404 outside it) and check the role's permission."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            member = _not_found(selectors.workspace_for, request.user, slug)
            if not permissions.has(member.role, permission):
                return render(request, "recruiting/role_required.html",
                              {"member": member}, status=403)  # fmt: skip
            request.session[SESSION_KEY] = str(member.organization_id)
            return view(request, member, *args, **kwargs)

        return wrapper

    return decorate


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _choice(request, name, choices):
    value = request.GET.get(name) or None
    return value if value in choices else None


# --- the workspace switch ------------------------------------------------------------------


@login_required
@require_POST
def switch_workspace(request):
    """One click in the header: act as "me" or in one of my workspaces."""
    ref = request.POST.get("workspace", "")
    if ref in ("", "me"):
        request.session.pop(SESSION_KEY, None)
        return redirect("web:dashboard")
    member = _not_found(selectors.workspace_for, request.user, ref)
    request.session[SESSION_KEY] = str(member.organization_id)
    return redirect("recruiting:workspace", slug=member.organization.slug)


# --- team: openings --------------------------------------------------------------------------


@team_view()
@require_GET
def workspace_home(request, member):
    services.pipeline_ensure(member.organization)
    status = _choice(request, "status", OpeningStatus.values)
    openings = selectors.openings_in(member, status=status, q=request.GET.get("q", ""))
    context = {
        "member": member,
        "page_obj": _page(request, openings),
        "statuses": OpeningStatus.choices,
        "status": status,
        "q": request.GET.get("q", ""),
        "can_manage": permissions.has(member.role, "opening.manage"),
        "can_configure": permissions.has(member.role, "pipeline.configure"),
    }
    return render(request, "recruiting/workspace.html", context)


@team_view("opening.manage")
@require_http_methods(["GET", "POST"])
def opening_create(request, member):
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.opening_create(
                actor=request.user, membership=member, questions=form.questions(),
                publish_now=form.cleaned_data["publish"], **form.opening_fields(),
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The opening is saved."))
            return redirect("recruiting:board", slug=member.organization.slug, pk=opening.pk)
    return render(request, "recruiting/opening_form.html", {"member": member, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@team_view("opening.manage")
@require_POST
def opening_transition(request, member, pk, name):
    opening = _not_found(selectors.opening_in, member, pk)
    try:
        services.opening_transition(actor=request.user, membership=member, opening=opening,
                                    name=name)  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The opening is now %(status)s.")
            % {"status": OpeningStatus(process.OPENING_PROCESS.get(name).target).label},
        )
    return redirect("recruiting:board", slug=member.organization.slug, pk=pk)


def _board_filters(request, member):
    stage_ref = request.GET.get("stage")
    try:
        min_score = int(request.GET.get("min_score") or 0) or None
    except ValueError:
        min_score = None
    return {
        "q": request.GET.get("q", "")[:100],
        "stage": selectors.stage_in(member, stage_ref) if stage_ref else None,
        "min_score": min_score if min_score is None or 0 <= min_score <= 100 else None,
        "knocked_out": {"yes": True, "no": False}.get(request.GET.get("knocked_out")),
    }


@team_view("application.view")
@require_GET
def board(request, member, pk):
    opening = _not_found(selectors.opening_in, member, pk)
    filters = _not_found(_board_filters, request, member)
    applications = selectors.applications_for(opening, **filters)
    columns = selectors.board(opening, applications)
    now = timezone.now()
    for column in columns:
        for card in column["cards"]:
            card.rating = selectors.average_rating(card)
            card.age_days = (now - card.created_at).days
    context = {
        "member": member,
        "opening": opening,
        "columns": columns,
        "stages": [column["stage"] for column in columns],
        "filters": filters,
        "can_move": permissions.has(member.role, "application.move"),
        "can_manage": permissions.has(member.role, "opening.manage"),
        "opening_actions": process.available(opening, role=process.TEAM),
        "bulk_form": BulkForm(),
    }
    return render(request, "recruiting/board.html", context)


def _back(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@team_view("application.move")
@require_POST
def application_move(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    form = MoveForm(request.POST)
    fallback = reverse("recruiting:application", args=[member.organization.slug, pk])
    if not form.is_valid():
        messages.error(request, _("Choose a stage."))
        return _back(request, fallback)
    try:
        stage = _not_found(selectors.stage_in, member, form.cleaned_data["stage"])
        services.application_move(actor=request.user, membership=member, application=application,
                                  stage=stage, reason=form.cleaned_data["reason"])  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s moved to %(stage)s.") % {
            "name": application.candidate.get_full_name(), "stage": stage.name})  # fmt: skip
    return _back(request, fallback)


@team_view("application.move")
@require_POST
def bulk_move(request, member, pk):
    opening = _not_found(selectors.opening_in, member, pk)
    ids = request.POST.getlist("applications")
    form = BulkForm(request.POST)
    form.fields["applications"].choices = [(i, i) for i in ids]
    board_url = reverse("recruiting:board", args=[member.organization.slug, pk])
    if not form.is_valid():
        messages.error(request, _("Choose applications and a stage."))
        return redirect(board_url)
    try:
        stage = _not_found(selectors.stage_in, member, form.cleaned_data["stage"])
        result = services.application_bulk_move(
            actor=request.user, membership=member, opening=opening, application_ids=ids,
            stage=stage, reason=form.cleaned_data["reason"],
            candidate_message=form.cleaned_data["candidate_message"],
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(moved)d moved, %(refused)d not allowed.") % {
            "moved": len(result["moved"]), "refused": len(result["refused"])})  # fmt: skip
    return redirect(board_url)


# --- team: one application -------------------------------------------------------------------


def _application_page(request, member, application, *, note_form=None, scorecard_form=None,
                      offer_form=None, status=200):  # fmt: skip
    cards, own = selectors.scorecards_visible(member, application)
    questions = {str(q.pk): q for q in application.opening.questions.all()}
    answers = [(questions[k].prompt, v) for k, v in application.answers.items() if k in questions]
    moves = [
        stage for stage in selectors.pipeline(member.organization)
        if process.APPLICATION_PROCESS.transition_to(application.status, stage.kind)
        and stage.pk != application.stage_id
    ]  # fmt: skip
    context = {
        "member": member,
        "application": application,
        "opening": application.opening,
        "answers": answers,
        "notes": selectors.notes_for(application),
        "scorecards": cards,
        "submitted_own": own,
        "events": application.events.select_related("actor"),
        "moves": moves if permissions.has(member.role, "application.move") else [],
        "note_form": note_form or NoteForm(),
        "scorecard_form": scorecard_form or ScorecardForm(),
        "can_note": permissions.has(member.role, "application.note"),
        "can_score": permissions.has(member.role, "scorecard.submit") and not own,
        "offers": [
            (offer, [t for t in process.available(offer, role=process.TEAM)
                     if permissions.has(member.role, "offer.approve" if t.name == "approve"
                                        else "offer.manage")])
            for offer in selectors.offers_for(application)
        ],
        "offer_form": offer_form or OfferForm(initial={
            "template": services.DEFAULT_OFFER_TEMPLATE,
            "currency": application.opening.salary_currency,
            "period": application.opening.salary_period,
        }),
        "can_offer": permissions.has(member.role, "offer.manage")
        and application.status == StageKind.OFFER,
    }  # fmt: skip
    return render(request, "recruiting/application.html", context, status=status)


@team_view("offer.manage")
@require_POST
def offer_create(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_create(actor=request.user, membership=member,
                                  application=application, **form.offer_fields())  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The offer is drafted; a hiring manager approves it."))
            return redirect("recruiting:application", slug=member.organization.slug, pk=pk)
    return _application_page(request, member, application, offer_form=form, status=400)


@team_view("application.view")
@require_POST
def offer_action(request, member, pk, name):
    offer = _not_found(selectors.offer_in, member, pk)
    if name not in ("approve", "send", "withdraw"):
        raise Http404()
    try:
        services.offer_transition(actor=request.user, membership=member, offer=offer, name=name)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("recruiting:application", slug=member.organization.slug,
                    pk=offer.application_id)  # fmt: skip


@team_view("application.view")
@require_GET
def application_detail(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    return _application_page(request, member, application)


@team_view("application.view")
@require_GET
def application_cv(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    if not application.cv:
        raise Http404(_("No CV was uploaded."))
    return private_file_response(application.cv, name=application.cv_name, kind=application.cv_kind)


@team_view("application.note")
@require_POST
def note_add(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=request.user, membership=member, application=application,
                              body=form.cleaned_data["body"])  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("recruiting:application", slug=member.organization.slug, pk=pk)
    return _application_page(request, member, application, note_form=form, status=400)


@team_view("scorecard.submit")
@require_POST
def scorecard_submit(request, member, pk):
    application = _not_found(selectors.application_in, member, pk)
    form = ScorecardForm(request.POST)
    if form.is_valid():
        try:
            services.scorecard_submit(
                actor=request.user, membership=member, application=application,
                ratings=form.ratings(), recommendation=form.cleaned_data["recommendation"],
                comment=form.cleaned_data["comment"],
            )  # fmt: skip
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Your scorecard is submitted."))
            return redirect("recruiting:application", slug=member.organization.slug, pk=pk)
    return _application_page(request, member, application, scorecard_form=form, status=400)


@team_view("pipeline.configure")
@require_http_methods(["GET", "POST"])
def pipeline_settings(request, member):
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_create(actor=request.user, membership=member, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The stage is added."))
            return redirect("recruiting:pipeline", slug=member.organization.slug)
    stages = services.pipeline_ensure(member.organization)
    return render(request, "recruiting/pipeline.html",
                  {"member": member, "stages": stages, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


# --- public: careers page, openings, applying ------------------------------------------------


def _public_filters(request) -> dict:
    return {
        "q": request.GET.get("q", "")[:100],
        "employment_type": _choice(request, "employment_type", EmploymentType.values),
        "workplace": _choice(request, "workplace", Workplace.values),
        "seniority": _choice(request, "seniority", Seniority.values),
        "skill": request.GET.get("skill", "")[:80],
        "location": request.GET.get("location", "")[:100],
    }


def _filter_choices() -> dict:
    return {
        "employment_types": EmploymentType.choices,
        "workplaces": Workplace.choices,
        "seniorities": Seniority.choices,
    }


@require_GET
def openings_list(request):
    filters = _public_filters(request)
    page = _page(request, selectors.public_openings(**filters))
    return render(request, "recruiting/openings.html",
                  {"page_obj": page, "filters": filters, **_filter_choices()})  # fmt: skip


@require_GET
def careers(request, slug):
    organization = _not_found(selectors.careers_organization, slug)
    filters = _public_filters(request)
    page = _page(request, selectors.public_openings(organization=organization, **filters))
    return render(request, "recruiting/careers.html", {
        "organization": organization, "page_obj": page, "filters": filters, **_filter_choices(),
    })  # fmt: skip


def _opening_page(request, opening, form=None, status=200):
    applied = None
    if request.user.is_authenticated:
        applied = selectors.candidate_applications(request.user).filter(opening=opening).first()
        form = form or ApplyForm(questions=opening.questions.all())
    else:
        form = form or GuestApplyForm(questions=opening.questions.all())
    context = {
        "opening": opening,
        "form": form,
        "applied": applied,
        "description_html": render_markdown(opening.description),
    }
    return render(request, "recruiting/opening_detail.html", context, status=status)


@require_GET
def opening_detail(request, pk):
    return _opening_page(request, _not_found(selectors.public_opening, pk))


def _answer_errors(form, exc) -> None:
    if exc.code == "invalid_answers":
        for key, errors in exc.details.items():
            name = f"answer_{key.split('.', 1)[-1]}"
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        apply_domain_error(form, exc)


@require_POST
def apply_as_guest(request, pk):
    opening = _not_found(selectors.public_opening, pk)
    if request.user.is_authenticated:
        return redirect("recruiting:opening", pk=pk)
    form = GuestApplyForm(request.POST, request.FILES, questions=opening.questions.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_submit_as_guest(
                opening=opening, email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], password=data["password"], cv=data["cv"],
                answers=form.answers(), cover_letter=data["cover_letter"],
                language=request.LANGUAGE_CODE or "en",
            )  # fmt: skip
        except ValidationFailed as exc:
            _answer_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("recruiting:opening", pk=pk)
        else:
            return render(request, "recruiting/guest_applied.html",
                          {"opening": opening, "email": data["email"]})  # fmt: skip
    return _opening_page(request, opening, form=form, status=400)


@login_required
@require_POST
def apply(request, pk):
    opening = _not_found(selectors.public_opening, pk)
    form = ApplyForm(request.POST, request.FILES, questions=opening.questions.all())
    if form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user, opening=opening, answers=form.answers(),
                cover_letter=form.cleaned_data["cover_letter"], cv=form.cleaned_data.get("cv"),
            )  # fmt: skip
        except ValidationFailed as exc:
            _answer_errors(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("recruiting:opening", pk=pk)
        else:
            messages.success(request, _("Your application is sent."))
            return redirect("recruiting:my-application", pk=application.pk)
    return _opening_page(request, opening, form=form, status=400)


# --- the candidate ---------------------------------------------------------------------------


@login_required
@require_GET
def my_applications(request):
    rows = _page(request, selectors.candidate_applications(request.user))
    for application in rows:
        application.status_text = selectors.plain_status(application)
    return render(request, "recruiting/my_applications.html", {"page_obj": rows})


@login_required
@require_http_methods(["GET", "POST"])
def my_application(request, pk):
    application = _not_found(selectors.candidate_application, request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(actor=request.user, application=application,
                                          reason=form.cleaned_data["reason"])  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("recruiting:my-application", pk=pk)
    context = {
        "application": application,
        "offers": [
            (offer, render_markdown(offer.letter))
            for offer in selectors.candidate_offers(request.user, application)
        ],
        "now": timezone.now(),
        "status_text": selectors.plain_status(application),
        "can_withdraw": application.status in process.APPLICATION_PROCESS.get("withdraw").sources,
        "form": form,
    }
    return render(request, "recruiting/my_application.html", context)


@login_required
@require_POST
def offer_answer(request, pk, answer):
    offer = _not_found(selectors.candidate_offer, request.user, pk)
    if answer not in ("accept", "decline"):
        raise Http404()
    form = OfferAnswerForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.offer_answer(actor=request.user, offer=offer, accept=answer == "accept",
                              reason=reason)  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Welcome aboard!") if answer == "accept"
                         else _("You declined the offer."))  # fmt: skip
    return redirect("recruiting:my-application", pk=offer.application_id)
