"""Web pages for mentorship: browsing sessions, free slots in the viewer's zone, the mentor's tools."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, ValidationFailed
from craftwork.core.markdown import render_markdown
from craftwork.core.paginator import CachedCountPaginator

from . import forms as f
from . import selectors, services
from .purchasable import session_slot_ref
from .views import _or_404, freelancer_required

OFFERINGS_PER_PAGE = 24


def _viewer_timezone(request) -> str:
    """The zone slots are shown in: ?tz= when valid, else the user's zone, else UTC."""
    requested = request.GET.get("tz")
    if requested:
        try:
            selectors.parse_timezone(requested)
            return requested
        except ValidationFailed:
            pass
    user = request.user
    return user.timezone if user.is_authenticated and user.timezone else "UTC"


# --- Public ------------------------------------------------------------------------------------------


@require_GET
def offering_list(request):
    category = request.GET.get("category") or None
    try:
        offerings = selectors.public_offering_list(
            category=category, q=request.GET.get("q", "")[:100]
        )
    except DomainError:
        offerings = selectors.public_offerings().none()
    page = CachedCountPaginator(offerings, OFFERINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "category_groups": f.category_choices(),
        "selected_category": category or "",
        "q": request.GET.get("q", "")[:100],
    }
    return render(request, "catalog/offering_list.html", context)


@require_GET
def offering_detail(request, pk):
    offering = _or_404(selectors.public_offering_detail, pk, viewer=request.user)
    tz_name = _viewer_timezone(request)
    tz = selectors.parse_timezone(tz_name)
    start, end = selectors.default_slot_range(tz)
    slots = selectors.free_slots(offering, start, end, tz)
    days = [
        (day, [(local, session_slot_ref(offering, local)) for local in starts])
        for day, starts in selectors.slots_by_day(slots, tz)
    ]
    context = {
        "offering": offering,
        "description_html": render_markdown(offering.description),
        "mentor_name": selectors.seller_display_name(offering.mentor),
        "mentor_profile": selectors.seller_summary(offering.mentor),
        "mentor_timezone": selectors.mentor_settings_for(offering.mentor).timezone,
        "tz_form": f.TimezonePickerForm(initial={"tz": tz_name}),
        "tz_name": tz_name,
        "days": days,
        "range_start": start,
        "range_end": end,
        "is_owner": offering.mentor_id == request.user.pk,
    }
    return render(request, "catalog/offering_detail.html", context)


# --- The mentor's tools ----------------------------------------------------------------------------


@freelancer_required
@require_http_methods(["GET", "POST"])
def mentor_dashboard(request):
    form = f.OfferingForm(
        request.POST or None, initial={"currency": _default_currency(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.offering_create(actor=request.user, **form.service_fields())
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("The session type was created."))
            return redirect("mentorship:offering-edit", pk=offering.pk)
    context = {
        "offerings": selectors.own_offerings(user=request.user),
        "reservations": selectors.mentor_reservations(user=request.user)[:50],
        "mentor_settings": selectors.mentor_settings_for(request.user),
        "has_rules": selectors.own_availability_rules(user=request.user).exists(),
        "form": form,
    }
    return render(
        request, "catalog/mentor_dashboard.html", context, status=400 if form.errors else 200
    )


def _default_currency(user) -> str:
    from craftwork.profiles import selectors as profile_selectors

    profile = profile_selectors.own_freelancer_profile(user=user)
    return profile.currency if profile else "USD"


@freelancer_required
@require_http_methods(["GET", "POST"])
def offering_edit(request, pk):
    offering = _or_404(selectors.own_offering, user=request.user, pk=pk)
    form = f.OfferingForm(request.POST or None, initial=f.OfferingForm.initial_for(offering))
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(actor=request.user, offering=offering, **form.service_fields())
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("The session type was saved."))
            return redirect("mentorship:offering-edit", pk=offering.pk)
    return render(
        request,
        "catalog/offering_edit.html",
        {"offering": offering, "form": form},
        status=400 if form.errors else 200,
    )


def _availability_context(request, **bound) -> dict:
    user = request.user
    mentor_settings = selectors.mentor_settings_for(user)
    rules = selectors.own_availability_rules(user=user)
    return {
        "settings_form": bound.get("settings_form")
        or f.MentorSettingsForm(
            initial={
                "timezone": mentor_settings.timezone,
                "buffer_minutes": mentor_settings.buffer_minutes,
                "min_notice_hours": mentor_settings.min_notice_hours,
                "horizon_days": mentor_settings.horizon_days,
            }
        ),
        "rules_formset": bound.get("rules_formset")
        or f.RuleFormSet(
            prefix="rules",
            initial=[
                {"weekday": r.weekday, "start_time": r.start_time, "end_time": r.end_time}
                for r in rules
            ],
        ),
        "exception_form": bound.get("exception_form") or f.ExceptionForm(),
        "exceptions": selectors.own_availability_exceptions(user=user),
        "mentor_settings": mentor_settings,
        "week": _week_summary(rules),
    }


def _week_summary(rules) -> list[tuple[str, list]]:
    from .models import Weekday

    by_day: dict[int, list] = {day: [] for day in Weekday.values}
    for rule in rules:
        by_day[rule.weekday].append(rule)
    return [(Weekday(day).label, by_day[day]) for day in Weekday.values]


def _render_availability(request, status=200, **bound):
    return render(
        request, "catalog/availability.html", _availability_context(request, **bound), status=status
    )


@freelancer_required
@require_http_methods(["GET", "POST"])
def availability(request):
    """The weekly calendar editor: settings and weekly windows are saved together."""
    if request.method != "POST":
        return _render_availability(request)
    settings_form = f.MentorSettingsForm(request.POST)
    rules_formset = f.RuleFormSet(request.POST, prefix="rules")
    if settings_form.is_valid() and rules_formset.is_valid():
        try:
            _save_availability(request.user, settings_form, rules_formset)
        except DomainError as error:
            if "rules" in (error.details or {}):
                f.apply_rows_error(rules_formset, error, "rules")
            else:
                f.apply_domain_error(settings_form, error)
        else:
            messages.success(request, _("Your availability was saved."))
            return redirect("mentorship:availability")
    return _render_availability(
        request, status=400, settings_form=settings_form, rules_formset=rules_formset
    )


def _save_availability(user, settings_form, rules_formset) -> None:
    from django.db import transaction

    with transaction.atomic():  # the settings and the windows are saved together or not at all
        services.mentor_settings_update(actor=user, **settings_form.cleaned_data)
        services.availability_rules_set(actor=user, rules=rules_formset.rows())


@freelancer_required
@require_POST
def exception_add(request):
    form = f.ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.availability_exception_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("The date was added."))
            return redirect(reverse("mentorship:availability") + "#exceptions")
    return _render_availability(request, status=400, exception_form=form)


@freelancer_required
@require_POST
def exception_delete(request, pk):
    row = _or_404(selectors.own_availability_exception, user=request.user, pk=pk)
    services.availability_exception_remove(actor=request.user, exception=row)
    messages.success(request, _("The date was removed."))
    return redirect(reverse("mentorship:availability") + "#exceptions")
