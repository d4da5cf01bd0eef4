import random

import pytest
from django.core.management import call_command

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.demo import DEMO_DOMAIN, seed_contracts
from craftwork.contracts.models import Contract, MilestoneState, TimesheetState

pytestmark = pytest.mark.django_db


def test_demo_contracts_cover_every_state_and_are_idempotent():
    UserFactory(email=f"client@{DEMO_DOMAIN}")
    UserFactory(email=f"client002@{DEMO_DOMAIN}")
    FreelancerFactory(email=f"freelancer@{DEMO_DOMAIN}")
    FreelancerFactory(email=f"freelancer002@{DEMO_DOMAIN}")
    created = seed_contracts(random.Random(7), extra=3)
    assert created == Contract.objects.count() > 0
    fixed_states = set(Contract.objects.filter(kind="fixed").values_list("state", flat=True))
    assert fixed_states == {
        "pending_funding",
        "active",
        "in_progress",
        "delivered",
        "completed",
        "cancelled",
        "disputed",
    }
    hourly_states = set(Contract.objects.filter(kind="hourly").values_list("state", flat=True))
    assert hourly_states == {"active", "in_progress", "completed", "cancelled"}
    milestone_states = {
        state
        for contract in Contract.objects.all()
        for state in contract.milestones.values_list("state", flat=True)
    }
    assert {
        MilestoneState.PROPOSED,
        MilestoneState.FUNDED,
        MilestoneState.SUBMITTED,
        MilestoneState.CHANGES_REQUESTED,
        MilestoneState.RELEASED,
        MilestoneState.DISPUTED,
    } <= milestone_states
    timesheet_states = {
        state
        for contract in Contract.objects.filter(kind="hourly")
        for state in contract.timesheets.values_list("state", flat=True)
    }
    assert {
        TimesheetState.OPEN,
        TimesheetState.SUBMITTED,
        TimesheetState.REJECTED,
        TimesheetState.PAID,
    } <= timesheet_states
    assert Contract.objects.filter(history__transition="auto_approve").exists()
    assert seed_contracts(random.Random(7), extra=3) == 0
    call_command("reconcile")


def test_nothing_without_demo_users():
    assert seed_contracts(random.Random(1)) == 0
