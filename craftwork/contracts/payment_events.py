"""The contract follows money that payments moved outside the contract's process.

* ``payments.refund_requested`` by staff or at the payment provider: an item that holds
  nothing any more in escrow ends ``refunded`` (milestone) / ``cancelled`` (gig order,
  session) with ``refund_outside``; a partial refund leaves it running, and its release,
  cancellation or dispute then pays out what it still holds.
* ``payments.chargeback_opened``: the item the charged-back payment funded is frozen
  (``chargeback``: milestone or gig/session contract ``disputed``; a fixed-price contract
  follows its milestone) until ``payments.chargeback_closed``: money still held resumes it
  (``chargeback_resume``), nothing left ends it refunded (``chargeback_refunded``).

The handlers run in the payments transaction (``subscribe(in_transaction=True)``; payments
takes the contract row lock first, see ``funding.lock_contract``) and again after commit;
they decide from the current states, so running twice changes nothing.
"""

from __future__ import annotations

import logging
import uuid

from django.urls import reverse

from craftwork.core.events import subscribe
from craftwork.core.money import Money

from . import escrow
from .models import Contract, ContractState, Milestone
from .process import SYSTEM, apply
from .workflows.fixed import HELD

logger = logging.getLogger(__name__)

OUTSIDE_ORIGINS = ("staff", "provider")
WHOLE_CONTRACT_HELD = {
    "gig": {
        ContractState.AWAITING_REQUIREMENTS,
        ContractState.IN_PROGRESS,
        ContractState.LATE,
        ContractState.DELIVERED,
    },
    "session": {ContractState.SCHEDULED, ContractState.ABSENCE_REPORTED},
}


def _item(escrow_ref: str, item_ref: str):
    """``(contract, item)`` for an escrow item; item None for a whole-contract escrow."""
    contract = _contract(escrow_ref)
    if contract is None:
        return None, None
    kind, _sep, pk = item_ref.partition(":")
    if kind == "milestone" and _is_uuid(pk):
        return contract, Milestone.objects.filter(pk=pk, contract=contract).first()
    if not item_ref and contract.kind in WHOLE_CONTRACT_HELD:
        return contract, None
    return None, None


def _contract(escrow_ref: str) -> Contract | None:
    kind, _sep, pk = str(escrow_ref or "").partition(":")
    if kind != "contract" or not _is_uuid(pk):
        return None
    return Contract.objects.filter(pk=pk).first()


def _subject(contract, item):
    """The object whose process follows: the milestone, or the whole contract."""
    return item if item is not None else contract


def _is_held(contract, item) -> bool:
    if item is not None:
        return item.state in HELD
    return contract.state in WHOLE_CONTRACT_HELD.get(contract.kind, set())


def _nothing_held(contract, item) -> bool:
    return not escrow.held(contract, item).is_positive


def on_refund_requested(event) -> None:
    payload = event.payload
    if payload.get("origin") not in OUTSIDE_ORIGINS:
        return  # the contract's own cancellations and dispute decisions moved it already
    contract, item = _item(payload.get("escrow_ref", ""), payload.get("item_ref", ""))
    if contract is None or not _is_held(contract, item) or not _nothing_held(contract, item):
        return
    apply(_subject(contract, item), "refund_outside", actor=SYSTEM, note=_note(payload))


def on_chargeback_opened(event) -> None:
    payload = event.payload
    for contract, item in _charged_items(payload):
        if _is_held(contract, item):
            apply(
                _subject(contract, item),
                "chargeback",
                actor=SYSTEM,
                chargeback_id=payload.get("chargeback_id", ""),
                history_data={"chargeback_id": str(payload.get("chargeback_id", ""))},
            )


def on_chargeback_closed(event) -> None:
    payload = event.payload
    marker = f"chargeback:{payload.get('chargeback_id', '')}"
    for contract, item in _charged_items(payload):
        subject = _subject(contract, item)
        if subject.state != "disputed" or _dispute_ref(contract, item) != marker:
            continue  # not frozen by this chargeback (or already resumed)
        name = "chargeback_refunded" if _nothing_held(contract, item) else "chargeback_resume"
        apply(subject, name, actor=SYSTEM, history_data={"chargeback_id": marker[11:]})


def _charged_items(payload: dict) -> list:
    refs = payload.get("escrow_refs") or [payload.get("escrow_ref", "")]
    found = [_item(ref, payload.get("item_ref", "")) for ref in refs]
    return [(contract, item) for contract, item in found if contract is not None]


def _dispute_ref(contract, item) -> str:
    if item is not None:
        return Milestone.objects.values_list("dispute_ref", flat=True).get(pk=item.pk)
    record = getattr(contract, "gig_order", None) or getattr(contract, "session_booking", None)
    return record.dispute_ref if record is not None else ""


def _note(payload: dict) -> str:
    amount = Money(int(payload.get("amount_minor") or 0), payload.get("currency") or "USD")
    return f"refund {payload.get('refund_id', '')} of {amount.to_decimal_string()}"


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- what payments asks about contract escrows (payments.escrow_owners) --------------------------


def lock_contracts(escrow_refs: list[str]) -> None:
    ids = sorted(str(pk) for pk in (_contract_pk(ref) for ref in escrow_refs) if pk)
    list(Contract.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _contract_pk(escrow_ref: str):
    kind, _sep, pk = str(escrow_ref).partition(":")
    return pk if kind == "contract" and _is_uuid(pk) else None


def describe_contracts(escrow_refs: list[str]) -> dict:
    from craftwork.payments.escrow_owners import EscrowView

    from .process import process_for
    from .workflows.common import CLOSED

    ids = [pk for pk in (_contract_pk(ref) for ref in escrow_refs) if pk]
    contracts = Contract.objects.filter(pk__in=ids).prefetch_related("milestones")
    views = {}
    for contract in contracts:
        held, titles = _held_items(contract)
        terminal = (
            contract.state in CLOSED or contract.state in process_for(contract).terminal_states
        )
        views[contract.escrow_ref] = EscrowView(
            escrow_ref=contract.escrow_ref,
            title=contract.title,
            closed=terminal,
            held_items=frozenset(held),
            frozen_items=frozenset(_frozen_items(contract)),
            client_id=contract.client_id,
            provider_id=contract.provider_id,
            fee_bps=contract.platform_fee_bps,
            url=reverse("contracts:detail", args=[contract.pk]),
            state=contract.get_state_display(),
            item_titles=titles,
        )
    return views


def _held_items(contract) -> tuple[set[str], dict[str, str]]:
    if contract.kind in WHOLE_CONTRACT_HELD:
        held = contract.state in WHOLE_CONTRACT_HELD[contract.kind]
        return ({""} if held else set()), {"": contract.title}
    milestones = list(contract.milestones.all())
    return {m.ref for m in milestones if m.state in HELD}, {m.ref: m.title for m in milestones}


def _frozen_items(contract) -> set[str]:
    """Frozen by a dispute or a chargeback: may hold anything until it is decided."""
    if contract.kind in WHOLE_CONTRACT_HELD:
        return {""} if contract.state == ContractState.DISPUTED else set()
    return {m.ref for m in contract.milestones.all() if m.state == "disputed"}


def subscribe_all() -> None:
    from craftwork.payments.escrow_owners import register_escrow_owner

    register_escrow_owner("contract", lock=lock_contracts, describe=describe_contracts)
    subscribe("payments.refund_requested", in_transaction=True)(on_refund_requested)
    subscribe("payments.chargeback_opened", in_transaction=True)(on_chargeback_opened)
    subscribe("payments.chargeback_closed", in_transaction=True)(on_chargeback_closed)
