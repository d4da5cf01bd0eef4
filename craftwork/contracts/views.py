"""Web pages: "My contracts" and the contract page with exactly the actions allowed now."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound
from craftwork.core.files import private_file_response

from . import selectors, services
from .forms import (
    ContractFilterForm,
    DeliveryForm,
    DisputeForm,
    MilestoneForm,
    NoteForm,
    TimeLogForm,
    apply_domain_error,
)
from .presentation import detail_context

PER_PAGE = 20


def participant_view(view):
    """Signed-in users only; a foreign or unknown id is a 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _back(contract, anchor: str = ""):
    response = redirect("contracts:detail", pk=contract.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# --- pages ------------------------------------------------------------------------------------


@login_required
@require_GET
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    contracts = selectors.contracts_for(
        request.user, state=filters.get("state") or None, role=filters.get("role") or None
    )
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter_form": form, "page_obj": page, "query": query.urlencode()}
    return render(request, "contracts/list.html", context)


@participant_view
@require_GET
def contract_detail(request, pk):
    contract = selectors.contract_detail(request.user, pk)
    return _render_detail(request, contract)


def _render_detail(request, contract, *, forms=None, status=200):
    context = detail_context(request, contract, forms or {})
    template = "contracts/detail.html"
    if request.GET.get("fragment") == "live":
        template = "contracts/detail.html#live"
    return render(request, template, context, status=status)


def _rerender(request, pk, forms: dict):
    contract = selectors.contract_detail(request.user, pk)
    return _render_detail(request, contract, forms=forms, status=400)


# --- transitions ------------------------------------------------------------------------------


def _subject(request, contract, subject: str, subject_id):
    if subject == "contract":
        return contract
    try:
        subject_id = uuid.UUID(str(subject_id))
    except ValueError:
        raise NotFound() from None
    if subject == "milestone":
        return selectors.milestone_for_participant(request.user, contract.pk, subject_id)
    if subject == "timesheet":
        return selectors.timesheet_for_participant(request.user, contract.pk, subject_id)
    raise NotFound()


@participant_view
@require_POST
def transition(request, pk):
    """One button or note form of the page: any transition the user may run right now."""
    contract = selectors.contract_for_participant(request.user, pk)
    subject = request.POST.get("subject", "contract")
    obj = _subject(request, contract, subject, request.POST.get("subject_id") or None)
    name = request.POST.get("transition", "")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.contract_transition(
                obj=obj, transition=name, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        if request.POST.get("note") is not None:  # a note form: show the error next to it
            return _rerender(request, pk, {f"transition:{obj.pk}:{name}": form})
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("__all__", [])) or _("Please check the note."),
        )
        return _back(contract, f"{subject}-{obj.pk}")
    messages.success(request, _("Done."))
    return _back(contract, f"{subject}-{obj.pk}")


# --- milestones ---------------------------------------------------------------------------------


@participant_view
@require_POST
def milestone_propose(request, pk):
    contract = selectors.contract_for_participant(request.user, pk)
    form = MilestoneForm(request.POST, currency=contract.currency)
    if form.is_valid():
        try:
            services.milestone_propose(contract=contract, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        return _rerender(request, pk, {"milestone": form})
    messages.success(request, _("Milestone proposed. The other party has to agree to it."))
    return _back(contract, "milestones")


@participant_view
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk, milestone_pk):
    milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
    contract = milestone.contract
    initial = {
        "title": milestone.title,
        "amount": milestone.amount.to_decimal(),
        "due_date": milestone.due_date,
        "description": milestone.description,
    }
    form = MilestoneForm(request.POST or None, currency=contract.currency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(milestone=milestone, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The milestone was changed."))
            return _back(contract, f"milestone-{milestone.pk}")
    context = {"contract": contract, "milestone": milestone, "form": form}
    return render(
        request, "contracts/milestone_edit.html", context, status=400 if form.errors else 200
    )


@participant_view
@require_POST
def milestone_fund(request, pk, milestone_pk):
    milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
    try:
        payment = services.milestone_fund_start(
            milestone=milestone, actor=request.user, attempt=request.POST.get("attempt", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(milestone.contract, f"milestone-{milestone.pk}")
    return redirect(payment.checkout_url)


@participant_view
@require_POST
def milestone_submit(request, pk, milestone_pk):
    milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
    form = DeliveryForm(request.POST, request.FILES, auto_id=f"id_{milestone.pk}_%s")
    if form.is_valid():
        try:
            services.milestone_submit(
                milestone=milestone,
                message=form.cleaned_data["message"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        return _rerender(request, pk, {f"delivery:{milestone.pk}": form})
    messages.success(request, _("Your work was submitted for review."))
    return _back(milestone.contract, f"milestone-{milestone.pk}")


@participant_view
@require_POST
def milestone_dispute(request, pk, milestone_pk):
    milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
    form = DisputeForm(request.POST, request.FILES, auto_id=f"id_dispute_{milestone.pk}_%s")
    if form.is_valid():
        try:
            services.milestone_dispute(milestone=milestone, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        return _rerender(request, pk, {f"dispute:{milestone.pk}": form})
    messages.success(request, _("The dispute was opened. The contract's money is frozen."))
    return _back(milestone.contract, f"milestone-{milestone.pk}")


# --- hourly -----------------------------------------------------------------------------------


@participant_view
@require_POST
def timelog_create(request, pk):
    contract = selectors.contract_for_participant(request.user, pk)
    form = TimeLogForm(request.POST)
    if form.is_valid():
        try:
            services.timelog_create(
                contract=contract,
                date=form.cleaned_data["date"],
                minutes=form.cleaned_data["total_minutes"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
    if form.errors:
        return _rerender(request, pk, {"timelog": form})
    messages.success(request, _("Time logged."))
    return _back(contract, "time")


@participant_view
@require_http_methods(["GET", "POST"])
def timelog_edit(request, pk, log_pk):
    log = selectors.timelog_for_participant(request.user, pk, log_pk)
    form = TimeLogForm(request.POST or None, initial=TimeLogForm.initial_for(log))
    if request.method == "POST" and form.is_valid():
        try:
            services.timelog_update(
                log=log,
                actor=request.user,
                date=form.cleaned_data["date"],
                minutes=form.cleaned_data["total_minutes"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The time log was changed."))
            return _back(log.contract, "time")
    context = {"contract": log.contract, "log": log, "form": form}
    return render(
        request, "contracts/timelog_edit.html", context, status=400 if form.errors else 200
    )


@participant_view
@require_POST
def timelog_delete(request, pk, log_pk):
    log = selectors.timelog_for_participant(request.user, pk, log_pk)
    try:
        services.timelog_delete(log=log, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The time log was deleted."))
    return _back(log.contract, "time")


@participant_view
@require_POST
def timesheet_pay(request, pk, timesheet_pk):
    timesheet = selectors.timesheet_for_participant(request.user, pk, timesheet_pk)
    try:
        payment = services.timesheet_pay_start(
            timesheet=timesheet, actor=request.user, attempt=request.POST.get("attempt", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(timesheet.contract, f"timesheet-{timesheet.pk}")
    return redirect(payment.checkout_url)


# --- files ------------------------------------------------------------------------------------


@participant_view
@require_GET
def delivery_file(request, pk, file_pk):
    stored = selectors.delivery_file_for_participant(request.user, pk, file_pk)
    return file_response(stored)


def file_response(stored) -> FileResponse:
    return private_file_response(stored.file, name=stored.original_name, kind=stored.file_type)
