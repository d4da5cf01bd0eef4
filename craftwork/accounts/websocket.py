"""WebSocket authentication: the session cookie (web pages) or a single-use ticket (API clients).

A JWT never goes in a socket URL: URLs land in access logs. An API client first asks
``POST /api/v1/auth/ws-ticket/`` for a ticket and connects with ``?ticket=<ticket>``.
"""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from craftwork.core.websocket import ClientAddressMiddleware


@database_sync_to_async
def _redeem(ticket: str):
    from . import services

    return services.websocket_ticket_redeem(ticket=ticket) or AnonymousUser()


class TicketAuthMiddleware(BaseMiddleware):
    """``?ticket=`` decides who the socket is (a bad ticket: nobody), over the session cookie."""

    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        ticket = (params.get("ticket") or [None])[0]
        if ticket is not None:
            scope = {**scope, "user": await _redeem(ticket)}
        return await super().__call__(scope, receive, send)


def SessionOrTicketAuthMiddleware(inner):
    return ClientAddressMiddleware(AuthMiddlewareStack(TicketAuthMiddleware(inner)))
