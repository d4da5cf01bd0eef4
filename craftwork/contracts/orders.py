"""Contracts created by commerce checkout: gig orders and session bookings.

Commerce calls these inside its payment fulfilment, after payments has posted the line's
``escrow_fund`` into ``contract:<contract_id>``, so the contract starts already paid::

    contract = gig_order_create(contract_id=..., source_ref="checkout-line:<uuid>",
        client=buyer, provider=seller, package_ref="<GigPackage uuid>", quantity=1,
        price=Money(...), actor=SYSTEM)
    contract = session_booking_create(contract_id=..., source_ref="checkout-line:<uuid>",
        client=buyer, provider=mentor, reservation=<SlotReservation>, price=Money(...),
        actor=SYSTEM)
    gig_id_of(contract)  # the catalog gig's uuid, or None

Anything wrong raises a DomainError (nothing is written) and payments refunds that line.
Calling again with the same ``contract_id`` and ``source_ref`` returns the existing contract.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.core.money import Money

from . import process
from .deliveries import MAX_MESSAGE_LENGTH, validate_files
from .models import Contract, ContractState, GigOrder, SessionBooking, Source
from .process import SYSTEM, apply
from .services import contract_create
from .terms import POLICIES, ContractTerms, check_price
from .workflows.gig import clean_text, gig_process
from .workflows.session import CancelPreview, cancellation_preview, session_process

__all__ = [
    "gig_accept",
    "gig_cancel_late",
    "gig_deliver",
    "gig_id_of",
    "gig_order_create",
    "gig_request_revision",
    "gig_requirements_submit",
    "session_booking_create",
    "session_cancel",
    "session_cancel_preview",
    "session_confirm",
    "session_contest_absence",
    "session_location_set",
    "session_report_absence",
]

DEFAULT_POLICY = "moderate"
REFUSED_GIG_REASONS = {"gig_removed", "seller_inactive"}
MAX_DESCRIPTION = 5000


def auto_complete_days() -> int:
    return int(getattr(settings, "GIG_AUTO_COMPLETE_DAYS", 3))


# --- gig orders ---------------------------------------------------------------------------------


def gig_order_create(
    *,
    contract_id,
    source_ref: str,
    client,
    provider,
    package_ref,
    quantity: int = 1,
    price: Money,
    actor=SYSTEM,
    cancellation_policy: str | None = None,
) -> Contract:
    """A paid gig order: ``awaiting_requirements`` (or ``in_progress`` for a gig without
    questions) with the package, the questions and the delivery days snapshotted."""
    from craftwork.catalog.purchasable import purchasable_for

    contract_id = _uuid(contract_id)
    existing = _existing(contract_id, Source.GIG_ORDER, source_ref)
    if existing is not None:
        return existing
    item = purchasable_for("gig_package", str(package_ref))
    if item.reason in REFUSED_GIG_REASONS:
        raise InvalidTransition(item.reason_message, code=item.reason)
    if item.seller.pk != provider.pk:
        raise ValidationFailed(_("This package is sold by someone else."), code="seller_mismatch")
    quantity = _quantity(quantity, item.max_quantity)
    check_price(price, item.price.currency, "price")
    details = item.details
    package = _package(item.ref)
    requirements = _requirements(details["gig_id"])
    terms = ContractTerms(
        kind="gig",
        currency=price.currency,
        amount=price,
        platform_fee_bps=_fee_bps(price.currency, item.category_slug),
        cancellation_policy=_policy(cancellation_policy),
        review_window_days=auto_complete_days(),
        revisions_allowed=details["revisions"],
        delivery_days=details["delivery_days"],
        category_slug=item.category_slug,
    )
    with transaction.atomic():
        _check_funded(contract_id, price)
        contract = contract_create(
            source=Source.GIG_ORDER,
            source_ref=source_ref,
            client=client,
            provider=provider,
            title=item.title[:200],
            description=_gig_description(item, quantity),
            terms=terms,
            actor=actor,
            contract_id=contract_id,
            initial_state=(
                ContractState.AWAITING_REQUIREMENTS if requirements else ContractState.IN_PROGRESS
            ),
        )
        now = timezone.now()
        order = GigOrder.objects.create(
            contract=contract,
            gig_id=uuid.UUID(details["gig_id"]),
            package_id=uuid.UUID(item.ref),
            gig_title=package.gig.title[:200],
            package_tier=details["tier"],
            package_name=package.name[:60],
            package_description=item.description[:600],
            included=list(details.get("included") or []),
            quantity=quantity,
            delivery_days=details["delivery_days"],
            revisions_allowed=details["revisions"],
            requirements=requirements,
        )
        if not requirements:  # nothing to wait for: the clock starts now
            order.answered_at, order.due_at = now, now + timedelta(days=order.delivery_days)
            order.save(update_fields=["answered_at", "due_at"])
            contract.started_at = now
        _start_timer(contract, gig_process, now)
    return contract


def _package(ref: str):
    from craftwork.catalog.models import GigPackage

    return GigPackage.objects.select_related("gig").get(pk=ref)


def _requirements(gig_id: str) -> list[dict]:
    from craftwork.catalog.models import GigRequirement

    rows = GigRequirement.objects.filter(gig_id=gig_id).order_by("position", "created_at")
    return [
        {
            "id": str(row.pk),
            "question": row.question,
            "kind": row.kind,
            "choices": [str(choice) for choice in row.choices or []],
            "required": bool(row.required),
        }
        for row in rows
    ]


def _gig_description(item, quantity: int) -> str:
    lines = [item.description] if item.description else []
    included = item.details.get("included") or []
    if included:
        lines.append("\n".join(f"- {entry}" for entry in included))
    if quantity > 1:
        lines.append(_("Quantity: %(count)d") % {"count": quantity})
    return "\n\n".join(lines)[:MAX_DESCRIPTION]


def _quantity(quantity, maximum: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= maximum:
        raise ValidationFailed(
            _("Between 1 and %(max)d.") % {"max": maximum},
            code="invalid_quantity",
            details={"quantity": [_("Between 1 and %(max)d.") % {"max": maximum}]},
        )
    return quantity


def gig_id_of(contract) -> uuid.UUID | None:
    """The catalog gig a gig-order contract was bought from (None for other contracts)."""
    if contract is None or getattr(contract, "kind", None) != "gig":
        return None
    return GigOrder.objects.filter(contract_id=contract.pk).values_list("gig_id", flat=True).first()


# --- session bookings ---------------------------------------------------------------------------


def session_booking_create(
    *,
    contract_id,
    source_ref: str,
    client,
    provider,
    reservation,
    price: Money,
    actor=SYSTEM,
    cancellation_policy: str | None = None,
) -> Contract:
    """A paid session: ``scheduled``, completed automatically some hours after its end. Its
    cancellation policy is the one the offering had when the slot was reserved."""
    from craftwork.catalog.models import ReservationStatus, SlotReservation
    from craftwork.catalog.purchasable import purchasable_for, session_slot_ref

    contract_id = _uuid(contract_id)
    existing = _existing(contract_id, Source.SESSION_BOOKING, source_ref)
    if existing is not None:
        return existing
    with transaction.atomic():
        slot = (
            SlotReservation.objects.select_for_update(of=("self",))
            .select_related("offering")
            .filter(pk=getattr(reservation, "pk", None))
            .first()
        )
        _check_reservation(slot, client, provider, ReservationStatus.RESERVED)
        check_price(price, slot.currency, "price")
        item = purchasable_for("session_slot", session_slot_ref(slot.offering, slot.start))
        terms = ContractTerms(
            kind="session",
            currency=price.currency,
            amount=price,
            platform_fee_bps=_fee_bps(price.currency, item.category_slug),
            cancellation_policy=_policy(cancellation_policy or slot.cancellation_policy),
            review_window_days=None,
            category_slug=item.category_slug,
        )
        _check_funded(contract_id, price)
        contract = contract_create(
            source=Source.SESSION_BOOKING,
            source_ref=source_ref,
            client=client,
            provider=provider,
            title=slot.offering.topic[:200],
            description=(slot.offering.description or "")[:MAX_DESCRIPTION],
            terms=terms,
            actor=actor,
            contract_id=contract_id,
            initial_state=ContractState.SCHEDULED,
        )
        SessionBooking.objects.create(
            contract=contract,
            reservation=slot,
            offering_id=slot.offering_id,
            topic=slot.offering.topic[:120],
            starts_at=slot.start,
            ends_at=slot.end,
            mentor_timezone=str(item.details.get("mentor_timezone") or "UTC")[:64],
        )
        _start_timer(contract, session_process, timezone.now())
    return contract


def _check_reservation(slot, client, provider, reserved: str) -> None:
    if slot is None:
        raise ValidationFailed(_("This reservation does not exist."), code="reservation_not_found")
    if slot.client_id != client.pk or slot.mentor_id != provider.pk:
        raise ValidationFailed(
            _("This reservation belongs to someone else."), code="reservation_mismatch"
        )
    if slot.status != reserved:
        raise InvalidTransition(_("This slot is no longer reserved."), code="reservation_released")
    if slot.start <= timezone.now():
        raise InvalidTransition(_("This session time has passed."), code="session_in_past")
    if SessionBooking.objects.filter(reservation=slot).exists():
        raise Conflict(_("This reservation is already booked."), code="reservation_used")


# --- shared ---------------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("A contract id is required."),
            code="invalid_contract_id",
            details={"contract_id": [_("A UUID.")]},
        ) from None


def _existing(contract_id, source: str, source_ref: str) -> Contract | None:
    """The contract already created for this checkout line (a repeated call), else None;
    a clash with another contract is a Conflict."""
    found = Contract.objects.filter(source=source, source_ref=source_ref).first()
    if found is not None:
        if found.pk == contract_id:
            return found
        raise Conflict(_("A contract already exists for this."), code="contract_exists")
    if Contract.objects.filter(pk=contract_id).exists():
        raise Conflict(_("This contract id is already used."), code="contract_exists")
    return None


def _policy(value: str | None) -> str:
    value = value or DEFAULT_POLICY
    if value not in POLICIES:
        raise ValidationFailed(
            _("Unknown cancellation policy."),
            code="invalid_terms",
            details={"cancellation_policy": [_("Unknown cancellation policy.")]},
        )
    return value


def _fee_bps(currency: str, category_slug: str | None) -> int:
    from craftwork.payments.fees import fee_rates

    return fee_rates(currency, category_slug).platform_fee_bps


def _check_funded(contract_id, price: Money) -> None:
    from craftwork.payments.selectors import escrow_balance

    held = escrow_balance(f"contract:{contract_id}", price.currency)
    if held < price:
        raise InvalidTransition(
            _("The order is not paid yet."),
            code="contract_not_funded",
            details={"held": held.as_dict(), "price": price.as_dict()},
        )


def _start_timer(contract: Contract, contract_process, now) -> None:
    """The entry state's timer (the engine sets timers on transitions; creation is not one)."""
    contract.timer_due_at = process.next_timer(contract_process, contract, now)
    contract.save(update_fields=["timer_due_at", "started_at", "updated_at"])


# --- gig order actions (the contract page and the API call these) ---------------------------------


def gig_requirements_submit(*, contract: Contract, answers: dict, actor, now=None) -> Contract:
    """The buyer answers the seller's questions; the delivery clock starts."""
    return apply(contract, "submit_requirements", actor=actor, answers=answers, now=now)


def gig_deliver(*, contract: Contract, message: str, files=(), actor, now=None) -> Contract:
    """The seller delivers: a message and up to ten files (PDF or images, checked by content)."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(details={"message": [_("At most 5000 characters.")]})
    if not message:
        raise ValidationFailed(
            _("Write a message with the delivery."),
            code="note_required",
            details={"message": [_("This field is required.")]},
        )
    validate_files(files)
    return apply(contract, "deliver", actor=actor, note=message, files=list(files or []), now=now)


def gig_accept(*, contract: Contract, actor, now=None) -> Contract:
    return apply(contract, "accept", actor=actor, now=now)


def gig_request_revision(*, contract: Contract, note: str, actor, now=None) -> Contract:
    return apply(contract, "request_revision", actor=actor, note=note, now=now)


def gig_cancel_late(*, contract: Contract, actor, reason: str = "", now=None) -> Contract:
    return apply(contract, "cancel_late", actor=actor, note=reason, now=now)


# --- session actions ------------------------------------------------------------------------------


def session_confirm(*, contract: Contract, actor, now=None) -> Contract:
    return apply(contract, "confirm", actor=actor, now=now)


def session_cancel(*, contract: Contract, actor, reason: str = "", now=None) -> Contract:
    return apply(contract, "cancel", actor=actor, note=reason, now=now)


def session_cancel_preview(*, contract: Contract, actor, now=None) -> CancelPreview:
    """What cancelling now would refund and pay, for the actor's role (shown before cancelling)."""
    booking = _booking(contract)
    roles = process.roles_of(contract, actor)
    role = next((r for r in ("client", "provider", "staff") if r in roles), None)
    if role is None:
        raise PermissionDenied(_("You are not allowed to do this on this contract."))
    return cancellation_preview(contract, booking, role, now or timezone.now())


def session_report_absence(*, contract: Contract, actor, note: str = "", now=None) -> Contract:
    """After the start: the mentor reports the client absent, or the client the mentor."""
    role = contract.role_of(actor)
    if role is None:
        raise PermissionDenied(_("Only the two parties report an absence."))
    name = "report_client_absent" if role == "provider" else "report_mentor_absent"
    return apply(contract, name, actor=actor, note=note, now=now)


def session_contest_absence(*, contract: Contract, actor, reason: str, now=None) -> Contract:
    return apply(contract, "contest_absence", actor=actor, note=reason, now=now)


MAX_PLACE = 300
MAX_URL = 500


def session_location_set(
    *, contract: Contract, actor, meeting_url: str = "", meeting_place: str = ""
) -> SessionBooking:
    """The mentor says where to meet: a video-call link (http/https) and/or a place."""
    url, place = _clean_location(meeting_url, meeting_place)
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.kind != "session":
            raise InvalidTransition(_("This contract is not a session."), code="not_a_session")
        if actor is SYSTEM or getattr(actor, "pk", None) != locked.provider_id:
            raise PermissionDenied(_("Only the mentor sets where to meet."), code="not_provider")
        if locked.state != ContractState.SCHEDULED:
            raise InvalidTransition(
                _("The session is %(state)s.") % {"state": locked.get_state_display()},
                code="invalid_state",
                details={"state": locked.state},
            )
        booking = SessionBooking.objects.select_for_update().get(contract=locked)
        booking.meeting_url, booking.meeting_place = url, place
        booking.save(update_fields=["meeting_url", "meeting_place", "updated_at"])
        payload = process.event_payload(locked)
        audit(actor=actor, action="contracts.session.location_set", target=booking, details=payload)
        publish("contracts.session_location_set", payload=payload, actor=actor)
        process.notify_parties_on_commit(locked)
    return booking


def _clean_location(meeting_url, meeting_place) -> tuple[str, str]:
    errors = {}
    if not isinstance(meeting_url, str) or len(meeting_url) > MAX_URL:
        errors["meeting_url"] = [_("A link of at most 500 characters.")]
        url = ""
    else:
        url = meeting_url.strip()
        try:
            if url:
                URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            errors["meeting_url"] = [_("Enter a web address starting with https://.")]
    if not isinstance(meeting_place, str) or len(meeting_place) > 2 * MAX_PLACE:
        errors["meeting_place"] = [_("At most 300 characters.")]
        place = ""
    else:
        place = clean_text(meeting_place).replace("\n", " ")
        if len(place) > MAX_PLACE:
            errors["meeting_place"] = [_("At most 300 characters.")]
    if errors:
        raise ValidationFailed(details=errors)
    return url, place


def _booking(contract) -> SessionBooking:
    booking = SessionBooking.objects.filter(contract_id=contract.pk).first()
    if booking is None:
        raise NotFound(_("This contract is not a session."), code="not_a_session")
    return booking
