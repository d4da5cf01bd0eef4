"""The sandbox's hosted pages: card checkout, the 3-D Secure challenge, bank onboarding.

They stand in for pages a real provider hosts, so they talk to the sandbox engine; the
platform learns the outcome from the return page (``payments:return``) and from webhooks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from craftwork.core.errors import DomainError
from craftwork.core.money import Money

from ... import payouts, selectors
from ...forms import BankAccountForm, CardForm, add_domain_error
from . import cards, engine
from .models import SandboxCharge


def _payment_and_charge(request, payment_id):
    payment = selectors.payment_for_payer(request.user, payment_id)
    if payment.provider != "sandbox" or not payment.provider_intent_id:
        raise Http404
    return payment, engine.get_charge(payment.provider_intent_id)


def _return_url(payment) -> str:
    return reverse("payments:return", args=[payment.pk])


@sensitive_post_parameters("number", "cvc")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout_view(request, payment_id):
    payment, charge = _payment_and_charge(request, payment_id)
    if charge.status == SandboxCharge.Status.REQUIRES_ACTION:
        return redirect("payments:sandbox-authenticate", payment.pk)
    if charge.status != SandboxCharge.Status.REQUIRES_PAYMENT_METHOD:
        return redirect(_return_url(payment))
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            charge = engine.confirm_card(charge.intent_id, **form.cleaned_data)
        except cards.CardError as exc:
            form.add_error(exc.field, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if charge.status == SandboxCharge.Status.REQUIRES_ACTION:
                return redirect("payments:sandbox-authenticate", payment.pk)
            if charge.status == SandboxCharge.Status.SUCCEEDED:
                return redirect(_return_url(payment))
            form = CardForm(initial={"name": form.cleaned_data["name"]})
    context = {
        "payment": payment,
        "charge": charge,
        "total": Money(charge.amount, charge.currency),
        "form": form,
        "decline": charge.last_error_message,
        "test_cards": [
            ("4242 4242 4242 4242", _("Succeeds")),
            ("4000 0000 0000 0002", _("Declined")),
            ("4000 0000 0000 9995", _("Insufficient funds")),
            ("4000 0025 0000 3155", _("Requires authentication")),
        ],
    }
    return render(request, "payments/sandbox/checkout.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def authenticate_view(request, payment_id):
    payment, charge = _payment_and_charge(request, payment_id)
    if charge.status != SandboxCharge.Status.REQUIRES_ACTION:
        return redirect("payments:sandbox-checkout", payment.pk)
    if request.method == "POST":
        approve = request.POST.get("action") == "complete"
        try:
            charge = engine.authenticate(charge.intent_id, approve=approve)
        except DomainError as exc:
            messages.error(request, exc.message)
        if charge.status == SandboxCharge.Status.SUCCEEDED:
            return redirect(_return_url(payment))
        return redirect("payments:sandbox-checkout", payment.pk)
    context = {"payment": payment, "total": Money(charge.amount, charge.currency)}
    return render(request, "payments/sandbox/authenticate.html", context)


@sensitive_post_parameters("account_number")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def onboarding_view(request, method_id):
    method = selectors.payout_method_for_owner(request.user, method_id)
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("payments:payout-methods")
    if method.status != method.Status.PENDING or method.provider != "sandbox":
        return redirect(next_url)
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payouts.payout_method_add_bank(method=method, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(next_url)
    return render(
        request,
        "payments/sandbox/onboarding.html",
        {"form": form, "method": method, "next": next_url},
    )
