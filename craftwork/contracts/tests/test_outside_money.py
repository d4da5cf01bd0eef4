"""Refunds and chargebacks made outside the contract flow touch only the item they are for.

The scenario of the hardening report: milestones M1 and M2 of 100.00 each, both funded, M1
released. Whatever happens to M1's payment afterwards (a staff refund, a refund issued in the
provider's dashboard, a card chargeback), M2's 100.00 stays in escrow and M2 can be approved.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.contracts import orders, services
from craftwork.contracts.models import Milestone
from craftwork.payments import ledger, refunds, selectors
from craftwork.payments import services as payment_services
from craftwork.payments.models import AccountKind, Chargeback, Payment, Refund
from craftwork.payments.providers.sandbox import engine
from craftwork.payments.reconciliation import reconcile

from .conftest import api_for
from .factories import ContractFactory, fixed_terms, gig_order, usd

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def two_milestones(commit):
    """M1 and M2 of 100.00, both funded, work started, M1 approved and released."""
    terms = fixed_terms(
        amount=usd(20_000), milestones=[("M1", usd(10_000), None), ("M2", usd(10_000), None)]
    )
    with commit():
        contract = ContractFactory(terms=terms, funded=True, started=True)
    m1, m2 = contract.milestones.order_by("position")
    services.milestone_submit(milestone=m1, message="done", actor=contract.provider)
    services.milestone_approve(milestone=m1, actor=contract.client)
    assert selectors.escrow_balance(contract.escrow_ref, "USD") == usd(10_000)
    return contract, m1, m2


def payment_of(milestone) -> Payment:
    return Payment.objects.get(
        reference=milestone.ref, status__in=["succeeded", "partially_refunded"]
    )


def escrow(contract):
    return selectors.escrow_balance(contract.escrow_ref, "USD")


def approve(contract, milestone):
    milestone = Milestone.objects.get(pk=milestone.pk)
    services.milestone_submit(milestone=milestone, message="done", actor=contract.provider)
    return services.milestone_approve(milestone=milestone, actor=contract.client)


def staff_refund(payment, amount: str, **extra):
    return api_for(StaffFactory()).post(
        reverse("payments-api:staff-refund", args=[payment.pk]),
        {"amount": amount, "currency": "USD", "reason": "Goodwill", **extra},
        format="json",
        headers={"Idempotency-Key": f"staff-refund-{payment.pk}-{amount}"},
    )


def loss() -> int:
    account = ledger.find_account(AccountKind.REFUND_LOSS, "USD")
    return ledger.balance(account).minor if account else 0


def assert_reconciled():
    report = reconcile()
    assert report.ok, report.problems
    call_command("reconcile")


class TestStaffRefunds:
    def test_refunding_a_released_milestone_is_refused_and_m2_is_untouched(self, commit):
        contract, m1, m2 = two_milestones(commit)
        response = staff_refund(payment_of(m1), "50.00")
        assert response.status_code == 409, response.json()
        error = response.json()["error"]
        assert error["code"] == "refund_exceeds_held"
        assert error["details"]["held"]["amount_minor"] == 0
        assert escrow(contract) == usd(10_000)
        assert not Refund.objects.exists()
        assert approve(contract, m2).state == "released"
        assert escrow(contract).is_zero
        assert_reconciled()

    def test_a_platform_cover_writes_the_released_part_off(self, commit):
        contract, m1, m2 = two_milestones(commit)
        response = staff_refund(payment_of(m1), "50.00", cover="platform")
        assert response.status_code == 201, response.json()
        refund = Refund.objects.get()
        assert (refund.amount_minor, refund.covered_minor, refund.cover) == (
            5_000,
            5_000,
            "platform",
        )
        assert escrow(contract) == usd(10_000)
        assert loss() == -5_000
        assert approve(contract, m2).state == "released"
        assert_reconciled()

    def test_a_provider_cover_recovers_from_the_provider_balance(self, commit):
        contract, m1, _m2 = two_milestones(commit)
        payment_services.pending_to_available(now=timezone.now() + timedelta(days=30))
        before = selectors.wallet_summary(contract.provider, "USD").available
        response = staff_refund(payment_of(m1), "50.00", cover="provider")
        assert response.status_code == 201, response.json()
        assert selectors.wallet_summary(contract.provider, "USD").available == before - usd(5_000)
        assert escrow(contract) == usd(10_000)
        assert_reconciled()

    def test_a_provider_cover_needs_the_money_in_the_provider_balance(self, commit):
        _contract, m1, _m2 = two_milestones(commit)  # earnings still pending
        response = staff_refund(payment_of(m1), "50.00", cover="provider")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "insufficient_funds"
        assert not Refund.objects.exists()

    def test_bad_cover_is_a_400(self, commit):
        _contract, m1, _m2 = two_milestones(commit)
        response = staff_refund(payment_of(m1), "50.00", cover="someone")
        assert response.status_code == 400

    def test_a_partial_refund_of_a_held_milestone_leaves_the_rest_to_release(self, commit):
        contract, _m1, m2 = two_milestones(commit)
        assert staff_refund(payment_of(m2), "30.00").status_code == 201
        assert escrow(contract) == usd(7_000)
        released = approve(contract, m2)
        assert (released.state, released.released_minor) == ("released", 7_000)
        assert escrow(contract).is_zero
        assert_reconciled()

    def test_a_full_refund_of_a_held_milestone_ends_it(self, commit):
        contract, _m1, m2 = two_milestones(commit)
        assert staff_refund(payment_of(m2), "100.00").status_code == 201
        m2.refresh_from_db()
        assert m2.state == "refunded"
        contract.refresh_from_db()
        assert contract.state == "completed"  # M1 paid, M2 refunded: nothing left open
        assert_reconciled()


class TestProviderDashboardRefund:
    def test_a_refund_of_released_money_is_a_platform_loss_not_m2s_money(self, commit):
        contract, m1, m2 = two_milestones(commit)
        with commit():
            engine.dashboard_refund(payment_of(m1).provider_intent_id, 5_000)
        refund = Refund.objects.get(origin="provider")
        assert (refund.covered_minor, refund.cover) == (5_000, "platform")
        assert escrow(contract) == usd(10_000)
        assert loss() == -5_000
        assert approve(contract, m2).state == "released"
        assert_reconciled()

    def test_refunding_a_held_milestone_at_the_provider_ends_it(self, commit):
        contract, _m1, m2 = two_milestones(commit)
        with commit():
            engine.dashboard_refund(payment_of(m2).provider_intent_id)
        m2.refresh_from_db()
        assert m2.state == "refunded"
        assert escrow(contract).is_zero
        assert_reconciled()


class TestChargebacks:
    def test_a_chargeback_on_a_released_milestone_leaves_m2_alone(self, commit):
        contract, m1, m2 = two_milestones(commit)
        with commit():
            engine.open_dispute(payment_of(m1).provider_intent_id)
        chargeback = Chargeback.objects.get()
        assert chargeback.escrow_debited_minor == 0
        assert escrow(contract) == usd(10_000)
        assert approve(contract, m2).state == "released"
        assert_reconciled()

    @pytest.mark.parametrize("won", [True, False])
    def test_a_chargeback_freezes_the_contract_until_the_bank_decides(self, commit, won):
        contract, _m1, m2 = two_milestones(commit)
        with commit():
            dispute = engine.open_dispute(payment_of(m2).provider_intent_id)
        m2.refresh_from_db()
        contract.refresh_from_db()
        assert (m2.state, contract.state) == ("disputed", "disputed")
        assert escrow(contract).is_zero
        with commit():
            engine.close_dispute(dispute.dispute_id, won=won)
        m2.refresh_from_db()
        contract.refresh_from_db()
        if won:
            assert (m2.state, contract.state) == ("funded", "in_progress")
            assert escrow(contract) == usd(10_000)
            assert approve(contract, m2).state == "released"
        else:
            assert (m2.state, contract.state) == ("refunded", "completed")
        assert_reconciled()


class TestGigOrders:
    def test_a_partial_refund_then_accept_releases_the_rest(self, commit):
        contract = gig_order(price=12_000)  # no questions: in progress at once
        orders.gig_deliver(contract=contract, message="Here it is", actor=contract.provider)
        assert escrow(contract) == usd(12_000)
        # a ledger-only escrow (no card): part of it goes back through the escrow item
        refunds.refund_for_escrow(
            escrow_ref=contract.escrow_ref,
            amount=usd(2_000),
            reason="goodwill",
            actor=None,
            idempotency_key="gig-partial",
            origin=Refund.Origin.STAFF,
        )
        contract.refresh_from_db()
        assert contract.state == "delivered"
        services.contract_transition(obj=contract, transition="accept", actor=contract.client)
        contract.refresh_from_db()
        assert contract.state == "completed"
        assert escrow(contract).is_zero
        assert_reconciled()


class TestDisputes:
    def test_a_decision_moves_what_the_item_still_holds(self, commit):
        from craftwork.payments import disputes
        from craftwork.payments.models import Dispute

        contract, _m1, m2 = two_milestones(commit)
        services.milestone_dispute(milestone=m2, reason="Not what we agreed", actor=contract.client)
        assert staff_refund(payment_of(m2), "30.00").status_code == 201
        with commit():
            disputes.dispute_resolve(
                actor=StaffFactory(),
                dispute=Dispute.objects.get(),
                outcome="release",
                to_provider=None,
                decision="Delivered as agreed.",
            )
        m2.refresh_from_db()
        assert (m2.state, m2.released_minor) == ("released", 7_000)
        assert escrow(contract).is_zero
        assert_reconciled()
