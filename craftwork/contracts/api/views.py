"""The contracts API. Every write calls the same services as the web pages; a contract
(or item) of someone else is a 404; money-moving POSTs honour Idempotency-Key."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.params import choice_param
from craftwork.core.api.parsers import JSONParser, MultiPartParser
from craftwork.core.errors import ValidationFailed
from craftwork.core.idempotency import idempotent
from craftwork.core.money import Money

from .. import selectors, services
from ..models import ContractState
from ..views import file_response
from ..workflows.session import cancellation_preview
from . import serializers as s

TAG = "contracts"


def _detail_response(request, pk, status_code=status.HTTP_200_OK):
    contract = selectors.contract_detail(request.user, pk)
    actions = selectors.available_actions(contract, request.user)
    context = {"request": request, "actions": actions, **order_context(contract, request.user)}
    data = s.ContractDetailOutput(contract, context=context).data
    return Response(data, status=status_code)


def order_context(contract, user) -> dict:
    """The gig order or session booking (with the caller's cancellation preview) to serialize."""
    context = {"gig_order": selectors.gig_order_of(contract)}
    booking = selectors.session_booking_of(contract)
    context["session"] = booking
    role = contract.role_of(user)
    if booking is not None and role and contract.state == ContractState.SCHEDULED:
        context["cancel_preview"] = cancellation_preview(contract, booking, role, timezone.now())
    return context


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _amount(text: str, currency: str, field: str = "amount") -> Money:
    try:
        return Money.parse(text, currency)
    except ValidationFailed as exc:
        exc.details = {field: [exc.message]}
        raise


@extend_schema(
    tags=[TAG],
    summary="My contracts (as client or freelancer)",
    parameters=[
        OpenApiParameter("state", str, enum=ContractState.values, description="Only this state."),
        OpenApiParameter(
            "role", str, enum=["client", "provider"], description="Only as this party."
        ),
    ],
)
class ContractListApi(generics.ListAPIView):
    serializer_class = s.ContractListOutput
    filter_backends: list = []

    def get_queryset(self):
        state = choice_param(self.request, "state", ContractState.values)
        role = choice_param(self.request, "role", ("client", "provider"))
        return selectors.contracts_for(self.request.user, state=state, role=role)


@extend_schema(tags=[TAG])
class ContractDetailApi(APIView):
    @extend_schema(
        summary="A contract: terms, milestones, timesheets, history and what I may do now",
        responses=s.ContractDetailOutput,
    )
    def get(self, request, pk):
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class ContractTransitionApi(APIView):
    @extend_schema(
        summary="Run an allowed transition on the contract, a milestone or a timesheet",
        description="`transition` is one of the names in `available_transitions`; give "
        "`milestone` or `timesheet` to act on that item. Refused with `permission_denied` "
        "(wrong party) or `invalid_transition` (wrong state); nothing changes then.",
        request=s.ContractTransitionInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractTransitionInput, request)
        contract = selectors.contract_for_participant(request.user, pk)
        obj = contract
        if "milestone" in data:
            obj = selectors.milestone_for_participant(request.user, pk, data["milestone"])
        elif "timesheet" in data:
            obj = selectors.timesheet_for_participant(request.user, pk, data["timesheet"])
        services.contract_transition(
            obj=obj, transition=data["transition"], actor=request.user, note=data["note"]
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class ContractCancelApi(APIView):
    @extend_schema(
        summary="Cancel the contract with a reason (refunds per the cancellation policy)",
        request=s.ContractCancelInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractCancelInput, request)
        contract = selectors.contract_for_participant(request.user, pk)
        services.contract_cancel(contract=contract, actor=request.user, reason=data["reason"])
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class ContractDisputeApi(APIView):
    @extend_schema(
        summary="Open a dispute on a funded milestone (freezes the contract's money)",
        request=s.ContractDisputeInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractDisputeInput, request)
        milestone = selectors.milestone_for_participant(request.user, pk, data["milestone"])
        services.milestone_dispute(
            milestone=milestone,
            reason=data["reason"],
            evidence_text=data["evidence_text"],
            actor=request.user,
        )
        return _detail_response(request, pk)


# --- milestones -----------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class MilestoneListApi(APIView):
    @extend_schema(
        summary="The contract's milestones", responses=s.ContractMilestoneOutput(many=True)
    )
    def get(self, request, pk):
        contract = selectors.contract_detail(request.user, pk)
        data = s.ContractMilestoneOutput(
            contract.milestones.all(), many=True, context={"request": request}
        )
        return Response(data.data)

    @extend_schema(
        summary="Propose a milestone (the other party agrees before it can be funded)",
        request=s.ContractMilestoneInput,
        responses={201: s.ContractMilestoneOutput},
    )
    def post(self, request, pk):
        data = _valid(s.ContractMilestoneInput, request)
        contract = selectors.contract_for_participant(request.user, pk)
        milestone = services.milestone_propose(
            contract=contract,
            title=data["title"],
            amount=_amount(data["amount"], contract.currency),
            due_date=data["due_date"],
            description=data["description"],
            actor=request.user,
        )
        return _milestone_response(request, pk, milestone.pk, status.HTTP_201_CREATED)


def _milestone_response(request, pk, milestone_pk, status_code=status.HTTP_200_OK):
    contract = selectors.contract_detail(request.user, pk)
    milestone = next(m for m in contract.milestones.all() if m.pk == milestone_pk)
    return Response(
        s.ContractMilestoneOutput(milestone, context={"request": request}).data, status=status_code
    )


@extend_schema(tags=[TAG])
class MilestoneDetailApi(APIView):
    @extend_schema(summary="A milestone with its deliveries", responses=s.ContractMilestoneOutput)
    def get(self, request, pk, milestone_pk):
        selectors.milestone_for_participant(request.user, pk, milestone_pk)
        return _milestone_response(request, pk, milestone_pk)

    @extend_schema(
        summary="Change a milestone you proposed, until it is agreed",
        request=s.ContractMilestoneUpdateInput,
        responses=s.ContractMilestoneOutput,
    )
    def patch(self, request, pk, milestone_pk):
        data = _valid(s.ContractMilestoneUpdateInput, request)
        milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
        if "amount" in data:
            data["amount"] = _amount(data["amount"], milestone.contract.currency)
        services.milestone_update(milestone=milestone, actor=request.user, **data)
        return _milestone_response(request, pk, milestone_pk)


def _milestone_transition_view(name: str, summary: str, input_class, note_field: str | None):
    @extend_schema(
        tags=[TAG], summary=summary, request=input_class, responses=s.ContractMilestoneOutput
    )
    @idempotent
    def post(self, request, pk, milestone_pk):
        data = _valid(input_class, request)
        milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
        note = data.get(note_field, "") if note_field else ""
        services.contract_transition(obj=milestone, transition=name, actor=request.user, note=note)
        return _milestone_response(request, pk, milestone_pk)

    return type(f"Milestone{name.title().replace('_', '')}Api", (APIView,), {"post": post})


MilestoneAgreeApi = _milestone_transition_view(
    "agree", "Agree to a milestone the other party proposed", s.ContractNoteInput, "note"
)
MilestoneApproveApi = _milestone_transition_view(
    "approve", "Approve a submitted milestone: its escrow is released", s.ContractNoteInput, "note"
)
MilestoneRequestChangesApi = _milestone_transition_view(
    "request_changes",
    "Ask for changes to a submitted milestone",
    s.ContractRequiredNoteInput,
    "note",
)


@extend_schema(tags=[TAG])
class MilestoneFundApi(APIView):
    @extend_schema(
        summary="Pay an agreed milestone into escrow: returns the checkout_url to send the payer to",
        request=None,
        responses={201: s.ContractPaymentOutput},
    )
    @idempotent
    def post(self, request, pk, milestone_pk):
        milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
        payment = services.milestone_fund_start(
            milestone=milestone,
            actor=request.user,
            attempt=request.headers.get("Idempotency-Key", ""),
        )
        return Response(s.ContractPaymentOutput(payment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class MilestoneSubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="Deliver a milestone: a message and up to 10 files (multipart)",
        request={
            "multipart/form-data": s.ContractSubmitInput,
            "application/json": s.ContractSubmitInput,
        },
        responses=s.ContractMilestoneOutput,
    )
    @idempotent
    def post(self, request, pk, milestone_pk):
        data = _valid(s.ContractSubmitInput, request)
        milestone = selectors.milestone_for_participant(request.user, pk, milestone_pk)
        services.milestone_submit(
            milestone=milestone, message=data["message"], files=data["files"], actor=request.user
        )
        return _milestone_response(request, pk, milestone_pk)


# --- time logs and timesheets -------------------------------------------------------------


@extend_schema(tags=[TAG])
class TimeLogListApi(APIView):
    @extend_schema(
        summary="The contract's time logs, newest first",
        responses=s.ContractTimeLogOutput(many=True),
    )
    def get(self, request, pk):
        contract = selectors.contract_for_participant(request.user, pk)
        return Response(s.ContractTimeLogOutput(selectors.time_logs(contract), many=True).data)

    @extend_schema(
        summary="Log time (freelancer; not in the future, within the weekly limit)",
        request=s.ContractTimeLogInput,
        responses={201: s.ContractTimeLogOutput},
    )
    def post(self, request, pk):
        data = _valid(s.ContractTimeLogInput, request)
        contract = selectors.contract_for_participant(request.user, pk)
        log = services.timelog_create(contract=contract, actor=request.user, **data)
        return Response(s.ContractTimeLogOutput(log).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class TimeLogDetailApi(APIView):
    @extend_schema(summary="A time log", responses=s.ContractTimeLogOutput)
    def get(self, request, pk, log_pk):
        log = selectors.timelog_for_participant(request.user, pk, log_pk)
        return Response(s.ContractTimeLogOutput(log).data)

    @extend_schema(
        summary="Change a time log of an open week",
        request=s.ContractTimeLogUpdateInput,
        responses=s.ContractTimeLogOutput,
    )
    def patch(self, request, pk, log_pk):
        data = _valid(s.ContractTimeLogUpdateInput, request)
        log = selectors.timelog_for_participant(request.user, pk, log_pk)
        log = services.timelog_update(log=log, actor=request.user, **data)
        return Response(s.ContractTimeLogOutput(log).data)

    @extend_schema(summary="Delete a time log of an open week", responses={204: None})
    def delete(self, request, pk, log_pk):
        log = selectors.timelog_for_participant(request.user, pk, log_pk)
        services.timelog_delete(log=log, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class TimesheetListApi(APIView):
    @extend_schema(
        summary="The contract's weekly timesheets", responses=s.ContractTimesheetOutput(many=True)
    )
    def get(self, request, pk):
        contract = selectors.contract_detail(request.user, pk)
        return Response(s.ContractTimesheetOutput(contract.timesheets.all(), many=True).data)


def _timesheet_response(request, pk, timesheet_pk):
    contract = selectors.contract_detail(request.user, pk)
    timesheet = next(t for t in contract.timesheets.all() if t.pk == timesheet_pk)
    return Response(s.ContractTimesheetOutput(timesheet).data)


def _timesheet_transition_view(name: str, summary: str, input_class, note_field: str | None):
    @extend_schema(
        tags=[TAG], summary=summary, request=input_class, responses=s.ContractTimesheetOutput
    )
    @idempotent
    def post(self, request, pk, timesheet_pk):
        data = _valid(input_class, request) if input_class else {}
        timesheet = selectors.timesheet_for_participant(request.user, pk, timesheet_pk)
        note = data.get(note_field, "") if note_field else ""
        services.contract_transition(obj=timesheet, transition=name, actor=request.user, note=note)
        return _timesheet_response(request, pk, timesheet_pk)

    return type(f"Timesheet{name.title()}Api", (APIView,), {"post": post})


TimesheetSubmitApi = _timesheet_transition_view(
    "submit", "Submit a week's time for review (freelancer)", s.ContractNoteInput, None
)
TimesheetApproveApi = _timesheet_transition_view(
    "approve", "Approve a submitted timesheet (client); then pay it", s.ContractNoteInput, "note"
)
TimesheetRejectApi = _timesheet_transition_view(
    "reject",
    "Reject a submitted timesheet with a comment (client)",
    s.ContractRejectInput,
    "comment",
)


@extend_schema(tags=[TAG])
class TimesheetPayApi(APIView):
    @extend_schema(
        summary="Pay an approved timesheet: returns the checkout_url to send the payer to",
        request=None,
        responses={201: s.ContractPaymentOutput},
    )
    @idempotent
    def post(self, request, pk, timesheet_pk):
        timesheet = selectors.timesheet_for_participant(request.user, pk, timesheet_pk)
        payment = services.timesheet_pay_start(
            timesheet=timesheet,
            actor=request.user,
            attempt=request.headers.get("Idempotency-Key", ""),
        )
        return Response(s.ContractPaymentOutput(payment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class DeliveryFileApi(APIView):
    @extend_schema(
        summary="Download a delivered file", responses={(200, "application/octet-stream"): bytes}
    )
    def get(self, request, pk, file_pk):
        return file_response(selectors.delivery_file_for_participant(request.user, pk, file_pk))
