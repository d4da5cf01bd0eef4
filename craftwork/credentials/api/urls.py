from django.urls import path

from . import views

app_name = "credentials-api"

urlpatterns = [
    path("document-types/", views.DocumentTypeListApi.as_view(), name="document-types"),
    path("credentials/", views.MyCredentialsApi.as_view(), name="list"),
    path("credentials/<uuid:pk>/", views.MyCredentialApi.as_view(), name="detail"),
    path(
        "credentials/<uuid:pk>/resubmit/", views.MyCredentialResubmitApi.as_view(), name="resubmit"
    ),
    path("credentials/<uuid:pk>/file/", views.CredentialFileApi.as_view(), name="file"),
    path("staff/credentials/", views.StaffQueueApi.as_view(), name="staff-queue"),
    path("staff/credentials/<uuid:pk>/", views.StaffCredentialApi.as_view(), name="staff-detail"),
    path(
        "staff/credentials/<uuid:pk>/decide/", views.StaffDecideApi.as_view(), name="staff-decide"
    ),
    path(
        "freelancers/<uuid:pk>/credentials/",
        views.FreelancerCredentialsApi.as_view(),
        name="freelancer-credentials",
    ),
]
