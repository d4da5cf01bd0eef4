from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.gig_list, name="gig-list"),
    path("mine/", views.gig_mine, name="gig-mine"),
    path("new/", views.gig_create, name="gig-create"),
    path("<uuid:pk>/", views.gig_detail, name="gig-detail"),
    path("<uuid:pk>/manage/", views.gig_manage, name="gig-manage"),
    path("<uuid:pk>/manage/packages/", views.gig_packages, name="gig-packages"),
    path("<uuid:pk>/manage/extras/", views.gig_extras, name="gig-extras"),
    path("<uuid:pk>/manage/requirements/", views.gig_requirements, name="gig-requirements"),
    path("<uuid:pk>/manage/faqs/", views.gig_faqs, name="gig-faqs"),
    path("<uuid:pk>/manage/images/", views.gig_image_add, name="gig-image-add"),
    path(
        "<uuid:pk>/manage/images/<uuid:image_pk>/delete/",
        views.gig_image_delete,
        name="gig-image-delete",
    ),
    path("<uuid:pk>/manage/publish/", views.gig_publish, name="gig-publish"),
    path("<uuid:pk>/manage/pause/", views.gig_pause, name="gig-pause"),
    path("<uuid:pk>/manage/promote/", views.gig_promote, name="gig-promote"),
    path("<uuid:pk>/manage/delete/", views.gig_delete, name="gig-delete"),
    path("<uuid:pk>/remove/", views.gig_remove, name="gig-remove"),
]
