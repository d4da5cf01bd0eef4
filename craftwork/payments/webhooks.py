"""Webhook events from the payment providers: verified, stored once, processed once.

``webhook_receive`` is what the endpoint (and the sandbox's in-process delivery) calls
with the raw body: it verifies the signature and the timestamp (300 s tolerance) on the
raw bytes, stores the event under its provider id (a unique key, so a duplicate is
answered 200 and dropped) and schedules ``webhook_process`` after commit.

Processing converges on the provider's state rather than replaying history, so any order
and any number of deliveries end the same way:

* payment events re-read the PaymentIntent from the provider and apply it;
* refund, payout and chargeback states only move forward (pending → succeeded → failed;
  in transit → paid/failed; open → won/lost), and each ledger posting has an idempotency
  key derived from the object;
* an event about something the platform does not know yet (a refund of a payment whose
  success has not arrived) is *parked* on that payment and retried with backoff, and at
  once when an event about that payment has been processed.

Failures are recorded on the event (``attempts``, ``last_error``) and retried with
exponential backoff by the ``retry_webhook_events`` beat task; after ``MAX_ATTEMPTS`` the
event is ``dead`` and shows up for staff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from craftwork.core.api.exceptions import error_body

from . import chargebacks, checkout, payouts, refunds
from .models import Payment, WebhookEvent
from .providers import get_provider, provider_names
from .providers.base import MalformedPayload, WebhookError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 15


@dataclass(frozen=True)
class Outcome:
    """What a handler did: processed (waking events parked on ``wakes``) or parked."""

    parked: bool = False
    waiting_for: str = ""
    wakes: tuple[str, ...] = ()


DONE = Outcome()


def park(waiting_for: str = "") -> Outcome:
    return Outcome(parked=True, waiting_for=str(waiting_for or "")[:255])


def _waiting_key(obj: dict) -> str:
    """The PaymentIntent (or charge) a refund/dispute object belongs to."""
    return obj.get("payment_intent") or obj.get("charge") or ""


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 15 * 2 ** max(0, attempts - 1)))


# --- receiving ------------------------------------------------------------------------------


def _validate_event(event) -> tuple[str, str, dict]:
    if not isinstance(event, dict):
        raise MalformedPayload()
    event_id, event_type = event.get("id"), event.get("type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(event_id, str) and 0 < len(event_id) <= 255):
        raise MalformedPayload(details={"field": "id"})
    if not (isinstance(event_type, str) and 0 < len(event_type) <= 100):
        raise MalformedPayload(details={"field": "type"})
    if not isinstance(obj, dict):
        raise MalformedPayload(details={"field": "data.object"})
    return event_id, event_type, obj


def _created(event: dict) -> datetime | None:
    created = event.get("created")
    if isinstance(created, int) and not isinstance(created, bool) and 0 < created < 2**33:
        return datetime.fromtimestamp(created, tz=UTC)
    return None


def webhook_receive(*, provider: str, raw_body: bytes, headers: Mapping[str, str]):
    """Verify and store one delivery; returns ``(http status, response body)``."""
    if provider not in provider_names():
        return 404, error_body("not_found", "Unknown payment provider.")
    try:
        event = get_provider(provider).verify_webhook(raw_body, headers)
        event_id, event_type, obj = _validate_event(event)
    except WebhookError as exc:
        logger.warning("webhook from %s refused: %s", provider, exc.code)
        return 400, error_body(exc.code, exc.message, exc.details)
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(
                provider=provider,
                event_id=event_id,
                type=event_type,
                object_id=str(obj.get("id") or "")[:255],
                event_created=_created(event),
                payload=event,
                raw_body=raw_body.decode("utf-8"),
            )
    except IntegrityError:
        return 200, {"received": True, "duplicate": True}
    transaction.on_commit(lambda: _schedule(stored.pk))
    return 200, {"received": True, "duplicate": False}


def _schedule(event_pk) -> None:
    from .tasks import process_webhook_event

    process_webhook_event.delay(str(event_pk))


# --- processing -----------------------------------------------------------------------------


def _on_payment_intent(obj: dict, provider: str) -> Outcome:
    payment = checkout.find_payment_for_intent(obj)
    if payment is None:
        return park()
    if not payment.provider_intent_id and obj.get("id"):
        Payment.objects.filter(pk=payment.pk, provider_intent_id="").update(
            provider_intent_id=str(obj["id"])[:255]
        )
        payment.refresh_from_db()
    # The event may be stale: apply what the provider says now.
    current = get_provider(payment.provider).retrieve_payment(payment)
    payment = checkout.payment_apply_intent(current) or payment
    return Outcome(wakes=(payment.provider_intent_id, payment.provider_charge_id))


def _on_checkout_session(obj: dict, provider: str) -> Outcome:
    intent_id = obj.get("payment_intent")
    if isinstance(intent_id, dict):
        intent_id = intent_id.get("id")
    metadata = obj.get("metadata") or {}
    if intent_id:
        return _on_payment_intent({"id": intent_id, "metadata": metadata}, provider)
    payment = checkout.find_payment_for_intent({"metadata": metadata})
    if payment is None:
        return park()
    if obj.get("status") == "expired" and payment.is_open:
        checkout.payment_expire(payment=payment)
    return DONE


def _on_charge_refunded(obj: dict, provider: str) -> Outcome:
    listed = (obj.get("refunds") or {}).get("data") or []
    for refund in listed:
        if isinstance(refund, dict) and refunds.refund_apply_provider_state(refund) is None:
            return park(_waiting_key(obj))
    return DONE


def _on_refund(obj: dict, provider: str) -> Outcome:
    if refunds.refund_apply_provider_state(obj) is None:
        return park(_waiting_key(obj))
    return DONE


def _on_payout(obj: dict, provider: str) -> Outcome:
    return DONE if payouts.payout_apply_provider_state(obj) is not None else park()


def _on_dispute(obj: dict, provider: str) -> Outcome:
    return DONE if chargebacks.chargeback_sync(obj) is not None else park(_waiting_key(obj))


def _on_account(obj: dict, provider: str) -> Outcome:
    payouts.payout_method_sync_account(obj)
    return DONE


HANDLERS: dict[str, Callable[[dict, str], Outcome]] = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
    "payment_intent.requires_action": _on_payment_intent,
    "payment_intent.processing": _on_payment_intent,
    "payment_intent.canceled": _on_payment_intent,
    "checkout.session.completed": _on_checkout_session,
    "checkout.session.async_payment_succeeded": _on_checkout_session,
    "checkout.session.async_payment_failed": _on_checkout_session,
    "checkout.session.expired": _on_checkout_session,
    "charge.refunded": _on_charge_refunded,
    "refund.created": _on_refund,
    "refund.updated": _on_refund,
    "refund.failed": _on_refund,
    "charge.refund.updated": _on_refund,
    "payout.paid": _on_payout,
    "payout.failed": _on_payout,
    "charge.dispute.created": _on_dispute,
    "charge.dispute.updated": _on_dispute,
    "charge.dispute.closed": _on_dispute,
    "account.updated": _on_account,
}


def webhook_process(*, event_pk) -> str:
    """Process one stored event (at most once successfully); returns its new status."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None:
            return "missing"
        final = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED)
        if event.status in final:
            return event.status
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        if handler is None:
            _finish(event, WebhookEvent.Status.IGNORED)
            return event.status
        try:
            with transaction.atomic():
                outcome = handler(event.payload["data"]["object"], event.provider)
        except Exception as exc:
            logger.exception("webhook event %s (%s) failed", event.event_id, event.type)
            _retry_later(event, WebhookEvent.Status.FAILED, repr(exc)[:2000])
            return event.status
        if outcome.parked:
            event.waiting_for = outcome.waiting_for
            _retry_later(event, WebhookEvent.Status.PARKED, "waiting for an earlier event")
            return event.status
        _finish(event, WebhookEvent.Status.PROCESSED)
        wakes = [key for key in outcome.wakes if key]
    if wakes:
        transaction.on_commit(lambda: _wake_parked(event.provider, wakes))
    return WebhookEvent.Status.PROCESSED


def _finish(event: WebhookEvent, status: str) -> None:
    event.status, event.processed_at = status, timezone.now()
    event.next_attempt_at, event.last_error, event.waiting_for = None, "", ""
    event.save(
        update_fields=[
            "status",
            "waiting_for",
            "attempts",
            "processed_at",
            "next_attempt_at",
            "last_error",
            "updated_at",
        ]
    )


def _retry_later(event: WebhookEvent, status: str, error: str) -> None:
    if event.attempts >= MAX_ATTEMPTS:
        status, event.next_attempt_at = WebhookEvent.Status.DEAD, None
    else:
        event.next_attempt_at = timezone.now() + _backoff(event.attempts)
    event.status, event.last_error = status, error
    fields = ["status", "attempts", "last_error", "next_attempt_at", "waiting_for", "updated_at"]
    event.save(update_fields=fields)


def _wake_parked(provider: str, keys: list[str]) -> None:
    """Retry now the events parked on what was just processed (others wait for their backoff)."""
    parked = WebhookEvent.objects.filter(
        provider=provider, status=WebhookEvent.Status.PARKED, waiting_for__in=keys
    )
    for pk in parked.order_by("created_at").values_list("pk", flat=True)[:100]:
        _schedule(pk)


def webhook_retry_due(*, now=None, limit: int = 200) -> int:
    """Retry parked and failed events whose time has come, and any left unprocessed."""
    now = now or timezone.now()
    due = WebhookEvent.objects.filter(
        Q(
            status__in=[WebhookEvent.Status.PARKED, WebhookEvent.Status.FAILED],
            next_attempt_at__lte=now,
        )
        | Q(status=WebhookEvent.Status.RECEIVED, created_at__lte=now - timedelta(minutes=2))
    )
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        webhook_process(event_pk=pk)
    return len(ids)
