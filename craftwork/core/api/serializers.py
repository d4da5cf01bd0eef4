"""Serializer helpers shared by every app's API."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class RejectUnknownFieldsMixin:
    """Refuse input keys the serializer does not accept, instead of silently dropping them.

    A typo such as ``{"rol": "admin"}`` then fails loudly rather than succeeding without
    doing what the caller meant. Read-only fields count as unknown on input.
    """

    default_error_messages = {"unknown_field": _("Unknown field.")}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                message = self.error_messages["unknown_field"]
                raise serializers.ValidationError(
                    {
                        key: [serializers.ErrorDetail(message, code="unknown_field")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """An input serializer that rejects unknown fields."""
