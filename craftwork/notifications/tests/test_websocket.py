"""The live bell: a new notification is pushed on /ws/me/ to its recipient only, after commit.

Each scenario runs in a thread with its own event loop (see craftwork/core/tests/test_websocket.py)."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from craftwork.accounts.tests.conftest import websocket_ticket
from craftwork.accounts.tests.factories import UserFactory
from craftwork.accounts.websocket import SessionOrTicketAuthMiddleware
from craftwork.core import events
from craftwork.core.tests.aio import run_async
from craftwork.notifications import services
from craftwork.notifications.models import Notification
from craftwork.routing import websocket_urlpatterns

from .conftest import TEST_EVENT
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user):
    socket = WebsocketCommunicator(
        SessionOrTicketAuthMiddleware(URLRouter(websocket_urlpatterns)),
        f"/ws/me/?ticket={websocket_ticket(user)}",
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    return socket


def test_new_notification_is_pushed_to_its_recipient_only(test_type):
    recipient, bystander = UserFactory(), UserFactory()
    earlier = NotificationFactory(recipient=recipient, type="older")  # one unread already

    def publish():
        with transaction.atomic():
            events.publish(TEST_EVENT, payload={"user_ids": [str(recipient.pk)]})

    async def scenario():
        mine, theirs = await connect(recipient), await connect(bystander)
        await database_sync_to_async(publish)()
        received = await mine.receive_json_from(timeout=5)
        assert await theirs.receive_nothing(timeout=0.3)
        await mine.disconnect()
        await theirs.disconnect()
        return received

    message = run_async(scenario)
    notification = Notification.objects.exclude(pk=earlier.pk).get(recipient=recipient)
    assert message == {
        "type": "notification",
        "data": {
            "id": str(notification.pk),
            "type": "something_happened",
            "title": "Yes [en]",
            "link": "/dashboard/",
            "unread_count": 2,
        },
    }


def test_nothing_is_pushed_when_the_transaction_rolls_back(test_type):
    recipient = UserFactory()

    def publish_then_fail():
        try:
            with transaction.atomic():
                events.publish(TEST_EVENT, payload={"user_ids": [str(recipient.pk)]})
                raise RuntimeError("the service failed after publishing")
        except RuntimeError:
            pass

    async def scenario():
        socket = await connect(recipient)
        await database_sync_to_async(publish_then_fail)()
        quiet = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return quiet

    assert run_async(scenario) is True
    assert not Notification.objects.exists()


def test_reading_pushes_the_new_count(test_type):
    user = UserFactory()
    first, _second = NotificationFactory(recipient=user), NotificationFactory(recipient=user)

    async def scenario():
        socket = await connect(user)
        await database_sync_to_async(services.notification_mark_read)(
            actor=user, notification=first
        )
        after_one = await socket.receive_json_from(timeout=5)
        await database_sync_to_async(services.notifications_mark_all_read)(actor=user)
        after_all = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return after_one, after_all

    assert run_async(scenario) == (
        {"type": "notifications_read", "data": {"unread_count": 1}},
        {"type": "notifications_read", "data": {"unread_count": 0}},
    )
