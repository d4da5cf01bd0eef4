"""The shop API: cart, saved items, checkout, orders and sales. Every write calls the same
services as the web pages; someone else's line, item or checkout is a 404; starting and
cancelling a checkout honour Idempotency-Key (and a replay never charges twice)."""

from __future__ import annotations

import hashlib

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from craftwork.core.api.params import choice_param
from craftwork.core.idempotency import HEADER, idempotent

from .. import selectors, services
from ..models import CheckoutStatus
from ..services.checkout import ATTEMPT_RE, new_attempt
from . import serializers as s

TAG = "shop"


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _cart(request):
    return services.cart_for_user(user=request.user)


def _cart_response(request, status_code=status.HTTP_200_OK):
    summary = selectors.cart_summary(selectors.user_cart(request.user))
    data = s.CartOutput(summary, context={"request": request}).data
    return Response(data, status=status_code)


def _line_response(request, line, status_code=status.HTTP_200_OK):
    from ..pricing import FeeTable

    breakdown = FeeTable().breakdown(line.subtotal, line.category_slug or None)
    data = s.CartLineOutput(line, context={"request": request, "breakdowns": {line.pk: breakdown}})
    return Response(data.data, status=status_code)


# --- cart ----------------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class CartApi(APIView):
    @extend_schema(
        summary="My cart: lines with each line's fee breakdown, and the totals",
        description="Prices are those the buyer saw when adding; the checkout review re-reads "
        "them (`GET /api/v1/checkouts/review/`).",
        responses=s.CartOutput,
    )
    def get(self, request):
        return _cart_response(request)


@extend_schema(tags=[TAG])
class CartLinesApi(APIView):
    @extend_schema(
        summary="Add a gig package or a session slot to the cart",
        description="201 with the new line; 200 when the item was already there (its quantity "
        "grows, capped at `max_quantity`). Refused: unknown item (404 `purchasable_not_found`), "
        "your own gig or session (403 `own_item`), an item that cannot be bought now (400 with "
        "its reason as code, e.g. `gig_paused`, `slot_taken`), another currency than the cart's "
        "(400 `cart_currency_mismatch`), a full cart (400 `cart_full`), a quantity the item "
        "does not allow (400 `invalid_quantity`).",
        request=s.CartAddInput,
        responses={201: s.CartLineOutput, 200: s.CartLineOutput},
    )
    def post(self, request):
        data = _valid(s.CartAddInput, request)
        line, created = services.cart_add(
            cart=_cart(request),
            kind=data["kind"],
            ref=data["ref"],
            quantity=data["quantity"],
            actor=request.user,
        )
        return _line_response(request, line, status.HTTP_201_CREATED if created else 200)


@extend_schema(tags=[TAG])
class CartLineApi(APIView):
    def _line(self, request, pk):
        return selectors.cart_line_for(selectors.user_cart(request.user), pk)

    @extend_schema(
        summary="Change a line's quantity (1 up to its max_quantity)",
        request=s.CartLineUpdateInput,
        responses=s.CartLineOutput,
    )
    def patch(self, request, pk):
        line = self._line(request, pk)
        data = _valid(s.CartLineUpdateInput, request)
        line = services.cart_line_update(line=line, quantity=data["quantity"], actor=request.user)
        return _line_response(request, line)

    @extend_schema(summary="Remove a line from the cart", responses={204: None})
    def delete(self, request, pk):
        services.cart_line_remove(line=self._line(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class CartLineSaveApi(APIView):
    @extend_schema(
        summary="Move a cart line to the saved items",
        request=None,
        responses={201: s.WishlistItemOutput},
    )
    def post(self, request, pk):
        line = selectors.cart_line_for(selectors.user_cart(request.user), pk)
        item = services.cart_line_save_for_later(line=line, actor=request.user)
        return Response(s.WishlistItemOutput(item).data, status=status.HTTP_201_CREATED)


# --- saved items -----------------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class WishlistApi(generics.ListAPIView):
    serializer_class = s.WishlistItemOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.wishlist_for(self.request.user)

    @extend_schema(summary="My saved items, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Save a gig package or a session slot",
        description="Saving it again refreshes the saved title and price (201 either way).",
        request=s.WishlistAddInput,
        responses={201: s.WishlistItemOutput},
    )
    def post(self, request):
        data = _valid(s.WishlistAddInput, request)
        item = services.wishlist_add(
            user=request.user, kind=data["kind"], ref=data["ref"], actor=request.user
        )
        return Response(s.WishlistItemOutput(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class WishlistItemApi(APIView):
    @extend_schema(summary="Remove a saved item", responses={204: None})
    def delete(self, request, pk):
        item = selectors.wishlist_item_for(request.user, pk)
        services.wishlist_remove(item=item, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class WishlistMoveApi(APIView):
    @extend_schema(
        summary="Move a saved item to the cart (checked like any add)",
        request=None,
        responses=s.CartLineOutput,
    )
    def post(self, request, pk):
        item = selectors.wishlist_item_for(request.user, pk)
        line = services.wishlist_move_to_cart(item=item, actor=request.user)
        return _line_response(request, line)


# --- checkout ------------------------------------------------------------------------------------


def _attempt(request) -> str:
    """The Idempotency-Key as the checkout's one-time attempt token (any key maps to one)."""
    key = request.headers.get(HEADER) or ""
    if not key:
        return new_attempt()
    if ATTEMPT_RE.match(key):
        return key
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _checkout_response(request, checkout, status_code=status.HTTP_200_OK):
    fresh = selectors.checkout_for_buyer(request.user, checkout.pk)
    data = s.CheckoutOutput(fresh, context={"request": request}).data
    return Response(data, status=status_code)


@extend_schema(tags=[TAG])
class CheckoutReviewApi(APIView):
    @extend_schema(
        summary="Review the cart before paying: every line re-read now, what changed, totals",
        description="Writes nothing. Confirm with `POST /api/v1/checkouts/` and this `version`.",
        responses=s.ReviewOutput,
    )
    def get(self, request):
        review = services.checkout_review(cart=_cart(request), actor=request.user)
        return Response(s.ReviewOutput(review).data)


@extend_schema(tags=[TAG])
class CheckoutListApi(generics.ListAPIView):
    serializer_class = s.CheckoutListOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.checkouts_for(self.request.user)

    @extend_schema(summary="My checkouts, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start paying for the cart (one payment for every line that can be bought)",
        description="Re-validates every line. Anything changed since the buyer saw it (price, "
        "availability, or `version` no longer matching the review): 409 `cart_changed` with "
        "`details.changes` (one message per line) and the new `details.version`; nothing is "
        "charged and the cart now holds what was found, so confirming again goes through. "
        "Otherwise 201 with the checkout and `payment.checkout_url` (the hosted card page). "
        "The same `Idempotency-Key`, or the same cart while a checkout is open, returns that "
        "checkout (200) instead of charging twice. Session slots are held for 30 minutes.",
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Replays return the first checkout; never two payments.",
            )
        ],
        request=s.CheckoutStartInput,
        responses={
            201: s.CheckoutOutput,
            200: s.CheckoutOutput,
            409: OpenApiResponse(description="`cart_changed` or `checkout_in_progress`."),
        },
    )
    @idempotent
    def post(self, request):
        data = _valid(s.CheckoutStartInput, request)
        checkout, created = services.checkout_start(
            cart=_cart(request),
            actor=request.user,
            attempt=_attempt(request),
            version=data.get("version") or None,
        )
        return _checkout_response(request, checkout, 201 if created else 200)


@extend_schema(tags=[TAG])
class CheckoutDetailApi(APIView):
    @extend_schema(
        summary="A checkout: status, lines with their contracts, fees, payment",
        description="While waiting for payment, the payment's state is asked from the provider "
        "first (a declined payment closes the checkout as `failed`; the cart stays).",
        responses=s.CheckoutOutput,
    )
    def get(self, request, pk):
        checkout = selectors.checkout_for_buyer(request.user, pk)
        if checkout.status in (CheckoutStatus.PENDING, CheckoutStatus.PAID):
            services.checkout_sync(checkout=checkout, refresh=True, actor=request.user)
        return _checkout_response(request, checkout)


@extend_schema(tags=[TAG])
class CheckoutCancelApi(APIView):
    @extend_schema(
        summary="Cancel a checkout waiting for payment (its slots are released; the cart stays)",
        request=None,
        responses=s.CheckoutOutput,
    )
    @idempotent
    def post(self, request, pk):
        checkout = selectors.checkout_for_buyer(request.user, pk)
        services.checkout_cancel(checkout=checkout, actor=request.user)
        return _checkout_response(request, checkout)


# --- orders, sales, staff -----------------------------------------------------------------------------


class _ContractListApi(generics.ListAPIView):
    serializer_class = s.OrderOutput
    filter_backends: list = []
    with_checkout = True

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = self.get_serializer_context()
        if self.with_checkout:
            context["bought_by"] = selectors.checkout_lines_for_contracts(page)
        data = s.OrderOutput(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(tags=[TAG], summary="My orders: contracts of the gigs and sessions I bought")
class OrderListApi(_ContractListApi):
    def get_queryset(self):
        return selectors.orders_for(self.request.user)


@extend_schema(tags=[TAG], summary="My sales: contracts of my gigs and sessions others bought")
class SalesListApi(_ContractListApi):
    with_checkout = False

    def get_queryset(self):
        return selectors.sales_for(self.request.user)


@extend_schema(
    tags=[TAG],
    summary="Every checkout (staff only; 404 for anyone else)",
    parameters=[
        OpenApiParameter("status", str, enum=CheckoutStatus.values, description="Only this status.")
    ],
)
class StaffCheckoutListApi(generics.ListAPIView):
    serializer_class = s.StaffCheckoutListOutput
    filter_backends: list = []

    def get_queryset(self):
        if not self.request.user.is_staff:
            raise Http404
        status = choice_param(self.request, "status", CheckoutStatus.values)
        return selectors.staff_checkouts(status=status)
