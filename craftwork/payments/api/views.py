"""The payments API. Views parse, call a service or selector, and present; nothing more."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.pagination import StandardPagination
from craftwork.core.api.params import choice_param
from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.core.files import private_file_response
from craftwork.core.idempotency import HEADER, idempotent
from craftwork.core.money import CURRENCIES, Money

from .. import checkout, disputes, payouts, receipts, refunds, selectors, stuck
from ..fees import fee_breakdown
from ..models import AccountKind, Payment
from ..subjects import resolve_subject
from ..webhooks import webhook_receive
from . import serializers as s

IDEMPOTENCY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat the request safely: the same key and body replay the first response.",
)


def _key(request) -> str:
    """The service-level idempotency key: the header's, or a fresh one."""
    return request.headers.get(HEADER) or str(uuid.uuid4())


class _ListView(APIView):
    serializer_class = None
    pagination_class = StandardPagination  # also tells the schema these lists are paginated

    def paginate(self, request, queryset):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = self.serializer_class(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


# --- webhooks ---------------------------------------------------------------------------------


class WebhookView(APIView):
    """Signed events from a payment provider (no user, no throttling, no CSRF)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Receive a provider webhook event",
        description="Verified on the raw body (`Stripe-Signature` / `Sandbox-Signature`, "
        "timestamp within 300 s either way; the body must be a JSON object), stored by event id, "
        "processed once in the background.",
    )
    def post(self, request, provider: str):
        status_code, body = webhook_receive(
            provider=provider, raw_body=request.body, headers=request.headers
        )
        return Response(body, status=status_code)


# --- fees and payments ------------------------------------------------------------------------


class FeeBreakdownView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("amount", str, required=True),
            OpenApiParameter("currency", str, required=True),
            OpenApiParameter("category", str, required=False),
        ],
        responses=s.FeeBreakdownSerializer,
        summary="What the client pays and the provider receives for a price",
    )
    def get(self, request):
        data = s.MoneyInputSerializer(
            data={
                "amount": request.query_params.get("amount", ""),
                "currency": request.query_params.get("currency", ""),
            }
        )
        data.is_valid(raise_exception=True)
        breakdown = fee_breakdown(
            data.validated_data["money"], request.query_params.get("category")
        )
        return Response(breakdown.as_dict())


class PaymentListView(_ListView):
    serializer_class = s.CheckoutPaymentSerializer

    @extend_schema(responses=s.CheckoutPaymentSerializer(many=True), summary="My payments")
    def get(self, request):
        return self.paginate(request, selectors.user_payments(request.user))


class PaymentDetailView(APIView):
    @extend_schema(
        responses=s.CheckoutPaymentSerializer, summary="A payment (refreshed from the provider)"
    )
    def get(self, request, pk):
        payment = selectors.payment_for_payer(request.user, pk)
        payment = checkout.payment_refresh(payment=payment, actor=request.user)
        return Response(s.CheckoutPaymentSerializer(payment, context={"request": request}).data)


class PaymentCancelView(APIView):
    @extend_schema(
        request=None,
        responses=s.CheckoutPaymentSerializer,
        parameters=[IDEMPOTENCY],
        summary="Cancel an unpaid payment",
    )
    @idempotent
    def post(self, request, pk):
        payment = selectors.payment_for_payer(request.user, pk)
        payment = checkout.payment_cancel(payment=payment, actor=request.user)
        return Response(s.CheckoutPaymentSerializer(payment, context={"request": request}).data)


class RefundListView(_ListView):
    serializer_class = s.CardRefundSerializer

    @extend_schema(responses=s.CardRefundSerializer(many=True), summary="Refunds of my payments")
    def get(self, request):
        return self.paginate(request, selectors.user_refunds(request.user))


# --- wallet -----------------------------------------------------------------------------------


class WalletView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("currency", str, required=False)],
        responses=s.WalletSerializer,
        summary="My balances in one currency",
    )
    def get(self, request):
        currency = (
            request.query_params.get("currency") or selectors.user_currencies(request.user)[0]
        )
        if currency not in CURRENCIES:
            raise ValidationFailed(code="unknown_currency", details={"field": "currency"})
        return Response(selectors.wallet_summary(request.user, currency).as_dict())


class WalletEntriesView(_ListView):
    serializer_class = s.LedgerEntrySerializer

    @extend_schema(
        parameters=[s.EntryFilterSerializer],
        responses=s.LedgerEntrySerializer(many=True),
        summary="My transaction history",
    )
    def get(self, request):
        filters = s.EntryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return self.paginate(
            request, selectors.user_entries(request.user, **filters.validated_data)
        )


# --- payouts ----------------------------------------------------------------------------------


class PayoutMethodListView(APIView):
    @extend_schema(responses=s.PayoutMethodSerializer(many=True), summary="My payout methods")
    def get(self, request):
        methods = selectors.user_payout_methods(request.user)
        return Response(s.PayoutMethodSerializer(methods, many=True).data)

    @extend_schema(
        request=s.PayoutMethodInputSerializer,
        responses={201: s.PayoutMethodCreatedSerializer},
        parameters=[IDEMPOTENCY],
        summary="Add a payout method",
        description="Without a body: start onboarding at the provider (open `onboarding_url`). "
        "Sandbox only: `holder_name` + `account_number` add a bank account at once.",
    )
    @idempotent
    def post(self, request):
        data = s.PayoutMethodInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("account_number"):
            method = payouts.payout_method_create_bank(
                user=request.user, actor=request.user, **data.validated_data
            )
            url = ""
        else:
            method, link = payouts.payout_method_start(user=request.user, actor=request.user)
            url = request.build_absolute_uri(link.url)
        body = {"method": s.PayoutMethodSerializer(method).data, "onboarding_url": url}
        return Response(body, status=status.HTTP_201_CREATED)


class PayoutMethodDetailView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Remove a payout method")
    def delete(self, request, pk):
        method = selectors.payout_method_for_owner(request.user, pk)
        payouts.payout_method_remove(method=method, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PayoutListView(_ListView):
    serializer_class = s.WithdrawalSerializer

    @extend_schema(responses=s.WithdrawalSerializer(many=True), summary="My withdrawals")
    def get(self, request):
        return self.paginate(request, selectors.user_payouts(request.user))

    @extend_schema(
        request=s.WithdrawalInputSerializer,
        responses={201: s.WithdrawalSerializer},
        parameters=[IDEMPOTENCY],
        summary="Withdraw from the available balance",
    )
    @idempotent
    def post(self, request):
        data = s.WithdrawalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            method = selectors.payout_method_for_owner(
                request.user, data.validated_data["method_id"]
            )
        except Http404 as exc:
            raise NotFound(details={"field": "method_id"}) from exc
        payout = payouts.payout_request(
            user=request.user,
            amount=data.validated_data["money"],
            method=method,
            idempotency_key=_key(request),
            actor=request.user,
        )
        return Response(s.WithdrawalSerializer(payout).data, status=status.HTTP_201_CREATED)


class PayoutDetailView(APIView):
    @extend_schema(responses=s.WithdrawalSerializer, summary="A withdrawal")
    def get(self, request, pk):
        return Response(s.WithdrawalSerializer(selectors.payout_for_owner(request.user, pk)).data)


# --- receipts ---------------------------------------------------------------------------------


class ReceiptListView(_ListView):
    serializer_class = s.ReceiptSerializer

    @extend_schema(responses=s.ReceiptSerializer(many=True), summary="My receipts")
    def get(self, request):
        return self.paginate(request, selectors.user_receipts(request.user))


class ReceiptPdfView(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="A receipt as PDF"
    )
    def get(self, request, pk):
        receipt = selectors.receipt_for_owner(request.user, pk)
        response = HttpResponse(receipts.render_pdf(receipt), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{receipt.display_number}.pdf"'
        return response


# --- disputes ---------------------------------------------------------------------------------


def _dispute_data(dispute, request):
    return s.EscrowDisputeSerializer(dispute, context={"request": request}).data


class DisputeListView(_ListView):
    serializer_class = s.EscrowDisputeSerializer

    @extend_schema(responses=s.EscrowDisputeSerializer(many=True), summary="My disputes")
    def get(self, request):
        disputes_qs = selectors.disputes_for(request.user).prefetch_related("files")
        return self.paginate(request, disputes_qs)

    @extend_schema(
        request={
            "multipart/form-data": s.DisputeOpenInputSerializer,
            "application/json": s.DisputeOpenInputSerializer,
        },
        responses={201: s.EscrowDisputeSerializer},
        parameters=[IDEMPOTENCY],
        summary="Open a dispute about funded work",
    )
    @idempotent
    def post(self, request):
        payload = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        if hasattr(request.data, "getlist"):
            payload = {key: request.data.get(key) for key in request.data if key != "files"}
            payload["files"] = request.FILES.getlist("files")
        data = s.DisputeOpenInputSerializer(data=payload)
        data.is_valid(raise_exception=True)
        subject = resolve_subject(data.validated_data["subject_ref"], request.user)
        if subject is None:
            raise NotFound(details={"field": "subject_ref"})
        dispute = disputes.dispute_open(
            actor=request.user,
            escrow_ref=subject.escrow_ref,
            subject_ref=subject.ref,
            amount=data.validated_data["money"],
            client=subject.client,
            provider=subject.provider,
            reason=data.validated_data["reason"],
            evidence_text=data.validated_data.get("evidence_text", ""),
            files=data.validated_data.get("files", []),
            fee_bps=subject.fee_bps,
        )
        return Response(_dispute_data(dispute, request), status=status.HTTP_201_CREATED)


class DisputeDetailView(APIView):
    @extend_schema(responses=s.EscrowDisputeSerializer, summary="A dispute")
    def get(self, request, pk):
        return Response(_dispute_data(selectors.dispute_for_participant(request.user, pk), request))


class DisputeRespondView(APIView):
    @extend_schema(
        request={
            "multipart/form-data": s.DisputeRespondInputSerializer,
            "application/json": s.DisputeRespondInputSerializer,
        },
        responses=s.EscrowDisputeSerializer,
        parameters=[IDEMPOTENCY],
        summary="Respond to a dispute (the other party)",
    )
    @idempotent
    def post(self, request, pk):
        dispute = selectors.dispute_for_participant(request.user, pk)
        payload = {"response_text": request.data.get("response_text", "")}
        if request.FILES:
            payload["files"] = request.FILES.getlist("files")
        data = s.DisputeRespondInputSerializer(data=payload)
        data.is_valid(raise_exception=True)
        dispute = disputes.dispute_respond(
            actor=request.user,
            dispute=dispute,
            response_text=data.validated_data["response_text"],
            files=data.validated_data.get("files", []),
        )
        return Response(_dispute_data(dispute, request))


class DisputeResolveView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.DisputeResolveInputSerializer,
        responses=s.EscrowDisputeSerializer,
        parameters=[IDEMPOTENCY],
        summary="Decide a dispute (staff)",
    )
    @idempotent
    def post(self, request, pk):
        dispute = selectors.dispute_for_participant(request.user, pk)
        data = s.DisputeResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_provider = None
        if data.validated_data.get("to_provider"):
            try:
                to_provider = Money.parse(data.validated_data["to_provider"], dispute.currency)
            except ValidationFailed as exc:
                raise serializers.ValidationError({"to_provider": [exc.message]}) from exc
        dispute = disputes.dispute_resolve(
            actor=request.user,
            dispute=dispute,
            outcome=data.validated_data["outcome"],
            to_provider=to_provider,
            decision=data.validated_data["decision"],
        )
        return Response(_dispute_data(dispute, request))


class DisputeFileView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download a dispute's evidence file",
    )
    def get(self, request, pk, file_pk):
        attachment = selectors.dispute_file_for(request.user, pk, file_pk)
        return private_file_response(
            attachment.file, name=attachment.original_name, kind=attachment.kind
        )


# --- staff ------------------------------------------------------------------------------------


class StaffPaymentListView(_ListView):
    permission_classes = [IsAdminUser]
    serializer_class = s.CheckoutPaymentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("status", str, enum=Payment.Status.values),
        ],
        responses=s.CheckoutPaymentSerializer(many=True),
        summary="Every payment (staff)",
    )
    def get(self, request):
        payments = selectors.staff_payments(
            request.user,
            query=request.query_params.get("q", "")[:200],
            status=choice_param(request, "status", Payment.Status.values, default=""),
        )
        return self.paginate(request, payments)


class StaffRefundView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.CardRefundInputSerializer,
        responses={201: s.CardRefundSerializer},
        parameters=[IDEMPOTENCY],
        summary="Refund (part of) a payment (staff)",
    )
    @idempotent
    def post(self, request, pk):
        payment = selectors.staff_payment(request.user, pk)
        data = s.CardRefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = refunds.refund_by_staff(
            actor=request.user,
            payment=payment,
            amount=data.validated_data["money"],
            reason=data.validated_data["reason"],
            idempotency_key=_key(request),
            cover=data.validated_data["cover"],
        )
        return Response(s.CardRefundSerializer(refund).data, status=status.HTTP_201_CREATED)


class StaffStuckBalanceListView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        responses=s.StuckBalanceSerializer(many=True),
        summary="Money stuck in escrow for settled items (staff)",
    )
    def get(self, request):
        balances = stuck.stuck_balances()
        return Response(s.StuckBalanceSerializer(balances, many=True).data)


class StaffStuckBalanceResolveView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.StuckBalanceResolveInputSerializer,
        responses={200: s.StuckBalanceSerializer},
        parameters=[IDEMPOTENCY],
        summary="Refund, release or write off a stuck escrow balance (staff)",
    )
    @idempotent
    def post(self, request):
        data = s.StuckBalanceResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = stuck.stuck_balance_resolve(
            actor=request.user, idempotency_key=_key(request), **data.validated_data
        )
        return Response(s.StuckBalanceSerializer(moved).data)


class StaffAccountListView(_ListView):
    permission_classes = [IsAdminUser]
    serializer_class = s.LedgerAccountSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=AccountKind.values),
            OpenApiParameter("currency", str),
            OpenApiParameter("q", str),
        ],
        responses=s.LedgerAccountSerializer(many=True),
        summary="Ledger accounts (staff, read-only)",
    )
    def get(self, request):
        accounts = selectors.staff_accounts(
            request.user,
            kind=choice_param(request, "kind", AccountKind.values, default=""),
            currency=request.query_params.get("currency", ""),
            query=request.query_params.get("q", "")[:200],
        )
        return self.paginate(request, accounts)


class StaffAccountEntriesView(_ListView):
    permission_classes = [IsAdminUser]
    serializer_class = s.LedgerEntrySerializer

    @extend_schema(
        responses=s.LedgerEntrySerializer(many=True),
        summary="A ledger account's entries (staff, read-only)",
    )
    def get(self, request, pk):
        account = selectors.staff_account(request.user, pk)
        return self.paginate(request, selectors.account_entries(account).select_related("account"))
