"""Reads of the accounts app, scoped to what the user may see. A foreign id is a 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from craftwork.core.errors import NotFound

from .models import Membership, Organization, OrganizationInvitation, User
from .tokens import decode_uid, hash_invitation_token, password_reset_token


def _member_count():
    counts = (
        Membership.objects.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts), 0)


def organizations_for(user: User) -> QuerySet[Organization]:
    """The user's organizations, each annotated with ``my_role`` and ``member_count``."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return (
        Organization.objects.filter(memberships__user=user)
        .annotate(my_role=F("memberships__role"), member_count=_member_count())
        .order_by("name", "pk")
    )


def _get_or_404(queryset, pk, message=None):
    try:
        found = queryset.filter(pk=pk).first()
    except (ValueError, DjangoValidationError):
        found = None
    if found is None:
        raise NotFound(message)
    return found


def organization_for_member(user: User, pk) -> Organization:
    return _get_or_404(organizations_for(user), pk)


def can_manage_organization(user: User, organization: Organization) -> bool:
    role = getattr(organization, "my_role", None)
    if role is None and getattr(user, "is_authenticated", False):
        role = (
            Membership.objects.filter(organization=organization, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return role in Membership.MANAGER_ROLES


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def membership_in(organization: Organization, pk) -> Membership:
    return _get_or_404(organization_members(organization), pk)


def pending_invitations(organization: Organization) -> QuerySet[OrganizationInvitation]:
    return (
        OrganizationInvitation.objects.filter(
            organization=organization,
            status=OrganizationInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .order_by("-created_at", "pk")
    )


def invitation_in(organization: Organization, pk) -> OrganizationInvitation:
    queryset = OrganizationInvitation.objects.filter(organization=organization).select_related(
        "invited_by"
    )
    return _get_or_404(queryset, pk)


def invitation_by_token(token: str) -> OrganizationInvitation | None:
    """The invitation a link points at (any status), for showing it before accepting."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return (
        OrganizationInvitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def active_user_from_uid(uidb64) -> User | None:
    """The active user an emailed link's uid points at, or None for anything malformed."""
    pk = decode_uid(uidb64)
    if pk is None:
        return None
    try:
        return User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, DjangoValidationError):
        return None


def user_for_password_reset_link(uidb64, token) -> User | None:
    """The user if the reset link is still valid (to show the form or an "expired link" page)."""
    user = active_user_from_uid(uidb64)
    if (
        user is None
        or not isinstance(token, str)
        or not password_reset_token.check_token(user, token)
    ):
        return None
    return user
