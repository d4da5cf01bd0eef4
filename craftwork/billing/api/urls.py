from django.urls import path

from . import views

app_name = "billing-api"

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "plans/<slug:slug>/versions/",
        views.PlanVersionCreateView.as_view(),
        name="plan-version-create",
    ),
    path("credits/", views.CreditWalletView.as_view(), name="credit-wallet"),
    path("credits/history/", views.CreditHistoryView.as_view(), name="credit-history"),
    path("credits/prices/", views.CreditPriceListView.as_view(), name="credit-price-list"),
    path(
        "credits/prices/<str:action>/",
        views.CreditPriceDetailView.as_view(),
        name="credit-price-detail",
    ),
    path("credits/grants/", views.CreditGrantView.as_view(), name="credit-grant"),
]
