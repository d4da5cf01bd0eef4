"""Payout methods and withdrawals through the provider.

The ledger side is ``services.wallet_withdraw_reserve`` (available → payout clearing) and
``payout_complete`` / ``payout_fail`` when the provider reports the outcome (webhook
``payout.paid`` / ``payout.failed``); a failed payout puts the money back in the wallet. A
payout reported failed after it was reported paid (a bank return) is reversed with
``payout_return`` (provider clearing → available balance) and the user is notified.
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.money import Money

from . import receipts, services
from .errors import IdempotencyKeyReused, InsufficientFunds
from .models import Payout, PayoutMethod
from .providers import get_provider
from .providers.base import OnboardingLink, ProviderDeclined

IBAN_RE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$")
ACCOUNT_NUMBER_RE = re.compile(r"^\d{6,17}$")


def _own(actor, user) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != user.pk:
        raise PermissionDenied()


def minimum_payout(currency: str) -> Money:
    return Money(settings.PAYOUT_MINIMUM_MINOR, currency)


# --- payout methods -------------------------------------------------------------------------


def payout_method_start(*, user, actor) -> tuple[PayoutMethod, OnboardingLink]:
    """Begin adding a payout method; the user finishes at the provider's onboarding link."""
    _own(actor, user)
    provider = get_provider()
    with transaction.atomic():
        method = PayoutMethod.objects.create(
            user=user, provider=provider.name, kind=provider.payout_method_kind
        )
        link = provider.onboarding_link(
            method,
            return_url=reverse("payments:payout-method-return", args=[method.pk]),
            refresh_url=reverse("payments:payout-method-onboard", args=[method.pk]),
        )
        if link.account_id:
            method.provider_account_id = link.account_id
            method.save(update_fields=["provider_account_id", "updated_at"])
        audit(actor=actor, action="payments.payout_method_started", target=method)
    return method, link


def payout_method_onboarding_link(*, method: PayoutMethod, actor) -> OnboardingLink:
    """A fresh onboarding link for a method whose setup is not finished."""
    _own(actor, method.user)
    if method.status != PayoutMethod.Status.PENDING:
        raise InvalidTransition(_("This payout method is already set up."))
    return get_provider(method.provider).onboarding_link(
        method,
        return_url=reverse("payments:payout-method-return", args=[method.pk]),
        refresh_url=reverse("payments:payout-method-onboard", args=[method.pk]),
    )


def normalize_account_number(number: str) -> str:
    cleaned = re.sub(r"[\s-]", "", number or "").upper()
    if not (IBAN_RE.match(cleaned) or ACCOUNT_NUMBER_RE.match(cleaned)):
        raise ValidationFailed(
            _("Enter an IBAN (e.g. DE89 3704 0044 0532 0130 00) or an account number."),
            code="invalid_account_number",
            details={"field": "account_number"},
        )
    return cleaned


def payout_method_add_bank(
    *, method: PayoutMethod, holder_name: str, account_number: str, actor
) -> PayoutMethod:
    """Finish a sandbox payout method with bank details (the sandbox's onboarding page)."""
    _own(actor, method.user)
    holder_name = (holder_name or "").strip()
    if not 0 < len(holder_name) <= 200:
        raise ValidationFailed(
            _("Enter the account holder's name."),
            code="invalid_holder_name",
            details={"field": "holder_name"},
        )
    number = normalize_account_number(account_number)
    with transaction.atomic():
        method = PayoutMethod.objects.select_for_update().get(pk=method.pk)
        if method.kind != PayoutMethod.Kind.SANDBOX_BANK or method.status != method.Status.PENDING:
            raise InvalidTransition(_("This payout method is already set up."))
        provider = get_provider(method.provider)
        method.provider_account_id = provider.add_bank_account(
            method, holder_name=holder_name, number=number
        )
        method.holder_name, method.account_last4 = holder_name, number[-4:]
        method.status = PayoutMethod.Status.ACTIVE
        method.save(
            update_fields=[
                "provider_account_id",
                "holder_name",
                "account_last4",
                "status",
                "updated_at",
            ]
        )
        audit(
            actor=actor,
            action="payments.payout_method_added",
            target=method,
            details={"last4": method.account_last4},
        )
    return method


def payout_method_create_bank(*, user, holder_name: str, account_number: str, actor):
    """Add a sandbox bank account in one step (the API's form of the onboarding page)."""
    if get_provider().payout_method_kind != PayoutMethod.Kind.SANDBOX_BANK:
        raise ValidationFailed(
            _("Bank details are entered at the payment provider."), code="onboarding_required"
        )
    normalize_account_number(account_number)
    with transaction.atomic():
        method, _link = payout_method_start(user=user, actor=actor)
        return payout_method_add_bank(
            method=method, holder_name=holder_name, account_number=account_number, actor=actor
        )


def payout_method_refresh(*, method: PayoutMethod, actor) -> PayoutMethod:
    """Back from the provider's onboarding: is the account ready for payouts?"""
    _own(actor, method.user)
    if method.status != PayoutMethod.Status.PENDING:
        return method
    if get_provider(method.provider).refresh_payout_method(method):
        _activate(method)
    return method


def _activate(method: PayoutMethod) -> None:
    updated = PayoutMethod.objects.filter(pk=method.pk, status=PayoutMethod.Status.PENDING).update(
        status=PayoutMethod.Status.ACTIVE, updated_at=timezone.now()
    )
    if updated:
        method.status = PayoutMethod.Status.ACTIVE
        audit(actor=None, action="payments.payout_method_added", target=method)


def payout_method_sync_account(obj: dict) -> None:
    """Stripe ``account.updated``: a connected account became able to receive payouts."""
    if not obj.get("payouts_enabled"):
        return
    for method in PayoutMethod.objects.filter(
        provider_account_id=obj.get("id") or "-", status=PayoutMethod.Status.PENDING
    ):
        _activate(method)


def payout_method_remove(*, method: PayoutMethod, actor) -> PayoutMethod:
    _own(actor, method.user)
    if method.status != PayoutMethod.Status.DISABLED:
        method.status = PayoutMethod.Status.DISABLED
        method.save(update_fields=["status", "updated_at"])
        audit(actor=actor, action="payments.payout_method_removed", target=method)
    return method


# --- withdrawals ----------------------------------------------------------------------------


def payout_request(
    *, user, amount: Money, method: PayoutMethod, idempotency_key: str, actor
) -> Payout:
    """Withdraw ``amount`` of the available balance to ``method``."""
    _own(actor, user)
    if method.user_id != user.pk:
        raise NotFound()
    if method.status != PayoutMethod.Status.ACTIVE:
        raise Conflict(_("This payout method is not ready."), code="payout_method_inactive")
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if amount < minimum_payout(amount.currency):
        raise ValidationFailed(
            _("The minimum withdrawal is %(minimum)s.")
            % {"minimum": minimum_payout(amount.currency).format()},
            code="payout_below_minimum",
            details={"minimum": minimum_payout(amount.currency).as_dict()},
        )
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValidationFailed(code="invalid_idempotency_key")
    with transaction.atomic():
        try:
            payout = services.wallet_withdraw_reserve(
                user=user,
                amount=amount,
                idempotency_key=f"payout:{user.pk}:{idempotency_key}",
                actor=actor,
            )
        except InsufficientFunds as exc:
            raise InsufficientFunds(
                _("The amount is more than your available balance."), details=exc.details
            ) from exc
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.method_id is None:
            payout.method, payout.provider = method, method.provider
            payout.save(update_fields=["method", "provider", "updated_at"])
            transaction.on_commit(lambda: _schedule_submit(payout.pk))
        elif payout.method_id != method.pk:
            raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return payout


def _schedule_submit(payout_id) -> None:
    from .tasks import payout_submit as task

    task.delay(str(payout_id))


def payout_submit(*, payout_id) -> Payout:
    """Send a reserved payout to the provider (idempotent there by payout id)."""
    payout = Payout.objects.select_related("method").get(pk=payout_id)
    if payout.submitted_at or payout.status != Payout.Status.PENDING or payout.method is None:
        return payout
    try:
        answer = get_provider(payout.provider).create_payout(payout)
    except ProviderDeclined as exc:
        return services.payout_fail(payout=payout, reason=exc.message)
    Payout.objects.filter(pk=payout.pk, submitted_at__isnull=True).update(
        provider_reference=answer.id[:200], submitted_at=timezone.now()
    )
    payout.refresh_from_db()
    if answer.status in ("paid", "failed"):
        _apply(payout, answer.status, answer.id, answer.failure_reason)
    return payout


def _find_payout(obj: dict) -> Payout | None:
    payout_id = (obj.get("metadata") or {}).get("payout_id")
    if payout_id:
        try:
            found = Payout.objects.filter(pk=uuid.UUID(str(payout_id))).first()
        except ValueError:
            found = None
        if found is not None:
            return found
    return Payout.objects.filter(provider_reference=obj.get("id") or "-").first()


def payout_apply_provider_state(obj: dict) -> Payout | None:
    payout = _find_payout(obj)
    if payout is None:
        return None
    reason = obj.get("failure_message") or obj.get("failure_code") or ""
    _apply(payout, obj.get("status"), str(obj.get("id") or ""), reason)
    return payout


def _apply(payout: Payout, status: str, provider_id: str, reason: str) -> None:
    if status == "paid":
        try:
            with transaction.atomic():
                payout = services.payout_complete(payout=payout, provider_reference=provider_id)
                receipts.issue_for_payout(payout)
        except InvalidTransition:
            # A "paid" arriving after "failed" (out of order): the failure is the provider's
            # last word, the money is back in the wallet already.
            audit(
                actor=None,
                action="payments.payout_state_conflict",
                target=payout,
                details={"status": payout.status, "reported": status},
            )
    elif status == "failed":
        payout.refresh_from_db(fields=["status"])
        if payout.status in (Payout.Status.PENDING, Payout.Status.FAILED):
            if payout.status == Payout.Status.PENDING and payout.provider:
                get_provider(payout.provider).payout_failed(payout)
            try:
                services.payout_fail(payout=payout, reason=str(reason))
                return
            except InvalidTransition:
                payout.refresh_from_db(fields=["status"])  # paid meanwhile
        # Paid and then failed: the bank sent the money back (a payout return).
        if payout.status == Payout.Status.PAID and payout.provider:
            get_provider(payout.provider).payout_failed(payout)
        services.payout_return(payout=payout, reason=str(reason))
