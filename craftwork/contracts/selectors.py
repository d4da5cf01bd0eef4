"""Reads, scoped to the contracts the user is a party to; any other id is NotFound (404)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from craftwork.core.errors import DomainError, NotFound

from . import process
from .models import (
    Contract,
    ContractEvent,
    ContractState,
    Delivery,
    DeliveryFile,
    GigDelivery,
    GigDeliveryFile,
    GigOrder,
    Milestone,
    MilestoneState,
    SessionBooking,
    TimeLog,
    Timesheet,
    TimesheetState,
)
from .workflows.common import ensure_open


def contracts_for(user, *, state: str | None = None, role: str | None = None) -> QuerySet[Contract]:
    """The user's contracts as client or freelancer, newest first (``role``: client/provider)."""
    if not getattr(user, "is_authenticated", False):
        return Contract.objects.none()
    if role == "client":
        scope = Q(client=user)
    elif role == "provider":
        scope = Q(provider=user)
    else:
        scope = Q(client=user) | Q(provider=user)
    queryset = Contract.objects.filter(scope)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.select_related("client", "provider", "organization").order_by(
        "-created_at", "-pk"
    )


def is_participant(user, contract: Contract) -> bool:
    return getattr(user, "is_authenticated", False) and user.pk in (
        contract.client_id,
        contract.provider_id,
    )


def _not_found() -> NotFound:
    return NotFound(_("Contract not found."), code="contract_not_found")


def contract_for_participant(user, pk) -> Contract:
    contract = contracts_for(user).filter(pk=pk).first()
    if contract is None:
        raise _not_found()
    return contract


def contract_detail(user, pk) -> Contract:
    """The contract with its milestones (deliveries, files), timesheets and history."""
    files = Prefetch("files", queryset=DeliveryFile.objects.order_by("created_at"))
    deliveries = Prefetch(
        "deliveries",
        queryset=Delivery.objects.select_related("submitted_by").prefetch_related(files),
    )
    queryset = contracts_for(user).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.prefetch_related(deliveries)),
        Prefetch(
            "timesheets", queryset=Timesheet.objects.annotate(logged=Sum("time_logs__minutes"))
        ),
        Prefetch("history", queryset=ContractEvent.objects.select_related("actor")),
    )
    contract = queryset.filter(pk=pk).first()
    if contract is None:
        raise _not_found()
    for milestone in contract.milestones.all():
        milestone.contract = contract
    for timesheet in contract.timesheets.all():
        timesheet.contract = contract
    return contract


def _item(model, user, contract_pk, pk):
    contract = contract_for_participant(user, contract_pk)
    item = model.objects.filter(contract=contract, pk=pk).first()
    if item is None:
        raise NotFound(code="not_found")
    item.contract = contract
    return item


def milestone_for_participant(user, contract_pk, pk) -> Milestone:
    return _item(Milestone, user, contract_pk, pk)


def timesheet_for_participant(user, contract_pk, pk) -> Timesheet:
    return _item(Timesheet, user, contract_pk, pk)


def timelog_for_participant(user, contract_pk, pk) -> TimeLog:
    return _item(TimeLog, user, contract_pk, pk)


def delivery_file_for_participant(user, contract_pk, pk) -> DeliveryFile:
    contract = contract_for_participant(user, contract_pk)
    stored = DeliveryFile.objects.filter(delivery__milestone__contract=contract, pk=pk).first()
    if stored is None:
        raise NotFound(code="not_found")
    return stored


def gig_delivery_file_for_participant(user, contract_pk, pk) -> GigDeliveryFile:
    contract = contract_for_participant(user, contract_pk)
    stored = GigDeliveryFile.objects.filter(delivery__order__contract=contract, pk=pk).first()
    if stored is None:
        raise NotFound(code="not_found")
    return stored


def gig_order_of(contract: Contract) -> GigOrder | None:
    """The order row of a gig contract with its deliveries and files (None for other kinds)."""
    if contract.kind != "gig":
        return None
    files = Prefetch("files", queryset=GigDeliveryFile.objects.order_by("created_at"))
    deliveries = Prefetch(
        "deliveries",
        queryset=GigDelivery.objects.select_related("submitted_by").prefetch_related(files),
    )
    order = GigOrder.objects.prefetch_related(deliveries).filter(contract=contract).first()
    if order is not None:
        order.contract = contract
    return order


def session_booking_of(contract: Contract) -> SessionBooking | None:
    """The booking of a session contract (None for other kinds). Only the parties reach it:
    callers got ``contract`` from a participant selector."""
    if contract.kind != "session":
        return None
    booking = SessionBooking.objects.filter(contract=contract).first()
    if booking is not None:
        booking.contract = contract
    return booking


def time_logs(contract: Contract) -> QuerySet[TimeLog]:
    return contract.time_logs.select_related("timesheet").order_by("-date", "-created_at")


def history(contract: Contract) -> QuerySet[ContractEvent]:
    return contract.history.select_related("actor").order_by("created_at", "id")


# --- what this user may do right now --------------------------------------------------------


@dataclass
class Actions:
    """Everything the page shows as a button or form, and nothing else."""

    contract: list = field(default_factory=list)
    milestones: dict = field(default_factory=dict)  # milestone pk -> [Transition]
    timesheets: dict = field(default_factory=dict)  # timesheet pk -> [Transition]
    fundable: set = field(default_factory=set)  # milestone pks the user can pay into escrow
    payable: set = field(default_factory=set)  # timesheet pks the user can pay
    can_propose_milestone: bool = False
    can_log_time: bool = False
    can_set_session_location: bool = False

    def as_dict(self) -> dict:
        names = lambda transitions: [t.name for t in transitions]  # noqa: E731
        return {
            "contract": names(self.contract),
            "milestones": {str(pk): names(ts) for pk, ts in self.milestones.items() if ts},
            "timesheets": {str(pk): names(ts) for pk, ts in self.timesheets.items() if ts},
            "fund_milestones": sorted(str(pk) for pk in self.fundable),
            "pay_timesheets": sorted(str(pk) for pk in self.payable),
            "propose_milestone": self.can_propose_milestone,
            "log_time": self.can_log_time,
            "set_session_location": self.can_set_session_location,
        }


def available_actions(contract: Contract, user) -> Actions:
    actions = Actions(contract=process.available_transitions(contract, user))
    role = contract.role_of(user)
    is_open = _is_open(contract)
    for milestone in contract.milestones.all():
        milestone.contract = contract
        actions.milestones[milestone.pk] = process.available_transitions(milestone, user)
        if role == "client" and is_open and milestone.state == MilestoneState.PENDING_FUNDING:
            actions.fundable.add(milestone.pk)
    for timesheet in contract.timesheets.all():
        timesheet.contract = contract
        actions.timesheets[timesheet.pk] = process.available_transitions(timesheet, user)
        if role == "client" and timesheet.state == TimesheetState.APPROVED:
            actions.payable.add(timesheet.pk)
    actions.can_propose_milestone = bool(
        role and is_open and contract.kind == "fixed" and process.has_process("milestone")
    )
    actions.can_log_time = (
        role == "provider"
        and contract.kind == "hourly"
        and contract.state in (ContractState.ACTIVE, ContractState.IN_PROGRESS)
    )
    actions.can_set_session_location = (
        role == "provider"
        and contract.kind == "session"
        and contract.state == ContractState.SCHEDULED
    )
    return actions


def _is_open(contract) -> bool:
    try:
        ensure_open(contract)
    except DomainError:
        return False
    return True


def week_minutes(contract: Contract) -> dict:
    """Logged minutes per week start (for the weekly limit shown next to the form)."""
    rows = contract.time_logs.values("timesheet__week_start").annotate(total=Sum("minutes"))
    return {row["timesheet__week_start"]: row["total"] for row in rows}
