import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from craftwork.core.money import Money
from craftwork.payments import ledger, services
from craftwork.payments.models import AccountKind, FeeSchedule


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeSchedule

    category_slug = ""
    currency = ""
    platform_fee_bps = 1000
    client_fee_bps = 500
    client_fee_min_minor = 0


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def contract_ref() -> str:
    return f"contract:{uuid.uuid4()}"


def key() -> str:
    return f"test:{uuid.uuid4()}"


def funded_escrow(client, amount: Money, ref: str | None = None) -> str:
    ref = ref or contract_ref()
    services.escrow_fund(contract_ref=ref, client=client, amount=amount, idempotency_key=key())
    return ref


def wallet_with(user, amount: Money, *, client) -> None:
    """Give ``user`` exactly ``amount`` of available balance through the real flows."""
    ref = funded_escrow(client, amount)
    services.escrow_release(
        contract_ref=ref, provider_user=user, amount=amount, fee_bps=0, idempotency_key=key()
    )
    services.pending_to_available(now=timezone.now() + timedelta(days=365))


def account(kind: str, currency: str = "USD", owner=None, reference: str = ""):
    return ledger.account_for(kind, currency, owner, reference)


def clearing(currency: str = "USD"):
    return account(AccountKind.PROVIDER_CLEARING, currency)


def revenue(currency: str = "USD"):
    return account(AccountKind.PLATFORM_REVENUE, currency)
