"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from craftwork.contracts import services
from craftwork.contracts.models import Contract, Milestone, TimeLog
from craftwork.core.errors import DomainError
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.payments.models import LedgerTransaction

from .factories import FundedContractFactory, HourlyContractFactory, usd

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def releases(contract) -> int:
    return LedgerTransaction.objects.filter(
        kind="escrow_release", reference=contract.escrow_ref
    ).count()


def submitted_contract():
    contract = FundedContractFactory(started=True)
    milestone = contract.milestones.get()
    services.milestone_submit(milestone=milestone, message="done", actor=contract.provider)
    return contract, Milestone.objects.get(pk=milestone.pk)


def test_approve_and_auto_approve_at_the_same_moment_release_once():
    contract, milestone = submitted_contract()
    later = milestone.timer_due_at + timedelta(seconds=1)
    client = contract.client
    work = [
        lambda: services.milestone_approve(
            milestone=Milestone.objects.get(pk=milestone.pk), actor=client
        ),
        lambda: services.run_due_timers(now=later),
    ] * 4
    results = run_in_threads(work)
    assert not [
        r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)
    ], results
    assert releases(contract) == 1
    assert Milestone.objects.get(pk=milestone.pk).state == "released"
    assert contract.history.filter(subject="milestone", to_state="released").count() == 1
    assert Contract.objects.get(pk=contract.pk).state == "completed"
    call_command("reconcile")


def test_a_double_submitted_approval_releases_once():
    contract, milestone = submitted_contract()
    client = contract.client
    results = run_in_threads(
        [
            lambda: services.milestone_approve(
                milestone=Milestone.objects.get(pk=milestone.pk), actor=client
            )
        ]
        * 6
    )
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(
        getattr(r, "code", None) == "invalid_state" for r in results if isinstance(r, Exception)
    )
    assert releases(contract) == 1
    call_command("reconcile")


def test_parallel_time_logs_never_exceed_the_weekly_limit():
    contract = HourlyContractFactory()  # 600 minutes a week
    today = services.provider_today(contract)
    provider = contract.provider

    def log():
        return services.timelog_create(
            contract=Contract.objects.get(pk=contract.pk),
            date=today,
            minutes=120,
            description="x",
            actor=provider,
        )

    results = run_in_threads([log] * 8)
    assert sum(1 for r in results if isinstance(r, TimeLog)) == 5
    assert all(
        getattr(r, "code", None) == "weekly_limit_exceeded"
        for r in results
        if isinstance(r, Exception)
    )
    assert sum(TimeLog.objects.values_list("minutes", flat=True)) == 600


def test_cancel_racing_a_submission_keeps_the_money_consistent():
    contract = FundedContractFactory(started=True)
    milestone = contract.milestones.get()
    results = run_in_threads(
        [
            lambda: services.contract_cancel(
                contract=Contract.objects.get(pk=contract.pk), actor=contract.client, reason="Stop"
            ),
            lambda: services.milestone_submit(
                milestone=Milestone.objects.get(pk=milestone.pk),
                message="v1",
                actor=contract.provider,
            ),
        ]
    )
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    contract.refresh_from_db()
    milestone.refresh_from_db()
    if contract.state == "cancelled":
        assert (
            milestone.state == "cancelled"
            and milestone.refunded_minor + milestone.released_minor == 50_000
        )
    else:
        assert (contract.state, milestone.state) == ("delivered", "submitted")
    call_command("reconcile")


def test_two_tabs_funding_the_same_milestone_charge_once_net():
    from craftwork.payments import testing
    from craftwork.payments.selectors import escrow_balance

    from .factories import ContractFactory

    contract = ContractFactory()
    milestone = contract.milestones.get()
    payments = [
        services.milestone_fund_start(
            milestone=milestone, actor=contract.client, attempt=f"tab-{n}-attempt"
        )
        for n in range(2)
    ]
    results = run_in_threads([lambda p=p: testing.pay(p) for p in payments])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Milestone.objects.get(pk=milestone.pk).state == "funded"
    assert escrow_balance(contract.escrow_ref, "USD") == usd(50_000)  # the extra charge is refunded
    call_command("reconcile")


def test_timers_are_safe_in_parallel():
    contracts = [submitted_contract()[0] for _ in range(3)]
    later = timezone.now() + timedelta(days=30)
    results = run_in_threads([lambda: services.run_due_timers(now=later)] * 4)
    assert sum(r for r in results if isinstance(r, int)) == 3, results
    for contract in contracts:
        assert releases(contract) == 1
    call_command("reconcile")


# --- a mix of every money-moving operation on overlapping contracts and the same users ----------


def _mix_world():
    """One client and one freelancer on every contract, so the operations share the ledger
    accounts (the client's escrows, the freelancer's wallet, clearing, revenue) and users."""
    from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
    from craftwork.contracts import orders

    from .factories import ContractFactory, gig_order

    client, provider, staff = UserFactory(), FreelancerFactory(), StaffFactory()
    fixed = {"client": client, "provider": provider}
    approvals = []
    for _ in range(3):
        contract = FundedContractFactory(started=True, **fixed)
        milestone = contract.milestones.get()
        services.milestone_submit(milestone=milestone, message="done", actor=provider)
        approvals.append(Milestone.objects.get(pk=milestone.pk))
    cancels = [FundedContractFactory(started=True, **fixed) for _ in range(2)]
    refunded = FundedContractFactory(**fixed)
    unfunded = ContractFactory(**fixed).milestones.get()
    funding = services.milestone_fund_start(milestone=unfunded, actor=client)
    gigs = [gig_order(client=client, seller=provider) for _ in range(4)]
    for gig in gigs[:3]:
        orders.gig_deliver(contract=gig, message="v1", actor=provider)
    disputed = Contract.objects.get(pk=gigs[2].pk)
    services.contract_transition(obj=disputed, transition="dispute", actor=client, note="Late")
    return locals()


def _mix_operations(world):
    from craftwork.contracts import orders
    from craftwork.payments import disputes, refunds, testing
    from craftwork.payments.models import Dispute, Payment

    client, provider, staff = world["client"], world["provider"], world["staff"]
    gigs = world["gigs"]
    payment = Payment.objects.get(escrow_ref=world["refunded"].escrow_ref)
    dispute = Dispute.objects.get(subject_ref=f"contract:{gigs[2].pk}")
    fresh = lambda obj: type(obj).objects.get(pk=obj.pk)  # noqa: E731 - a row per thread
    return [
        *(
            lambda m=m: services.milestone_approve(milestone=fresh(m), actor=client)
            for m in world["approvals"]
        ),
        *(
            lambda c=c: services.contract_cancel(contract=fresh(c), actor=client, reason="Stop")
            for c in world["cancels"]
        ),
        lambda: services.contract_cancel(
            contract=fresh(world["refunded"]), actor=provider, reason="Cannot do it"
        ),
        lambda: refunds.refund_by_staff(
            actor=staff,
            payment=payment,
            amount=usd(10_000),
            reason="Goodwill",
            idempotency_key="s1",
        ),
        lambda: testing.pay(fresh(world["funding"])),
        lambda: orders.gig_accept(contract=fresh(gigs[0]), actor=client),
        lambda: orders.gig_accept(contract=fresh(gigs[1]), actor=client),
        lambda: services.contract_cancel(contract=fresh(gigs[3]), actor=provider, reason="Sorry"),
        lambda: disputes.dispute_resolve(
            actor=staff, dispute=dispute, outcome="split", to_provider=usd(6_000), decision="Half"
        ),
    ]


@pytest.mark.parametrize("round_", range(3))
def test_a_mix_of_money_operations_neither_deadlocks_nor_fails(round_, reference_data):
    from craftwork.core.db import DatabaseBusy
    from craftwork.payments.reconciliation import reconcile

    world = _mix_world()
    results = run_in_threads(_mix_operations(world))

    unexpected = [
        r
        for r in results
        if isinstance(r, Exception)
        and (not isinstance(r, DomainError) or isinstance(r, DatabaseBusy))
    ]
    assert not unexpected, unexpected
    # Only the staff refund and the freelancer's cancellation want the same money.
    contended = results[5:7]
    assert all(not isinstance(r, Exception) for r in results if r not in contended), results
    assert any(not isinstance(r, Exception) for r in contended), contended
    report = reconcile()
    assert report.ok, report.problems
    call_command("reconcile")
