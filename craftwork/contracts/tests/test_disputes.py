"""Disputes: opened on the contract (payments freezes the money), resolved by staff in payments."""

import pytest
from django.core.management import call_command

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.contracts import disputes, services
from craftwork.contracts.models import Contract, Milestone
from craftwork.core.errors import InvalidTransition, ValidationFailed
from craftwork.core.models import OutboxEvent
from craftwork.payments import disputes as payment_disputes
from craftwork.payments import selectors as payment_selectors
from craftwork.payments.models import Dispute

from .factories import ContractFactory, fixed_terms, fund_milestone, usd

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_milestones(db):
    terms = fixed_terms(
        usd(30_000), milestones=[("A", usd(10_000), None), ("B", usd(20_000), None)]
    )
    contract = ContractFactory(terms=terms, funded=True, started=True)
    first, second = contract.milestones.order_by("position")
    return contract, first, second


def open_dispute(contract, milestone, actor=None, reason="Not what we agreed"):
    return services.milestone_dispute(
        milestone=milestone, reason=reason, actor=actor or contract.client
    )


def resolve(milestone, outcome, committed, to_provider=None):
    dispute = Dispute.objects.get(subject_ref=milestone.ref)
    with committed():
        payment_disputes.dispute_resolve(
            actor=StaffFactory(),
            dispute=dispute,
            outcome=outcome,
            to_provider=to_provider,
            decision="Decided.",
        )
    milestone.refresh_from_db()
    return dispute


class TestOpening:
    def test_freezes_the_milestone_and_the_contract(self, two_milestones):
        contract, first, second = two_milestones
        open_dispute(contract, first)
        first.refresh_from_db()
        contract.refresh_from_db()
        dispute = Dispute.objects.get()
        assert first.state == "disputed" and first.dispute_ref == str(dispute.pk)
        assert contract.state == "disputed"
        assert (dispute.subject_ref, dispute.escrow_ref, dispute.amount_minor, dispute.fee_bps) == (
            first.ref,
            contract.escrow_ref,
            10_000,
            contract.platform_fee_bps,
        )
        assert OutboxEvent.objects.filter(name="contracts.disputed").exists()
        # Everything else on the contract waits for the decision.
        for action in (
            lambda: services.milestone_submit(
                milestone=second, message="x", actor=contract.provider
            ),
            lambda: services.contract_cancel(contract=contract, actor=contract.client, reason="x"),
            lambda: services.milestone_propose(
                contract=contract, title="X", amount=usd(100), actor=contract.client
            ),
        ):
            with pytest.raises(InvalidTransition):
                action()
        assert Milestone.objects.get(pk=second.pk).state == "funded"

    def test_the_freelancer_can_open_one_too(self, two_milestones):
        contract, first, _second = two_milestones
        services.milestone_submit(milestone=first, message="v1", actor=contract.provider)
        open_dispute(contract, first, actor=contract.provider, reason="No answer from the client")
        assert Contract.objects.get(pk=contract.pk).state == "disputed"

    def test_not_on_unfunded_work_and_needs_a_reason(self, contract):
        milestone = contract.milestones.get()
        with pytest.raises(InvalidTransition):
            open_dispute(contract, milestone)
        fund_milestone(milestone)
        with pytest.raises(ValidationFailed):
            open_dispute(contract, milestone, reason="")
        assert not Dispute.objects.exists()

    def test_a_long_reason_is_kept_as_evidence(self, funded):
        milestone = funded.milestones.get()
        open_dispute(funded, milestone, reason="x" * 300)
        dispute = Dispute.objects.get()
        assert len(dispute.reason) <= 200 and "x" * 300 in dispute.evidence_text


class TestResolution:
    def test_release_completes_when_nothing_is_left(self, funded, committed):
        milestone = funded.milestones.get()
        open_dispute(funded, milestone)
        resolve(milestone, "release", committed)
        funded.refresh_from_db()
        assert (milestone.state, milestone.released_minor) == ("released", 50_000)
        assert funded.state == "completed"
        assert payment_selectors.wallet_summary(funded.provider, "USD").pending == usd(45_000)
        call_command("reconcile")

    def test_refund_of_the_only_milestone_cancels(self, funded, committed):
        milestone = funded.milestones.get()
        open_dispute(funded, milestone)
        resolve(milestone, "refund", committed)
        assert (milestone.state, milestone.refunded_minor) == ("refunded", 50_000)
        assert Contract.objects.get(pk=funded.pk).state == "cancelled"
        assert payment_selectors.escrow_balance(funded.escrow_ref, "USD") == usd(0)
        call_command("reconcile")

    def test_split_and_work_continues(self, two_milestones, committed):
        contract, first, second = two_milestones
        open_dispute(contract, first)
        resolve(first, "split", committed, to_provider=usd(4_000))
        assert (first.state, first.released_minor, first.refunded_minor) == ("split", 4_000, 6_000)
        contract.refresh_from_db()
        assert contract.state == "in_progress"
        services.milestone_submit(milestone=second, message="B done", actor=contract.provider)
        services.milestone_approve(milestone=second, actor=contract.client)
        assert Contract.objects.get(pk=contract.pk).state == "completed"
        call_command("reconcile")

    def test_a_repeated_event_changes_nothing(self, funded, committed):
        milestone = funded.milestones.get()
        open_dispute(funded, milestone)
        resolve(milestone, "release", committed)
        history = funded.history.count()
        event = OutboxEvent.objects.get(name="payments.dispute_resolved")
        disputes.on_dispute_resolved(event)
        assert funded.history.count() == history

    def test_events_about_other_subjects_are_ignored(self, funded):
        event = OutboxEvent(
            name="payments.dispute_resolved",
            payload={"subject_ref": "order:123", "outcome": "refund"},
        )
        disputes.on_dispute_resolved(event)
        event.payload = {"subject_ref": "milestone:not-a-uuid", "outcome": "refund"}
        disputes.on_dispute_resolved(event)
        assert funded.milestones.get().state == "funded"
