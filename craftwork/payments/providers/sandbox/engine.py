"""The sandbox's "server side": what Stripe would do in test mode, done offline.

It keeps its own records (``SandboxCharge`` ...), answers with Stripe-shaped objects and
tells the platform what happened through signed webhook events, delivered through the
task queue to the platform's webhook service (in-process: the platform verifies the
signature on the raw body exactly as for a request from outside).

Delivery can be made unreliable on purpose: ``SANDBOX_WEBHOOK_CHAOS`` sends every event
twice with random delays, and ``redeliver(events, duplicates=True, shuffle=True)`` replays
stored events in a shuffled order (tests, demo).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import NotFound, ValidationFailed

from ..base import ProviderDeclined
from . import cards
from .models import (
    SandboxBankAccount,
    SandboxCharge,
    SandboxDispute,
    SandboxEvent,
    SandboxPayout,
    SandboxRefund,
    sandbox_id,
)

SIGNATURE_HEADER = "Sandbox-Signature"
API_VERSION = "2025-sandbox"
MAX_AMOUNT = 99_999_999  # Stripe's limit: eight digits of minor units
FAILING_ACCOUNT_SUFFIX = "0002"  # a payout to an account ending in 0002 fails (account closed)


class SandboxError(ProviderDeclined):
    code = "sandbox_error"


# --- Stripe-shaped objects --------------------------------------------------------------


def intent_object(charge: SandboxCharge) -> dict:
    error = None
    if charge.last_error_code:
        error = {
            "type": "card_error",
            "code": charge.last_error_code,
            "decline_code": charge.last_decline_code or None,
            "message": charge.last_error_message,
        }
    return {
        "id": charge.intent_id,
        "object": "payment_intent",
        "amount": charge.amount,
        "amount_received": charge.amount if charge.status == SandboxCharge.Status.SUCCEEDED else 0,
        "currency": charge.currency.lower(),
        "status": charge.status,
        "latest_charge": charge.charge_id or None,
        "last_payment_error": error,
        "metadata": charge.metadata,
        "description": charge.description,
        "livemode": False,
    }


def refund_object(refund: SandboxRefund) -> dict:
    return {
        "id": refund.refund_id,
        "object": "refund",
        "amount": refund.amount,
        "currency": refund.charge.currency.lower(),
        "charge": refund.charge.charge_id,
        "payment_intent": refund.charge.intent_id,
        "status": refund.status,
        "failure_reason": refund.failure_reason or None,
        "metadata": refund.metadata,
    }


def charge_object(charge: SandboxCharge) -> dict:
    refunds = [refund_object(r) for r in charge.refunds.order_by("created_at")]
    return {
        "id": charge.charge_id,
        "object": "charge",
        "amount": charge.amount,
        "amount_refunded": charge.amount_refunded,
        "currency": charge.currency.lower(),
        "payment_intent": charge.intent_id,
        "paid": charge.status == SandboxCharge.Status.SUCCEEDED,
        "refunded": charge.amount_refunded >= charge.amount,
        "metadata": charge.metadata,
        "refunds": {"object": "list", "data": refunds},
    }


def payout_object(payout: SandboxPayout) -> dict:
    return {
        "id": payout.payout_id,
        "object": "payout",
        "amount": payout.amount,
        "currency": payout.currency.lower(),
        "destination": payout.bank_account.account_id,
        "status": payout.status,
        "failure_code": payout.failure_code or None,
        "failure_message": (
            str(_("The bank account has been closed.")) if payout.failure_code else None
        ),
        "metadata": payout.metadata,
    }


def dispute_object(dispute: SandboxDispute) -> dict:
    return {
        "id": dispute.dispute_id,
        "object": "dispute",
        "amount": dispute.amount,
        "currency": dispute.charge.currency.lower(),
        "charge": dispute.charge.charge_id,
        "payment_intent": dispute.charge.intent_id,
        "reason": dispute.reason,
        "status": dispute.status,
        "metadata": dispute.charge.metadata,
    }


# --- charges ----------------------------------------------------------------------------


def create_intent(
    *, amount: int, currency: str, description: str, metadata: dict, idempotency_key: str
) -> SandboxCharge:
    if not 0 < amount <= MAX_AMOUNT:
        raise ValidationFailed(_("The amount is outside what the provider accepts."))
    existing = SandboxCharge.objects.filter(metadata__idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    return SandboxCharge.objects.create(
        intent_id=sandbox_id("pi"),
        amount=amount,
        currency=currency,
        description=description[:500],
        metadata={**metadata, "idempotency_key": idempotency_key},
    )


def get_charge(intent_id: str, *, lock: bool = False) -> SandboxCharge:
    queryset = SandboxCharge.objects.select_for_update() if lock else SandboxCharge.objects
    charge = queryset.filter(intent_id=intent_id).first()
    if charge is None:
        raise NotFound(_("No such payment at the provider."))
    return charge


def _require_open(charge: SandboxCharge) -> None:
    if charge.status in (SandboxCharge.Status.SUCCEEDED, SandboxCharge.Status.CANCELED):
        raise SandboxError(
            _("This payment is already complete."), code="payment_intent_unexpected_state"
        )


def confirm_card(intent_id: str, *, number: str, expiry: str, cvc: str, name: str):
    """Pay with a card. Malformed details raise ``cards.CardError`` and change nothing;
    a decline is recorded on the intent and reported by a webhook."""
    digits, behaviour = cards.check_card(number, expiry, cvc, name)
    with transaction.atomic():
        charge = get_charge(intent_id, lock=True)
        _require_open(charge)
        charge.card_brand, charge.card_last4 = behaviour.brand, digits[-4:]
        charge.refunds_fail = behaviour.refunds_fail
        if behaviour.outcome == cards.SUCCEED:
            _succeed(charge)
        elif behaviour.outcome == cards.AUTHENTICATE:
            _set_error(charge, "", "", "")
            charge.status = SandboxCharge.Status.REQUIRES_ACTION
            charge.save()
            emit("payment_intent.requires_action", intent_object(charge))
        else:
            _decline(charge, behaviour.code, behaviour.decline_code)
    return charge


def authenticate(intent_id: str, *, approve: bool) -> SandboxCharge:
    """The 3-D Secure challenge: approve (the charge succeeds) or fail it."""
    with transaction.atomic():
        charge = get_charge(intent_id, lock=True)
        if charge.status != SandboxCharge.Status.REQUIRES_ACTION:
            raise SandboxError(
                _("This payment is not waiting for authentication."),
                code="payment_intent_unexpected_state",
            )
        if approve:
            _succeed(charge)
        else:
            _decline(charge, "payment_intent_authentication_failure", "authentication_failed")
    return charge


def cancel_intent(intent_id: str) -> SandboxCharge:
    with transaction.atomic():
        charge = get_charge(intent_id, lock=True)
        if charge.status == SandboxCharge.Status.CANCELED:
            return charge
        _require_open(charge)
        charge.status = SandboxCharge.Status.CANCELED
        charge.save()
        emit("payment_intent.canceled", intent_object(charge))
    return charge


def _set_error(charge, code, decline_code, message) -> None:
    charge.last_error_code, charge.last_decline_code = code, decline_code
    charge.last_error_message = str(message)[:300]


def _succeed(charge: SandboxCharge) -> None:
    _set_error(charge, "", "", "")
    charge.status = SandboxCharge.Status.SUCCEEDED
    charge.charge_id = sandbox_id("ch")
    charge.save()
    emit("payment_intent.succeeded", intent_object(charge))


def _decline(charge: SandboxCharge, code: str, decline_code: str) -> None:
    message = cards.DECLINE_MESSAGES.get(decline_code, cards.DECLINE_MESSAGES["generic_decline"])
    _set_error(charge, code, decline_code, message)
    charge.status = SandboxCharge.Status.REQUIRES_PAYMENT_METHOD
    charge.save()
    emit("payment_intent.payment_failed", intent_object(charge))


# --- refunds ----------------------------------------------------------------------------


def create_refund(
    *, intent_id: str, amount: int, metadata: dict, idempotency_key: str
) -> SandboxRefund:
    """A refund starts pending and settles in a task (``settle_refund``)."""
    with transaction.atomic():
        existing = SandboxRefund.objects.filter(metadata__idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        charge = get_charge(intent_id, lock=True)
        if charge.status != SandboxCharge.Status.SUCCEEDED:
            raise SandboxError(_("This payment has no charge to refund."), code="charge_not_paid")
        refunded = sum(
            charge.refunds.exclude(status=SandboxRefund.Status.FAILED).values_list(
                "amount", flat=True
            )
        )
        if not 0 < amount <= charge.amount - refunded:
            raise SandboxError(
                _("The refund is greater than the unrefunded amount."),
                code="charge_already_refunded",
            )
        refund = SandboxRefund.objects.create(
            refund_id=sandbox_id("re"),
            charge=charge,
            amount=amount,
            metadata={**metadata, "idempotency_key": idempotency_key},
        )
        emit("refund.created", refund_object(refund))
        transaction.on_commit(lambda: _schedule("sandbox_settle_refund", refund.refund_id))
    return refund


def settle_refund(refund_id: str) -> SandboxRefund:
    """Card refunds succeed; on the 5126 test card they then fail."""
    with transaction.atomic():
        refund = (
            SandboxRefund.objects.select_for_update(of=("self",))
            .select_related("charge")
            .get(refund_id=refund_id)
        )
        if refund.status != SandboxRefund.Status.PENDING:
            return refund
        charge = SandboxCharge.objects.select_for_update().get(pk=refund.charge_id)
        refund.status = SandboxRefund.Status.SUCCEEDED
        refund.save()
        charge.amount_refunded = F("amount_refunded") + refund.amount
        charge.save(update_fields=["amount_refunded", "updated_at"])
        charge.refresh_from_db()
        emit("charge.refunded", charge_object(charge))
        if charge.refunds_fail:
            refund.status, refund.failure_reason = (
                SandboxRefund.Status.FAILED,
                "expired_or_canceled_card",
            )
            refund.save()
            charge.amount_refunded = F("amount_refunded") - refund.amount
            charge.save(update_fields=["amount_refunded", "updated_at"])
            emit("refund.failed", refund_object(refund))
    return refund


def dashboard_refund(intent_id: str, amount: int | None = None) -> SandboxRefund:
    """A refund issued at the provider (as from Stripe's dashboard), not by the platform."""
    charge = get_charge(intent_id)
    refund = create_refund(
        intent_id=intent_id,
        amount=amount or charge.amount - charge.amount_refunded,
        metadata={},
        idempotency_key=sandbox_id("dash"),
    )
    return settle_refund(refund.refund_id)


# --- disputes (chargebacks) -----------------------------------------------------------------


def open_dispute(
    intent_id: str, *, amount: int | None = None, reason: str = "fraudulent"
) -> SandboxDispute:
    """The cardholder's bank disputes the charge (Stripe's 4000 0000 0000 0259)."""
    with transaction.atomic():
        charge = get_charge(intent_id, lock=True)
        if charge.status != SandboxCharge.Status.SUCCEEDED:
            raise SandboxError(_("Only a paid charge can be disputed."), code="charge_not_paid")
        dispute = SandboxDispute.objects.create(
            dispute_id=sandbox_id("dp"),
            charge=charge,
            amount=amount or charge.amount,
            reason=reason,
        )
        emit("charge.dispute.created", dispute_object(dispute))
    return dispute


def close_dispute(dispute_id: str, *, won: bool) -> SandboxDispute:
    with transaction.atomic():
        dispute = SandboxDispute.objects.select_for_update().get(dispute_id=dispute_id)
        if dispute.status != SandboxDispute.Status.NEEDS_RESPONSE:
            return dispute
        dispute.status = SandboxDispute.Status.WON if won else SandboxDispute.Status.LOST
        dispute.save()
        emit("charge.dispute.closed", dispute_object(dispute))
    return dispute


# --- bank accounts and payouts --------------------------------------------------------------


def create_bank_account(*, holder_name: str, number: str, owner_ref: str) -> SandboxBankAccount:
    return SandboxBankAccount.objects.create(
        account_id=sandbox_id("ba"), holder_name=holder_name, number=number, owner_ref=owner_ref
    )


def create_payout(
    *, bank_account_id: str, amount: int, currency: str, metadata: dict, idempotency_key: str
) -> SandboxPayout:
    with transaction.atomic():
        existing = SandboxPayout.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        account = SandboxBankAccount.objects.filter(account_id=bank_account_id).first()
        if account is None:
            raise SandboxError(_("No such bank account at the provider."), code="no_such_account")
        payout = SandboxPayout.objects.create(
            payout_id=sandbox_id("po"),
            bank_account=account,
            amount=amount,
            currency=currency,
            metadata=metadata,
            idempotency_key=idempotency_key,
        )
        emit("payout.created", payout_object(payout))
        transaction.on_commit(lambda: _schedule("sandbox_settle_payout", payout.payout_id))
    return payout


def settle_payout(payout_id: str) -> SandboxPayout:
    with transaction.atomic():
        payout = (
            SandboxPayout.objects.select_for_update(of=("self",))
            .select_related("bank_account")
            .get(payout_id=payout_id)
        )
        if payout.status != SandboxPayout.Status.IN_TRANSIT:
            return payout
        if payout.bank_account.number.endswith(FAILING_ACCOUNT_SUFFIX):
            payout.status, payout.failure_code = SandboxPayout.Status.FAILED, "account_closed"
            payout.save()
            emit("payout.failed", payout_object(payout))
        else:
            payout.status = SandboxPayout.Status.PAID
            payout.save()
            emit("payout.paid", payout_object(payout))
    return payout


def return_payout(payout_id: str, *, failure_code: str = "account_closed") -> SandboxPayout:
    """The bank sends a paid payout back days later: Stripe reports ``payout.failed`` for a
    payout it had reported ``payout.paid``."""
    with transaction.atomic():
        payout = (
            SandboxPayout.objects.select_for_update(of=("self",))
            .select_related("bank_account")
            .get(payout_id=payout_id)
        )
        if payout.status == SandboxPayout.Status.FAILED:
            return payout
        if payout.status != SandboxPayout.Status.PAID:
            raise SandboxError(_("Only a paid payout can be returned."), code="payout_not_paid")
        payout.status, payout.failure_code = SandboxPayout.Status.FAILED, failure_code
        payout.save()
        emit("payout.failed", payout_object(payout))
    return payout


# --- webhook events ---------------------------------------------------------------------


def _schedule(task_name: str, *args) -> None:
    from craftwork.payments import tasks

    getattr(tasks, task_name).delay(*args)


def emit(event_type: str, obj: dict) -> SandboxEvent:
    """Record an event and deliver it after commit (through the task queue)."""
    event_id = sandbox_id("evt")
    payload = {
        "id": event_id,
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "data": {"object": obj},
    }
    event = SandboxEvent.objects.create(event_id=event_id, type=event_type, payload=payload)
    if getattr(settings, "SANDBOX_WEBHOOK_AUTO_DELIVER", True):
        transaction.on_commit(lambda: schedule_delivery(event))
    return event


def schedule_delivery(event: SandboxEvent) -> None:
    from craftwork.payments import tasks

    if getattr(settings, "SANDBOX_WEBHOOK_CHAOS", False):
        # Twice, each after a random delay: duplicates and out-of-order arrival.
        for _copy in range(2):
            tasks.sandbox_deliver_event.apply_async(
                args=[event.event_id], countdown=random.uniform(0, 5)
            )
    else:
        tasks.sandbox_deliver_event.delay(event.event_id)


def sign(body: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """The ``Sandbox-Signature`` header: ``t=<ts>,v1=<hex hmac-sha256 of "t.body">``."""
    secret = secret or settings.SANDBOX_WEBHOOK_SECRET
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(event_id: str) -> int:
    """POST the event (signed, as raw bytes) to the platform's webhook service; the status."""
    from craftwork.payments.webhooks import webhook_receive

    event = SandboxEvent.objects.get(event_id=event_id)
    body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True)
    headers = {SIGNATURE_HEADER: sign(body), "Content-Type": "application/json"}
    status, _answer = webhook_receive(provider="sandbox", raw_body=body.encode(), headers=headers)
    SandboxEvent.objects.filter(pk=event.pk).update(
        deliveries=F("deliveries") + 1,
        last_response_status=status,
        delivered_at=timezone.now() if status == 200 else None,
    )
    return status


def redeliver(events, *, duplicates: bool = True, shuffle: bool = True, seed=None) -> list[int]:
    """Deliver stored events again, each twice and in a random order when asked."""
    ids = [event.event_id for event in events] * (2 if duplicates else 1)
    if shuffle:
        random.Random(seed).shuffle(ids)
    return [deliver(event_id) for event_id in ids]
