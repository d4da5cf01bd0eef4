"""Money stuck in escrow: held for an item its contract has settled (docs/money.md).

The usual cause is a refund the provider could not make: the money goes back into the escrow
item (``refund_reversal``) after the contract was cancelled, so nothing in the contract's
process will ever move it again. ``stuck_balances`` lists every such item (the staff queue,
``reconcile``); staff resolve one with ``stuck_balance_resolve``:

* ``refund``: try the refund to the client's card again (``refund_for_escrow``);
* ``release``: pay it to the provider, less the contract's platform fee;
* ``writeoff``: move it to platform revenue (``escrow_writeoff``).

Each action runs in one transaction under the contract row lock, checks again that the item
is still stuck and takes exactly what it holds, and leaves an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, PermissionDenied, ValidationFailed
from craftwork.core.money import Money

from . import escrow_owners, services
from .escrow_owners import EscrowView
from .models import AccountKind, LedgerAccount, LedgerEntry, Refund

ACTIONS = ("refund", "release", "writeoff")


@dataclass(frozen=True)
class StuckBalance:
    escrow_ref: str
    item_ref: str
    amount: Money
    view: EscrowView

    @property
    def item_title(self) -> str:
        return str(self.view.item_titles.get(self.item_ref, self.item_ref or self.view.title))


def _buckets(accounts) -> dict[tuple[str, str], Money]:
    """``{(escrow_ref, item_ref): held}`` of these escrow accounts, positive items only."""
    rows = (
        LedgerEntry.objects.filter(account__in=accounts)
        .order_by()
        .values("account__reference", "account__currency", "item_ref")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    return {
        (row["account__reference"], row["item_ref"]): Money(row["total"], row["account__currency"])
        for row in rows
    }


def stuck_balances(escrow_refs=None) -> list[StuckBalance]:
    """Escrow items holding money that their owner (the contract) no longer holds for."""
    accounts = LedgerAccount.objects.filter(kind=AccountKind.CONTRACT_ESCROW, balance__gt=0)
    if escrow_refs is not None:
        accounts = accounts.filter(reference__in=list(escrow_refs))
    buckets = _buckets(accounts)
    views = escrow_owners.describe({ref for ref, _item in buckets})
    found = []
    for (ref, item), amount in sorted(buckets.items()):
        view = views.get(ref)
        if view is not None and item not in view.held_items | view.frozen_items:
            found.append(StuckBalance(ref, item, amount, view))
    return found


def stuck_balance_resolve(
    *, actor, escrow_ref: str, item_ref: str, action: str, reason: str, idempotency_key: str
) -> StuckBalance:
    """Staff move one stuck balance out (see the module docstring); returns what was moved."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied()
    if action not in ACTIONS:
        raise ValidationFailed(
            _("Choose refund, release or writeoff."),
            code="invalid_action",
            details={"action": [_("Choose refund, release or writeoff.")]},
        )
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ValidationFailed(
            _("Give a reason."), code="reason_required", details={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        escrow_owners.lock_owners([escrow_ref])
        stuck = _still_stuck(escrow_ref, item_ref)
        key = f"stuck:{action}:{idempotency_key}"
        _ACTIONS[action](stuck, actor=actor, reason=reason, key=key)
        audit(
            actor=actor,
            action=f"payments.stuck_balance_{action}",
            target=LedgerAccount.objects.get(
                kind=AccountKind.CONTRACT_ESCROW,
                reference=escrow_ref,
                currency=stuck.amount.currency,
            ),
            details={
                "escrow_ref": escrow_ref,
                "item_ref": item_ref,
                "amount": stuck.amount.as_dict(),
                "reason": reason,
            },
        )
    return stuck


def _still_stuck(escrow_ref: str, item_ref: str) -> StuckBalance:
    found = [s for s in stuck_balances([escrow_ref]) if s.item_ref == item_ref]
    if not found:
        raise Conflict(
            _("Nothing is stuck there any more."),
            code="not_stuck",
            details={"escrow_ref": escrow_ref, "item_ref": item_ref},
        )
    return found[0]


def _refund(stuck: StuckBalance, *, actor, reason: str, key: str) -> None:
    from .refunds import refund_for_escrow

    refund_for_escrow(
        escrow_ref=stuck.escrow_ref,
        amount=stuck.amount,
        reason=reason,
        actor=actor,
        idempotency_key=key,
        origin=Refund.Origin.STAFF,
        item_ref=stuck.item_ref,
    )


def _release(stuck: StuckBalance, *, actor, reason: str, key: str) -> None:
    from django.contrib.auth import get_user_model

    provider = get_user_model().objects.filter(pk=stuck.view.provider_id).first()
    if provider is None:
        raise Conflict(_("This escrow has no provider to pay."), code="no_provider")
    services.escrow_release(
        contract_ref=stuck.escrow_ref,
        provider_user=provider,
        amount=stuck.amount,
        fee_bps=stuck.view.fee_bps,
        idempotency_key=key,
        item_ref=stuck.item_ref,
        actor=actor,
    )


def _writeoff(stuck: StuckBalance, *, actor, reason: str, key: str) -> None:
    services.escrow_writeoff(
        contract_ref=stuck.escrow_ref,
        amount=stuck.amount,
        item_ref=stuck.item_ref,
        reason=reason,
        idempotency_key=key,
        actor=actor,
    )


_ACTIONS = {"refund": _refund, "release": _release, "writeoff": _writeoff}
