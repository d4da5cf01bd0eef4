"""The buyer is told once when their order is paid (in-app and by email)."""

import pytest
from django.core import mail

from craftwork.commerce import services
from craftwork.notifications import registry
from craftwork.notifications.models import Notification

from .conftest import add, start

pytestmark = pytest.mark.django_db


def test_the_paid_event_is_declared():
    (declared,) = registry.for_event("commerce.checkout_paid")
    assert declared.type == "order_confirmed"


def test_the_buyer_gets_one_order_confirmation(
    cart, buyer, package, django_capture_on_commit_callbacks
):
    from craftwork.payments import testing

    add(cart, buyer, package)
    checkout = start(cart, buyer)
    with django_capture_on_commit_callbacks(execute=True):
        testing.pay(checkout.payment)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkout_sync(checkout=checkout)  # the return page, after the webhook: no repeat
    notification = Notification.objects.get(type="order_confirmed")
    assert notification.recipient == buyer
    assert notification.title == "Order confirmed: you paid $52.50"
    assert notification.link == f"/shop/checkout/{checkout.pk}/"
    assert any("Order confirmed" in message.subject for message in mail.outbox)
