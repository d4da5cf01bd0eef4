"""The cart: add, change the quantity, remove, merge a guest's cart into the user's on login.

Every change locks the cart row first, so a change never interleaves with another one or with
a checkout starting from the same cart (which locks the same row).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.errors import DomainError, NotFound

from ..errors import CartCurrencyMismatch, CartFull
from ..models import GUEST_CART_TTL_DAYS, MAX_CART_LINES, Cart, CartLine, WishlistItem
from .common import check_buyable, check_quantity, lookup, require_user, signed_in, snapshot


def cart_for_user(*, user) -> Cart:
    """The user's cart, created on first use."""
    require_user(user)
    cart = Cart.objects.filter(user=user).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:  # created by a concurrent first request
        return Cart.objects.get(user=user)


def guest_cart_create() -> Cart:
    return Cart.objects.create(user=None)


def _locked(cart: Cart, actor) -> Cart:
    """The cart row, locked, if ``actor`` may change it (its user, or anyone for a guest cart)."""
    locked = Cart.objects.select_for_update().filter(pk=cart.pk).first()
    owner_ok = locked is not None and (
        locked.user_id == actor.pk if signed_in(actor) else locked.user_id is None
    )
    if not owner_ok:
        raise NotFound(_("Cart not found."), code="cart_not_found")
    return locked


def _touch(cart: Cart) -> None:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def _check_currency(cart: Cart, currency: str, exclude_pk=None) -> None:
    others = CartLine.objects.filter(cart=cart).exclude(currency=currency)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.values_list("currency", flat=True).first()
    if other:
        raise CartCurrencyMismatch(
            _(
                "Your cart is in %(cart)s and this item is priced in %(item)s. One cart pays "
                "in one currency: check out or remove those items first."
            )
            % {"cart": other, "item": currency},
            details={"cart_currency": other, "item_currency": currency},
        )


def cart_add(*, cart: Cart, kind, ref, quantity=1, actor) -> tuple[CartLine, bool]:
    """Put an item in the cart; returns (line, created). Adding an item already there adds to
    its quantity, up to what the item allows (a session slot stays at one)."""
    item = lookup(kind, ref)
    check_buyable(item, actor)
    quantity = check_quantity(quantity, item.max_quantity)
    with transaction.atomic():
        cart = _locked(cart, actor)
        _check_currency(cart, item.price.currency)
        line = (
            CartLine.objects.select_for_update().filter(cart=cart, kind=kind, ref=item.ref).first()
        )
        fields = {**snapshot(item), "max_quantity": item.max_quantity, "problem": ""}
        fields["problem_message"] = ""
        if line is not None:
            for name, value in fields.items():
                setattr(line, name, value)
            line.quantity = min(line.quantity + quantity, item.max_quantity)
            line.save()
            created = False
        else:
            if CartLine.objects.filter(cart=cart).count() >= MAX_CART_LINES:
                raise CartFull(details={"max_lines": MAX_CART_LINES})
            line = CartLine.objects.create(cart=cart, quantity=quantity, **fields)
            created = True
        _touch(cart)
    return line, created


def cart_line_update(*, line: CartLine, quantity, actor) -> CartLine:
    """Set the quantity of a line (1 up to the item's maximum)."""
    with transaction.atomic():
        cart = _locked(line.cart, actor)
        locked = CartLine.objects.select_for_update().filter(pk=line.pk, cart=cart).first()
        if locked is None:
            raise NotFound(_("This item is not in your cart."), code="cart_line_not_found")
        locked.quantity = check_quantity(quantity, locked.max_quantity)
        locked.save(update_fields=["quantity", "updated_at"])
        _touch(cart)
    return locked


def cart_line_remove(*, line: CartLine, actor) -> None:
    with transaction.atomic():
        cart = _locked(line.cart, actor)
        deleted, _rows = CartLine.objects.filter(pk=line.pk, cart=cart).delete()
        if not deleted:
            raise NotFound(_("This item is not in your cart."), code="cart_line_not_found")
        _touch(cart)


def cart_line_save_for_later(*, line: CartLine, actor) -> WishlistItem:
    """Move a line of the user's cart to their saved items."""
    from .wishlist import wishlist_add

    require_user(actor)
    with transaction.atomic():
        item = wishlist_add(user=actor, kind=line.kind, ref=line.ref, actor=actor, check=False)
        cart_line_remove(line=line, actor=actor)
    return item


# --- merging a guest's cart on login ------------------------------------------------------------


def cart_merge(*, guest_cart: Cart | None, user) -> list[str]:
    """Move the lines of a guest's cart into ``user``'s cart and delete the guest cart.

    Lines of the same item become one (quantities added, capped at what the item allows); the
    user's own gigs and sessions, items that no longer exist, items in another currency than
    the user's cart and lines beyond the cart's limit are left out. Returns what the user should
    be told about, one message per line left out or capped.
    """
    require_user(user)
    if guest_cart is None or guest_cart.user_id is not None:
        return []
    target = cart_for_user(user=user)
    notices: list[str] = []
    with transaction.atomic():
        target = Cart.objects.select_for_update().get(pk=target.pk)
        guest = Cart.objects.select_for_update().filter(pk=guest_cart.pk, user__isnull=True).first()
        if guest is None:
            return []
        lines = {(line.kind, line.ref): line for line in CartLine.objects.filter(cart=target)}
        for guest_line in CartLine.objects.filter(cart=guest).order_by("created_at", "id"):
            notice = _merge_line(target, lines, guest_line, user)
            if notice:
                notices.append(notice)
        guest.delete()
        _touch(target)
    return notices


def _merge_line(target: Cart, lines: dict, guest_line: CartLine, user) -> str:
    title = guest_line.title
    try:
        item = lookup(guest_line.kind, guest_line.ref)
    except DomainError:
        return _("“%(title)s” is no longer available and was left out.") % {"title": title}
    if item.seller.pk == user.pk:
        return _("“%(title)s” is your own and was left out.") % {"title": title}
    currency = next(iter(lines.values())).currency if lines else None
    if currency and currency != guest_line.currency:
        return _("“%(title)s” is priced in %(item)s but your cart is in %(cart)s; left out.") % {
            "title": title,
            "item": guest_line.currency,
            "cart": currency,
        }
    existing = lines.get((item.kind, item.ref))
    if existing is not None:
        wanted = existing.quantity + guest_line.quantity
        existing.quantity = min(wanted, item.max_quantity)
        existing.max_quantity = item.max_quantity
        existing.save(update_fields=["quantity", "max_quantity", "updated_at"])
        if wanted > existing.quantity and item.max_quantity > 1:
            return _("“%(title)s” was already in your cart; the quantity is now %(n)d.") % {
                "title": title,
                "n": existing.quantity,
            }
        return ""
    if len(lines) >= MAX_CART_LINES:
        return _("“%(title)s” was left out: your cart is full.") % {"title": title}
    # Keep what the guest saw (their snapshot price): the checkout tells about any change.
    guest_line.cart = target
    guest_line.max_quantity = item.max_quantity
    guest_line.quantity = min(guest_line.quantity, item.max_quantity)
    guest_line.save(update_fields=["cart", "max_quantity", "quantity", "updated_at"])
    lines[(item.kind, item.ref)] = guest_line
    return ""


def guest_carts_purge(*, older_than_days: int = GUEST_CART_TTL_DAYS) -> int:
    """Delete guests' carts untouched for ``older_than_days`` (their sessions are gone too)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff)
    return stale.delete()[1].get(Cart._meta.label, 0)
