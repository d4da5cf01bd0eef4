"""The contracts app's notification types, driven through the services."""

import pytest

from craftwork.contracts import services
from craftwork.notifications import registry
from craftwork.notifications.models import Notification

from .factories import ContractFactory, fund_milestone

pytestmark = pytest.mark.django_db

EVENTS = [
    "contracts.created",
    "contracts.funded",
    "contracts.started",
    "contracts.milestone_submitted",
    "contracts.milestone_approved",
    "contracts.revision_requested",
    "contracts.timesheet_submitted",
    "contracts.timesheet_approved",
    "contracts.completed",
    "contracts.cancelled",
    "contracts.disputed",
]


def test_every_contract_event_is_declared():
    for name in EVENTS:
        assert registry.for_event(name), name


def notified(type_name) -> set:
    return set(Notification.objects.filter(type=type_name).values_list("recipient_id", flat=True))


def test_the_right_party_hears_about_each_step(committed):
    with committed():
        contract = ContractFactory()
    assert notified("contract_created") == {contract.provider_id}  # the client created it
    milestone = contract.milestones.get()
    with committed():
        fund_milestone(milestone)
        services.milestone_submit(milestone=milestone, message="Done", actor=contract.provider)
    assert notified("milestone_funded") == {contract.client_id, contract.provider_id}
    submitted = Notification.objects.get(type="milestone_submitted")
    assert submitted.recipient_id == contract.client_id
    assert submitted.link == f"/contracts/{contract.pk}/"
    assert submitted.title == f"Review the delivery: {milestone.title}"
    with committed():
        services.milestone_request_changes(
            milestone=milestone, note="Bigger", actor=contract.client
        )
    assert notified("revision_requested") == {contract.provider_id}
