"""The API of gig orders and sessions. Each action calls the same service as the contract page;
another user's contract is a 404, the wrong party a 403, a wrong state a 409 with its code."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

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


# --- gig orders -----------------------------------------------------------------------------------


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


@extend_schema(tags=[TAG])
class GigRequirementsApi(APIView):
    @extend_schema(
        summary="Answer the seller's questions (buyer): the delivery clock starts",
        description="Every required question needs an answer (`answers_missing`); at most 2000 "
        "characters each; a choice question's answer is one of its choices.",
        request=s.ContractGigRequirementsInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractGigRequirementsInput, request)
        contract = _contract(request, pk, "gig")
        orders.gig_requirements_submit(
            contract=contract, answers=data["answers"], actor=request.user
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class GigDeliverApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="Deliver the order (seller): a message and up to 10 files (multipart)",
        request={
            "multipart/form-data": s.ContractSubmitInput,
            "application/json": s.ContractSubmitInput,
        },
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractSubmitInput, request)
        contract = _contract(request, pk, "gig")
        orders.gig_deliver(
            contract=contract, message=data["message"], files=data["files"], actor=request.user
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class GigAcceptApi(APIView):
    @extend_schema(
        summary="Accept the delivery (buyer): the seller is paid",
        request=None,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        orders.gig_accept(contract=_contract(request, pk, "gig"), actor=request.user)
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class GigRequestRevisionApi(APIView):
    @extend_schema(
        summary="Ask for a revision (buyer), while the package's revisions last",
        request=s.ContractRequiredNoteInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractRequiredNoteInput, request)
        orders.gig_request_revision(
            contract=_contract(request, pk, "gig"), note=data["note"], actor=request.user
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class GigCancelLateApi(APIView):
    @extend_schema(
        summary="Cancel a late order (buyer): full refund",
        request=s.ContractReasonInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractReasonInput, request)
        orders.gig_cancel_late(
            contract=_contract(request, pk, "gig"), reason=data["reason"], actor=request.user
        )
        return _detail_response(request, pk)


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


@extend_schema(tags=[TAG])
class SessionConfirmApi(APIView):
    @extend_schema(
        summary="Confirm the session took place (client, after the end): the mentor is paid",
        request=None,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        orders.session_confirm(contract=_contract(request, pk, "session"), actor=request.user)
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class SessionCancelApi(APIView):
    @extend_schema(
        summary="Cancel the session (refund per the rules shown by cancel-preview)",
        request=s.ContractReasonInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractReasonInput, request)
        orders.session_cancel(
            contract=_contract(request, pk, "session"), reason=data["reason"], actor=request.user
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class SessionReportAbsenceApi(APIView):
    @extend_schema(
        summary="Report the other party absent (after the start)",
        description="The mentor reporting the client: the mentor is paid. The client reporting "
        "the mentor: refunded unless the mentor contests within SESSION_ABSENCE_CONTEST_HOURS.",
        request=s.ContractNoteInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractNoteInput, request)
        orders.session_report_absence(
            contract=_contract(request, pk, "session"), note=data["note"], actor=request.user
        )
        return _detail_response(request, pk)


@extend_schema(tags=[TAG])
class SessionContestApi(APIView):
    @extend_schema(
        summary="Contest the client's absence report (mentor): opens a dispute",
        request=s.ContractCancelInput,
        responses=s.ContractDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        data = _valid(s.ContractCancelInput, request)
        orders.session_contest_absence(
            contract=_contract(request, pk, "session"), reason=data["reason"], actor=request.user
        )
        return _detail_response(request, pk)
