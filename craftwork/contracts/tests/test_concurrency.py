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
