"""Pushes after commit: to the conversation's open sockets (``conversation-<uuid>`` group) and,
for the unread badge, to each participant's ``/ws/me/``. Best effort: pages also poll."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from craftwork.core.realtime import push_to_user

logger = logging.getLogger(__name__)

MESSAGE_CREATED = "message.created"
MESSAGE_UPDATED = "message.updated"
READ = "read"
TYPING = "typing"
CONVERSATION_CHANGED = "conversation.changed"
UNREAD_PUSH = "messages_unread"  # on /ws/me/; never "unread_count", which the bell reads


def conversation_group(conversation_id) -> str:
    return f"conversation-{conversation_id}"


def group_message(event: str, data: dict, *, exclude: str | None = None) -> dict:
    message = {"type": "conversation.event", "event": event, "data": data}
    if exclude:
        message["exclude"] = exclude
    return message


def broadcast(conversation_id, event: str, data: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            conversation_group(conversation_id), group_message(event, data)
        )
    except Exception:  # real time is best effort; the page polls as well
        logger.warning("could not broadcast %s to %s", event, conversation_id, exc_info=True)


def message_data(message) -> dict:
    from .api.serializers import message_payload

    return message_payload(message)


def push_unread(user_ids, conversation_id) -> None:
    """Tell each user's open pages their new total of unread messages (one query each)."""
    from .selectors import unread_total

    for user_id in user_ids:
        push_to_user(
            user_id,
            UNREAD_PUSH,
            {"conversation_id": str(conversation_id), "total": unread_total(user_id)},
        )


def on_message_created(message, *, recipient_ids) -> None:
    broadcast(message.conversation_id, MESSAGE_CREATED, message_data(message))
    push_unread(recipient_ids, message.conversation_id)


def on_message_updated(message, *, recipient_ids=()) -> None:
    broadcast(message.conversation_id, MESSAGE_UPDATED, message_data(message))
    if recipient_ids:
        push_unread(recipient_ids, message.conversation_id)


def on_read(conversation_id, *, user, seq: int) -> None:
    broadcast(
        conversation_id,
        READ,
        {"user": {"id": str(user.pk), "name": display_name(user)}, "seq": seq},
    )
    push_unread([user.pk], conversation_id)


def display_name(user) -> str:
    return user.get_full_name() or user.get_short_name() or str(user)
