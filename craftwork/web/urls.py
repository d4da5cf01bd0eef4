from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("language/", views.set_language, name="set-language"),
    path("staff/style-guide/", views.style_guide, name="style-guide"),
]
