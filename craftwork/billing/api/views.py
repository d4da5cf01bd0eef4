"""The billing API: plans, credit wallets, the credit price list. Views parse, call a service or
selector, and present."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.accounts.models import Organization, User
from craftwork.core.api.pagination import StandardPagination
from craftwork.core.api.params import choice_param
from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.core.idempotency import HEADER

from .. import credits, plans, selectors
from ..models import Audience, CreditAction, Plan
from . import serializers as s

ORGANIZATION = OpenApiParameter(
    "organization", str, required=False, description="A workspace you are a member of."
)


def _query(request) -> dict:
    query = s.WalletQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


class PlanListView(APIView):
    permission_classes = [AllowAny]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[OpenApiParameter("audience", str, enum=Audience.values, required=False)],
        responses=s.PlanSerializer(many=True),
        summary="Public plans with their current version and prices",
        auth=[],
    )
    def get(self, request):
        audience = choice_param(request, "audience", Audience.values)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(plans.public_plans(audience), request, view=self)
        return paginator.get_paginated_response(s.PlanSerializer(page, many=True).data)


class PlanDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PlanSerializer, summary="One public plan", auth=[])
    def get(self, request, slug):
        return Response(s.PlanSerializer(selectors.plan_by_slug(slug)).data)


class PlanVersionCreateView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.PlanVersionInputSerializer,
        responses={201: s.PlanVersionSerializer},
        summary="Staff: change a plan (creates its next version)",
        description="Fields left out keep the current version's value; `prices` replaces the "
        "whole price list. Existing subscribers keep their version.",
    )
    def post(self, request, slug):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise NotFound()
        data = s.PlanVersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = plans.plan_version_create(actor=request.user, plan=plan, **data.validated_data)
        return Response(s.PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class CreditWalletView(APIView):
    @extend_schema(
        parameters=[ORGANIZATION], responses=s.CreditWalletSerializer, summary="My credit balance"
    )
    def get(self, request):
        query = _query(request)
        wallet = selectors.wallet_for_actor(request.user, query.get("organization"))
        wallet = credits.wallet_refresh(wallet=wallet)
        return Response(s.CreditWalletSerializer(selectors.wallet_summary(wallet)).data)


class CreditHistoryView(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[ORGANIZATION],
        responses=s.CreditEntrySerializer(many=True),
        summary="My credit history, with reasons",
    )
    def get(self, request):
        query = _query(request)
        wallet = selectors.wallet_for_actor(request.user, query.get("organization"))
        wallet = credits.wallet_refresh(wallet=wallet)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.credit_history(wallet), request, view=self)
        return paginator.get_paginated_response(s.CreditEntrySerializer(page, many=True).data)


class CreditPriceListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses=s.CreditPriceSerializer(many=True), summary="What actions cost", auth=[]
    )
    def get(self, request):
        return Response(s.CreditPriceSerializer(selectors.credit_prices(), many=True).data)


class CreditPriceDetailView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.CreditPriceInputSerializer,
        responses=s.CreditPriceSerializer,
        summary="Staff: set what an action costs",
    )
    def put(self, request, action):
        if action not in CreditAction.values:
            raise NotFound()
        data = s.CreditPriceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credits.credit_price_set(
            actor=request.user, action=action, credits=data.validated_data["credits"]
        )
        row = next(p for p in selectors.credit_prices() if p["action"] == action)
        return Response(s.CreditPriceSerializer(row).data)


class CreditGrantView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=s.CreditGrantInputSerializer,
        responses={201: s.CreditWalletSerializer},
        summary="Staff: grant credits to a user or a workspace",
        description="Granted credits never expire. Send an `Idempotency-Key` to grant once.",
    )
    def post(self, request):
        data = s.CreditGrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "user" in values:
            owner = User.objects.filter(pk=values["user"]).first()
            wallet = credits.wallet_for(user=owner) if owner else None
        else:
            owner = Organization.objects.filter(pk=values["organization"]).first()
            wallet = credits.wallet_for(organization=owner) if owner else None
        if wallet is None:
            raise ValidationFailed(code="unknown_owner", details={"field": "user"})
        credits.credits_grant(
            actor=request.user,
            wallet=wallet,
            credits=values["credits"],
            reason=values["reason"],
            idempotency_key=request.headers.get(HEADER) or str(uuid.uuid4()),
        )
        return Response(
            s.CreditWalletSerializer(selectors.wallet_summary(wallet)).data,
            status=status.HTTP_201_CREATED,
        )
