import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from craftwork.payments import payouts, selectors
from craftwork.payments.errors import IdempotencyKeyReused, InsufficientFunds
from craftwork.payments.models import Payout, PayoutMethod, Receipt
from craftwork.payments.providers.sandbox.models import SandboxBankAccount, SandboxPayout

from .factories import usd, wallet_with

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"
FAILING = "DE89370400440532010002"


@pytest.fixture(autouse=True)
def _reconciles(reconciled):
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def provider():
    user = FreelancerFactory()
    wallet_with(user, usd(50_000), client=UserFactory())
    return user


def bank(user, number=IBAN):
    return payouts.payout_method_create_bank(
        user=user, holder_name="Ada Lovelace", account_number=number, actor=user
    )


def test_onboarding_a_sandbox_bank_account(provider):
    method, link = payouts.payout_method_start(user=provider, actor=provider)
    assert method.status == PayoutMethod.Status.PENDING
    assert link.url.startswith(f"/payments/sandbox/onboarding/{method.pk}/")
    method = payouts.payout_method_add_bank(
        method=method, holder_name="Ada", account_number=IBAN, actor=provider
    )
    assert (method.status, method.account_last4) == ("active", "3000")
    assert "0532" not in method.display_name  # only the last four digits are kept here
    assert SandboxBankAccount.objects.get().number == IBAN.replace(" ", "")


@pytest.mark.parametrize("number", ["", "12", "not a number", "DE89 3704", "X" * 40])
def test_bad_account_numbers(provider, number):
    with pytest.raises(ValidationFailed):
        bank(provider, number)
    assert not PayoutMethod.objects.filter(status="active").exists()


def test_withdrawal_is_paid_with_a_receipt(provider, commit):
    method = bank(provider)
    with commit():
        payout = payouts.payout_request(
            user=provider, amount=usd(20_000), method=method, idempotency_key="w1", actor=provider
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert payout.provider_reference.startswith("po_sb_")
    assert selectors.wallet_summary(provider, "USD").available == usd(30_000)
    assert Receipt.objects.get(payout=payout).series == "PO"


def test_failed_payout_returns_the_money(provider, commit):
    method = bank(provider, FAILING)
    with commit():
        payout = payouts.payout_request(
            user=provider, amount=usd(20_000), method=method, idempotency_key="w1", actor=provider
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert payout.failure_reason
    assert SandboxPayout.objects.get().status == "failed"
    assert selectors.wallet_summary(provider, "USD").available == usd(50_000)
    assert not Receipt.objects.exists()


def test_pending_until_the_provider_reports(provider):
    payout = payouts.payout_request(
        user=provider, amount=usd(2_000), method=bank(provider), idempotency_key="w", actor=provider
    )
    summary = selectors.wallet_summary(provider, "USD")
    assert payout.status == Payout.Status.PENDING
    assert (summary.available, summary.in_transit) == (usd(48_000), usd(2_000))


def test_minimum_and_balance(provider, settings):
    method = bank(provider)
    settings.PAYOUT_MINIMUM_MINOR = 1000
    with pytest.raises(ValidationFailed) as exc:
        payouts.payout_request(
            user=provider, amount=usd(999), method=method, idempotency_key="a", actor=provider
        )
    assert exc.value.code == "payout_below_minimum"
    with pytest.raises(InsufficientFunds):
        payouts.payout_request(
            user=provider, amount=usd(50_001), method=method, idempotency_key="b", actor=provider
        )
    with pytest.raises(InsufficientFunds):
        payouts.payout_request(
            user=provider, amount=usd(10**15), method=method, idempotency_key="c", actor=provider
        )
    assert not Payout.objects.exists()


def test_someone_elses_method_or_wallet(provider):
    other = FreelancerFactory()
    with pytest.raises(NotFound):
        payouts.payout_request(
            user=other, amount=usd(2_000), method=bank(provider), idempotency_key="a", actor=other
        )
    with pytest.raises(PermissionDenied):
        payouts.payout_request(
            user=provider,
            amount=usd(2_000),
            method=bank(provider),
            idempotency_key="b",
            actor=other,
        )


def test_inactive_method(provider):
    method = bank(provider)
    payouts.payout_method_remove(method=method, actor=provider)
    with pytest.raises(Conflict):
        payouts.payout_request(
            user=provider, amount=usd(2_000), method=method, idempotency_key="a", actor=provider
        )


def test_idempotent_withdrawal(provider):
    method = bank(provider)
    first = payouts.payout_request(
        user=provider, amount=usd(2_000), method=method, idempotency_key="k", actor=provider
    )
    again = payouts.payout_request(
        user=provider, amount=usd(2_000), method=method, idempotency_key="k", actor=provider
    )
    assert first.pk == again.pk
    with pytest.raises(IdempotencyKeyReused):
        payouts.payout_request(
            user=provider, amount=usd(3_000), method=method, idempotency_key="k", actor=provider
        )
    assert Payout.objects.count() == 1


# --- paid, then returned by the bank ----------------------------------------------------------


def _paid_payout(provider, commit):
    with commit():
        payout = payouts.payout_request(
            user=provider,
            amount=usd(20_000),
            method=bank(provider),
            idempotency_key="w1",
            actor=provider,
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    return payout


def test_a_paid_payout_returned_by_the_bank_goes_back_to_the_wallet(provider, commit):
    from craftwork.core.models import AuditLog
    from craftwork.notifications.models import Notification
    from craftwork.payments.models import LedgerTransaction, TransactionKind
    from craftwork.payments.providers.sandbox import engine
    from craftwork.payments.providers.sandbox.models import SandboxEvent

    payout = _paid_payout(provider, commit)
    assert selectors.wallet_summary(provider, "USD").available == usd(30_000)
    with commit():
        engine.return_payout(payout.provider_reference)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.RETURNED
    assert payout.returned_at is not None and payout.failure_reason
    assert payout.return_transaction.kind == TransactionKind.PAYOUT_RETURN
    assert selectors.wallet_summary(provider, "USD").available == usd(50_000)
    notice = Notification.objects.get(recipient=provider, type="payout_returned")
    assert "$200.00" in notice.title
    assert AuditLog.objects.filter(action="payments.payout_returned").count() == 1
    # Replays and shuffled redeliveries of every payout event move nothing more.
    with commit():
        engine.redeliver(SandboxEvent.objects.filter(type__startswith="payout."), seed=3)
    with commit():
        engine.return_payout(payout.provider_reference)  # the sandbox answers, nothing new
    payout.refresh_from_db()
    assert payout.status == Payout.Status.RETURNED
    assert LedgerTransaction.objects.filter(kind=TransactionKind.PAYOUT_RETURN).count() == 1
    assert selectors.wallet_summary(provider, "USD").available == usd(50_000)
    assert Notification.objects.filter(recipient=provider, type="payout_returned").count() == 1
    # The money can be withdrawn again.
    with commit():
        again = payouts.payout_request(
            user=provider,
            amount=usd(50_000),
            method=bank(provider),
            idempotency_key="w2",
            actor=provider,
        )
    again.refresh_from_db()
    assert again.status == Payout.Status.PAID


def test_failed_before_paid_out_of_order_ends_failed_once(provider, settings, commit):
    from craftwork.payments.models import LedgerTransaction
    from craftwork.payments.providers.sandbox import engine
    from craftwork.payments.providers.sandbox.models import SandboxEvent

    settings.SANDBOX_WEBHOOK_AUTO_DELIVER = False
    with commit():
        payout = payouts.payout_request(
            user=provider,
            amount=usd(20_000),
            method=bank(provider),
            idempotency_key="w1",
            actor=provider,
        )
    payout.refresh_from_db()
    engine.settle_payout(payout.provider_reference)
    engine.return_payout(payout.provider_reference)
    paid, failed = (
        SandboxEvent.objects.get(type="payout.paid"),
        SandboxEvent.objects.get(type="payout.failed"),
    )
    with commit():
        engine.deliver(failed.event_id)
        engine.deliver(paid.event_id)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert selectors.wallet_summary(provider, "USD").available == usd(50_000)
    assert not LedgerTransaction.objects.filter(kind__in=["payout_complete", "payout_return"])


def test_only_a_paid_payout_can_be_returned(provider, commit):
    from craftwork.core.errors import InvalidTransition
    from craftwork.payments import services

    payout = payouts.payout_request(
        user=provider, amount=usd(2_000), method=bank(provider), idempotency_key="w", actor=provider
    )
    with pytest.raises(InvalidTransition):
        services.payout_return(payout=payout, reason="x")
    services.payout_complete(payout=payout, provider_reference="po_1")
    first = services.payout_return(payout=payout, reason="returned")
    assert services.payout_return(payout=payout, reason="again").pk == first.pk
    assert Payout.objects.get(pk=payout.pk).failure_reason == "returned"
    with pytest.raises(InvalidTransition):
        services.payout_complete(payout=payout)
