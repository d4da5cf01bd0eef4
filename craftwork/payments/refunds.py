"""Refunds to the payer's card: full or partial, never more than was paid.

Ledger flow (docs/money.md): the escrowed amount leaves the escrow when the refund is
*requested* (``escrow_refund``: escrow → provider clearing), so it can no longer be
released while the provider works. The refund is ``pending`` until the provider confirms
it; when the provider reports it failed, a ``refund_reversal`` puts the amount back
into the escrow (provider clearing → escrow).

The client service fee follows the money (docs/money.md, "Client service fee refunds"): a
refund that takes its amount out of the escrow itself also returns the matching share of
the fee, ``floor(F * E / A)`` cumulatively (A the paid amount, F its fee, E the fee-bearing
refunds so far including this one), so refunding all of A returns all of F; a refund
recorded against a dispute split's posting returns no fee. A refund issued at the provider
(dashboard) is taken from the escrowed amount first and only the rest from the fee.

A *funding source* is what put money into one escrow: a payment, or one line of a split
payment. The check "refunds ≤ what was paid" runs per source under the Payment row lock.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.db import retry_on_conflict
from craftwork.core.errors import Conflict, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CurrencyMismatch, Money
from craftwork.staffroles import access

from . import escrow_owners, ledger, receipts, services
from .errors import IdempotencyKeyReused, InsufficientFunds
from .models import (
    PAID_STATUSES,
    AccountKind,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    PaymentLine,
    Refund,
    TransactionKind,
)
from .providers import get_provider
from .providers.base import ProviderDeclined

logger = logging.getLogger(__name__)


class RefundTooLarge(ValidationFailed):
    code = "refund_exceeds_paid"
    default_message = _("The refund is more than what was paid and not yet refunded.")


class RefundExceedsHeld(Conflict):
    code = "refund_exceeds_held"
    default_message = _(
        "Part of this refund was already released to the provider. Choose who pays it back: "
        "recover it from the provider's balance, or write it off as a platform loss."
    )


# --- what a source paid and what is left --------------------------------------------------


@dataclass(frozen=True)
class Source:
    """What funded one escrow: a payment, or a line of a split payment."""

    payment: Payment
    line: PaymentLine | None = None

    @property
    def escrow_ref(self) -> str:
        return self.line.escrow_ref if self.line is not None else self.payment.escrow_ref

    @property
    def item_ref(self) -> str:
        """The escrow item it funded (``Refund.item_ref`` says why)."""
        return "" if self.line is not None else self.payment.reference

    @property
    def amount(self) -> Money:
        return (self.line or self.payment).amount

    @property
    def client_fee(self) -> Money:
        return (self.line or self.payment).client_fee

    def refunds(self):
        refunds = self.payment.refunds.exclude(status=Refund.Status.FAILED)
        return refunds.filter(line=self.line) if self.line is not None else refunds


def _sums(refunds) -> tuple[int, int]:
    totals = refunds.aggregate(
        amount=Coalesce(Sum("amount_minor"), 0), fee=Coalesce(Sum("client_fee_minor"), 0)
    )
    return totals["amount"], totals["fee"]


def refunded_minor(payment: Payment, line: PaymentLine | None = None) -> int:
    """What is refunded or on its way back (refunds that have not failed), fee excluded."""
    return _sums(Source(payment, line).refunds())[0]


def refundable(payment: Payment, line: PaymentLine | None = None) -> Money:
    """Of the escrowed amount (of one line, or of the whole payment), what may be refunded."""
    source = Source(payment, line)
    return source.amount - Money(_sums(source.refunds())[0], payment.currency)


def fee_refundable(payment: Payment, line: PaymentLine | None = None) -> Money:
    source = Source(payment, line)
    return source.client_fee - Money(_sums(source.refunds())[1], payment.currency)


def fee_share(*, paid: int, fee: int, fee_refunded: int, eligible_before: int, amount: int) -> int:
    """The client fee returned with a fee-bearing refund of ``amount`` (all minor units):
    ``floor(fee * (eligible_before + amount) / paid) - fee_refunded``, clamped to what is left
    of the fee. Cumulative, so the parts of a fully refunded payment add up to ``fee``."""
    if paid <= 0 or fee <= 0:
        return 0
    cumulative = fee * min(eligible_before + amount, paid) // paid
    return max(0, min(fee - fee_refunded, cumulative - fee_refunded))


def _fee_for(source: Source, amount: Money) -> Money:
    refunds = source.refunds()
    eligible_before = refunds.filter(fee_bearing=True).aggregate(
        total=Coalesce(Sum("amount_minor"), 0)
    )["total"]
    fee_refunded = _sums(refunds)[1]
    minor = fee_share(
        paid=source.amount.minor,
        fee=source.client_fee.minor,
        fee_refunded=fee_refunded,
        eligible_before=eligible_before,
        amount=amount.minor,
    )
    return Money(minor, amount.currency)


# --- creating refunds ---------------------------------------------------------------------


def _check_amount(amount, payment: Payment) -> Money:
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if amount.currency != payment.currency:
        raise CurrencyMismatch(details={"currencies": [payment.currency, amount.currency]})
    if not amount.is_positive:
        raise ValidationFailed(_("The amount must be positive."), code="invalid_amount")
    return amount


def _replayed(idempotency_key: str, payment: Payment, line, amount: Money) -> Refund | None:
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        return None
    same_line = existing.line_id == (line.pk if line is not None else None)
    if existing.payment_id != payment.pk or existing.amount != amount or not same_line:
        raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return existing


def _source(payment: Payment, line) -> Source:
    if line is None:
        if payment.is_split:
            raise ValidationFailed(
                _("Choose the line of the payment to refund."), code="line_required"
            )
        return Source(payment)
    if not isinstance(line, PaymentLine) or line.payment_id != payment.pk:
        raise ValidationFailed(_("This line is not part of the payment."), code="invalid_line")
    return Source(payment, PaymentLine.objects.get(pk=line.pk))


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
    line: PaymentLine | None = None,
    client_fee: Money | None = None,
    cover: str = "",
) -> Refund:
    """Refund ``amount`` of a paid payment (of ``line``, for a split payment). Without
    ``ledger_transaction`` the amount and its share of the client fee are taken out of the
    escrow item the payment funded and platform revenue now; with one (a dispute split) the
    amount already was and no fee is returned. ``client_fee`` overrides the fee share (a
    refund issued at the provider, already split). A refund the provider issued on its own
    (``provider_refund_id``) is recorded, not sent again.

    The escrow item gives back only what it still holds; the rest was released to the
    provider and is refused (``refund_exceeds_held``) unless ``cover`` says who pays it:
    ``provider`` (their available balance) or ``platform`` (refund losses)."""
    if not idempotency_key or len(idempotency_key) > 255:
        raise ValidationFailed(code="invalid_idempotency_key")
    if cover not in ("", *Refund.Cover.values):
        raise ValidationFailed(_("Unknown cover."), code="invalid_cover", details={"cover": cover})
    with transaction.atomic():
        _lock_owners(payment)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("payer")
            .get(pk=payment.pk)
        )
        _check_amount(amount, payment)
        if (first := _replayed(idempotency_key, payment, line, amount)) is not None:
            return first
        if payment.status not in PAID_STATUSES:
            raise Conflict(_("This payment has not been paid."), code="payment_not_paid")
        source = _source(payment, line)
        available = refundable(payment, source.line)
        if amount > available:
            raise RefundTooLarge(
                details={"refundable": available.as_dict(), "requested": amount.as_dict()}
            )
        fee_bearing = ledger_transaction is None and client_fee is None
        if client_fee is None:
            client_fee = _fee_for(source, amount) if fee_bearing else Money.zero(amount.currency)
        elif client_fee > fee_refundable(payment, source.line):
            raise RefundTooLarge(
                details={
                    "refundable_fee": fee_refundable(payment, source.line).as_dict(),
                    "requested_fee": client_fee.as_dict(),
                }
            )
        refund_id = uuid.uuid4()
        covered, cover_account = Money.zero(amount.currency), None
        if ledger_transaction is None:
            covered, cover_account = _cover(source, amount, cover)
            ledger_transaction = services.escrow_refund(
                contract_ref=source.escrow_ref,
                client=payment.payer,
                amount=amount,
                client_fee=client_fee,
                item_ref=source.item_ref,
                cover=cover_account,
                covered=covered,
                idempotency_key=f"refund:{refund_id}",
                actor=actor,
            )
        refund = Refund.objects.create(
            pk=refund_id,
            payment=payment,
            line=source.line,
            amount_minor=amount.minor,
            client_fee_minor=client_fee.minor,
            fee_bearing=fee_bearing,
            currency=amount.currency,
            origin=origin,
            reason=reason[:500],
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            idempotency_key=idempotency_key,
            ledger_transaction=ledger_transaction,
            provider_refund_id=provider_refund_id,
            submitted_at=timezone.now() if provider_refund_id else None,
            covered_minor=covered.minor,
            cover=cover if covered.is_positive else "",
            cover_account=cover_account,
        )
        audit(
            actor=actor,
            action="payments.refund_requested",
            target=refund,
            details={
                "payment_id": str(payment.pk),
                "line_id": str(source.line.pk) if source.line is not None else None,
                "amount": amount.as_dict(),
                "client_fee": client_fee.as_dict(),
                "origin": origin,
                "reason": reason[:500],
                "item_ref": source.item_ref,
                "covered": covered.as_dict(),
                "cover": refund.cover,
            },
        )
        publish("payments.refund_requested", payload=_payload(refund), actor=actor)
        if not provider_refund_id:
            transaction.on_commit(lambda: _schedule_submit(refund.pk))
    return refund


def _lock_owners(payment: Payment) -> None:
    """The contract rows first (before the Payment and ledger rows): the order every money
    path takes, and the contract follows the refund in this transaction."""
    refs = payment.lines.values_list("escrow_ref", flat=True) if payment.is_split else []
    escrow_owners.lock_owners([payment.escrow_ref, *refs] if payment.escrow_ref else refs)


def _cover(source: Source, amount: Money, cover: str):
    """``(covered, account)``: the part of ``amount`` the escrow item no longer holds and the
    account that pays it, under the row locks of every account the refund may touch."""
    currency = amount.currency
    escrow = ledger.account_for(
        AccountKind.CONTRACT_ESCROW, currency, source.payment.payer, source.escrow_ref
    )
    accounts = [escrow, ledger.account_for(AccountKind.PROVIDER_CLEARING, currency)]
    accounts.append(ledger.account_for(AccountKind.PLATFORM_REVENUE, currency))
    account = _cover_account(source, cover, currency)
    ledger.lock_accounts([*accounts, *([account] if account is not None else [])])
    held = max(ledger.item_balance(escrow, source.item_ref), Money.zero(currency))
    covered = amount - min(amount, held)
    if covered.is_zero:
        return covered, None
    if account is None:
        raise RefundExceedsHeld(
            details={
                "held": held.as_dict(),
                "requested": amount.as_dict(),
                "covers": list(Refund.Cover.values),
            }
        )
    return covered, account


def _cover_account(source: Source, cover: str, currency: str) -> LedgerAccount | None:
    if cover == Refund.Cover.PLATFORM:
        return ledger.account_for(AccountKind.REFUND_LOSS, currency)
    if cover != Refund.Cover.PROVIDER:
        return None
    provider = _item_provider(source, currency)
    if provider is None:
        raise ValidationFailed(
            _("Nothing of this payment was released to a provider."), code="no_provider_to_recover"
        )
    return ledger.account_for(AccountKind.USER_WALLET_AVAILABLE, currency, owner=provider)


def _item_provider(source: Source, currency: str):
    """Who received the item's money: the owner of the pending wallet its release credited."""
    from django.contrib.auth import get_user_model

    released = LedgerTransaction.objects.filter(
        kind__in=[TransactionKind.ESCROW_RELEASE, TransactionKind.ESCROW_SPLIT],
        entries__account__kind=AccountKind.CONTRACT_ESCROW,
        entries__account__reference=source.escrow_ref,
        entries__item_ref=source.item_ref,
    )
    owner_id = (
        ledger.LedgerEntry.objects.filter(
            transaction__in=released,
            account__kind=AccountKind.USER_WALLET_PENDING,
            account__currency=currency,
        )
        .values_list("account__owner_id", flat=True)
        .first()
    )
    return get_user_model().objects.filter(pk=owner_id).first() if owner_id else None


def _schedule_submit(refund_id) -> None:
    from .tasks import refund_submit

    refund_submit.delay(str(refund_id))


def _payload(refund: Refund) -> dict:
    payment = refund.payment
    return {
        "refund_id": str(refund.pk),
        "payment_id": str(payment.pk),
        "payer_id": str(payment.payer_id),
        "escrow_ref": refund.escrow_ref,
        "reference": refund.line.reference if refund.line_id else payment.reference,
        "purpose": payment.purpose,
        "status": refund.status,
        "amount_minor": refund.total.minor,
        "escrow_amount_minor": refund.amount_minor,
        "client_fee_minor": refund.client_fee_minor,
        "covered_minor": refund.covered_minor,
        "currency": refund.currency,
        "origin": refund.origin,
        "item_ref": refund.item_ref,
    }


@retry_on_conflict
def refund_by_staff(
    *,
    actor,
    payment: Payment,
    amount: Money,
    reason: str,
    idempotency_key: str,
    line: PaymentLine | None = None,
    cover: str = "",
) -> Refund:
    """Staff refund ``amount`` of a payment. A split payment is refunded line by line in
    their order (or ``line`` only); the first refund is returned. What the payment's escrow
    item no longer holds needs ``cover`` (see ``refund_create``)."""
    # A support agent is staff but may not move money: the role decides (staffroles.access).
    access.require(actor, access.PAYMENTS_REFUND)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for the refund."), code="reason_required")
    if not payment.is_split or line is not None:
        return refund_create(
            payment=payment,
            amount=amount,
            origin=Refund.Origin.STAFF,
            reason=reason,
            actor=actor,
            idempotency_key=f"staff:{idempotency_key}",
            line=line,
            cover=cover,
        )
    with transaction.atomic():
        _lock_owners(payment)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        _check_amount(amount, payment)
        # The lines' refunds post to several escrows: lock every account before the first.
        services.escrow_lock(
            escrow_refs=payment.lines.values_list("escrow_ref", flat=True),
            currency=payment.currency,
        )
        previous = list(
            Refund.objects.filter(idempotency_key__startswith=f"staff:{idempotency_key}#")
        )
        if previous:
            if sum(r.amount_minor for r in previous) != amount.minor:
                raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
            return min(previous, key=lambda r: r.line.position)
        parts = _spread(amount, [Source(payment, ln) for ln in payment.lines.order_by("position")])
        made = [
            refund_create(
                payment=payment,
                amount=share,
                origin=Refund.Origin.STAFF,
                reason=reason,
                actor=actor,
                idempotency_key=f"staff:{idempotency_key}#{index}",
                line=source.line,
                cover=cover,
            )
            for index, (source, share) in enumerate(parts)
        ]
    return made[0]


def _spread(amount: Money, sources: list[Source], *, held=None) -> list[tuple[Source, Money]]:
    """``amount`` over the sources in order, each up to what it may still refund (and, with
    ``held``, up to what its escrow item still holds)."""
    parts, remaining = [], amount
    for source in sources:
        share = min(refundable(source.payment, source.line), remaining)
        if held is not None:
            share = min(share, held(source))
        if share.is_positive:
            parts.append((source, share))
            remaining -= share
            if held is not None:
                held.take(source, share)
    if remaining.is_positive:
        paid_left = sum((refundable(s.payment, s.line).minor for s in sources), 0)
        if held is not None and paid_left >= amount.minor:  # paid, but released meanwhile
            raise InsufficientFunds(
                details={
                    "account_kind": AccountKind.CONTRACT_ESCROW,
                    "available": (amount - remaining).to_decimal_string(),
                    "requested": amount.to_decimal_string(),
                    "currency": amount.currency,
                }
            )
        raise RefundTooLarge(
            details={"refundable": (amount - remaining).as_dict(), "requested": amount.as_dict()}
        )
    return parts


def _escrow_sources(escrow_ref: str) -> list[Source]:
    """The paid payments and split-payment lines that funded ``escrow_ref``, newest first,
    their Payment rows locked (in primary-key order)."""
    payment_ids = set(
        Payment.objects.filter(escrow_ref=escrow_ref, status__in=PAID_STATUSES).values_list(
            "pk", flat=True
        )
    )
    lines = list(
        PaymentLine.objects.filter(
            escrow_ref=escrow_ref, payment__status__in=PAID_STATUSES
        ).select_related("payment")
    )
    payment_ids |= {line.payment_id for line in lines}
    rows = Payment.objects.select_for_update().filter(pk__in=payment_ids).order_by("pk")
    locked = {payment.pk: payment for payment in rows}
    sources = [Source(p) for p in locked.values() if not p.is_split]
    sources += [Source(locked[line.payment_id], line) for line in lines]
    sources = [s for s in sources if s.payment.status in PAID_STATUSES]
    sources.sort(key=lambda s: (s.payment.succeeded_at, s.payment.pk), reverse=True)
    return sources


def _funded_through_provider(escrow_ref: str) -> bool:
    return (
        Payment.objects.filter(escrow_ref=escrow_ref).exists()
        or PaymentLine.objects.filter(escrow_ref=escrow_ref).exists()
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
    item_ref: str | None = None,
) -> list[Refund]:
    """Refund ``amount`` of what was paid into ``escrow_ref`` (by payments and by lines of
    split payments) for the item ``item_ref`` (every item when None), newest payment first,
    each never more than it paid nor more than its item still holds (a dispute split's
    ``ledger_transaction`` took the money already).

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
        if not _funded_through_provider(escrow_ref):
            _ledger_only_refund(
                escrow_ref, item_ref or "", amount, actor, idempotency_key, ledger_transaction
            )
            return []
        sources = _escrow_sources(escrow_ref)
        if item_ref is not None:
            sources = [source for source in sources if source.item_ref == item_ref]
        held = None if ledger_transaction is not None else _ItemsHeld(escrow_ref, amount.currency)
        if any(source.payment.currency != amount.currency for source in sources):
            raise CurrencyMismatch(
                details={"currencies": [sources[0].payment.currency, amount.currency]}
            )
        return [
            refund_create(
                payment=source.payment,
                line=source.line,
                amount=share,
                origin=origin,
                reason=reason,
                actor=actor,
                idempotency_key=f"{idempotency_key}#{index}",
                ledger_transaction=ledger_transaction,
            )
            for index, (source, share) in enumerate(_spread(amount, sources, held=held))
        ]


class _ItemsHeld:
    """What each escrow item still holds, decreased as a spread gives shares out (two
    payments of one item share what it holds)."""

    def __init__(self, escrow_ref: str, currency: str):
        from .selectors import escrow_items

        self.currency = currency
        self.left = {item: held.minor for item, held in escrow_items(escrow_ref, currency).items()}

    def __call__(self, source: Source) -> Money:
        return Money(max(0, self.left.get(source.item_ref, 0)), self.currency)

    def take(self, source: Source, share: Money) -> None:
        self.left[source.item_ref] = self.left.get(source.item_ref, 0) - share.minor


def _ledger_only_refund(
    escrow_ref, item_ref, amount, actor, idempotency_key, ledger_transaction
) -> None:
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
        item_ref=item_ref,
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


def _find_refunds(obj: dict) -> list[Refund]:
    refund_id = (obj.get("metadata") or {}).get("refund_id")
    if refund_id:
        try:
            found = Refund.objects.filter(pk=uuid.UUID(str(refund_id))).first()
        except ValueError:
            found = None
        if found is not None:
            return [found]
    # A refund issued at the provider may be recorded as several (one per line).
    return list(Refund.objects.filter(provider_refund_id=obj.get("id") or "-").order_by("pk"))


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
    found = _find_refunds(obj)
    status = obj.get("status")
    if not found:
        payment = _payment_of(obj)
        if payment is None or payment.status not in PAID_STATUSES:
            return None
        if status in ("failed", "canceled"):
            return Refund(status=Refund.Status.FAILED)  # never took effect here; nothing to do
        found = _record_provider_refund(payment, obj)
    for refund in found:
        _apply_status(refund, status, obj.get("failure_reason") or "")
    return found[0]


def _record_provider_refund(payment: Payment, obj: dict) -> list[Refund]:
    """A refund issued at the provider of ``X`` (of the total charged): taken from the
    escrowed amount first (line by line for a split payment), the rest from the fee."""
    with transaction.atomic():
        _lock_owners(payment)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        sources = (
            [Source(payment, line) for line in payment.lines.order_by("position")]
            if payment.is_split
            else [Source(payment)]
        )
        left = int(obj["amount"])
        parts = []
        for source in sources:
            amount = min(left, refundable(payment, source.line).minor)
            left -= amount
            if amount:  # a refund always returns some of the escrowed amount
                parts.append([source, amount, 0])
        for part in parts:
            fee = min(left, fee_refundable(payment, part[0].line).minor)
            left -= fee
            part[2] = fee
        if left > 0:
            raise RefundTooLarge(details={"requested_minor": int(obj["amount"])})
        made = []
        for index, (source, amount, fee) in enumerate(parts):
            suffix = f"#{index}" if index else ""
            made.append(
                refund_create(
                    payment=payment,
                    line=source.line,
                    amount=Money(amount, payment.currency),
                    client_fee=Money(fee, payment.currency),
                    origin=Refund.Origin.PROVIDER,
                    reason=str(_("Refunded at the payment provider")),
                    actor=None,
                    idempotency_key=f"provider-refund:{obj['id']}{suffix}",
                    provider_refund_id=str(obj["id"])[:255],
                    # The card is refunded already: what was released is the platform's loss.
                    cover=Refund.Cover.PLATFORM,
                )
            )
        if not made:
            raise RefundTooLarge(details={"requested_minor": int(obj["amount"])})
    return made


def _apply_status(refund: Refund, status: str, failure_reason: str) -> None:
    if status == "succeeded":
        refund_mark_succeeded(refund=refund)
    elif status in ("failed", "canceled"):
        refund_mark_failed(refund=refund, reason=failure_reason or status)


def _lock_refund(refund: Refund) -> Refund:
    """The refund's Payment row, then the refund row: the order ``refund_create`` takes them
    in (and the ledger accounts after both)."""
    payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund.pk)
    Payment.objects.select_for_update().filter(pk=payment_id).first()
    return (
        Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund.pk)
    )


def refund_mark_succeeded(*, refund: Refund) -> Refund:
    with transaction.atomic():
        refund = _lock_refund(refund)
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
        refund = _lock_refund(refund)
        if refund.status == Refund.Status.FAILED:
            return refund
        payment = refund.payment
        clearing = ledger.account_for(AccountKind.PROVIDER_CLEARING, refund.currency)
        escrow = ledger.account_for(
            AccountKind.CONTRACT_ESCROW, refund.currency, payment.payer, refund.escrow_ref
        )
        entries = [(clearing, -refund.total)]
        if refund.from_escrow.is_positive:
            entries.append((escrow, refund.from_escrow, refund.item_ref))
        if refund.covered_minor:
            entries.append((refund.cover_account, Money(refund.covered_minor, refund.currency)))
        if refund.client_fee_minor:
            revenue = ledger.account_for(AccountKind.PLATFORM_REVENUE, refund.currency)
            entries.append((revenue, refund.client_fee))
        txn = ledger.post_transaction(
            kind=TransactionKind.REFUND_REVERSAL,
            entries=entries,
            reference=refund.escrow_ref,
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
