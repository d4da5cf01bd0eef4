from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.billing.api.serializers import PromotionInputSerializer, PromotionSerializer
from craftwork.core.api.parsers import MultiPartParser

from .. import selectors, services
from ..filters import GigFilter
from ..purchasable import session_slot_ref
from . import serializers as s

TAG_CATALOG = "gigs"
TAG_SELLER = "my gigs"
TAG_MENTORSHIP = "mentorship"
TAG_MENTOR = "my mentorship"

PUBLIC_API_NOTE = (
    "Public and read-only: no authentication needed. Browsers on other sites may call it when "
    "their origin is allowed by the `CORS_ALLOWED_ORIGINS` setting (comma-separated origins) or "
    "when `CORS_ALLOW_ALL_ORIGINS=true`; requests are never made with credentials."
)


def _page_context(request, gigs) -> dict:
    return {
        "request": request,
        "verified_ids": selectors.verified_sellers({gig.seller for gig in gigs}),
    }


# --- Categories ---------------------------------------------------------------------------


@extend_schema(tags=[TAG_CATALOG], summary="The category tree (top level with subcategories)")
class CategoryTreeApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.CatalogCategoryTreeOutput
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return selectors.category_tree()


# --- Public gigs ------------------------------------------------------------------------------


@extend_schema(
    tags=[TAG_CATALOG],
    summary="Search the gig catalog",
    description=(
        "Active gigs. Prices are in minor units and filter on the cheapest package; `category` "
        "includes its subcategories; `ordering` is relevance (default with `q`), newest "
        "(default otherwise), price, -price or rating. " + PUBLIC_API_NOTE
    ),
)
class GigListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.GigCardOutput
    filter_backends = [DjangoFilterBackend]
    filterset_class = GigFilter

    def get_queryset(self):
        return selectors.public_gigs()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = s.GigCardOutput(page, many=True, context=_page_context(request, page))
        return self.get_paginated_response(serializer.data)


@extend_schema(tags=[TAG_CATALOG], description=PUBLIC_API_NOTE)
class GigDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="An active gig with its packages", responses=s.GigDetailOutput)
    def get(self, request, pk):
        gig = selectors.public_gig_detail(pk)
        context = _page_context(request, [gig])
        return Response(s.GigDetailOutput(gig, context=context).data)


@extend_schema(tags=[TAG_CATALOG])
class GigRemoveApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Staff: remove a gig for good, with a reason the seller sees",
        request=s.GigRemoveInput,
        responses=s.OwnGigCardOutput,
    )
    def post(self, request, pk):
        data = s.GigRemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        gig = selectors.gig_for_staff(pk=pk)
        gig = services.gig_remove(actor=request.user, gig=gig, reason=data.validated_data["reason"])
        return Response(s.OwnGigCardOutput(selectors.own_gigs(user=gig.seller).get(pk=gig.pk)).data)


# --- The seller's own gigs ------------------------------------------------------------------------


def _own_gig_response(request, pk, *, status_code=status.HTTP_200_OK):
    gig = selectors.own_gig(user=request.user, pk=pk)
    context = _page_context(request, [gig])
    return Response(s.OwnGigOutput(gig, context=context).data, status=status_code)


@extend_schema(tags=[TAG_SELLER])
class MyGigsApi(generics.ListAPIView):
    serializer_class = s.OwnGigCardOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.own_gigs(user=self.request.user)

    @extend_schema(summary="My gigs, in every state")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a draft gig (freelancers)",
        request=s.GigInput,
        responses={201: s.OwnGigOutput},
    )
    def post(self, request):
        data = s.GigInput(data=request.data)
        data.is_valid(raise_exception=True)
        gig = services.gig_create(actor=request.user, **data.validated_data)
        return _own_gig_response(request, gig.pk, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_SELLER])
class MyGigApi(APIView):
    @extend_schema(summary="One of my gigs, with everything", responses=s.OwnGigOutput)
    def get(self, request, pk):
        return _own_gig_response(request, pk)

    @extend_schema(summary="Change my gig", request=s.GigInput, responses=s.OwnGigOutput)
    def patch(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        data = s.GigInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.gig_update(actor=request.user, gig=gig, **data.validated_data)
        return _own_gig_response(request, pk)

    @extend_schema(summary="Delete a draft that was never published", responses={204: None})
    def delete(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        services.gig_delete(actor=request.user, gig=gig)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG_SELLER], request=None, responses=s.OwnGigOutput)
class MyGigPublishApi(APIView):
    @extend_schema(
        summary="Publish (or resume) my gig: needs a package and an image or description"
    )
    def post(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        services.gig_publish(actor=request.user, gig=gig)
        return _own_gig_response(request, pk)


@extend_schema(tags=[TAG_SELLER], request=None, responses=s.OwnGigOutput)
class MyGigPauseApi(APIView):
    @extend_schema(summary="Pause my gig: hidden from the catalog until published again")
    def post(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        services.gig_pause(actor=request.user, gig=gig)
        return _own_gig_response(request, pk)


class MyGigPromoteApi(APIView):
    @extend_schema(
        tags=[TAG_SELLER],
        request=PromotionInputSerializer,
        responses={201: PromotionSerializer},
        summary="Promote my active gig for N days with credits",
        description="Costs the credit price list's `gig_promotion_day` per day; 409 "
        "`insufficient_credits` without enough. An active promotion is extended.",
    )
    def post(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        data = PromotionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promotion = services.gig_promote(
            actor=request.user, gig=gig, days=data.validated_data["days"]
        )
        return Response(PromotionSerializer(promotion).data, status=201)


def _set_rows(request, pk, input_class, service, name):
    gig = selectors.own_gig(user=request.user, pk=pk)
    data = input_class(data=request.data)
    data.is_valid(raise_exception=True)
    service(actor=request.user, gig=gig, **{name: data.validated_data[name]})
    return _own_gig_response(request, pk)


@extend_schema(tags=[TAG_SELLER], responses=s.OwnGigOutput)
class MyGigPackagesApi(APIView):
    @extend_schema(
        summary="Set my gig's packages (one per tier, at most three)", request=s.GigPackagesInput
    )
    def put(self, request, pk):
        return _set_rows(request, pk, s.GigPackagesInput, services.gig_packages_set, "packages")


@extend_schema(tags=[TAG_SELLER], responses=s.OwnGigOutput)
class MyGigExtrasApi(APIView):
    @extend_schema(summary="Replace my gig's optional extras", request=s.GigExtrasInput)
    def put(self, request, pk):
        return _set_rows(request, pk, s.GigExtrasInput, services.gig_extras_set, "extras")


@extend_schema(tags=[TAG_SELLER], responses=s.OwnGigOutput)
class MyGigRequirementsApi(APIView):
    @extend_schema(
        summary="Replace the questions buyers answer after ordering", request=s.GigRequirementsInput
    )
    def put(self, request, pk):
        return _set_rows(
            request, pk, s.GigRequirementsInput, services.gig_requirements_set, "requirements"
        )


@extend_schema(tags=[TAG_SELLER], responses=s.OwnGigOutput)
class MyGigFaqsApi(APIView):
    @extend_schema(summary="Replace my gig's FAQ", request=s.GigFaqsInput)
    def put(self, request, pk):
        return _set_rows(request, pk, s.GigFaqsInput, services.gig_faq_set, "faqs")


@extend_schema(tags=[TAG_SELLER])
class MyGigImagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Add a gallery image (JPEG, PNG, WebP or GIF; at most 6)",
        request={"multipart/form-data": s.GigImageInput},
        responses={201: s.GigImageOutput},
    )
    def post(self, request, pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        data = s.GigImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        image = services.gig_image_add(
            actor=request.user,
            gig=gig,
            upload=data.validated_data["image"],
            caption=data.validated_data.get("caption", ""),
        )
        output = s.GigImageOutput(image, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_SELLER])
class MyGigImageApi(APIView):
    @extend_schema(summary="Remove a gallery image", responses={204: None})
    def delete(self, request, pk, image_pk):
        gig = selectors.own_gig(user=request.user, pk=pk)
        services.gig_image_remove(actor=request.user, gig=gig, image_id=image_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Public mentorship ---------------------------------------------------------------------------


@extend_schema(
    tags=[TAG_MENTORSHIP],
    summary="Bookable mentorship sessions",
    parameters=[
        OpenApiParameter("category", str, description="A category slug (with subcategories)."),
        OpenApiParameter("q", str, description="Words in the topic or description."),
    ],
)
class OfferingListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.OfferingOutput
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.public_offering_list(
            category=params.get("category") or None, q=(params.get("q") or "")[:100]
        )


@extend_schema(tags=[TAG_MENTORSHIP])
class OfferingDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="A bookable session type", responses=s.OfferingDetailOutput)
    def get(self, request, pk):
        offering = selectors.public_offering_detail(pk)
        return Response(s.OfferingDetailOutput(offering, context={"request": request}).data)


def viewer_timezone_name(request, requested: str | None = None) -> str:
    if requested:
        return requested
    user = request.user
    return user.timezone if user.is_authenticated and user.timezone else "UTC"


@extend_schema(tags=[TAG_MENTORSHIP])
class OfferingSlotsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Free slots of a session type, shown in a time zone",
        parameters=[s.SessionSlotsQuery],
        responses=s.SessionSlotsOutput,
    )
    def get(self, request, pk):
        offering = selectors.public_offering_detail(pk)
        query = s.SessionSlotsQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        tz_name = viewer_timezone_name(request, query.validated_data.get("tz"))
        tz = selectors.parse_timezone(tz_name)
        default_start, default_end = selectors.default_slot_range(tz)
        start = query.validated_data.get("start", default_start)
        end = query.validated_data.get("end", start + (default_end - default_start))
        slots = selectors.free_slots(offering, start, end, tz)
        body = {
            "timezone": tz_name,
            "start_date": start,
            "end_date": end,
            "slots": [
                {
                    "start": slot.start,
                    "end": slot.end,
                    "local_start": slot.local_start(tz).isoformat(),
                    "local_end": slot.local_end(tz).isoformat(),
                    "ref": session_slot_ref(offering, slot.start),
                }
                for slot in slots
            ],
        }
        return Response(s.SessionSlotsOutput(body).data)


# --- The mentor's own settings, availability and sessions ----------------------------------------------


@extend_schema(tags=[TAG_MENTOR])
class MyMentorSettingsApi(APIView):
    @extend_schema(summary="My booking settings", responses=s.MentorSettingsOutput)
    def get(self, request):
        return Response(s.MentorSettingsOutput(selectors.mentor_settings_for(request.user)).data)

    @extend_schema(
        summary="Change my time zone, buffer, notice or horizon",
        request=s.MentorSettingsInput,
        responses=s.MentorSettingsOutput,
    )
    def patch(self, request):
        data = s.MentorSettingsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = services.mentor_settings_update(actor=request.user, **data.validated_data)
        return Response(s.MentorSettingsOutput(row).data)


def _availability_body(user) -> dict:
    return {
        "timezone": selectors.mentor_settings_for(user).timezone,
        "rules": list(selectors.own_availability_rules(user=user)),
    }


@extend_schema(tags=[TAG_MENTOR])
class MyAvailabilityApi(APIView):
    @extend_schema(summary="My weekly availability", responses=s.AvailabilityOutput)
    def get(self, request):
        return Response(s.AvailabilityOutput(_availability_body(request.user)).data)

    @extend_schema(
        summary="Replace my weekly availability (wall-clock times in my time zone)",
        request=s.AvailabilityRulesInput,
        responses=s.AvailabilityOutput,
    )
    def put(self, request):
        data = s.AvailabilityRulesInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.availability_rules_set(actor=request.user, rules=data.validated_data["rules"])
        return Response(s.AvailabilityOutput(_availability_body(request.user)).data)


@extend_schema(tags=[TAG_MENTOR])
class MyExceptionsApi(APIView):
    @extend_schema(
        summary="My upcoming days off and custom hours",
        responses=s.AvailabilityExceptionOutput(many=True),
    )
    def get(self, request):
        rows = selectors.own_availability_exceptions(user=request.user)
        return Response(s.AvailabilityExceptionOutput(rows, many=True).data)

    @extend_schema(
        summary="Add a day off (date only) or custom hours for a date",
        request=s.AvailabilityExceptionInput,
        responses={201: s.AvailabilityExceptionOutput},
    )
    def post(self, request):
        data = s.AvailabilityExceptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.availability_exception_add(actor=request.user, **data.validated_data)
        return Response(s.AvailabilityExceptionOutput(row).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG_MENTOR])
class MyExceptionApi(APIView):
    @extend_schema(summary="Remove a day off or custom hours", responses={204: None})
    def delete(self, request, pk):
        row = selectors.own_availability_exception(user=request.user, pk=pk)
        services.availability_exception_remove(actor=request.user, exception=row)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG_MENTOR])
class MyOfferingsApi(generics.ListAPIView):
    serializer_class = s.OfferingOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.own_offerings(user=self.request.user).select_related("mentor")

    @extend_schema(summary="My session types")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Offer a session type (freelancers)",
        request=s.OfferingInput,
        responses={201: s.OfferingOutput},
    )
    def post(self, request):
        data = s.OfferingInput(data=request.data)
        data.is_valid(raise_exception=True)
        offering = services.offering_create(actor=request.user, **data.validated_data)
        return Response(
            s.OfferingOutput(offering, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=[TAG_MENTOR])
class MyOfferingApi(APIView):
    @extend_schema(summary="One of my session types", responses=s.OfferingOutput)
    def get(self, request, pk):
        offering = selectors.own_offering(user=request.user, pk=pk)
        return Response(s.OfferingOutput(offering, context={"request": request}).data)

    @extend_schema(
        summary="Change a session type (booked sessions keep their terms)",
        request=s.OfferingInput,
        responses=s.OfferingOutput,
    )
    def patch(self, request, pk):
        offering = selectors.own_offering(user=request.user, pk=pk)
        data = s.OfferingInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        offering = services.offering_update(
            actor=request.user, offering=offering, **data.validated_data
        )
        return Response(s.OfferingOutput(offering, context={"request": request}).data)


@extend_schema(tags=[TAG_MENTOR])
class MyMentorReservationsApi(generics.ListAPIView):
    serializer_class = s.SlotReservationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.mentor_reservations(user=self.request.user)

    @extend_schema(summary="Upcoming sessions booked with me")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG_MENTOR])
class MyBookingsApi(generics.ListAPIView):
    serializer_class = s.SlotReservationOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.client_reservations(user=self.request.user)

    @extend_schema(summary="Upcoming sessions I booked")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
