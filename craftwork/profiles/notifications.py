"""Notification types of the profiles app (see craftwork.notifications.registry)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on

from .models import FreelancerProfile


def _owner(event) -> list:
    owner = (
        FreelancerProfile.objects.filter(pk=event.payload.get("profile_id"))
        .values_list("user_id", flat=True)
        .first()
    )
    return [owner] if owner else []


# The owner is never told about their own action (the actor is left out), so this reaches
# them only when staff hid the profile.
notify_on(
    "profiles.freelancer_unpublished",
    type="profile_hidden_by_staff",
    label=gettext_lazy("Your profile was hidden by moderators"),
    recipients=_owner,
    title=lambda event, user: _("Your freelancer profile was hidden by our moderators"),
    body=lambda event, user: _(
        "It no longer appears in search or on its public page. Review it, then publish it again."
    ),
    link=lambda event, user: reverse("profiles:freelancer-edit"),
)
