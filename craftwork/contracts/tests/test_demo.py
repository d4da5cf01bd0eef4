import random

import pytest
from django.core.management import call_command

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.demo import (
    DEMO_DOMAIN,
    ORDER_SCENARIOS,
    SESSION_SCENARIOS,
    seed_contracts,
    seed_orders,
)
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


def test_demo_orders_and_sessions_in_several_states():
    from craftwork.catalog import services as catalog
    from craftwork.catalog.tests.factories import GigFactory, OfferingFactory

    UserFactory(email=f"client@{DEMO_DOMAIN}")
    UserFactory(email=f"client002@{DEMO_DOMAIN}")
    for number in range(3):
        seller = FreelancerFactory(email=f"seller{number}@{DEMO_DOMAIN}")
        gig = GigFactory(active=True, seller=seller)
        catalog.gig_requirements_set(
            actor=seller, gig=gig, requirements=[{"question": "What do you need?"}]
        )
    OfferingFactory(mentor=FreelancerFactory(email=f"mentor@{DEMO_DOMAIN}"))
    created = seed_orders(random.Random(3))
    assert created == len(ORDER_SCENARIOS) + len(SESSION_SCENARIOS)
    gig_states = set(Contract.objects.filter(kind="gig").values_list("state", flat=True))
    assert {
        "awaiting_requirements",
        "in_progress",
        "delivered",
        "completed",
        "late",
        "cancelled",
    } <= gig_states
    assert Contract.objects.filter(kind="gig", history__transition="auto_complete").exists()
    session_states = set(Contract.objects.filter(kind="session").values_list("state", flat=True))
    assert session_states == {"scheduled", "cancelled"}
    assert seed_orders(random.Random(3)) == 0
    call_command("reconcile")
