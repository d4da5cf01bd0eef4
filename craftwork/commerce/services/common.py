"""Helpers shared by the cart, the wishlist and the checkout."""

from __future__ import annotations

from django.utils.translation import gettext as _

from craftwork.catalog.purchasable import Purchasable, PurchasableNotFound, purchasable_for
from craftwork.core.errors import PermissionDenied, ValidationFailed

from ..errors import InvalidQuantity, ItemUnavailable, OwnItem
from ..models import MAX_REF_LENGTH, ItemKind


def signed_in(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def require_user(actor) -> None:
    if not signed_in(actor) or not actor.is_active:
        raise PermissionDenied(_("Sign in first."), code="not_authenticated")


def lookup(kind, ref) -> Purchasable:
    """The purchasable behind (kind, ref); unknown kinds and malformed refs are refused."""
    if kind not in ItemKind.values:
        raise ValidationFailed(
            _("Unknown kind of item."),
            code="invalid_kind",
            details={"kind": [_("Choose one of: %s.") % ", ".join(ItemKind.values)]},
        )
    if not isinstance(ref, str) or not ref or len(ref) > MAX_REF_LENGTH:
        raise PurchasableNotFound(_("This item cannot be bought."))
    return purchasable_for(kind, ref)


def check_buyable(item: Purchasable, actor) -> None:
    if signed_in(actor) and item.seller.pk == actor.pk:
        raise OwnItem()
    if not item.available:
        raise ItemUnavailable(
            item.reason_message or ItemUnavailable.default_message,
            code=item.reason or ItemUnavailable.code,
        )


def check_quantity(quantity, maximum: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidQuantity(
            _("The quantity must be a whole number."),
            details={"quantity": [_("Enter a whole number.")]},
        )
    if not 1 <= quantity <= maximum:
        message = _("Choose a quantity from 1 to %(max)d.") % {"max": maximum}
        raise InvalidQuantity(message, details={"quantity": [message], "max_quantity": maximum})
    return quantity


def snapshot(item: Purchasable) -> dict:
    """The fields a cart line or saved item keeps of what the buyer saw."""
    return {
        "kind": item.kind,
        "ref": item.ref,
        "title": item.title[:300],
        "image_url": (item.image_url or "")[:500],
        "seller": item.seller,
        "category_slug": item.category_slug or "",
        "unit_price_minor": item.price.minor,
        "currency": item.price.currency,
        "details": item.details,
    }
