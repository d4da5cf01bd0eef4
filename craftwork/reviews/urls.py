from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.my_reviews, name="mine"),
    path("contracts/<uuid:contract_pk>/", views.contract_review, name="contract"),
    path("<uuid:pk>/respond/", views.respond, name="respond"),
    path("<uuid:pk>/photos/<uuid:photo_pk>/remove/", views.photo_remove, name="photo-remove"),
    path("users/<uuid:user_pk>/", views.user_reviews, name="user"),
    path("gigs/<uuid:gig_pk>/", views.gig_reviews, name="gig"),
]
