"""Notification types of the shop (autodiscovered by craftwork.notifications).

``commerce.checkout_paid`` carries checkout_id, buyer_id, currency and the amounts in minor
units; it is published without an actor, once, when the checkout's payment succeeded.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.core.money import Money
from craftwork.notifications.registry import notify_on


def _buyer(event) -> list:
    return [event.payload["buyer_id"]]


def _total(event) -> Money:
    payload = event.payload
    return Money(int(payload["total_minor"]), payload["currency"])


def _link(event, user) -> str:
    return reverse("commerce:checkout-detail", args=[event.payload["checkout_id"]])


notify_on(
    "commerce.checkout_paid",
    type="order_confirmed",
    label=gettext_lazy("Your order is confirmed"),
    recipients=_buyer,
    include_actor=True,
    title=lambda event, user: _("Order confirmed: you paid %(total)s") % {"total": _total(event)},
    body=lambda event, user: _(
        "Thank you for your order. Each gig or session is now a contract with its seller; "
        "the money is held in escrow until you approve the work. Your receipt and the "
        "contracts are on the order page."
    ),
    link=_link,
)
