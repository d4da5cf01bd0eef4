"""The API of gig orders and sessions. Each action calls the same service as the contract page;
another user's contract is a 404, the wrong party a 403, a wrong state a 409 with its code."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.parsers import JSONParser, MultiPartParser
from craftwork.core.errors import NotFound
from craftwork.core.idempotency import idempotent

from .. import orders, selectors
from ..views import file_response
from . import serializers as s
from .views import _detail_response, _valid, order_context

TAG = "contracts"


def _contract(request, pk, kind: str):
    contract = selectors.contract_for_participant(request.user, pk)
    if contract.kind != kind:
        code = "not_a_gig_order" if kind == "gig" else "not_a_session"
        raise NotFound(code=code)
    return contract


def _order_action_view(name: str, kind: str, service, summary: str, input_class=None, **options):
    """A POST that runs one order service with the validated fields; answers with the contract.
    ``options``: ``parser_classes`` for the view, anything else goes to ``extend_schema``."""
    attributes = (
        {"parser_classes": options.pop("parser_classes")} if "parser_classes" in options else {}
    )
    options.setdefault("request", input_class)

    @extend_schema(tags=[TAG], summary=summary, responses=s.ContractDetailOutput, **options)
    @idempotent
    def post(self, request, pk):
        data = _valid(input_class, request) if input_class else {}
        service(contract=_contract(request, pk, kind), actor=request.user, **data)
        return _detail_response(request, pk)

    return type(name, (APIView,), {"post": post, **attributes})


@extend_schema(tags=[TAG])
class GigOrderApi(APIView):
    @extend_schema(
        summary="A gig order: package, questions and answers, due date, deliveries",
        responses=s.ContractGigOrderOutput,
    )
    def get(self, request, pk):
        contract = _contract(request, pk, "gig")
        order = selectors.gig_order_of(contract)
        return Response(s.ContractGigOrderOutput(order, context={"request": request}).data)


GigRequirementsApi = _order_action_view(
    "GigRequirementsApi",
    "gig",
    orders.gig_requirements_submit,
    "Answer the seller's questions (buyer): the delivery clock starts",
    s.ContractGigRequirementsInput,
    description="Every required question needs an answer (`answers_missing`); at most 2000 "
    "characters each; a choice question's answer is one of its choices.",
)


GigDeliverApi = _order_action_view(
    "GigDeliverApi",
    "gig",
    orders.gig_deliver,
    "Deliver the order (seller): a message and up to 10 files (multipart)",
    s.ContractSubmitInput,
    request={
        "multipart/form-data": s.ContractSubmitInput,
        "application/json": s.ContractSubmitInput,
    },
    parser_classes=[MultiPartParser, FormParser, JSONParser],
)
GigAcceptApi = _order_action_view(
    "GigAcceptApi", "gig", orders.gig_accept, "Accept the delivery (buyer): the seller is paid"
)
GigRequestRevisionApi = _order_action_view(
    "GigRequestRevisionApi",
    "gig",
    orders.gig_request_revision,
    "Ask for a revision (buyer), while the package's revisions last",
    s.ContractRequiredNoteInput,
)
GigCancelLateApi = _order_action_view(
    "GigCancelLateApi",
    "gig",
    orders.gig_cancel_late,
    "Cancel a late order (buyer): full refund",
    s.ContractReasonInput,
)


@extend_schema(tags=[TAG])
class GigFileApi(APIView):
    @extend_schema(
        summary="Download a delivered file", responses={(200, "application/octet-stream"): bytes}
    )
    def get(self, request, pk, file_pk):
        return file_response(selectors.gig_delivery_file_for_participant(request.user, pk, file_pk))


# --- sessions -------------------------------------------------------------------------------------


def _session_response(request, contract):
    context = {"request": request, **order_context(contract, request.user)}
    return Response(s.ContractSessionOutput(context["session"], context=context).data)


@extend_schema(tags=[TAG])
class SessionApi(APIView):
    @extend_schema(
        summary="A booked session: times, where to meet (parties only), cancellation preview",
        responses=s.ContractSessionOutput,
    )
    def get(self, request, pk):
        return _session_response(request, _contract(request, pk, "session"))

    @extend_schema(
        summary="Set where to meet (mentor): a video-call link and/or a place",
        request=s.ContractSessionLocationInput,
        responses=s.ContractSessionOutput,
    )
    def patch(self, request, pk):
        data = _valid(s.ContractSessionLocationInput, request)
        contract = _contract(request, pk, "session")
        booking = selectors.session_booking_of(contract)
        orders.session_location_set(
            contract=contract,
            actor=request.user,
            meeting_url=data.get("meeting_url", booking.meeting_url),
            meeting_place=data.get("meeting_place", booking.meeting_place),
        )
        contract.refresh_from_db()
        return _session_response(request, contract)


@extend_schema(tags=[TAG])
class SessionCancelPreviewApi(APIView):
    @extend_schema(
        summary="What cancelling now would refund and pay (for the caller's role)",
        responses=s.ContractCancelPreviewOutput,
    )
    def get(self, request, pk):
        contract = _contract(request, pk, "session")
        preview = orders.session_cancel_preview(
            contract=contract, actor=request.user, now=timezone.now()
        )
        return Response(preview.as_dict())


SessionConfirmApi = _order_action_view(
    "SessionConfirmApi",
    "session",
    orders.session_confirm,
    "Confirm the session took place (client, after the end): the mentor is paid",
)
SessionCancelApi = _order_action_view(
    "SessionCancelApi",
    "session",
    orders.session_cancel,
    "Cancel the session (refund per the rules shown by cancel-preview)",
    s.ContractReasonInput,
)
SessionReportAbsenceApi = _order_action_view(
    "SessionReportAbsenceApi",
    "session",
    orders.session_report_absence,
    "Report the other party absent (after the start)",
    s.ContractNoteInput,
    description="The mentor reporting the client: the mentor is paid. The client reporting "
    "the mentor: refunded unless the mentor contests within SESSION_ABSENCE_CONTEST_HOURS.",
)
SessionContestApi = _order_action_view(
    "SessionContestApi",
    "session",
    orders.session_contest_absence,
    "Contest the client's absence report (mentor): opens a dispute",
    s.ContractCancelInput,
)
