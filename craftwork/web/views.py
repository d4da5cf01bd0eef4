from contextlib import suppress

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from craftwork.accounts import services as account_services
from craftwork.catalog import selectors as catalog_selectors
from craftwork.core.api.exceptions import json_404, json_500
from craftwork.core.errors import DomainError
from craftwork.profiles import selectors as profile_selectors


def home(request):
    categories = list(catalog_selectors.category_tree())
    context = {
        "featured_freelancers": profile_selectors.featured_freelancers(limit=6),
        "featured_gigs": catalog_selectors.with_cover_urls(catalog_selectors.public_gigs()[:8]),
        "skill_categories": profile_selectors.skill_categories_with_counts(),
        # What the search box suggests as people type (a <datalist>: no script needed).
        "suggestions": [str(category) for category in categories]
        + [str(child) for category in categories for child in category.children.all()],
    }
    return render(request, "web/home.html", context)


@login_required
def dashboard(request):
    user = request.user
    view = user.active_view
    context = {"view": view}
    # Staff who neither hire nor work have no profile to complete: their dashboard is their tools.
    if view == "freelancer" and user.is_freelancer:
        context["completeness"] = profile_selectors.freelancer_completeness(user)
    elif user.is_client:
        context["completeness"] = profile_selectors.client_completeness(user)
    else:
        context["completeness"] = None
    context["organizations"] = user.memberships.select_related("organization")
    context["next_steps"] = _next_steps(user, context["completeness"])
    return render(request, "web/dashboard.html", context)


def _next_steps(user, completeness) -> list[dict]:
    steps = [
        {"label": step["label"], "url": step["url"]}
        for step in (completeness["steps"] if completeness else [])
        if not step["done"]
    ]
    verify_url = reverse("accounts:verify-email-resend")
    if not user.email_verified and all(step["url"] != verify_url for step in steps):
        steps.insert(0, {"label": _("Verify your email address"), "url": verify_url})
    return steps


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_404(request, exception)
    return render(request, "web/404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_500(request)
    return render(request, "web/500.html", status=500)


@require_POST
def set_language(request):
    """The footer's language picker. For a signed-in person the profile's language is what every
    page follows (accounts.middleware), so the choice is saved there too; Django's own view then
    sets the cookie and redirects back."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        # An unknown code changes nothing here; Django's view below ignores it as well.
        with suppress(DomainError):
            account_services.user_update_settings(actor=request.user, language=language)
    return django_set_language(request)


STYLE_GUIDE_ICONS = [
    "bell", "message-square", "shopping-cart", "user", "search", "star", "heart", "badge-check",
    "clock", "map-pin", "briefcase", "layout-dashboard", "wallet", "file-text", "shield-check",
    "settings", "globe", "calendar", "lock", "image", "inbox", "info", "triangle-alert",
    "circle-check", "moon", "sun",
]  # fmt: skip
STYLE_GUIDE_TOKENS = {
    "colors": [
        "brand", "brand-dark", "brand-soft", "accent", "text", "muted", "line", "bg", "card",
        "danger", "success", "warning", "info", "danger-soft", "success-soft", "warning-soft",
        "info-soft", "star",
    ],
    "type": ["text-xs", "text-sm", "text-md", "text-lg", "text-xl", "text-2xl", "text-3xl"],
    "space": ["space-1", "space-2", "space-3", "space-4", "space-5", "space-6", "space-7"],
    "radius": ["radius-sm", "radius", "radius-lg", "radius-full"],
    "shadow": ["shadow-1", "shadow-2", "shadow-3"],
}  # fmt: skip


@login_required
def style_guide(request):
    """The design system, living: every token and component as the real CSS draws it (staff)."""
    if not request.user.is_staff:
        raise Http404
    context = {"icons": STYLE_GUIDE_ICONS, "tokens": STYLE_GUIDE_TOKENS}
    return render(request, "web/style_guide.html", context)
