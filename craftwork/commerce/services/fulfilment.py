"""What happens when a checkout's payment succeeds: one contract per line.

Payments calls ``lock_checkout(payment)`` first (before its own Payment row lock), then, in the
same transaction and once per line, ``fulfil_line(payment, line)`` in a savepoint: the line's
escrow ``contract:<contract_id>`` is already funded; we create that contract (a gig order or a
session booking), mark the line ordered and take it out of the cart. A ``DomainError`` here
makes payments refund that line (amount and its client fee); the other lines stand.

A checkout closed unpaid (cancelled, expired, declined) whose charge still succeeds — a race
with the provider — is refunded line by line: its slots were released and its cart may have
been bought again since.
"""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.errors import InvalidTransition
from craftwork.core.events import subscribe
from craftwork.core.money import Money

from ..models import CartLine, Checkout, CheckoutLine, CheckoutStatus, ItemKind, LineStatus
from .checkout import PURPOSE, _mark_paid, checkout_sync


def _checkout_id(payment) -> uuid.UUID | None:
    kind, _sep, pk = (payment.reference or "").partition(":")
    if kind != "checkout":
        return None
    try:
        return uuid.UUID(pk)
    except ValueError:
        return None


def lock_checkout(payment) -> None:
    Checkout.objects.select_for_update().filter(pk=_checkout_id(payment), payment=payment).first()


def fulfil_line(payment, line) -> None:
    checkout = (
        Checkout.objects.select_for_update(of=("self",))
        .select_related("buyer")
        .filter(pk=_checkout_id(payment), payment=payment)
        .first()
    )
    if checkout is None:
        raise InvalidTransition(_("Nothing is waiting for this payment."))
    kind, _sep, line_pk = line.reference.partition(":")
    ordered = (
        CheckoutLine.objects.select_for_update(of=("self",))
        .select_related("seller", "reservation")
        .filter(checkout=checkout, pk=_uuid(line_pk) if kind == "checkout-line" else None)
        .first()
    )
    if ordered is None:
        raise InvalidTransition(_("This line is not part of the order."))
    if ordered.status == LineStatus.FULFILLED:
        return
    if checkout.status not in (CheckoutStatus.PENDING, CheckoutStatus.PAID):
        raise InvalidTransition(
            _("The checkout was closed (%(status)s) before the payment went through.")
            % {"status": checkout.get_status_display()}
        )
    _mark_paid(checkout)
    _create_contract(checkout, ordered)
    ordered.status, ordered.fulfilled_at = LineStatus.FULFILLED, timezone.now()
    ordered.save(update_fields=["status", "fulfilled_at", "updated_at"])
    _take_out_of_cart(checkout, ordered)


def _uuid(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _create_contract(checkout: Checkout, line: CheckoutLine):
    from craftwork.contracts.orders import gig_order_create, session_booking_create
    from craftwork.contracts.process import SYSTEM

    price = Money(line.amount_minor, line.currency)
    if line.kind == ItemKind.GIG_PACKAGE:
        return gig_order_create(
            contract_id=line.contract_id,
            source_ref=line.reference,
            client=checkout.buyer,
            provider=line.seller,
            package_ref=line.ref,
            quantity=line.quantity,
            price=price,
            actor=SYSTEM,
        )
    if line.reservation is None:
        raise InvalidTransition(_("The session time was not reserved."))
    return session_booking_create(
        contract_id=line.contract_id,
        source_ref=line.reference,
        client=checkout.buyer,
        provider=line.seller,
        reservation=line.reservation,
        price=price,
        actor=SYSTEM,
    )


def _take_out_of_cart(checkout: Checkout, line: CheckoutLine) -> None:
    """Bought: the cart line goes (or loses the quantity bought, if raised meanwhile)."""
    if checkout.cart_id is None:
        return
    cart_line = (
        CartLine.objects.select_for_update()
        .filter(cart_id=checkout.cart_id, kind=line.kind, ref=line.ref)
        .first()
    )
    if cart_line is None:
        return
    if cart_line.quantity <= line.quantity:
        cart_line.delete()
    else:
        cart_line.quantity -= line.quantity
        cart_line.save(update_fields=["quantity", "updated_at"])


def _on_payment_event(event) -> None:
    """After a charge succeeded or a line failed: settle the checkout (idempotent)."""
    payload = event.payload
    if payload.get("purpose") != PURPOSE:
        return
    checkout = (
        Checkout.objects.select_related("payment")
        .filter(payment_id=payload.get("payment_id"))
        .first()
    )
    if checkout is not None:
        checkout_sync(checkout=checkout)


def register() -> None:
    from craftwork.payments.checkout import register_fulfillment

    register_fulfillment(PURPOSE, fulfil_line, per_line=True, lock=lock_checkout)
    subscribe("payments.payment_succeeded")(_on_payment_event)
    subscribe("payments.payment_line_failed")(_on_payment_event)
    subscribe("payments.payment_canceled")(_on_payment_event)
