from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..services import MAX_BULK


class PeriodInput(StrictSerializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    currency = serializers.CharField(required=False, max_length=3)


class BulkInput(StrictSerializer):
    action = serializers.CharField(max_length=30)
    ids = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=MAX_BULK)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class BulkOutput(serializers.Serializer):
    done = serializers.ListField(child=serializers.CharField())
    failed = serializers.ListField(child=serializers.DictField())
