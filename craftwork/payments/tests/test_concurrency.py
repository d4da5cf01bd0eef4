"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

import random
import threading
import traceback
from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.core.errors import InvalidTransition
from craftwork.core.money import Money
from craftwork.core.tests.concurrency import run_in_threads as run_in_parallel
from craftwork.payments import ledger, selectors, services
from craftwork.payments.errors import IdempotencyKeyReused, InsufficientFunds
from craftwork.payments.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
)
from craftwork.payments.reconciliation import reconcile

from .factories import contract_ref, key, usd, wallet_with

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def run_in_threads(count: int, work) -> list:
    """``work(index)`` in ``count`` threads started together; results or exceptions."""
    return run_in_parallel([partial(work, index) for index in range(count)])


def assert_ledger_consistent():
    assert (
        not LedgerEntry.objects.order_by().values("currency").annotate(t=Sum("amount")).exclude(t=0)
    )
    assert not LedgerAccount.objects.filter(allow_negative=False, balance__lt=0).exists()
    for account in LedgerAccount.objects.all():
        assert ledger.balance(account) == ledger.computed_balance(account), account
    report = reconcile()
    assert report.ok, report.problems
    call_command("reconcile")


def test_sixteen_withdrawals_race_on_one_wallet():
    provider = FreelancerFactory()
    wallet_with(provider, usd(10 * 700), client=UserFactory())

    results = run_in_threads(
        16,
        lambda i: services.wallet_withdraw_reserve(
            user=provider, amount=usd(700), idempotency_key=f"wd:{i}"
        ),
    )

    succeeded = [r for r in results if isinstance(r, Payout)]
    refused = [r for r in results if isinstance(r, InsufficientFunds)]
    assert len(succeeded) == 10, results
    assert len(refused) == 6, results
    assert selectors.wallet_summary(provider, "USD").available.is_zero
    assert selectors.wallet_summary(provider, "USD").in_transit == usd(7_000)
    assert Payout.objects.count() == 10
    assert_ledger_consistent()


def test_same_idempotency_key_from_ten_threads_posts_once():
    client = UserFactory()
    ref = contract_ref()

    results = run_in_threads(
        10,
        lambda i: services.escrow_fund(
            contract_ref=ref,
            client=client,
            amount=usd(2_500),
            client_fee=usd(125),
            idempotency_key="charge:race",
        ),
    )

    assert all(isinstance(r, LedgerTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert LedgerTransaction.objects.count() == 1
    assert selectors.escrow_balance(ref, "USD") == usd(2_500)
    assert_ledger_consistent()


def test_same_key_withdrawals_of_the_whole_wallet_all_get_the_first_payout():
    # The waiting requests must answer with the first result, not "insufficient funds".
    provider = FreelancerFactory()
    wallet_with(provider, usd(900), client=UserFactory())
    # Existing accounts: the threads meet at the row locks, not at an account insert.
    ledger.account_for(AccountKind.PAYOUT_CLEARING, "USD", owner=provider)

    results = run_in_threads(
        10,
        lambda i: services.wallet_withdraw_reserve(
            user=provider, amount=usd(900), idempotency_key="wd:same"
        ),
    )

    assert all(isinstance(r, Payout) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Payout.objects.count() == 1
    assert_ledger_consistent()


def test_one_key_racing_on_disjoint_accounts_posts_once():
    # No shared row lock: the unique index decides, and the losers get a clean domain error.
    currencies = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "MXN", "KWD"]
    pairs = [
        (
            ledger.account_for(AccountKind.PROVIDER_CLEARING, currency),
            ledger.account_for(AccountKind.PLATFORM_REVENUE, currency),
        )
        for currency in currencies
    ]

    results = run_in_threads(
        len(pairs),
        lambda i: ledger.post_transaction(
            kind="adjustment",
            entries=[(pairs[i][0], -1), (pairs[i][1], 1)],
            idempotency_key="one-key",
        ),
    )

    won = [r for r in results if isinstance(r, LedgerTransaction)]
    assert len(won) == 1, results
    assert all(isinstance(r, IdempotencyKeyReused) for r in results if r not in won), results
    assert LedgerTransaction.objects.count() == 1
    assert_ledger_consistent()


def test_parallel_clearing_runs_clear_each_earning_once():
    client, provider = UserFactory(), FreelancerFactory()
    ref = contract_ref()
    services.escrow_fund(contract_ref=ref, client=client, amount=usd(2_000), idempotency_key=key())
    for _ in range(20):
        services.escrow_release(
            contract_ref=ref,
            provider_user=provider,
            amount=usd(100),
            fee_bps=0,
            idempotency_key=key(),
        )
    later = timezone.now() + FAR_FUTURE

    cleared = run_in_threads(4, lambda i: services.pending_to_available(now=later))

    assert sum(cleared) == 20, cleared
    summary = selectors.wallet_summary(provider, "USD")
    assert summary.available == usd(2_000)
    assert summary.pending.is_zero
    assert_ledger_consistent()


def test_accounts_created_concurrently_exist_once():
    user = UserFactory()
    results = run_in_threads(
        10, lambda i: ledger.account_for(AccountKind.USER_WALLET_AVAILABLE, "EUR", owner=user).pk
    )
    assert len(set(results)) == 1, results
    assert LedgerAccount.objects.count() == 1


# --- a randomized day on the platform ---------------------------------------------------

CURRENCIES = ("USD", "EUR", "JPY")
WORKERS = 8
MONEY_OPS_PER_WORKER = 250  # 8 x 250 = 2000 money movements, plus clearing runs and replays
FAR_FUTURE = timedelta(days=30)


class World:
    """What the workers did, to compare with the ledger at the end."""

    def __init__(self, clients, providers):
        self.lock = threading.Lock()
        self.clients, self.providers = clients, providers
        self.contracts: list[tuple[str, object, str]] = []
        self.items: dict[str, list[str]] = {}  # escrow ref -> its items (milestones, say)
        self.pending_payouts: list[Payout] = []
        self.done: list[tuple] = []  # (service, kwargs, first result pk) for replays
        self.escrow = Counter()
        self.held = Counter()  # (escrow ref, item) -> what the item holds
        self.revenue = Counter()
        self.earned = Counter()
        self.paid_out: dict = {}  # payout pk -> (user pk, currency, amount)
        self.outcomes = Counter()
        self.errors: list[str] = []

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.outcomes[name] += n

    def record(self, service, kwargs, result, **effects):
        with self.lock:
            self.done.append((service, kwargs, result.pk))
            for name, changes in effects.items():
                getattr(self, name).update(changes)


def _fund(world, rng):
    with world.lock:
        existing = rng.random() < 0.7 and world.contracts
        ref, client, currency = (
            rng.choice(world.contracts)
            if existing
            else (contract_ref(), rng.choice(world.clients), rng.choice(CURRENCIES))
        )
        items = world.items.setdefault(ref, [])
        if not items or rng.random() < 0.5:  # a new milestone, or more money for one
            items.append(f"milestone:{len(items) + 1}")
        item = rng.choice(items)
    amount = Money(rng.randint(100, 50_000), currency)
    fee = Money(rng.choice([0, amount.minor // 20]), currency)
    kwargs = {
        "contract_ref": ref,
        "client": client,
        "amount": amount,
        "client_fee": fee,
        "idempotency_key": key(),
        "item_ref": item,
    }
    txn = services.escrow_fund(**kwargs)
    world.record(
        services.escrow_fund,
        kwargs,
        txn,
        escrow={ref: amount.minor},
        held={(ref, item): amount.minor},
        revenue={currency: fee.minor},
    )
    if not existing:
        with world.lock:
            world.contracts.append((ref, client, currency))


def _pick_contract(world, rng):
    """A funded contract and one of its items (the operation may ask more than it holds)."""
    with world.lock:
        if not world.contracts:
            return None
        ref, client, currency = rng.choice(world.contracts)
        return ref, client, currency, rng.choice(world.items[ref])


def _release(world, rng):
    if (picked := _pick_contract(world, rng)) is None:
        return False
    ref, _client, currency, item = picked
    provider = rng.choice(world.providers)
    amount = Money(rng.randint(1, 20_000), currency)
    fee_bps = rng.choice([0, 500, 1000, 2000])
    kwargs = {
        "contract_ref": ref,
        "provider_user": provider,
        "amount": amount,
        "fee_bps": fee_bps,
        "idempotency_key": key(),
        "item_ref": item,
    }
    txn = services.escrow_release(**kwargs)
    fee, net = amount.split_fee(fee_bps)
    world.record(
        services.escrow_release,
        kwargs,
        txn,
        escrow={ref: -amount.minor},
        held={(ref, item): -amount.minor},
        revenue={currency: fee.minor},
        earned={(provider.pk, currency): net.minor},
    )


def _refund(world, rng):
    if (picked := _pick_contract(world, rng)) is None:
        return False
    ref, client, currency, item = picked
    amount = Money(rng.randint(1, 20_000), currency)
    kwargs = {
        "contract_ref": ref,
        "client": client,
        "amount": amount,
        "idempotency_key": key(),
        "item_ref": item,
    }
    txn = services.escrow_refund(**kwargs)
    world.record(
        services.escrow_refund,
        kwargs,
        txn,
        escrow={ref: -amount.minor},
        held={(ref, item): -amount.minor},
    )


def _split(world, rng):
    if (picked := _pick_contract(world, rng)) is None:
        return False
    ref, client, currency, item = picked
    provider = rng.choice(world.providers)
    total = rng.randint(2, 20_000)
    to_provider = Money(rng.randint(0, total), currency)
    amount = Money(total, currency)
    fee_bps = rng.choice([0, 1000])
    kwargs = {
        "contract_ref": ref,
        "client": client,
        "provider_user": provider,
        "to_provider": to_provider,
        "to_client": amount - to_provider,
        "fee_bps": fee_bps,
        "idempotency_key": key(),
        "amount": amount,
        "item_ref": item,
    }
    txn = services.escrow_split(**kwargs)
    fee, net = to_provider.split_fee(fee_bps)
    world.record(
        services.escrow_split,
        kwargs,
        txn,
        escrow={ref: -total},
        held={(ref, item): -total},
        revenue={currency: fee.minor},
        earned={(provider.pk, currency): net.minor},
    )


def _clear(world, rng):
    world.count("cleared", services.pending_to_available(now=timezone.now() + FAR_FUTURE))


def _withdraw(world, rng):
    provider, currency = rng.choice(world.providers), rng.choice(CURRENCIES)
    amount = Money(rng.randint(1, 30_000), currency)
    kwargs = {"user": provider, "amount": amount, "idempotency_key": key()}
    payout = services.wallet_withdraw_reserve(**kwargs)
    world.record(services.wallet_withdraw_reserve, kwargs, payout)
    with world.lock:
        world.pending_payouts.append(payout)


def _settle(world, rng):
    with world.lock:
        if not world.pending_payouts:
            return False
        payout = rng.choice(world.pending_payouts)
        # Usually one settlement per payout; sometimes two workers race on the same one.
        if rng.random() < 0.8:
            world.pending_payouts.remove(payout)
    if rng.random() < 0.7:
        done = services.payout_complete(payout=payout, provider_reference=f"po_{payout.pk}")
        if done.settle_transaction_id and done.status == Payout.Status.PAID:
            with world.lock:
                world.paid_out[payout.pk] = (payout.user_id, payout.currency, payout.amount_minor)
    else:
        services.payout_fail(payout=payout, reason="bank said no")


def _replay(world, rng):
    with world.lock:
        if not world.done:
            return False
        service, kwargs, first_pk = rng.choice(world.done)
    assert service(**kwargs).pk == first_pk
    world.count("replayed")


OPERATIONS = {
    _fund: 24,
    _release: 20,
    _refund: 8,
    _split: 8,
    _withdraw: 14,
    _settle: 12,
    _clear: 3,
    _replay: 6,
}
MONEY_OPERATIONS = {_fund, _release, _refund, _split, _withdraw, _settle}


def _worker(world, seed):
    rng = random.Random(seed)
    ops, weights = list(OPERATIONS), list(OPERATIONS.values())
    money_ops = 0
    while money_ops < MONEY_OPS_PER_WORKER:
        op = rng.choices(ops, weights)[0]
        try:
            if op(world, rng) is False:
                continue  # nothing to act on yet
            world.count(op.__name__)
        except (InsufficientFunds, InvalidTransition):
            world.count(f"{op.__name__}_refused")
        except Exception:
            world.errors.append(traceback.format_exc())
        money_ops += op in MONEY_OPERATIONS


def _expected_wallets(world):
    """Per (provider, currency): net earned minus what was paid out to the bank."""
    expected = Counter(world.earned)
    for user_id, currency, amount in world.paid_out.values():
        expected[(user_id, currency)] -= amount
    return expected


def test_randomized_operations_keep_the_ledger_exact(settings):
    clients = [UserFactory() for _ in range(6)]
    providers = [FreelancerFactory() for _ in range(6)]
    world = World(clients, providers)

    run_in_threads(WORKERS, lambda i: _worker(world, seed=1000 + i))
    services.pending_to_available(now=timezone.now() + FAR_FUTURE)

    assert not world.errors, world.errors[0]
    money_names = {op.__name__ for op in MONEY_OPERATIONS}
    attempts = sum(
        n for name, n in world.outcomes.items() if name.removesuffix("_refused") in money_names
    )
    assert attempts == WORKERS * MONEY_OPS_PER_WORKER == 2000
    for name in ("_fund", "_release", "_refund", "_split", "_withdraw", "_settle"):
        assert world.outcomes[name] > 20, world.outcomes
    assert world.outcomes["_release_refused"] > 0 and world.outcomes["_withdraw_refused"] > 0
    assert world.outcomes["replayed"] > 30

    assert world.outcomes["_refund_refused"] > 0 and world.outcomes["_split_refused"] > 0
    assert_ledger_consistent()
    for ref, _client, currency in world.contracts:
        assert selectors.escrow_balance(ref, currency).minor == world.escrow[ref], ref
        # Escrow per contract = the sum of its held items; no item ever gave another's money.
        items = selectors.escrow_items(ref, currency)
        assert set(items) <= set(world.items[ref]), ref
        for item in world.items[ref]:
            held = items.get(item, Money.zero(currency)).minor
            assert held == world.held[(ref, item)] >= 0, (ref, item)
        assert sum(world.held[(ref, item)] for item in world.items[ref]) == world.escrow[ref]
    for currency in CURRENCIES:
        revenue = ledger.find_account(AccountKind.PLATFORM_REVENUE, currency)
        assert ledger.balance(revenue).minor == world.revenue[currency]
    for (user_id, currency), amount in _expected_wallets(world).items():
        provider = next(p for p in providers if p.pk == user_id)
        summary = selectors.wallet_summary(provider, currency)
        assert summary.pending.is_zero
        assert (summary.available + summary.in_transit).minor == amount
        assert summary.lifetime_earned.minor == world.earned[(user_id, currency)]


# --- contract fulfilment racing approval (the lock hook) --------------------------------------


def _contract_with_a_submitted_and_a_paid_but_unapplied_milestone():
    """A started contract: milestone 1 submitted (approval releases from the escrow), milestone
    2 charged at the sandbox but not yet applied here (applying funds the same escrow)."""
    from craftwork.contracts import services as contracts
    from craftwork.contracts.models import Milestone
    from craftwork.contracts.tests.factories import FundedContractFactory
    from craftwork.payments.providers.sandbox import engine

    contract = FundedContractFactory(started=True)
    first = contract.milestones.get()
    contracts.milestone_submit(milestone=first, message="done", actor=contract.provider)
    extra = contracts.milestone_propose(
        contract=contract, title="Extra", amount=usd(20_000), actor=contract.provider
    )
    contracts.contract_transition(obj=extra, transition="agree", actor=contract.client)
    payment = contracts.milestone_fund_start(
        milestone=Milestone.objects.get(pk=extra.pk), actor=contract.client
    )
    engine.confirm_card(
        payment.provider_intent_id, number="4242424242424242", expiry="12/40", cvc="123", name="A B"
    )
    return contract, Milestone.objects.get(pk=first.pk), payment


def test_fulfilment_racing_approval_on_one_contract_never_deadlocks(settings):
    """Approval locks contract → ledger; fulfilment takes the contract lock (register's lock
    hook) before the Payment and ledger locks, so the two queue instead of deadlocking."""
    from craftwork.contracts import services as contracts
    from craftwork.contracts.models import Milestone
    from craftwork.payments import checkout

    settings.SANDBOX_WEBHOOK_AUTO_DELIVER = False
    cases = [_contract_with_a_submitted_and_a_paid_but_unapplied_milestone() for _ in range(4)]

    def work(index):
        contract, milestone, payment = cases[index // 2]
        if index % 2 == 0:
            return contracts.milestone_approve(
                milestone=Milestone.objects.get(pk=milestone.pk), actor=contract.client
            )
        return checkout.payment_refresh(payment=payment)

    results = run_in_threads(len(cases) * 2, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    for contract, milestone, payment in cases:
        assert Milestone.objects.get(pk=milestone.pk).state == "released"
        assert contract.milestones.get(position=2).state == "funded"
        assert selectors.escrow_balance(contract.escrow_ref, "USD") == usd(20_000)
    report = reconcile()
    assert report.ok, report.problems
