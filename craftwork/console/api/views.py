"""The staff console's API: the overview's numbers and the bulk actions, behind the same
staffroles gate as the pages (403 for a role without the permission, 401 without credentials)."""

import dataclasses

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.staffroles import access

from .. import metrics, services
from ..forms import PeriodForm
from ..listings import LISTINGS
from . import serializers as s

TAG = "staff console"


def _gate(permission: str):
    class Gate(BasePermission):
        def has_permission(self, request, view):
            return access.staff_can(request.user, permission)

    return Gate


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@extend_schema(tags=[TAG])
class OverviewApi(APIView):
    permission_classes = [IsAuthenticated, _gate(access.VIEW_METRICS)]

    @extend_schema(
        summary="The overview's numbers for a period and the previous one",
        description=(
            "Whole UTC days from `start` to `end` (inclusive, at most 366 days; default the last "
            "30). Money in minor units per currency; rates in basis points; `trends` per day "
            "(per week over 62 days)."
        ),
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("currency", str, description="Currency of the GMV trend"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        data = s.PeriodInput(data=request.query_params.dict())
        data.is_valid(raise_exception=True)
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(details={"period": [str(e) for e in form.non_field_errors()]})
        now = timezone.now()
        period = form.period(now.date())
        overview = metrics.overview(period, now=now)
        currency = data.validated_data.get("currency") or (
            overview.money[0].currency if overview.money else None
        )
        body = _jsonable(overview)
        body["trends"] = _jsonable(metrics.trends(period, currency))
        return Response(body)


@extend_schema(tags=[TAG])
class BulkApi(APIView):
    permission_classes = [IsAuthenticated, _gate(access.VIEW_CONSOLE)]

    @extend_schema(
        summary="Apply a staff action to several users, jobs or gigs",
        description=(
            "`users`: `verify`, `suspend`, `reinstate`; `jobs` and `gigs`: `unpublish`. Each row "
            "goes through the owning service on its own; rows it refuses are listed in `failed`. "
            "A reason is required except for `verify`; the role must allow the action (403)."
        ),
        request=s.BulkInput,
        responses={200: s.BulkOutput},
    )
    def post(self, request, kind):
        if kind not in LISTINGS:
            raise NotFound()
        data = s.BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.bulk_apply(actor=request.user, kind=kind, **data.validated_data)
        return Response(
            {
                "done": result.done,
                "failed": [{"id": pk, "message": message} for pk, message in result.failed],
            }
        )
