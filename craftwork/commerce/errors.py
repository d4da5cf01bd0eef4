"""Commerce refusals with stable codes (the API returns them as ``error.code``)."""

from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from craftwork.core.money import CurrencyMismatch


class CartLineNotFound(NotFound):
    code = "cart_line_not_found"
    default_message = _("This item is not in your cart.")


class WishlistItemNotFound(NotFound):
    code = "wishlist_item_not_found"
    default_message = _("This item is not in your saved items.")


class CheckoutNotFound(NotFound):
    code = "checkout_not_found"
    default_message = _("Checkout not found.")


class OwnItem(PermissionDenied):
    code = "own_item"
    default_message = _("You cannot buy your own gig or session.")


class ItemUnavailable(ValidationFailed):
    code = "item_unavailable"
    default_message = _("This item cannot be bought right now.")


class InvalidQuantity(ValidationFailed):
    code = "invalid_quantity"
    default_message = _("Choose a quantity the item allows.")


class CartFull(ValidationFailed):
    code = "cart_full"
    default_message = _("Your cart is full. Check out or remove something first.")


class WishlistFull(ValidationFailed):
    code = "wishlist_full"
    default_message = _("Your saved items list is full. Remove something first.")


class CartCurrencyMismatch(CurrencyMismatch):
    code = "cart_currency_mismatch"
    default_message = _("Your cart is in another currency.")


class CartEmpty(ValidationFailed):
    code = "cart_empty"
    default_message = _("There is nothing to buy in your cart.")


class CartChanged(Conflict):
    """Something in the cart changed since the buyer saw it: nothing was charged."""

    code = "cart_changed"
    default_message = _("Your cart changed. Please review it and confirm again.")


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
    default_message = _("A payment for this cart is being completed. Please wait a moment.")
