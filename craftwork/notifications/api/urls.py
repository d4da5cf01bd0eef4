from django.urls import path

from . import views

app_name = "notifications-api"

urlpatterns = [
    path("notifications/", views.NotificationListApi.as_view(), name="list"),
    path("notifications/unread-count/", views.UnreadCountApi.as_view(), name="unread-count"),
    path("notifications/read-all/", views.NotificationReadAllApi.as_view(), name="read-all"),
    path("notifications/preferences/", views.PreferencesApi.as_view(), name="preferences"),
    path("notifications/phone/", views.PhoneApi.as_view(), name="phone"),
    path("notifications/phone/verify/", views.PhoneVerifyApi.as_view(), name="phone-verify"),
    path(
        "notifications/push-devices/",
        views.PushSubscriptionListApi.as_view(),
        name="push-devices",
    ),
    path(
        "notifications/push-devices/<uuid:pk>/",
        views.PushSubscriptionDetailApi.as_view(),
        name="push-device",
    ),
    path("notifications/<uuid:pk>/read/", views.NotificationReadApi.as_view(), name="read"),
]
