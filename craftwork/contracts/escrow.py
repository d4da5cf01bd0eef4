"""The contract side of money: every ledger call the contract processes make, in one place.

Each posting has a fixed idempotency key derived from the item it pays for, so a transition
that somehow ran twice could still move the money only once:

* ``release:milestone:<uuid>``   milestone approved (escrow -> provider, less the platform fee)
* ``release:timesheet:<uuid>``   timesheet paid (escrow -> provider, less the platform fee)
* ``cancel:milestone:<uuid>``    milestone cancelled with the contract (refund / release / split)

One escrow account per contract (``contract:<uuid>``) holds every funded milestone and every
timesheet charge until it is paid out; the ledger keeps each one apart as an *item* of the
escrow, so what one milestone pays out never comes from another. Amounts paid out of an item
are what it still holds (``held``), which is less than its price after a refund made outside
the contract flow (by staff or at the payment provider).

Before its first posting a money effect takes every money row the transition may touch
(``lock``), in the global lock order of docs/money.md: the contract and its item (taken by
the process engine), the escrow's payments when money may go back to the card, then all the
ledger accounts at once. A transition that posts several times (a cancellation settling
several milestones, a release and a refund) so never locks ledger rows in rounds.
"""

from __future__ import annotations

from craftwork.core.money import Money
from craftwork.payments import checkout, selectors
from craftwork.payments import services as payments

from .process import SYSTEM


def _actor(actor):
    return None if actor is SYSTEM else actor


def lock(contract, *, refunds: bool) -> list:
    """Lock the contract's money rows (the caller holds the contract row). ``refunds``: the
    transition may refund to the card, so the escrow's payments are locked first; a release
    alone does not need them (and runs inside the payment's own transaction when a charge pays
    a timesheet, after the ledger rows)."""
    return payments.escrow_lock(
        escrow_refs=[contract.escrow_ref],
        currency=contract.currency,
        provider_user=contract.provider,
        payments=refunds,
    )


def item_ref(item=None) -> str:
    """The escrow item (payments' ledger): a milestone or timesheet by its ref; a gig order or
    a session holds one amount for the whole contract, the escrow's single item ("")."""
    return item.ref if item is not None else ""


def held(contract, item=None) -> Money:
    """What the item still holds in the contract's escrow: funded and not yet released or
    refunded (a refund issued by staff or at the provider may have taken part of it)."""
    return selectors.escrow_item_held(contract.escrow_ref, item_ref(item), contract.currency)


def release(contract, amount: Money, *, key: str, actor, item=None) -> None:
    """Pay ``amount`` of the item from the contract's escrow to the provider, less the agreed
    platform fee."""
    lock(contract, refunds=False)
    payments.escrow_release(
        contract_ref=contract.escrow_ref,
        provider_user=contract.provider,
        amount=amount,
        fee_bps=contract.platform_fee_bps,
        idempotency_key=key,
        item_ref=item_ref(item),
        actor=_actor(actor),
    )


def refund(contract, amount: Money, *, key: str, reason: str, actor, item=None) -> None:
    """Return ``amount`` of the item from the contract's escrow to the client's card (payments
    refunds: the ledger refund now, the provider refund right after commit)."""
    lock(contract, refunds=True)
    checkout.refund_for_escrow(
        escrow_ref=contract.escrow_ref,
        amount=amount,
        reason=reason[:500],
        actor=_actor(actor),
        idempotency_key=key,
        item_ref=item_ref(item),
    )


def settle(
    contract, *, to_provider: Money, to_client: Money, key: str, reason: str, actor, item=None
) -> None:
    """Pay one item's escrow out in two parts: the provider's (less the fee) and the client's."""
    if to_client.is_zero and to_provider.is_zero:
        return  # nothing is held any more (refunded outside the contract flow)
    lock(contract, refunds=True)
    if to_client.is_zero:
        release(contract, to_provider, key=key, actor=actor, item=item)
    elif to_provider.is_zero:
        refund(contract, to_client, key=key, reason=reason, actor=actor, item=item)
    else:
        release(contract, to_provider, key=f"{key}:provider", actor=actor, item=item)
        refund(contract, to_client, key=f"{key}:client", reason=reason, actor=actor, item=item)
