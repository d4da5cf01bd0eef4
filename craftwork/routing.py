from django.urls import path

from craftwork.core.websocket import UserChannelConsumer
from craftwork.messaging.routing import websocket_urlpatterns as messaging_websockets

websocket_urlpatterns = [
    path("ws/me/", UserChannelConsumer.as_asgi()),
    *messaging_websockets,
]
