"""Disputes about funded work (a milestone, a timesheet, an order), decided by staff.

Either party opens one on money held in escrow, with a reason and evidence (text and
files). The other party answers within ``DISPUTE_RESPONSE_DAYS`` (default 5); without an
answer the dispute is decided for the opener by a scheduled job. Staff decide the rest:
release to the provider, refund to the client, or a split, always with a written
decision. Money moves only through the escrow services (a refund also goes back to the
client's card: see ``refunds``). Events ``payments.dispute_opened`` /
``payments.dispute_responded`` / ``payments.dispute_resolved`` carry
``{dispute_id, subject_ref, escrow_ref, outcome, to_provider_minor, to_client_minor,
client_id, provider_id, opened_by_id}``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.db import retry_on_conflict
from craftwork.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.core.files import CheckedDocument, check_document
from craftwork.core.money import Money

from . import selectors, services
from .errors import InsufficientFunds
from .fees import fee_rates
from .models import Dispute, DisputeFile, Refund
from .refunds import refund_for_escrow

logger = logging.getLogger(__name__)

MAX_FILES = 5
MAX_REASON = 200
MAX_TEXT = 10_000


def _text(value, field: str, max_length: int, *, required: bool) -> str:
    value = (value or "").strip() if isinstance(value, str) else None
    if value is None or len(value) > max_length or (required and not value):
        raise ValidationFailed(
            _("This field is required (at most %(max)d characters).") % {"max": max_length},
            code="invalid_field",
            details={"field": field},
        )
    return value


def _check_files(files) -> list[tuple[object, CheckedDocument]]:
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES},
            code="too_many_files",
            details={"field": "files"},
        )
    return [(upload, check_document(upload)) for upload in files]


def _store_files(dispute: Dispute, checked, actor) -> None:
    for upload, document in checked:
        upload.seek(0)
        stored = DisputeFile(
            dispute=dispute,
            uploaded_by=actor,
            original_name=document.original_name,
            kind=document.kind,
            size=document.size,
        )
        stored.file.save(document.stored_name, upload, save=False)
        stored.save()


def _payload(dispute: Dispute) -> dict:
    return {
        "dispute_id": str(dispute.pk),
        "subject_ref": dispute.subject_ref,
        "escrow_ref": dispute.escrow_ref,
        "outcome": dispute.outcome,
        "to_provider_minor": dispute.to_provider_minor,
        "to_client_minor": dispute.to_client_minor,
        "currency": dispute.currency,
        "amount_minor": dispute.amount_minor,
        "client_id": str(dispute.client_id),
        "provider_id": str(dispute.provider_id),
        "opened_by_id": str(dispute.opened_by_id),
        "status": dispute.status,
    }


def dispute_open(
    *,
    actor,
    escrow_ref: str,
    subject_ref: str,
    amount: Money,
    client,
    provider,
    reason: str,
    evidence_text: str = "",
    files=(),
    fee_bps: int | None = None,
) -> Dispute:
    """Open a dispute about ``amount`` of the escrow; ``actor`` is the client or the provider.
    ``fee_bps`` is the platform fee on what the provider may receive (default: the
    schedule's rate for the currency)."""
    if actor.pk not in (client.pk, provider.pk) or client.pk == provider.pk:
        raise PermissionDenied(_("Only the client or the provider can open a dispute."))
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if not amount.is_positive:
        raise ValidationFailed(_("The amount must be positive."), code="invalid_amount")
    reason = _text(reason, "reason", MAX_REASON, required=True)
    evidence_text = _text(evidence_text, "evidence_text", MAX_TEXT, required=False)
    _text(escrow_ref, "escrow_ref", 200, required=True)
    _text(subject_ref, "subject_ref", 200, required=True)
    checked = _check_files(files)
    if fee_bps is None:
        fee_bps = fee_rates(amount.currency).platform_fee_bps
    held = selectors.escrow_balance(escrow_ref, amount.currency)
    if held < amount:
        raise InsufficientFunds(
            _("Only %(held)s is held in escrow for this work.") % {"held": held.format()},
            details={"available": held.to_decimal_string(), "currency": amount.currency},
        )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                escrow_ref=escrow_ref,
                subject_ref=subject_ref,
                amount_minor=amount.minor,
                currency=amount.currency,
                fee_bps=fee_bps,
                client=client,
                provider=provider,
                opened_by=actor,
                reason=reason,
                evidence_text=evidence_text,
                respond_by=timezone.now() + timedelta(days=settings.DISPUTE_RESPONSE_DAYS),
            )
            _store_files(dispute, checked, actor)
            audit(
                actor=actor,
                action="payments.dispute_opened",
                target=dispute,
                details=_payload(dispute),
            )
            publish("payments.dispute_opened", payload=_payload(dispute), actor=actor)
    except IntegrityError as exc:
        raise Conflict(
            _("A dispute about this work is already open."), code="dispute_already_open"
        ) from exc
    return dispute


def dispute_respond(*, actor, dispute: Dispute, response_text: str, files=()) -> Dispute:
    """The other party's answer, within the response window."""
    response_text = _text(response_text, "response_text", MAX_TEXT, required=True)
    checked = _check_files(files)
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if actor.pk not in (dispute.client_id, dispute.provider_id):
            raise PermissionDenied()
        if actor.pk == dispute.opened_by_id:
            raise PermissionDenied(_("The other party responds to a dispute."))
        if dispute.status != Dispute.Status.OPEN:
            raise InvalidTransition(_("This dispute is no longer waiting for a response."))
        if timezone.now() > dispute.respond_by:
            raise InvalidTransition(_("The time to respond has passed."), code="response_late")
        dispute.response_text, dispute.responded_at = response_text, timezone.now()
        dispute.status = Dispute.Status.RESPONDED
        dispute.save(update_fields=["response_text", "responded_at", "status", "updated_at"])
        _store_files(dispute, checked, actor)
        audit(actor=actor, action="payments.dispute_responded", target=dispute)
        publish("payments.dispute_responded", payload=_payload(dispute), actor=actor)
    return dispute


def _resolvable(dispute: Dispute) -> Money:
    """The disputed amount, or less when a refund or chargeback outside the dispute took part
    of the item meanwhile: a decision moves only what the item still holds."""
    held = selectors.escrow_item_held(dispute.escrow_ref, _item_ref(dispute), dispute.currency)
    if not held.is_positive:
        raise Conflict(
            _("Nothing of the disputed amount is held in escrow any more."), code="nothing_held"
        )
    return min(dispute.amount, held)


def _split_amounts(dispute: Dispute, outcome: str, to_provider) -> tuple[Money, Money]:
    amount = _resolvable(dispute)
    if outcome == Dispute.Outcome.RELEASE:
        return amount, Money.zero(amount.currency)
    if outcome == Dispute.Outcome.REFUND:
        return Money.zero(amount.currency), amount
    if outcome != Dispute.Outcome.SPLIT:
        raise ValidationFailed(_("Choose release, refund or split."), code="invalid_outcome")
    if not isinstance(to_provider, Money) or to_provider.currency != amount.currency:
        raise ValidationFailed(
            _("Give the provider's part in %(currency)s.") % {"currency": amount.currency},
            code="invalid_split",
            details={"field": "to_provider"},
        )
    if not 0 < to_provider.minor < amount.minor:
        raise ValidationFailed(
            _("A split gives each side part of %(amount)s.") % {"amount": amount.format()},
            code="invalid_split",
            details={"field": "to_provider"},
        )
    return to_provider, amount - to_provider


def _item_ref(dispute: Dispute) -> str:
    """The escrow item disputed: the subject when the escrow keeps it apart (a milestone),
    else the one item the escrow holds (a gig order or a session: the whole escrow)."""
    items = selectors.escrow_items(dispute.escrow_ref, dispute.currency)
    if dispute.subject_ref in items:
        return dispute.subject_ref
    holding = [item for item, held in items.items() if held.is_positive]
    return holding[0] if len(holding) == 1 else ""


def _move_money(dispute: Dispute, to_provider: Money, to_client: Money, actor):
    key, item_ref = f"dispute:{dispute.pk}", _item_ref(dispute)
    if to_client.is_zero:
        return services.escrow_release(
            contract_ref=dispute.escrow_ref,
            provider_user=dispute.provider,
            amount=to_provider,
            fee_bps=dispute.fee_bps,
            idempotency_key=key,
            item_ref=item_ref,
            actor=actor,
        )
    if to_provider.is_zero:
        refunds = refund_for_escrow(
            escrow_ref=dispute.escrow_ref,
            amount=to_client,
            reason=gettext("Dispute decision"),
            actor=actor,
            idempotency_key=key,
            origin=Refund.Origin.DISPUTE,
            item_ref=item_ref,
        )
        return refunds[0].ledger_transaction if refunds else None
    txn = services.escrow_split(
        contract_ref=dispute.escrow_ref,
        client=dispute.client,
        provider_user=dispute.provider,
        to_provider=to_provider,
        to_client=to_client,
        amount=to_provider + to_client,
        fee_bps=dispute.fee_bps,
        idempotency_key=key,
        item_ref=item_ref,
        actor=actor,
    )
    refund_for_escrow(
        escrow_ref=dispute.escrow_ref,
        amount=to_client,
        reason=gettext("Dispute decision"),
        actor=actor,
        idempotency_key=key,
        origin=Refund.Origin.DISPUTE,
        ledger_transaction=txn,
        item_ref=item_ref,
    )
    return txn


@retry_on_conflict
def _resolve(dispute: Dispute, *, actor, outcome: str, to_provider, decision: str) -> Dispute:
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",))
            .select_related("client", "provider")
            .get(pk=dispute.pk)
        )
        if dispute.status == Dispute.Status.RESOLVED:
            raise InvalidTransition(_("This dispute is already resolved."))
        provider_part, client_part = _split_amounts(dispute, outcome, to_provider)
        # A split posts, then refunds: the escrow's payments and every account first.
        services.escrow_lock(
            escrow_refs=[dispute.escrow_ref],
            currency=dispute.currency,
            provider_user=dispute.provider,
            payments=True,
        )
        dispute.ledger_transaction = _move_money(dispute, provider_part, client_part, actor)
        dispute.outcome, dispute.decision = outcome, decision
        dispute.to_provider_minor, dispute.to_client_minor = provider_part.minor, client_part.minor
        dispute.status, dispute.resolved_at = Dispute.Status.RESOLVED, timezone.now()
        dispute.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        dispute.save()
        audit(
            actor=actor,
            action="payments.dispute_resolved",
            target=dispute,
            details=_payload(dispute),
        )
        publish("payments.dispute_resolved", payload=_payload(dispute), actor=actor)
    return dispute


def dispute_resolve(
    *, actor, dispute: Dispute, outcome: str, to_provider: Money | None, decision: str
) -> Dispute:
    """Staff decide: ``release`` (all to the provider), ``refund`` (all to the client) or
    ``split`` (``to_provider`` to the provider, the rest to the client)."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied()
    decision = _text(decision, "decision", MAX_TEXT, required=True)
    return _resolve(
        dispute, actor=actor, outcome=outcome, to_provider=to_provider, decision=decision
    )


def dispute_decide_unanswered(*, now=None) -> int:
    """Scheduled: disputes past their response window without an answer go to the opener."""
    now = now or timezone.now()
    overdue = Dispute.objects.filter(status=Dispute.Status.OPEN, respond_by__lt=now)
    decided = 0
    for dispute in overdue.select_related("client", "provider"):
        outcome = (
            Dispute.Outcome.REFUND
            if dispute.opened_by_id == dispute.client_id
            else Dispute.Outcome.RELEASE
        )
        decision = gettext(
            "The other party did not respond within %(days)d days; decided for the party "
            "who opened the dispute."
        ) % {"days": settings.DISPUTE_RESPONSE_DAYS}
        try:
            _resolve(dispute, actor=None, outcome=outcome, to_provider=None, decision=decision)
            decided += 1
        except DomainError:
            logger.exception("dispute %s could not be decided automatically", dispute.pk)
    return decided
