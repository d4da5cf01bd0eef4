from django.urls import path

from . import views

app_name = "messaging-api"

urlpatterns = [
    path("conversations/", views.ConversationListApi.as_view(), name="conversations"),
    path("conversations/unread/", views.UnreadApi.as_view(), name="unread"),
    path("conversations/<uuid:pk>/", views.ConversationDetailApi.as_view(), name="conversation"),
    path("conversations/<uuid:pk>/messages/", views.MessageListApi.as_view(), name="messages"),
    path(
        "conversations/<uuid:pk>/messages/<uuid:message_pk>/",
        views.MessageDetailApi.as_view(),
        name="message",
    ),
    path(
        "conversations/<uuid:pk>/messages/<uuid:message_pk>/attachments/<uuid:attachment_pk>/",
        views.AttachmentApi.as_view(),
        name="attachment",
    ),
    path("conversations/<uuid:pk>/read/", views.MarkReadApi.as_view(), name="read"),
    path("conversations/<uuid:pk>/search/", views.SearchApi.as_view(), name="search"),
]
