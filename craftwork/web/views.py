from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from craftwork.core.api.exceptions import json_404, json_500
from craftwork.profiles import selectors as profile_selectors


def home(request):
    context = {
        "featured_freelancers": profile_selectors.featured_freelancers(limit=6),
        "skill_categories": profile_selectors.skill_categories_with_counts(),
    }
    return render(request, "web/home.html", context)


@login_required
def dashboard(request):
    user = request.user
    view = user.active_view
    context = {"view": view}
    if view == "freelancer":
        context["completeness"] = profile_selectors.freelancer_completeness(user)
    else:
        context["completeness"] = profile_selectors.client_completeness(user)
    context["organizations"] = user.memberships.select_related("organization")
    context["next_steps"] = _next_steps(user, context["completeness"])
    return render(request, "web/dashboard.html", context)


def _next_steps(user, completeness) -> list[dict]:
    steps = [
        {"label": step["label"], "url": step["url"]}
        for step in completeness["steps"]
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
