"""WebSocket authentication (session cookie or JWT) and the per-user live channel."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from . import jsoninput


@database_sync_to_async
def _user_from_jwt(raw_token: str):
    from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

    from craftwork.accounts.authentication import RevocableJWTAuthentication

    auth = RevocableJWTAuthentication()
    try:
        token = auth.get_validated_token(raw_token.encode())
        return auth.get_user(token)
    except (InvalidToken, TokenError, Exception):
        return AnonymousUser()


class JWTQueryAuthMiddleware(BaseMiddleware):
    """API clients authenticate a socket with ``?token=<access JWT>``; it wins over the cookie."""

    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode())
        token = (params.get("token") or [None])[0]
        if token:
            scope["user"] = await _user_from_jwt(token)
        return await super().__call__(scope, receive, send)


def SessionOrJWTAuthMiddleware(inner):
    return AuthMiddlewareStack(JWTQueryAuthMiddleware(inner))


def user_group(user_id) -> str:
    return f"user-{user_id}"


class UserChannelConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/me/``: everything the platform pushes to one signed-in user (notifications, status changes)."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": str(user.pk)})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Clients only ping here; a frame that is not a JSON object (or nests past the limit)
        # is dropped instead of ending the connection with an exception.
        try:
            content = jsoninput.loads(text_data or "")
        except ValueError:
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def push(self, message):
        await self.send_json({"type": message["event"], "data": message.get("data", {})})
