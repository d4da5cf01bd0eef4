"""Notification types for the catalog (autodiscovered by the notifications app)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on

notify_on(
    "catalog.gig_removed",
    type="gig_removed",
    recipients=lambda event: [event.payload["seller_id"]],
    title=lambda event, user: (
        _("Your gig “%(title)s” was removed") % {"title": event.payload.get("title", "")}
    ),
    body=lambda event, user: (
        _("Reason given by our team: %(reason)s") % {"reason": event.payload.get("reason", "")}
    ),
    link=lambda event, user: reverse("catalog:gig-manage", args=[event.payload["gig_id"]]),
    label=gettext_lazy("A gig of mine was removed by staff"),
)
