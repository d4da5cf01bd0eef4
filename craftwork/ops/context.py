"""The request id of the work in progress: a web request, or a task one of them queued."""

import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
current_user_id: ContextVar[str | None] = ContextVar("current_user_id", default=None)

# A proxy's or client's own id is kept when it is safe to log and to send back.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """The incoming X-Request-ID when it is a plain token, otherwise a fresh one."""
    if value and _SAFE_ID.match(value):
        return value
    return new_request_id()
