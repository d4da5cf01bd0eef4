from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.core.money import CurrencyMismatch, Money
from craftwork.payments import ledger, selectors, services
from craftwork.payments.errors import IdempotencyKeyReused, InsufficientFunds
from craftwork.payments.models import (
    AccountKind,
    FeeSchedule,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PendingEarning,
    TransactionKind,
)
from craftwork.payments.reconciliation import reconcile

from .factories import clearing, contract_ref, funded_escrow, key, revenue, usd, wallet_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_user():
    return UserFactory()


@pytest.fixture
def provider():
    return FreelancerFactory()


def balance_of(kind, owner=None, currency="USD", reference=""):
    account = ledger.find_account(kind, currency, owner, reference)
    return ledger.balance(account) if account else Money.zero(currency)


def escrow(ref, currency="USD"):
    return selectors.escrow_balance(ref, currency)


def writes():
    return (
        LedgerTransaction.objects.count(),
        LedgerEntry.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.fixture(autouse=True)
def _ledger_always_reconciles():
    yield
    report = reconcile()
    assert report.ok, report.problems


# --- fund -------------------------------------------------------------------------------


def test_fund_moves_clearing_into_escrow_and_books_the_client_fee(client_user):
    ref = contract_ref()
    txn = services.escrow_fund(
        contract_ref=ref,
        client=client_user,
        amount=usd(10_000),
        client_fee=usd(500),
        idempotency_key="charge:1",
    )
    assert txn.kind == TransactionKind.ESCROW_FUND
    assert txn.reference == ref
    assert escrow(ref) == usd(10_000)
    assert ledger.balance(clearing()) == usd(-10_500)
    assert ledger.balance(revenue()) == usd(500)
    log = AuditLog.objects.get(action="payments.escrow_funded")
    assert log.object_id == str(txn.pk)
    assert OutboxEvent.objects.filter(name="payments.escrow_funded").count() == 1


def test_fund_without_client_fee_has_no_revenue_entry(client_user):
    txn = services.escrow_fund(
        contract_ref=contract_ref(), client=client_user, amount=usd(100), idempotency_key=key()
    )
    assert txn.entries.count() == 2


def test_fund_replay_is_a_no_op(client_user):
    args = {
        "contract_ref": contract_ref(),
        "client": client_user,
        "amount": usd(700),
        "idempotency_key": "charge:2",
    }
    first = services.escrow_fund(**args)
    before = writes()
    assert services.escrow_fund(**args).pk == first.pk
    assert writes() == before
    assert escrow(args["contract_ref"]) == usd(700)
    assert OutboxEvent.objects.count() == 1


def test_fund_key_reuse_with_another_amount(client_user):
    ref = contract_ref()
    services.escrow_fund(
        contract_ref=ref, client=client_user, amount=usd(700), idempotency_key="charge:3"
    )
    with pytest.raises(IdempotencyKeyReused):
        services.escrow_fund(
            contract_ref=ref, client=client_user, amount=usd(800), idempotency_key="charge:3"
        )
    assert escrow(ref) == usd(700)


def test_fund_twice_with_distinct_keys_adds_up(client_user):
    ref = funded_escrow(client_user, usd(100))
    funded_escrow(client_user, usd(50), ref)
    assert escrow(ref) == usd(150)


def test_another_client_cannot_fund_the_same_escrow(client_user):
    ref = funded_escrow(client_user, usd(100))
    with pytest.raises(Conflict):
        funded_escrow(UserFactory(), usd(100), ref)
    assert escrow(ref) == usd(100)


@pytest.mark.parametrize("amount", [usd(0), usd(-5)])
def test_fund_needs_a_positive_amount(client_user, amount):
    with pytest.raises(ValidationFailed) as info:
        services.escrow_fund(
            contract_ref=contract_ref(), client=client_user, amount=amount, idempotency_key=key()
        )
    assert info.value.code == "invalid_amount"
    assert writes() == (0, 0, 0)


def test_fund_bad_inputs(client_user):
    ref = contract_ref()
    with pytest.raises(TypeError):
        services.escrow_fund(
            contract_ref=ref, client=client_user, amount=100, idempotency_key=key()
        )
    with pytest.raises(CurrencyMismatch):
        services.escrow_fund(
            contract_ref=ref,
            client=client_user,
            amount=usd(100),
            client_fee=Money(5, "EUR"),
            idempotency_key=key(),
        )
    with pytest.raises(ValidationFailed):
        services.escrow_fund(
            contract_ref=ref,
            client=client_user,
            amount=usd(100),
            client_fee=usd(-1),
            idempotency_key=key(),
        )
    with pytest.raises(ValidationFailed):
        services.escrow_fund(
            contract_ref=ref, client=client_user, amount=usd(100), idempotency_key=""
        )
    with pytest.raises(ValueError):
        services.escrow_fund(
            contract_ref="", client=client_user, amount=usd(100), idempotency_key=key()
        )
    assert writes() == (0, 0, 0)


# --- release ----------------------------------------------------------------------------


def test_release_pays_the_provider_net_of_the_fee(client_user, provider):
    ref = funded_escrow(client_user, usd(10_000))
    services.escrow_release(
        contract_ref=ref,
        provider_user=provider,
        amount=usd(6_005),
        fee_bps=1000,
        idempotency_key="rel:1",
    )
    # 10 % of 60.05 = 6.005 -> rounds half up to 6.01
    assert escrow(ref) == usd(3_995)
    assert balance_of(AccountKind.USER_WALLET_PENDING, provider) == usd(5_404)
    assert ledger.balance(revenue()) == usd(601)
    earning = PendingEarning.objects.get(user=provider)
    assert earning.amount == usd(5_404)
    assert earning.cleared_at is None
    expected = timezone.now() + timedelta(days=5)
    assert abs(earning.available_at - expected) < timedelta(minutes=1)
    assert OutboxEvent.objects.filter(name="payments.escrow_released").exists()


def test_clearing_days_come_from_settings(client_user, provider, settings):
    settings.PAYMENTS_CLEARING_DAYS = 0
    ref = funded_escrow(client_user, usd(100))
    services.escrow_release(
        contract_ref=ref, provider_user=provider, amount=usd(100), fee_bps=0, idempotency_key=key()
    )
    assert services.pending_to_available() == 1
    assert balance_of(AccountKind.USER_WALLET_AVAILABLE, provider) == usd(100)


def test_release_with_no_fee_books_no_revenue(client_user, provider):
    ref = funded_escrow(client_user, usd(100))
    txn = services.escrow_release(
        contract_ref=ref, provider_user=provider, amount=usd(100), fee_bps=0, idempotency_key=key()
    )
    assert txn.entries.count() == 2


def test_release_more_than_escrow_is_refused(client_user, provider):
    ref = funded_escrow(client_user, usd(100))
    before = writes()
    with pytest.raises(InsufficientFunds):
        services.escrow_release(
            contract_ref=ref,
            provider_user=provider,
            amount=usd(101),
            fee_bps=1000,
            idempotency_key=key(),
        )
    assert writes() == before
    assert not PendingEarning.objects.exists()
    assert escrow(ref) == usd(100)


def test_release_from_an_unfunded_contract(provider):
    with pytest.raises(InsufficientFunds):
        services.escrow_release(
            contract_ref=contract_ref(),
            provider_user=provider,
            amount=usd(1),
            fee_bps=0,
            idempotency_key=key(),
        )


def test_release_in_another_currency_than_the_escrow(client_user, provider):
    ref = funded_escrow(client_user, usd(100))
    with pytest.raises(InsufficientFunds):
        services.escrow_release(
            contract_ref=ref,
            provider_user=provider,
            amount=Money(100, "EUR"),
            fee_bps=0,
            idempotency_key=key(),
        )


@pytest.mark.parametrize("fee_bps", [-1, 10_001, 2.5, "100", None])
def test_release_bad_fee_rate(client_user, provider, fee_bps):
    ref = funded_escrow(client_user, usd(100))
    with pytest.raises(ValidationFailed) as info:
        services.escrow_release(
            contract_ref=ref,
            provider_user=provider,
            amount=usd(50),
            fee_bps=fee_bps,
            idempotency_key=key(),
        )
    assert info.value.code == "invalid_fee_rate"


def test_client_cannot_release_to_themselves(client_user):
    ref = funded_escrow(client_user, usd(100))
    with pytest.raises(ValidationFailed) as info:
        services.escrow_release(
            contract_ref=ref,
            provider_user=client_user,
            amount=usd(50),
            fee_bps=0,
            idempotency_key=key(),
        )
    assert info.value.code == "self_payment"


def test_release_replay_creates_one_earning(client_user, provider):
    ref = funded_escrow(client_user, usd(100))
    args = {
        "contract_ref": ref,
        "provider_user": provider,
        "amount": usd(100),
        "fee_bps": 1000,
        "idempotency_key": "rel:2",
    }
    first = services.escrow_release(**args)
    # Escrow is empty now; the replay must still return the first result.
    assert services.escrow_release(**args).pk == first.pk
    assert PendingEarning.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        services.escrow_release(**{**args, "fee_bps": 500})


# --- refund -----------------------------------------------------------------------------


def test_partial_refund_then_refund_above_escrow(client_user):
    ref = funded_escrow(client_user, usd(1_000))
    services.escrow_refund(
        contract_ref=ref, client=client_user, amount=usd(400), idempotency_key=key()
    )
    assert escrow(ref) == usd(600)
    assert ledger.balance(clearing()) == usd(-600)
    before = writes()
    with pytest.raises(InsufficientFunds) as info:
        services.escrow_refund(
            contract_ref=ref, client=client_user, amount=usd(601), idempotency_key=key()
        )
    assert info.value.details["available"] == "6.00"
    assert writes() == before
    services.escrow_refund(
        contract_ref=ref, client=client_user, amount=usd(600), idempotency_key=key()
    )
    assert escrow(ref).is_zero


def test_refund_after_release_cannot_take_released_money(client_user, provider):
    ref = funded_escrow(client_user, usd(1_000))
    services.escrow_release(
        contract_ref=ref,
        provider_user=provider,
        amount=usd(1_000),
        fee_bps=0,
        idempotency_key=key(),
    )
    with pytest.raises(InsufficientFunds):
        services.escrow_refund(
            contract_ref=ref, client=client_user, amount=usd(1), idempotency_key=key()
        )


def test_refund_by_another_client_is_refused(client_user):
    ref = funded_escrow(client_user, usd(1_000))
    with pytest.raises(Conflict):
        services.escrow_refund(
            contract_ref=ref, client=UserFactory(), amount=usd(1), idempotency_key=key()
        )
    with pytest.raises(InsufficientFunds):
        services.escrow_refund(
            contract_ref=contract_ref(), client=client_user, amount=usd(1), idempotency_key=key()
        )
    assert escrow(ref) == usd(1_000)


def test_refund_replay(client_user):
    ref = funded_escrow(client_user, usd(1_000))
    args = {
        "contract_ref": ref,
        "client": client_user,
        "amount": usd(1_000),
        "idempotency_key": "refund:1",
    }
    first = services.escrow_refund(**args)
    assert services.escrow_refund(**args).pk == first.pk
    assert escrow(ref).is_zero


# --- split ------------------------------------------------------------------------------


def test_split_resolves_the_whole_escrow_by_default(client_user, provider):
    ref = funded_escrow(client_user, usd(10_000))
    txn = services.escrow_split(
        contract_ref=ref,
        client=client_user,
        provider_user=provider,
        to_provider=usd(6_000),
        to_client=usd(4_000),
        fee_bps=1000,
        idempotency_key="dispute:1",
    )
    assert txn.kind == TransactionKind.ESCROW_SPLIT
    assert escrow(ref).is_zero
    assert balance_of(AccountKind.USER_WALLET_PENDING, provider) == usd(5_400)
    assert ledger.balance(revenue()) == usd(600)
    assert ledger.balance(clearing()) == usd(-6_000)
    assert PendingEarning.objects.get(user=provider).amount == usd(5_400)


def test_split_parts_must_equal_the_escrow(client_user, provider):
    ref = funded_escrow(client_user, usd(10_000))
    before = writes()
    for to_provider, to_client in [(6_000, 3_999), (6_000, 4_001)]:
        with pytest.raises(ValidationFailed) as info:
            services.escrow_split(
                contract_ref=ref,
                client=client_user,
                provider_user=provider,
                to_provider=usd(to_provider),
                to_client=usd(to_client),
                fee_bps=0,
                idempotency_key=key(),
            )
        assert info.value.code == "split_mismatch"
    assert writes() == before


def test_split_part_of_the_escrow(client_user, provider):
    ref = funded_escrow(client_user, usd(10_000))
    services.escrow_split(
        contract_ref=ref,
        client=client_user,
        provider_user=provider,
        to_provider=usd(0),
        to_client=usd(2_500),
        fee_bps=1000,
        idempotency_key=key(),
        amount=usd(2_500),
    )
    assert escrow(ref) == usd(7_500)
    assert not PendingEarning.objects.exists()
    with pytest.raises(InsufficientFunds):
        services.escrow_split(
            contract_ref=ref,
            client=client_user,
            provider_user=provider,
            to_provider=usd(8_000),
            to_client=usd(0),
            fee_bps=0,
            idempotency_key=key(),
            amount=usd(8_000),
        )
    with pytest.raises(ValidationFailed):
        services.escrow_split(
            contract_ref=ref,
            client=client_user,
            provider_user=provider,
            to_provider=usd(1),
            to_client=usd(0),
            fee_bps=0,
            idempotency_key=key(),
            amount=usd(2),
        )


def test_split_all_to_provider(client_user, provider):
    ref = funded_escrow(client_user, usd(1_000))
    txn = services.escrow_split(
        contract_ref=ref,
        client=client_user,
        provider_user=provider,
        to_provider=usd(1_000),
        to_client=usd(0),
        fee_bps=0,
        idempotency_key=key(),
    )
    assert txn.entries.count() == 2
    assert balance_of(AccountKind.USER_WALLET_PENDING, provider) == usd(1_000)


def test_split_bad_inputs(client_user, provider):
    ref = funded_escrow(client_user, usd(1_000))
    common = {"contract_ref": ref, "client": client_user, "provider_user": provider, "fee_bps": 0}
    with pytest.raises(ValidationFailed):
        services.escrow_split(**common, to_provider=usd(0), to_client=usd(0), idempotency_key=key())
    with pytest.raises(ValidationFailed):
        services.escrow_split(
            **common, to_provider=usd(1_100), to_client=usd(-100), idempotency_key=key()
        )
    with pytest.raises(CurrencyMismatch):
        services.escrow_split(
            **common, to_provider=usd(500), to_client=Money(500, "EUR"), idempotency_key=key()
        )
    with pytest.raises(Conflict):
        services.escrow_split(
            **{**common, "client": UserFactory()},
            to_provider=usd(500),
            to_client=usd(500),
            idempotency_key=key(),
        )
    assert escrow(ref) == usd(1_000)


def test_split_replay_after_the_escrow_is_empty(client_user, provider):
    ref = funded_escrow(client_user, usd(1_000))
    args = {
        "contract_ref": ref,
        "client": client_user,
        "provider_user": provider,
        "to_provider": usd(500),
        "to_client": usd(500),
        "fee_bps": 1000,
        "idempotency_key": "dispute:2",
    }
    first = services.escrow_split(**args)
    before = writes()
    assert services.escrow_split(**args).pk == first.pk
    assert writes() == before
    assert PendingEarning.objects.count() == 1


# --- pending -> available ---------------------------------------------------------------


def test_pending_earnings_become_available_once(client_user, provider):
    ref = funded_escrow(client_user, usd(1_000))
    services.escrow_release(
        contract_ref=ref,
        provider_user=provider,
        amount=usd(1_000),
        fee_bps=1000,
        idempotency_key=key(),
    )
    assert services.pending_to_available() == 0  # not matured yet
    later = timezone.now() + timedelta(days=5, minutes=1)
    assert services.pending_to_available(now=later) == 1
    assert services.pending_to_available(now=later) == 0
    assert balance_of(AccountKind.USER_WALLET_PENDING, provider).is_zero
    assert balance_of(AccountKind.USER_WALLET_AVAILABLE, provider) == usd(900)
    earning = PendingEarning.objects.get()
    assert earning.cleared_at == later
    assert earning.clear_transaction.kind == TransactionKind.EARNINGS_CLEAR
    assert services.earning_clear(earning_id=earning.pk, now=later) is False
    assert LedgerTransaction.objects.filter(kind=TransactionKind.EARNINGS_CLEAR).count() == 1


def test_task_runs_the_service(client_user, provider, settings):
    from craftwork.payments.tasks import release_matured_earnings

    settings.PAYMENTS_CLEARING_DAYS = 0
    ref = funded_escrow(client_user, usd(300))
    services.escrow_release(
        contract_ref=ref, provider_user=provider, amount=usd(300), fee_bps=0, idempotency_key=key()
    )
    assert release_matured_earnings() == 1
    assert release_matured_earnings() == 0


def test_beat_schedule_is_registered(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["payments-pending-to-available"]
    assert entry["task"] == "craftwork.payments.tasks.release_matured_earnings"


# --- payouts ----------------------------------------------------------------------------


def test_withdraw_reserve_and_complete(client_user, provider):
    wallet_with(provider, usd(5_000), client=client_user)
    payout = services.wallet_withdraw_reserve(
        user=provider, amount=usd(3_000), idempotency_key="wd:1"
    )
    assert payout.status == Payout.Status.PENDING
    assert balance_of(AccountKind.USER_WALLET_AVAILABLE, provider) == usd(2_000)
    assert balance_of(AccountKind.PAYOUT_CLEARING, provider) == usd(3_000)
    clearing_before = ledger.balance(clearing())
    done = services.payout_complete(payout=payout, provider_reference="po_123")
    assert done.status == Payout.Status.PAID
    assert done.provider_reference == "po_123"
    assert done.settle_transaction.kind == TransactionKind.PAYOUT_COMPLETE
    assert balance_of(AccountKind.PAYOUT_CLEARING, provider).is_zero
    assert ledger.balance(clearing()) == clearing_before + usd(3_000)
    # Repeat-safe, and a paid payout cannot fail any more.
    before = writes()
    assert services.payout_complete(payout=payout).status == Payout.Status.PAID
    assert writes() == before
    with pytest.raises(InvalidTransition):
        services.payout_fail(payout=payout, reason="late bounce")


def test_failed_payout_returns_the_money(client_user, provider):
    wallet_with(provider, usd(5_000), client=client_user)
    payout = services.wallet_withdraw_reserve(
        user=provider, amount=usd(5_000), idempotency_key=key()
    )
    failed = services.payout_fail(payout=payout, reason="account closed")
    assert failed.status == Payout.Status.FAILED
    assert failed.failure_reason == "account closed"
    assert balance_of(AccountKind.USER_WALLET_AVAILABLE, provider) == usd(5_000)
    assert balance_of(AccountKind.PAYOUT_CLEARING, provider).is_zero
    assert services.payout_fail(payout=payout).status == Payout.Status.FAILED
    with pytest.raises(InvalidTransition):
        services.payout_complete(payout=payout)
    assert LedgerTransaction.objects.filter(kind=TransactionKind.PAYOUT_FAIL).count() == 1


def test_withdraw_more_than_available(client_user, provider):
    wallet_with(provider, usd(100), client=client_user)
    before = writes()
    with pytest.raises(InsufficientFunds):
        services.wallet_withdraw_reserve(user=provider, amount=usd(101), idempotency_key=key())
    with pytest.raises(InsufficientFunds):
        services.wallet_withdraw_reserve(user=UserFactory(), amount=usd(1), idempotency_key=key())
    with pytest.raises(ValidationFailed):
        services.wallet_withdraw_reserve(user=provider, amount=usd(0), idempotency_key=key())
    assert writes() == before
    assert not Payout.objects.exists()


def test_pending_earnings_cannot_be_withdrawn(client_user, provider):
    ref = funded_escrow(client_user, usd(100))
    services.escrow_release(
        contract_ref=ref, provider_user=provider, amount=usd(100), fee_bps=0, idempotency_key=key()
    )
    with pytest.raises(InsufficientFunds):
        services.wallet_withdraw_reserve(user=provider, amount=usd(1), idempotency_key=key())


def test_withdraw_replay_returns_the_same_payout(client_user, provider):
    wallet_with(provider, usd(100), client=client_user)
    first = services.wallet_withdraw_reserve(user=provider, amount=usd(100), idempotency_key="wd:2")
    assert (
        services.wallet_withdraw_reserve(user=provider, amount=usd(100), idempotency_key="wd:2").pk
        == first.pk
    )
    assert Payout.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        services.wallet_withdraw_reserve(user=provider, amount=usd(50), idempotency_key="wd:2")


# --- fee schedule -----------------------------------------------------------------------


def test_fee_schedule_save_is_staff_only_and_audited():
    staff = StaffFactory()
    schedule = services.fee_schedule_save(
        schedule=FeeSchedule(category_slug="design", platform_fee_bps=800), actor=staff
    )
    assert FeeSchedule.objects.get(pk=schedule.pk).platform_fee_bps == 800
    assert AuditLog.objects.filter(action="payments.fee_schedule_saved", actor=staff).exists()
    with pytest.raises(PermissionDenied):
        services.fee_schedule_save(schedule=FeeSchedule(category_slug="x"), actor=UserFactory())


@pytest.mark.parametrize(
    "fields",
    [
        {"platform_fee_bps": 10_001},
        {"client_fee_bps": 20_000},
        {"client_fee_min_minor": 50},  # a minimum needs a currency
        {"client_fee_min_minor": -1, "currency": "USD"},
        {"currency": "XXX"},
        {"category_slug": "not a slug"},
    ],
)
def test_fee_schedule_validation(fields):
    with pytest.raises(ValidationFailed):
        services.fee_schedule_save(schedule=FeeSchedule(**fields), actor=StaffFactory())
    assert not FeeSchedule.objects.exists()


def test_fee_schedule_scope_is_unique():
    staff = StaffFactory()
    services.fee_schedule_save(
        schedule=FeeSchedule(category_slug="design", currency="USD"), actor=staff
    )
    with pytest.raises(ValidationFailed):
        services.fee_schedule_save(
            schedule=FeeSchedule(category_slug="design", currency="USD"), actor=staff
        )
