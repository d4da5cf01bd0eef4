"""Which cart a web request uses: the signed-in user's, or the guest's (its id in the session)."""

from __future__ import annotations

from . import selectors, services
from .models import Cart

SESSION_KEY = "commerce_cart_id"


def request_cart(request, *, create: bool = False) -> Cart | None:
    user = request.user
    if user.is_authenticated:
        return services.cart_for_user(user=user) if create else selectors.user_cart(user)
    cart = selectors.guest_cart(request.session.get(SESSION_KEY))
    if cart is None and create:
        cart = services.guest_cart_create()
        request.session[SESSION_KEY] = str(cart.pk)
    return cart


def actor_of(request):
    return request.user if request.user.is_authenticated else None
