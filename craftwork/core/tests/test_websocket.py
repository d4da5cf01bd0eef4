"""The per-user socket. Each scenario runs in a thread with its own event loop, so these tests
also work in a process where Playwright's sync API holds the main thread's loop."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from craftwork.accounts.tests.conftest import websocket_ticket
from craftwork.accounts.tests.factories import UserFactory
from craftwork.accounts.websocket import SessionOrTicketAuthMiddleware
from craftwork.core.realtime import push_to_user
from craftwork.core.tests.aio import run_async
from craftwork.core.websocket import user_group
from craftwork.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(path):
    return WebsocketCommunicator(
        SessionOrTicketAuthMiddleware(URLRouter(websocket_urlpatterns)), path
    )


async def opens(path) -> bool:
    socket = communicator(path)
    connected, _ = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected


def test_anonymous_socket_is_refused():
    async def scenario():
        connected, code = await communicator("/ws/me/").connect()
        return connected, code

    assert run_async(scenario) == (False, 4401)


@pytest.mark.parametrize("ticket", ["not-a-ticket", "x" * 40, "", "%00"])
def test_forged_ticket_is_refused(ticket):
    assert run_async(lambda: opens(f"/ws/me/?ticket={ticket}")) is False


def test_a_jwt_in_the_url_is_not_accepted():
    """Tokens in URLs end up in access logs: the socket takes none."""
    token = str(AccessToken.for_user(UserFactory()))
    assert run_async(lambda: opens(f"/ws/me/?token={token}")) is False


def test_a_ticket_opens_one_socket_only():
    ticket = websocket_ticket(UserFactory())
    assert run_async(lambda: opens(f"/ws/me/?ticket={ticket}")) is True
    assert run_async(lambda: opens(f"/ws/me/?ticket={ticket}")) is False


def test_two_sockets_racing_with_one_ticket_get_one_connection():
    ticket = websocket_ticket(UserFactory())

    async def scenario():
        return await asyncio.gather(*(opens(f"/ws/me/?ticket={ticket}") for _ in range(5)))

    assert sorted(run_async(scenario)) == [False, False, False, False, True]


def test_an_expired_ticket_is_refused(settings, monkeypatch):
    import time

    ticket = websocket_ticket(UserFactory())
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + settings.WEBSOCKET_TICKET_SECONDS + 1)
    assert run_async(lambda: opens(f"/ws/me/?ticket={ticket}")) is False


def test_a_password_change_voids_unused_tickets():
    from craftwork.accounts import services
    from craftwork.accounts.tests.factories import DEFAULT_PASSWORD

    user = UserFactory()
    ticket = websocket_ticket(user)
    services.user_change_password(
        actor=user, old_password=DEFAULT_PASSWORD, new_password="violet-kettle-harbor-42"
    )
    assert run_async(lambda: opens(f"/ws/me/?ticket={ticket}")) is False


def test_frames_that_are_no_json_object_do_not_end_the_socket():
    ticket = websocket_ticket(UserFactory())

    async def scenario():
        socket = communicator(f"/ws/me/?ticket={ticket}")
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


def test_ticket_socket_receives_pushes_for_its_user_only():
    user, other = UserFactory(), UserFactory()
    ticket = websocket_ticket(user)

    async def scenario():
        socket = communicator(f"/ws/me/?ticket={ticket}")
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


def test_the_session_cookie_still_opens_the_socket(client):
    from django.conf import settings as django_settings

    user = UserFactory()
    client.force_login(user)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        socket = WebsocketCommunicator(
            SessionOrTicketAuthMiddleware(URLRouter(websocket_urlpatterns)),
            "/ws/me/",
            headers=[(b"cookie", cookie.encode())],
        )
        connected, _ = await socket.connect()
        hello = await socket.receive_json_from()
        await socket.disconnect()
        return connected, hello

    assert run_async(scenario) == (True, {"type": "hello", "user": str(user.pk)})


def test_the_api_issues_tickets_to_signed_in_users_only(api_client, auth_client):
    assert api_client.post("/api/v1/auth/ws-ticket/").status_code == 401
    response = auth_client.post("/api/v1/auth/ws-ticket/")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"ticket", "expires_in"} and body["expires_in"] > 0
    assert run_async(lambda: opens(f"/ws/me/?ticket={body['ticket']}")) is True


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
