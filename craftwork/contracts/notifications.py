"""Notification types of the contracts app (autodiscovered by craftwork.notifications).

Every contracts event carries contract_id, client_id, provider_id and title (plus the item
id and ``subject_title`` for milestone and timesheet events). The actor is left out of the
recipients by the notifications app.
"""

import zoneinfo
from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on
from craftwork.notifications.reminders import Due, reminder


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


def _created_body(event, user) -> str:
    source, client = event.payload.get("source"), _is_client(event, user)
    if source == "gig_order":
        if event.payload.get("state") == "awaiting_requirements":
            return (
                _("Answer the seller's questions so the work can start.")
                if client
                else _("The buyer answers your questions, then the delivery clock starts.")
            )
        return _("The order is paid and the work has started.")
    if source == "session_booking":
        return (
            _("Your session is booked and paid.")
            if client
            else _("A session was booked with you: add the meeting link or place.")
        )
    return (
        _("Fund the first milestone to get the work started.")
        if client
        else _("The client funds the work before you start.")
    )


_declare(
    "contracts.created",
    "contract_created",
    gettext_lazy("A contract started"),
    _both,
    lambda event, user: _("New contract: %(title)s") % {"title": _title(event)},
    _created_body,
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


# --- gig orders -----------------------------------------------------------------------------------

_declare(
    "contracts.gig_requirements_submitted",
    "gig_requirements_submitted",
    gettext_lazy("A buyer answered your questions"),
    _provider,
    lambda event, user: _("Requirements received: %(title)s") % {"title": _title(event)},
    lambda event, user: _("The delivery clock has started."),
)
_declare(
    "contracts.gig_delivered",
    "gig_delivered",
    gettext_lazy("An order was delivered"),
    _client,
    lambda event, user: _("Your order was delivered: %(title)s") % {"title": _title(event)},
    lambda event, user: _(
        "Accept it or ask for a revision. Without an answer it is completed automatically."
    ),
)
_declare(
    "contracts.gig_revision_requested",
    "gig_revision_requested",
    gettext_lazy("A buyer asked for a revision"),
    _provider,
    lambda event, user: _("Revision requested: %(title)s") % {"title": _title(event)},
)
_declare(
    "contracts.gig_late",
    "gig_late",
    gettext_lazy("An order is late"),
    _both,
    lambda event, user: _("The order is late: %(title)s") % {"title": _title(event)},
    lambda event, user: (
        _("You may cancel it for a full refund, or wait for the delivery.")
        if _is_client(event, user)
        else _("Deliver as soon as you can: the buyer may now cancel for a full refund.")
    ),
    urgent=True,
)

# --- sessions -------------------------------------------------------------------------------------

_declare(
    "contracts.session_location_set",
    "session_location_set",
    gettext_lazy("Where to meet for a session"),
    _client,
    lambda event, user: _("Meeting details for %(title)s") % {"title": _title(event)},
    lambda event, user: _("The mentor added where to meet. See the session page."),
)
_declare(
    "contracts.session_absence_reported",
    "session_absence_reported",
    gettext_lazy("A client reported you absent"),
    _provider,
    lambda event, user: _("The client says you missed %(title)s") % {"title": _title(event)},
    lambda event, user: _(
        "Contest it on the session page, or the client is refunded automatically."
    ),
    urgent=True,
)
_declare(
    "contracts.session_no_show",
    "session_no_show",
    gettext_lazy("A session was marked as a no-show"),
    _both,
    lambda event, user: _("No-show: %(title)s") % {"title": _title(event)},
)

SESSION_REMINDER_EVENT = "reminders.session_upcoming"
REMINDER_LEADS = (("1h", timedelta(hours=1)), ("24h", timedelta(hours=24)))


@reminder(SESSION_REMINDER_EVENT)
def sessions_starting_soon(now):
    """24 h and 1 h before a scheduled session, once each (a session booked at short notice
    gets only the reminders whose moment is still ahead of the start)."""
    from .models import ContractState, SessionBooking
    from .process import event_payload

    bookings = (
        SessionBooking.objects.filter(
            contract__state=ContractState.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_LEADS[-1][1],
        )
        .select_related("contract")
        .order_by("starts_at")[:1000]
    )
    due = []
    for booking in bookings:
        lead = next(name for name, before in REMINDER_LEADS if booking.starts_at - now <= before)
        payload = event_payload(
            booking.contract, starts_at=booking.starts_at.isoformat(), lead=lead
        )
        key = f"session:{booking.pk}:{lead}:{booking.starts_at:%Y%m%dT%H%M}"
        due.append(Due(key=key, payload=payload))
    return due


def _starts(event, user) -> str:
    moment = parse_datetime(event.payload.get("starts_at", "")) or timezone.now()
    try:
        zone = zoneinfo.ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = timezone.localtime(moment, zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


notify_on(
    SESSION_REMINDER_EVENT,
    type="session_reminder",
    label=gettext_lazy("Reminder: a session is coming up"),
    recipients=_both,
    title=lambda event, user: (
        (
            _("Starting in an hour: %(title)s")
            if event.payload.get("lead") == "1h"
            else _("Coming up: %(title)s")
        )
        % {"title": _title(event)}
    ),
    body=lambda event, user: _("Your session starts on %(when)s.") % {"when": _starts(event, user)},
    link=_link,
)
