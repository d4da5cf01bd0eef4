from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.accounts.selectors import organization_for_member
from craftwork.core.api.params import choice_param
from craftwork.core.api.parsers import JSONParser, MultiPartParser
from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.core.idempotency import idempotent
from craftwork.profiles.selectors import public_freelancer_detail

from .. import selectors, services
from ..filters import JobFilter
from ..models import InvitationStatus, JobStatus, ProposalStatus
from ..views import attachment_download
from . import serializers as s

TAG_JOBS = "jobs"
TAG_PROPOSALS = "proposals"
TAG_INVITATIONS = "job invitations"
STATUS_PARAM = "status"


def _viewer(job, user) -> dict:
    context = selectors.viewer_context(job, user)
    return {key: value for key, value in context.items() if key not in ("proposal", "invitation")}


def _job_detail(request, job_pk, *, status_code=status.HTTP_200_OK) -> Response:
    job = selectors.job_for_viewer(request.user, job_pk)
    context = {"request": request, "viewer": _viewer(job, request.user)}
    return Response(s.JobDetailOutput(job, context=context).data, status=status_code)


def _contract_created(contract) -> Response:
    try:
        url = reverse("contracts:detail", args=[contract.pk])
    except NoReverseMatch:
        url = None
    return Response(
        s.JobContractCreatedOutput({"contract_id": contract.pk, "contract_url": url}).data,
        status=status.HTTP_201_CREATED,
    )


def _organization(user, pk):
    if pk is None:
        return None
    try:
        return organization_for_member(user, pk)
    except NotFound:
        message = _("You are not a member of this organization.")
        raise ValidationFailed(
            message, code="not_member", details={"organization": [message]}
        ) from None


# --- jobs ----------------------------------------------------------------------------------------


@extend_schema(tags=[TAG_JOBS])
class JobListCreateApi(generics.ListAPIView):
    """Open public jobs. Amounts are minor units; `skills` may repeat (any matches);
    `near=lat,lng` with `radius_km` (default 50) keeps on-site jobs within that distance;
    `date_from`/`date_to` keep jobs whose schedule overlaps (flexible jobs always match)."""

    serializer_class = s.JobCardOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = JobFilter

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    def get_queryset(self):
        return selectors.public_jobs()

    @extend_schema(summary="Search open jobs")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Post a job (a draft unless publish=true)",
        request=s.JobCreateInput,
        responses={201: s.JobDetailOutput},
    )
    @idempotent
    def post(self, request):
        data = s.JobCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organization = _organization(request.user, fields.pop("organization", None))
        publish_now = fields.pop("publish", False)
        job = services.job_create(
            actor=request.user, organization=organization, publish_now=publish_now, **fields
        )
        return _job_detail(request, job.pk, status_code=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_JOBS],
    summary="My posted jobs, with proposal and invitation counts",
    parameters=[OpenApiParameter(STATUS_PARAM, str, enum=JobStatus.values)],
)
class MyJobsApi(generics.ListAPIView):
    serializer_class = s.OwnJobOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.own_jobs(
            self.request.user, status=choice_param(self.request, STATUS_PARAM, JobStatus.values)
        )


@extend_schema(tags=[TAG_JOBS])
class JobDetailApi(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(summary="A job", responses=s.JobDetailOutput)
    def get(self, request, pk):
        return _job_detail(request, pk)

    @extend_schema(
        summary="Edit my job (after bids: not the budget type or currency)",
        request=s.JobFieldsInput,
        responses=s.JobDetailOutput,
    )
    def patch(self, request, pk):
        job = selectors.own_job(request.user, pk)
        data = s.JobFieldsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.job_update(actor=request.user, job=job, **data.validated_data)
        return _job_detail(request, pk)


def _action_view(name, *, tag, summary, load, service, target, respond, response, input_class=None):
    """A POST that loads the caller's ``target`` (404 if it is not theirs), runs one service with
    the validated fields and answers with ``respond(request, pk)``."""

    @extend_schema(tags=[tag], summary=summary, request=input_class, responses=response)
    def post(self, request, pk):
        obj = load(request.user, pk)
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        service(actor=request.user, **{target: obj}, **data)
        return respond(request, pk)

    return type(name, (APIView,), {"post": post})


def _job_action_view(name, service, summary, input_class=None):
    return _action_view(
        name,
        tag=TAG_JOBS,
        summary=summary,
        load=selectors.own_job,
        service=service,
        target="job",
        respond=_job_detail,
        response=s.JobDetailOutput,
        input_class=input_class,
    )


JobPublishApi = _job_action_view(
    "JobPublishApi", services.job_publish, "Open my draft job for proposals"
)
JobCloseApi = _job_action_view(
    "JobCloseApi",
    services.job_close,
    "Stop hiring: live proposals are declined",
    s.JobReasonInput,
)
JobCancelApi = _job_action_view(
    "JobCancelApi", services.job_cancel, "Call off a job nobody was hired for", s.JobReasonInput
)


@extend_schema(tags=[TAG_JOBS])
class JobAttachmentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Attach a PDF or image to my job (at most 10)",
        request={"multipart/form-data": s.JobAttachmentInput},
        responses={201: s.JobAttachmentOutput},
    )
    def post(self, request, pk):
        job = selectors.own_job(request.user, pk)
        data = s.JobAttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.job_attachment_add(
            actor=request.user, job=job, upload=data.validated_data["file"]
        )
        output = s.JobAttachmentOutput(attachment, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_JOBS])
class JobAttachmentApi(APIView):
    @extend_schema(summary="Download a job attachment", responses={(200, "*/*"): bytes})
    def get(self, request, pk, attachment_pk):
        return attachment_download(
            selectors.job_attachment_for_viewer(request.user, pk, attachment_pk)
        )

    @extend_schema(summary="Remove an attachment from my job", responses={204: None})
    def delete(self, request, pk, attachment_pk):
        job = selectors.own_job(request.user, pk)
        services.job_attachment_remove(actor=request.user, job=job, attachment_id=attachment_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- proposals ------------------------------------------------------------------------------------


@extend_schema(tags=[TAG_PROPOSALS])
class JobProposalsApi(generics.ListAPIView):
    serializer_class = s.ProposalForClientOutput
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        job = selectors.own_job(self.request.user, self.kwargs["pk"])
        return selectors.job_proposals(
            job, status=choice_param(self.request, STATUS_PARAM, ProposalStatus.values)
        )

    @extend_schema(
        summary="Proposals on my job, with each bidder's profile summary",
        parameters=[OpenApiParameter(STATUS_PARAM, str, enum=ProposalStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Submit a proposal (amount for fixed-price jobs, hourly_rate for hourly ones)",
        request={
            "application/json": s.ProposalInput,
            "multipart/form-data": s.ProposalSubmitInput,
        },
        responses={201: s.ProposalOutput},
    )
    @idempotent
    def post(self, request, pk):
        job = selectors.job_for_viewer(request.user, pk)
        data = s.ProposalSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_submit(actor=request.user, job=job, **data.validated_data)
        proposal = selectors.own_proposal(request.user, proposal.pk)
        output = s.ProposalOutput(proposal, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_PROPOSALS],
    summary="My proposals",
    parameters=[OpenApiParameter(STATUS_PARAM, str, enum=ProposalStatus.values)],
)
class MyProposalsApi(generics.ListAPIView):
    serializer_class = s.ProposalOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.own_proposals(
            self.request.user,
            status=choice_param(self.request, STATUS_PARAM, ProposalStatus.values),
        )


def _proposal_response(request, pk) -> Response:
    proposal = selectors.proposal_for_participant(request.user, pk)
    output_class = (
        s.ProposalOutput if proposal.freelancer_id == request.user.pk else s.ProposalForClientOutput
    )
    return Response(output_class(proposal, context={"request": request}).data)


@extend_schema(tags=[TAG_PROPOSALS])
class ProposalDetailApi(APIView):
    @extend_schema(summary="A proposal I made or received", responses=s.ProposalForClientOutput)
    def get(self, request, pk):
        return _proposal_response(request, pk)

    @extend_schema(
        summary="Edit my live proposal", request=s.ProposalInput, responses=s.ProposalOutput
    )
    def patch(self, request, pk):
        proposal = selectors.own_proposal(request.user, pk)
        data = s.ProposalInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.proposal_update(actor=request.user, proposal=proposal, **data.validated_data)
        return _proposal_response(request, pk)


def _proposal_action_view(name, service, summary, *, load, response, input_class=None):
    return _action_view(
        name,
        tag=TAG_PROPOSALS,
        summary=summary,
        load=load,
        service=service,
        target="proposal",
        respond=_proposal_response,
        response=response,
        input_class=input_class,
    )


ProposalWithdrawApi = _proposal_action_view(
    "ProposalWithdrawApi",
    services.proposal_withdraw,
    "Withdraw my proposal",
    load=selectors.own_proposal,
    response=s.ProposalOutput,
)
ProposalShortlistApi = _proposal_action_view(
    "ProposalShortlistApi",
    services.proposal_shortlist,
    "Shortlist a proposal on my job",
    load=selectors.proposal_for_client,
    response=s.ProposalForClientOutput,
)
ProposalUnshortlistApi = _proposal_action_view(
    "ProposalUnshortlistApi",
    services.proposal_unshortlist,
    "Take a proposal off the shortlist",
    load=selectors.proposal_for_client,
    response=s.ProposalForClientOutput,
)
ProposalDeclineApi = _proposal_action_view(
    "ProposalDeclineApi",
    services.proposal_decline,
    "Decline a proposal on my job",
    load=selectors.proposal_for_client,
    response=s.ProposalForClientOutput,
    input_class=s.JobReasonInput,
)


@extend_schema(tags=[TAG_PROPOSALS], request=None, responses={201: s.JobContractCreatedOutput})
class ProposalAcceptApi(APIView):
    @extend_schema(
        summary="Accept a proposal: creates the contract (409 job_filled when no opening is left)"
    )
    @idempotent
    def post(self, request, pk):
        proposal = selectors.proposal_for_client(request.user, pk)
        contract = services.proposal_accept(actor=request.user, proposal=proposal)
        return _contract_created(contract)


@extend_schema(tags=[TAG_PROPOSALS])
class ProposalAttachmentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Attach a PDF or image to my live proposal (at most 5)",
        request={"multipart/form-data": s.JobAttachmentInput},
        responses={201: s.JobAttachmentOutput},
    )
    def post(self, request, pk):
        proposal = selectors.own_proposal(request.user, pk)
        data = s.JobAttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.proposal_attachment_add(
            actor=request.user, proposal=proposal, upload=data.validated_data["file"]
        )
        output = s.JobAttachmentOutput(attachment, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_PROPOSALS])
class ProposalAttachmentApi(APIView):
    @extend_schema(summary="Download a proposal attachment", responses={(200, "*/*"): bytes})
    def get(self, request, pk, attachment_pk):
        return attachment_download(
            selectors.proposal_attachment_for_participant(request.user, pk, attachment_pk)
        )

    @extend_schema(summary="Remove an attachment from my live proposal", responses={204: None})
    def delete(self, request, pk, attachment_pk):
        proposal = selectors.own_proposal(request.user, pk)
        services.proposal_attachment_remove(
            actor=request.user, proposal=proposal, attachment_id=attachment_pk
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations ------------------------------------------------------------------------------------


@extend_schema(tags=[TAG_INVITATIONS])
class JobInvitationsApi(generics.ListAPIView):
    serializer_class = s.JobInvitationOutput
    filter_backends: list = []

    def get_queryset(self):
        job = selectors.own_job(self.request.user, self.kwargs["pk"])
        return selectors.invitations_sent(
            self.request.user,
            job=job,
            status=choice_param(self.request, STATUS_PARAM, InvitationStatus.values),
        )

    @extend_schema(
        summary="Invitations I sent for my job",
        parameters=[OpenApiParameter(STATUS_PARAM, str, enum=InvitationStatus.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Invite a freelancer to my job with a role and proposed terms",
        request=s.JobInvitationInput,
        responses={201: s.JobInvitationOutput},
    )
    def post(self, request, pk):
        job = selectors.own_job(request.user, pk)
        data = s.JobInvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        freelancer = _invitee(fields.pop("freelancer"))
        invitation = services.invitation_send(
            actor=request.user, job=job, freelancer=freelancer, **fields
        )
        invitation = selectors.invitation_for_participant(request.user, invitation.pk)
        output = s.JobInvitationOutput(invitation, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


def _invitee(profile_pk):
    try:
        return public_freelancer_detail(profile_pk).user
    except NotFound:
        message = _("No published freelancer profile has this id.")
        raise ValidationFailed(
            message, code="unknown_freelancer", details={"freelancer": [message]}
        ) from None


@extend_schema(
    tags=[TAG_INVITATIONS],
    summary="Job invitations I received",
    parameters=[OpenApiParameter(STATUS_PARAM, str, enum=InvitationStatus.values)],
)
class MyInvitationsApi(generics.ListAPIView):
    serializer_class = s.JobInvitationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.invitations_received(
            self.request.user,
            status=choice_param(self.request, STATUS_PARAM, InvitationStatus.values),
        )


@extend_schema(
    tags=[TAG_INVITATIONS],
    summary="Job invitations I sent",
    parameters=[OpenApiParameter(STATUS_PARAM, str, enum=InvitationStatus.values)],
)
class SentInvitationsApi(generics.ListAPIView):
    serializer_class = s.JobInvitationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.invitations_sent(
            self.request.user,
            status=choice_param(self.request, STATUS_PARAM, InvitationStatus.values),
        )


def _invitation_response(request, pk) -> Response:
    invitation = selectors.invitation_for_participant(request.user, pk)
    return Response(s.JobInvitationOutput(invitation, context={"request": request}).data)


@extend_schema(tags=[TAG_INVITATIONS])
class InvitationDetailApi(APIView):
    @extend_schema(summary="An invitation I sent or received", responses=s.JobInvitationOutput)
    def get(self, request, pk):
        return _invitation_response(request, pk)


@extend_schema(tags=[TAG_INVITATIONS], request=None, responses={201: s.JobContractCreatedOutput})
class InvitationAcceptApi(APIView):
    @extend_schema(summary="Accept an invitation: creates the contract")
    @idempotent
    def post(self, request, pk):
        invitation = selectors.invitation_for_participant(request.user, pk)
        contract = services.invitation_accept(actor=request.user, invitation=invitation)
        return _contract_created(contract)


@extend_schema(tags=[TAG_INVITATIONS], request=s.JobReasonInput, responses=s.JobInvitationOutput)
class InvitationDeclineApi(APIView):
    @extend_schema(summary="Decline an invitation")
    def post(self, request, pk):
        invitation = selectors.invitation_for_participant(request.user, pk)
        data = s.JobReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.invitation_decline(
            actor=request.user, invitation=invitation, **data.validated_data
        )
        return _invitation_response(request, pk)


@extend_schema(tags=[TAG_INVITATIONS], request=None, responses=s.JobInvitationOutput)
class InvitationWithdrawApi(APIView):
    @extend_schema(summary="Withdraw an invitation I sent")
    def post(self, request, pk):
        invitation = selectors.invitation_for_participant(request.user, pk)
        services.invitation_withdraw(actor=request.user, invitation=invitation)
        return _invitation_response(request, pk)
