"""API input serializers (strict: unknown fields are refused) and output serializers."""

from django.conf import settings
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..models import Membership, Organization, OrganizationInvitation, User

ROLE_CHOICES = User.View.choices
PASSWORD_MAX = 128
TOKEN_MAX = 200
JWT_MAX = 2000


def _password(**kwargs):
    return serializers.CharField(
        max_length=PASSWORD_MAX, trim_whitespace=False, write_only=True, **kwargs
    )


# --- input -------------------------------------------------------------------------


class SignupInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password()
    first_name = serializers.CharField(max_length=80)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_CHOICES),
        allow_empty=False,
        min_length=1,
        max_length=2,
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, default="en")
    timezone = serializers.CharField(max_length=64, required=False, default="UTC")


class UidTokenInput(StrictSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=TOKEN_MAX)


class TokenObtainInput(StrictSerializer):
    email = serializers.CharField(max_length=254)
    password = _password()


class RefreshInput(StrictSerializer):
    refresh = serializers.CharField(max_length=JWT_MAX)


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class WebSocketTicketOutput(serializers.Serializer):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the ticket stays valid.")


class PasswordChangeInput(StrictSerializer):
    old_password = _password()
    new_password = _password()


class PasswordResetInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInput(UidTokenInput):
    new_password = _password()


class MeUpdateInput(StrictSerializer):
    first_name = serializers.CharField(max_length=80, required=False)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class AvatarInput(StrictSerializer):
    avatar = serializers.FileField(allow_empty_file=False, max_length=255)


class SwitchViewInput(StrictSerializer):
    view = serializers.ChoiceField(choices=ROLE_CHOICES)


class RoleInput(StrictSerializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES)


class OrganizationInput(StrictSerializer):
    name = serializers.CharField(max_length=150)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)


class MemberRoleInput(StrictSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationInput(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, required=False, default=Membership.Role.RECRUITER
    )


class InvitationAcceptInput(StrictSerializer):
    token = serializers.CharField(max_length=TOKEN_MAX)


# --- output --------------------------------------------------------------------------


def _avatar_url(user, request):
    if not user.avatar:
        return None
    url = user.avatar.url
    return request.build_absolute_uri(url) if request is not None else url


class UserOutput(serializers.ModelSerializer):
    avatar = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    email_verified = serializers.BooleanField(read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "full_name",
            "avatar",
            "timezone",
            "language",
            "is_client",
            "is_freelancer",
            "roles",
            "active_view",
            "email_verified",
            "date_joined",
        ]
        read_only_fields = fields

    def get_avatar(self, user) -> str | None:
        return _avatar_url(user, self.context.get("request"))

    def get_roles(self, user) -> list[str]:
        return [
            role
            for role, held in (("client", user.is_client), ("freelancer", user.is_freelancer))
            if held
        ]


class PublicUserOutput(serializers.ModelSerializer):
    avatar = serializers.SerializerMethodField()
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "full_name", "avatar"]
        read_only_fields = fields

    def get_avatar(self, user) -> str | None:
        return _avatar_url(user, self.context.get("request"))


class OrganizationOutput(serializers.ModelSerializer):
    my_role = serializers.CharField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "website",
            "my_role",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MembershipOutput(serializers.ModelSerializer):
    user = PublicUserOutput(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class InviterOutput(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class InvitationOutput(serializers.ModelSerializer):
    invited_by = InviterOutput(read_only=True)

    class Meta:
        model = OrganizationInvitation
        fields = ["id", "email", "role", "status", "expires_at", "invited_by", "created_at"]
        read_only_fields = fields


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()
