from django.urls import path

from craftwork.core.websocket import UserChannelConsumer

websocket_urlpatterns = [
    path("ws/me/", UserChannelConsumer.as_asgi()),
]
