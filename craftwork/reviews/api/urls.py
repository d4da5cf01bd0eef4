from django.urls import path

from . import views

app_name = "reviews-api"

urlpatterns = [
    path(
        "reviews/contracts/<uuid:contract_pk>/",
        views.ContractReviewsApi.as_view(),
        name="contract",
    ),
    path("reviews/given/", views.GivenReviewsApi.as_view(), name="given"),
    path("reviews/received/", views.ReceivedReviewsApi.as_view(), name="received"),
    path("reviews/pending/", views.PendingReviewsApi.as_view(), name="pending"),
    path("reviews/users/<uuid:user_pk>/", views.UserReviewsApi.as_view(), name="user"),
    path("reviews/users/<uuid:user_pk>/rating/", views.UserRatingApi.as_view(), name="user-rating"),
    path("reviews/gigs/<uuid:gig_pk>/", views.GigReviewsApi.as_view(), name="gig"),
    path("reviews/gigs/<uuid:gig_pk>/rating/", views.GigRatingApi.as_view(), name="gig-rating"),
    path("reviews/<uuid:pk>/", views.OwnReviewApi.as_view(), name="detail"),
    path("reviews/<uuid:pk>/submit/", views.SubmitReviewApi.as_view(), name="submit"),
    path("reviews/<uuid:pk>/photos/", views.ReviewPhotosApi.as_view(), name="photos"),
    path(
        "reviews/<uuid:pk>/photos/<uuid:photo_pk>/",
        views.ReviewPhotoApi.as_view(),
        name="photo",
    ),
    path("reviews/<uuid:pk>/response/", views.ReviewResponseApi.as_view(), name="response"),
]
