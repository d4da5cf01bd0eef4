"""Web pages of moderation: reporting (any signed-in user) and the staff queue.

Staff pages answer 404 to everybody else, so they do not reveal that they exist.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import forms as f
from . import registry, selectors, services
from .models import Case
from .screening import reason_label

PER_PAGE = 25


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- reporting --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def flag_create(request, kind, object_id):
    entry = _or_404(registry.get_flaggable, kind)
    obj = _or_404(registry.object_for, kind, object_id, user=request.user)
    item_url = services.item_url(entry, obj) or reverse("moderation:my-flags")
    form = f.FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_create(
                    actor=request.user,
                    kind=kind,
                    object_id=object_id,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except DomainError as error:
                f.apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Thank you. Our moderators will look at your report."))
                return redirect(_safe_next(request, item_url))
        else:
            status = 400
    context = {
        "form": form,
        "kind": kind,
        "kind_label": entry.label,
        "summary": services.item_summary(entry, obj),
        "item_url": item_url,
        "next": _safe_next(request, item_url),
    }
    return render(request, "moderation/flag_form.html", context, status=status)


@login_required
@require_GET
def my_flags(request):
    page = Paginator(selectors.own_flags(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "moderation/my_flags.html", {"page_obj": page})


@login_required
@require_GET
def decision_detail(request, pk):
    decision = _or_404(selectors.decision_for_viewer, request.user, pk)
    return render(request, "moderation/decision_detail.html", {"decision": decision})


# --- staff: the queue ---------------------------------------------------------------------------


@staff_required
@require_GET
def queue(request):
    status = request.GET.get("status") or Case.Status.OPEN
    kind = request.GET.get("kind", "")
    source = request.GET.get("source", "")
    cases = selectors.cases_for_staff(request.user, status=status, kind=kind, source=source)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.flag_reason_counts(page.object_list)
    for case in page.object_list:
        case.reason_counts = counts.get(case.pk, [])
    context = {
        "page_obj": page,
        "kinds": [(k, registry.get_flaggable(k).label) for k in registry.all_kinds()],
        "status": status,
        "kind": kind,
        "source": source,
    }
    return render(request, "moderation/queue.html", context)


def _case_context(request, case, *, decision_form=None, reopen_form=None) -> dict:
    flags = list(selectors.case_flags(case))
    return {
        "case": case,
        "kind_label": registry.get_flaggable(case.kind).label
        if registry.is_registered(case.kind)
        else case.kind,
        "flags": flags,
        "reason_counts": selectors.flag_reason_counts([case]).get(case.pk, []),
        "hold_reasons": [reason_label(r) for r in case.hold_reasons],
        "hidden": selectors.hidden_item(kind=case.kind, object_id=case.object_id),
        "item_text": selectors.item_text(case),
        "item_history": selectors.item_history(kind=case.kind, object_id=case.object_id),
        "author_history": selectors.author_history(case.author),
        "author_counts": selectors.author_history_counts(case.author),
        "decision_form": decision_form or f.DecisionForm(),
        "dismiss_form": f.ReasonForm(prefix="dismiss"),
        "reopen_form": reopen_form or f.ReasonForm(prefix="reopen"),
    }


@staff_required
@require_GET
def case_detail(request, pk):
    case = _or_404(selectors.case_for_staff, request.user, pk)
    return render(request, "moderation/case_detail.html", _case_context(request, case))


@staff_required
@require_POST
def case_decide(request, pk):
    case = _or_404(selectors.case_for_staff, request.user, pk)
    form = f.DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.case_decide(
                actor=request.user,
                case_id=case.pk,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                notify_flaggers=form.cleaned_data["notify_flaggers"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            f.apply_domain_error(form, error)
            case.refresh_from_db()
            context = _case_context(request, case, decision_form=form)
            return render(request, "moderation/case_detail.html", context, status=error.status_code)
        messages.success(
            request,
            _("Decision recorded: %(action)s.") % {"action": decision.get_action_display()},
        )
        return redirect("moderation:queue")
    context = _case_context(request, case, decision_form=form)
    return render(request, "moderation/case_detail.html", context, status=400)


@staff_required
@require_POST
def flag_dismiss(request, pk):
    form = f.ReasonForm(request.POST, prefix="dismiss")
    flag = _or_404(selectors.flag_for_staff, request.user, pk)
    if not form.is_valid():
        messages.error(request, _("Write the reason for dismissing the report."))
    else:
        try:
            services.flag_dismiss(
                actor=request.user, flag_id=pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report was dismissed."))
    return redirect("moderation:case", pk=flag.case_id)


@staff_required
@require_POST
def case_reopen(request, pk):
    case = _or_404(selectors.case_for_staff, request.user, pk)
    form = f.ReasonForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            new_case = services.case_reopen(
                actor=request.user,
                kind=case.kind,
                object_id=case.object_id,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("A new case is open for this item."))
            return redirect("moderation:case", pk=new_case.pk)
    else:
        messages.error(request, _("Write the reason for reopening."))
    return redirect("moderation:case", pk=case.pk)


# --- staff: blocked words and domains -------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def terms(request):
    form = f.BlockedTermForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.blocked_term_add(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                f.apply_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Added. Screening uses it from now on."))
                return redirect("moderation:terms")
        else:
            status = 400
    context = {"form": form, "terms": selectors.blocked_terms_for_staff(request.user)}
    return render(request, "moderation/terms.html", context, status=status)


@staff_required
@require_POST
def term_remove(request, pk):
    try:
        services.blocked_term_remove(actor=request.user, term_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Removed."))
    return redirect("moderation:terms")
