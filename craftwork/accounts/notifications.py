"""Notification types of the accounts app (see craftwork.notifications.registry)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on

from .models import Membership, Organization, User

MANAGERS = Membership.MANAGER_ROLES


def _organization(event) -> Organization | None:
    return Organization.objects.filter(pk=event.payload.get("organization")).first()


def _organization_name(event) -> str:
    organization = _organization(event)
    return organization.name if organization else _("an organization")


def _person(event) -> str:
    user = User.objects.filter(pk=event.payload.get("user")).first()
    return (user.get_full_name() or user.email) if user else _("Someone")


def _managers(event) -> list:
    return list(
        Membership.objects.filter(
            organization_id=event.payload.get("organization"), role__in=MANAGERS
        ).values_list("user_id", flat=True)
    )


def _organization_link(event, user) -> str:
    organization = _organization(event)
    if organization is None:
        return reverse("accounts:organizations")
    return reverse("accounts:organization-detail", args=[organization.pk])


def _role(value) -> str:
    return str(Membership.Role(value).label) if value in Membership.Role.values else str(value)


notify_on(
    "accounts.member_joined",
    type="organization_member_joined",
    label=gettext_lazy("Someone joined your organization"),
    recipients=_managers,
    title=lambda event, user: (
        _("%(person)s joined %(organization)s")
        % {"person": _person(event), "organization": _organization_name(event)}
    ),
    body=lambda event, user: (
        _("They accepted your invitation and are now a member (%(role)s).")
        % {"role": _role(event.payload.get("role"))}
    ),
    link=_organization_link,
)

notify_on(
    "accounts.member_role_changed",
    type="organization_role_changed",
    label=gettext_lazy("Your role in an organization changed"),
    recipients=lambda event: [event.payload.get("user")],
    title=lambda event, user: (
        _("Your role in %(organization)s is now %(role)s")
        % {"organization": _organization_name(event), "role": _role(event.payload.get("to"))}
    ),
    body=lambda event, user: (
        _("It was %(role)s before.") % {"role": _role(event.payload.get("from"))}
    ),
    link=_organization_link,
)

notify_on(
    "accounts.member_removed",
    type="organization_member_left",
    label=gettext_lazy("Someone left your organization"),
    recipients=lambda event: _managers(event) if event.payload.get("left") else [],
    title=lambda event, user: (
        _("%(person)s left %(organization)s")
        % {"person": _person(event), "organization": _organization_name(event)}
    ),
    link=_organization_link,
)

notify_on(
    "accounts.member_removed",
    type="organization_removed_you",
    label=gettext_lazy("You were removed from an organization"),
    recipients=lambda event: [] if event.payload.get("left") else [event.payload.get("user")],
    title=lambda event, user: (
        _("You are no longer a member of %(organization)s")
        % {"organization": _organization_name(event)}
    ),
    body=lambda event, user: _("An administrator of the organization removed you."),
    link=lambda event, user: reverse("accounts:organizations"),
)
