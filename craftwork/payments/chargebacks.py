"""Card chargebacks (Stripe's ``charge.dispute.*``): the payer's bank takes the money back.

Ledger flow for a disputed amount D of a payment whose escrow item still holds B (the
payment's milestone, or the whole escrow of a split payment's line; E = min(D, B) is taken
from it, the rest, money already released or the fee, is the platform's exposure):

| When | provider_clearing | contract_escrow | chargeback_loss |
|---|---|---|---|
| opened (``chargeback_debit``) | +D | -E | -(D - E) |
| won (``chargeback_reinstate``) | -D | +E | +(D - E) |
| lost | nothing more moves: the payer has the money back, the platform keeps the loss |

Opening also publishes ``payments.chargeback_opened`` so the contract can be frozen. For a
split payment E is taken from the lines' escrows in their order (each up to what it still
holds) and recorded per escrow (``Chargeback.escrow_debits``), so winning puts each part back.
Each posting's idempotency key is derived from the provider's dispute id, and the states
only move forward (open → won/lost), so duplicate and out-of-order events converge.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from craftwork.core.audit import audit
from craftwork.core.events import publish
from craftwork.core.money import Money

from . import escrow_owners, ledger
from .models import PAID_STATUSES, AccountKind, Chargeback, Payment, TransactionKind

CLOSED = {"won": Chargeback.Status.WON, "lost": Chargeback.Status.LOST}


def _payment_of(obj: dict) -> Payment | None:
    intent, charge = obj.get("payment_intent") or "", obj.get("charge") or ""
    if intent and (found := Payment.objects.filter(provider_intent_id=intent).first()):
        return found
    return Payment.objects.filter(provider_charge_id=charge).first() if charge else None


def chargeback_sync(obj: dict) -> Chargeback | None:
    """Converge to the provider's dispute object; None while its payment is not paid here."""
    payment = _payment_of(obj)
    if payment is None or payment.status not in PAID_STATUSES:
        return None
    with transaction.atomic():
        _lock_owners(payment)
        chargeback = _open(payment, obj)
        closed = CLOSED.get(obj.get("status"))
        if closed is not None and chargeback.status == Chargeback.Status.OPEN:
            _close(chargeback, closed)
    return chargeback


def _lock_owners(payment: Payment) -> None:
    """The contract rows first (contract → payment → ledger, like every money path), so the
    contract can follow the chargeback in this transaction."""
    escrow_owners.lock_owners(_escrow_refs(payment))


def _item_ref(payment: Payment) -> str:
    """The escrow item the payment funded (a split payment's lines each hold a whole escrow)."""
    return "" if payment.is_split else payment.reference


def _escrow_refs(payment: Payment) -> list[str]:
    if payment.is_split:
        return list(payment.lines.order_by("position").values_list("escrow_ref", flat=True))
    return [payment.escrow_ref]


def _posting_reference(payment: Payment) -> str:
    return payment.reference if payment.is_split else payment.escrow_ref


def _system_accounts(currency: str):
    return (
        ledger.account_for(AccountKind.PROVIDER_CLEARING, currency),
        ledger.account_for(AccountKind.CHARGEBACK_LOSS, currency),
    )


def _escrow(payment: Payment, escrow_ref: str):
    return ledger.account_for(
        AccountKind.CONTRACT_ESCROW, payment.currency, payment.payer, escrow_ref
    )


def _open(payment: Payment, obj: dict) -> Chargeback:
    dispute_id = str(obj["id"])[:255]
    existing = Chargeback.objects.select_for_update().filter(provider_dispute_id=dispute_id).first()
    if existing is not None:
        return existing
    amount = Money(min(int(obj.get("amount") or 0), payment.total.minor), payment.currency)
    clearing, loss = _system_accounts(payment.currency)
    escrows = [(ref, _escrow(payment, ref)) for ref in _escrow_refs(payment)]
    locked = ledger.lock_accounts(escrow for _ref, escrow in escrows)
    debits, left = {}, amount.minor
    for ref, escrow in escrows:
        # Only what the payment's own item still holds: other items' money is not disputed.
        part = min(left, ledger.item_balance(locked[escrow.pk], _item_ref(payment)).minor)
        if part > 0:
            debits[ref] = part
            left -= part
    from_escrow = Money(amount.minor - left, amount.currency)
    entries = [(clearing, amount), (loss, -(amount - from_escrow))]
    entries += [
        (escrow, -Money(debits[ref], amount.currency), _item_ref(payment))
        for ref, escrow in escrows
        if ref in debits
    ]
    txn = ledger.post_transaction(
        kind=TransactionKind.CHARGEBACK_DEBIT,
        entries=[entry for entry in entries if not entry[1].is_zero],
        reference=_posting_reference(payment),
        idempotency_key=f"chargeback-debit:{dispute_id}",
    )
    chargeback = Chargeback.objects.create(
        payment=payment,
        provider_dispute_id=dispute_id,
        amount_minor=amount.minor,
        currency=amount.currency,
        reason=str(obj.get("reason") or "")[:100],
        escrow_debited_minor=from_escrow.minor,
        escrow_debits=debits,
        debit_transaction=txn,
    )
    details = _payload(chargeback)
    audit(actor=None, action="payments.chargeback_opened", target=chargeback, details=details)
    publish("payments.chargeback_opened", payload=details)
    return chargeback


def _debits(chargeback: Chargeback) -> dict[str, int]:
    if chargeback.escrow_debits or not chargeback.escrow_debited_minor:
        return dict(chargeback.escrow_debits)
    return {chargeback.payment.escrow_ref: chargeback.escrow_debited_minor}  # before per-escrow


def _close(chargeback: Chargeback, status: str) -> None:
    if status == Chargeback.Status.WON:
        payment = chargeback.payment
        clearing, loss = _system_accounts(chargeback.currency)
        from_escrow = Money(chargeback.escrow_debited_minor, chargeback.currency)
        entries = [(clearing, -chargeback.amount), (loss, chargeback.amount - from_escrow)]
        entries += [
            (_escrow(payment, ref), Money(part, chargeback.currency), _item_ref(payment))
            for ref, part in _debits(chargeback).items()
        ]
        chargeback.reinstate_transaction = ledger.post_transaction(
            kind=TransactionKind.CHARGEBACK_REINSTATE,
            entries=[entry for entry in entries if not entry[1].is_zero],
            reference=_posting_reference(payment),
            idempotency_key=f"chargeback-reinstate:{chargeback.provider_dispute_id}",
        )
    chargeback.status, chargeback.closed_at = status, timezone.now()
    chargeback.save(update_fields=["status", "closed_at", "reinstate_transaction", "updated_at"])
    details = _payload(chargeback)
    audit(actor=None, action="payments.chargeback_closed", target=chargeback, details=details)
    publish("payments.chargeback_closed", payload=details)


def _payload(chargeback: Chargeback) -> dict:
    payment = chargeback.payment
    return {
        "chargeback_id": str(chargeback.pk),
        "payment_id": str(payment.pk),
        "payer_id": str(payment.payer_id),
        "escrow_ref": payment.escrow_ref,
        "escrow_refs": _escrow_refs(payment),
        "item_ref": _item_ref(payment),
        "reference": payment.reference,
        "status": chargeback.status,
        "amount_minor": chargeback.amount_minor,
        "escrow_debited_minor": chargeback.escrow_debited_minor,
        "currency": chargeback.currency,
    }
