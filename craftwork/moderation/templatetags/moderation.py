"""``{% load moderation %}{% flag_button "gig" gig %}``: the "Report" control for any page.

Renders nothing for the item's author, "Reported" once the user has an open report on it,
a link to sign in for anonymous visitors, and otherwise a small form (a <details> disclosure:
no JavaScript needed) that posts to the report page. The user's open reports are loaded once
per request, so a list of items costs one query.
"""

from django import template

from ..forms import FlagForm
from ..registry import get_flaggable, is_registered
from ..selectors import open_flag_keys

register = template.Library()


def _open_keys(request):
    keys = getattr(request, "_moderation_open_flags", None)
    if keys is None:
        keys = open_flag_keys(request.user)
        request._moderation_open_flags = keys
    return keys


@register.inclusion_tag("moderation/_flag_button.html", takes_context=True)
def flag_button(context, kind, obj, label=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    state = "hidden"
    if request is not None and obj is not None and is_registered(kind):
        if not user.is_authenticated:
            state = "anonymous"
        else:
            author = get_flaggable(kind).author_of(obj)
            if getattr(author, "pk", author) == user.pk:
                state = "hidden"
            elif (kind, str(obj.pk)) in _open_keys(request):
                state = "reported"
            else:
                state = "form"
    return {
        "state": state,
        "kind": kind,
        "object_id": str(getattr(obj, "pk", "")),
        "label": label,
        "form": FlagForm(auto_id=f"id_flag_{kind}_{getattr(obj, 'pk', '')}_%s")
        if state == "form"
        else None,
        "next": request.get_full_path() if request is not None else "",
    }
