"""``GET /metrics``: the Prometheus scrape, for a bearer of ``METRICS_TOKEN`` only."""

import hmac

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import metrics


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        # No token configured: open on a developer's machine, closed in production.
        return not settings.PRODUCTION
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


@never_cache
@require_GET
def metrics_view(request):
    if not _authorized(request):
        # The same answer for a wrong token and a missing one; no hint which.
        response = HttpResponse("Unauthorized.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)
