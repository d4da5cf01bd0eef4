"""The staff console's pages. Every view passes the staffroles gate first; what is not allowed
answers 403 (a page for staff, no data), a foreign id 404."""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from craftwork.core.errors import DomainError
from craftwork.core.money import Money
from craftwork.staffroles import access
from craftwork.staffroles import services as staffroles_services
from craftwork.staffroles.models import Role

from . import charts, metrics, selectors, services
from .forms import FilterForm, PeriodForm
from .listings import LISTINGS, csv_lines

PAGE_SIZE = 50


def staff_permission(permission: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not access.staff_can(request.user, permission):
                raise DjangoPermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _nav(request) -> dict:
    user = request.user
    return {
        "console_can": {
            "metrics": access.staff_can(user, access.VIEW_METRICS),
            "payments": access.staff_can(user, access.PAYMENTS_VIEW),
            "export": access.staff_can(user, access.EXPORT),
            "messages": access.staff_can(user, access.MESSAGES_READ),
            "roles": access.staff_can(user, access.ROLES_ASSIGN),
        },
        "console_role": access.role_of(user),
        "listings": [(name, listing.title) for name, listing in LISTINGS.items()],
    }


def _amount(currency):
    return lambda minor: Money(int(minor), currency).format()


@require_GET
@staff_permission(access.VIEW_CONSOLE)
def home_view(request):
    if access.staff_can(request.user, access.VIEW_METRICS):
        return overview_view(request)
    return redirect("console:list", "users")


@require_GET
@staff_permission(access.VIEW_METRICS)
def overview_view(request):
    form = PeriodForm(request.GET or None)
    now = timezone.now()
    period = form.period(now.date())
    data = metrics.overview(period, now=now)
    currency = request.GET.get("currency", "")
    currencies = [figures.currency for figures in data.money]
    if currency not in currencies:
        currency = currencies[0] if currencies else ""
    series = metrics.trends(period, currency or None)
    trend_charts = [
        charts.line_chart(_("Sign-ups"), series["signups"]),
        charts.line_chart(_("Payments succeeded"), series["payments"]),
        charts.line_chart(_("Jobs published"), series["jobs"]),
    ]
    if currency:
        trend_charts.insert(
            0,
            charts.line_chart(
                _("Gross merchandise value (%(currency)s)") % {"currency": currency},
                series["gmv"],
                fmt=_amount(currency),
            ),
        )
    context = {
        **_nav(request),
        "form": form,
        "overview": data,
        "sections": _sections(data),
        "charts": trend_charts,
        "currency": currency,
    }
    return render(request, "console/overview.html", context)


def _percent(bps) -> str | None:
    return None if bps is None else f"{bps / 100:.2f} %"


def _plain(value):
    return value


def _figure(key, label, compared, fmt=_plain) -> dict:
    return {
        "key": key,
        "label": label,
        "value": None if compared.current is None else fmt(compared.current),
        "was": None if compared.previous is None else fmt(compared.previous),
    }


def _sections(data: metrics.Overview) -> list[dict]:
    sections = []
    for money in data.money:
        fmt = _amount(money.currency)
        c = money.currency
        sections.append(
            {
                "title": _("Money (%(currency)s)") % {"currency": c},
                "figures": [
                    _figure(f"gmv-{c}", _("Gross merchandise value"), money.gmv, fmt),
                    _figure(f"revenue-{c}", _("Net revenue"), money.net_revenue, fmt),
                    _figure(f"take-rate-{c}", _("Take rate"), money.take_rate_bps, _percent),
                    _figure(f"refunds-{c}", _("Refunds"), money.refunds, fmt),
                    _figure(f"chargebacks-{c}", _("Chargebacks"), money.chargebacks, fmt),
                ],
                "now": [
                    (f"escrow-{c}", _("Held in escrow now"), fmt(money.escrow_held)),
                    (f"payouts-{c}", _("Payouts in transit now"), fmt(money.payouts_pending)),
                ],
            }
        )
    counts = data.counts

    def hours(v):
        return _("%(hours)s h") % {"hours": v}

    sections.append(
        {
            "title": _("Payments and people"),
            "figures": [
                _figure(
                    "payments-succeeded", _("Payments succeeded"), counts["payments_succeeded"]
                ),
                _figure("payments-failed", _("Payments failed"), counts["payments_failed"]),
                _figure("signups", _("Sign-ups"), counts["signups_total"]),
                _figure("signups-clients", _("Sign-ups as client"), counts["signups_clients"]),
                _figure(
                    "signups-freelancers",
                    _("Sign-ups as freelancer"),
                    counts["signups_freelancers"],
                ),
                _figure("dau", _("Active on the last day"), counts["dau"]),
                _figure("wau", _("Active in the last 7 days"), counts["wau"]),
                _figure("mau", _("Active in the last 30 days"), counts["mau"]),
            ],
            "now": [],
        }
    )
    sections.append(
        {
            "title": _("Hiring"),
            "figures": [
                _figure("jobs-published", _("Jobs published"), counts["jobs_published"]),
                _figure("hire-rate", _("Hire rate"), counts["jobs_hire_rate_bps"], _percent),
                _figure(
                    "first-proposal",
                    _("Median time to first proposal"),
                    counts["jobs_hours_to_first_proposal"],
                    hours,
                ),
            ],
            "now": [],
        }
    )
    return sections


def _listing(kind: str):
    listing = LISTINGS.get(kind)
    if listing is None:
        raise Http404
    return listing


def _can_list(user, kind: str) -> bool:
    if kind == "payments":
        return access.staff_can(user, access.PAYMENTS_VIEW)
    return access.staff_can(user, access.USERS_VIEW)


@require_GET
@staff_permission(access.VIEW_CONSOLE)
def list_view(request, kind):
    listing = _listing(kind)
    if not _can_list(request.user, kind):
        raise DjangoPermissionDenied
    form = FilterForm(request.GET or None, listing=listing)
    rows = listing.queryset(form.filters()).values(*listing.value_fields())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **_nav(request),
        "listing": listing,
        "kind": kind,
        "form": form,
        "page": page,
        "rows": [_table_row(listing, row) for row in page],
        "headers": listing.headers(),
        "query": query.urlencode(),
        "actions": services.actions_for(kind, request.user),
        "max_bulk": services.MAX_BULK,
    }
    return render(request, "console/list.html", context)


def _table_row(listing, row: dict) -> dict:
    cells = [column.render(*(row[name] for name in column.fields)) for column in listing.columns]
    return {"pk": row["pk"], "cells": cells}


@require_GET
@staff_permission(access.EXPORT)
def export_view(request, kind):
    listing = _listing(kind)
    if not _can_list(request.user, kind):
        raise DjangoPermissionDenied
    form = FilterForm(request.GET or None, listing=listing)
    if request.GET and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect("console:list", kind)
    filters = form.filters()
    services.record_export(
        actor=request.user,
        kind=kind,
        filters={key: str(value) for key, value in filters.__dict__.items() if value},
    )
    response = StreamingHttpResponse(
        csv_lines(listing, filters), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="craftwork-{kind}-{stamp}.csv"'
    return response


@require_POST
@staff_permission(access.VIEW_CONSOLE)
def bulk_view(request, kind):
    _listing(kind)
    try:
        result = services.bulk_apply(
            actor=request.user,
            kind=kind,
            action=request.POST.get("action", ""),
            ids=request.POST.getlist("ids"),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        details = [str(m) for messages_ in exc.details.values() for m in messages_]
        messages.error(request, " ".join(details) or exc.message)
    else:
        if result.done:
            messages.success(
                request,
                _("Done for %(count)d row(s).") % {"count": len(result.done)},
            )
        for pk, message in result.failed:
            messages.error(request, f"{pk}: {message}")
    # Back to the same filtered page; the query is re-encoded so nothing else can ride along.
    back = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(reverse("console:list", args=[kind]) + (f"?{back}" if back else ""))


@require_GET
@staff_permission(access.USERS_VIEW)
def user_view(request, user_id):
    person = selectors.staff_user(user_id)
    if person is None:
        raise Http404
    services.record_user_viewed(actor=request.user, user=person)
    context = {
        **_nav(request),
        "person": person,
        "role": access.role_of(person),
        "roles": Role.choices,
        "actions": services.actions_for("users", request.user),
        **selectors.user_page(person, actor=request.user),
    }
    return render(request, "console/user.html", context)


@require_POST
@staff_permission(access.ROLES_ASSIGN)
def user_role_view(request, user_id):
    person = selectors.staff_user(user_id)
    if person is None:
        raise Http404
    try:
        staffroles_services.staff_role_set(
            actor=request.user, user=person, role=request.POST.get("role", "")
        )
    except DomainError as exc:
        details = [str(m) for messages_ in exc.details.values() for m in messages_]
        messages.error(request, " ".join(details) or exc.message)
    else:
        messages.success(request, _("The staff role was changed."))
    return redirect("console:user", person.pk)


@require_GET
@staff_permission(access.MESSAGES_READ)
def user_messages_view(request, user_id):
    person = selectors.staff_user(user_id)
    if person is None:
        raise Http404
    services.record_messages_read(actor=request.user, user=person)
    context = {**_nav(request), "person": person, "messages_": selectors.user_messages(person)}
    return render(request, "console/user_messages.html", context)
