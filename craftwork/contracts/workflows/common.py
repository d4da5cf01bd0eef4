"""Guards and effects shared by the contract processes.

A guard raises a DomainError with a stable code (nothing is written); an effect runs inside
the transition's transaction after the new state is saved.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from craftwork.core.errors import InvalidTransition

from ..models import ContractState
from ..process import Transition, money_effect

CLOSED = {ContractState.COMPLETED, ContractState.CANCELLED}


def review_window(obj) -> timedelta:
    return timedelta(days=obj.contract.review_window_days)


# --- guards -----------------------------------------------------------------------------------


def contract_open(ctx) -> None:
    """The contract is neither finished nor frozen by a dispute."""
    ensure_open(ctx.contract)


def ensure_open(contract) -> None:
    state = contract.state
    if state in CLOSED:
        raise InvalidTransition(
            _("This contract is %(state)s.") % {"state": contract.get_state_display()},
            code="contract_closed",
            details={"contract_state": state},
        )
    if state == ContractState.DISPUTED:
        raise InvalidTransition(
            _("The contract is frozen while a dispute is open."),
            code="contract_disputed",
            details={"contract_state": state},
        )


def contract_started_or_funded(ctx) -> None:
    """Work can be delivered once money is in escrow (the contract is active or later)."""
    contract_open(ctx)
    if ctx.contract.state == ContractState.PENDING_FUNDING:
        raise InvalidTransition(_("The contract is not funded yet."), code="contract_not_funded")


def held_or_refuse(contract, item=None):
    """What the item holds in escrow; a dispute about an item holding nothing is refused."""
    from ..escrow import held

    amount = held(contract, item)
    if not amount.is_positive:
        raise InvalidTransition(
            _("Nothing of this is held in escrow any more."), code="nothing_held"
        )
    return amount


# --- effects ----------------------------------------------------------------------------------


def mark_started(ctx) -> None:
    contract = ctx.contract
    if contract.started_at is None:
        contract.started_at = ctx.now
        contract.save(update_fields=["started_at", "updated_at"])


def mark_completed(ctx) -> None:
    contract = ctx.contract
    contract.completed_at = ctx.now
    contract.save(update_fields=["completed_at", "updated_at"])


def mark_cancelled(ctx) -> None:
    contract = ctx.contract
    contract.cancelled_at = ctx.now
    contract.cancel_reason = ctx.note
    contract.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])


def open_contract_dispute(ctx, record) -> None:
    """Freeze the whole contract amount in a payments dispute; ``record`` (the gig order or the
    session booking) keeps the dispute's reference."""
    from .. import disputes

    contract = ctx.contract
    dispute = disputes.open_for_subject(
        contract,
        subject_ref=f"contract:{contract.pk}",
        amount=held_or_refuse(contract),
        actor=ctx.actor,
        reason=ctx.note,
        evidence_text=str(ctx.params.get("evidence_text", "")),
        files=ctx.params.get("files") or (),
    )
    record.dispute_ref = str(dispute.pk)
    record.save(update_fields=["dispute_ref", "updated_at"])


@money_effect("Moved by staff's dispute decision in payments (release or split)")
def resolved_completed(ctx) -> None:
    mark_completed(ctx)


@money_effect("Moved by staff's dispute decision in payments (refund)")
def resolved_cancelled(ctx) -> None:
    mark_cancelled(ctx)


def record_chargeback(ctx, record) -> None:
    """``record`` (the milestone, gig order or session booking) keeps which chargeback froze it."""
    record.dispute_ref = f"chargeback:{ctx.params.get('chargeback_id', '')}"[:64]
    record.save(update_fields=["dispute_ref"])


def outside_money_transitions(
    sources, *, frozen, resumed, refunded, on_freeze, on_refunded=None, then=()
) -> list[Transition]:
    """How an item follows money moved outside its process (docs/money.md): a refund by staff
    or at the payment provider that leaves nothing held ends it (``refund_outside``); a card
    chargeback freezes it (``chargeback``) until the bank decides: money still held resumes
    it, nothing left ends it as refunded. Payments moved the money; these only follow."""
    T = Transition
    return [
        T("refund_outside", sources, refunded, {"system"}, effect=on_refunded, then=then,
          label=_lazy("Refunded by staff or at the payment provider"),
          doc="Payments refunded all it held (`payments.refund_requested`, origin staff or "
              "provider)"),
        T("chargeback", sources, frozen, {"system"}, effect=on_freeze, then=then,
          label=_lazy("Frozen by a card chargeback"),
          doc="`payments.chargeback_opened` for the payment that funded it: frozen until the "
              "bank decides"),
        T("chargeback_resume", [frozen], resumed, {"system"}, then=then,
          label=_lazy("Chargeback closed, work continues"),
          doc="`payments.chargeback_closed` with money still held (won, or only part taken)"),
        T("chargeback_refunded", [frozen], refunded, {"system"}, effect=on_refunded, then=then,
          label=_lazy("Chargeback lost: refunded to the client"),
          doc="`payments.chargeback_closed` with nothing held any more"),
    ]  # fmt: skip


def dispute_resolutions() -> list[Transition]:
    """How a whole-contract dispute ends: payments' staff decision fires one of these."""
    T, C = Transition, ContractState
    return [
        T("resolve_release", [C.DISPUTED], C.COMPLETED, {"system"}, effect=resolved_completed,
          label=_lazy("Dispute resolved: paid"), event="contracts.completed"),
        T("resolve_split", [C.DISPUTED], C.COMPLETED, {"system"}, effect=resolved_completed,
          label=_lazy("Dispute resolved: split"), event="contracts.completed"),
        T("resolve_refund", [C.DISPUTED], C.CANCELLED, {"system"}, effect=resolved_cancelled,
          label=_lazy("Dispute resolved: refunded"), event="contracts.cancelled"),
    ]  # fmt: skip
