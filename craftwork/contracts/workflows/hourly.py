"""Hourly contracts: the contract process and the weekly timesheet process.

Money path (nothing is held in escrow between weeks):

1. the freelancer logs time (never in the future, never over the weekly limit) and submits
   the week: the timesheet freezes its minutes and amount = rate * minutes / 60, rounded
   half up to the minor unit;
2. the client approves it (or it is approved automatically after the review window), or
   rejects it with a comment (the freelancer fixes the logs and submits again);
3. the client pays the approved timesheet through checkout (purpose ``contract_funding``,
   reference ``timesheet:<uuid>``): when the charge succeeds payments posts ``escrow_fund``
   into the contract escrow and, in the same transaction, the ``pay`` transition releases it
   to the freelancer less the platform fee (key ``release:timesheet:<uuid>``).
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from craftwork.core.errors import InvalidTransition
from craftwork.core.money import Money

from .. import escrow
from ..models import ContractState as C
from ..models import TimeLog, Timesheet
from ..models import TimesheetState as S
from ..process import SYSTEM, Process, Timer, Transition, apply, money_effect
from . import common

AWAITING = {S.SUBMITTED, S.APPROVED}


def timesheet_amount(rate: Money, minutes: int) -> Money:
    """``rate * minutes / 60`` rounded half up to the minor unit."""
    return Money((rate.minor * minutes * 2 + 60) // 120, rate.currency)


def logged_minutes(timesheet) -> int:
    return TimeLog.objects.filter(timesheet=timesheet).aggregate(total=Sum("minutes"))["total"] or 0


# --- guards -----------------------------------------------------------------------------------


def has_time(ctx) -> None:
    """A timesheet needs logged time."""
    if logged_minutes(ctx.obj) <= 0:
        raise InvalidTransition(_("There is no time logged this week."), code="empty_timesheet")


def timesheets_settled(ctx) -> None:
    """No time is waiting to be submitted, reviewed or paid."""
    timesheets = Timesheet.objects.filter(contract=ctx.contract)
    if timesheets.filter(state__in=AWAITING).exists():
        raise InvalidTransition(
            _("A timesheet is waiting for review or payment."), code="timesheets_pending"
        )
    unsubmitted = timesheets.filter(state__in=[S.OPEN, S.REJECTED], time_logs__isnull=False)
    if unsubmitted.exists():
        raise InvalidTransition(
            _("Logged time has not been submitted yet (or was rejected and not resubmitted)."),
            code="time_not_submitted",
        )


# --- effects ----------------------------------------------------------------------------------


def freeze_timesheet(ctx) -> None:
    timesheet = ctx.obj
    timesheet.minutes = logged_minutes(timesheet)
    timesheet.amount_minor = timesheet_amount(ctx.contract.hourly_rate, timesheet.minutes).minor
    timesheet.save(update_fields=["minutes", "amount_minor"])


def record_rejection(ctx) -> None:
    ctx.obj.reject_comment = ctx.note
    ctx.obj.save(update_fields=["reject_comment"])


@money_effect(
    "Client's charge lands in escrow (payments checkout), then escrow → freelancer less the "
    "platform fee, in the same transaction (once per timesheet)"
)
def pay_timesheet(ctx) -> None:
    timesheet = ctx.obj
    escrow.release(
        ctx.contract,
        timesheet.amount,
        key=f"release:{timesheet.ref}",
        actor=ctx.actor,
        item=timesheet,
    )
    timesheet.payment_ref = str(ctx.params.get("payment_ref", ""))[:64]
    timesheet.save(update_fields=["payment_ref"])


def start_contract(ctx) -> None:
    if ctx.contract.state == C.ACTIVE:
        apply(ctx.contract, "start", actor=SYSTEM, now=ctx.now)


# --- the tables ---------------------------------------------------------------------------------

T = Transition
PARTIES = {"client", "provider"}
REVIEW_TIMER = Timer(
    delay=common.review_window,
    description="review window (contract review_window_days, default 14) after submission",
)

timesheet_process = Process(
    name="timesheet",
    subject="timesheet",
    description=(
        "One week (Monday to Sunday in the freelancer's time zone) of an hourly contract: "
        "submitted, reviewed, charged to the client through checkout and paid out. "
        "Amount = rate * minutes / 60, rounded half up to the minor unit."
    ),
    states=[s.value for s in S],
    initial=S.OPEN,
    transitions=[
        T("submit", [S.OPEN, S.REJECTED], S.SUBMITTED, {"provider"},
          guards=(common.contract_open, has_time), effect=freeze_timesheet,
          label=_lazy("Submit timesheet"), event="contracts.timesheet_submitted",
          then=(start_contract,), style="primary"),
        T("approve", [S.SUBMITTED], S.APPROVED, {"client"}, guards=(common.contract_open,),
          label=_lazy("Approve"), event="contracts.timesheet_approved", style="primary"),
        T("auto_approve", [S.SUBMITTED], S.APPROVED, {"system"}, guards=(common.contract_open,),
          timer=REVIEW_TIMER, label=_lazy("Approved automatically"),
          event="contracts.timesheet_approved"),
        T("reject", [S.SUBMITTED], S.REJECTED, {"client"}, guards=(common.contract_open,),
          effect=record_rejection, note_required=True, label=_lazy("Reject"),
          event="contracts.timesheet_rejected", style="danger"),
        T("pay", [S.APPROVED], S.PAID, {"system"}, effect=pay_timesheet, label=_lazy("Paid"),
          event="contracts.timesheet_paid"),
    ],
)  # fmt: skip

hourly_process = Process(
    name="hourly",
    description=(
        "An hourly contract: weekly timesheets are reviewed and paid one by one, so nothing "
        "is held in escrow between weeks and cancelling refunds nothing. Ending or "
        "cancelling needs every logged hour submitted, reviewed and paid (or removed)."
    ),
    states=[C.ACTIVE, C.IN_PROGRESS, C.COMPLETED, C.CANCELLED],
    initial=C.ACTIVE,
    transitions=[
        T("start", [C.ACTIVE], C.IN_PROGRESS, {"provider", "system"}, effect=common.mark_started,
          label=_lazy("Start work"), event="contracts.started", style="primary"),
        T("end", [C.IN_PROGRESS], C.COMPLETED, PARTIES, guards=(timesheets_settled,),
          effect=common.mark_completed, label=_lazy("End contract"),
          event="contracts.completed"),
        T("cancel", [C.ACTIVE, C.IN_PROGRESS], C.CANCELLED, {*PARTIES, "staff"},
          guards=(timesheets_settled,), effect=common.mark_cancelled, note_required=True,
          label=_lazy("Cancel contract"), event="contracts.cancelled", style="danger"),
    ],
)  # fmt: skip
