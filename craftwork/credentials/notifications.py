"""Notification types for the competence passport (autodiscovered by the notifications app)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from craftwork.notifications.registry import notify_on


def _owner(event) -> list:
    return [event.payload["owner_id"]]


def _link(event, user) -> str:
    return reverse("credentials:detail", args=[event.payload["credential_id"]])


def _title(event) -> str:
    return event.payload.get("title", "")


def _notes(event, user) -> str:
    return event.payload.get("notes", "")


def _expiring_title(event, user) -> str:
    days = event.payload.get("days_left", 0)
    return ngettext(
        "“%(title)s” expires in %(days)d day",
        "“%(title)s” expires in %(days)d days",
        days,
    ) % {"title": _title(event), "days": days}


notify_on(
    "credentials.approved",
    type="credential_approved",
    recipients=_owner,
    title=lambda event, user: (
        _("Your document “%(title)s” was verified") % {"title": _title(event)}
    ),
    body=lambda event, user: _("It now shows as a verified badge on your profile."),
    link=_link,
    label=gettext_lazy("A document of yours was verified"),
)
notify_on(
    "credentials.rejected",
    type="credential_rejected",
    recipients=_owner,
    title=lambda event, user: (
        _("Your document “%(title)s” was not accepted") % {"title": _title(event)}
    ),
    body=_notes,
    link=_link,
    label=gettext_lazy("A document of yours was not accepted"),
)
notify_on(
    "credentials.revision_requested",
    type="credential_revision_requested",
    recipients=_owner,
    title=lambda event, user: (
        _("Please upload a new version of “%(title)s”") % {"title": _title(event)}
    ),
    body=_notes,
    link=_link,
    label=gettext_lazy("A reviewer asked for a new version of a document"),
)
notify_on(
    "credentials.expiring",
    type="credential_expiring",
    recipients=_owner,
    title=_expiring_title,
    body=lambda event, user: (
        _("Upload the renewed document before %(date)s to keep your verified badge.")
        % {"date": event.payload.get("expiry_date", "")}
    ),
    link=_link,
    label=gettext_lazy("A document expires in 30 or 7 days"),
)
notify_on(
    "credentials.expired",
    type="credential_expired",
    recipients=_owner,
    title=lambda event, user: _("“%(title)s” has expired") % {"title": _title(event)},
    body=lambda event, user: _(
        "Its verified badge is no longer shown. Upload the renewed document to verify it again."
    ),
    link=_link,
    label=gettext_lazy("A document has expired"),
)
