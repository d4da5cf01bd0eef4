"""What payments asks the app that owns an escrow (contracts owns ``contract:<uuid>``).

Payments sits below contracts and never imports it; contracts registers, at start-up::

    register_escrow_owner("contract", lock=lock_contracts, describe=describe_contracts)

* ``lock(escrow_refs)`` locks the owning rows. Refunds and chargebacks call it before they
  lock the Payment and ledger rows, so every path takes contract → payment → ledger and the
  contract can follow the money in the same transaction.
* ``describe(escrow_refs)`` says, per escrow, which items should hold money now
  (``EscrowView.held_items``: funded and not yet settled) and whether the owner is closed.
  ``reconcile`` checks the ledger against it and the staff queue of stuck balances lists
  money held for items that are settled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EscrowView:
    escrow_ref: str
    title: str
    closed: bool  # the contract is completed or cancelled: it should hold nothing
    held_items: frozenset[str]  # items that hold money ("" for a whole-contract escrow)
    frozen_items: frozenset[str] = frozenset()  # disputed or charged back: may hold any amount
    client_id: object = None
    provider_id: object = None
    fee_bps: int = 0
    url: str = ""
    state: str = ""
    item_titles: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EscrowOwner:
    lock: Callable[[list[str]], None]
    describe: Callable[[list[str]], dict[str, EscrowView]]


_owners: dict[str, EscrowOwner] = {}


def register_escrow_owner(prefix: str, *, lock: Callable, describe: Callable) -> None:
    _owners[prefix] = EscrowOwner(lock, describe)


def _by_owner(escrow_refs: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for ref in escrow_refs:
        prefix = str(ref).partition(":")[0]
        if prefix in _owners:
            grouped.setdefault(prefix, []).append(ref)
    return grouped


def lock_owners(escrow_refs: Iterable[str]) -> None:
    """Lock the rows owning these escrows (in the owner's own order); needs a transaction."""
    for prefix, refs in sorted(_by_owner(escrow_refs).items()):
        _owners[prefix].lock(sorted(set(refs)))


def describe(escrow_refs: Iterable[str]) -> dict[str, EscrowView]:
    """The owners' view of these escrows; escrows nobody owns are left out."""
    views: dict[str, EscrowView] = {}
    for prefix, refs in _by_owner(escrow_refs).items():
        views.update(_owners[prefix].describe(sorted(set(refs))))
    return views
