from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.params import choice_param
from craftwork.core.api.parsers import MultiPartParser
from craftwork.core.errors import ValidationFailed
from craftwork.core.idempotency import idempotent

from .. import selectors, services
from ..downloads import document_response
from ..models import Credential, DocumentKind
from . import serializers as s

TAG_MINE = "credentials"
TAG_STAFF = "credentials (staff)"
TAG_PUBLIC = "freelancers"


class IsActiveStaff(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _detail_response(request, pk, *, status_code=status.HTTP_200_OK):
    credential = selectors.own_credential(user=request.user, pk=pk)
    output = s.CredentialDetailOutput(credential, context={"request": request})
    return Response(output.data, status=status_code)


# --- Public ------------------------------------------------------------------------------------


@extend_schema(tags=[TAG_MINE], summary="Document types freelancers can upload")
class DocumentTypeListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.DocumentTypeOutput
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return selectors.active_document_types()


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="A freelancer's verified credentials (approved and unexpired)",
    responses=s.PublicCredentialOutput(many=True),
)
class FreelancerCredentialsApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request, pk):
        credentials = selectors.public_verified_credentials(profile_pk=pk, viewer=request.user)
        return Response(s.PublicCredentialOutput(credentials, many=True).data)


# --- The freelancer's own credentials ------------------------------------------------------------


@extend_schema(tags=[TAG_MINE])
class MyCredentialsApi(generics.ListAPIView):
    serializer_class = s.CredentialOutput
    filter_backends: list = []
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.own_credentials(user=self.request.user)

    @extend_schema(summary="My credentials")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a credential (multipart): it goes to the staff review queue",
        request={"multipart/form-data": s.CredentialCreateInput},
        responses={201: s.CredentialDetailOutput},
    )
    @idempotent
    def post(self, request):
        data = s.CredentialCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        document_type = (
            selectors.active_document_types().filter(slug=fields.pop("document_type")).first()
        )
        credential = services.credential_upload(
            actor=request.user, document_type=document_type, upload=fields.pop("file"), **fields
        )
        return _detail_response(request, credential.pk, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_MINE])
class MyCredentialApi(APIView):
    @extend_schema(
        summary="One of my credentials, with its versions and history",
        responses=s.CredentialDetailOutput,
    )
    def get(self, request, pk):
        return _detail_response(request, pk)


@extend_schema(tags=[TAG_MINE])
class MyCredentialResubmitApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Upload a new version after a revision request (or to renew an expired document)",
        description="Fields left out keep their current value; earlier versions are kept.",
        request={"multipart/form-data": s.CredentialResubmitInput},
        responses=s.CredentialDetailOutput,
    )
    @idempotent
    def post(self, request, pk):
        credential = selectors.own_credential(user=request.user, pk=pk)
        data = s.CredentialResubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.credential_resubmit(
            actor=request.user, credential=credential, upload=fields.pop("file"), **fields
        )
        return _detail_response(request, pk)


@extend_schema(
    tags=[TAG_MINE],
    summary="Download a credential's document (its owner and staff only)",
    parameters=[
        OpenApiParameter(
            "version", int, description="An earlier version; the current one by default."
        )
    ],
    responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
)
class CredentialFileApi(APIView):
    def get(self, request, pk):
        document = selectors.credential_file_for(
            user=request.user, pk=pk, version=request.query_params.get("version")
        )
        return document_response(document)


# --- Staff ---------------------------------------------------------------------------------------


@extend_schema(
    tags=[TAG_STAFF],
    summary="The review queue: documents under review, the longest-waiting first",
    parameters=[
        OpenApiParameter(
            "status",
            str,
            enum=[*Credential.Status.values, "all"],
            description="Default: under_review.",
        ),
        OpenApiParameter("document_type", str, description="A document type's slug."),
        OpenApiParameter("kind", str, enum=DocumentKind.values),
        OpenApiParameter(
            "q", str, description="Part of the title, issuer or the freelancer's name or email."
        ),
    ],
)
class StaffQueueApi(generics.ListAPIView):
    permission_classes = [IsActiveStaff]
    serializer_class = s.StaffCredentialOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        wanted = params.get("status") or Credential.Status.UNDER_REVIEW
        if wanted != "all" and wanted not in Credential.Status.values:
            raise ValidationFailed(details={"status": [_("Unknown status.")]})
        return selectors.review_queue(
            actor=self.request.user,
            status=None if wanted == "all" else wanted,
            document_type=params.get("document_type"),
            kind=choice_param(self.request, "kind", DocumentKind.values),
            q=params.get("q"),
        )


def _staff_detail_response(request, pk):
    credential = selectors.staff_credential(actor=request.user, pk=pk)
    return Response(s.StaffCredentialDetailOutput(credential, context={"request": request}).data)


@extend_schema(tags=[TAG_STAFF])
class StaffCredentialApi(APIView):
    permission_classes = [IsActiveStaff]

    @extend_schema(
        summary="A credential with every version, the scores and the whole history",
        responses=s.StaffCredentialDetailOutput,
    )
    def get(self, request, pk):
        return _staff_detail_response(request, pk)


@extend_schema(tags=[TAG_STAFF])
class StaffDecideApi(APIView):
    permission_classes = [IsActiveStaff]

    @extend_schema(
        summary="Approve, reject or request a revision, with notes and three 1-5 scores",
        request=s.CredentialDecisionInput,
        responses=s.StaffCredentialDetailOutput,
    )
    def post(self, request, pk):
        credential = selectors.staff_credential(actor=request.user, pk=pk)
        data = s.CredentialDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.credential_decide(actor=request.user, credential=credential, **data.validated_data)
        return _staff_detail_response(request, pk)
