"""Every write of the shop. Import from here: ``from craftwork.commerce import services``."""

from .cart import (
    cart_add,
    cart_for_user,
    cart_line_remove,
    cart_line_save_for_later,
    cart_line_update,
    cart_merge,
    guest_cart_create,
    guest_carts_purge,
)
from .checkout import (
    checkout_cancel,
    checkout_expire_due,
    checkout_review,
    checkout_start,
    checkout_sync,
)
from .wishlist import wishlist_add, wishlist_move_to_cart, wishlist_remove

__all__ = [
    "cart_add",
    "cart_for_user",
    "cart_line_remove",
    "cart_line_save_for_later",
    "cart_line_update",
    "cart_merge",
    "checkout_cancel",
    "checkout_expire_due",
    "checkout_review",
    "checkout_start",
    "checkout_sync",
    "guest_cart_create",
    "guest_carts_purge",
    "wishlist_add",
    "wishlist_move_to_cart",
    "wishlist_remove",
]
