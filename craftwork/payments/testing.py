"""Helpers for other apps' tests: pay a sandbox payment as the payer would.

    payment = checkout.payment_start(...)
    testing.pay(payment)                                   # succeeds: escrow funded, handler run
    testing.pay(payment, card=testing.DECLINED)            # payment.status == "failed"
    testing.pay(payment, card=testing.AUTHENTICATE, authenticate=None)  # "requires_action"

Synchronous: the card is charged at the sandbox and the result applied as the return page
does, in the calling test's transaction; no webhook has to arrive.
"""

from __future__ import annotations

from .checkout import payment_refresh
from .models import Payment
from .providers.sandbox import engine
from .providers.sandbox.models import SandboxCharge

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
AUTHENTICATE = "4000002500003155"
REFUND_FAILS = "4000000000005126"


def pay(
    payment: Payment,
    card: str = SUCCEEDS,
    *,
    authenticate: bool = True,
    expiry: str = "12/40",
    cvc: str = "123",
    name: str = "Test Payer",
) -> Payment:
    """Pay ``payment`` with a sandbox test card and return it refreshed. For the 3-D Secure
    card the challenge is completed (``authenticate=True``), failed (``False``) or left
    waiting (``None``)."""
    if payment.provider != "sandbox":
        raise ValueError("testing.pay drives the sandbox provider only")
    charge = engine.confirm_card(
        payment.provider_intent_id, number=card, expiry=expiry, cvc=cvc, name=name
    )
    if charge.status == SandboxCharge.Status.REQUIRES_ACTION and authenticate is not None:
        engine.authenticate(payment.provider_intent_id, approve=authenticate)
    payment.refresh_from_db()
    return payment_refresh(payment=payment)
