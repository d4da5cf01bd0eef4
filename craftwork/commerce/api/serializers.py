"""Input serializers only parse; output serializers only present. Money is always
``{"amount": "12.34", "amount_minor": 1234, "currency": "USD"}``."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.catalog.selectors import seller_display_name
from craftwork.contracts.models import ContractState
from craftwork.contracts.models import Kind as ContractKind
from craftwork.core.api.schema import URL_OR_BLANK
from craftwork.core.api.serializers import StrictSerializer

from ..forms import MAX_QUANTITY_INPUT
from ..models import MAX_REF_LENGTH, CheckoutStatus, ItemKind, LineStatus


def _choices(choices):
    def make(**kwargs):
        return serializers.ChoiceField(choices=choices, **kwargs)

    return make


KindField = _choices(ItemKind.choices)
CheckoutStatusField = _choices(CheckoutStatus.choices)
LineStatusField = _choices(LineStatus.choices)
ContractKindField = _choices(ContractKind.choices)
ContractStateField = _choices(ContractState.choices)


class ShopMoneySerializer(serializers.Serializer):
    amount = serializers.CharField(help_text='A plain decimal, e.g. "12.34".')
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


@extend_schema_field(ShopMoneySerializer)
class MoneyField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.as_dict()


@extend_schema_field(ShopMoneySerializer(allow_null=True))
class NullableMoneyField(MoneyField):
    pass


class ShopBreakdownSerializer(serializers.Serializer):
    """What the buyer pays and the seller receives for one line (or the whole cart)."""

    subtotal = MoneyField()
    client_fee = MoneyField(help_text="The service fee added for the buyer.")
    total = MoneyField(help_text="What the buyer pays.")
    platform_fee = MoneyField(help_text="Taken from the seller's side.")
    provider_net = MoneyField(help_text="What the seller receives.")


class ShopUserSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return seller_display_name(user)


# --- inputs ---------------------------------------------------------------------------------


class CartAddInput(StrictSerializer):
    kind = KindField()
    ref = serializers.CharField(
        max_length=MAX_REF_LENGTH,
        help_text="A gig package's id, or a session slot ref `<offering id>@<start, ISO 8601>` "
        "(from `/api/v1/mentorship/offerings/<id>/slots/`).",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY_INPUT, default=1)


class CartLineUpdateInput(StrictSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY_INPUT)


class WishlistAddInput(StrictSerializer):
    kind = KindField()
    ref = serializers.CharField(max_length=MAX_REF_LENGTH)


class CheckoutStartInput(StrictSerializer):
    version = serializers.CharField(
        max_length=64,
        required=False,
        help_text="The `version` of the review the buyer confirmed (`GET /api/v1/checkouts/"
        "review/`). Without it the cart's stored prices are the reference.",
    )


# --- outputs ----------------------------------------------------------------------------------


class _ItemOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = KindField()
    ref = serializers.CharField()
    title = serializers.CharField()
    image_url = serializers.CharField()
    item_url = serializers.CharField(help_text="The gig or session page.")
    seller = ShopUserSerializer()
    category_slug = serializers.CharField()
    unit_price = MoneyField()
    details = serializers.DictField(help_text="Kind-specific terms (delivery days, start, ...).")


class CartLineOutput(_ItemOutput):
    quantity = serializers.IntegerField()
    max_quantity = serializers.IntegerField()
    problem = serializers.CharField(help_text="A stable code when it cannot be bought; else empty.")
    problem_message = serializers.CharField()
    breakdown = serializers.SerializerMethodField()

    @extend_schema_field(ShopBreakdownSerializer)
    def get_breakdown(self, line) -> dict:
        breakdown = self.context.get("breakdowns", {}).get(line.pk)
        return ShopBreakdownSerializer(breakdown).data if breakdown is not None else None


class OpenCheckoutOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = CheckoutStatusField()
    total = MoneyField()
    expires_at = serializers.DateTimeField()


class CartOutput(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, source="cart.pk", default=None)
    count = serializers.IntegerField(help_text="Items, quantities summed.")
    currency = serializers.CharField(allow_null=True)
    lines = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    open_checkout = OpenCheckoutOutput(allow_null=True)
    max_lines = serializers.IntegerField()

    @extend_schema_field(CartLineOutput(many=True))
    def get_lines(self, summary) -> list:
        breakdowns = {priced.line.pk: priced.breakdown for priced in summary.lines}
        return CartLineOutput(
            [priced.line for priced in summary.lines],
            many=True,
            context={**self.context, "breakdowns": breakdowns},
        ).data

    @extend_schema_field(ShopBreakdownSerializer(allow_null=True))
    def get_totals(self, summary) -> dict | None:
        return ShopBreakdownSerializer(summary.totals).data if summary.totals else None


class WishlistItemOutput(_ItemOutput):
    saved_at = serializers.DateTimeField(source="updated_at")


class ReviewLineOutput(serializers.Serializer):
    line_id = serializers.UUIDField(source="line.pk")
    kind = KindField(source="line.kind")
    ref = serializers.CharField(source="line.ref")
    title = serializers.CharField(source="line.title")
    quantity = serializers.IntegerField()
    unit_price = NullableMoneyField(source="price", help_text="The price now (null: gone).")
    seen_unit_price = MoneyField(source="seen_price", help_text="The price the buyer saw.")
    buyable = serializers.BooleanField()
    problem = serializers.CharField()
    problem_message = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())
    breakdown = ShopBreakdownSerializer(allow_null=True)


class ReviewOutput(serializers.Serializer):
    version = serializers.CharField(help_text="Send it back when confirming.")
    changed = serializers.BooleanField(help_text="Something differs from what the buyer saw.")
    changes = serializers.ListField(child=serializers.CharField())
    currency = serializers.CharField(allow_null=True)
    lines = ReviewLineOutput(many=True)
    totals = ShopBreakdownSerializer(allow_null=True, help_text="Of the lines that can be bought.")
    open_checkout_id = serializers.UUIDField(
        source="open_checkout.pk", allow_null=True, default=None
    )


class CheckoutLineOutput(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = KindField()
    ref = serializers.CharField()
    title = serializers.CharField()
    item_url = serializers.CharField()
    seller = ShopUserSerializer()
    category_slug = serializers.CharField()
    details = serializers.DictField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField()
    amount = MoneyField(help_text="Unit price times quantity.")
    client_fee = MoneyField()
    total = MoneyField()
    platform_fee = MoneyField()
    provider_net = MoneyField()
    status = LineStatusField()
    error = serializers.CharField()
    contract_id = serializers.SerializerMethodField()
    contract_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.UUID)
    def get_contract_id(self, line) -> str | None:
        return str(line.contract_id) if line.status == LineStatus.FULFILLED else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_contract_url(self, line) -> str:
        if line.status != LineStatus.FULFILLED:
            return ""
        return reverse("contracts-api:detail", args=[line.contract_id])


class CheckoutPaymentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    checkout_url = serializers.SerializerMethodField()
    failure_message = serializers.CharField()

    @extend_schema_field(URL_OR_BLANK)
    def get_checkout_url(self, payment) -> str:
        if not payment.is_open or not payment.checkout_url:
            return ""
        request = self.context.get("request")
        url = payment.checkout_url
        return request.build_absolute_uri(url) if request is not None else url


class CheckoutListOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = CheckoutStatusField()
    currency = serializers.CharField()
    subtotal = MoneyField()
    client_fee = MoneyField()
    total = MoneyField()
    line_count = serializers.IntegerField(required=False)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.CharField()


class CheckoutOutput(CheckoutListOutput):
    payment = CheckoutPaymentOutput(allow_null=True)
    receipt_url = serializers.SerializerMethodField()
    lines = CheckoutLineOutput(many=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_receipt_url(self, checkout) -> str:
        payment = checkout.payment
        receipt = getattr(payment, "receipt", None) if payment and payment.is_paid else None
        return reverse("payments:receipt-pdf", args=[receipt.pk]) if receipt else ""


class StaffCheckoutListOutput(CheckoutListOutput):
    buyer = ShopUserSerializer()
    buyer_email = serializers.EmailField(source="buyer.email")


class OrderOutput(serializers.Serializer):
    """A contract bought through the shop (a gig order or a session booking)."""

    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = ContractKindField()
    state = ContractStateField()
    amount = NullableMoneyField()
    seller = ShopUserSerializer(source="provider")
    buyer = ShopUserSerializer(source="client")
    created_at = serializers.DateTimeField()
    checkout_id = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uuid", "nullable": True})
    def get_checkout_id(self, contract) -> str | None:
        line = self.context.get("bought_by", {}).get(contract.pk)
        return str(line.checkout_id) if line is not None else None
