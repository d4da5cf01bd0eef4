from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.my_credentials, name="mine"),
    path("new/", views.upload, name="upload"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/file/", views.download, name="file"),
    path("review/", views.staff_queue, name="staff-queue"),
    path("review/history/", views.staff_history, name="staff-history"),
    path("review/<uuid:pk>/", views.staff_review, name="staff-review"),
]
