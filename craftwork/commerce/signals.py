"""The one signal the shop listens to: a login merges the guest's cart (``cart_merge``)."""

import logging

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in

from .session import SESSION_KEY

logger = logging.getLogger(__name__)


def merge_guest_cart(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_KEY, None)
    if not cart_id:
        return
    from craftwork.core.errors import DomainError

    from . import selectors, services

    try:
        notices = services.cart_merge(guest_cart=selectors.guest_cart(cart_id), user=user)
    except DomainError:  # never stand in the way of a login
        logger.exception("could not merge the guest cart %s", cart_id)
        return
    if hasattr(request, "_messages"):
        for notice in notices:
            messages.warning(request, notice)


def connect() -> None:
    user_logged_in.connect(merge_guest_cart, dispatch_uid="commerce.merge_guest_cart")
