from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("overview/", views.overview_view, name="overview"),
    path("users/<uuid:user_id>/", views.user_view, name="user"),
    path("users/<uuid:user_id>/role/", views.user_role_view, name="user-role"),
    path("users/<uuid:user_id>/messages/", views.user_messages_view, name="user-messages"),
    path("<slug:kind>/", views.list_view, name="list"),
    path("<slug:kind>/export.csv", views.export_view, name="export"),
    path("<slug:kind>/bulk/", views.bulk_view, name="bulk"),
]
