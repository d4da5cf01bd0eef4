"""Accounts API: thin views that validate input, call a service or selector, and serialize."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

from craftwork.core.api.parsers import MultiPartParser
from craftwork.core.api.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
from craftwork.core.errors import PermissionDenied

from .. import selectors, services
from ..errors import TooManyAttempts
from ..models import Membership, OrganizationInvitation
from . import serializers as s

SCOPED_THROTTLES = [ScopedRateThrottle, UserRateThrottle, AnonRateThrottle]
ERROR = OpenApiResponse(description='Error: {"error": {"code", "message", "details"}}')


def validated(serializer_class, request, *, partial=False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RetryAfterMixin:
    """429 domain errors (lockout, cool-downs) carry a Retry-After header like DRF throttles do."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, TooManyAttempts):
            response["Retry-After"] = str(exc.retry_after)
        return response


class PublicAuthView(RetryAfterMixin, APIView):
    """Anonymous endpoints of the auth flow, throttled under the "auth" scope."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "auth"


# --- auth ----------------------------------------------------------------------------


class SignupView(PublicAuthView):
    throttle_scope = "signup"

    @extend_schema(
        tags=["auth"],
        request=s.SignupInput,
        responses={202: s.DetailOutput, 400: ERROR},
        description=(
            "Create an account; a verification link is emailed. The answer is the same when the "
            "address has an account already: then nothing is created and its owner is emailed "
            "instead. Log in with `auth/token/` afterwards."
        ),
    )
    def post(self, request):
        data = validated(s.SignupInput, request)
        services.user_signup(**data)
        message = _("We sent an email to this address. Open it to continue.")
        return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=s.UidTokenInput,
        responses={200: s.UserOutput, 400: ERROR, 409: ERROR},
        description="Confirm the email address with the uid and token of the emailed link.",
    )
    def post(self, request):
        data = validated(s.UidTokenInput, request)
        user = services.user_verify_email(uidb64=data["uid"], token=data["token"])
        return Response(s.UserOutput(user, context={"request": request}).data)


class VerifyEmailResendView(RetryAfterMixin, APIView):
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"], request=None, responses={202: s.DetailOutput, 409: ERROR, 429: ERROR}
    )
    def post(self, request):
        services.user_resend_verification(actor=request.user)
        return Response(
            {"detail": _("We sent you a new verification email.")}, status=status.HTTP_202_ACCEPTED
        )


class TokenObtainView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=s.TokenObtainInput,
        responses={200: s.TokenPairOutput, 401: ERROR, 429: ERROR},
        description=(
            "Exchange email and password for an access and a refresh token. Repeated failures "
            "pause password sign-in (429 with Retry-After): for this email from this address "
            "(`account_locked`), for the account from everywhere (`account_protected`; the owner "
            "is emailed a sign-in link, see `auth/login-link/`) or for this address "
            "(`too_many_attempts`)."
        ),
    )
    def post(self, request):
        data = validated(s.TokenObtainInput, request)
        user = services.user_login(email=data["email"], password=data["password"])
        return Response(services.token_pair_for(user))


class LoginLinkView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=s.UidTokenInput,
        responses={200: s.TokenPairOutput, 400: ERROR},
        description=(
            "Exchange the one-time sign-in link emailed when password sign-in to the account was "
            "paused (`account_protected`) for a token pair. The link then stops working."
        ),
    )
    def post(self, request):
        data = validated(s.UidTokenInput, request)
        user = services.user_login_with_link(uidb64=data["uid"], token=data["token"])
        return Response(services.token_pair_for(user))


class TokenRefreshView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=s.RefreshInput,
        responses={200: s.TokenPairOutput, 401: ERROR},
        description="Rotate a refresh token: the one sent is blacklisted and a new pair is returned.",
    )
    def post(self, request):
        data = validated(s.RefreshInput, request)
        return Response(services.token_refresh(refresh=data["refresh"]))


class LogoutView(APIView):
    @extend_schema(tags=["auth"], request=s.RefreshInput, responses={204: None, 401: ERROR})
    def post(self, request):
        data = validated(s.RefreshInput, request)
        access = request.auth if isinstance(request.auth, AccessToken) else None
        services.user_logout(actor=request.user, refresh=data["refresh"], access_token=access)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebSocketTicketView(APIView):
    @extend_schema(
        tags=["auth"],
        request=None,
        responses={201: s.WebSocketTicketOutput, 401: ERROR},
        description=(
            "A single-use ticket for opening a WebSocket: connect to `/ws/me/?ticket=<ticket>` "
            "(or a conversation's socket) within `expires_in` seconds. Tokens never go in socket "
            "URLs (they land in access logs); web pages use the session cookie."
        ),
    )
    def post(self, request):
        ticket = services.websocket_ticket_issue(actor=request.user)
        return Response(s.WebSocketTicketOutput(ticket).data, status=status.HTTP_201_CREATED)


class PasswordChangeView(APIView):
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "auth"

    @extend_schema(
        tags=["auth"],
        request=s.PasswordChangeInput,
        responses={200: s.TokenPairOutput, 400: ERROR},
        description=(
            "Change the password. Every token of the account stops working (other sessions' "
            "access tokens too) and every other web session ends; a fresh pair is returned."
        ),
    )
    def post(self, request):
        data = validated(s.PasswordChangeInput, request)
        user = services.user_change_password(actor=request.user, **data)
        if isinstance(request.auth, AccessToken):
            services.user_logout(actor=user, access_token=request.auth)
        return Response(services.token_pair_for(user))


class PasswordResetView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=s.PasswordResetInput,
        responses={202: s.DetailOutput},
        description="Email a reset link if an account exists. The answer is the same either way.",
    )
    def post(self, request):
        data = validated(s.PasswordResetInput, request)
        services.password_reset_request(email=data["email"])
        message = _(
            "If an account exists for this address, we sent it a link to reset the password."
        )
        return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(
        tags=["auth"], request=s.PasswordResetConfirmInput, responses={204: None, 400: ERROR}
    )
    def post(self, request):
        data = validated(s.PasswordResetConfirmInput, request)
        services.password_reset_confirm(
            uidb64=data["uid"], token=data["token"], new_password=data["new_password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- me -------------------------------------------------------------------------------


def _me(request):
    return Response(s.UserOutput(request.user, context={"request": request}).data)


class MeView(APIView):
    @extend_schema(tags=["me"], responses={200: s.UserOutput})
    def get(self, request):
        return _me(request)

    @extend_schema(tags=["me"], request=s.MeUpdateInput, responses={200: s.UserOutput, 400: ERROR})
    def patch(self, request):
        data = validated(s.MeUpdateInput, request, partial=True)
        services.user_update_settings(actor=request.user, **data)
        return _me(request)


class AvatarView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["me"], request={"multipart/form-data": s.AvatarInput}, responses={200: s.UserOutput}
    )
    def post(self, request):
        data = validated(s.AvatarInput, request)
        services.user_set_avatar(actor=request.user, upload=data["avatar"])
        return _me(request)

    @extend_schema(tags=["me"], request=None, responses={200: s.UserOutput})
    def delete(self, request):
        services.user_remove_avatar(actor=request.user)
        return _me(request)


class SwitchViewView(APIView):
    @extend_schema(
        tags=["me"], request=s.SwitchViewInput, responses={200: s.UserOutput, 400: ERROR}
    )
    def post(self, request):
        data = validated(s.SwitchViewInput, request)
        services.user_switch_view(actor=request.user, view=data["view"])
        return _me(request)


class RolesView(APIView):
    @extend_schema(
        tags=["me"],
        request=s.RoleInput,
        responses={200: s.UserOutput, 400: ERROR},
        description="Add a role (client or freelancer) to the account. Roles are never removed.",
    )
    def post(self, request):
        data = validated(s.RoleInput, request)
        services.user_set_roles(actor=request.user, roles={data["role"]})
        return _me(request)


# --- organizations ------------------------------------------------------------------------


def _organization(request, pk):
    return selectors.organization_for_member(request.user, pk)


def _require_manager(request, organization):
    if not selectors.can_manage_organization(request.user, organization):
        raise PermissionDenied(_("Only owners and admins can manage this organization."))


class OrganizationListView(GenericAPIView):
    serializer_class = s.OrganizationOutput

    def get_queryset(self):
        return selectors.organizations_for(self.request.user)

    @extend_schema(tags=["organizations"], responses={200: s.OrganizationOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.OrganizationOutput(page, many=True).data)

    @extend_schema(
        tags=["organizations"], request=s.OrganizationInput, responses={201: s.OrganizationOutput}
    )
    def post(self, request):
        data = validated(s.OrganizationInput, request)
        organization = services.organization_create(actor=request.user, **data)
        organization = _organization(request, organization.pk)
        return Response(s.OrganizationOutput(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailView(APIView):
    @extend_schema(tags=["organizations"], responses={200: s.OrganizationOutput, 404: ERROR})
    def get(self, request, pk):
        return Response(s.OrganizationOutput(_organization(request, pk)).data)

    @extend_schema(
        tags=["organizations"],
        request=s.OrganizationInput(partial=True),
        responses={200: s.OrganizationOutput, 403: ERROR, 404: ERROR},
    )
    def patch(self, request, pk):
        organization = _organization(request, pk)
        data = validated(s.OrganizationInput, request, partial=True)
        services.organization_update(actor=request.user, organization=organization, **data)
        return Response(s.OrganizationOutput(_organization(request, pk)).data)


class MemberListView(GenericAPIView):
    serializer_class = s.MembershipOutput
    queryset = Membership.objects.none()  # for the schema; the list comes from a selector

    @extend_schema(
        tags=["organizations"], responses={200: s.MembershipOutput(many=True), 404: ERROR}
    )
    def get(self, request, pk):
        organization = _organization(request, pk)
        page = self.paginate_queryset(selectors.organization_members(organization))
        data = s.MembershipOutput(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class MemberDetailView(APIView):
    @extend_schema(
        tags=["organizations"],
        request=s.MemberRoleInput,
        responses={200: s.MembershipOutput, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def patch(self, request, pk, member_pk):
        membership = selectors.membership_in(_organization(request, pk), member_pk)
        data = validated(s.MemberRoleInput, request)
        membership = services.membership_change_role(
            actor=request.user, membership=membership, role=data["role"]
        )
        return Response(s.MembershipOutput(membership, context={"request": request}).data)

    @extend_schema(
        tags=["organizations"], responses={204: None, 403: ERROR, 404: ERROR, 409: ERROR}
    )
    def delete(self, request, pk, member_pk):
        membership = selectors.membership_in(_organization(request, pk), member_pk)
        services.membership_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(GenericAPIView):
    serializer_class = s.InvitationOutput
    queryset = (
        OrganizationInvitation.objects.none()
    )  # for the schema; the list comes from a selector

    @extend_schema(
        tags=["organizations"], responses={200: s.InvitationOutput(many=True), 403: ERROR}
    )
    def get(self, request, pk):
        organization = _organization(request, pk)
        _require_manager(request, organization)
        page = self.paginate_queryset(selectors.pending_invitations(organization))
        return self.get_paginated_response(s.InvitationOutput(page, many=True).data)

    @extend_schema(
        tags=["organizations"],
        request=s.InvitationInput,
        responses={201: s.InvitationOutput, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, pk):
        organization = _organization(request, pk)
        data = validated(s.InvitationInput, request)
        invitation = services.organization_invite(
            actor=request.user, organization=organization, **data
        )
        return Response(s.InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    @extend_schema(
        tags=["organizations"], responses={204: None, 403: ERROR, 404: ERROR, 409: ERROR}
    )
    def delete(self, request, pk, invitation_pk):
        organization = _organization(request, pk)
        _require_manager(request, organization)
        invitation = selectors.invitation_in(organization, invitation_pk)
        services.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(APIView):
    @extend_schema(
        tags=["organizations"],
        request=s.InvitationAcceptInput,
        responses={200: s.OrganizationOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request):
        data = validated(s.InvitationAcceptInput, request)
        membership = services.invitation_accept(actor=request.user, token=data["token"])
        return Response(
            s.OrganizationOutput(_organization(request, membership.organization_id)).data
        )
