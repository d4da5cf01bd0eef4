"""Reviews on any page.

The contract page:   {% include "reviews/_contract_prompt.html" %}       (needs ``contract``)
A profile:           {% include "reviews/_profile_reviews.html" with user_id=profile.user_id %}
A gig page:          {% include "reviews/_gig_reviews.html" %}           (needs ``gig``)
A list of people:    put ``review_ratings = rating_summary_for_users(ids)`` in the context (one
                     query for the page), then {% include "reviews/_rating_inline.html" with user_id=... %}
"""

import uuid

from django import template

from craftwork.core.markdown import render_markdown

from .. import selectors
from ..models import MAX_RATING

register = template.Library()


@register.simple_tag(takes_context=True)
def review_prompt(context, contract):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return selectors.review_prompt_for(contract, user)


@register.simple_tag
def reviews_block(subject_type, subject_id, limit=3):
    """The summary and the latest public reviews of a user (as provider/client) or a gig."""
    if not subject_id:
        return None
    return {
        "summary": selectors.rating_summary(subject_type, subject_id),
        "reviews": list(selectors.public_reviews(subject_type, subject_id)[:limit]),
        "subject_type": subject_type,
        "subject_id": subject_id,
    }


@register.simple_tag(takes_context=True)
def rating_for(context, user_id):
    """A freelancer's rating summary: from ``review_ratings`` in the context, else one lookup."""
    if not user_id:
        return None
    ratings = context.get("review_ratings")
    key = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    if ratings is None:
        ratings = selectors.rating_summary_for_users([key])
    return ratings.get(key)


@register.filter
def markdown(text):
    return render_markdown(text or "")


@register.filter
def public_name(user):
    return selectors.public_name(user)


@register.filter
def stars(value):
    """ "★★★★☆" for 4 (the number is given in words next to it for screen readers)."""
    try:
        filled = max(0, min(MAX_RATING, int(value or 0)))
    except (TypeError, ValueError):
        filled = 0
    return "★" * filled + "☆" * (MAX_RATING - filled)
