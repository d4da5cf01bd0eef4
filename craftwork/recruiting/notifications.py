"""Notification types of recruiting (autodiscovered by the notifications app)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on


def _team_application_link(event, user) -> str:
    return reverse(
        "recruiting:application",
        args=[event.payload["organization_id"], event.payload["application_id"]],
    )


def _candidate_link(event, user) -> str:
    return reverse("recruiting:my-application", args=[event.payload["application_id"]])


notify_on(
    "recruiting.note_mention",
    type="recruiting_note_mention",
    recipients=lambda event: event.payload["mentioned_ids"],
    title=lambda event, user: (
        _("%(name)s mentioned you in a note on “%(title)s”")
        % {"name": event.payload.get("author_name", ""), "title": event.payload["opening_title"]}
    ),
    link=_team_application_link,
    label=gettext_lazy("Someone mentioned you in a recruiting note"),
)

notify_on(
    "recruiting.application_hired",
    type="recruiting_hired",
    recipients=lambda event: [event.payload["candidate_id"]],
    title=lambda event, user: (
        _("You were hired for “%(title)s”") % {"title": event.payload["opening_title"]}
    ),
    link=_candidate_link,
    label=gettext_lazy("You were hired for an opening"),
)

notify_on(
    "recruiting.offer_sent",
    type="recruiting_offer_sent",
    recipients=lambda event: [event.payload["candidate_id"]],
    title=lambda event, user: (
        _("You have an offer for “%(title)s”") % {"title": event.payload["opening_title"]}
    ),
    link=_candidate_link,
    label=gettext_lazy("A company sent you an offer"),
)
