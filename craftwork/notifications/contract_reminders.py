"""Reminders for work awaiting the client's approval (milestones and timesheets).

A submitted item is approved automatically when its review window ends (the contract
process's timer). A day before that, the client is reminded once per submission.
"""

import zoneinfo
from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.contracts.models import Milestone, MilestoneState, Timesheet, TimesheetState
from craftwork.contracts.process import event_payload

from .registry import notify_on
from .reminders import Due, reminder

REMIND_BEFORE = timedelta(hours=24)
BATCH = 1000
MILESTONE_EVENT = "reminders.milestone_awaiting_approval"
TIMESHEET_EVENT = "reminders.timesheet_awaiting_approval"


def _awaiting(model, state, now):
    return (
        model.objects.filter(
            state=state, timer_due_at__gt=now, timer_due_at__lte=now + REMIND_BEFORE
        )
        .select_related("contract")
        .order_by("timer_due_at")[:BATCH]
    )


def _due(item) -> Due:
    # A new submission gets a new timer, hence a new key and a new reminder.
    key = f"{item.subject_name}:{item.pk}:{item.timer_due_at:%Y%m%dT%H%M%S}"
    payload = event_payload(item.contract, item, approves_at=item.timer_due_at.isoformat())
    return Due(key=key, payload=payload)


@reminder(MILESTONE_EVENT)
def milestones_awaiting_approval(now):
    return [_due(item) for item in _awaiting(Milestone, MilestoneState.SUBMITTED, now)]


@reminder(TIMESHEET_EVENT)
def timesheets_awaiting_approval(now):
    return [_due(item) for item in _awaiting(Timesheet, TimesheetState.SUBMITTED, now)]


def _when(event, user) -> str:
    moment = parse_datetime(event.payload.get("approves_at", "")) or timezone.now()
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def _contract_link(event, user) -> str:
    return reverse("contracts:detail", args=[event.payload["contract_id"]])


notify_on(
    MILESTONE_EVENT,
    type="milestone_awaiting_approval",
    label=gettext_lazy("Reminder: work awaiting your approval"),
    recipients=lambda event: [event.payload["client_id"]],
    title=lambda event, user: (
        _("Still to review: %(item)s") % {"item": event.payload.get("subject_title", "")}
    ),
    body=lambda event, user: (
        _(
            "Approve it or ask for changes. Otherwise it is approved and paid automatically on %(when)s."
        )
        % {"when": _when(event, user)}
    ),
    link=_contract_link,
)

notify_on(
    TIMESHEET_EVENT,
    type="timesheet_awaiting_approval",
    label=gettext_lazy("Reminder: timesheet awaiting your approval"),
    recipients=lambda event: [event.payload["client_id"]],
    title=lambda event, user: (
        _("Still to review: the timesheet for %(title)s")
        % {"title": event.payload.get("title", "")}
    ),
    body=lambda event, user: (
        _("Approve or reject it. Otherwise it is approved automatically on %(when)s.")
        % {"when": _when(event, user)}
    ),
    link=_contract_link,
)
