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
escrowed amount is refunded to the payer automatically.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import CurrencyMismatch, Money

from . import receipts, services
from .errors import IdempotencyKeyReused
from .fees import fee_breakdown
from .models import AccountKind, LedgerAccount, Payment
from .providers import get_provider

__all__ = [
    "MAX_CHARGE_MINOR",
    "Payment",
    "payment_apply_intent",
    "payment_cancel",
    "payment_expire",
    "payment_refresh",
    "payment_start",
    "refund_for_escrow",
    "register_fulfillment",
]

logger = logging.getLogger(__name__)

# What one charge may be, in minor units of any currency (Stripe's eight-digit limit).
MAX_CHARGE_MINOR = 99_999_999
PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

_fulfillment_handlers: dict[str, Callable] = {}


def register_fulfillment(purpose: str, handler: Callable) -> None:
    """``handler(payment)`` runs once, in the transaction where the payment succeeds and
    its escrow is funded. It must be idempotent; a ``DomainError`` refunds the payment."""
    if not PURPOSE_RE.match(purpose):
        raise ValueError(f"invalid purpose {purpose!r}")
    _fulfillment_handlers[purpose] = handler


def registered_purposes() -> tuple[str, ...]:
    return tuple(sorted(_fulfillment_handlers))


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
    if escrows.exclude(currency=currency).exists() or others.exclude(currency=currency).exists():
        raise CurrencyMismatch(
            _("This contract is paid in another currency."), details={"currency": currency}
        )
    if escrows.exclude(owner=payer).exists():
        raise PermissionDenied(
            _("This escrow belongs to another client."), code="escrow_owner_mismatch"
        )


def _replay(existing: Payment, *, payer, amount, purpose, reference, escrow_ref) -> Payment:
    same = (
        existing.payer_id == payer.pk
        and existing.amount == amount
        and (existing.purpose, existing.reference, existing.escrow_ref)
        == (purpose, reference, escrow_ref)
    )
    if not same:
        raise IdempotencyKeyReused(details={"idempotency_key": existing.idempotency_key})
    return existing


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
    if purpose not in _fulfillment_handlers:
        raise PaymentError(_("Unknown payment purpose."), code="unknown_purpose")
    _check_text(reference, "reference", 200)
    _check_text(escrow_ref, "escrow_ref", 200)
    _check_text(description, "description", 500, required=False)
    _check_return_url(return_url)
    if not getattr(payer, "is_authenticated", False) or not payer.is_active:
        raise PermissionDenied()
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(
            existing,
            payer=payer,
            amount=amount,
            purpose=purpose,
            reference=reference,
            escrow_ref=escrow_ref,
        )
    breakdown = fee_breakdown(amount, category_slug)
    if breakdown.total.minor > MAX_CHARGE_MINOR:
        raise PaymentError(
            _("The amount is larger than a single payment may be."),
            code="amount_too_large",
            details={"max_minor": MAX_CHARGE_MINOR},
        )
    _check_escrow(escrow_ref, payer, amount.currency)
    provider = get_provider()
    with transaction.atomic():
        payment = Payment.objects.create(
            payer=payer,
            amount_minor=amount.minor,
            client_fee_minor=breakdown.client_fee.minor,
            currency=amount.currency,
            purpose=purpose,
            reference=reference,
            escrow_ref=escrow_ref,
            description=description,
            return_url=return_url,
            category_slug=category_slug or "",
            provider=provider.name,
            idempotency_key=idempotency_key,
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
            actor=payer,
            action="payments.payment_started",
            target=payment,
            details={
                "purpose": purpose,
                "reference": reference,
                "escrow_ref": escrow_ref,
                "amount": amount.as_dict(),
                "client_fee": breakdown.client_fee.as_dict(),
                "provider": provider.name,
            },
        )
    return payment


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
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("payer").get(pk=found.pk)
        _check_intent_matches(payment, intent)
        if intent.get("id") and not payment.provider_intent_id:
            payment.provider_intent_id = str(intent["id"])[:255]
            payment.save(update_fields=["provider_intent_id", "updated_at"])
        status, code, message = _intent_outcome(intent)
        if status == Payment.Status.SUCCEEDED:
            _succeed(payment, intent, actor)
        elif not payment.is_paid and payment.status != Payment.Status.CANCELED:
            _set_open_state(payment, status, code, message, actor)
    return payment


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


def _succeed(payment: Payment, intent: dict, actor) -> None:
    if payment.is_paid:
        return
    txn = services.escrow_fund(
        contract_ref=payment.escrow_ref,
        client=payment.payer,
        amount=payment.amount,
        client_fee=payment.client_fee,
        idempotency_key=f"payment:{payment.pk}",
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
    audit(
        actor=actor,
        action="payments.payment_succeeded",
        target=payment,
        details={"transaction_id": str(txn.pk), "receipt": receipt.display_number},
    )
    publish("payments.payment_succeeded", payload=_payload(payment), actor=actor)
    _fulfill(payment)


def _fulfill(payment: Payment) -> None:
    handler = _fulfillment_handlers.get(payment.purpose)
    try:
        if handler is None:
            raise InvalidTransition(_("Nothing is waiting for this payment."))
        with transaction.atomic():
            handler(payment)
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
            reason=str(_("The order could not be completed: %(reason)s") % {"reason": exc.message})[
                :500
            ],
            actor=None,
            idempotency_key=f"fulfillment-refund:{payment.pk}",
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


def refund_for_escrow(*, escrow_ref: str, amount: Money, reason: str, actor, idempotency_key: str):
    """Refund ``amount`` of what the payer paid into ``escrow_ref`` (see ``refunds``)."""
    from .refunds import refund_for_escrow as _refund_for_escrow

    return _refund_for_escrow(
        escrow_ref=escrow_ref,
        amount=amount,
        reason=reason,
        actor=actor,
        idempotency_key=idempotency_key,
    )
