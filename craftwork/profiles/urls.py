from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("freelancers/", views.freelancer_list, name="freelancer-list"),
    path("freelancers/<uuid:pk>/", views.freelancer_detail, name="freelancer-detail"),
    path("me/profile/", views.freelancer_edit, name="freelancer-edit"),
    path("me/profile/skill-row/", views.freelancer_skill_row, name="skill-row"),
    path("me/profile/publish/", views.freelancer_publish, name="freelancer-publish"),
    path("me/portfolio/", views.portfolio, name="portfolio"),
    path("me/portfolio/<uuid:pk>/", views.portfolio_edit, name="portfolio-edit"),
    path("me/portfolio/<uuid:pk>/delete/", views.portfolio_delete, name="portfolio-delete"),
    path("me/portfolio/<uuid:pk>/images/", views.portfolio_image_add, name="portfolio-image-add"),
    path(
        "me/portfolio/<uuid:pk>/images/<uuid:image_pk>/delete/",
        views.portfolio_image_delete,
        name="portfolio-image-delete",
    ),
    path("me/client/", views.client_edit, name="client-edit"),
]
