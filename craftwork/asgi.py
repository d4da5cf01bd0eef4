"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from craftwork.accounts.websocket import SessionOrTicketAuthMiddleware  # noqa: E402
from craftwork.ops.websocket import WebSocketMetricsMiddleware  # noqa: E402
from craftwork.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": WebSocketMetricsMiddleware(
            AllowedHostsOriginValidator(
                SessionOrTicketAuthMiddleware(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)
if settings.SENTRY_DSN:
    # Errors in consumers (Channels) reach Sentry too; HTTP is covered by the Django integration.
    from sentry_sdk.integrations.asgi import SentryAsgiMiddleware

    application = SentryAsgiMiddleware(application)
