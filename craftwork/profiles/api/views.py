from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.parsers import MultiPartParser

from .. import selectors, services
from ..filters import FreelancerFilter
from . import serializers as s

TAG_PUBLIC = "freelancers"
TAG_ME = "my profile"


# --- Public ---------------------------------------------------------------------------------


@extend_schema(tags=[TAG_PUBLIC], summary="Search published freelancers")
class FreelancerListApi(generics.ListAPIView):
    """Published freelancers. Rates are in minor units; `skill` may repeat (all must match);
    `near=lat,lng` with `radius_km` (default 50) keeps those within that distance."""

    permission_classes = [AllowAny]
    serializer_class = s.FreelancerCardOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = FreelancerFilter

    def get_queryset(self):
        return selectors.public_freelancers()


@extend_schema(tags=[TAG_PUBLIC], summary="A published freelancer's public profile")
class FreelancerDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.FreelancerDetailOutput)
    def get(self, request, pk):
        profile = selectors.public_freelancer_detail(pk)
        return Response(s.FreelancerDetailOutput(profile, context={"request": request}).data)


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="The skills taxonomy",
    parameters=[
        OpenApiParameter("category", str, description="A category slug."),
        OpenApiParameter("q", str, description="Part of a skill's name or slug."),
    ],
)
class SkillListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.SkillOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.skills_list(
            category=params.get("category"), q=(params.get("q") or "")[:80]
        )


@extend_schema(tags=[TAG_PUBLIC], summary="Skill categories with their skills")
class SkillCategoryListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.SkillCategoryOutput
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return selectors.skill_categories_with_skills()


# --- The signed-in freelancer's own profile ----------------------------------------------------


def _own_profile_response(request):
    profile = selectors.own_freelancer_profile(user=request.user)
    return Response(s.OwnFreelancerProfileOutput(profile).data)


@extend_schema(tags=[TAG_ME])
class MyFreelancerProfileApi(APIView):
    @extend_schema(
        summary="My freelancer profile (created on first access)",
        responses=s.OwnFreelancerProfileOutput,
    )
    def get(self, request):
        services.freelancer_profile_get_or_create(user=request.user)
        return _own_profile_response(request)

    @extend_schema(
        summary="Change my freelancer profile",
        request=s.FreelancerProfileInput,
        responses=s.OwnFreelancerProfileOutput,
    )
    def patch(self, request):
        data = s.FreelancerProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = services.freelancer_profile_get_or_create(user=request.user)
        services.freelancer_profile_update(
            actor=request.user, profile=profile, **data.validated_data
        )
        return _own_profile_response(request)


@extend_schema(tags=[TAG_ME])
class MyFreelancerSkillsApi(APIView):
    @extend_schema(
        summary="Replace my skills (in order, at most 30)",
        request=s.SkillsSetInput,
        responses=s.ProfileSkillOutput(many=True),
    )
    def put(self, request):
        data = s.SkillsSetInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.freelancer_profile_get_or_create(user=request.user)
        entries = [
            (entry["skill"], entry["proficiency"]) for entry in data.validated_data["skills"]
        ]
        rows = services.freelancer_skills_set(actor=request.user, profile=profile, skills=entries)
        return Response(s.ProfileSkillOutput(rows, many=True).data)


@extend_schema(tags=[TAG_ME], request=None, responses=s.OwnFreelancerProfileOutput)
class MyFreelancerPublishApi(APIView):
    @extend_schema(summary="Publish my profile (needs a headline, a rate and a skill)")
    def post(self, request):
        profile = services.freelancer_profile_get_or_create(user=request.user)
        services.freelancer_profile_publish(actor=request.user, profile=profile)
        return _own_profile_response(request)


@extend_schema(tags=[TAG_ME], request=None, responses=s.OwnFreelancerProfileOutput)
class MyFreelancerUnpublishApi(APIView):
    @extend_schema(summary="Hide my profile from search and its public page")
    def post(self, request):
        profile = services.freelancer_profile_get_or_create(user=request.user)
        services.freelancer_profile_unpublish(actor=request.user, profile=profile)
        return _own_profile_response(request)


# --- Portfolio ---------------------------------------------------------------------------------


def _item_response(request, item, *, status_code=status.HTTP_200_OK):
    item = selectors.own_portfolio_item(user=request.user, pk=item.pk)
    return Response(
        s.PortfolioItemOutput(item, context={"request": request}).data, status=status_code
    )


@extend_schema(tags=[TAG_ME])
class MyPortfolioApi(APIView):
    @extend_schema(summary="My portfolio items", responses=s.PortfolioItemOutput(many=True))
    def get(self, request):
        services.freelancer_profile_get_or_create(user=request.user)
        items = selectors.own_portfolio_items(user=request.user)
        return Response(s.PortfolioItemOutput(items, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Add a portfolio item",
        request=s.PortfolioItemInput,
        responses={201: s.PortfolioItemOutput},
    )
    def post(self, request):
        data = s.PortfolioItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.freelancer_profile_get_or_create(user=request.user)
        item = services.portfolio_item_create(
            actor=request.user, profile=profile, **data.validated_data
        )
        return _item_response(request, item, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_ME])
class MyPortfolioItemApi(APIView):
    @extend_schema(summary="One of my portfolio items", responses=s.PortfolioItemOutput)
    def get(self, request, pk):
        return _item_response(request, selectors.own_portfolio_item(user=request.user, pk=pk))

    @extend_schema(
        summary="Change a portfolio item",
        request=s.PortfolioItemInput,
        responses=s.PortfolioItemOutput,
    )
    def patch(self, request, pk):
        item = selectors.own_portfolio_item(user=request.user, pk=pk)
        data = s.PortfolioItemInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.portfolio_item_update(actor=request.user, item=item, **data.validated_data)
        return _item_response(request, item)

    @extend_schema(summary="Delete a portfolio item and its images", responses={204: None})
    def delete(self, request, pk):
        item = selectors.own_portfolio_item(user=request.user, pk=pk)
        services.portfolio_item_delete(actor=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG_ME])
class MyPortfolioImagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Upload an image (JPEG, PNG, WebP or GIF; at most 8 per item)",
        request={"multipart/form-data": s.PortfolioImageInput},
        responses={201: s.PortfolioImageOutput},
    )
    def post(self, request, pk):
        item = selectors.own_portfolio_item(user=request.user, pk=pk)
        data = s.PortfolioImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        image = services.portfolio_image_add(
            actor=request.user,
            item=item,
            upload=data.validated_data["image"],
            caption=data.validated_data.get("caption", ""),
        )
        output = s.PortfolioImageOutput(image, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_ME])
class MyPortfolioImageApi(APIView):
    @extend_schema(summary="Remove an image", responses={204: None})
    def delete(self, request, pk, image_pk):
        item = selectors.own_portfolio_item(user=request.user, pk=pk)
        services.portfolio_image_remove(actor=request.user, item=item, image_id=image_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Client profile ------------------------------------------------------------------------------


@extend_schema(tags=[TAG_ME])
class MyClientProfileApi(APIView):
    @extend_schema(summary="My company and billing details", responses=s.ClientProfileOutput)
    def get(self, request):
        profile = services.client_profile_get_or_create(user=request.user)
        return Response(s.ClientProfileOutput(profile).data)

    @extend_schema(
        summary="Change my company and billing details",
        request=s.ClientProfileInput,
        responses=s.ClientProfileOutput,
    )
    def patch(self, request):
        data = s.ClientProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        profile = services.client_profile_get_or_create(user=request.user)
        profile = services.client_profile_update(
            actor=request.user, profile=profile, **data.validated_data
        )
        return Response(s.ClientProfileOutput(profile).data)
