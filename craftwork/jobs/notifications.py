"""Notification types for the jobs events (autodiscovered by the notifications app).

Titles and bodies are built from the event payload (no queries) with the recipient's
language active.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on


def _title(event) -> str:
    return event.payload.get("job_title", "")


def _job_link(event, user) -> str:
    return reverse("jobs:detail", args=[event.payload["job_id"]])


def _proposals_link(event, user) -> str:
    return reverse("jobs:proposals", args=[event.payload["job_id"]])


def _proposal_link(event, user) -> str:
    return reverse("jobs:proposal-detail", args=[event.payload["proposal_id"]])


def _invitation_link(event, user) -> str:
    return reverse("jobs:invitation-detail", args=[event.payload["invitation_id"]])


def _contract_or(fallback):
    """The new contract's page, or ``fallback`` while the contracts pages are not mounted."""

    def link(event, user) -> str:
        contract_id = event.payload.get("contract_id")
        if contract_id:
            try:
                return reverse("contracts:detail", args=[contract_id])
            except NoReverseMatch:
                pass
        return fallback(event, user)

    return link


notify_on(
    "jobs.job_published",
    type="job_published",
    recipients=lambda event: [event.payload["client_id"]],
    include_actor=True,
    title=lambda event, user: (
        _("Your job “%(title)s” is open for proposals") % {"title": _title(event)}
    ),
    link=_job_link,
    label=gettext_lazy("Your job was published"),
)

notify_on(
    "jobs.job_updated",
    type="job_updated",
    recipients=lambda event: event.payload.get("freelancer_ids", []),
    title=lambda event, user: _("A job you bid on changed: “%(title)s”") % {"title": _title(event)},
    body=lambda event, user: _("Check the job before the client decides on your proposal."),
    link=_job_link,
    label=gettext_lazy("A job you bid on changed"),
)

notify_on(
    "jobs.proposal_submitted",
    type="proposal_received",
    recipients=lambda event: [event.payload["client_id"]],
    title=lambda event, user: _("New proposal on “%(title)s”") % {"title": _title(event)},
    link=_proposals_link,
    label=gettext_lazy("New proposal on your job"),
)

notify_on(
    "jobs.proposal_accepted",
    type="proposal_accepted",
    recipients=lambda event: [event.payload["freelancer_id"]],
    title=lambda event, user: _("You were hired for “%(title)s”") % {"title": _title(event)},
    body=lambda event, user: _("The client accepted your proposal. A contract was created."),
    link=_contract_or(_proposal_link),
    urgent=True,
    label=gettext_lazy("Your proposal was accepted"),
)

notify_on(
    "jobs.proposal_declined",
    type="proposal_declined",
    recipients=lambda event: [event.payload["freelancer_id"]],
    title=lambda event, user: (
        _("Your proposal on “%(title)s” was declined") % {"title": _title(event)}
    ),
    body=lambda event, user: event.payload.get("reason") or "",
    link=_proposal_link,
    label=gettext_lazy("Your proposal was declined"),
)

notify_on(
    "jobs.invitation_sent",
    type="job_invitation",
    recipients=lambda event: [event.payload["freelancer_id"]],
    title=lambda event, user: (
        _("You are invited to “%(title)s” as %(role)s")
        % {"title": _title(event), "role": event.payload.get("role", "")}
    ),
    link=_invitation_link,
    label=gettext_lazy("You were invited to a job"),
)

notify_on(
    "jobs.invitation_accepted",
    type="job_invitation_answered",
    recipients=lambda event: [event.payload["client_id"]],
    title=lambda event, user: (
        _("Your invitation to “%(title)s” was accepted") % {"title": _title(event)}
    ),
    link=_contract_or(_invitation_link),
    label=gettext_lazy("Someone answered your job invitation"),
)

notify_on(
    "jobs.invitation_declined",
    type="job_invitation_answered",
    recipients=lambda event: [event.payload["client_id"]],
    title=lambda event, user: (
        _("Your invitation to “%(title)s” was declined") % {"title": _title(event)}
    ),
    body=lambda event, user: event.payload.get("reason") or "",
    link=_invitation_link,
    label=gettext_lazy("Someone answered your job invitation"),
)

notify_on(
    "jobs.invitation_withdrawn",
    type="job_invitation_withdrawn",
    recipients=lambda event: [event.payload["freelancer_id"]],
    title=lambda event, user: (
        _("The invitation to “%(title)s” was withdrawn") % {"title": _title(event)}
    ),
    body=lambda event, user: event.payload.get("reason") or "",
    link=_invitation_link,
    label=gettext_lazy("A job invitation was withdrawn"),
)
