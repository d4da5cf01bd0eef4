"""The per-user socket. Each scenario runs in a thread with its own event loop, so these tests
also work in a process where Playwright's sync API holds the main thread's loop."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.realtime import push_to_user
from craftwork.core.websocket import SessionOrJWTAuthMiddleware, user_group
from craftwork.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


def run_async(scenario):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result(timeout=30)


def communicator(path):
    return WebsocketCommunicator(SessionOrJWTAuthMiddleware(URLRouter(websocket_urlpatterns)), path)


def test_anonymous_socket_is_refused():
    async def scenario():
        connected, code = await communicator("/ws/me/").connect()
        return connected, code

    assert run_async(scenario) == (False, 4401)


def test_forged_token_is_refused():
    async def scenario():
        connected, _ = await communicator("/ws/me/?token=not.a.jwt").connect()
        return connected

    assert run_async(scenario) is False


def test_frames_that_are_no_json_object_do_not_end_the_socket():
    token = str(AccessToken.for_user(UserFactory()))

    async def scenario():
        socket = communicator(f"/ws/me/?token={token}")
        connected, _ = await socket.connect()
        assert connected
        await socket.receive_json_from()  # hello
        for frame in ["[" * 5000 + "]" * 5000, "[]", "not json", '"\\u0000"']:
            await socket.send_to(text_data=frame)
        await socket.send_json_to({"type": "ping"})
        reply = await socket.receive_json_from()
        await socket.disconnect()
        return reply

    assert run_async(scenario) == {"type": "pong"}


def test_jwt_socket_receives_pushes_for_its_user_only():
    user, other = UserFactory(), UserFactory()
    token = str(AccessToken.for_user(user))

    async def scenario():
        socket = communicator(f"/ws/me/?token={token}")
        connected, _ = await socket.connect()
        assert connected
        received = [await socket.receive_json_from()]
        await database_sync_to_async(push_to_user)(other.pk, "notification", {"n": 1})
        await database_sync_to_async(push_to_user)(user.pk, "notification", {"n": 2})
        received.append(await socket.receive_json_from())
        await socket.send_json_to({"type": "ping"})
        received.append(await socket.receive_json_from())
        await socket.disconnect()
        return received

    assert run_async(scenario) == [
        {"type": "hello", "user": str(user.pk)},
        {"type": "notification", "data": {"n": 2}},
        {"type": "pong"},
    ]


def test_push_from_sync_code_running_on_an_event_loop_thread(caplog):
    """Playwright's sync API runs code this way in the browser tests: the push still goes out."""
    user = UserFactory()
    layer = get_channel_layer()

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(user_group(user.pk), channel)
        push_to_user(user.pk, "notification", {"n": 3})
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    assert run_async(scenario) == {"type": "push", "event": "notification", "data": {"n": 3}}
    assert "could not push" not in caplog.text
