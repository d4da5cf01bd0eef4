"""Notification pages: the list behind the bell, preferences, the mobile number, unsubscribe links.

Each action calls the same service as the API. The list works without JavaScript; with HTMX the
"mark read" buttons swap just the item.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import push, registry, selectors, services
from .forms import PhoneForm, PhoneVerifyForm, add_domain_error

PAGE_SIZE = 20


def _notification_or_404(request, pk):
    try:
        return selectors.notification_for_recipient(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(request, default="notifications:list"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(candidate)
    return redirect(default)


@login_required
@require_http_methods(["GET"])
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    queryset = selectors.notifications_for(request.user, unread=True if unread_only else None)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread_count": selectors.unread_count(request.user),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_http_methods(["GET"])
def notification_open(request, pk):
    """Follow a notification's link, marking it read on the way."""
    notification = _notification_or_404(request, pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = _notification_or_404(request, pk)
    notification = services.notification_mark_read(actor=request.user, notification=notification)
    if request.htmx:
        return render(request, "notifications/_item.html", {"notification": notification})
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    marked = services.notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return _back(request)


def _preference_rows(user, has_phone: bool) -> list[dict]:
    labels = dict(_channel_labels())
    rows = []
    for row in selectors.preference_matrix(user):
        cells = []
        for channel in registry.CHANNELS:
            offered = channel in row["available_channels"]
            cells.append(
                {
                    "channel": channel,
                    "label": labels[channel],
                    "offered": offered,
                    "enabled": row["channels"].get(channel, False),
                    "disabled": channel == registry.SMS and not has_phone,
                    "name": f"pref:{row['type']}:{channel}",
                }
            )
        rows.append({**row, "cells": cells})
    return rows


def _changes_from_post(post, rows) -> list[tuple]:
    """Every offered, editable checkbox: checked is on, absent is off."""
    return [
        (row["type"], cell["channel"], cell["name"] in post)
        for row in rows
        for cell in row["cells"]
        if cell["offered"] and not cell["disabled"]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request):
    phone = selectors.phone_for(request.user)
    has_phone = bool(phone and phone.is_verified)
    rows = _preference_rows(request.user, has_phone)
    if request.method == "POST":
        try:
            services.preferences_update(
                actor=request.user,
                changes=_changes_from_post(request.POST, rows),
                daily_digest="daily_digest" in request.POST,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", _preferences_context(request, rows, phone)
    )


def _preferences_context(request, rows, phone, phone_form=None, verify_form=None) -> dict:
    return {
        "rows": rows,
        "channel_columns": _channel_labels(),
        "daily_digest": selectors.daily_digest_enabled(request.user),
        "phone": phone,
        "phone_form": phone_form or PhoneForm(initial={"number": phone.number if phone else ""}),
        "verify_form": verify_form or PhoneVerifyForm(),
        "push_key": getattr(push.vapid_keys(), "public_key", ""),
        "push_devices": selectors.push_subscriptions_for(request.user),
    }


def _channel_labels() -> list[tuple[str, str]]:
    return [
        (registry.IN_APP, _("In the app")),
        (registry.EMAIL, _("Email")),
        (registry.PUSH, _("Push")),
        (registry.SMS, _("SMS")),
    ]


@login_required
@require_POST
def phone_set_view(request):
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            services.phone_set(actor=request.user, number=form.cleaned_data["number"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("We sent a code to your mobile. Enter it below."))
            return redirect("notifications:preferences")
    return _preferences_page_with(request, phone_form=form)


@login_required
@require_POST
def phone_verify_view(request):
    form = PhoneVerifyForm(request.POST)
    if form.is_valid():
        try:
            services.phone_verify(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your mobile number is verified."))
            return redirect("notifications:preferences")
    return _preferences_page_with(request, verify_form=form)


@login_required
@require_POST
def phone_remove_view(request):
    services.phone_remove(actor=request.user)
    messages.success(request, _("Your mobile number is removed."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def push_device_remove_view(request, pk):
    try:
        subscription = selectors.push_subscription_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    services.push_subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("That device no longer receives push notifications."))
    return redirect("notifications:preferences")


def _preferences_page_with(request, **forms):
    phone = selectors.phone_for(request.user)
    rows = _preference_rows(request.user, bool(phone and phone.is_verified))
    context = _preferences_context(request, rows, phone, **forms)
    return render(request, "notifications/preferences.html", context, status=400)


@csrf_exempt  # mail clients POST one-click unsubscribes (RFC 8058) without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    actor = request.user if request.user.is_authenticated else None
    try:
        if request.method == "POST":
            target = services.unsubscribe_with_token(token=token, actor=actor)
        else:
            target = services.unsubscribe_target(token=token, actor=actor)
    except DomainError as exc:
        return render(
            request,
            "notifications/unsubscribe_invalid.html",
            {"message": exc.message},
            status=exc.status_code,
        )
    template = (
        "notifications/unsubscribe_done.html"
        if request.method == "POST"
        else "notifications/unsubscribe.html"
    )
    return render(request, template, {"target": target, "token": token})
