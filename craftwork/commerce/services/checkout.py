"""Checkout: re-validate the cart, reserve session slots, start ONE split payment.

    review = checkout_review(cart=cart, actor=user)           # read-only: what would be charged
    checkout, created = checkout_start(cart=cart, actor=user, attempt=token, version=review.version)
    redirect(checkout.payment.checkout_url)

Re-validation reads every line through ``purchasable_for`` again. A price that changed, a
quantity the item no longer allows, an item that can no longer be bought (gig paused or
removed, slot taken or past) or that can again: each is a *change*. ``checkout_start``
refuses with ``CartChanged`` (409, one message per line in ``details["changes"]``) and stores
what it found in the cart lines, so nothing is charged until the buyer confirms what they now
see. ``version`` is the fingerprint of the reviewed cart (``Review.version``): a confirmation
carrying the version the buyer saw goes through even when the review showed changes; any other
change since (another tab, a new price) is refused. Without ``version`` the cart lines' stored
snapshot is the reference. Lines that cannot be bought are left out of the checkout (and stay in
the cart); the rest are bought.

Exactly one charge per cart: ``checkout_start`` locks the cart row. The same ``attempt`` (the
page's one-time token, the API's Idempotency-Key) returns the checkout it started; the same cart
content while a checkout is open returns that checkout; a cart that changed replaces the open
checkout (its payment is cancelled and its slots released first).

Lock order, everywhere: cart → checkout → payment (payments' ``lock`` hook takes the checkout
before the Payment row when a charge succeeds) → cart lines.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from craftwork.catalog import selectors as catalog_selectors
from craftwork.catalog import services as catalog_services
from craftwork.catalog.purchasable import Purchasable, parse_session_slot_ref, purchasable_for
from craftwork.core.audit import audit
from craftwork.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from craftwork.core.events import publish
from craftwork.core.money import Money
from craftwork.payments.fees import FeeBreakdown

from ..errors import CartChanged, CartEmpty, CheckoutInProgress
from ..models import (
    CHECKOUT_TTL_MINUTES,
    Cart,
    CartLine,
    Checkout,
    CheckoutLine,
    CheckoutStatus,
    ItemKind,
    LineStatus,
)
from ..pricing import FeeTable, Totals
from .common import require_user

logger = logging.getLogger(__name__)

PURPOSE = "commerce_checkout"
ATTEMPT_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def new_attempt() -> str:
    return uuid.uuid4().hex


# --- review -------------------------------------------------------------------------------------


@dataclass
class ReviewLine:
    line: CartLine
    item: Purchasable | None  # None: the item no longer exists
    quantity: int  # what would be bought (clamped to what the item allows now)
    problem: str = ""  # a stable code when it cannot be bought now
    problem_message: str = ""
    changes: list[str] = field(default_factory=list)  # what differs from what the buyer saw
    breakdown: FeeBreakdown | None = None  # when it can be bought

    @property
    def buyable(self) -> bool:
        return not self.problem

    @property
    def price(self) -> Money | None:
        return self.item.price if self.item is not None else None

    @property
    def seen_price(self) -> Money:
        return self.line.unit_price


@dataclass
class Review:
    cart: Cart
    lines: list[ReviewLine]
    totals: Totals | None
    version: str
    open_checkout: Checkout | None = None

    @property
    def buyable(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.buyable]

    @property
    def changes(self) -> list[str]:
        return [change for line in self.lines for change in line.changes]

    @property
    def changed(self) -> bool:
        return any(line.changes for line in self.lines)

    @property
    def currency(self) -> str | None:
        return self.totals.subtotal.currency if self.totals else None


def _owned_cart(cart: Cart, actor) -> None:
    if cart is None or cart.user_id != actor.pk:
        raise NotFound(_("Cart not found."), code="cart_not_found")


def checkout_review(*, cart: Cart, actor) -> Review:
    """What a checkout of the cart would buy and charge now, and what changed. Writes nothing."""
    require_user(actor)
    _owned_cart(cart, actor)
    pending = (
        Checkout.objects.filter(cart=cart, status=CheckoutStatus.PENDING)
        .prefetch_related("lines")
        .first()
    )
    # Slots the open checkout holds are taken by this very buyer: still buyable for them.
    held = {
        line.ref
        for line in (pending.lines.all() if pending else [])
        if line.kind == ItemKind.SESSION_SLOT and line.reservation_id
    }
    fees = FeeTable()
    lines = [
        _review_line(line, actor, held, fees)
        for line in CartLine.objects.filter(cart=cart).select_related("seller")
    ]
    currencies = {line.breakdown.subtotal.currency for line in lines if line.breakdown}
    if len(currencies) > 1:  # a seller changed a price's currency since it was added
        for line in lines:
            if line.breakdown and line.breakdown.subtotal.currency != lines[0].line.currency:
                _mark_problem(line, "currency_changed", _currency_message(line))
    breakdowns = [line.breakdown for line in lines if line.breakdown]
    totals = Totals.of(breakdowns, breakdowns[0].subtotal.currency) if breakdowns else None
    return Review(cart, lines, totals, _fingerprint(lines), pending)


def _currency_message(line: ReviewLine) -> str:
    return _("“%(title)s” is now priced in another currency; remove it to check out.") % {
        "title": line.line.title
    }


def _mark_problem(review_line: ReviewLine, code: str, message: str) -> None:
    review_line.problem, review_line.problem_message = code, message
    review_line.breakdown = None
    if code != review_line.line.problem:
        review_line.changes.append(
            _("“%(title)s” cannot be bought: %(reason)s It will not be charged.")
            % {"title": review_line.line.title, "reason": message}
        )


def _review_line(line: CartLine, actor, held: set, fees: FeeTable) -> ReviewLine:
    try:
        item = purchasable_for(line.kind, line.ref)
    except DomainError as exc:
        review_line = ReviewLine(line=line, item=None, quantity=line.quantity)
        _mark_problem(review_line, "item_removed", exc.message)
        return review_line
    quantity = min(line.quantity, item.max_quantity)
    review_line = ReviewLine(line=line, item=item, quantity=quantity)
    if item.price != line.unit_price:
        review_line.changes.append(
            _("The price of “%(title)s” changed from %(old)s to %(new)s.")
            % {"title": line.title, "old": line.unit_price, "new": item.price}
        )
    if quantity != line.quantity:
        review_line.changes.append(
            _("“%(title)s” can be ordered %(n)d times at most; the quantity is now %(n)d.")
            % {"title": line.title, "n": quantity}
        )
    if item.seller.pk == actor.pk:
        _mark_problem(review_line, "own_item", str(_("You cannot buy your own gig or session.")))
    elif not item.available and not (item.reason == "slot_taken" and item.ref in held):
        _mark_problem(review_line, item.reason or "item_unavailable", item.reason_message)
    else:
        if line.problem:
            review_line.changes.append(
                _("“%(title)s” can be bought again.") % {"title": line.title}
            )
        review_line.breakdown = fees.breakdown(item.price * quantity, item.category_slug)
    return review_line


def _fingerprint(lines: list[ReviewLine]) -> str:
    rows = [
        [
            str(rl.line.pk),
            rl.line.kind,
            rl.line.ref,
            rl.quantity,
            rl.price.minor if rl.price else None,
            rl.price.currency if rl.price else None,
            rl.problem,
        ]
        for rl in lines
    ]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:40]


def _store_review(review: Review) -> None:
    """Write what the review found into the cart lines: the buyer has now been told."""
    for rl in review.lines:
        if not rl.changes:
            continue
        line = rl.line
        if rl.item is not None:
            line.unit_price_minor = rl.item.price.minor
            line.currency = rl.item.price.currency
            line.max_quantity = max(rl.item.max_quantity, 1)
            line.quantity = rl.quantity
        line.problem = rl.problem
        line.problem_message = rl.problem_message[:300]
        line.save(
            update_fields=[
                "unit_price_minor",
                "currency",
                "max_quantity",
                "quantity",
                "problem",
                "problem_message",
                "updated_at",
            ]
        )


# --- start ---------------------------------------------------------------------------------------


def checkout_start(*, cart: Cart, actor, attempt: str = "", version: str | None = None):
    """Start paying for the cart; returns (checkout, created). See the module docstring."""
    require_user(actor)
    attempt = attempt if isinstance(attempt, str) and ATTEMPT_RE.match(attempt) else new_attempt()
    existing = Checkout.objects.filter(buyer=actor, attempt=attempt).first()
    if existing is not None:
        return existing, False
    refusal = None
    with transaction.atomic():
        locked = Cart.objects.select_for_update().filter(pk=getattr(cart, "pk", None)).first()
        _owned_cart(locked, actor)
        existing = Checkout.objects.filter(buyer=actor, attempt=attempt).first()
        if existing is not None:
            return existing, False
        review = checkout_review(cart=locked, actor=actor)
        changed = (version != review.version) if version else review.changed
        if changed:
            _store_review(review)
            refusal = CartChanged(
                details={
                    "changes": review.changes or [str(CartChanged.default_message)],
                    "version": review.version,
                }
            )
        else:
            pending = review.open_checkout
            if pending is not None and pending.fingerprint == review.version:
                return pending, False
            if not review.buyable:
                raise CartEmpty()
            if pending is not None:
                _replace(pending, actor)
            _store_review(review)
            return _create(locked, actor, attempt, review), True
    raise refusal


def _replace(pending: Checkout, actor) -> None:
    closed = _close(
        pending,
        CheckoutStatus.CANCELLED,
        reason=str(_("Replaced by a new checkout of the changed cart.")),
        actor=actor,
    )
    if not closed:
        raise CheckoutInProgress()


def _slot_reservation(line: ReviewLine, actor):
    offering_id, start = parse_session_slot_ref(line.line.ref)
    offering = catalog_selectors.public_offering_detail(offering_id, viewer=actor)
    try:
        return catalog_services.slot_reserve(
            offering=offering, start=start, client=actor, actor=actor
        )
    except DomainError as exc:
        exc.details = {**exc.details, "line_id": str(line.line.pk), "title": line.line.title}
        raise


def _create(cart: Cart, actor, attempt: str, review: Review) -> Checkout:
    from craftwork.payments.checkout import PaymentLine, payment_start_split

    buyable = review.buyable
    totals = review.totals
    checkout = Checkout.objects.create(
        buyer=actor,
        cart=cart,
        attempt=attempt,
        fingerprint=review.version,
        currency=totals.subtotal.currency,
        subtotal_minor=totals.subtotal.minor,
        client_fee_minor=totals.client_fee.minor,
        expires_at=timezone.now() + timedelta(minutes=CHECKOUT_TTL_MINUTES),
    )
    lines = []
    for position, rl in enumerate(buyable, start=1):
        item, breakdown = rl.item, rl.breakdown
        reservation = _slot_reservation(rl, actor) if item.kind == ItemKind.SESSION_SLOT else None
        lines.append(
            CheckoutLine(
                checkout=checkout,
                position=position,
                cart_line_id=rl.line.pk,
                kind=item.kind,
                ref=item.ref,
                title=item.title[:300],
                image_url=(item.image_url or "")[:500],
                seller=item.seller,
                category_slug=item.category_slug or "",
                unit_price_minor=item.price.minor,
                currency=item.price.currency,
                details=item.details,
                quantity=rl.quantity,
                amount_minor=breakdown.subtotal.minor,
                client_fee_minor=breakdown.client_fee.minor,
                platform_fee_minor=breakdown.platform_fee.minor,
                contract_id=uuid.uuid4(),
                reservation=reservation,
            )
        )
    CheckoutLine.objects.bulk_create(lines)
    payment = payment_start_split(
        payer=actor,
        lines=[
            PaymentLine(
                reference=line.reference,
                escrow_ref=line.escrow_ref,
                amount=line.amount,
                category_slug=line.category_slug or None,
                description=line.title[:500],
            )
            for line in lines
        ],
        purpose=PURPOSE,
        reference=checkout.reference,
        description=ngettext(
            "Craftwork order: %(n)d item", "Craftwork order: %(n)d items", len(lines)
        )
        % {"n": len(lines)},
        return_url=reverse("commerce:checkout-done", args=[checkout.pk]),
        idempotency_key=f"commerce-checkout:{actor.pk}:{attempt}",
    )
    _take_charged_fees(checkout, lines, payment)
    audit(
        actor=actor,
        action="commerce.checkout_started",
        target=checkout,
        details={
            "payment_id": str(payment.pk),
            "total": checkout.total.as_dict(),
            "lines": [line.reference for line in lines],
        },
    )
    publish("commerce.checkout_started", payload=checkout_payload(checkout), actor=actor)
    return checkout


def _take_charged_fees(checkout: Checkout, lines: list[CheckoutLine], payment) -> None:
    """The payment computed each line's client fee with the same schedule; its figures are
    what is charged, so they are what the order shows."""
    charged = {line.reference: line for line in payment.lines.all()}
    for line in lines:
        paid_line = charged.get(line.reference)
        if paid_line is not None and paid_line.client_fee_minor != line.client_fee_minor:
            line.client_fee_minor = paid_line.client_fee_minor
            line.save(update_fields=["client_fee_minor", "updated_at"])
    checkout.payment = payment
    checkout.client_fee_minor = payment.client_fee_minor
    checkout.save(update_fields=["payment", "client_fee_minor", "updated_at"])


def checkout_payload(checkout: Checkout) -> dict:
    return {
        "checkout_id": str(checkout.pk),
        "buyer_id": str(checkout.buyer_id),
        "status": checkout.status,
        "payment_id": str(checkout.payment_id) if checkout.payment_id else None,
        "currency": checkout.currency,
        "subtotal_minor": checkout.subtotal_minor,
        "client_fee_minor": checkout.client_fee_minor,
        "total_minor": checkout.subtotal_minor + checkout.client_fee_minor,
    }


# --- closing, paying, syncing --------------------------------------------------------------------


def _close(checkout: Checkout, status: str, *, reason: str, actor, cancel_payment=True) -> bool:
    """Close an open checkout unpaid: cancel its payment, release its slots. False when the
    payment has meanwhile succeeded (the checkout is then paid)."""
    from craftwork.payments.checkout import payment_cancel

    with transaction.atomic():
        locked = (
            Checkout.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=checkout.pk)
        )
        if locked.status != CheckoutStatus.PENDING:
            return locked.status != CheckoutStatus.PAID
        payment = locked.payment
        if payment is not None and cancel_payment:
            try:
                payment = payment_cancel(payment=payment, actor=locked.buyer)
            except InvalidTransition:
                payment.refresh_from_db()
            if payment.is_paid:
                _mark_paid(locked)
                return False
        now = timezone.now()
        locked.status, locked.closed_at, locked.close_reason = status, now, reason[:500]
        locked.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        for line in locked.lines.select_related("reservation"):
            _release(line, reason)
        locked.lines.filter(status=LineStatus.PENDING).update(
            status=LineStatus.CANCELLED, updated_at=now
        )
        audit(
            actor=actor,
            action=f"commerce.checkout_{status}",
            target=locked,
            details={"reason": reason[:500]},
        )
        publish(f"commerce.checkout_{status}", payload=checkout_payload(locked), actor=actor)
    checkout.status = status
    return True


def _release(line: CheckoutLine, reason: str) -> None:
    reservation = line.reservation
    if reservation is not None and reservation.status == "reserved":
        catalog_services.slot_release(reservation=reservation, actor=None, reason=reason[:300])


def _mark_paid(checkout: Checkout) -> None:
    """The payment succeeded (``checkout`` is locked by the caller). Once."""
    if checkout.status != CheckoutStatus.PENDING:
        return
    checkout.status = CheckoutStatus.PAID
    checkout.paid_at = timezone.now()
    checkout.save(update_fields=["status", "paid_at", "updated_at"])
    audit(actor=None, action="commerce.checkout_paid", target=checkout)
    # No actor: the buyer is told even when their own return page settles it.
    publish("commerce.checkout_paid", payload=checkout_payload(checkout))


def checkout_cancel(*, checkout: Checkout, actor) -> Checkout:
    """The buyer (or staff) gives up an open checkout; the cart is kept."""
    require_user(actor)
    if actor.pk != checkout.buyer_id and not actor.is_staff:
        raise PermissionDenied()
    if checkout.status == CheckoutStatus.CANCELLED:
        return checkout
    if checkout.status != CheckoutStatus.PENDING:
        raise InvalidTransition(
            _("Only a checkout waiting for payment can be cancelled."),
            details={"status": checkout.status},
        )
    if not _close(
        checkout,
        CheckoutStatus.CANCELLED,
        reason=str(_("Cancelled by the buyer.")),
        actor=actor,
    ):
        raise CheckoutInProgress(_("The payment has just gone through: this order is paid."))
    return Checkout.objects.get(pk=checkout.pk)


def checkout_sync(*, checkout: Checkout, refresh: bool = False, actor=None) -> Checkout:
    """Bring the checkout in line with its payment (the return page, the API, the payment
    events and the expiry task call this; running it twice changes nothing).

    ``refresh`` first asks the payment provider (as the payments return page does). A declined
    payment closes the checkout as failed, with its payment cancelled so it cannot be paid
    later: the buyer starts again from the cart, which was kept.
    """
    from craftwork.payments.checkout import payment_refresh

    payment = checkout.payment
    if checkout.status == CheckoutStatus.PENDING and payment is not None:
        if refresh and payment.is_open:
            try:
                payment = payment_refresh(payment=payment, actor=actor)
            except DomainError as exc:  # the provider is unreachable: try again later
                logger.warning("checkout %s: payment refresh failed: %s", checkout.pk, exc)
        payment.refresh_from_db()
        if payment.is_paid:
            with transaction.atomic():
                _mark_paid(Checkout.objects.select_for_update().get(pk=checkout.pk))
        elif payment.status == payment.Status.FAILED:
            reason = payment.failure_message or str(_("The payment was declined."))
            _close(checkout, CheckoutStatus.FAILED, reason=reason, actor=actor)
        elif payment.status == payment.Status.CANCELED:
            reason = str(_("The payment was cancelled."))
            _close(checkout, CheckoutStatus.CANCELLED, reason=reason, actor=actor)
        elif checkout.expires_at <= timezone.now():
            reason = str(_("Not paid within %(n)d minutes.") % {"n": CHECKOUT_TTL_MINUTES})
            _close(checkout, CheckoutStatus.EXPIRED, reason=reason, actor=actor)
    checkout = Checkout.objects.select_related("payment").get(pk=checkout.pk)
    if checkout.status == CheckoutStatus.PAID:
        _settle_lines(checkout)
    return checkout


def _settle_lines(checkout: Checkout) -> None:
    """Lines the payment could not fulfil were refunded by payments: say so, free their slots."""
    failed = {
        line.reference: line.fulfillment_error
        for line in checkout.payment.lines.exclude(fulfillment_error="")
    }
    if not failed:
        return
    with transaction.atomic():
        for line in checkout.lines.select_for_update().filter(status=LineStatus.PENDING):
            if line.reference not in failed:
                continue
            line.status, line.error = LineStatus.REFUNDED, failed[line.reference][:500]
            line.save(update_fields=["status", "error", "updated_at"])
            if line.reservation_id:
                _release(line, str(_("The order could not be completed.")))


def checkout_expire_due(*, now=None, limit: int = 200) -> int:
    """Close the open checkouts older than the time limit (the beat task); returns how many."""
    now = now or timezone.now()
    due = Checkout.objects.filter(
        status=CheckoutStatus.PENDING, expires_at__lte=now
    ).select_related("payment")[:limit]
    closed = 0
    for checkout in due:
        try:
            if checkout_sync(checkout=checkout, refresh=True).status != CheckoutStatus.PENDING:
                closed += 1
        except DomainError:
            logger.exception("checkout %s could not be expired", checkout.pk)
    return closed
