from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("phone/", views.phone_set_view, name="phone-set"),
    path("phone/verify/", views.phone_verify_view, name="phone-verify"),
    path("phone/remove/", views.phone_remove_view, name="phone-remove"),
    path(
        "push-devices/<uuid:pk>/remove/",
        views.push_device_remove_view,
        name="push-device-remove",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("<uuid:pk>/open/", views.notification_open, name="open"),
    path("<uuid:pk>/read/", views.notification_read, name="read"),
]
