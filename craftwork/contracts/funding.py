"""Paying into a contract through payments checkout, and what happens when a payment succeeds.

* Fixed price: the client funds an agreed milestone. ``milestone_fund_start`` starts a
  checkout (purpose ``contract_funding``, reference ``milestone:<uuid>``, escrow
  ``contract:<uuid>``) and returns the Payment whose ``checkout_url`` the client is sent to.
* Hourly: the client pays an approved timesheet the same way (reference ``timesheet:<uuid>``).

When the charge succeeds, payments posts ``escrow_fund`` and calls ``fulfill(payment)`` in the
same transaction: the milestone moves to ``funded`` / the timesheet to ``paid`` (its ``pay``
transition releases the money to the freelancer at once). ``fulfill`` is idempotent; for a
payment that arrives for an item no longer waiting for it (removed, paid twice) it raises a
DomainError, and payments refunds that payment to the payer.

A double-clicked "Fund" reuses one payment: the page carries a one-time ``attempt`` token
(the API uses the request's Idempotency-Key) from which the payment's idempotency key is
derived; a new visit of the page is a new attempt (e.g. after a declined card).
"""

from __future__ import annotations

import logging
import re
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.db import retry_on_conflict
from craftwork.core.errors import InvalidTransition, PermissionDenied
from craftwork.payments import checkout
from craftwork.payments import services as payments

from .models import Contract, Milestone, MilestoneState, Timesheet, TimesheetState
from .process import SYSTEM, apply
from .workflows.common import ensure_open

logger = logging.getLogger(__name__)
PURPOSE = "contract_funding"


def register() -> None:
    checkout.register_fulfillment(PURPOSE, fulfill, lock=lock_contract)


def lock_contract(payment) -> list:
    """Payments calls this before it locks the Payment and the ledger accounts: the contract
    row is locked first, the order approval and cancellation use (no lock cycle). Returns the
    ledger accounts ``fulfill`` may post to (a paid timesheet is released at once), which
    payments locks together with the funding's own."""
    kind, _sep, pk = payment.reference.partition(":")
    model = {"milestone": Milestone, "timesheet": Timesheet}.get(kind)
    try:
        item_id = uuid.UUID(pk)
    except ValueError:
        return []
    if model is None:
        return []
    contract_id = model.objects.filter(pk=item_id).values_list("contract_id", flat=True)
    contract = Contract.objects.select_for_update().filter(pk__in=contract_id).first()
    if contract is None or kind != "timesheet":
        return []
    return payments.escrow_accounts(
        escrow_refs=[contract.escrow_ref],
        currency=contract.currency,
        provider_user=contract.provider,
    )


def contract_url(contract) -> str:
    return reverse("contracts:detail", args=[contract.pk])


# --- starting a payment -------------------------------------------------------------------


def _lock_item(model, item, actor):
    contract = Contract.objects.select_for_update().get(pk=item.contract_id)
    item = model.objects.select_for_update().get(pk=item.pk)
    item.contract = contract
    if actor.pk != contract.client_id:
        raise PermissionDenied(_("Only the client pays into the contract."), code="not_client")
    return contract, item


@retry_on_conflict
def milestone_fund_start(*, milestone, actor, attempt: str = "", return_url: str = ""):
    """Start paying an agreed milestone into escrow; returns the Payment (``checkout_url``)."""
    with transaction.atomic():
        contract, milestone = _lock_item(Milestone, milestone, actor)
        ensure_open(contract)
        if milestone.state != MilestoneState.PENDING_FUNDING:
            raise InvalidTransition(
                _("This milestone is not waiting for funding."), code="invalid_state"
            )
        payment = checkout.payment_start(
            payer=contract.client,
            amount=milestone.amount,
            purpose=PURPOSE,
            reference=milestone.ref,
            escrow_ref=contract.escrow_ref,
            description=_("%(contract)s · %(milestone)s")
            % {"contract": contract.title, "milestone": milestone.title},
            return_url=return_url or contract_url(contract),
            idempotency_key=_attempt_key("fund", milestone.ref, attempt),
            category_slug=contract.category_slug or None,
        )
        audit(
            actor=actor,
            action="contracts.milestone.funding_started",
            target=milestone,
            details={"payment_id": str(payment.pk)},
        )
    return payment


@retry_on_conflict
def timesheet_pay_start(*, timesheet, actor, attempt: str = "", return_url: str = ""):
    """Start paying an approved timesheet; returns the Payment (``checkout_url``)."""
    with transaction.atomic():
        contract, timesheet = _lock_item(Timesheet, timesheet, actor)
        if timesheet.state != TimesheetState.APPROVED:
            raise InvalidTransition(_("Only an approved timesheet is paid."), code="invalid_state")
        payment = checkout.payment_start(
            payer=contract.client,
            amount=timesheet.amount,
            purpose=PURPOSE,
            reference=timesheet.ref,
            escrow_ref=contract.escrow_ref,
            description=_("%(contract)s · week of %(week)s")
            % {"contract": contract.title, "week": timesheet.week_start.isoformat()},
            return_url=return_url or contract_url(contract),
            idempotency_key=_attempt_key("charge", timesheet.ref, attempt),
            category_slug=contract.category_slug or None,
        )
        audit(
            actor=actor,
            action="contracts.timesheet.payment_started",
            target=timesheet,
            details={"payment_id": str(payment.pk)},
        )
    return payment


ATTEMPT_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def new_attempt() -> str:
    return uuid.uuid4().hex


def _attempt_key(prefix: str, ref: str, attempt: str) -> str:
    """The payment's idempotency key: one payment per (item, attempt)."""
    if not attempt or not ATTEMPT_RE.match(attempt):
        attempt = new_attempt()
    return f"{prefix}:{ref}:{attempt}"


# --- fulfillment ------------------------------------------------------------------------------


def fulfill(payment) -> None:
    """Called by payments once, in the transaction that posts ``escrow_fund``. Idempotent."""
    kind, _sep, pk = payment.reference.partition(":")
    if kind == "milestone":
        _fulfill(Milestone, pk, payment, waiting=MilestoneState.PENDING_FUNDING, name="fund")
    elif kind == "timesheet":
        _fulfill(Timesheet, pk, payment, waiting=TimesheetState.APPROVED, name="pay")
    else:
        raise ValueError(f"contract_funding payment with unknown reference {payment.reference!r}")


def _fulfill(model, pk, payment, *, waiting: str, name: str) -> None:
    item = model.objects.select_related("contract").get(pk=pk)
    ref_field = "funding_payment_ref" if model is Milestone else "payment_ref"
    if getattr(item, ref_field) == str(payment.pk):
        return  # this payment was applied already
    if item.contract.escrow_ref != payment.escrow_ref or item.amount != payment.amount:
        raise InvalidTransition(
            _("The payment does not match what it was for."), code="payment_mismatch"
        )
    if item.state != waiting:
        raise InvalidTransition(
            _("This is not waiting for a payment any more."), code="not_awaiting_payment"
        )
    apply(item, name, actor=SYSTEM, payment_ref=str(payment.pk))
