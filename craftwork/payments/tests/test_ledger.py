import pytest
from django.db import IntegrityError, transaction

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.errors import Conflict, ValidationFailed
from craftwork.core.money import CurrencyMismatch, Money, UnknownCurrency
from craftwork.payments import ledger
from craftwork.payments.errors import (
    IdempotencyKeyReused,
    InsufficientFunds,
    InvalidEntry,
    UnbalancedTransaction,
)
from craftwork.payments.ledger import Entry
from craftwork.payments.models import (
    AccountKind,
    AppendOnlyError,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)

from .factories import account, clearing, usd

pytestmark = pytest.mark.django_db
ADJ = TransactionKind.ADJUSTMENT


@pytest.fixture
def wallet(user):
    return account(AccountKind.USER_WALLET_AVAILABLE, owner=user)


def counts():
    return (LedgerTransaction.objects.count(), LedgerEntry.objects.count())


def fill(target, minor, currency="USD"):
    return ledger.post_transaction(
        kind=ADJ, entries=[(clearing(currency), -minor), (target, minor)], reference="test"
    )


# --- accounts ---------------------------------------------------------------------------


def test_account_for_gets_or_creates_once(user):
    first = account(AccountKind.USER_WALLET_AVAILABLE, owner=user)
    again = account(AccountKind.USER_WALLET_AVAILABLE, owner=user)
    assert first.pk == again.pk
    assert not first.allow_negative
    assert account(AccountKind.USER_WALLET_AVAILABLE, "EUR", owner=user).pk != first.pk
    assert LedgerAccount.objects.count() == 2


def test_system_accounts_are_unique_per_currency():
    assert clearing().pk == clearing().pk
    assert clearing().allow_negative
    assert not ledger.account_for(AccountKind.PLATFORM_REVENUE, "USD").allow_negative
    assert clearing("EUR").pk != clearing().pk


def test_database_refuses_a_duplicate_system_account():
    clearing()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(kind=AccountKind.PROVIDER_CLEARING, currency="USD")


def test_escrow_is_one_per_contract_whoever_funds_it(user):
    escrow = account(AccountKind.CONTRACT_ESCROW, owner=user, reference="contract:1")
    assert account(AccountKind.CONTRACT_ESCROW, owner=user, reference="contract:1").pk == escrow.pk
    with pytest.raises(Conflict) as info:
        account(AccountKind.CONTRACT_ESCROW, owner=UserFactory(), reference="contract:1")
    assert info.value.code == "escrow_owner_mismatch"
    assert LedgerAccount.objects.filter(kind=AccountKind.CONTRACT_ESCROW).count() == 1


@pytest.mark.parametrize(
    ("kind", "with_owner", "reference"),
    [
        ("no_such_kind", False, ""),
        (AccountKind.USER_WALLET_AVAILABLE, False, ""),  # needs an owner
        (AccountKind.PROVIDER_CLEARING, True, ""),  # takes no owner
        (AccountKind.CONTRACT_ESCROW, True, ""),  # needs a reference
        (AccountKind.USER_WALLET_PENDING, True, "x"),  # takes no reference
        (AccountKind.CONTRACT_ESCROW, True, "c" * 201),
    ],
)
def test_account_for_rejects_bad_identity(user, kind, with_owner, reference):
    with pytest.raises(ValueError):
        ledger.account_for(kind, "USD", user if with_owner else None, reference)
    assert not LedgerAccount.objects.exists()


def test_account_for_unknown_currency():
    with pytest.raises(UnknownCurrency):
        ledger.account_for(AccountKind.PROVIDER_CLEARING, "XYZ")


def test_find_account_never_creates(user):
    assert ledger.find_account(AccountKind.USER_WALLET_AVAILABLE, "USD", user) is None
    assert not LedgerAccount.objects.exists()


# --- posting ----------------------------------------------------------------------------


def test_post_writes_entries_and_balances(wallet, user):
    txn = ledger.post_transaction(
        kind=ADJ,
        entries=[Entry(clearing(), -1500), Entry(wallet, usd(1500))],
        reference="ref-1",
        memo="opening",
        actor=user,
    )
    assert txn.created_by == user
    assert txn.memo == "opening"
    assert sorted(txn.entries.values_list("amount", flat=True)) == [-1500, 1500]
    assert ledger.balance(wallet) == usd(1500)
    assert ledger.computed_balance(wallet) == usd(1500)
    assert ledger.balance(clearing()) == usd(-1500)
    assert wallet.balance == 1500  # the caller's object follows the row


def test_post_accepts_several_currencies_each_balanced(user):
    usd_wallet = account(AccountKind.USER_WALLET_AVAILABLE, "USD", owner=user)
    eur_wallet = account(AccountKind.USER_WALLET_AVAILABLE, "EUR", owner=user)
    ledger.post_transaction(
        kind=ADJ,
        entries=[(clearing(), -1), (usd_wallet, 1), (clearing("EUR"), -2), (eur_wallet, 2)],
    )
    assert ledger.balance(eur_wallet) == Money(2, "EUR")


@pytest.mark.parametrize(
    "amounts",
    [[-100, 99], [100], [-1, 2]],
)
def test_unbalanced_is_refused_and_nothing_written(wallet, amounts):
    accounts = [clearing(), wallet]
    with pytest.raises(UnbalancedTransaction) as info:
        ledger.post_transaction(kind=ADJ, entries=list(zip(accounts, amounts, strict=False)))
    assert info.value.code == "unbalanced_transaction"
    assert counts() == (0, 0)
    assert ledger.balance(wallet).is_zero


def test_balanced_total_across_currencies_is_still_unbalanced(user):
    eur_wallet = account(AccountKind.USER_WALLET_AVAILABLE, "EUR", owner=user)
    with pytest.raises(UnbalancedTransaction):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), -100), (eur_wallet, 100)])
    assert counts() == (0, 0)


def test_zero_and_missing_entries(wallet):
    with pytest.raises(InvalidEntry):
        ledger.post_transaction(kind=ADJ, entries=[])
    with pytest.raises(InvalidEntry):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), 0), (wallet, 0)])
    with pytest.raises(InvalidEntry):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), -5), (wallet, 5), (wallet, 0)])
    assert counts() == (0, 0)


def test_one_entry_per_account(wallet):
    with pytest.raises(InvalidEntry):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), -10), (wallet, 5), (wallet, 5)])
    assert counts() == (0, 0)


@pytest.mark.parametrize("amount", [1.5, "10", None, True])
def test_amounts_must_be_int_or_money(wallet, amount):
    with pytest.raises(TypeError):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), -10), (wallet, amount)])
    assert counts() == (0, 0)


def test_unsaved_account_is_refused(user):
    ghost = LedgerAccount(kind=AccountKind.USER_WALLET_AVAILABLE, currency="USD", owner=user)
    with pytest.raises(InvalidEntry):
        ledger.post_transaction(kind=ADJ, entries=[(clearing(), -10), (ghost, 10)])


def test_entry_currency_must_match_account(user, wallet):
    with pytest.raises(CurrencyMismatch):
        ledger.post_transaction(
            kind=ADJ, entries=[(clearing(), Money(-10, "EUR")), (wallet, Money(10, "EUR"))]
        )
    assert counts() == (0, 0)


def test_unknown_transaction_kind(wallet):
    with pytest.raises(ValueError):
        ledger.post_transaction(kind="gift", entries=[(clearing(), -1), (wallet, 1)])


@pytest.mark.parametrize("bad_key", ["", "k" * 256, 42])
def test_bad_idempotency_key(wallet, bad_key):
    with pytest.raises(ValidationFailed):
        ledger.post_transaction(
            kind=ADJ, entries=[(clearing(), -1), (wallet, 1)], idempotency_key=bad_key
        )
    assert counts() == (0, 0)


def test_restricted_account_cannot_go_negative(wallet, user):
    fill(wallet, 100)
    other = account(AccountKind.USER_WALLET_PENDING, owner=user)
    before = counts()
    with pytest.raises(InsufficientFunds) as info:
        ledger.post_transaction(kind=ADJ, entries=[(wallet, -101), (other, 101)])
    assert info.value.code == "insufficient_funds"
    assert info.value.status_code == 409
    assert info.value.details["available"] == "1.00"
    assert counts() == before
    assert ledger.balance(wallet) == usd(100)
    ledger.post_transaction(kind=ADJ, entries=[(wallet, -100), (other, 100)])
    assert ledger.balance(wallet).is_zero


def test_allow_negative_account_may_go_negative(wallet):
    fill(wallet, 10**12)
    assert ledger.balance(clearing()) == usd(-(10**12))


def test_database_check_constraint_backs_the_rule(wallet):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=wallet.pk).update(balance=-1)


# --- idempotency ------------------------------------------------------------------------


def test_replay_returns_the_first_transaction_and_writes_nothing(wallet):
    fill(wallet, 100)
    other = account(AccountKind.USER_WALLET_PENDING, owner=wallet.owner)
    args = {
        "kind": ADJ,
        "entries": [(wallet, -100), (other, 100)],
        "reference": "r",
        "idempotency_key": "k1",
    }
    first = ledger.post(**args)
    assert first.created
    before = counts()
    # The wallet is empty now: a replay must still answer with the first result.
    again = ledger.post(**args)
    assert not again.created
    assert again.transaction.pk == first.transaction.pk
    assert counts() == before
    assert ledger.balance(wallet).is_zero
    assert ledger.balance(other) == usd(100)


@pytest.mark.parametrize(
    "change",
    [
        {"entries_amount": 50},
        {"reference": "other"},
        {"kind": TransactionKind.ESCROW_FUND},
    ],
)
def test_key_reuse_with_a_different_posting_is_refused(wallet, change):
    fill(wallet, 100)
    other = account(AccountKind.USER_WALLET_PENDING, owner=wallet.owner)
    ledger.post_transaction(
        kind=ADJ, entries=[(wallet, -100), (other, 100)], reference="r", idempotency_key="k2"
    )
    before = counts()
    amount = change.get("entries_amount", 100)
    with pytest.raises(IdempotencyKeyReused) as info:
        ledger.post_transaction(
            kind=change.get("kind", ADJ),
            entries=[(wallet, -amount), (other, amount)],
            reference=change.get("reference", "r"),
            idempotency_key="k2",
        )
    assert info.value.code == "idempotency_key_reused"
    assert info.value.status_code == 422
    assert counts() == before


def test_same_key_with_other_accounts_is_refused(wallet, user):
    fill(wallet, 100)
    pending = account(AccountKind.USER_WALLET_PENDING, owner=user)
    in_transit = account(AccountKind.PAYOUT_CLEARING, owner=user)
    ledger.post_transaction(kind=ADJ, entries=[(wallet, -10), (pending, 10)], idempotency_key="k3")
    with pytest.raises(IdempotencyKeyReused):
        ledger.post_transaction(
            kind=ADJ, entries=[(wallet, -10), (in_transit, 10)], idempotency_key="k3"
        )


def test_distinct_keys_post_twice(wallet):
    fill(wallet, 100)
    other = account(AccountKind.USER_WALLET_PENDING, owner=wallet.owner)
    for key in ("a", "b"):
        ledger.post_transaction(kind=ADJ, entries=[(wallet, -10), (other, 10)], idempotency_key=key)
    assert ledger.balance(other) == usd(20)


# --- append-only ------------------------------------------------------------------------


def test_transactions_and_entries_are_append_only(wallet):
    txn = fill(wallet, 100)
    entry = txn.entries.first()
    txn.memo = "changed"
    with pytest.raises(AppendOnlyError):
        txn.save()
    with pytest.raises(AppendOnlyError):
        txn.delete()
    entry.amount = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.all().update(memo="x")
    assert LedgerEntry.objects.get(pk=entry.pk).amount != 1


def test_account_balance_is_never_saved_from_memory(wallet):
    fill(wallet, 100)
    stale = LedgerAccount.objects.get(pk=wallet.pk)
    stale.balance = 10**9
    with pytest.raises(AppendOnlyError):
        stale.save()
    with pytest.raises(AppendOnlyError):
        stale.save(update_fields=["balance"])
    with pytest.raises(AppendOnlyError):
        LedgerAccount.objects.create(kind=AccountKind.PROVIDER_CLEARING, currency="EUR", balance=5)
    assert ledger.balance(wallet) == usd(100)


def test_database_refuses_zero_entries(wallet):
    txn = fill(wallet, 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            transaction=txn, account=clearing("EUR"), amount=0, currency="EUR"
        )
