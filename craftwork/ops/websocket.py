"""ASGI middleware counting the WebSocket connections each process holds open."""

from .metrics import websocket_connections, websocket_connections_opened


def _route(path: str) -> str:
    # A bounded label: the first segment after /ws/ ("me", "conversations"), never an id.
    parts = [part for part in path.split("/") if part]
    return parts[1] if len(parts) > 1 and parts[0] == "ws" else "other"


class WebSocketMetricsMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        route = _route(scope.get("path", ""))
        accepted = False

        async def counting_send(message):
            nonlocal accepted
            if message.get("type") == "websocket.accept" and not accepted:
                accepted = True
                websocket_connections.labels(route).inc()
                websocket_connections_opened.labels(route).inc()
            await send(message)

        try:
            return await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                websocket_connections.labels(route).dec()
