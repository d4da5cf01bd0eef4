from django.conf import settings


def navigation(request):
    """What the base layout needs to draw the navigation for guests, clients, freelancers and staff."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_view": user.active_view if signed_in else None,
        "nav_can_switch": signed_in and user.is_client and user.is_freelancer,
        "site_name": "Craftwork",
        "languages": settings.LANGUAGES,
    }
