"""The recruiting API. Team endpoints name the workspace with the ``X-Workspace`` header (or
the ``workspace`` query parameter): an organization id or slug the caller is a member of.
Everything they read or write is scoped by ``selectors.workspace_for``; another workspace's
ids answer 404."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.accounts import services as account_services
from craftwork.core.api.params import choice_param
from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.core.idempotency import idempotent

from .. import selectors, services
from ..models import EmploymentType, OpeningStatus, Seniority, StageKind, Workplace
from . import serializers as s

TAG = "recruiting"
WORKSPACE_HEADER = "X-Workspace"
WORKSPACE = OpenApiParameter(
    WORKSPACE_HEADER, str, location=OpenApiParameter.HEADER, required=True,
    description="The workspace (organization id or slug) you act in; or ?workspace=.",
)  # fmt: skip


def membership(request, permission="workspace.view"):
    ref = request.headers.get(WORKSPACE_HEADER) or request.query_params.get("workspace")
    if not ref:
        message = _("Name the workspace in the X-Workspace header.")
        raise ValidationFailed(message, code="workspace_required",
                               details={"workspace": [message]})  # fmt: skip
    return selectors.workspace_for(request.user, ref, permission)


def _int_param(request, name, *, low=0, high=100):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        message = _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        raise ValidationFailed(message, code="invalid_parameter", details={name: [message]})
    return value


# --- workspaces ------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class WorkspacesApi(APIView):
    @extend_schema(
        summary="My workspaces and my role in each", responses=s.WorkspaceOutput(many=True)
    )
    def get(self, request):
        rows = selectors.memberships_of(request.user)
        return Response(s.WorkspaceOutput(rows, many=True).data)

    @extend_schema(summary="Create a company workspace (you are its owner)",
                   request=s.WorkspaceCreateInput, responses={201: s.WorkspaceOutput})  # fmt: skip
    @idempotent
    def post(self, request):
        data = s.WorkspaceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        organization = account_services.organization_create(
            actor=request.user, **data.validated_data
        )
        services.pipeline_ensure(organization)
        found = selectors.workspace_for(request.user, organization.pk)
        return Response(s.WorkspaceOutput(found).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class StagesApi(APIView):
    @extend_schema(summary="The workspace's pipeline stages", responses=s.StageOutput(many=True))
    def get(self, request):
        member = membership(request)
        stages = services.pipeline_ensure(member.organization)
        return Response(s.StageOutput(stages, many=True).data)

    @extend_schema(summary="Add a screening or interview stage", request=s.StageInput,
                   responses={201: s.StageOutput})  # fmt: skip
    @idempotent
    def post(self, request):
        member = membership(request, "pipeline.configure")
        data = s.StageInput(data=request.data)
        data.is_valid(raise_exception=True)
        stage = services.stage_create(actor=request.user, membership=member, **data.validated_data)
        return Response(s.StageOutput(stage).data, status=status.HTTP_201_CREATED)


# --- openings (team) -------------------------------------------------------------------------


def _opening_fields(validated: dict, member) -> dict:
    fields = dict(validated)
    if "hiring_team" in fields:
        fields["hiring_team"] = [str(pk) for pk in fields["hiring_team"]]
    return fields


def _team_opening(request, member, pk, code=status.HTTP_200_OK):
    opening = selectors.opening_in(member, pk)
    return Response(s.TeamOpeningOutput(opening, context={"team": True}).data, status=code)


@extend_schema(
    tags=[TAG],
    parameters=[WORKSPACE, OpenApiParameter("status", str, enum=OpeningStatus.values),
                OpenApiParameter("q", str)],
)  # fmt: skip
class TeamOpeningsApi(generics.ListAPIView):
    serializer_class = s.TeamOpeningRowOutput
    filter_backends: list = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "team": True}

    def get_queryset(self):
        # The parameters first: a typo answers invalid_parameter whatever the workspace.
        status_value = choice_param(self.request, "status", OpeningStatus.values)
        member = membership(self.request)
        return selectors.openings_in(
            member, status=status_value, q=self.request.query_params.get("q", "")
        )

    @extend_schema(summary="The workspace's openings")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Post an opening (a draft unless publish=true)",
                   request=s.OpeningCreateInput, responses={201: s.TeamOpeningOutput})  # fmt: skip
    @idempotent
    def post(self, request):
        member = membership(request, "opening.manage")
        data = s.OpeningCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _opening_fields(data.validated_data, member)
        publish_now = fields.pop("publish", False)
        opening = services.opening_create(
            actor=request.user, membership=member, publish_now=publish_now, **fields
        )
        return _team_opening(request, member, opening.pk, status.HTTP_201_CREATED)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class TeamOpeningApi(APIView):
    @extend_schema(summary="An opening of the workspace", responses=s.TeamOpeningOutput)
    def get(self, request, pk):
        return _team_opening(request, membership(request), pk)

    @extend_schema(summary="Edit an opening", request=s.OpeningFieldsInput,
                   responses=s.TeamOpeningOutput)  # fmt: skip
    def patch(self, request, pk):
        member = membership(request, "opening.manage")
        opening = selectors.opening_in(member, pk)
        data = s.OpeningFieldsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.opening_update(
            actor=request.user, membership=member, opening=opening,
            **_opening_fields(data.validated_data, member),
        )  # fmt: skip
        return _team_opening(request, member, pk)


def _opening_action(name, summary):
    @extend_schema(tags=[TAG], parameters=[WORKSPACE], summary=summary, request=None,
                   responses=s.TeamOpeningOutput)  # fmt: skip
    def post(self, request, pk):
        member = membership(request, "opening.manage")
        opening = selectors.opening_in(member, pk)
        services.opening_transition(actor=request.user, membership=member, opening=opening,
                                    name=name)  # fmt: skip
        return _team_opening(request, member, pk)

    return type(f"Opening{name.title()}Api", (APIView,), {"post": post})


OpeningPublishApi = _opening_action("publish", "Publish a draft opening")
OpeningPauseApi = _opening_action("pause", "Pause an open opening")
OpeningResumeApi = _opening_action("resume", "Reopen a paused opening")
OpeningCloseApi = _opening_action("close", "Close an opening")


# --- applications (team) ---------------------------------------------------------------------


@extend_schema(
    tags=[TAG],
    parameters=[
        WORKSPACE, OpenApiParameter("status", str, enum=StageKind.values),
        OpenApiParameter("stage", str), OpenApiParameter("q", str),
        OpenApiParameter("min_score", int), OpenApiParameter("knocked_out", bool),
    ],
)  # fmt: skip
class OpeningApplicationsApi(generics.ListAPIView):
    serializer_class = s.ApplicationRowOutput
    filter_backends: list = []

    def get_queryset(self):
        member = membership(self.request, "application.view")
        opening = selectors.opening_in(member, self.kwargs["pk"])
        stage_ref = self.request.query_params.get("stage")
        knocked = choice_param(self.request, "knocked_out", ["true", "false"])
        return selectors.applications_for(
            opening,
            status=choice_param(self.request, "status", StageKind.values),
            stage=selectors.stage_in(member, stage_ref) if stage_ref else None,
            q=self.request.query_params.get("q", ""),
            min_score=_int_param(self.request, "min_score"),
            knocked_out=None if knocked is None else knocked == "true",
        )

    @extend_schema(summary="Applications to an opening (best match first)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class OpeningMatchesApi(generics.ListAPIView):
    serializer_class = s.MatchOutput
    filter_backends: list = []

    def get_queryset(self):
        member = membership(self.request, "application.view")
        opening = selectors.opening_in(member, self.kwargs["pk"])
        return selectors.applications_for(opening)

    @extend_schema(summary="Match scores of an opening's applicants, best first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class BulkMoveApi(APIView):
    @extend_schema(summary="Move (or reject) many applications of an opening",
                   request=s.BulkMoveInput, responses=s.BulkMoveOutput)  # fmt: skip
    def post(self, request, pk):
        member = membership(request, "application.move")
        opening = selectors.opening_in(member, pk)
        data = s.BulkMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        result = services.application_bulk_move(
            actor=request.user, membership=member, opening=opening,
            application_ids=[str(pk) for pk in fields["applications"]],
            stage=selectors.stage_in(member, fields["stage"]),
            reason=fields.get("reason", ""), candidate_message=fields.get("candidate_message", ""),
        )  # fmt: skip
        return Response(s.BulkMoveOutput(result).data)


def _application(request, member, pk):
    application = selectors.application_in(member, pk)
    return Response(s.ApplicationDetailOutput(application).data)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class ApplicationApi(APIView):
    @extend_schema(summary="An application (team view)", responses=s.ApplicationDetailOutput)
    def get(self, request, pk):
        return _application(request, membership(request, "application.view"), pk)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class ApplicationMoveApi(APIView):
    @extend_schema(summary="Change an application's stage (as the pipeline allows)",
                   request=s.MoveInput, responses=s.ApplicationDetailOutput)  # fmt: skip
    def post(self, request, pk):
        member = membership(request, "application.move")
        application = selectors.application_in(member, pk)
        data = s.MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        services.application_move(
            actor=request.user, membership=member, application=application,
            stage=selectors.stage_in(member, fields["stage"]), reason=fields.get("reason", ""),
            candidate_message=fields.get("candidate_message", ""),
        )  # fmt: skip
        return _application(request, member, pk)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class NotesApi(APIView):
    @extend_schema(summary="Team notes on an application", responses=s.NoteOutput(many=True))
    def get(self, request, pk):
        member = membership(request, "application.view")
        application = selectors.application_in(member, pk)
        return Response(s.NoteOutput(selectors.notes_for(application), many=True).data)

    @extend_schema(summary="Add a team note (@email or @FirstName notifies a teammate)",
                   request=s.NoteInput, responses={201: s.NoteOutput})  # fmt: skip
    @idempotent
    def post(self, request, pk):
        member = membership(request, "application.note")
        application = selectors.application_in(member, pk)
        data = s.NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_add(actor=request.user, membership=member, application=application,
                                 **data.validated_data)  # fmt: skip
        return Response(s.NoteOutput(note).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class ScorecardsApi(APIView):
    @extend_schema(summary="Scorecards (an interviewer sees others' after submitting their own)",
                   responses=s.ScorecardsOutput)  # fmt: skip
    def get(self, request, pk):
        member = membership(request, "application.view")
        application = selectors.application_in(member, pk)
        cards, own = selectors.scorecards_visible(member, application)
        return Response(s.ScorecardsOutput({"submitted_own": own, "scorecards": cards}).data)

    @extend_schema(summary="Submit my scorecard (criteria rated 1-4 and a recommendation)",
                   request=s.ScorecardInput, responses={201: s.ScorecardOutput})  # fmt: skip
    @idempotent
    def post(self, request, pk):
        member = membership(request, "scorecard.submit")
        application = selectors.application_in(member, pk)
        data = s.ScorecardInput(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.scorecard_submit(actor=request.user, membership=member,
                                         application=application, **data.validated_data)  # fmt: skip
        return Response(s.ScorecardOutput(card).data, status=status.HTTP_201_CREATED)


# --- public openings and the candidate -------------------------------------------------------

PUBLIC_PARAMS = [
    OpenApiParameter("q", str), OpenApiParameter("company", str),
    OpenApiParameter("employment_type", str, enum=EmploymentType.values),
    OpenApiParameter("workplace", str, enum=Workplace.values),
    OpenApiParameter("seniority", str, enum=Seniority.values),
    OpenApiParameter("skill", str), OpenApiParameter("location", str),
]  # fmt: skip


def public_filters(request) -> dict:
    params = request.query_params if hasattr(request, "query_params") else request.GET
    company = params.get("company")
    return {
        "q": params.get("q", ""),
        "organization": selectors.careers_organization(company) if company else None,
        "employment_type": choice_param(request, "employment_type", EmploymentType.values),
        "workplace": choice_param(request, "workplace", Workplace.values),
        "seniority": choice_param(request, "seniority", Seniority.values),
        "skill": params.get("skill", ""),
        "location": params.get("location", ""),
    }


@extend_schema(tags=[TAG], parameters=PUBLIC_PARAMS)
class PublicOpeningsApi(generics.ListAPIView):
    serializer_class = s.OpeningCardOutput
    permission_classes = [AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.public_openings(**public_filters(self.request))

    @extend_schema(summary="Open employment openings (search with filters)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG])
class PublicOpeningApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="An open opening", responses=s.OpeningDetailOutput)
    def get(self, request, pk):
        return Response(s.OpeningDetailOutput(selectors.public_opening(pk)).data)


@extend_schema(tags=[TAG])
class ApplyApi(APIView):
    @extend_schema(summary="Apply to an opening (one application per opening)",
                   request=s.ApplyInput, responses={201: s.MyApplicationOutput})  # fmt: skip
    @idempotent
    def post(self, request, pk):
        try:
            opening = selectors.public_opening(pk)
        except NotFound:
            # a closed or paused opening still exists: say so instead of "not found"
            opening = selectors.closed_opening(pk)
        data = s.ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_submit(actor=request.user, opening=opening,
                                                  **data.validated_data)  # fmt: skip
        return Response(s.MyApplicationOutput(application).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class MyApplicationsApi(generics.ListAPIView):
    serializer_class = s.MyApplicationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.candidate_applications(self.request.user)

    @extend_schema(summary="My applications, with a plain-language status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG])
class MyApplicationApi(APIView):
    @extend_schema(summary="One of my applications", responses=s.MyApplicationOutput)
    def get(self, request, pk):
        application = selectors.candidate_application(request.user, pk)
        return Response(s.MyApplicationOutput(application).data)


@extend_schema(tags=[TAG])
class WithdrawApi(APIView):
    @extend_schema(summary="Withdraw my application", request=s.RecruitingReasonInput,
                   responses=s.MyApplicationOutput)  # fmt: skip
    def post(self, request, pk):
        application = selectors.candidate_application(request.user, pk)
        data = s.RecruitingReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_withdraw(actor=request.user, application=application,
                                      **data.validated_data)  # fmt: skip
        fresh = selectors.candidate_application(request.user, pk)
        return Response(s.MyApplicationOutput(fresh).data)


# --- offers ----------------------------------------------------------------------------------


@extend_schema(tags=[TAG], parameters=[WORKSPACE])
class OffersApi(APIView):
    @extend_schema(summary="Offers of an application", responses=s.OfferOutput(many=True))
    def get(self, request, pk):
        member = membership(request, "application.view")
        application = selectors.application_in(member, pk)
        return Response(s.OfferOutput(selectors.offers_for(application), many=True).data)

    @extend_schema(summary="Draft an offer (the application is in the offer stage)",
                   request=s.OfferInput, responses={201: s.OfferOutput})  # fmt: skip
    @idempotent
    def post(self, request, pk):
        member = membership(request, "offer.manage")
        application = selectors.application_in(member, pk)
        data = s.OfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_create(actor=request.user, membership=member,
                                      application=application, **data.validated_data)  # fmt: skip
        return Response(s.OfferOutput(offer).data, status=status.HTTP_201_CREATED)


def _offer_action(name, summary):
    @extend_schema(tags=[TAG], parameters=[WORKSPACE], summary=summary, request=None,
                   responses=s.OfferOutput)  # fmt: skip
    def post(self, request, pk):
        member = membership(request)
        offer = selectors.offer_in(member, pk)
        done = services.offer_transition(actor=request.user, membership=member, offer=offer,
                                         name=name)  # fmt: skip
        return Response(s.OfferOutput(done).data)

    return type(f"Offer{name.title()}Api", (APIView,), {"post": post})


OfferApproveApi = _offer_action("approve", "Approve a draft offer (hiring manager)")
OfferSendApi = _offer_action("send", "Send an approved offer to the candidate")
OfferWithdrawApi = _offer_action("withdraw", "Withdraw an offer")


@extend_schema(tags=[TAG])
class MyOfferApi(APIView):
    @extend_schema(summary="An offer made to me", responses=s.CandidateOfferOutput)
    def get(self, request, pk):
        return Response(s.CandidateOfferOutput(selectors.candidate_offer(request.user, pk)).data)


def _answer_action(accept: bool, summary):
    @extend_schema(tags=[TAG], summary=summary, request=s.RecruitingReasonInput,
                   responses=s.CandidateOfferOutput)  # fmt: skip
    def post(self, request, pk):
        offer = selectors.candidate_offer(request.user, pk)
        data = s.RecruitingReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.offer_answer(actor=request.user, offer=offer, accept=accept,
                                     **data.validated_data)  # fmt: skip
        return Response(s.CandidateOfferOutput(done).data)

    return type("OfferAcceptApi" if accept else "OfferDeclineApi", (APIView,), {"post": post})


OfferAcceptApi = _answer_action(True, "Accept an offer (you are hired)")
OfferDeclineApi = _answer_action(False, "Decline an offer")
