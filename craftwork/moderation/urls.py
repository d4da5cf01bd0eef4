from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("report/<slug:kind>/<str:object_id>/", views.flag_create, name="flag"),
    path("my-reports/", views.my_flags, name="my-flags"),
    path("decisions/<uuid:pk>/", views.decision_detail, name="decision"),
    path("queue/", views.queue, name="queue"),
    path("cases/<uuid:pk>/", views.case_detail, name="case"),
    path("cases/<uuid:pk>/decide/", views.case_decide, name="case-decide"),
    path("cases/<uuid:pk>/reopen/", views.case_reopen, name="case-reopen"),
    path("flags/<uuid:pk>/dismiss/", views.flag_dismiss, name="flag-dismiss"),
    path("terms/", views.terms, name="terms"),
    path("terms/<uuid:pk>/remove/", views.term_remove, name="term-remove"),
]
