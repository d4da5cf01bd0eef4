"""Money left in a settled contract's escrow (a refund the provider could not make) has a
staff queue with ways out, and ``reconcile`` reports it; the escrow-items invariant."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.contracts import services
from craftwork.core.models import AuditLog
from craftwork.payments import ledger, selectors, stuck, testing
from craftwork.payments.models import AccountKind, Refund, TransactionKind
from craftwork.payments.reconciliation import reconcile

from .conftest import api_for
from .factories import ContractFactory, fund_milestone, usd

pytestmark = pytest.mark.django_db

RESOLVE = "payments-api:staff-stuck-balance-resolve"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cancelled(commit):
    """A contract cancelled by the freelancer whose card refund failed: 500.00 stuck."""
    contract = ContractFactory()
    milestone = contract.milestones.get()
    with commit():
        fund_milestone(milestone, card=testing.REFUND_FAILS)
    with commit():
        services.contract_cancel(contract=contract, actor=contract.provider, reason="Cannot do it")
    contract.refresh_from_db()
    assert contract.state == "cancelled"
    assert Refund.objects.get().status == "failed"
    assert selectors.escrow_balance(contract.escrow_ref, "USD") == usd(50_000)
    return contract


def resolve(user, contract, action, key="resolve-key-1"):
    return api_for(user).post(
        reverse(RESOLVE),
        {
            "escrow_ref": contract.escrow_ref,
            "item_ref": contract.milestones.get().ref,
            "action": action,
            "reason": "Refund failed twice; agreed with the client.",
        },
        format="json",
        headers={"Idempotency-Key": key},
    )


def test_the_queue_lists_the_stuck_balance_and_reconcile_reports_it(cancelled):
    [balance] = stuck.stuck_balances()
    assert (balance.escrow_ref, balance.amount) == (cancelled.escrow_ref, usd(50_000))
    assert balance.item_ref == cancelled.milestones.get().ref
    report = reconcile()
    assert report.ok, report.problems  # not a ledger fault, a job for staff
    assert [s.escrow_ref for s in report.stuck] == [cancelled.escrow_ref]
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "1 stuck escrow balance(s)" in out.getvalue()
    assert cancelled.escrow_ref in out.getvalue()


def test_the_api_lists_them_for_staff_only(cancelled):
    url = reverse("payments-api:staff-stuck-balances")
    assert api_for(cancelled.client).get(url).status_code == 403
    response = api_for(StaffFactory()).get(url)
    assert response.status_code == 200
    [row] = response.json()
    assert row["amount"]["amount_minor"] == 50_000 and row["closed"] is True


def test_write_off_moves_it_to_platform_revenue_with_an_audit_row(cancelled):
    revenue_before = ledger.balance(ledger.account_for(AccountKind.PLATFORM_REVENUE, "USD"))
    staff = StaffFactory()
    response = resolve(staff, cancelled, "writeoff")
    assert response.status_code == 200, response.json()
    assert selectors.escrow_balance(cancelled.escrow_ref, "USD").is_zero
    revenue = ledger.balance(ledger.account_for(AccountKind.PLATFORM_REVENUE, "USD"))
    assert revenue == revenue_before + usd(50_000)
    assert AuditLog.objects.filter(action="payments.stuck_balance_writeoff", actor=staff).exists()
    assert not stuck.stuck_balances()
    again = resolve(staff, cancelled, "writeoff", key="resolve-key-2")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_stuck"
    assert reconcile().ok


def test_release_pays_the_provider_less_the_fee(cancelled):
    response = resolve(StaffFactory(), cancelled, "release")
    assert response.status_code == 200, response.json()
    assert selectors.wallet_summary(cancelled.provider, "USD").pending == usd(45_000)
    assert selectors.escrow_balance(cancelled.escrow_ref, "USD").is_zero
    assert reconcile().ok


def test_retry_the_refund(cancelled):
    response = resolve(StaffFactory(), cancelled, "refund")
    assert response.status_code == 200, response.json()
    retry = Refund.objects.exclude(status="failed").get()
    assert (retry.origin, retry.amount_minor) == ("staff", 50_000)
    assert selectors.escrow_balance(cancelled.escrow_ref, "USD").is_zero


def test_only_staff_resolve_and_bad_input_is_a_400(cancelled):
    assert resolve(cancelled.client, cancelled, "writeoff").status_code == 403
    response = resolve(StaffFactory(), cancelled, "burn")
    assert response.status_code == 400
    assert selectors.escrow_balance(cancelled.escrow_ref, "USD") == usd(50_000)


def test_the_staff_page_is_linked_and_resolves(cancelled, client):
    staff = StaffFactory()
    client.force_login(staff)
    home = client.get(reverse("payments:staff-home"))
    assert reverse("payments:staff-stuck") in home.content.decode()
    page = client.get(reverse("payments:staff-stuck"))
    assert page.status_code == 200 and cancelled.title in page.content.decode()
    response = client.post(
        reverse("payments:staff-stuck"),
        {
            "escrow_ref": cancelled.escrow_ref,
            "item_ref": cancelled.milestones.get().ref,
            "action": "writeoff",
            "reason": "Client unreachable",
            "idempotency_key": "page-1",
        },
    )
    assert response.status_code == 302
    assert selectors.escrow_balance(cancelled.escrow_ref, "USD").is_zero


def test_reconcile_flags_a_funded_milestone_whose_escrow_item_is_empty():
    contract = ContractFactory(funded=True)
    milestone = contract.milestones.get()
    escrow = ledger.find_account(
        AccountKind.CONTRACT_ESCROW, "USD", contract.client, contract.escrow_ref
    )
    clearing = ledger.account_for(AccountKind.PROVIDER_CLEARING, "USD")
    ledger.post_transaction(
        kind=TransactionKind.ADJUSTMENT,
        entries=[(escrow, -usd(50_000), milestone.ref), (clearing, usd(50_000))],
    )
    report = reconcile()
    assert any(
        milestone.ref in problem and "holds nothing" in problem for problem in report.problems
    )
