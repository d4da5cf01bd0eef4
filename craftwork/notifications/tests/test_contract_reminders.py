"""Clients are reminded once, a day before submitted work is approved automatically."""

from datetime import timedelta

import pytest

from craftwork.contracts import services as contracts
from craftwork.contracts.tests.factories import FundedContractFactory, HourlyContractFactory
from craftwork.core.models import OutboxEvent
from craftwork.notifications import services
from craftwork.notifications.contract_reminders import MILESTONE_EVENT, TIMESHEET_EVENT
from craftwork.notifications.models import Notification

pytestmark = pytest.mark.django_db


def run_reminders(committed, now) -> int:
    with committed():
        return services.reminders_run(now=now)


def test_a_submitted_milestone_reminds_the_client_once(committed):
    contract = FundedContractFactory()
    milestone = contract.milestones.get()
    contracts.milestone_submit(milestone=milestone, message="Done", actor=contract.provider)
    milestone.refresh_from_db()
    approves_at = milestone.timer_due_at
    assert run_reminders(committed, approves_at - timedelta(hours=30)) == 0
    assert run_reminders(committed, approves_at - timedelta(hours=20)) == 1
    assert run_reminders(committed, approves_at - timedelta(hours=19)) == 0
    reminder = Notification.objects.get(type="milestone_awaiting_approval")
    assert reminder.recipient == contract.client
    assert reminder.title == f"Still to review: {milestone.title}"
    assert "approved and paid automatically on" in reminder.body
    assert reminder.link == f"/contracts/{contract.pk}/"
    assert OutboxEvent.objects.filter(name=MILESTONE_EVENT).count() == 1


def test_approved_work_is_not_reminded(committed):
    contract = FundedContractFactory()
    milestone = contract.milestones.get()
    contracts.milestone_submit(milestone=milestone, message="Done", actor=contract.provider)
    milestone.refresh_from_db()
    approves_at = milestone.timer_due_at
    contracts.contract_transition(obj=milestone, transition="approve", actor=contract.client)
    # The completed contract may still get its "write your review" reminder; not this one.
    run_reminders(committed, approves_at - timedelta(hours=20))
    assert not OutboxEvent.objects.filter(name=MILESTONE_EVENT).exists()
    assert not Notification.objects.filter(type="milestone_awaiting_approval").exists()


def test_a_submitted_timesheet_reminds_the_client(committed):
    contract = HourlyContractFactory()
    entry = contracts.timelog_create(
        contract=contract,
        date=contracts.provider_today(contract),
        minutes=60,
        description="Work",
        actor=contract.provider,
    )
    timesheet = contracts.timesheet_submit(timesheet=entry.timesheet, actor=contract.provider)
    timesheet.refresh_from_db()
    assert run_reminders(committed, timesheet.timer_due_at - timedelta(hours=1)) == 1
    assert OutboxEvent.objects.filter(name=TIMESHEET_EVENT).count() == 1
    assert Notification.objects.get(type="timesheet_awaiting_approval").recipient == contract.client
