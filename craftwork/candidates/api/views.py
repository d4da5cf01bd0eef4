from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.parsers import JSONParser, MultiPartParser
from craftwork.core.files import private_file_response

from .. import selectors, services
from . import serializers as s

TAG = "candidate profile"


def _profile_response(user, *, status_code=status.HTTP_200_OK):
    profile = selectors.profile_for(user)
    return Response(s.CandidateProfileOutput(profile).data, status=status_code)


def _cv_response(cv, *, user, status_code=status.HTTP_200_OK):
    data = s.CandidateCVOutput(cv).data
    data["draft"] = selectors.cv_draft(cv=cv, profile=selectors.profile_for(user))
    return Response(data, status=status_code)


@extend_schema(tags=[TAG])
class MyCandidateProfileApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="My candidate profile (created on first access)", responses=s.CandidateProfileOutput
    )
    def get(self, request):
        services.profile_get_or_create(user=request.user)
        return _profile_response(request.user)

    @extend_schema(
        summary="Change my candidate profile (fields sent change; lists sent replace)",
        request=s.CandidateProfileInput,
        responses=s.CandidateProfileOutput,
    )
    def patch(self, request):
        data = s.CandidateProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.profile_update(actor=request.user, **data.validated_data)
        return _profile_response(request.user)


@extend_schema(tags=[TAG])
class MyCVListApi(generics.ListAPIView):
    """My uploaded CVs, newest first."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.CandidateCVOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.own_cvs(user=self.request.user)

    @extend_schema(summary="My CVs, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a CV (PDF or DOCX): it is read into a draft to confirm",
        request={"multipart/form-data": s.CandidateCVUploadInput},
        responses={201: s.CandidateCVDetailOutput},
    )
    def post(self, request):
        data = s.CandidateCVUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        cv = services.cv_upload(actor=request.user, upload=data.validated_data["file"])
        return _cv_response(cv, user=request.user, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class MyCVApi(APIView):
    @extend_schema(
        summary="One of my CVs with the pre-filled draft", responses=s.CandidateCVDetailOutput
    )
    def get(self, request, pk):
        cv = selectors.own_cv(user=request.user, pk=pk)
        return _cv_response(cv, user=request.user)

    @extend_schema(summary="Discard a CV draft (its file is deleted)", responses={204: None})
    def delete(self, request, pk):
        cv = selectors.own_cv(user=request.user, pk=pk)
        services.cv_discard(actor=request.user, cv=cv)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class MyCVConfirmApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Confirm a CV draft: fields sent replace the draft's, the rest is taken as read",
        request=s.CandidateProfileInput,
        responses=s.CandidateProfileOutput,
    )
    def post(self, request, pk):
        cv = selectors.own_cv(user=request.user, pk=pk)
        data = s.CandidateProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        draft = selectors.cv_draft(cv=cv, profile=selectors.profile_for(request.user))
        fields = {**draft, **data.validated_data}
        services.cv_confirm(actor=request.user, cv=cv, **fields)
        return _profile_response(request.user)


@extend_schema(tags=[TAG], summary="Download one of my CVs", responses={(200, "*/*"): bytes})
class MyCVFileApi(APIView):
    def get(self, request, pk):
        cv = selectors.own_cv(user=request.user, pk=pk)
        return private_file_response(cv.file, name=cv.original_name, kind=cv.kind)
