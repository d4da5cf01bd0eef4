"""Push a message to a user's open pages; silently a no-op when nobody listens."""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .websocket import user_group

logger = logging.getLogger(__name__)


def push_to_user(user_id, event: str, data: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    def send() -> None:
        try:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": "push", "event": event, "data": data}
            )
        except Exception:  # real time is best effort; pages still refresh on their own
            logger.warning("could not push %s to user %s", event, user_id, exc_info=True)

    if _event_loop_runs_in_this_thread():
        # Sync code on an event loop's thread (Playwright's sync API drives the browser tests
        # that way) must not block that loop; a short-lived thread may.
        worker = threading.Thread(target=send, name="realtime-push")
        worker.start()
        worker.join()
    else:
        send()


def _event_loop_runs_in_this_thread() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
