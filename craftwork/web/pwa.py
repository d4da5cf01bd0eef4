"""The installable app: the web app manifest, the service worker and the offline page.

The service worker lives at the site root (``/sw.js``) so that its scope is the whole site. It
caches only the shell — the stylesheet, icons, its own script and the offline page, all the same
for everyone — never a page or an API answer with someone's data. Navigations go to the network
and fall back to the offline page; shell files are served from the cache. It also shows Web Push
notifications (``craftwork.notifications.push``) and opens their link when clicked.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOR = "#1f6f5c"
ICONS = (
    ("web/icons/icon-192.png", "192x192", "any"),
    ("web/icons/icon-512.png", "512x512", "any"),
    ("web/icons/maskable-512.png", "512x512", "maskable"),
)


def shell_urls() -> list[str]:
    """What the service worker keeps for a fast start and for being offline."""
    return [
        reverse("web:offline"),
        static("web/craftwork.css"),
        static("web/favicon.svg"),
        static("web/pwa.js"),
        *(static(path) for path, _size, _purpose in ICONS),
    ]


def cache_version(urls: list[str]) -> str:
    """Changes whenever a shell URL does (hashed static names in production), so a deploy
    replaces the cached shell."""
    seed = "\n".join([getattr(settings, "CRAFTWORK_RELEASE", ""), *urls])
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request):
    body = {
        "id": "/",
        "name": "Craftwork",
        "short_name": "Craftwork",
        "description": _(
            "Hire skilled people and get hired, with payments held safely until the work is done."
        ),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("web:dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static(path), "sizes": size, "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    urls = shell_urls()
    context = {
        "version": cache_version(urls),
        "shell_json": json.dumps(urls),
        "offline_url_json": json.dumps(reverse("web:offline")),
        "fallback_url_json": json.dumps(reverse("notifications:list")),
        "icon_json": json.dumps(static("web/icons/icon-192.png")),
    }
    response = HttpResponse(
        render(request, "web/pwa/sw.js", context).content,
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def offline(request):
    return render(request, "web/pwa/offline.html")
