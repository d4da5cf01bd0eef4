from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("me/", views.profile_detail, name="profile"),
    path("me/edit/", views.profile_edit, name="profile-edit"),
    path("me/cvs/", views.cv_upload, name="cv-upload"),
    path("me/cvs/<uuid:pk>/", views.cv_review, name="cv-review"),
    path("me/cvs/<uuid:pk>/discard/", views.cv_discard, name="cv-discard"),
    path("me/cvs/<uuid:pk>/file/", views.cv_file, name="cv-file"),
]
