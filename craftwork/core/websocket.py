"""The per-user live channel, and the client address of a socket for the audit log.

Authentication (session cookie or single-use ticket) is craftwork.accounts.websocket.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.middleware import BaseMiddleware

from . import jsoninput
from .context import client_ip_from_scope, current_ip


class ClientAddressMiddleware(BaseMiddleware):
    """What a socket makes services do is audited with its client address, as for HTTP."""

    async def __call__(self, scope, receive, send):
        token = current_ip.set(client_ip_from_scope(scope))
        try:
            return await super().__call__(scope, receive, send)
        finally:
            current_ip.reset(token)


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
