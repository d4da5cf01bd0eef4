"""Saved items ("wishlist"): save, remove, move to the cart. Per signed-in user."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from craftwork.core.errors import Conflict, NotFound

from ..errors import WishlistFull
from ..models import MAX_WISHLIST_ITEMS, CartLine, WishlistItem
from .common import check_buyable, lookup, require_user, snapshot


def wishlist_add(*, user, kind, ref, actor, check: bool = True) -> WishlistItem:
    """Save an item; saving it again refreshes what was saved (title, price)."""
    require_user(actor)
    if actor.pk != user.pk:
        raise NotFound()
    item = lookup(kind, ref)
    if check:
        check_buyable(item, actor)
    fields = snapshot(item)
    with transaction.atomic():
        saved = WishlistItem.objects.select_for_update().filter(
            user=user, kind=item.kind, ref=item.ref
        )
        existing = saved.first()
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            return existing
        if WishlistItem.objects.filter(user=user).count() >= MAX_WISHLIST_ITEMS:
            raise WishlistFull(details={"max_items": MAX_WISHLIST_ITEMS})
        try:
            with transaction.atomic():
                return WishlistItem.objects.create(user=user, **fields)
        except IntegrityError:  # saved by a concurrent request (and perhaps removed since)
            concurrent = saved.first()
            if concurrent is None:
                raise Conflict(code="wishlist_changed") from None
            return concurrent


def wishlist_remove(*, item: WishlistItem, actor) -> None:
    require_user(actor)
    deleted, _rows = WishlistItem.objects.filter(pk=item.pk, user=actor).delete()
    if not deleted:
        raise NotFound(_("This item is not in your saved items."), code="wishlist_item_not_found")


def wishlist_move_to_cart(*, item: WishlistItem, actor) -> CartLine:
    """Put a saved item in the cart (checked like any add) and take it off the list."""
    from .cart import cart_add, cart_for_user

    require_user(actor)
    if item.user_id != actor.pk:
        raise NotFound(_("This item is not in your saved items."), code="wishlist_item_not_found")
    with transaction.atomic():
        line, _created = cart_add(
            cart=cart_for_user(user=actor), kind=item.kind, ref=item.ref, quantity=1, actor=actor
        )
        wishlist_remove(item=item, actor=actor)
    return line
