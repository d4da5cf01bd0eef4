"""Reads of billing, scoped to what the actor may see (a workspace one is not in is a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from craftwork.accounts.selectors import organization_for_member
from craftwork.payments import ledger
from craftwork.payments.models import LedgerEntry

from . import credits
from .models import CreditPrice, CreditWallet, Plan

DEFAULTS = credits.DEFAULT_PRICES


def wallet_for_actor(user, organization_id=None) -> CreditWallet:
    """The actor's own wallet, or the wallet of a workspace they are a member of."""
    if organization_id:
        organization = organization_for_member(user, organization_id)
        return credits.wallet_for(organization=organization)
    return credits.wallet_for(user=user)


def credit_history(wallet: CreditWallet) -> QuerySet[LedgerEntry]:
    """Every movement of the wallet, newest first, with its transaction (kind, memo: the
    reason)."""
    account = ledger.find_account(*credits._identity(wallet))
    if account is None:
        return LedgerEntry.objects.none()
    return (
        LedgerEntry.objects.filter(account_id=account.pk)
        .select_related("transaction")
        .order_by("-created_at", "-pk")
    )


def credit_prices() -> list[dict]:
    """The price list, every action included (the default where staff set no row)."""
    rows = dict(CreditPrice.objects.values_list("action", "credits"))
    from .models import CreditAction

    return [
        {
            "action": action.value,
            "label": str(action.label),
            "credits": rows.get(action.value, DEFAULTS[action]),
        }
        for action in CreditAction
    ]


def plan_by_slug(slug: str) -> Plan:
    from craftwork.core.errors import NotFound

    from .plans import public_plans

    for plan in public_plans():
        if plan.slug == slug:
            return plan
    raise NotFound()


def wallet_summary(wallet: CreditWallet) -> dict:
    version = credits.allowance_version(wallet)
    return {
        "balance": credits.balance_of(wallet),
        "allowance": wallet.allowance,
        "period_start": wallet.period_start,
        "plan": version.plan.slug if version else None,
        "credits_per_period": version.credits_per_period if version else 0,
        "rollover_cap": version.credit_rollover_cap if version else 0,
    }
