from django.urls import path

from . import views

app_name = "candidates-api"

urlpatterns = [
    path("candidates/me/", views.MyCandidateProfileApi.as_view(), name="me"),
    path("candidates/me/cvs/", views.MyCVListApi.as_view(), name="cv-list"),
    path("candidates/me/cvs/<uuid:pk>/", views.MyCVApi.as_view(), name="cv-detail"),
    path("candidates/me/cvs/<uuid:pk>/confirm/", views.MyCVConfirmApi.as_view(), name="cv-confirm"),
    path("candidates/me/cvs/<uuid:pk>/file/", views.MyCVFileApi.as_view(), name="cv-file"),
]
