from django.urls import path

from .consumers import ConversationConsumer

websocket_urlpatterns: list = [
    path("ws/conversations/<uuid:pk>/", ConversationConsumer.as_asgi()),
]
