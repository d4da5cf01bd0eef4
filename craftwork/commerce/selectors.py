"""Reads, scoped to the actor: a cart line, saved item or checkout of someone else is NotFound."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from craftwork.contracts.models import Source
from craftwork.contracts.selectors import contracts_for

from .errors import CartLineNotFound, CheckoutNotFound, WishlistItemNotFound
from .models import (
    MAX_CART_LINES,
    Cart,
    CartLine,
    Checkout,
    CheckoutLine,
    CheckoutStatus,
    WishlistItem,
)
from .pricing import FeeTable, PricedLine, Totals, price_lines

ORDER_SOURCES = (Source.GIG_ORDER, Source.SESSION_BOOKING)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


# --- carts ------------------------------------------------------------------------------------


def user_cart(user) -> Cart | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Cart.objects.filter(user=user).first()


def guest_cart(cart_id) -> Cart | None:
    """A guest's cart by the id their session keeps; never a signed-in user's cart."""
    pk = _uuid(cart_id)
    if pk is None:
        return None
    return Cart.objects.filter(pk=pk, user__isnull=True).first()


def cart_lines(cart: Cart | None) -> QuerySet[CartLine]:
    if cart is None:
        return CartLine.objects.none()
    return CartLine.objects.filter(cart=cart).select_related("seller").order_by("created_at", "id")


def cart_line_for(cart: Cart | None, pk) -> CartLine:
    key = _uuid(pk)
    line = cart_lines(cart).filter(pk=key).first() if key and cart else None
    if line is None:
        raise CartLineNotFound()
    return line


def cart_count(cart: Cart | None) -> int:
    """Items in the cart (quantities summed) for the header badge."""
    if cart is None:
        return 0
    return CartLine.objects.filter(cart=cart).aggregate(n=Sum("quantity"))["n"] or 0


@dataclass
class CartSummary:
    cart: Cart | None
    lines: list[PricedLine] = field(default_factory=list)
    totals: Totals | None = None
    open_checkout: Checkout | None = None
    max_lines: int = MAX_CART_LINES

    @property
    def count(self) -> int:
        return sum(p.line.quantity for p in self.lines)

    @property
    def currency(self) -> str | None:
        return self.lines[0].line.currency if self.lines else None

    @property
    def is_empty(self) -> bool:
        return not self.lines


def cart_summary(cart: Cart | None, fees: FeeTable | None = None) -> CartSummary:
    """The cart as the buyer saw each item (snapshot prices), priced line by line."""
    lines = list(cart_lines(cart))
    priced, totals = price_lines(lines, fees)
    return CartSummary(cart=cart, lines=priced, totals=totals, open_checkout=open_checkout(cart))


def open_checkout(cart: Cart | None) -> Checkout | None:
    if cart is None or cart.pk is None:
        return None
    return (
        Checkout.objects.filter(cart=cart, status=CheckoutStatus.PENDING)
        .select_related("payment")
        .first()
    )


# --- wishlist ------------------------------------------------------------------------------------


def wishlist_for(user) -> QuerySet[WishlistItem]:
    if not getattr(user, "is_authenticated", False):
        return WishlistItem.objects.none()
    return WishlistItem.objects.filter(user=user).select_related("seller")


def wishlist_item_for(user, pk) -> WishlistItem:
    key = _uuid(pk)
    item = wishlist_for(user).filter(pk=key).first() if key else None
    if item is None:
        raise WishlistItemNotFound()
    return item


def saved_refs(user, kind: str) -> set[str]:
    """Refs of ``kind`` the user saved (to mark the "Save" buttons on catalog pages)."""
    return set(wishlist_for(user).filter(kind=kind).values_list("ref", flat=True))


# --- checkouts ------------------------------------------------------------------------------------


def _checkout_lines():
    return Prefetch(
        "lines",
        queryset=CheckoutLine.objects.select_related("seller").order_by("position"),
    )


def checkouts_for(user) -> QuerySet[Checkout]:
    if not getattr(user, "is_authenticated", False):
        return Checkout.objects.none()
    return (
        Checkout.objects.filter(buyer=user)
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-id")
    )


def checkout_for_buyer(user, pk) -> Checkout:
    key = _uuid(pk)
    checkout = (
        Checkout.objects.filter(buyer=user, pk=key)
        .select_related("payment", "payment__receipt", "buyer")
        .prefetch_related(_checkout_lines())
        .first()
        if key and getattr(user, "is_authenticated", False)
        else None
    )
    if checkout is None:
        raise CheckoutNotFound()
    return checkout


def staff_checkouts(*, status: str | None = None) -> QuerySet[Checkout]:
    queryset = Checkout.objects.select_related("buyer", "payment").annotate(
        line_count=Count("lines")
    )
    if status in CheckoutStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def staff_checkout(pk) -> Checkout:
    key = _uuid(pk)
    checkout = (
        Checkout.objects.filter(pk=key)
        .select_related("payment", "payment__receipt", "buyer")
        .prefetch_related(_checkout_lines())
        .first()
        if key
        else None
    )
    if checkout is None:
        raise CheckoutNotFound()
    return checkout


def payment_lines_by_reference(checkout: Checkout) -> dict:
    """The split payment's lines keyed by reference (``checkout-line:<uuid>``)."""
    if checkout.payment_id is None:
        return {}
    return {line.reference: line for line in checkout.payment.lines.all()}


# --- orders (contracts bought through the shop) -----------------------------------------------------


def orders_for(user):
    """The contracts the user bought (gig orders and session bookings), newest first."""
    return contracts_for(user, role="client").filter(source__in=ORDER_SOURCES)


def sales_for(user):
    """The contracts the user sold (gig orders and session bookings), newest first."""
    return contracts_for(user, role="provider").filter(source__in=ORDER_SOURCES)


def checkout_lines_for_contracts(contracts) -> dict:
    """contract id -> the checkout line that bought it (one query for a page of contracts)."""
    ids = [contract.pk for contract in contracts]
    if not ids:
        return {}
    lines = CheckoutLine.objects.filter(contract_id__in=ids).only(
        "id", "contract_id", "checkout_id", "quantity", "kind", "details"
    )
    return {line.contract_id: line for line in lines}
