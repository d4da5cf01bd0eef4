import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from craftwork.core.realtime import push_to_user
from craftwork.core.websocket import SessionOrJWTAuthMiddleware
from craftwork.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


def application():
    return SessionOrJWTAuthMiddleware(URLRouter(websocket_urlpatterns))


@database_sync_to_async
def make_user():
    from craftwork.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.mark.asyncio
async def test_anonymous_socket_is_refused():
    communicator = WebsocketCommunicator(application(), "/ws/me/")
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


@pytest.mark.asyncio
async def test_forged_token_is_refused():
    communicator = WebsocketCommunicator(application(), "/ws/me/?token=not.a.jwt")
    connected, _ = await communicator.connect()
    assert not connected


@pytest.mark.asyncio
async def test_jwt_socket_receives_pushes_for_its_user_only():
    user = await make_user()
    other = await make_user()
    token = str(AccessToken.for_user(user))
    communicator = WebsocketCommunicator(application(), f"/ws/me/?token={token}")
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "user": str(user.pk)}
    await database_sync_to_async(push_to_user)(other.pk, "notification", {"n": 1})
    await database_sync_to_async(push_to_user)(user.pk, "notification", {"n": 2})
    assert await communicator.receive_json_from() == {"type": "notification", "data": {"n": 2}}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
