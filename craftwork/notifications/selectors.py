"""Reads of the notifications app, scoped to the signed-in user. A foreign id is a 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import NotFound

from . import preferences, registry
from .models import DigestPreference, Notification, PushSubscription, UserPhone


def notifications_for(user, *, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first; ``unread=True`` keeps the unread ones."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient_id=user.pk, shown_in_app=True)
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset.order_by("-created_at", "-id")


def notification_for_recipient(user, pk) -> Notification:
    try:
        found = notifications_for(user).filter(pk=pk).first()
    except (ValueError, DjangoValidationError):
        found = None
    if found is None:
        raise NotFound(_("Notification not found."))
    return found


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True, shown_in_app=True
    ).count()


def preference_matrix(user) -> list[dict]:
    """Every declared type with the channels it offers and whether each is on for ``user``."""
    stored = preferences.stored_for_user(user)
    rows = []
    for registration in registry.types():
        rows.append(
            {
                "type": registration.type,
                "label": registration.label,
                "urgent": registration.urgent,
                "available_channels": list(registration.channels),
                "channels": {
                    channel: preferences.is_enabled(
                        registration, channel, stored.get((registration.type, channel))
                    )
                    for channel in registration.channels
                },
            }
        )
    return rows


def daily_digest_enabled(user) -> bool:
    return DigestPreference.objects.filter(user=user, daily=True).exists()


def phone_for(user) -> UserPhone | None:
    return UserPhone.objects.filter(user=user).first()


def push_subscriptions_for(user) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def push_subscription_for(user, pk) -> PushSubscription:
    try:
        found = push_subscriptions_for(user).filter(pk=pk).first()
    except (ValueError, DjangoValidationError):
        found = None
    if found is None:
        raise NotFound(_("Device not found."))
    return found
