"""The contract side of disputes; the money side (freeze, staff decision, payout) is payments'.

Opening: the milestone ``dispute`` transition calls ``payments.disputes.dispute_open`` for
the milestone's escrow; the contract follows into ``disputed`` and every other action on it
is refused until staff resolve. Resolution: payments publishes ``payments.dispute_resolved``
and ``on_dispute_resolved`` moves the milestone to released / refunded / split (as SYSTEM),
after which the contract continues, completes or ends cancelled.

Gig orders and sessions hold one amount for the whole contract: their dispute is about the
subject ``contract:<uuid>`` and its resolution moves the contract itself (``resolve_release``,
``resolve_refund``, ``resolve_split`` of the gig and session processes).

No payments dispute-subject resolver is registered for milestones on purpose: a dispute is
opened only through the contract, so the payments dispute, the milestone and the contract
change together in one transaction (nothing can release the money in between).
"""

from __future__ import annotations

import logging

from craftwork.core.errors import InvalidTransition
from craftwork.core.events import subscribe
from craftwork.payments import disputes as payment_disputes

from .process import SYSTEM, apply

logger = logging.getLogger(__name__)
OUTCOME_TRANSITIONS = {
    "release": "resolve_release",
    "refund": "resolve_refund",
    "split": "resolve_split",
}


MAX_REASON = 200  # payments keeps a short reason; the rest of a long note becomes evidence


def open_for(contract, milestone, *, actor, reason: str, evidence_text: str = "", files=(), **_):
    """Freeze what the milestone holds in a payments dispute (the contract's fee rate)."""
    from .workflows.common import held_or_refuse

    return open_for_subject(
        contract,
        subject_ref=milestone.ref,
        amount=held_or_refuse(contract, milestone),
        actor=actor,
        reason=reason,
        evidence_text=evidence_text,
        files=files,
    )


def open_for_subject(
    contract, *, subject_ref: str, amount, actor, reason: str, evidence_text: str = "", files=()
):
    """Freeze ``amount`` of the contract's escrow in a payments dispute about ``subject_ref``."""
    evidence = evidence_text
    if len(reason) > MAX_REASON:
        evidence = "\n\n".join(filter(None, [reason, evidence_text]))
        reason = reason[: MAX_REASON - 1].rstrip() + "…"
    return payment_disputes.dispute_open(
        actor=actor,
        escrow_ref=contract.escrow_ref,
        subject_ref=subject_ref,
        amount=amount,
        client=contract.client,
        provider=contract.provider,
        reason=reason,
        evidence_text=evidence,
        files=files or (),
        fee_bps=contract.platform_fee_bps,
    )


def on_dispute_resolved(event) -> None:
    """Move the disputed milestone (or gig/session contract) on; a repeat delivery of the event
    changes nothing."""
    from .models import Contract, ContractState, Milestone, MilestoneState

    payload = event.payload
    kind, _sep, pk = str(payload.get("subject_ref", "")).partition(":")
    transition = OUTCOME_TRANSITIONS.get(payload.get("outcome"))
    if kind not in ("milestone", "contract") or transition is None or not _is_uuid(pk):
        return
    if kind == "milestone":
        subject = Milestone.objects.filter(pk=pk, state=MilestoneState.DISPUTED).first()
    else:
        subject = Contract.objects.filter(
            pk=pk, kind__in=("gig", "session"), state=ContractState.DISPUTED
        ).first()
    if subject is None:
        return
    try:
        _resolve(subject, transition, payload)
    except InvalidTransition as exc:  # resolved meanwhile by another delivery of the event
        logger.info("dispute resolution for %s skipped: %s", subject.pk, exc.code)


def _resolve(subject, transition: str, payload: dict) -> None:
    apply(
        subject,
        transition,
        actor=SYSTEM,
        note=str(payload.get("decision", ""))[:2000],  # payments may add the decision text
        to_provider_minor=payload.get("to_provider_minor") or 0,
        to_client_minor=payload.get("to_client_minor") or 0,
        history_data={"dispute_id": str(payload.get("dispute_id", ""))},
    )


def subscribe_resolutions() -> None:
    subscribe("payments.dispute_resolved")(on_dispute_resolved)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except (ValueError, TypeError):
        return False
    return True
