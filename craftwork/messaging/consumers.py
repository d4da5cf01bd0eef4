"""``/ws/conversations/<uuid>/``: one conversation, live (the protocol is in docs/realtime.md).

Authenticated like ``/ws/me/`` (session cookie or a single-use ``?ticket=``). The socket is
accepted, then closed with 4401 (not signed in) or 4404 (no such conversation for this user),
so that clients can tell why and stop reconnecting. A malformed frame gets an ``error`` frame
back; the socket stays open.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from craftwork.core import jsoninput
from craftwork.core.errors import DomainError

from . import presence, realtime, selectors, services
from .models import Conversation

MAX_FRAME_CHARS = 20_000
TYPING_INTERVAL_SECONDS = 2.0
PRESENCE_REFRESH_SECONDS = 15.0  # well within presence.VIEWING_TTL (60 s)
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _participant_state(user, pk):
    if not selectors.is_participant(user, pk):
        return None
    return Conversation.objects.filter(pk=pk).values_list("last_seq", flat=True).first()


@database_sync_to_async
def _send(user, pk, body):
    conversation = Conversation(pk=pk)
    message = services.message_send(conversation=conversation, actor=user, body=body)
    return {"id": str(message.pk), "seq": message.seq}


@database_sync_to_async
def _mark_read(user, pk, seq):
    return services.conversation_mark_read(conversation=Conversation(pk=pk), actor=user, seq=seq)


class ConversationConsumer(AsyncJsonWebsocketConsumer):
    conversation_id = None

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        pk = str(self.scope["url_route"]["kwargs"]["pk"])
        last_seq = await _participant_state(user, pk)
        if last_seq is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.user = user
        self.conversation_id = pk
        self.group = realtime.conversation_group(pk)
        self.last_typing = 0.0
        await self.channel_layer.group_add(self.group, self.channel_name)
        await presence.amark_viewing(pk, user.pk)
        self.viewing_marked = time.monotonic()
        await self.send_json(
            {
                "type": "hello",
                "data": {"conversation": pk, "user": str(user.pk), "last_seq": last_seq},
            }
        )

    async def disconnect(self, code):
        if self.conversation_id is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await presence.aclear_viewing(self.conversation_id, self.user.pk)

    # --- from the client ------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.conversation_id is None:
            return
        if text_data is None:
            await self.error("bad_frame", _("Send JSON text frames."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.error("frame_too_large", _("The frame is too large."))
            return
        try:
            content = jsoninput.loads(text_data)  # too deep or holding a NUL: a ValueError too
        except ValueError:
            await self.error("bad_json", _("The frame is not valid JSON."))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("bad_frame", _('Send an object with a "type".'))
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        now = time.monotonic()
        if now - self.viewing_marked > PRESENCE_REFRESH_SECONDS:
            self.viewing_marked = now  # a cache write (a thread hop) at most every 15 s
            await presence.amark_viewing(self.conversation_id, self.user.pk)
        kind = content["type"]
        ref = content.get("ref") if isinstance(content.get("ref"), str | int) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "typing":
            await self.typing()
        elif kind == "read":
            await self.read(content.get("seq"), ref)
        elif kind == "send":
            await self.send_message(content.get("body"), ref)
        else:
            await self.error("unknown_type", _("Unknown frame type."), ref=ref)

    async def typing(self):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL_SECONDS:
            return  # at most one typing signal every 2 s per socket
        self.last_typing = now
        data = {"user": {"id": str(self.user.pk), "name": realtime.display_name(self.user)}}
        await self.channel_layer.group_send(
            self.group, realtime.group_message(realtime.TYPING, data, exclude=self.channel_name)
        )

    async def read(self, seq, ref):
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
            await self.error("bad_frame", _('"seq" must be a whole number.'), ref=ref)
            return
        try:
            await _mark_read(self.user, self.conversation_id, seq)
        except DomainError as error:
            await self.error(error.code, error.message, ref=ref)

    async def send_message(self, body, ref):
        if not isinstance(body, str):
            await self.error("bad_frame", _('"body" must be text.'), ref=ref)
            return
        try:
            sent = await _send(self.user, self.conversation_id, body)
        except DomainError as error:
            await self.error(error.code, error.message, ref=ref, details=error.details)
            return
        await self.send_json({"type": "sent", "data": {**sent, "ref": ref}})

    async def error(self, code: str, message: str, *, ref=None, details=None):
        data = {"code": code, "message": str(message)}
        if ref is not None:
            data["ref"] = ref
        if details:
            data["details"] = details
        await self.send_json({"type": "error", "data": data})

    # --- from the channel layer -----------------------------------------------------------------

    async def conversation_event(self, message):
        if message.get("exclude") == self.channel_name:
            return
        await self.send_json({"type": message["event"], "data": message.get("data", {})})
