"""Refunds to the payer's card: full or partial, never more than was paid.

Ledger flow (docs/money.md): the escrowed amount leaves the escrow when the refund is
*requested* (``escrow_refund``: escrow → provider clearing), so it can no longer be
released while the provider works. The refund is ``pending`` until the provider confirms
it; when the provider reports it failed, a ``refund_reversal`` puts the amount back
into the escrow (provider clearing → escrow). The client service fee is not refunded.

The check "refunds ≤ what was paid" runs under the Payment row lock: the sum of the
payment's refunds that have not failed never exceeds its escrowed amount.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CurrencyMismatch, Money

from . import ledger, receipts, services
from .errors import IdempotencyKeyReused
from .models import (
    PAID_STATUSES,
    AccountKind,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    Refund,
    TransactionKind,
)
from .providers import get_provider
from .providers.base import ProviderDeclined

logger = logging.getLogger(__name__)


class RefundTooLarge(ValidationFailed):
    code = "refund_exceeds_paid"
    default_message = _("The refund is more than what was paid and not yet refunded.")


def refunded_minor(payment: Payment) -> int:
    """What is refunded or on its way back (refunds that have not failed)."""
    return payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(
        total=Coalesce(Sum("amount_minor"), 0)
    )["total"]


def refundable(payment: Payment) -> Money:
    return Money(payment.amount_minor - refunded_minor(payment), payment.currency)


def _check_amount(amount, payment: Payment) -> Money:
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if amount.currency != payment.currency:
        raise CurrencyMismatch(details={"currencies": [payment.currency, amount.currency]})
    if not amount.is_positive:
        raise ValidationFailed(_("The amount must be positive."), code="invalid_amount")
    return amount


def _replayed(idempotency_key: str, payment: Payment, amount: Money) -> Refund | None:
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    if existing.payment_id != payment.pk or existing.amount != amount:
        raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return existing


def refund_create(
    *,
    payment: Payment,
    amount: Money,
    origin: str,
    reason: str,
    actor,
    idempotency_key: str,
    ledger_transaction: LedgerTransaction | None = None,
    provider_refund_id: str = "",
) -> Refund:
    """Refund ``amount`` of a paid payment. Without ``ledger_transaction`` the amount is
    taken out of the escrow now; with one (a dispute split) it already was. A refund the
    provider issued on its own (``provider_refund_id``) is recorded, not sent again."""
    if not idempotency_key or len(idempotency_key) > 255:
        raise ValidationFailed(code="invalid_idempotency_key")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payer").get(pk=payment.pk)
        _check_amount(amount, payment)
        if (first := _replayed(idempotency_key, payment, amount)) is not None:
            return first
        if payment.status not in PAID_STATUSES:
            raise Conflict(_("This payment has not been paid."), code="payment_not_paid")
        available = refundable(payment)
        if amount > available:
            raise RefundTooLarge(
                details={"refundable": available.as_dict(), "requested": amount.as_dict()}
            )
        refund_id = uuid.uuid4()
        if ledger_transaction is None:
            ledger_transaction = services.escrow_refund(
                contract_ref=payment.escrow_ref,
                client=payment.payer,
                amount=amount,
                idempotency_key=f"refund:{refund_id}",
                actor=actor,
            )
        refund = Refund.objects.create(
            pk=refund_id,
            payment=payment,
            amount_minor=amount.minor,
            currency=amount.currency,
            origin=origin,
            reason=reason[:500],
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            idempotency_key=idempotency_key,
            ledger_transaction=ledger_transaction,
            provider_refund_id=provider_refund_id,
            submitted_at=timezone.now() if provider_refund_id else None,
        )
        audit(
            actor=actor,
            action="payments.refund_requested",
            target=refund,
            details={
                "payment_id": str(payment.pk),
                "amount": amount.as_dict(),
                "origin": origin,
                "reason": reason[:500],
            },
        )
        publish("payments.refund_requested", payload=_payload(refund), actor=actor)
        if not provider_refund_id:
            transaction.on_commit(lambda: _schedule_submit(refund.pk))
    return refund


def _schedule_submit(refund_id) -> None:
    from .tasks import refund_submit

    refund_submit.delay(str(refund_id))


def _payload(refund: Refund) -> dict:
    payment = refund.payment
    return {
        "refund_id": str(refund.pk),
        "payment_id": str(payment.pk),
        "payer_id": str(payment.payer_id),
        "escrow_ref": payment.escrow_ref,
        "reference": payment.reference,
        "purpose": payment.purpose,
        "status": refund.status,
        "amount_minor": refund.amount_minor,
        "currency": refund.currency,
    }


def refund_by_staff(*, actor, payment: Payment, amount: Money, reason: str, idempotency_key: str):
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied()
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for the refund."), code="reason_required")
    return refund_create(
        payment=payment,
        amount=amount,
        origin=Refund.Origin.STAFF,
        reason=reason,
        actor=actor,
        idempotency_key=f"staff:{idempotency_key}",
    )


def refund_for_escrow(
    *,
    escrow_ref: str,
    amount: Money,
    reason: str,
    actor,
    idempotency_key: str,
    origin: str = Refund.Origin.POLICY,
    ledger_transaction: LedgerTransaction | None = None,
) -> list[Refund]:
    """Refund ``amount`` of what was paid into ``escrow_ref``, newest payment first.

    Raises ``refund_exceeds_paid`` when the payments into the escrow cannot cover it, and
    ``insufficient_funds`` when the escrow no longer holds it (already released). An
    escrow never funded through a provider is refunded in the ledger only (returns [])."""
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if not amount.is_positive:
        raise ValidationFailed(_("The amount must be positive."), code="invalid_amount")
    with transaction.atomic():
        previous = list(Refund.objects.filter(idempotency_key__startswith=f"{idempotency_key}#"))
        if previous:
            if sum(r.amount_minor for r in previous) != amount.minor:
                raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
            return previous
        if not Payment.objects.filter(escrow_ref=escrow_ref).exists():
            _ledger_only_refund(escrow_ref, amount, actor, idempotency_key, ledger_transaction)
            return []
        payments = list(
            Payment.objects.select_for_update()
            .filter(escrow_ref=escrow_ref, status__in=PAID_STATUSES)
            .order_by("-succeeded_at", "-pk")
        )
        if payments and any(p.currency != amount.currency for p in payments):
            raise CurrencyMismatch(details={"currencies": [payments[0].currency, amount.currency]})
        parts, remaining = [], amount
        for payment in payments:
            share = min(refundable(payment), remaining)
            if share.is_positive:
                parts.append((payment, share))
                remaining -= share
        if remaining.is_positive:
            raise RefundTooLarge(
                details={
                    "refundable": (amount - remaining).as_dict(),
                    "requested": amount.as_dict(),
                }
            )
        return [
            refund_create(
                payment=payment,
                amount=share,
                origin=origin,
                reason=reason,
                actor=actor,
                idempotency_key=f"{idempotency_key}#{index}",
                ledger_transaction=ledger_transaction,
            )
            for index, (payment, share) in enumerate(parts)
        ]


def _ledger_only_refund(escrow_ref, amount, actor, idempotency_key, ledger_transaction) -> None:
    """An escrow funded without a provider charge (demo data, ledger-level tests) has no
    card to refund: the escrow is refunded in the ledger only."""
    if ledger_transaction is not None:
        return
    escrow = (
        LedgerAccount.objects.filter(
            kind=AccountKind.CONTRACT_ESCROW, reference=escrow_ref, currency=amount.currency
        )
        .select_related("owner")
        .first()
    )
    if escrow is None:
        raise RefundTooLarge(details={"refundable": Money.zero(amount.currency).as_dict()})
    services.escrow_refund(
        contract_ref=escrow_ref,
        client=escrow.owner,
        amount=amount,
        idempotency_key=f"refund:{idempotency_key}",
        actor=actor,
    )


# --- the provider's side ------------------------------------------------------------------


def refund_submit(*, refund_id) -> Refund:
    """Send a pending refund to the provider (idempotent there by refund id)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.provider_refund_id or refund.status != Refund.Status.PENDING:
        return refund
    try:
        answer = get_provider(refund.payment.provider).refund(refund.payment, refund)
    except ProviderDeclined as exc:
        return refund_mark_failed(refund=refund, reason=exc.message)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if not refund.provider_refund_id:
            refund.provider_refund_id = answer.id[:255]
            refund.submitted_at = timezone.now()
            refund.save(update_fields=["provider_refund_id", "submitted_at", "updated_at"])
    if answer.status in ("succeeded", "failed"):
        _apply_status(refund, answer.status, answer.failure_reason)
    return refund


def _find_refund(obj: dict) -> Refund | None:
    refund_id = (obj.get("metadata") or {}).get("refund_id")
    if refund_id:
        try:
            found = Refund.objects.filter(pk=uuid.UUID(str(refund_id))).first()
        except ValueError:
            found = None
        if found is not None:
            return found
    return Refund.objects.filter(provider_refund_id=obj.get("id") or "-").first()


def _payment_of(obj: dict) -> Payment | None:
    intent, charge = obj.get("payment_intent") or "", obj.get("charge") or ""
    if intent:
        found = Payment.objects.filter(provider_intent_id=intent).first()
        if found is not None:
            return found
    return Payment.objects.filter(provider_charge_id=charge).first() if charge else None


def refund_apply_provider_state(obj: dict) -> Refund | None:
    """Converge to the provider's refund object; None when its payment is not paid here yet
    (the event waits and is retried)."""
    refund = _find_refund(obj)
    status = obj.get("status")
    if refund is None:
        payment = _payment_of(obj)
        if payment is None or payment.status not in PAID_STATUSES:
            return None
        if status in ("failed", "canceled"):
            return Refund(status=Refund.Status.FAILED)  # never took effect here; nothing to do
        refund = refund_create(
            payment=payment,
            amount=Money(int(obj["amount"]), payment.currency),
            origin=Refund.Origin.PROVIDER,
            reason=str(_("Refunded at the payment provider")),
            actor=None,
            idempotency_key=f"provider-refund:{obj['id']}",
            provider_refund_id=str(obj["id"])[:255],
        )
    _apply_status(refund, status, obj.get("failure_reason") or "")
    return refund


def _apply_status(refund: Refund, status: str, failure_reason: str) -> None:
    if status == "succeeded":
        refund_mark_succeeded(refund=refund)
    elif status in ("failed", "canceled"):
        refund_mark_failed(refund=refund, reason=failure_reason or status)


def refund_mark_succeeded(*, refund: Refund) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund  # succeeded already, or failed (final)
        refund.status, refund.settled_at = Refund.Status.SUCCEEDED, timezone.now()
        refund.save(update_fields=["status", "settled_at", "updated_at"])
        _update_payment_status(refund.payment)
        receipts.issue_for_refund(refund)
        audit(actor=None, action="payments.refund_succeeded", target=refund)
        publish("payments.refund_succeeded", payload=_payload(refund))
    return refund


def refund_mark_failed(*, refund: Refund, reason: str) -> Refund:
    """The provider could not refund: the amount goes back into the escrow."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status == Refund.Status.FAILED:
            return refund
        payment = refund.payment
        clearing = ledger.account_for(AccountKind.PROVIDER_CLEARING, refund.currency)
        escrow = ledger.account_for(
            AccountKind.CONTRACT_ESCROW, refund.currency, payment.payer, payment.escrow_ref
        )
        txn = ledger.post_transaction(
            kind=TransactionKind.REFUND_REVERSAL,
            entries=[(clearing, -refund.amount), (escrow, refund.amount)],
            reference=payment.escrow_ref,
            idempotency_key=f"refund-reversal:{refund.pk}",
        )
        refund.status, refund.failure_reason = Refund.Status.FAILED, reason[:500]
        refund.reversal_transaction, refund.settled_at = txn, timezone.now()
        refund.save(
            update_fields=[
                "status",
                "failure_reason",
                "reversal_transaction",
                "settled_at",
                "updated_at",
            ]
        )
        _update_payment_status(payment)
        audit(
            actor=None,
            action="payments.refund_failed",
            target=refund,
            details={"reason": reason[:500], "transaction_id": str(txn.pk)},
        )
        publish("payments.refund_failed", payload=_payload(refund))
    return refund


def _update_payment_status(payment: Payment) -> None:
    done = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(
        total=Coalesce(Sum("amount_minor"), 0)
    )["total"]
    if done >= payment.amount_minor:
        status = Payment.Status.REFUNDED
    elif done > 0:
        status = Payment.Status.PARTIALLY_REFUNDED
    else:
        status = Payment.Status.SUCCEEDED
    if payment.status != status:
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
