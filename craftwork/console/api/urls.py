from django.urls import path

from . import views

app_name = "console-api"

urlpatterns = [
    path("console/overview/", views.OverviewApi.as_view(), name="overview"),
    path("console/<slug:kind>/bulk/", views.BulkApi.as_view(), name="bulk"),
]
