from django import template
from django.utils.translation import gettext as _

register = template.Library()

BADGES = {
    "completed": "badge-verified",
    "released": "badge-verified",
    "paid": "badge-verified",
    "approved": "badge-verified",
    "cancelled": "badge-danger",
    "disputed": "badge-danger",
    "rejected": "badge-danger",
    "declined": "badge-danger",
    "refunded": "badge-danger",
    "pending_funding": "badge-warning",
    "proposed": "badge-warning",
    "submitted": "badge-warning",
    "delivered": "badge-warning",
    "changes_requested": "badge-warning",
    "awaiting_requirements": "badge-warning",
    "late": "badge-danger",
    "absence_reported": "badge-warning",
    "no_show": "badge-danger",
}


@register.filter
def state_badge(state: str) -> str:
    """The badge class for a state (green done, amber waiting on someone, red stopped)."""
    return BADGES.get(state, "")


@register.filter
def duration(minutes) -> str:
    """Minutes as "3 h 05 min"."""
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
