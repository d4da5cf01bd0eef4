from django.urls import path

from . import pwa, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("language/", views.set_language, name="set-language"),
    path("staff/style-guide/", views.style_guide, name="style-guide"),
]
