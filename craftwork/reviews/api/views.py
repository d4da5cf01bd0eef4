from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.params import choice_param
from craftwork.core.api.parsers import MultiPartParser
from craftwork.core.errors import NotFound

from .. import selectors, services
from ..models import SubjectType
from . import serializers as s

TAG = "reviews"


def _contract_state(request, contract_pk, *, status_code=status.HTTP_200_OK):
    state = selectors.contract_reviews(user=request.user, contract_pk=contract_pk)
    output = s.ContractReviewsOutput(state, context={"request": request})
    return Response(output.data, status=status_code)


def _own(request, pk, *, status_code=status.HTTP_200_OK):
    review = selectors.own_review(user=request.user, pk=pk)
    return Response(
        s.ReviewOwnOutput(review, context={"request": request}).data, status=status_code
    )


# --- A contract's reviews (its parties) ----------------------------------------------------------


@extend_schema(tags=[TAG])
class ContractReviewsApi(APIView):
    @extend_schema(
        summary="The reviews of a contract, as one of its parties sees them",
        description=(
            "Your own review (with its private note) and the other party's once published. "
            "Anyone else gets 404."
        ),
        responses=s.ContractReviewsOutput,
    )
    def get(self, request, contract_pk):
        return _contract_state(request, contract_pk)

    @extend_schema(
        summary="Review the other party of a completed contract",
        description=(
            "A draft unless `submit` is true. One review per party (409 the second time); only "
            "while the review period is open."
        ),
        request=s.ReviewCreateInput,
        responses={201: s.ReviewOwnOutput},
    )
    def post(self, request, contract_pk):
        from craftwork.contracts.selectors import contract_for_participant

        contract = contract_for_participant(request.user, contract_pk)
        data = s.ReviewCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["ratings"] = dict(fields.get("ratings") or {})
        review = services.review_create(actor=request.user, contract=contract, **fields)
        return _own(request, review.pk, status_code=status.HTTP_201_CREATED)


# --- The author's review ----------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class OwnReviewApi(APIView):
    @extend_schema(summary="One of my reviews, in any state", responses=s.ReviewOwnOutput)
    def get(self, request, pk):
        return _own(request, pk)

    @extend_schema(
        summary="Change my review before it is published",
        request=s.ReviewUpdateInput,
        responses=s.ReviewOwnOutput,
    )
    def patch(self, request, pk):
        review = selectors.own_review(user=request.user, pk=pk)
        data = s.ReviewUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "ratings" in fields:
            fields["ratings"] = dict(fields["ratings"])
        services.review_update(actor=request.user, review=review, **fields)
        return _own(request, pk)


@extend_schema(tags=[TAG])
class SubmitReviewApi(APIView):
    @extend_schema(
        summary="Submit my draft review",
        description=(
            "Published together with the other party's as soon as both are submitted, or on its "
            "own when the review period ends."
        ),
        request=None,
        responses=s.ReviewOwnOutput,
    )
    def post(self, request, pk):
        review = selectors.own_review(user=request.user, pk=pk)
        services.review_submit(actor=request.user, review=review)
        return _own(request, pk)


@extend_schema(tags=[TAG])
class ReviewPhotosApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Add a photo to my unpublished review (at most 4)",
        request={"multipart/form-data": s.ReviewPhotoInput},
        responses={201: s.ReviewOwnOutput},
    )
    def post(self, request, pk):
        review = selectors.own_review(user=request.user, pk=pk)
        data = s.ReviewPhotoInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_photo_add(
            actor=request.user, review=review, upload=data.validated_data["photo"]
        )
        return _own(request, pk, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class ReviewPhotoApi(APIView):
    @extend_schema(summary="Remove a photo from my unpublished review", responses={204: None})
    def delete(self, request, pk, photo_pk):
        review = selectors.own_review(user=request.user, pk=pk)
        services.review_photo_remove(actor=request.user, review=review, photo_id=photo_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class ReviewResponseApi(APIView):
    @extend_schema(
        summary="Respond publicly to a published review of me (once)",
        request=s.ReviewResponseInput,
        responses={201: s.ReviewPublicOutput},
    )
    def post(self, request, pk):
        review = selectors.visible_review(pk, user=request.user)
        data = s.ReviewResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_respond(actor=request.user, review=review, text=data.validated_data["text"])
        review = selectors.visible_review(pk, user=request.user)
        output = s.ReviewPublicOutput(review, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


# --- My lists ------------------------------------------------------------------------------------------


@extend_schema(tags=[TAG], summary="Reviews I wrote, in any state")
class GivenReviewsApi(generics.ListAPIView):
    serializer_class = s.ReviewOwnOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.reviews_given(self.request.user)


@extend_schema(tags=[TAG], summary="Published reviews about me")
class ReceivedReviewsApi(generics.ListAPIView):
    serializer_class = s.ReviewPublicOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.reviews_received(self.request.user)


@extend_schema(tags=[TAG], summary="Completed contracts I can still review")
class PendingReviewsApi(generics.ListAPIView):
    serializer_class = s.PendingReviewOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.pending_contracts(self.request.user)


# --- Public -------------------------------------------------------------------------------------------

ROLE_PARAMETER = OpenApiParameter(
    "role",
    str,
    enum=[SubjectType.PROVIDER, SubjectType.CLIENT],
    description="provider (default): reviews by clients; client: reviews by freelancers.",
)


def _user_role(request) -> str:
    return choice_param(
        request, "role", [SubjectType.PROVIDER, SubjectType.CLIENT], default=SubjectType.PROVIDER
    )


@extend_schema(
    tags=[TAG],
    summary="Published reviews of a user",
    parameters=[ROLE_PARAMETER],
    auth=[],
)
class UserReviewsApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ReviewPublicOutput
    filter_backends: list = []

    def get_queryset(self):
        user = selectors.reviewed_user(self.kwargs["user_pk"])
        return selectors.public_reviews(_user_role(self.request), user.pk)


@extend_schema(tags=[TAG], auth=[])
class UserRatingApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A user's rating summary",
        parameters=[ROLE_PARAMETER],
        responses=s.RatingSummaryOutput,
    )
    def get(self, request, user_pk):
        user = selectors.reviewed_user(user_pk)
        summary = selectors.rating_summary(_user_role(request), user.pk)
        return Response(s.RatingSummaryOutput(summary).data)


def _gig(request, gig_pk):
    from craftwork.catalog.selectors import public_gig_detail

    try:
        return public_gig_detail(gig_pk, viewer=request.user)
    except NotFound:
        raise NotFound(code="gig_not_found") from None


@extend_schema(tags=[TAG], summary="Published reviews of a gig", auth=[])
class GigReviewsApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ReviewPublicOutput
    filter_backends: list = []

    def get_queryset(self):
        gig = _gig(self.request, self.kwargs["gig_pk"])
        return selectors.public_reviews(SubjectType.GIG, gig.pk)


@extend_schema(tags=[TAG], auth=[])
class GigRatingApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="A gig's rating summary", responses=s.RatingSummaryOutput)
    def get(self, request, gig_pk):
        gig = _gig(request, gig_pk)
        summary = selectors.rating_summary(SubjectType.GIG, gig.pk)
        return Response(s.RatingSummaryOutput(summary).data)
