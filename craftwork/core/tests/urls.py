"""Test-only API views exercising the shared API plumbing."""

from datetime import timedelta

from django.db import OperationalError
from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core import views as core_views
from craftwork.core.api.throttling import ScopedRateThrottle
from craftwork.core.db import run_with_retry
from craftwork.core.errors import Conflict, ValidationFailed
from craftwork.core.idempotency import idempotent
from craftwork.core.models import AuditLog, IdempotencyRecord


class EchoInput(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=20, required=False)


class ChargeView(APIView):
    """Writes one audit row per executed request, so replays are observable."""

    permission_classes = [IsAuthenticated]
    calls = 0

    @idempotent
    def post(self, request):
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["amount"] == 999:
            raise Conflict("Amount 999 conflicts.", code="amount_conflict")
        if data.validated_data["amount"] == 998:
            raise ValidationFailed("Not today.", code="not_today", details={"amount": ["no"]})
        row = AuditLog.objects.create(action="test.charge", details=data.validated_data)
        return Response({"charge": row.pk, "amount": data.validated_data["amount"]}, status=201)


class StampView(APIView):
    """Answers with a datetime (as most detail responses do) after writing an audit row; with
    ``{"fail": true}`` it crashes after the write, with ``{"steal": true}`` its Idempotency-Key
    claim is taken over while it runs."""

    permission_classes = [IsAuthenticated]

    @idempotent
    def post(self, request):
        row = AuditLog.objects.create(action="test.stamp", details={})
        if request.data.get("steal"):
            IdempotencyRecord.objects.filter(key=request.headers["Idempotency-Key"]).update(
                created_at=timezone.now() + timedelta(seconds=1)
            )
        if request.data.get("fail"):
            raise RuntimeError("crash after the write")
        return Response({"stamp": row.pk, "at": row.created_at}, status=201)


class DeadlockView(APIView):
    """Every attempt is aborted by the database as a deadlock victim."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        return run_with_retry(_deadlocked)


def _deadlocked():
    AuditLog.objects.create(action="test.deadlock", details={})
    error = OperationalError("deadlock detected")
    error.__cause__ = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})()
    raise error


class BoomView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


class PublicView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("api/v1/test/charge/", ChargeView.as_view()),
    path("api/v1/test/boom/", BoomView.as_view()),
    path("api/v1/test/stamp/", StampView.as_view()),
    path("api/v1/test/deadlock/", DeadlockView.as_view()),
    path("api/v1/test/public/", PublicView.as_view()),
    path("health/", core_views.health),
    path("ready/", core_views.ready),
]

handler404 = "craftwork.web.views.page_not_found"
handler500 = "craftwork.web.views.server_error"
