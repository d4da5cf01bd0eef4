"""Input serializers only parse; output serializers only present. Money is always
``{"amount": "12.34", "amount_minor": 1234, "currency": "USD"}``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.schema import URL_OR_BLANK
from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.errors import DomainError
from craftwork.core.money import CURRENCY_CHOICES, Money

from ..models import (
    Dispute,
    LedgerAccount,
    LedgerEntry,
    Payment,
    PaymentLine,
    Payout,
    PayoutMethod,
    Receipt,
    Refund,
    TransactionKind,
)


class LedgerMoneySerializer(serializers.Serializer):
    amount = serializers.CharField()
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


@extend_schema_field(LedgerMoneySerializer)
class MoneyOutField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Money):
        return value.as_dict()


class MoneyInputSerializer(StrictSerializer):
    amount = serializers.CharField(max_length=40, help_text=_('A plain decimal, e.g. "12.34".'))
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES)

    def validate(self, attrs):
        try:
            attrs["money"] = Money.parse(attrs["amount"], attrs["currency"])
        except DomainError as exc:
            raise serializers.ValidationError({"amount": [exc.message]}) from exc
        if not attrs["money"].is_positive:
            raise serializers.ValidationError({"amount": [_("The amount must be positive.")]})
        return attrs


# --- outputs ----------------------------------------------------------------------------------


class FeeBreakdownSerializer(serializers.Serializer):
    subtotal = LedgerMoneySerializer()
    client_fee = LedgerMoneySerializer()
    total = LedgerMoneySerializer()
    platform_fee = LedgerMoneySerializer()
    provider_net = LedgerMoneySerializer()
    platform_fee_bps = serializers.IntegerField()
    client_fee_bps = serializers.IntegerField()


class PaymentLineSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    client_fee = MoneyOutField()
    total = MoneyOutField()

    class Meta:
        model = PaymentLine
        fields = [
            "id",
            "position",
            "reference",
            "escrow_ref",
            "description",
            "amount",
            "client_fee",
            "total",
            "fulfilled_at",
            "fulfillment_error",
        ]


class CheckoutPaymentSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    client_fee = MoneyOutField()
    total = MoneyOutField()
    checkout_url = serializers.SerializerMethodField()
    lines = PaymentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "status",
            "amount",
            "client_fee",
            "total",
            "purpose",
            "reference",
            "escrow_ref",
            "is_split",
            "lines",
            "description",
            "provider",
            "checkout_url",
            "failure_code",
            "failure_message",
            "created_at",
            "succeeded_at",
        ]

    @extend_schema_field(URL_OR_BLANK)
    def get_checkout_url(self, payment) -> str:
        if not payment.is_open or not payment.checkout_url:
            return ""
        request = self.context.get("request")
        url = payment.checkout_url
        return request.build_absolute_uri(url) if request is not None else url


class CardRefundSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    client_fee = MoneyOutField()
    total = MoneyOutField()
    payment_id = serializers.UUIDField(read_only=True)
    line_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Refund
        fields = [
            "id",
            "payment_id",
            "line_id",
            "status",
            "amount",
            "client_fee",
            "total",
            "origin",
            "reason",
            "failure_reason",
            "created_at",
            "settled_at",
        ]


class PayoutMethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayoutMethod
        fields = [
            "id",
            "kind",
            "status",
            "provider",
            "holder_name",
            "account_last4",
            "display_name",
            "created_at",
        ]


class PayoutMethodCreatedSerializer(serializers.Serializer):
    method = PayoutMethodSerializer()
    onboarding_url = serializers.CharField(allow_blank=True)


class WithdrawalSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    method_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "status",
            "amount",
            "method_id",
            "failure_reason",
            "created_at",
            "settled_at",
        ]


class ReceiptSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    number = serializers.CharField(source="display_number", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["id", "number", "series", "amount", "description", "created_at", "pdf_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, receipt) -> str:
        from django.urls import reverse

        url = reverse("payments-api:receipt-pdf", args=[receipt.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class WalletSerializer(serializers.Serializer):
    currency = serializers.CharField()
    available = LedgerMoneySerializer()
    pending = LedgerMoneySerializer()
    in_transit = LedgerMoneySerializer()
    in_escrow_as_client = LedgerMoneySerializer()
    lifetime_earned = LedgerMoneySerializer()
    fees_paid = LedgerMoneySerializer()


class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = MoneyOutField(source="money")
    account_kind = serializers.CharField(source="account.kind", read_only=True)
    transaction_kind = serializers.CharField(source="transaction.kind", read_only=True)
    reference = serializers.CharField(source="transaction.reference", read_only=True)
    transaction_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "created_at",
            "amount",
            "account_kind",
            "transaction_kind",
            "transaction_id",
            "reference",
        ]


class LedgerAccountSerializer(serializers.ModelSerializer):
    balance = MoneyOutField(source="balance_money")
    owner_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = LedgerAccount
        fields = ["id", "kind", "currency", "owner_id", "reference", "balance", "allow_negative"]


class DisputeFileSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    original_name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_by_id = serializers.UUIDField()


class EscrowDisputeSerializer(serializers.ModelSerializer):
    amount = MoneyOutField()
    to_provider = MoneyOutField()
    to_client = MoneyOutField()
    client_id = serializers.UUIDField(read_only=True)
    provider_id = serializers.UUIDField(read_only=True)
    opened_by_id = serializers.UUIDField(read_only=True)
    files = DisputeFileSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "status",
            "subject_ref",
            "escrow_ref",
            "amount",
            "client_id",
            "provider_id",
            "opened_by_id",
            "reason",
            "evidence_text",
            "respond_by",
            "response_text",
            "responded_at",
            "outcome",
            "to_provider",
            "to_client",
            "decision",
            "resolved_at",
            "files",
            "created_at",
        ]


# --- inputs -----------------------------------------------------------------------------------


class PayoutMethodInputSerializer(StrictSerializer):
    holder_name = serializers.CharField(max_length=200, required=False)
    account_number = serializers.CharField(max_length=42, required=False)

    def validate(self, attrs):
        if bool(attrs.get("holder_name")) != bool(attrs.get("account_number")):
            raise serializers.ValidationError(
                _("Give both the holder name and the account number, or neither.")
            )
        return attrs


class WithdrawalInputSerializer(MoneyInputSerializer):
    method_id = serializers.UUIDField()


class CardRefundInputSerializer(MoneyInputSerializer):
    reason = serializers.CharField(max_length=500)
    # Who pays back what the payment's escrow item no longer holds (released money);
    # without it such a refund is refused with refund_exceeds_held.
    cover = serializers.ChoiceField(
        choices=Refund.Cover.choices, required=False, allow_blank=True, default=""
    )


class DisputeOpenInputSerializer(MoneyInputSerializer):
    subject_ref = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=200)
    evidence_text = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, allow_empty=True
    )


class DisputeRespondInputSerializer(StrictSerializer):
    response_text = serializers.CharField(max_length=10_000)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, allow_empty=True
    )


class DisputeResolveInputSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Dispute.Outcome.choices)
    to_provider = serializers.CharField(max_length=40, required=False)
    decision = serializers.CharField(max_length=10_000)


class EntryFilterSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, required=False)
    kind = serializers.ChoiceField(choices=TransactionKind.choices, required=False)
    direction = serializers.ChoiceField(choices=["in", "out"], required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class StuckBalanceSerializer(serializers.Serializer):
    escrow_ref = serializers.CharField()
    item_ref = serializers.CharField()
    item_title = serializers.CharField()
    amount = MoneyOutField()
    contract_title = serializers.CharField(source="view.title")
    contract_state = serializers.CharField(source="view.state")
    closed = serializers.BooleanField(source="view.closed")
    url = serializers.CharField(source="view.url")


class StuckBalanceResolveInputSerializer(StrictSerializer):
    escrow_ref = serializers.CharField(max_length=200)
    item_ref = serializers.CharField(max_length=200, allow_blank=True)
    action = serializers.ChoiceField(choices=["refund", "release", "writeoff"])
    reason = serializers.CharField(max_length=500)
