"""Notifications API: the signed-in user's notifications, preferences and mobile number."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.errors import NotFound

from .. import push, selectors, services
from . import serializers as s

TAG = "notifications"
ERROR = OpenApiResponse(description='Error: {"error": {"code", "message", "details"}}')


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _unread_param(request) -> bool | None:
    raw = request.query_params.get("unread")
    if raw in (None, ""):
        return None
    value = raw.strip().lower()
    if value in {"1", "true", "yes"}:
        return True
    if value in {"0", "false", "no"}:
        return False
    raise serializers.ValidationError({"unread": [_("Use true or false.")]})


@extend_schema(
    tags=[TAG],
    summary="My notifications, newest first",
    parameters=[
        OpenApiParameter("unread", bool, description="true: only unread; false: only read.")
    ],
)
class NotificationListApi(generics.ListAPIView):
    serializer_class = s.NotificationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.notifications_for(self.request.user, unread=_unread_param(self.request))


class NotificationReadApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Mark one of my notifications read",
        request=None,
        responses={200: s.NotificationOutput, 404: ERROR},
    )
    def post(self, request, pk):
        notification = selectors.notification_for_recipient(request.user, pk)
        notification = services.notification_mark_read(
            actor=request.user, notification=notification
        )
        return Response(s.NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Mark all my notifications read",
        request=None,
        responses=s.ReadAllOutput,
    )
    def post(self, request):
        marked = services.notifications_mark_all_read(actor=request.user)
        unread = selectors.unread_count(request.user)
        return Response(s.ReadAllOutput({"marked": marked, "unread_count": unread}).data)


class UnreadCountApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="How many unread notifications I have (the bell)",
        responses=s.UnreadCountOutput,
    )
    def get(self, request):
        return Response({"unread_count": selectors.unread_count(request.user)})


def _preferences_response(user) -> Response:
    data = {
        "types": selectors.preference_matrix(user),
        "daily_digest": selectors.daily_digest_enabled(user),
        "phone": selectors.phone_for(user),
    }
    return Response(s.PreferencesOutput(data).data)


class PreferencesApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="My notification preferences: each type and channel, the digest, my mobile number",
        responses=s.PreferencesOutput,
    )
    def get(self, request):
        return _preferences_response(request.user)

    @extend_schema(
        tags=[TAG],
        summary="Change my notification preferences",
        description=(
            "Sets each listed (type, channel) and, when given, the daily digest; anything not "
            "listed keeps its value. SMS is only offered for urgent types and needs a verified "
            "mobile number."
        ),
        request=s.PreferencesInput,
        responses={200: s.PreferencesOutput, 400: ERROR},
    )
    def put(self, request):
        data = validated(s.PreferencesInput, request)
        changes = [
            (item["type"], item["channel"], item["enabled"]) for item in data.get("preferences", [])
        ]
        services.preferences_update(
            actor=request.user, changes=changes, daily_digest=data.get("daily_digest")
        )
        return _preferences_response(request.user)


class PhoneApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="My mobile number for urgent SMS",
        responses={200: s.PhoneOutput, 404: ERROR},
    )
    def get(self, request):
        phone = selectors.phone_for(request.user)
        if phone is None:
            raise NotFound(_("No mobile number."), code="no_phone")
        return Response(s.PhoneOutput(phone).data)

    @extend_schema(
        tags=[TAG],
        summary="Set my mobile number and text it a verification code",
        request=s.PhoneInput,
        responses={200: s.PhoneOutput, 400: ERROR, 429: ERROR},
    )
    def put(self, request):
        data = validated(s.PhoneInput, request)
        phone = services.phone_set(actor=request.user, number=data["number"])
        return Response(s.PhoneOutput(phone).data)

    @extend_schema(tags=[TAG], summary="Remove my mobile number", responses={204: None})
    def delete(self, request):
        services.phone_remove(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhoneVerifyApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Verify my mobile number with the code it received",
        request=s.PhoneVerifyInput,
        responses={200: s.PhoneOutput, 400: ERROR, 404: ERROR},
    )
    def post(self, request):
        data = validated(s.PhoneVerifyInput, request)
        phone = services.phone_verify(actor=request.user, code=data["code"])
        return Response(s.PhoneOutput(phone).data)


def _push_devices_response(user, status_code=200) -> Response:
    keys = push.vapid_keys()
    data = {
        "public_key": keys.public_key if keys else None,
        "devices": selectors.push_subscriptions_for(user),
    }
    return Response(s.PushDevicesOutput(data).data, status=status_code)


class PushSubscriptionListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="My devices that receive push notifications, and the key to subscribe another",
        responses=s.PushDevicesOutput,
    )
    def get(self, request):
        return _push_devices_response(request.user)

    @extend_schema(
        tags=[TAG],
        summary="Turn on push notifications for this browser",
        description=(
            "Send the browser's PushSubscription (endpoint and keys). The endpoint must be on a "
            "known push service. Sending the same endpoint again refreshes it."
        ),
        request=s.PushSubscriptionInput,
        responses={201: s.PushDevicesOutput, 400: ERROR, 409: ERROR},
    )
    def post(self, request):
        data = validated(s.PushSubscriptionInput, request)
        services.push_subscription_save(
            actor=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return _push_devices_response(request.user, status.HTTP_201_CREATED)


class PushSubscriptionDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="Stop push notifications to one of my devices",
        responses={204: None, 404: ERROR},
    )
    def delete(self, request, pk):
        subscription = selectors.push_subscription_for(request.user, pk)
        services.push_subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)
