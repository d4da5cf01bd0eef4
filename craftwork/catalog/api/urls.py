from django.urls import path

from . import views

app_name = "catalog-api"

urlpatterns = [
    path("categories/", views.CategoryTreeApi.as_view(), name="category-tree"),
    path("gigs/", views.GigListApi.as_view(), name="gig-list"),
    path("gigs/<uuid:pk>/", views.GigDetailApi.as_view(), name="gig-detail"),
    path("gigs/<uuid:pk>/remove/", views.GigRemoveApi.as_view(), name="gig-remove"),
    path("me/gigs/", views.MyGigsApi.as_view(), name="my-gigs"),
    path("me/gigs/<uuid:pk>/", views.MyGigApi.as_view(), name="my-gig"),
    path("me/gigs/<uuid:pk>/publish/", views.MyGigPublishApi.as_view(), name="my-gig-publish"),
    path("me/gigs/<uuid:pk>/pause/", views.MyGigPauseApi.as_view(), name="my-gig-pause"),
    path("me/gigs/<uuid:pk>/promote/", views.MyGigPromoteApi.as_view(), name="my-gig-promote"),
    path("me/gigs/<uuid:pk>/packages/", views.MyGigPackagesApi.as_view(), name="my-gig-packages"),
    path("me/gigs/<uuid:pk>/extras/", views.MyGigExtrasApi.as_view(), name="my-gig-extras"),
    path(
        "me/gigs/<uuid:pk>/requirements/",
        views.MyGigRequirementsApi.as_view(),
        name="my-gig-requirements",
    ),
    path("me/gigs/<uuid:pk>/faqs/", views.MyGigFaqsApi.as_view(), name="my-gig-faqs"),
    path("me/gigs/<uuid:pk>/images/", views.MyGigImagesApi.as_view(), name="my-gig-images"),
    path(
        "me/gigs/<uuid:pk>/images/<uuid:image_pk>/",
        views.MyGigImageApi.as_view(),
        name="my-gig-image",
    ),
    path("mentorship/offerings/", views.OfferingListApi.as_view(), name="offering-list"),
    path(
        "mentorship/offerings/<uuid:pk>/",
        views.OfferingDetailApi.as_view(),
        name="offering-detail",
    ),
    path(
        "mentorship/offerings/<uuid:pk>/slots/",
        views.OfferingSlotsApi.as_view(),
        name="offering-slots",
    ),
    path("me/mentorship/settings/", views.MyMentorSettingsApi.as_view(), name="my-mentor-settings"),
    path("me/mentorship/availability/", views.MyAvailabilityApi.as_view(), name="my-availability"),
    path("me/mentorship/exceptions/", views.MyExceptionsApi.as_view(), name="my-exceptions"),
    path(
        "me/mentorship/exceptions/<uuid:pk>/", views.MyExceptionApi.as_view(), name="my-exception"
    ),
    path("me/mentorship/offerings/", views.MyOfferingsApi.as_view(), name="my-offerings"),
    path("me/mentorship/offerings/<uuid:pk>/", views.MyOfferingApi.as_view(), name="my-offering"),
    path(
        "me/mentorship/reservations/",
        views.MyMentorReservationsApi.as_view(),
        name="my-mentor-reservations",
    ),
    path("me/mentorship/bookings/", views.MyBookingsApi.as_view(), name="my-bookings"),
]
