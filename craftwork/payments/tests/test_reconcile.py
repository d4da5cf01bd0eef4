import pytest
from django.core.management import CommandError, call_command

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.payments import services
from craftwork.payments.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction

from .factories import funded_escrow, key, usd, wallet_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_ledger():
    client, provider = UserFactory(), FreelancerFactory()
    wallet_with(provider, usd(5_000), client=client)
    ref = funded_escrow(client, usd(1_000))
    services.escrow_refund(contract_ref=ref, client=client, amount=usd(300), idempotency_key=key())
    payout = services.wallet_withdraw_reserve(
        user=provider, amount=usd(1_000), idempotency_key=key()
    )
    services.payout_fail(payout=payout, reason="bounced")
    return provider


def run():
    call_command("reconcile")


def test_clean_ledger_reconciles(busy_ledger, capsys):
    run()
    out = capsys.readouterr().out
    assert "no differences" in out
    assert "transactions" in out


def test_empty_ledger_reconciles():
    run()


def test_corrupted_cached_balance_fails(busy_ledger, capsys):
    wallet = LedgerAccount.objects.get(owner=busy_ledger, kind=AccountKind.USER_WALLET_AVAILABLE)
    LedgerAccount.objects.filter(pk=wallet.pk).update(balance=wallet.balance + 1)
    with pytest.raises(CommandError):
        run()
    assert str(wallet.pk) in capsys.readouterr().err


def test_negative_restricted_account_fails(busy_ledger, capsys):
    # A broken migration that lifted the restriction and let a wallet go negative.
    wallet = LedgerAccount.objects.get(owner=busy_ledger, kind=AccountKind.USER_WALLET_AVAILABLE)
    LedgerAccount.objects.filter(pk=wallet.pk).update(allow_negative=True, balance=-5)
    with pytest.raises(CommandError):
        run()
    err = capsys.readouterr().err
    assert "allow_negative=True" in err
    assert "cached balance" in err


def test_unbalanced_transaction_fails(busy_ledger, capsys):
    # Written around the posting service, which would have refused it.
    txn = LedgerTransaction.objects.create(kind="adjustment", reference="bad")
    wallet = LedgerAccount.objects.get(owner=busy_ledger, kind=AccountKind.USER_WALLET_AVAILABLE)
    LedgerEntry.objects.create(transaction=txn, account=wallet, amount=7, currency="USD")
    with pytest.raises(CommandError):
        run()
    err = capsys.readouterr().err
    assert f"transaction {txn.pk} sums to 7" in err
    assert "ledger total in USD is 7" in err
    assert "fewer than two entries" in err


def test_entry_in_the_wrong_currency_fails(busy_ledger, capsys):
    txn = LedgerTransaction.objects.create(kind="adjustment", reference="bad")
    wallet = LedgerAccount.objects.get(owner=busy_ledger, kind=AccountKind.USER_WALLET_AVAILABLE)
    pending = LedgerAccount.objects.get(owner=busy_ledger, kind=AccountKind.USER_WALLET_PENDING)
    LedgerEntry.objects.create(transaction=txn, account=wallet, amount=7, currency="EUR")
    LedgerEntry.objects.create(transaction=txn, account=pending, amount=-7, currency="EUR")
    with pytest.raises(CommandError):
        run()
    assert "is not in the currency of account" in capsys.readouterr().err
