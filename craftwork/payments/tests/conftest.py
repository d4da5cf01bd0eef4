import uuid

import pytest

from craftwork.core.errors import InvalidTransition
from craftwork.payments import checkout, testing
from craftwork.payments.reconciliation import reconcile

from .factories import contract_ref, usd

FULFILLED: list = []


def _fulfil(payment):
    FULFILLED.append(payment.pk)


def _refuse(payment):
    raise InvalidTransition("The contract was cancelled.")


checkout.register_fulfillment("test_funding", _fulfil)
checkout.register_fulfillment("test_refusing", _refuse)


@pytest.fixture
def fulfilled():
    FULFILLED.clear()
    yield FULFILLED
    FULFILLED.clear()


@pytest.fixture
def reconciled(db):
    """The ledger reconciles after the test."""
    yield
    report = reconcile()
    assert report.ok, report.problems


def start_payment(payer, amount=None, *, ref=None, key=None, purpose="test_funding", **extra):
    extra.setdefault("return_url", "/contracts/1/")
    return checkout.payment_start(
        payer=payer,
        amount=amount or usd(10_000),
        purpose=purpose,
        reference=f"milestone:{uuid.uuid4()}",
        escrow_ref=ref or contract_ref(),
        description="Milestone 1",
        idempotency_key=key or str(uuid.uuid4()),
        **extra,
    )


def paid_payment(payer, amount=None, *, card=testing.SUCCEEDS, **kwargs):
    return testing.pay(start_payment(payer, amount, **kwargs), card)
