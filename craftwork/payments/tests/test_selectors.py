from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.core.money import Money, UnknownCurrency
from craftwork.payments import ledger, selectors, services
from craftwork.payments.models import AccountKind

from .factories import funded_escrow, key, usd

pytestmark = pytest.mark.django_db


def test_wallet_summary(django_assert_max_num_queries):
    client, provider = UserFactory(), FreelancerFactory()
    ref = funded_escrow(client, usd(20_000))
    for amount in (5_000, 3_000):
        services.escrow_release(
            contract_ref=ref,
            provider_user=provider,
            amount=usd(amount),
            fee_bps=1000,
            idempotency_key=key(),
        )
    services.pending_to_available(now=timezone.now() + timedelta(days=6))
    services.escrow_release(
        contract_ref=ref,
        provider_user=provider,
        amount=usd(2_000),
        fee_bps=1000,
        idempotency_key=key(),
    )
    services.wallet_withdraw_reserve(user=provider, amount=usd(1_000), idempotency_key=key())
    # Another provider's money is not counted.
    services.escrow_release(
        contract_ref=ref,
        provider_user=FreelancerFactory(),
        amount=usd(1_000),
        fee_bps=1000,
        idempotency_key=key(),
    )

    with django_assert_max_num_queries(3):
        summary = selectors.wallet_summary(provider, "USD")
    assert summary.available == usd(7_200 - 1_000)
    assert summary.pending == usd(1_800)
    assert summary.in_transit == usd(1_000)
    assert summary.lifetime_earned == usd(9_000)
    assert summary.fees_paid == usd(1_000)
    assert summary.in_escrow_as_client.is_zero

    client_view = selectors.wallet_summary(client, "USD")
    assert client_view.in_escrow_as_client == usd(9_000)
    assert client_view.available.is_zero
    assert client_view.as_dict()["in_escrow_as_client"]["amount"] == "90.00"


def test_wallet_summary_of_a_new_user_and_other_currency():
    summary = selectors.wallet_summary(UserFactory(), "EUR")
    assert summary.available == Money(0, "EUR")
    assert summary.fees_paid == Money(0, "EUR")
    with pytest.raises(UnknownCurrency):
        selectors.wallet_summary(UserFactory(), "ABC")


def test_account_entries_newest_first(django_assert_num_queries):
    client = UserFactory()
    ref = funded_escrow(client, usd(100))
    funded_escrow(client, usd(200), ref)
    services.escrow_refund(contract_ref=ref, client=client, amount=usd(50), idempotency_key=key())
    escrow = ledger.find_account(AccountKind.CONTRACT_ESCROW, "USD", client, ref)
    with django_assert_num_queries(1):
        rows = [
            (entry.amount, entry.transaction.kind) for entry in selectors.account_entries(escrow)
        ]
    assert rows == [(-50, "escrow_refund"), (200, "escrow_fund"), (100, "escrow_fund")]


def test_user_lists_are_scoped():
    client, provider, other = UserFactory(), FreelancerFactory(), FreelancerFactory()
    ref = funded_escrow(client, usd(100))
    services.escrow_release(
        contract_ref=ref, provider_user=provider, amount=usd(100), fee_bps=0, idempotency_key=key()
    )
    assert selectors.user_pending_earnings(provider).count() == 1
    assert not selectors.user_pending_earnings(other).exists()
    assert not selectors.user_accounts(other).exists()
    assert [a.kind for a in selectors.user_accounts(client)] == [AccountKind.CONTRACT_ESCROW]
    assert not selectors.user_payouts(provider).exists()
    assert selectors.escrow_balance("contract:none", "USD").is_zero
