from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("pricing/", views.pricing_view, name="pricing"),
    path("billing/", views.billing_view, name="settings"),
    path("billing/credits/", views.credits_view, name="credits"),
]
