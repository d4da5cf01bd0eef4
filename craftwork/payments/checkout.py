"""Charging a payer through the configured provider and funding escrow on success.

    payment = payment_start(payer=..., amount=Money(...), purpose="contract_funding",
                            reference="milestone:<uuid>", escrow_ref="contract:<uuid>",
                            description=..., return_url="/contracts/<uuid>/",
                            idempotency_key=...)
    redirect(payment.checkout_url)

The payer completes the provider's page, comes back to ``payments:return`` and the
provider also sends webhook events. Either path (``payment_refresh`` or the webhook)
ends in ``payment_apply_intent``, which converges the Payment to the provider's state.
The first time it sees the payment succeeded it posts ``escrow_fund`` (idempotency key
``payment:<id>``), issues the receipt and calls the purpose's fulfillment handler, all in
one transaction under the Payment row lock, so that happens exactly once.

A handler that raises a ``DomainError`` (e.g. the contract was cancelled meanwhile) does
not undo the charge: the payment stays funded, ``fulfillment_error`` records why, and the
escrowed amount (with its client service fee) is refunded to the payer automatically.

Split payments (a cart): one charge, one escrow per line::

    payment = payment_start_split(payer=..., lines=[PaymentLine(reference="checkout-line:<uuid>",
        escrow_ref="contract:<uuid>", amount=Money(...), category_slug=..., description=...)],
        purpose="commerce_checkout", reference="checkout:<uuid>", description=...,
        return_url=..., idempotency_key=...)
    register_fulfillment("commerce_checkout", handler, per_line=True)

On success every line gets its own ``escrow_fund`` (key ``payment:<id>:line:<position>``, with
that line's client fee), then ``handler(payment, line)`` runs in a savepoint per line; a
``DomainError`` refunds that line (amount and client fee) and records
``line.fulfillment_error``, the other lines stand.

``register_fulfillment(..., lock=fn)``: ``fn(payment)`` runs in the transaction that applies
a successful charge, before the Payment row is locked and before any ledger posting, so a
purpose can take its own row locks first (contracts locks the contract: contract → payment →
ledger, the order its approval and cancellation services use as well). It returns the ledger
accounts its handler will post to (or None); they are locked with the funding's accounts, all
at once after the Payment row, so the handler's posting takes no ledger lock in a second round.

Events: ``payments.payment_succeeded``, ``payments.payment_failed`` (declined; the payer may
retry on the same payment), ``payments.payment_canceled`` (cancelled or expired, final) and,
per line of a split payment, ``payments.payment_line_failed``.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.db import run_with_retry
from craftwork.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CurrencyMismatch, Money

from . import ledger, receipts, services
from .errors import IdempotencyKeyReused
from .fees import MAX_CHARGE_MINOR, fee_breakdown
from .models import AccountKind, LedgerAccount, Payment
from .models import PaymentLine as PaymentLineRecord
from .providers import get_provider

__all__ = [
    "MAX_CHARGE_MINOR",
    "MAX_LINES",
    "Payment",
    "PaymentLine",
    "payment_apply_intent",
    "payment_cancel",
    "payment_expire",
    "payment_refresh",
    "payment_start",
    "payment_start_split",
    "refund_for_escrow",
    "register_fulfillment",
]

logger = logging.getLogger(__name__)

PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

MAX_LINES = 50


@dataclass(frozen=True)
class Fulfillment:
    handler: Callable
    per_line: bool = False
    lock: Callable | None = None


_fulfillments: dict[str, Fulfillment] = {}


def register_fulfillment(
    purpose: str, handler: Callable, *, per_line: bool = False, lock: Callable | None = None
) -> None:
    """``handler(payment)`` (``handler(payment, line)`` per line with ``per_line=True``, for
    payments started with ``payment_start_split``) runs once, in the transaction where the
    payment succeeds and its escrow is funded. It must be idempotent; a ``DomainError``
    refunds the payment (the line). ``lock(payment)`` runs first in that transaction, before
    the Payment row lock and any ledger lock, and returns the ledger accounts the handler posts
    to (see the module docstring)."""
    if not PURPOSE_RE.match(purpose):
        raise ValueError(f"invalid purpose {purpose!r}")
    if not callable(handler) or (lock is not None and not callable(lock)):
        raise TypeError("handler and lock must be callables")
    _fulfillments[purpose] = Fulfillment(handler, bool(per_line), lock)


def registered_purposes() -> tuple[str, ...]:
    return tuple(sorted(_fulfillments))


@dataclass(frozen=True)
class PaymentLine:
    """One line of a split payment (what ``payment_start_split`` takes)."""

    reference: str  # what the line is for, e.g. "checkout-line:<uuid>"
    escrow_ref: str  # the escrow it funds, e.g. "contract:<uuid>"
    amount: Money  # before the client service fee
    category_slug: str | None = None  # picks the fee schedule
    description: str = ""


# --- start ------------------------------------------------------------------------------


class PaymentError(ValidationFailed):
    code = "invalid_payment"


def _check_amount(amount) -> Money:
    if not isinstance(amount, Money):
        raise TypeError(f"amount must be Money, not {type(amount).__name__}")
    if not amount.is_positive:
        raise PaymentError(_("The amount must be positive."), code="invalid_amount")
    return amount


def _check_text(value, name: str, max_length: int, *, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > max_length or (required and not value):
        raise PaymentError(
            _("%(field)s must be text of at most %(max)d characters.")
            % {"field": name, "max": max_length},
            details={"field": name},
        )
    return value


def _check_return_url(url: str) -> str:
    _check_text(url, "return_url", 500, required=False)
    if not url:
        return url
    site_host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    if url.startswith("//") or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={site_host}, require_https=False
    ):
        raise PaymentError(
            _("The return address must be on this site."), details={"field": "return_url"}
        )
    return url


def _check_escrow(escrow_ref: str, payer, currency: str) -> None:
    """One currency and one paying client per escrow."""
    escrows = LedgerAccount.objects.filter(kind=AccountKind.CONTRACT_ESCROW, reference=escrow_ref)
    others = Payment.objects.filter(escrow_ref=escrow_ref)
    lines = PaymentLineRecord.objects.filter(escrow_ref=escrow_ref)
    if (
        escrows.exclude(currency=currency).exists()
        or others.exclude(currency=currency).exists()
        or lines.exclude(currency=currency).exists()
    ):
        raise CurrencyMismatch(
            _("This contract is paid in another currency."), details={"currency": currency}
        )
    if escrows.exclude(owner=payer).exists():
        raise PermissionDenied(
            _("This escrow belongs to another client."), code="escrow_owner_mismatch"
        )


def _check_purpose(purpose: str, *, per_line: bool) -> Fulfillment:
    fulfillment = _fulfillments.get(purpose) if isinstance(purpose, str) else None
    if fulfillment is None:
        raise PaymentError(_("Unknown payment purpose."), code="unknown_purpose")
    if fulfillment.per_line != per_line:
        raise PaymentError(
            _("This kind of payment is started differently."), code="purpose_mismatch"
        )
    return fulfillment


def _check_payer(payer) -> None:
    if not getattr(payer, "is_authenticated", False) or not payer.is_active:
        raise PermissionDenied()


def _check_total(total_minor: int) -> None:
    if total_minor > MAX_CHARGE_MINOR:
        raise PaymentError(
            _("The amount is larger than a single payment may be."),
            code="amount_too_large",
            details={"max_minor": MAX_CHARGE_MINOR},
        )


def _replay(existing: Payment, *, payer, amount, purpose, reference, escrow_ref) -> Payment:
    same = (
        not existing.is_split
        and existing.payer_id == payer.pk
        and existing.amount == amount
        and (existing.purpose, existing.reference, existing.escrow_ref)
        == (purpose, reference, escrow_ref)
    )
    if not same:
        raise IdempotencyKeyReused(details={"idempotency_key": existing.idempotency_key})
    return existing


def _open_checkout(fields: dict, *, lines: Sequence[dict] = (), details: dict, replay) -> Payment:
    """Create the Payment (and its lines) and the provider's checkout in one transaction.
    Two requests racing with one idempotency key: the unique index lets one in, the other
    answers as a replay of it."""
    provider = get_provider()
    try:
        with transaction.atomic():
            payment = Payment.objects.create(**fields, provider=provider.name)
            PaymentLineRecord.objects.bulk_create(
                PaymentLineRecord(payment=payment, currency=payment.currency, **line)
                for line in lines
            )
            session = provider.create_payment(payment)
            payment.provider_payment_id = session.provider_payment_id
            payment.provider_intent_id = session.provider_intent_id
            payment.checkout_url = session.checkout_url
            payment.save(
                update_fields=[
                    "provider_payment_id",
                    "provider_intent_id",
                    "checkout_url",
                    "updated_at",
                ]
            )
            audit(
                actor=fields["payer"],
                action="payments.payment_started",
                target=payment,
                details={**details, "provider": provider.name},
            )
    except IntegrityError:
        existing = Payment.objects.filter(idempotency_key=fields["idempotency_key"]).first()
        if existing is None:
            raise
        return replay(existing)
    return payment


def payment_start(
    *,
    payer,
    amount: Money,
    purpose: str,
    reference: str,
    escrow_ref: str,
    description: str,
    return_url: str,
    idempotency_key: str,
    category_slug: str | None = None,
) -> Payment:
    """Create a payment of ``amount`` plus the client service fee and open the provider's
    checkout. The same idempotency key with the same request returns the same payment."""
    _check_amount(amount)
    _check_text(idempotency_key, "idempotency_key", 255)
    _check_purpose(purpose, per_line=False)
    _check_text(reference, "reference", 200)
    _check_text(escrow_ref, "escrow_ref", 200)
    _check_text(description, "description", 500, required=False)
    _check_return_url(return_url)
    _check_payer(payer)

    def replay(existing):
        return _replay(
            existing,
            payer=payer,
            amount=amount,
            purpose=purpose,
            reference=reference,
            escrow_ref=escrow_ref,
        )

    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return replay(existing)
    breakdown = fee_breakdown(amount, category_slug)
    _check_total(breakdown.total.minor)
    _check_escrow(escrow_ref, payer, amount.currency)
    return _open_checkout(
        {
            "payer": payer,
            "amount_minor": amount.minor,
            "client_fee_minor": breakdown.client_fee.minor,
            "currency": amount.currency,
            "purpose": purpose,
            "reference": reference,
            "escrow_ref": escrow_ref,
            "description": description,
            "return_url": return_url,
            "category_slug": category_slug or "",
            "idempotency_key": idempotency_key,
        },
        details={
            "purpose": purpose,
            "reference": reference,
            "escrow_ref": escrow_ref,
            "amount": amount.as_dict(),
            "client_fee": breakdown.client_fee.as_dict(),
        },
        replay=replay,
    )


# --- split payments ---------------------------------------------------------------------------


def _check_lines(lines) -> list[PaymentLine]:
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise TypeError("lines must be a list of PaymentLine")
    if not lines:
        raise PaymentError(_("A payment needs at least one line."), code="no_lines")
    if len(lines) > MAX_LINES:
        raise PaymentError(
            _("A payment has at most %(max)d lines.") % {"max": MAX_LINES},
            code="too_many_lines",
            details={"max_lines": MAX_LINES},
        )
    for line in lines:
        if not isinstance(line, PaymentLine):
            raise TypeError(f"lines must be PaymentLine, not {type(line).__name__}")
        _check_amount(line.amount)
        _check_text(line.reference, "reference", 200)
        _check_text(line.escrow_ref, "escrow_ref", 200)
        _check_text(line.description, "description", 500, required=False)
        if line.category_slug is not None:
            _check_text(line.category_slug, "category_slug", 100, required=False)
    currencies = sorted({line.amount.currency for line in lines})
    if len(currencies) != 1:
        raise CurrencyMismatch(
            _("All lines of a payment are in one currency."), details={"currencies": currencies}
        )
    for attribute in ("reference", "escrow_ref"):
        values = [getattr(line, attribute) for line in lines]
        if len(set(values)) != len(values):
            raise PaymentError(
                _("Each line of a payment is for a different item."),
                code="duplicate_line",
                details={"field": attribute},
            )
    return list(lines)


def _line_signature(lines) -> list[tuple]:
    return [
        (
            line.reference,
            line.escrow_ref,
            line.amount.minor,
            line.amount.currency,
            line.category_slug or "",
        )
        for line in lines
    ]


def _replay_split(existing: Payment, *, payer, lines, purpose, reference) -> Payment:
    recorded = [
        (line.reference, line.escrow_ref, line.amount_minor, line.currency, line.category_slug)
        for line in existing.lines.order_by("position")
    ]
    same = (
        existing.is_split
        and existing.payer_id == payer.pk
        and (existing.purpose, existing.reference) == (purpose, reference)
        and recorded == _line_signature(lines)
    )
    if not same:
        raise IdempotencyKeyReused(details={"idempotency_key": existing.idempotency_key})
    return existing


def payment_start_split(
    *,
    payer,
    lines: Sequence[PaymentLine],
    purpose: str,
    reference: str,
    description: str,
    return_url: str,
    idempotency_key: str,
) -> Payment:
    """One charge for several lines (a cart): the lines' amounts plus each line's client
    service fee (with its category's rates). On success each line funds its own escrow and
    the purpose's handler runs per line (``register_fulfillment(..., per_line=True)``). The
    same idempotency key with the same request returns the same payment."""
    lines = _check_lines(lines)
    _check_text(idempotency_key, "idempotency_key", 255)
    _check_purpose(purpose, per_line=True)
    _check_text(reference, "reference", 200)
    _check_text(description, "description", 500, required=False)
    _check_return_url(return_url)
    _check_payer(payer)

    def replay(existing):
        return _replay_split(
            existing, payer=payer, lines=lines, purpose=purpose, reference=reference
        )

    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return replay(existing)
    currency = lines[0].amount.currency
    fees = [fee_breakdown(line.amount, line.category_slug).client_fee for line in lines]
    amount_minor = sum(line.amount.minor for line in lines)
    fee_minor = sum(fee.minor for fee in fees)
    _check_total(amount_minor + fee_minor)
    for line in lines:
        _check_escrow(line.escrow_ref, payer, currency)
    rows = [
        {
            "position": position,
            "reference": line.reference,
            "escrow_ref": line.escrow_ref,
            "description": line.description,
            "category_slug": line.category_slug or "",
            "amount_minor": line.amount.minor,
            "client_fee_minor": fee.minor,
        }
        for position, (line, fee) in enumerate(zip(lines, fees, strict=True), start=1)
    ]
    return _open_checkout(
        {
            "payer": payer,
            "amount_minor": amount_minor,
            "client_fee_minor": fee_minor,
            "currency": currency,
            "purpose": purpose,
            "reference": reference,
            "escrow_ref": "",
            "is_split": True,
            "description": description,
            "return_url": return_url,
            "idempotency_key": idempotency_key,
        },
        lines=rows,
        details={
            "purpose": purpose,
            "reference": reference,
            "amount": Money(amount_minor, currency).as_dict(),
            "client_fee": Money(fee_minor, currency).as_dict(),
            "lines": [
                {
                    "reference": row["reference"],
                    "escrow_ref": row["escrow_ref"],
                    "amount_minor": row["amount_minor"],
                    "client_fee_minor": row["client_fee_minor"],
                }
                for row in rows
            ],
        },
        replay=replay,
    )


# --- converge to the provider's state ------------------------------------------------------


def _intent_outcome(intent: dict) -> tuple[str, str, str]:
    """(status, failure code, failure message) of a Stripe PaymentIntent."""
    status = intent.get("status")
    error = intent.get("last_payment_error") or {}
    if status == "succeeded":
        return Payment.Status.SUCCEEDED, "", ""
    if status == "requires_payment_method" and error:
        decline = error.get("decline_code") or ""
        code = decline if decline and decline != "generic_decline" else error.get("code") or ""
        if code == "authentication_failed":
            code = error.get("code") or code
        return Payment.Status.FAILED, code[:100], str(error.get("message") or "")[:500]
    mapping = {
        "requires_payment_method": Payment.Status.REQUIRES_PAYMENT_METHOD,
        "requires_confirmation": Payment.Status.PROCESSING,
        "requires_capture": Payment.Status.PROCESSING,
        "requires_action": Payment.Status.REQUIRES_ACTION,
        "processing": Payment.Status.PROCESSING,
        "canceled": Payment.Status.CANCELED,
    }
    if status not in mapping:
        raise ValidationFailed(
            _("Unknown payment status from the provider."),
            code="unknown_provider_status",
            details={"status": str(status)[:50]},
        )
    return mapping[status], "", ""


def find_payment_for_intent(intent: dict) -> Payment | None:
    payment_id = (intent.get("metadata") or {}).get("payment_id")
    if payment_id:
        try:
            return Payment.objects.filter(pk=uuid.UUID(str(payment_id))).first()
        except ValueError:
            return None
    intent_id = intent.get("id") or ""
    return Payment.objects.filter(provider_intent_id=intent_id).first() if intent_id else None


def _check_intent_matches(payment: Payment, intent: dict) -> None:
    amount, currency = intent.get("amount"), str(intent.get("currency") or "").upper()
    if amount != payment.total.minor or currency != payment.currency:
        raise ValidationFailed(
            _("The provider reports a different amount for this payment."),
            code="provider_amount_mismatch",
            details={"expected": payment.total.as_dict(), "reported": [amount, currency]},
        )


def payment_apply_intent(intent: dict, *, actor=None) -> Payment | None:
    """Bring the Payment in line with the provider's PaymentIntent; None if unknown."""
    found = find_payment_for_intent(intent)
    if found is None:
        return None
    status, code, message = _intent_outcome(intent)
    return run_with_retry(lambda: _apply_intent(found, intent, status, code, message, actor))


def _apply_intent(found, intent, status, code, message, actor) -> Payment:
    with transaction.atomic():
        accounts = []
        if status == Payment.Status.SUCCEEDED and not found.is_paid:
            accounts = _take_purpose_lock(found)
        # Only the Payment row: its payer's user row is not ours to lock (foreign keys to it
        # take a share lock, so locking it would stall unrelated writes behind this one).
        payment = (
            Payment.objects.select_for_update(of=("self",)).select_related("payer").get(pk=found.pk)
        )
        _check_intent_matches(payment, intent)
        if intent.get("id") and not payment.provider_intent_id:
            payment.provider_intent_id = str(intent["id"])[:255]
            payment.save(update_fields=["provider_intent_id", "updated_at"])
        if status == Payment.Status.SUCCEEDED:
            _succeed(payment, intent, actor, accounts)
        elif not payment.is_paid and payment.status != Payment.Status.CANCELED:
            _set_open_state(payment, status, code, message, actor)
    return payment


def _take_purpose_lock(payment: Payment) -> list:
    """The purpose's own locks first (purpose and reference never change, so the unlocked
    row is enough to know them); see ``register_fulfillment``. Returns the ledger accounts
    its handler posts to."""
    fulfillment = _fulfillments.get(payment.purpose)
    if fulfillment is not None and fulfillment.lock is not None:
        return list(fulfillment.lock(payment) or ())
    return []


def _set_open_state(payment: Payment, status: str, code: str, message: str, actor) -> None:
    if (payment.status, payment.failure_code, payment.failure_message) == (status, code, message):
        return
    payment.status, payment.failure_code, payment.failure_message = status, code, message
    payment.save(update_fields=["status", "failure_code", "failure_message", "updated_at"])
    details = {"status": status, "failure_code": code}
    audit(actor=actor, action="payments.payment_updated", target=payment, details=details)
    if status == Payment.Status.FAILED:
        publish("payments.payment_failed", payload=_payload(payment), actor=actor)


def _payload(payment: Payment) -> dict:
    return {
        "payment_id": str(payment.pk),
        "payer_id": str(payment.payer_id),
        "purpose": payment.purpose,
        "reference": payment.reference,
        "escrow_ref": payment.escrow_ref,
        "is_split": payment.is_split,
        "status": payment.status,
        "amount_minor": payment.amount_minor,
        "client_fee_minor": payment.client_fee_minor,
        "currency": payment.currency,
        "failure_code": payment.failure_code,
    }


def _charge_id(intent: dict) -> str:
    charge = intent.get("latest_charge") or ""
    if isinstance(charge, dict):
        charge = charge.get("id") or ""
    return str(charge)[:255]


def _succeed(payment: Payment, intent: dict, actor, purpose_accounts: list) -> None:
    if payment.is_paid:
        return
    if payment.is_split:
        txn, lines = None, _fund_lines(payment, actor, purpose_accounts)
    else:
        lines = []
        ledger.lock_accounts([*_fund_accounts(payment, [payment.escrow_ref]), *purpose_accounts])
        txn = services.escrow_fund(
            contract_ref=payment.escrow_ref,
            client=payment.payer,
            amount=payment.amount,
            client_fee=payment.client_fee,
            idempotency_key=f"payment:{payment.pk}",
            item_ref=payment.reference,
            actor=actor,
        )
    payment.status = Payment.Status.SUCCEEDED
    payment.provider_charge_id = _charge_id(intent) or payment.provider_charge_id
    payment.fund_transaction = txn
    payment.succeeded_at = timezone.now()
    payment.failure_code = payment.failure_message = ""
    payment.save(
        update_fields=[
            "status",
            "provider_charge_id",
            "fund_transaction",
            "succeeded_at",
            "failure_code",
            "failure_message",
            "updated_at",
        ]
    )
    receipt = receipts.issue_for_payment(payment)
    details = {"receipt": receipt.display_number}
    if txn is not None:
        details["transaction_id"] = str(txn.pk)
    else:
        details["transaction_ids"] = [str(line.fund_transaction_id) for line in lines]
    audit(actor=actor, action="payments.payment_succeeded", target=payment, details=details)
    publish("payments.payment_succeeded", payload=_payload(payment), actor=actor)
    if payment.is_split:
        _fulfill_lines(payment, lines)
    else:
        _fulfill(payment)


def _fund_accounts(payment: Payment, escrow_refs: list[str]) -> list[LedgerAccount]:
    """Every account the funding postings use (provider clearing, the escrows, revenue)."""
    currency = payment.currency
    accounts = [
        ledger.account_for(AccountKind.PROVIDER_CLEARING, currency),
        *(
            ledger.account_for(AccountKind.CONTRACT_ESCROW, currency, payment.payer, ref)
            for ref in escrow_refs
        ),
    ]
    if payment.client_fee_minor:
        accounts.append(ledger.account_for(AccountKind.PLATFORM_REVENUE, currency))
    return accounts


def _fund_lines(payment: Payment, actor, purpose_accounts: list) -> list[PaymentLineRecord]:
    """One ``escrow_fund`` per line. Every account involved is locked first, in the ledger's
    primary-key order, so the postings of the lines cannot interleave into a lock cycle with
    another transaction."""
    lines = list(payment.lines.order_by("position"))
    accounts = _fund_accounts(payment, [line.escrow_ref for line in lines])
    ledger.lock_accounts([*accounts, *purpose_accounts])
    for line in lines:
        line.fund_transaction = services.escrow_fund(
            contract_ref=line.escrow_ref,
            client=payment.payer,
            amount=line.amount,
            client_fee=line.client_fee,
            idempotency_key=f"payment:{payment.pk}:line:{line.position}",
            actor=actor,
        )
        line.save(update_fields=["fund_transaction", "updated_at"])
    return lines


def _refund_reason(exc: DomainError) -> str:
    return str(_("The order could not be completed: %(reason)s") % {"reason": exc.message})[:500]


def _fulfill(payment: Payment) -> None:
    fulfillment = _fulfillments.get(payment.purpose)
    try:
        if fulfillment is None or fulfillment.per_line:
            raise InvalidTransition(_("Nothing is waiting for this payment."))
        with transaction.atomic():
            fulfillment.handler(payment)
    except DomainError as exc:
        from .refunds import refund_create

        logger.warning("payment %s could not be fulfilled: %s", payment.pk, exc.message)
        payment.fulfillment_error = exc.message[:500]
        payment.save(update_fields=["fulfillment_error", "updated_at"])
        audit(
            actor=None,
            action="payments.fulfillment_failed",
            target=payment,
            details={"code": exc.code, "message": exc.message[:500]},
        )
        refund_create(
            payment=payment,
            amount=payment.amount,
            origin="fulfillment",
            reason=_refund_reason(exc),
            actor=None,
            idempotency_key=f"fulfillment-refund:{payment.pk}",
        )


def _fulfill_lines(payment: Payment, lines: list[PaymentLineRecord]) -> None:
    """``handler(payment, line)`` per line, each in its own savepoint: a line that cannot be
    fulfilled is refunded (amount and client fee) and the others stand."""
    fulfillment = _fulfillments.get(payment.purpose)
    for line in lines:
        if line.fulfilled_at or line.fulfillment_error:
            continue
        try:
            if fulfillment is None or not fulfillment.per_line:
                raise InvalidTransition(_("Nothing is waiting for this payment."))
            with transaction.atomic():
                fulfillment.handler(payment, line)
        except DomainError as exc:
            _line_failed(payment, line, exc)
        else:
            line.fulfilled_at = timezone.now()
            line.save(update_fields=["fulfilled_at", "updated_at"])


def _line_failed(payment: Payment, line: PaymentLineRecord, exc: DomainError) -> None:
    from .refunds import refund_create

    logger.warning(
        "payment %s line %s could not be fulfilled: %s", payment.pk, line.position, exc.message
    )
    line.fulfillment_error = exc.message[:500]
    line.save(update_fields=["fulfillment_error", "updated_at"])
    details = {
        "line_id": str(line.pk),
        "reference": line.reference,
        "code": exc.code,
        "message": exc.message[:500],
    }
    audit(actor=None, action="payments.line_fulfillment_failed", target=payment, details=details)
    refund_create(
        payment=payment,
        line=line,
        amount=line.amount,
        origin="fulfillment",
        reason=_refund_reason(exc),
        actor=None,
        idempotency_key=f"fulfillment-refund:{payment.pk}:line:{line.position}",
    )
    publish(
        "payments.payment_line_failed",
        payload={
            **_payload(payment),
            "line_id": str(line.pk),
            "line_reference": line.reference,
            "line_escrow_ref": line.escrow_ref,
            "line_amount_minor": line.amount_minor,
            "line_client_fee_minor": line.client_fee_minor,
            "fulfillment_error": line.fulfillment_error,
        },
    )


def payment_refresh(*, payment: Payment, actor=None) -> Payment:
    """Ask the provider for the payment's state and apply it (the return page does this)."""
    if payment.is_paid or payment.status == Payment.Status.CANCELED:
        return payment
    intent = get_provider(payment.provider).retrieve_payment(payment)
    return payment_apply_intent(intent, actor=actor) or payment


def payment_cancel(*, payment: Payment, actor) -> Payment:
    """The payer (or staff) abandons an unpaid payment."""
    if actor.pk != payment.payer_id and not actor.is_staff:
        raise PermissionDenied()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.CANCELED:
            return payment
        if not payment.is_open:
            raise InvalidTransition(details={"status": payment.status})
        get_provider(payment.provider).cancel_payment(payment)
        payment.status = Payment.Status.CANCELED
        payment.save(update_fields=["status", "updated_at"])
        audit(actor=actor, action="payments.payment_canceled", target=payment)
        publish("payments.payment_canceled", payload=_payload(payment), actor=actor)
    return payment


def payment_expire(*, payment: Payment) -> Payment:
    """The provider closed the checkout unpaid (a Stripe Checkout Session expired)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.is_open:
            payment.status = Payment.Status.CANCELED
            payment.save(update_fields=["status", "updated_at"])
            audit(actor=None, action="payments.payment_expired", target=payment)
            publish("payments.payment_canceled", payload=_payload(payment))
    return payment


def refund_for_escrow(
    *, escrow_ref: str, amount: Money, reason: str, actor, idempotency_key: str, item_ref=None
):
    """Refund ``amount`` of what the payer paid into ``escrow_ref`` for the item ``item_ref``
    (see ``refunds``)."""
    from .refunds import refund_for_escrow as _refund_for_escrow

    return _refund_for_escrow(
        escrow_ref=escrow_ref,
        amount=amount,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
        item_ref=item_ref,
    )
