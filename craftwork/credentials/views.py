from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from craftwork.core.errors import DomainError, NotFound

from . import process, selectors, services
from .downloads import document_response
from .forms import (
    CredentialFieldsForm,
    DecisionForm,
    HistoryFilterForm,
    QueueFilterForm,
    ResubmitForm,
    TypeChoiceForm,
    apply_domain_error,
)

ROWS_PER_PAGE = 25


def freelancer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_freelancer:
            return render(request, "credentials/freelancer_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Staff pages do not exist for anyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_staff and request.user.is_active):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _or_404(function, **kwargs):
    try:
        return function(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- The freelancer ---------------------------------------------------------------------------


@freelancer_required
@require_GET
def my_credentials(request):
    credentials = selectors.own_credentials(user=request.user)
    return render(request, "credentials/my_list.html", {"credentials": credentials})


@freelancer_required
@require_http_methods(["GET", "POST"])
def upload(request):
    document_types = list(selectors.active_document_types())
    # Bound on a POST even without ?type=, so a missing type shows as an error.
    bound = bool(request.GET) or request.method == "POST"
    chooser = TypeChoiceForm(request.GET if bound else None, document_types=document_types)
    document_type = None
    if chooser.is_valid():
        document_type = next(t for t in document_types if t.slug == chooser.cleaned_data["type"])
    form = None
    if document_type is not None:
        data = (request.POST, request.FILES) if request.method == "POST" else ()
        form = CredentialFieldsForm(*data, document_type=document_type)
        if request.method == "POST" and form.is_valid():
            credential = _upload(request, form)
            if credential is not None:
                messages.success(
                    request, _("Your document was uploaded and is waiting for review.")
                )
                return redirect("credentials:detail", pk=credential.pk)
    context = {"chooser": chooser, "form": form, "document_type": document_type}
    return render(request, "credentials/upload.html", context)


def _upload(request, form):
    try:
        return services.credential_upload(
            actor=request.user,
            document_type=form.document_type,
            upload=form.cleaned_data["file"],
            **form.service_fields(),
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return None


@freelancer_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    credential = _or_404(selectors.own_credential, user=request.user, pk=pk)
    can_resubmit = any(
        t.name == "resubmit" for t in process.available_transitions(credential, request.user)
    )
    form = None
    if can_resubmit:
        form = _resubmit_form(request, credential)
        if request.method == "POST" and form.is_valid() and _resubmit(request, credential, form):
            messages.success(request, _("The new version was uploaded and is waiting for review."))
            return redirect("credentials:detail", pk=credential.pk)
    elif request.method == "POST":
        messages.error(request, _("A new version can only be uploaded after a revision request."))
        return redirect("credentials:detail", pk=credential.pk)
    context = {"credential": credential, "form": form, "events": credential.events.all()}
    return render(request, "credentials/detail.html", context)


def _resubmit_form(request, credential):
    initial = ResubmitForm.initial_for(credential)
    if request.method == "POST":
        return ResubmitForm(
            request.POST, request.FILES, initial=initial, document_type=credential.document_type
        )
    return ResubmitForm(initial=initial, document_type=credential.document_type)


def _resubmit(request, credential, form) -> bool:
    try:
        services.credential_resubmit(
            actor=request.user,
            credential=credential,
            upload=form.cleaned_data["file"],
            note=form.cleaned_data.get("note", ""),
            **form.service_fields(),
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    return True


@login_required
@require_GET
def download(request, pk):
    """The document itself, always as a download: its owner and staff only; everyone else
    gets 404."""
    document = _or_404(
        selectors.credential_file_for, user=request.user, pk=pk, version=request.GET.get("v")
    )
    return document_response(document)


# --- Staff -------------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_queue(request):
    document_types = list(selectors.active_document_types())
    filter_form = QueueFilterForm(request.GET, document_types=document_types)
    credentials = selectors.review_queue(actor=request.user, **filter_form.filters())
    page = Paginator(credentials, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page_obj": page, "query": _query_without_page(request)}
    return render(request, "credentials/staff_queue.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_review(request, pk):
    credential = _or_404(selectors.staff_credential, actor=request.user, pk=pk)
    decisions = [t.name for t in process.available_transitions(credential, request.user)]
    form = DecisionForm(request.POST or None) if decisions else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This document is not waiting for a decision."))
            return redirect("credentials:staff-review", pk=credential.pk)
        if form.is_valid() and _decide(request, credential, form):
            messages.success(request, _("Your decision was recorded."))
            return redirect("credentials:staff-queue")
    context = {
        "credential": credential,
        "form": form,
        "document": _current_file(credential),
        "events": credential.events.all(),
    }
    return render(request, "credentials/staff_review.html", context)


def _current_file(credential):
    return next(f for f in credential.files.all() if f.version == credential.current_version)


def _decide(request, credential, form) -> bool:
    try:
        services.credential_decide(actor=request.user, credential=credential, **form.cleaned_data)
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    return True


@staff_required
@require_GET
def staff_history(request):
    filter_form = HistoryFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    events = selectors.staff_history(
        actor=request.user, action=filters.get("action") or None, q=filters.get("q") or None
    )
    page = Paginator(events, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"filter_form": filter_form, "page_obj": page, "query": _query_without_page(request)}
    return render(request, "credentials/staff_history.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
