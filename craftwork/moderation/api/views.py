"""The moderation API: reporting for any signed-in user, the queue for staff.

Staff endpoints answer 403 to signed-in users who are not staff (401 without credentials).
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.throttling import UserRateThrottle

from .. import selectors, services
from ..models import Case
from . import serializers as s

TAG_FLAGS = "reports"
TAG_STAFF = "moderation (staff)"
DEFAULT_FLAG_RATE = "20/hour"


class FlagRateThrottle(UserRateThrottle):
    """Reports per user: ``MODERATION_FLAG_RATE`` (default 20/hour), on top of the user rate."""

    scope = "moderation_flags"

    def get_rate(self):
        return getattr(settings, "MODERATION_FLAG_RATE", DEFAULT_FLAG_RATE)


@extend_schema(tags=[TAG_FLAGS])
class FlagListCreateApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.OwnFlagOutput
    filter_backends: list = []

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(FlagRateThrottle())
        return throttles

    def get_queryset(self):
        return selectors.own_flags(self.request.user)

    @extend_schema(summary="My reports, newest first, with their status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Report a gig, job, profile, review or message I can see",
        description=(
            "One open report per user and item (409 `already_flagged`); your own content cannot "
            "be reported (403 `own_content`); an unknown kind or an item you cannot see is 404. "
            "At most `MODERATION_FLAGS_PER_HOUR` reports an hour (429)."
        ),
        request=s.FlagCreateInput,
        responses={201: s.OwnFlagOutput},
    )
    def post(self, request):
        data = s.FlagCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_create(actor=request.user, **data.validated_data)
        return Response(s.OwnFlagOutput(flag).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_FLAGS])
class AuthorDecisionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="A moderation decision about my content (or any, for staff)",
        responses=s.AuthorDecisionOutput,
    )
    def get(self, request, pk):
        decision = selectors.decision_for_viewer(request.user, pk)
        return Response(s.AuthorDecisionOutput(decision).data)


# --- staff -------------------------------------------------------------------------------------


@extend_schema(tags=[TAG_STAFF])
class CaseListApi(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = s.CaseOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.cases_for_staff(
            self.request.user,
            status=params.get("status") or Case.Status.OPEN,
            kind=params.get("kind", ""),
            source=params.get("source", ""),
        )

    @extend_schema(
        summary="The moderation queue: cases from reports and automatic holds",
        parameters=[
            OpenApiParameter("status", str, description="open (default) or closed"),
            OpenApiParameter("kind", str, description="gig, job, profile, review, message"),
            OpenApiParameter("source", str, description="flagged or held"),
        ],
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {"reason_counts": selectors.flag_reason_counts(page)}
        return self.get_paginated_response(s.CaseOutput(page, many=True, context=context).data)


def _case_response(request, case, *, status_code=status.HTTP_200_OK):
    context = {
        "flags": list(selectors.case_flags(case)),
        "item_history": list(selectors.item_history(kind=case.kind, object_id=case.object_id)),
        "author_history": list(selectors.author_history(case.author)),
        "hidden": selectors.hidden_item(kind=case.kind, object_id=case.object_id),
        "text": selectors.item_text(case),
        "reason_counts": selectors.flag_reason_counts([case]),
    }
    return Response(s.CaseDetailOutput(case, context=context).data, status=status_code)


@extend_schema(tags=[TAG_STAFF])
class CaseDetailApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="A case with its reports, the item's decisions and the author's record",
        responses=s.CaseDetailOutput,
    )
    def get(self, request, pk):
        return _case_response(request, selectors.case_for_staff(request.user, pk))


@extend_schema(tags=[TAG_STAFF])
class CaseDecideApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Decide an open case: hide, restore, remove or dismiss, with a reason",
        description=(
            "Calls the owning app's hide/restore/remove, closes the case, tells the author "
            "(and the reporters when `notify_flaggers`). A closed case answers 409 "
            "`case_closed`; dismissing a held case is 409 `held_needs_decision`."
        ),
        request=s.DecisionInput,
        responses=s.DecisionOutput,
    )
    def post(self, request, pk):
        case = selectors.case_for_staff(request.user, pk)
        data = s.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.case_decide(actor=request.user, case_id=case.pk, **data.validated_data)
        return Response(s.DecisionOutput(decision).data)


@extend_schema(tags=[TAG_STAFF])
class CaseReopenApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Open a new case for an item (e.g. to restore what was hidden)",
        request=s.ReopenInput,
        responses={201: s.CaseDetailOutput},
    )
    def post(self, request):
        data = s.ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_reopen(actor=request.user, **data.validated_data)
        return _case_response(request, case, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_STAFF])
class FlagDismissApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Dismiss one report without acting on the item",
        request=s.ReasonInput,
        responses=s.DecisionOutput,
    )
    def post(self, request, pk):
        flag = selectors.flag_for_staff(request.user, pk)
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.flag_dismiss(
            actor=request.user, flag_id=flag.pk, reason=data.validated_data["reason"]
        )
        return Response(s.DecisionOutput(decision).data)


@extend_schema(tags=[TAG_STAFF])
class DecisionListApi(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = s.DecisionOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.decisions_for_staff(
            self.request.user, kind=params.get("kind", ""), object_id=params.get("object_id", "")
        )

    @extend_schema(
        summary="Decisions, newest first (an item's history with kind and object_id)",
        parameters=[OpenApiParameter("kind", str), OpenApiParameter("object_id", str)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG_STAFF])
class BlockedTermListApi(generics.ListAPIView):
    permission_classes = [IsAdminUser]
    serializer_class = s.BlockedTermOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.blocked_terms_for_staff(self.request.user)

    @extend_schema(summary="Blocked words and link domains screening holds, besides the defaults")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Block a word, phrase or link domain",
        request=s.BlockedTermInput,
        responses={201: s.BlockedTermOutput},
    )
    def post(self, request):
        data = s.BlockedTermInput(data=request.data)
        data.is_valid(raise_exception=True)
        term = services.blocked_term_add(actor=request.user, **data.validated_data)
        return Response(s.BlockedTermOutput(term).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_STAFF])
class BlockedTermApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(summary="Unblock a term", responses={204: None})
    def delete(self, request, pk):
        services.blocked_term_remove(actor=request.user, term_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
