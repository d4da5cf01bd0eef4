"""Mentorship sessions: the contract process of a session slot bought through checkout.

The contract is created already paid and ``scheduled`` (``craftwork.contracts.orders.
session_booking_create``); its ``SessionBooking`` row keeps the reserved slot, the times and
where the two parties meet (a link or a place, set by the mentor, shown to the parties only).

Money (the whole price is in the escrow ``contract:<uuid>`` until one of these):

* completed (the client confirms after the end, or automatically ``SESSION_AUTO_COMPLETE_HOURS``
  after the end, default 24): released to the mentor less the platform fee;
* cancelled by the client at least 24 hours before the start: full refund;
* cancelled by the client later (but before the start): split by the contract's policy:
  flexible refunds 100 %, moderate 50 % (an odd minor unit goes to the client), strict 0 %;
  the rest is released to the mentor less the platform fee. After the start the client can no
  longer cancel (``session_already_started``);
* cancelled by the mentor (any time while scheduled) or staff: full refund;
* the mentor reports the client absent (after the start): released to the mentor;
* the client reports the mentor absent (after the start): the mentor has
  ``SESSION_ABSENCE_CONTEST_HOURS`` (default 48) to contest it, which opens a dispute for staff;
  uncontested, the client is refunded in full by a timer. The client may also take the report
  back by confirming the session (the mentor is paid).

Cancelling releases the catalog slot (``catalog.services.slot_release``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from craftwork.core.errors import InvalidTransition
from craftwork.core.money import Money

from .. import escrow
from ..models import AbsentParty, SessionBooking
from ..models import ContractState as C
from ..process import Process, Timer, Transition, money_effect
from . import common
from .fixed import POLICY_REFUND_BPS

FREE_CANCELLATION_HOURS = 24


def auto_complete_hours() -> int:
    return int(getattr(settings, "SESSION_AUTO_COMPLETE_HOURS", 24))


def contest_hours() -> int:
    return int(getattr(settings, "SESSION_ABSENCE_CONTEST_HOURS", 48))


def booking_of(ctx) -> SessionBooking:
    """The contract's booking row, locked (after the contract row: the engine's order)."""
    return SessionBooking.objects.select_for_update().get(contract=ctx.contract)


def _booking(contract) -> SessionBooking:
    return SessionBooking.objects.get(contract=contract)


def session_ref(contract) -> str:
    return f"session:{contract.pk}"


# --- the cancellation rules -------------------------------------------------------------------


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling now would do: ``rule`` is a stable code, ``message`` explains it."""

    to_client: Money
    to_provider: Money
    rule: str  # free, policy, mentor, staff, started
    message: str
    allowed: bool = True

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "rule": self.rule,
            "message": self.message,
            "to_client": self.to_client.as_dict(),
            "to_provider": self.to_provider.as_dict(),
        }


def cancellation_preview(contract, booking, role: str, now) -> CancelPreview:
    amount = escrow.held(contract)  # the price, less any refund made outside the contract flow
    zero = Money.zero(amount.currency)
    if role == "provider":
        return CancelPreview(amount, zero, "mentor", _("The client is refunded in full."))
    if role != "client":
        return CancelPreview(amount, zero, "staff", _("The client is refunded in full."))
    if now >= booking.starts_at:
        return CancelPreview(
            zero, zero, "started", _("The session has started: it can no longer be cancelled."),
            allowed=False,
        )  # fmt: skip
    if booking.starts_at - now >= timedelta(hours=FREE_CANCELLATION_HOURS):
        return CancelPreview(
            amount, zero, "free", _("More than 24 hours before the start: full refund.")
        )
    refund_bps = POLICY_REFUND_BPS[contract.cancellation_policy]
    to_client, to_provider = amount.allocate([refund_bps, 10_000 - refund_bps])
    message = _(
        "Less than 24 hours before the start: under the %(policy)s policy you get "
        "%(refund)s back and the mentor is paid %(paid)s."
    ) % {
        "policy": contract.get_cancellation_policy_display().lower(),
        "refund": to_client.format(),
        "paid": to_provider.format(),
    }
    return CancelPreview(to_client, to_provider, "policy", message)


# --- timers -------------------------------------------------------------------------------------


def auto_complete_at(contract):
    booking = SessionBooking.objects.filter(contract=contract).only("ends_at").first()
    if booking is None:
        return None
    return booking.ends_at + timedelta(hours=auto_complete_hours())


def contest_window(contract) -> timedelta:
    return timedelta(hours=contest_hours())


# --- guards -------------------------------------------------------------------------------------


def session_started(ctx) -> None:
    """Absence is reported once the session has started."""
    if ctx.now < _booking(ctx.contract).starts_at:
        raise InvalidTransition(_("The session has not started yet."), code="session_not_started")


def session_ended(ctx) -> None:
    """A session is confirmed once it is over."""
    if ctx.now < _booking(ctx.contract).ends_at:
        raise InvalidTransition(
            _("You can confirm the session once it is over."), code="session_not_ended"
        )


def client_before_start(ctx) -> None:
    """The client cancels before the start; the mentor and staff at any time."""
    if ctx.role == "client" and ctx.now >= _booking(ctx.contract).starts_at:
        raise InvalidTransition(
            _("The session has started: it can no longer be cancelled."),
            code="session_already_started",
        )


# --- effects ------------------------------------------------------------------------------------


def _release(ctx) -> None:
    contract = ctx.contract
    amount = escrow.held(contract)
    if amount.is_positive:
        escrow.release(contract, amount, key=f"release:{session_ref(contract)}", actor=ctx.actor)


@money_effect("Escrow → mentor: the session price less the platform fee (once per session)")
def complete_session(ctx) -> None:
    booking = booking_of(ctx)
    if ctx.role == "client":
        booking.confirmed_at = ctx.now
        booking.absent_party = ""  # a client who reported the mentor absent takes it back
        booking.save(update_fields=["confirmed_at", "absent_party", "updated_at"])
    _release(ctx)
    common.mark_completed(ctx)


@money_effect(
    "Client ≥ 24 h before the start: full refund; client later: refund by policy (flexible "
    "100 %, moderate 50 %, strict 0 %), the rest released to the mentor less the fee; mentor "
    "or staff: full refund. The slot is released"
)
def cancel_session(ctx) -> None:
    from craftwork.catalog.services import slot_release

    contract, booking = ctx.contract, booking_of(ctx)
    preview = cancellation_preview(contract, booking, ctx.role, ctx.now)
    escrow.settle(
        contract,
        to_provider=preview.to_provider,
        to_client=preview.to_client,
        key=f"cancel:{session_ref(contract)}",
        reason=ctx.note or "session cancelled",
        actor=ctx.actor,
    )
    slot_release(
        reservation=booking.reservation, actor=None, reason=f"session cancelled by {ctx.role}"
    )
    common.mark_cancelled(ctx)


@money_effect("Escrow → mentor: the session price less the platform fee")
def client_absent(ctx) -> None:
    booking = booking_of(ctx)
    booking.absent_party = AbsentParty.CLIENT
    booking.absence_reported_at = ctx.now
    booking.save(update_fields=["absent_party", "absence_reported_at", "updated_at"])
    _release(ctx)


def mentor_absent(ctx) -> None:
    booking = booking_of(ctx)
    booking.absent_party = AbsentParty.PROVIDER
    booking.absence_reported_at = ctx.now
    booking.save(update_fields=["absent_party", "absence_reported_at", "updated_at"])


@money_effect("Escrow → client: the session price is refunded in full")
def refund_absence(ctx) -> None:
    contract = ctx.contract
    amount = escrow.held(contract)
    if amount.is_positive:
        escrow.refund(
            contract,
            amount,
            key=f"refund:{session_ref(contract)}",
            reason="mentor absent",
            actor=ctx.actor,
        )


def refunded_outside(ctx) -> None:
    """Refunded in full outside the session's process: the slot is free again."""
    from craftwork.catalog.services import slot_release

    booking = booking_of(ctx)
    slot_release(reservation=booking.reservation, actor=None, reason="session refunded")
    common.mark_cancelled(ctx)


@money_effect("The session price is frozen: a payments dispute is opened for it")
def open_dispute(ctx) -> None:
    common.open_contract_dispute(ctx, booking_of(ctx))


# --- the table ----------------------------------------------------------------------------------

NOTES = {  # the Notes column of docs/processes.md
    "confirm": (
        "After the end only (`session_not_ended`). From `absence_reported` it withdraws the "
        "client's report"
    ),
    "auto_complete": "Same money effect and key as `confirm`: a race releases once",
    "cancel": (
        "The client only before the start (`session_already_started`); the page and `GET "
        "…/session/cancel-preview/` show the split first. Releases the catalog slot"
    ),
    "report_client_absent": "After the start only (`session_not_started`)",
    "report_mentor_absent": "After the start only; starts the contest window",
    "refund_absence": "The mentor did not contest within the window",
    "contest_absence": "Opens a payments dispute about `contract:<uuid>` for the whole price",
}

T = Transition
AUTO_COMPLETE_TIMER = Timer(
    delay=auto_complete_at,
    description="SESSION_AUTO_COMPLETE_HOURS (default 24) after the session's end",
)
CONTEST_TIMER = Timer(
    delay=contest_window,
    description="SESSION_ABSENCE_CONTEST_HOURS (default 48) after the client's report",
)

session_process = Process(
    name="session",
    description=(
        "A booked mentorship session, created already paid and `scheduled` by checkout "
        "(`craftwork.contracts.orders.session_booking_create`). The client confirms it after "
        "the end (`confirm`), or it completes automatically `SESSION_AUTO_COMPLETE_HOURS` "
        "(default 24) after the end: the price is released to the mentor less the platform "
        "fee. `cancel`: the client, before the start only: at least 24 hours before, full "
        "refund; later, the contract's policy splits the price exactly (flexible: 100 % "
        "refunded; moderate: 50 %, an odd minor unit to the client; strict: 0 %), the rest "
        "released to the mentor less the fee; the mentor (any time while scheduled) or staff: "
        "full refund. Cancelling releases the catalog slot. After the start, the mentor may "
        "report the client absent (`report_client_absent`: the mentor is paid); the client may "
        "report the mentor absent (`report_mentor_absent`): uncontested for "
        "`SESSION_ABSENCE_CONTEST_HOURS` (default 48) the client is refunded in full "
        "(`refund_absence`); the mentor may contest (`contest_absence`), which opens a dispute "
        "for staff (`resolve_*`); the client may take the report back by confirming."
    ),
    states=[C.SCHEDULED, C.COMPLETED, C.CANCELLED, C.ABSENCE_REPORTED, C.NO_SHOW, C.DISPUTED],
    initial=C.SCHEDULED,
    transitions=[
        T("confirm", [C.SCHEDULED, C.ABSENCE_REPORTED], C.COMPLETED, {"client"},
          guards=(session_ended,), effect=complete_session, label=_lazy("Confirm the session"),
          doc=NOTES["confirm"],
          event="contracts.completed", style="primary"),
        T("auto_complete", [C.SCHEDULED], C.COMPLETED, {"system"}, effect=complete_session,
          timer=AUTO_COMPLETE_TIMER, label=_lazy("Completed automatically"),
          doc=NOTES["auto_complete"],
          event="contracts.completed"),
        T("cancel", [C.SCHEDULED], C.CANCELLED, {"client", "provider", "staff"},
          guards=(client_before_start,), effect=cancel_session,
          label=_lazy("Cancel the session"), event="contracts.cancelled", style="danger",
          generic=False,
          doc=NOTES["cancel"]),
        T("report_client_absent", [C.SCHEDULED], C.NO_SHOW, {"provider"},
          guards=(session_started,), effect=client_absent,
          label=_lazy("Report the client absent"), event="contracts.session_no_show",
          doc=NOTES["report_client_absent"]),
        T("report_mentor_absent", [C.SCHEDULED], C.ABSENCE_REPORTED, {"client"},
          guards=(session_started,), effect=mentor_absent,
          label=_lazy("Report the mentor absent"),
          doc=NOTES["report_mentor_absent"],
          event="contracts.session_absence_reported"),
        T("refund_absence", [C.ABSENCE_REPORTED], C.NO_SHOW, {"system"}, effect=refund_absence,
          timer=CONTEST_TIMER, label=_lazy("Refunded: the mentor did not contest"),
          doc=NOTES["refund_absence"],
          event="contracts.session_no_show"),
        T("contest_absence", [C.ABSENCE_REPORTED], C.DISPUTED, {"provider"},
          effect=open_dispute, note_required=True, label=_lazy("Contest the report"),
          doc=NOTES["contest_absence"],
          event="contracts.disputed", style="danger"),
        *common.dispute_resolutions(),
        *common.outside_money_transitions(
            [C.SCHEDULED, C.ABSENCE_REPORTED], frozen=C.DISPUTED, resumed=C.SCHEDULED,
            refunded=C.CANCELLED,
            on_freeze=lambda ctx: common.record_chargeback(ctx, booking_of(ctx)),
            on_refunded=refunded_outside,
        ),
    ],
)  # fmt: skip
