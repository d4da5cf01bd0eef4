"""Notification types of the contracts app (autodiscovered by craftwork.notifications).

Every contracts event carries contract_id, client_id, provider_id and title (plus the item
id and ``subject_title`` for milestone and timesheet events). The actor is left out of the
recipients by the notifications app.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on


def _client(event) -> list:
    return [event.payload["client_id"]]


def _provider(event) -> list:
    return [event.payload["provider_id"]]


def _both(event) -> list:
    return [event.payload["client_id"], event.payload["provider_id"]]


def _link(event, user) -> str:
    return reverse("contracts:detail", args=[event.payload["contract_id"]])


def _title(event) -> str:
    return event.payload.get("title", "")


def _item(event) -> str:
    return event.payload.get("subject_title", "")


def _is_client(event, user) -> bool:
    return str(getattr(user, "pk", user)) == str(event.payload.get("client_id"))


def _declare(event_name, type_, label, recipients, title, body=None, urgent=False):
    notify_on(
        event_name,
        type=type_,
        label=label,
        recipients=recipients,
        title=title,
        body=body or (lambda event, user: _title(event)),
        link=_link,
        urgent=urgent,
    )


_declare(
    "contracts.created",
    "contract_created",
    gettext_lazy("A contract started"),
    _both,
    lambda event, user: _("New contract: %(title)s") % {"title": _title(event)},
    lambda event, user: (
        _("Fund the first milestone to get the work started.")
        if _is_client(event, user)
        else _("The client funds the work before you start.")
    ),
)
_declare(
    "contracts.milestone_proposed",
    "milestone_proposed",
    gettext_lazy("A milestone was proposed"),
    _both,
    lambda event, user: _("New milestone proposed: %(item)s") % {"item": _item(event)},
    lambda event, user: _("Agree to it or decline it on %(title)s.") % {"title": _title(event)},
)
_declare(
    "contracts.milestone_agreed",
    "milestone_agreed",
    gettext_lazy("A milestone was agreed"),
    _both,
    lambda event, user: _("Milestone agreed: %(item)s") % {"item": _item(event)},
)
_declare(
    "contracts.milestone_declined",
    "milestone_declined",
    gettext_lazy("A milestone was declined"),
    _both,
    lambda event, user: _("Milestone declined: %(item)s") % {"item": _item(event)},
)
_declare(
    "contracts.funded",
    "milestone_funded",
    gettext_lazy("A milestone was funded"),
    _both,
    lambda event, user: _("Funded: %(item)s") % {"item": _item(event)},
    lambda event, user: (
        _("The money is held in escrow.")
        if _is_client(event, user)
        else _("The money is held in escrow: you can work on it.")
    ),
)
_declare(
    "contracts.started",
    "contract_started",
    gettext_lazy("Work started"),
    _client,
    lambda event, user: _("Work started on %(title)s") % {"title": _title(event)},
)
_declare(
    "contracts.milestone_submitted",
    "milestone_submitted",
    gettext_lazy("Work was submitted for review"),
    _client,
    lambda event, user: _("Review the delivery: %(item)s") % {"item": _item(event)},
    lambda event, user: _(
        "Approve it or ask for changes. Without an answer it is approved "
        "automatically at the end of the review window."
    ),
)
_declare(
    "contracts.milestone_approved",
    "milestone_approved",
    gettext_lazy("A milestone was paid"),
    _both,
    lambda event, user: _("Approved and paid: %(item)s") % {"item": _item(event)},
)
_declare(
    "contracts.revision_requested",
    "revision_requested",
    gettext_lazy("Changes were requested"),
    _provider,
    lambda event, user: _("Changes requested: %(item)s") % {"item": _item(event)},
)
_declare(
    "contracts.timesheet_submitted",
    "timesheet_submitted",
    gettext_lazy("A timesheet was submitted"),
    _client,
    lambda event, user: _("Review the timesheet for %(title)s") % {"title": _title(event)},
)
_declare(
    "contracts.timesheet_approved",
    "timesheet_approved",
    gettext_lazy("A timesheet was approved"),
    _both,
    lambda event, user: (
        _("Timesheet approved: please pay it")
        if _is_client(event, user)
        else _("Your timesheet was approved")
    ),
)
_declare(
    "contracts.timesheet_rejected",
    "timesheet_rejected",
    gettext_lazy("A timesheet was rejected"),
    _provider,
    lambda event, user: _("Your timesheet was rejected"),
)
_declare(
    "contracts.timesheet_paid",
    "timesheet_paid",
    gettext_lazy("A timesheet was paid"),
    _provider,
    lambda event, user: _("Your timesheet was paid"),
)
_declare(
    "contracts.completed",
    "contract_completed",
    gettext_lazy("A contract was completed"),
    _both,
    lambda event, user: _("Contract completed: %(title)s") % {"title": _title(event)},
)
_declare(
    "contracts.cancelled",
    "contract_cancelled",
    gettext_lazy("A contract was cancelled"),
    _both,
    lambda event, user: _("Contract cancelled: %(title)s") % {"title": _title(event)},
    urgent=True,
)
_declare(
    "contracts.disputed",
    "contract_disputed",
    gettext_lazy("A dispute was opened"),
    _both,
    lambda event, user: _("Dispute opened on %(title)s") % {"title": _title(event)},
    lambda event, user: _("The contract's money is frozen until our team decides."),
    urgent=True,
)
_declare(
    "contracts.dispute_resolved",
    "contract_dispute_resolved",
    gettext_lazy("A dispute was resolved"),
    _both,
    lambda event, user: _("Dispute resolved on %(title)s") % {"title": _title(event)},
)
