"""Input serializers check shapes and types (unknown fields are refused); services check the rules."""

from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..models import Channel

MAX_PREFERENCE_CHANGES = 500


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="A path on this site (or empty).")
    is_read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class UnreadCountOutput(serializers.Serializer):
    unread_count = serializers.IntegerField()


class ReadAllOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
    unread_count = serializers.IntegerField()


class ChannelStateOutput(serializers.Serializer):
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()
    push = serializers.BooleanField(help_text="Web Push to the devices I turned it on for.")
    sms = serializers.BooleanField(required=False, help_text="Only for urgent types.")


class TypePreferenceOutput(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    urgent = serializers.BooleanField()
    available_channels = serializers.ListField(
        child=serializers.CharField(), help_text="in_app, email, push, and sms for urgent types."
    )
    channels = ChannelStateOutput()


class PhoneOutput(serializers.Serializer):
    number = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)


class PreferencesOutput(serializers.Serializer):
    types = TypePreferenceOutput(many=True)
    daily_digest = serializers.BooleanField()
    phone = PhoneOutput(allow_null=True)


class PreferenceChangeInput(StrictSerializer):
    type = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class PreferencesInput(StrictSerializer):
    preferences = PreferenceChangeInput(
        many=True, required=False, max_length=MAX_PREFERENCE_CHANGES
    )
    daily_digest = serializers.BooleanField(required=False)


class PhoneInput(StrictSerializer):
    number = serializers.CharField(
        max_length=32, help_text="International format, e.g. +34612345678."
    )


class PhoneVerifyInput(StrictSerializer):
    code = serializers.CharField(max_length=12, help_text="The 6-digit code sent by SMS.")


class PushKeysInput(StrictSerializer):
    p256dh = serializers.CharField(max_length=100, help_text="The browser's public key, base64url.")
    auth = serializers.CharField(max_length=40, help_text="The browser's auth secret, base64url.")


class PushSubscriptionInput(StrictSerializer):
    """What ``PushSubscription.toJSON()`` gives in the browser (``expirationTime`` is ignored)."""

    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysInput()
    expirationTime = serializers.IntegerField(required=False, allow_null=True)


class PushSubscriptionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    endpoint_host = serializers.SerializerMethodField()
    user_agent = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_sent_at = serializers.DateTimeField(allow_null=True)

    def get_endpoint_host(self, subscription) -> str:
        from urllib.parse import urlsplit

        return urlsplit(subscription.endpoint).hostname or ""


class PushDevicesOutput(serializers.Serializer):
    public_key = serializers.CharField(
        allow_null=True,
        help_text="The VAPID key to pass as applicationServerKey; null when push is off.",
    )
    devices = PushSubscriptionOutput(many=True)
