"""Escrow, earnings and payout services on top of the ledger (see docs/money.md).

The contracts app calls the escrow services; the payment-provider layer calls
``escrow_fund`` once a charge has succeeded (with the charge's id in the idempotency
key) and ``payout_complete`` / ``payout_fail`` when the provider reports the outcome.
Every service runs in one transaction and is idempotent: repeating a call with the same
idempotency key returns the first result and writes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CurrencyMismatch, Money

from . import ledger
from .errors import InsufficientFunds
from .fees import FeeBreakdown, fee_breakdown
from .models import (
    PAID_STATUSES,
    AccountKind,
    FeeSchedule,
    LedgerAccount,
    LedgerTransaction,
    Payment,
    PaymentLine,
    Payout,
    PendingEarning,
    TransactionKind,
)

__all__ = [
    "FeeBreakdown",
    "earning_clear",
    "escrow_accounts",
    "escrow_fund",
    "escrow_lock",
    "escrow_refund",
    "escrow_release",
    "escrow_split",
    "escrow_writeoff",
    "fee_breakdown",
    "fee_schedule_save",
    "payout_complete",
    "payout_fail",
    "payout_return",
    "pending_to_available",
    "wallet_withdraw_reserve",
]

logger = logging.getLogger(__name__)
DEFAULT_CLEARING_DAYS = 5


# --- checks -----------------------------------------------------------------------------


def _money(value, name: str, *, allow_zero: bool = False) -> Money:
    if not isinstance(value, Money):
        raise TypeError(f"{name} must be Money, not {type(value).__name__}")
    if value.is_negative or (value.is_zero and not allow_zero):
        raise ValidationFailed(
            _("The amount must be positive."), code="invalid_amount", details={"field": name}
        )
    return value


def _same_currency(*amounts: Money) -> str:
    currencies = {amount.currency for amount in amounts}
    if len(currencies) != 1:
        raise CurrencyMismatch(details={"currencies": sorted(currencies)})
    return currencies.pop()


def _require_key(idempotency_key) -> str:
    if not idempotency_key:
        raise ValidationFailed(
            _("Money movements need an idempotency key."), code="invalid_idempotency_key"
        )
    return idempotency_key


def _fee_bps(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise ValidationFailed(
            _("A fee rate is between 0 and 10000 basis points."), code="invalid_fee_rate"
        )
    return value


def _existing_escrow(contract_ref: str, currency: str, client=None) -> LedgerAccount:
    """The contract's escrow; a contract never funded has nothing to pay out."""
    if client is not None:
        escrow = ledger.find_account(AccountKind.CONTRACT_ESCROW, currency, client, contract_ref)
    else:
        escrow = LedgerAccount.objects.filter(
            kind=AccountKind.CONTRACT_ESCROW, currency=currency, reference=contract_ref
        ).first()
    if escrow is None:
        raise InsufficientFunds(
            _("Nothing is held in escrow for this contract."),
            details={
                "account_kind": AccountKind.CONTRACT_ESCROW,
                "available": "0",
                "currency": currency,
            },
        )
    return escrow


def _system_account(kind: str, currency: str) -> LedgerAccount:
    return ledger.account_for(kind, currency)


def _user_account(kind: str, user, currency: str) -> LedgerAccount:
    return ledger.account_for(kind, currency, owner=user)


def _clearing_deadline():
    days = getattr(settings, "PAYMENTS_CLEARING_DAYS", DEFAULT_CLEARING_DAYS)
    return timezone.now() + timedelta(days=days)


def _record(*, actor, action: str, txn: LedgerTransaction, payload: dict) -> None:
    details = {"transaction_id": str(txn.pk), **payload}
    audit(actor=actor, action=f"payments.{action}", target=txn, details=details)
    publish(f"payments.{action}", payload=details, actor=actor)


def _nonzero(entries: list) -> list:
    """Drop zero entries; an entry is (account, amount) or (account, amount, item)."""
    return [entry for entry in entries if entry[0] is not None and not entry[1].is_zero]


# --- locks ------------------------------------------------------------------------------


def escrow_lock(
    *, escrow_refs, currency: str, provider_user=None, payments: bool = False
) -> list[LedgerAccount]:
    """Take, before the first posting of a unit of work, every money row it may change, in the
    global lock order of docs/money.md: with ``payments`` the paid Payment rows funding these
    escrows (primary-key order), then the escrows, provider clearing, platform revenue and the
    provider's pending wallet all at once (primary-key order). A unit that posts several times
    would otherwise lock accounts in rounds, against the order. Returns the accounts."""
    escrow_refs = sorted(set(escrow_refs))
    if payments:
        _lock_escrow_payments(escrow_refs)
    accounts = escrow_accounts(
        escrow_refs=escrow_refs, currency=currency, provider_user=provider_user
    )
    ledger.lock_accounts(accounts)
    return accounts


def escrow_accounts(*, escrow_refs, currency: str, provider_user=None) -> list[LedgerAccount]:
    """The ledger accounts money leaving these escrows can reach (not locked)."""
    accounts = [
        *LedgerAccount.objects.filter(
            kind=AccountKind.CONTRACT_ESCROW, currency=currency, reference__in=list(escrow_refs)
        ),
        _system_account(AccountKind.PROVIDER_CLEARING, currency),
        _system_account(AccountKind.PLATFORM_REVENUE, currency),
    ]
    if provider_user is not None:
        accounts.append(_user_account(AccountKind.USER_WALLET_PENDING, provider_user, currency))
    return accounts


def _lock_escrow_payments(escrow_refs: list[str]) -> None:
    paid = Payment.objects.filter(status__in=PAID_STATUSES)
    ids = set(paid.filter(escrow_ref__in=escrow_refs).values_list("pk", flat=True))
    lines = PaymentLine.objects.filter(escrow_ref__in=escrow_refs, payment__in=paid)
    ids |= set(lines.values_list("payment_id", flat=True))
    list(Payment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


# --- escrow -----------------------------------------------------------------------------


@transaction.atomic
def escrow_fund(
    *,
    contract_ref: str,
    client,
    amount: Money,
    idempotency_key: str,
    client_fee: Money | None = None,
    item_ref: str = "",
    actor=None,
) -> LedgerTransaction:
    """A charge of ``amount + client_fee`` succeeded: hold ``amount`` in the contract's escrow
    (for the item ``item_ref``, see ``ledger``) and book ``client_fee`` as platform revenue."""
    _money(amount, "amount")
    if client_fee is None:
        client_fee = Money.zero(amount.currency)
    _money(client_fee, "client_fee", allow_zero=True)
    currency = _same_currency(amount, client_fee)
    _require_key(idempotency_key)
    clearing = _system_account(AccountKind.PROVIDER_CLEARING, currency)
    revenue = _system_account(AccountKind.PLATFORM_REVENUE, currency) if client_fee.minor else None
    escrow = ledger.account_for(AccountKind.CONTRACT_ESCROW, currency, client, contract_ref)
    posting = ledger.post(
        kind=TransactionKind.ESCROW_FUND,
        entries=_nonzero(
            [(clearing, -(amount + client_fee)), (escrow, amount, item_ref), (revenue, client_fee)]
        ),
        reference=contract_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    if posting.created:
        _record(
            actor=actor,
            action="escrow_funded",
            txn=posting.transaction,
            payload={
                "contract_ref": contract_ref,
                "client_id": str(client.pk),
                "amount": amount.as_dict(),
                "client_fee": client_fee.as_dict(),
            },
        )
    return posting.transaction


def _provider_share_entries(escrow, provider_user, gross: Money, fee_bps: int) -> list:
    """Entries paying ``gross`` out of escrow to the provider's pending wallet, less the fee."""
    if provider_user.pk == escrow.owner_id:
        raise ValidationFailed(
            _("A client cannot be paid from their own escrow."), code="self_payment"
        )
    fee, net = gross.split_fee(fee_bps)
    pending = _user_account(AccountKind.USER_WALLET_PENDING, provider_user, gross.currency)
    revenue = _system_account(AccountKind.PLATFORM_REVENUE, gross.currency) if fee.minor else None
    return [(pending, net), (revenue, fee)]


def _hold_earning(txn: LedgerTransaction, provider_user, entries: list) -> None:
    for account, amount, *_item in entries:
        if account.kind == AccountKind.USER_WALLET_PENDING and amount.is_positive:
            PendingEarning.objects.create(
                user=provider_user,
                amount_minor=amount.minor,
                currency=amount.currency,
                source_transaction=txn,
                available_at=_clearing_deadline(),
            )


@transaction.atomic
def escrow_release(
    *,
    contract_ref: str,
    provider_user,
    amount: Money,
    fee_bps: int,
    idempotency_key: str,
    item_ref: str = "",
    actor=None,
) -> LedgerTransaction:
    """Pay ``amount`` of the item ``item_ref`` from escrow to the provider: net earnings go to
    their pending wallet (available after the clearing period), the fee to platform revenue."""
    _money(amount, "amount")
    _fee_bps(fee_bps)
    _require_key(idempotency_key)
    escrow = _existing_escrow(contract_ref, amount.currency)
    share = _provider_share_entries(escrow, provider_user, amount, fee_bps)
    entries = _nonzero([(escrow, -amount, item_ref), *share])
    posting = ledger.post(
        kind=TransactionKind.ESCROW_RELEASE,
        entries=entries,
        reference=contract_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    if posting.created:
        _hold_earning(posting.transaction, provider_user, entries)
        fee, net = amount.split_fee(fee_bps)
        _record(
            actor=actor,
            action="escrow_released",
            txn=posting.transaction,
            payload={
                "contract_ref": contract_ref,
                "provider_id": str(provider_user.pk),
                "amount": amount.as_dict(),
                "platform_fee": fee.as_dict(),
                "provider_net": net.as_dict(),
            },
        )
    return posting.transaction


@transaction.atomic
def escrow_refund(
    *,
    contract_ref: str,
    client,
    amount: Money,
    idempotency_key: str,
    client_fee: Money | None = None,
    item_ref: str = "",
    cover: LedgerAccount | None = None,
    covered: Money | None = None,
    actor=None,
) -> LedgerTransaction:
    """Return ``amount`` to the client (through the provider): out of the escrow of the item
    ``item_ref``, never more than it holds, except ``covered`` of it, which comes out of
    ``cover`` instead (the provider's available balance or refund losses, for money the item
    no longer holds). ``client_fee`` is the share of the client service fee refunded with it
    (taken back from platform revenue, see docs/money.md)."""
    _money(amount, "amount")
    client_fee = Money.zero(amount.currency) if client_fee is None else client_fee
    covered = Money.zero(amount.currency) if covered is None else covered
    _money(client_fee, "client_fee", allow_zero=True)
    _money(covered, "covered", allow_zero=True)
    currency = _same_currency(amount, client_fee, covered)
    _require_key(idempotency_key)
    if covered > amount or (covered.is_positive and cover is None):
        raise ValueError("covered is part of amount and needs a cover account")
    from_escrow = amount - covered
    escrow = _existing_escrow(contract_ref, currency, client) if from_escrow.minor else None
    clearing = _system_account(AccountKind.PROVIDER_CLEARING, currency)
    revenue = _system_account(AccountKind.PLATFORM_REVENUE, currency) if client_fee.minor else None
    posting = ledger.post(
        kind=TransactionKind.ESCROW_REFUND,
        entries=_nonzero(
            [
                (escrow, -from_escrow, item_ref),
                (cover, -covered),
                (revenue, -client_fee),
                (clearing, amount + client_fee),
            ]
        ),
        reference=contract_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    if posting.created:
        _record(
            actor=actor,
            action="escrow_refunded",
            txn=posting.transaction,
            payload={
                "contract_ref": contract_ref,
                "client_id": str(client.pk),
                "amount": amount.as_dict(),
                "client_fee": client_fee.as_dict(),
                "item_ref": item_ref,
                "covered": covered.as_dict(),
            },
        )
    return posting.transaction


@transaction.atomic
def escrow_writeoff(
    *, contract_ref: str, amount: Money, item_ref: str, reason: str, idempotency_key: str, actor
) -> LedgerTransaction:
    """Staff move money stuck in the escrow of a settled item to platform revenue."""
    _money(amount, "amount")
    _require_key(idempotency_key)
    escrow = _existing_escrow(contract_ref, amount.currency)
    revenue = _system_account(AccountKind.PLATFORM_REVENUE, amount.currency)
    posting = ledger.post(
        kind=TransactionKind.ESCROW_WRITEOFF,
        entries=[(escrow, -amount, item_ref), (revenue, amount)],
        reference=contract_ref,
        idempotency_key=idempotency_key,
        memo=reason[:500],
        actor=actor,
    )
    if posting.created:
        _record(
            actor=actor,
            action="escrow_written_off",
            txn=posting.transaction,
            payload={
                "contract_ref": contract_ref,
                "item_ref": item_ref,
                "amount": amount.as_dict(),
                "reason": reason[:500],
            },
        )
    return posting.transaction


@transaction.atomic
def escrow_split(
    *,
    contract_ref: str,
    client,
    provider_user,
    to_provider: Money,
    to_client: Money,
    fee_bps: int,
    idempotency_key: str,
    amount: Money | None = None,
    item_ref: str = "",
    actor=None,
) -> LedgerTransaction:
    """Resolve (part of) an escrow item between both sides, e.g. after a dispute.

    ``to_provider + to_client`` must equal ``amount``, the escrow amount being resolved
    (the whole escrow balance when ``amount`` is None). The provider's part pays the
    platform fee like a release; the client's part is refunded."""
    _money(to_provider, "to_provider", allow_zero=True)
    _money(to_client, "to_client", allow_zero=True)
    if amount is not None:
        _money(amount, "amount")
    currency = _same_currency(to_provider, to_client, *([amount] if amount is not None else []))
    resolved = to_provider + to_client
    _money(resolved, "amount")
    _fee_bps(fee_bps)
    _require_key(idempotency_key)
    kind = TransactionKind.ESCROW_SPLIT
    if (first := ledger.replayed(idempotency_key, kind=kind, reference=contract_ref)) is not None:
        return first
    escrow = _existing_escrow(contract_ref, currency, client)
    refund = [(_system_account(AccountKind.PROVIDER_CLEARING, currency), to_client)]
    share = (
        _provider_share_entries(escrow, provider_user, to_provider, fee_bps)
        if to_provider.minor
        else []
    )
    entries = _nonzero([(escrow, -resolved, item_ref), *share, *refund])
    locked = ledger.lock_accounts(entry[0] for entry in entries)
    if (first := ledger.replayed(idempotency_key, kind=kind, reference=contract_ref)) is not None:
        return first
    expected = amount if amount is not None else locked[escrow.pk].balance_money
    if resolved != expected:
        raise ValidationFailed(
            _("The parts must add up to the amount being resolved (%(amount)s).")
            % {"amount": expected.format()},
            code="split_mismatch",
            details={"expected": expected.as_dict(), "parts": resolved.as_dict()},
        )
    posting = ledger.post(
        kind=kind,
        entries=entries,
        reference=contract_ref,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    if posting.created:
        _hold_earning(posting.transaction, provider_user, entries)
        _record(
            actor=actor,
            action="escrow_split",
            txn=posting.transaction,
            payload={
                "contract_ref": contract_ref,
                "client_id": str(client.pk),
                "provider_id": str(provider_user.pk),
                "to_provider": to_provider.as_dict(),
                "to_client": to_client.as_dict(),
            },
        )
    return posting.transaction


# --- earnings clearing ------------------------------------------------------------------


def earning_clear(*, earning_id, now=None, actor=None) -> bool:
    """Move one matured pending earning to the available wallet; False if not due or done."""
    now = now or timezone.now()
    with transaction.atomic():
        earning = (
            PendingEarning.objects.select_for_update(skip_locked=True)
            .filter(pk=earning_id, cleared_at__isnull=True, available_at__lte=now)
            .first()
        )
        if earning is None:
            return False
        pending = _user_account(AccountKind.USER_WALLET_PENDING, earning.user, earning.currency)
        available = _user_account(AccountKind.USER_WALLET_AVAILABLE, earning.user, earning.currency)
        posting = ledger.post(
            kind=TransactionKind.EARNINGS_CLEAR,
            entries=[(pending, -earning.amount), (available, earning.amount)],
            reference=f"earning:{earning.pk}",
            idempotency_key=f"earning-clear:{earning.pk}",
            actor=actor,
        )
        earning.cleared_at = now
        earning.clear_transaction = posting.transaction
        earning.save(update_fields=["cleared_at", "clear_transaction", "updated_at"])
        _record(
            actor=actor,
            action="earnings_available",
            txn=posting.transaction,
            payload={"user_id": str(earning.user_id), "amount": earning.amount.as_dict()},
        )
    return True


def pending_to_available(*, now=None, limit: int = 500) -> int:
    """The scheduled job: clear every matured pending earning. Safe to run twice or in parallel."""
    now = now or timezone.now()
    due = PendingEarning.objects.filter(cleared_at__isnull=True, available_at__lte=now)
    cleared = 0
    for earning_id in due.order_by("available_at").values_list("pk", flat=True)[:limit]:
        try:
            cleared += earning_clear(earning_id=earning_id, now=now)
        except DomainError:
            logger.exception("pending earning %s could not be cleared", earning_id)
    return cleared


# --- payouts ----------------------------------------------------------------------------


@transaction.atomic
def wallet_withdraw_reserve(*, user, amount: Money, idempotency_key: str, actor=None) -> Payout:
    """Reserve ``amount`` of the user's available balance for a payout to their bank."""
    _money(amount, "amount")
    _require_key(idempotency_key)
    available = _user_account(AccountKind.USER_WALLET_AVAILABLE, user, amount.currency)
    in_transit = _user_account(AccountKind.PAYOUT_CLEARING, user, amount.currency)
    posting = ledger.post(
        kind=TransactionKind.PAYOUT_RESERVE,
        entries=[(available, -amount), (in_transit, amount)],
        reference=f"user:{user.pk}",
        idempotency_key=idempotency_key,
        actor=actor,
    )
    if not posting.created:
        return Payout.objects.get(reserve_transaction=posting.transaction)
    payout = Payout.objects.create(
        user=user,
        amount_minor=amount.minor,
        currency=amount.currency,
        reserve_transaction=posting.transaction,
    )
    _record(
        actor=actor,
        action="payout_requested",
        txn=posting.transaction,
        payload={"payout_id": str(payout.pk), "user_id": str(user.pk), "amount": amount.as_dict()},
    )
    return payout


def _settle_payout(
    *, payout: Payout, outcome: str, destination_kind: str, actor, **fields
) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == outcome:
            return payout
        if payout.status != Payout.Status.PENDING:
            raise InvalidTransition(details={"status": payout.status})
        in_transit = _user_account(AccountKind.PAYOUT_CLEARING, payout.user, payout.currency)
        owner = payout.user if destination_kind == AccountKind.USER_WALLET_AVAILABLE else None
        destination = ledger.account_for(destination_kind, payout.currency, owner)
        kind = (
            TransactionKind.PAYOUT_COMPLETE
            if outcome == Payout.Status.PAID
            else TransactionKind.PAYOUT_FAIL
        )
        txn = ledger.post_transaction(
            kind=kind,
            entries=[(in_transit, -payout.amount), (destination, payout.amount)],
            reference=f"payout:{payout.pk}",
            idempotency_key=f"{kind}:{payout.pk}",
            actor=actor,
        )
        for name, value in fields.items():
            setattr(payout, name, value)
        payout.status, payout.settle_transaction, payout.settled_at = outcome, txn, timezone.now()
        payout.save(
            update_fields=["status", "settle_transaction", "settled_at", *fields, "updated_at"]
        )
        action = "payout_completed" if outcome == Payout.Status.PAID else "payout_failed"
        _record(
            actor=actor,
            action=action,
            txn=txn,
            payload={
                "payout_id": str(payout.pk),
                "user_id": str(payout.user_id),
                "amount": payout.amount.as_dict(),
            },
        )
    return payout


def payout_complete(*, payout: Payout, provider_reference: str = "", actor=None) -> Payout:
    """The bank transfer went through: the money leaves the platform. Repeat-safe."""
    return _settle_payout(
        payout=payout,
        outcome=Payout.Status.PAID,
        destination_kind=AccountKind.PROVIDER_CLEARING,
        actor=actor,
        provider_reference=provider_reference[:200],
    )


def payout_fail(*, payout: Payout, reason: str = "", actor=None) -> Payout:
    """The bank transfer failed: the money goes back to the available balance. Repeat-safe."""
    return _settle_payout(
        payout=payout,
        outcome=Payout.Status.FAILED,
        destination_kind=AccountKind.USER_WALLET_AVAILABLE,
        actor=actor,
        failure_reason=reason[:500],
    )


def payout_return(*, payout: Payout, reason: str = "", actor=None) -> Payout:
    """The provider reported a paid payout failed after all (the bank sent it back): a
    reversing posting returns the money to the user's available balance. Repeat-safe."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == Payout.Status.RETURNED:
            return payout
        if payout.status != Payout.Status.PAID:
            raise InvalidTransition(details={"status": payout.status})
        clearing = _system_account(AccountKind.PROVIDER_CLEARING, payout.currency)
        available = _user_account(AccountKind.USER_WALLET_AVAILABLE, payout.user, payout.currency)
        posting = ledger.post(
            kind=TransactionKind.PAYOUT_RETURN,
            entries=[(clearing, -payout.amount), (available, payout.amount)],
            reference=f"payout:{payout.pk}",
            idempotency_key=f"{TransactionKind.PAYOUT_RETURN}:{payout.pk}",
            actor=actor,
        )
        payout.status, payout.return_transaction = Payout.Status.RETURNED, posting.transaction
        payout.returned_at, payout.failure_reason = timezone.now(), reason[:500]
        payout.save(
            update_fields=[
                "status",
                "return_transaction",
                "returned_at",
                "failure_reason",
                "updated_at",
            ]
        )
        _record(
            actor=actor,
            action="payout_returned",
            txn=posting.transaction,
            payload={
                "payout_id": str(payout.pk),
                "user_id": str(payout.user_id),
                "amount": payout.amount.as_dict(),
                "reason": payout.failure_reason,
            },
        )
    return payout


# --- fee schedule -----------------------------------------------------------------------


@transaction.atomic
def fee_schedule_save(*, schedule: FeeSchedule, actor) -> FeeSchedule:
    """Create or change a fee schedule row (staff only). New rates apply to new prices only."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied()
    try:
        schedule.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict) from exc
    schedule.save()
    audit(
        actor=actor,
        action="payments.fee_schedule_saved",
        target=schedule,
        details={
            "category_slug": schedule.category_slug,
            "currency": schedule.currency,
            "platform_fee_bps": schedule.platform_fee_bps,
            "client_fee_bps": schedule.client_fee_bps,
            "client_fee_min_minor": schedule.client_fee_min_minor,
        },
    )
    return schedule
