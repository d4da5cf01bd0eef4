from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("start/<str:kind>/<uuid:pk>/", views.start, name="start"),
    path("attachments/<uuid:pk>/", views.attachment, name="attachment"),
    path("<uuid:pk>/", views.conversation_page, name="conversation"),
    path("<uuid:pk>/updates/", views.updates, name="updates"),
    path("<uuid:pk>/send/", views.send, name="send"),
    path("<uuid:pk>/messages/<uuid:message_pk>/edit/", views.edit, name="edit"),
    path("<uuid:pk>/messages/<uuid:message_pk>/delete/", views.delete, name="delete"),
]
