"""Billing pages: the public pricing page, billing settings and the credit history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from craftwork.accounts.selectors import organizations_for
from craftwork.core.errors import DomainError

from . import credits, plans, selectors
from .models import Audience

PAGE_SIZE = 25


def _organization_id(request):
    raw = request.GET.get("organization") or ""
    return raw or None


@require_GET
def pricing_view(request):
    everything = plans.public_plans()
    context = {
        "companies": [p for p in everything if p.audience == Audience.COMPANY],
        "freelancers": [p for p in everything if p.audience == Audience.FREELANCER],
        "prices": selectors.credit_prices(),
        "currency": "USD",
    }
    return render(request, "billing/pricing.html", context)


@login_required
@require_GET
def billing_view(request):
    wallet = credits.wallet_refresh(wallet=credits.wallet_for(user=request.user))
    summary = selectors.wallet_summary(wallet)
    workspaces = []
    for organization in organizations_for(request.user):
        org_wallet = credits.wallet_refresh(wallet=credits.wallet_for(organization=organization))
        workspaces.append((organization, selectors.wallet_summary(org_wallet)))
    context = {"summary": summary, "workspaces": workspaces}
    return render(request, "billing/billing.html", context)


@login_required
@require_GET
def credits_view(request):
    try:
        wallet = selectors.wallet_for_actor(request.user, _organization_id(request))
    except DomainError:
        messages.error(request, _("Workspace not found."))
        return redirect("billing:credits")
    wallet = credits.wallet_refresh(wallet=wallet)
    page = Paginator(selectors.credit_history(wallet), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "wallet": wallet,
        "summary": selectors.wallet_summary(wallet),
        "page": page,
        "prices": selectors.credit_prices(),
    }
    return render(request, "billing/credits.html", context)
