"""Verified-credential badges for any page.

One user (a profile page):      {% verified_badges_for profile.user_id as badges %}
Many users (lists, one query):  badge_map = selectors.verified_badges_for_users(ids) in the view, then
                                {% include "credentials/_badge_list.html" with badges=badge_map|badges_of:user.pk %}
"""

import uuid

from django import template

from .. import selectors
from ..models import Credential

register = template.Library()

STATUS_CLASSES = {
    Credential.Status.APPROVED: "badge-verified",
    Credential.Status.UNDER_REVIEW: "badge-warning",
    Credential.Status.UPLOADED: "badge-warning",
    Credential.Status.REVISION_REQUESTED: "badge-warning",
    Credential.Status.REJECTED: "badge-danger",
    Credential.Status.EXPIRED: "badge-danger",
}


@register.simple_tag
def verified_badges_for(user_id) -> list:
    if not user_id:
        return []
    return next(iter(selectors.verified_badges_for_users([user_id]).values()), [])


@register.filter
def badges_of(badge_map, user_id) -> list:
    if not badge_map or not user_id:
        return []
    try:
        key = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    except ValueError:
        return []
    return badge_map.get(key, [])


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "")
