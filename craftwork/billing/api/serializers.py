from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..models import MAX_CREDITS, CreditAction, Interval


class PlanPriceSerializer(serializers.Serializer):
    interval = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.SerializerMethodField()
    amount_minor = serializers.IntegerField(source="amount")

    def get_amount(self, price) -> str:
        return price.money.to_decimal_string()


class PlanVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    trial_days = serializers.IntegerField()
    credits_per_period = serializers.IntegerField()
    credit_rollover_cap = serializers.IntegerField()
    limits = serializers.SerializerMethodField()
    features = serializers.ListField(child=serializers.CharField())
    prices = PlanPriceSerializer(many=True)

    def get_limits(self, version) -> dict:
        return version.limits()


class PlanSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    audience = serializers.CharField()
    is_free_tier = serializers.BooleanField()
    current = PlanVersionSerializer()


class PriceInputSerializer(StrictSerializer):
    interval = serializers.ChoiceField(choices=Interval.choices)
    currency = serializers.CharField(max_length=3)
    amount = serializers.IntegerField(min_value=1, help_text="Minor units.")


class PlanVersionInputSerializer(StrictSerializer):
    trial_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    credits_per_period = serializers.IntegerField(
        min_value=0, max_value=MAX_CREDITS, required=False
    )
    credit_rollover_cap = serializers.IntegerField(
        min_value=0, max_value=MAX_CREDITS, required=False
    )
    max_open_openings = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    max_seats = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    ai_interviews_per_month = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    features = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=30, required=False
    )
    prices = PriceInputSerializer(many=True, required=False, max_length=50)


class CreditPriceSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    credits = serializers.IntegerField()


class CreditPriceInputSerializer(StrictSerializer):
    credits = serializers.IntegerField(min_value=0, max_value=MAX_CREDITS)


class CreditWalletSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    allowance = serializers.IntegerField(help_text="Of the balance, the monthly allowance left.")
    period_start = serializers.DateTimeField(allow_null=True)
    plan = serializers.CharField(allow_null=True)
    credits_per_period = serializers.IntegerField()
    rollover_cap = serializers.IntegerField()


class CreditEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    created_at = serializers.DateTimeField()
    credits = serializers.IntegerField(source="amount")
    kind = serializers.CharField(source="transaction.kind")
    kind_label = serializers.CharField(source="transaction.get_kind_display")
    reason = serializers.CharField(source="transaction.memo")
    reference = serializers.CharField(source="transaction.reference")


class WalletQuerySerializer(StrictSerializer):
    organization = serializers.UUIDField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class CreditGrantInputSerializer(StrictSerializer):
    user = serializers.UUIDField(required=False)
    organization = serializers.UUIDField(required=False)
    credits = serializers.IntegerField(min_value=1, max_value=MAX_CREDITS)
    reason = serializers.CharField(max_length=200)

    def validate(self, attrs):
        if ("user" in attrs) == ("organization" in attrs):
            raise serializers.ValidationError("Give a user or an organization.")
        return attrs


class PromotionInputSerializer(StrictSerializer):
    days = serializers.IntegerField(min_value=1, max_value=90)


class PromotionSerializer(serializers.Serializer):
    subject = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    credits = serializers.IntegerField(source="charge.credits")


ACTION_CHOICES = CreditAction.values
