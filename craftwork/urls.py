from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from craftwork.core import views as core_views
from craftwork.core.idempotency import idempotent_views
from craftwork.ops.views import metrics_view

api_v1 = [
    path("", include("craftwork.accounts.api.urls")),
    path("", include("craftwork.profiles.api.urls")),
    path("", include("craftwork.catalog.api.urls")),
    path("", include("craftwork.jobs.api.urls")),
    path("", include("craftwork.recruiting.api.urls")),
    path("", include("craftwork.notifications.api.urls")),
    path("", include("craftwork.credentials.api.urls")),
    path("", include("craftwork.candidates.api.urls")),
    path("", include("craftwork.contracts.api.urls")),
    path("", include("craftwork.commerce.api.urls")),
    path("", include("craftwork.reviews.api.urls")),
    path("", include("craftwork.moderation.api.urls")),
    path("", include("craftwork.messaging.api.urls")),
    path("payments/", include("craftwork.payments.api.urls")),
    path("", include("craftwork.console.api.urls")),
    path("", include("craftwork.billing.api.urls")),
]

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("ready/", core_views.ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include(idempotent_views(api_v1))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("craftwork.accounts.urls")),
    path("jobs/", include("craftwork.jobs.urls")),
    path("", include("craftwork.recruiting.urls")),
    path("notifications/", include("craftwork.notifications.urls")),
    path("credentials/", include("craftwork.credentials.urls")),
    path("candidates/", include("craftwork.candidates.urls")),
    path("contracts/", include("craftwork.contracts.urls")),
    path("gigs/", include("craftwork.catalog.urls")),
    path("mentors/", include("craftwork.catalog.mentor_urls")),
    path("shop/", include("craftwork.commerce.urls")),
    path("reviews/", include("craftwork.reviews.urls")),
    path("moderation/", include("craftwork.moderation.urls")),
    path("messages/", include("craftwork.messaging.urls")),
    path("console/", include("craftwork.console.urls")),
    path("", include("craftwork.profiles.urls")),
    path("", include("craftwork.payments.urls")),
    path("", include("craftwork.billing.urls")),
    path("", include("craftwork.web.urls")),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.insert(0, path("bench/floor/", core_views.bench_floor))
if settings.DEBUG or settings.DJANGO_ENV == "development":
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "craftwork.web.views.page_not_found"
handler500 = "craftwork.web.views.server_error"
