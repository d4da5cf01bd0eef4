from django.urls import Resolver404, resolve

from . import selectors
from .views import SESSION_KEY


def workspaces(request):
    """The header's switch: "me" and each workspace of the signed-in user (one click each)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    rows = list(selectors.memberships_of(user))
    if not rows:
        return {"nav_workspaces": []}
    current = request.session.get(SESSION_KEY)
    try:
        match = resolve(request.path_info)
        if (
            match.namespace == "recruiting"
            and "slug" in match.kwargs
            and match.url_name != "careers"
        ):
            current = next((str(m.organization_id) for m in rows
                            if m.organization.slug == match.kwargs["slug"]), current)  # fmt: skip
    except Resolver404:
        pass
    active = next((m for m in rows if str(m.organization_id) == current), None)
    return {"nav_workspaces": rows, "nav_workspace": active}
