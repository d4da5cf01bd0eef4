from django.urls import path

from . import mentor_views as views

app_name = "mentorship"

urlpatterns = [
    path("", views.offering_list, name="offering-list"),
    path("sessions/<uuid:pk>/", views.offering_detail, name="offering-detail"),
    path("me/", views.mentor_dashboard, name="dashboard"),
    path("me/sessions/<uuid:pk>/", views.offering_edit, name="offering-edit"),
    path("me/availability/", views.availability, name="availability"),
    path("me/availability/exceptions/", views.exception_add, name="exception-add"),
    path(
        "me/availability/exceptions/<uuid:pk>/delete/",
        views.exception_delete,
        name="exception-delete",
    ),
]
