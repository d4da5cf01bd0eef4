from django.urls import path

from . import views

app_name = "profiles-api"

urlpatterns = [
    path("freelancers/", views.FreelancerListApi.as_view(), name="freelancer-list"),
    path("freelancers/<uuid:pk>/", views.FreelancerDetailApi.as_view(), name="freelancer-detail"),
    path("skills/", views.SkillListApi.as_view(), name="skill-list"),
    path("skill-categories/", views.SkillCategoryListApi.as_view(), name="skill-category-list"),
    path(
        "me/freelancer-profile/",
        views.MyFreelancerProfileApi.as_view(),
        name="my-freelancer-profile",
    ),
    path(
        "me/freelancer-profile/skills/",
        views.MyFreelancerSkillsApi.as_view(),
        name="my-freelancer-skills",
    ),
    path(
        "me/freelancer-profile/publish/",
        views.MyFreelancerPublishApi.as_view(),
        name="my-freelancer-publish",
    ),
    path(
        "me/freelancer-profile/unpublish/",
        views.MyFreelancerUnpublishApi.as_view(),
        name="my-freelancer-unpublish",
    ),
    path("me/portfolio/", views.MyPortfolioApi.as_view(), name="my-portfolio"),
    path("me/portfolio/<uuid:pk>/", views.MyPortfolioItemApi.as_view(), name="my-portfolio-item"),
    path(
        "me/portfolio/<uuid:pk>/images/",
        views.MyPortfolioImagesApi.as_view(),
        name="my-portfolio-images",
    ),
    path(
        "me/portfolio/<uuid:pk>/images/<uuid:image_pk>/",
        views.MyPortfolioImageApi.as_view(),
        name="my-portfolio-image",
    ),
    path("me/client-profile/", views.MyClientProfileApi.as_view(), name="my-client-profile"),
]
