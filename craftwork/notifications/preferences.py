"""Which channels a user gets for a type: their explicit choice, else the type's default."""

from . import registry
from .models import NotificationPreference


def is_enabled(registration, channel: str, stored: bool | None) -> bool:
    if registration is None:
        # A type no longer declared: keep honouring explicit choices, never text anyone.
        return bool(stored) if stored is not None else channel != registry.SMS
    if channel not in registration.channels:
        return False
    return stored if stored is not None else channel in registration.default_channels


def stored_for_users(user_ids, type_name: str) -> dict[tuple, bool]:
    """{(user_id, channel): enabled} for the explicit choices of these users about one type."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, type=type_name).values_list(
        "user_id", "channel", "enabled"
    )
    return {(user_id, channel): enabled for user_id, channel, enabled in rows}


def stored_for_user(user) -> dict[tuple, bool]:
    """{(type, channel): enabled} for every explicit choice of one user."""
    rows = NotificationPreference.objects.filter(user=user).values_list(
        "type", "channel", "enabled"
    )
    return {(type_name, channel): enabled for type_name, channel, enabled in rows}


def channel_enabled(user, type_name: str, channel: str) -> bool:
    stored = (
        NotificationPreference.objects.filter(user=user, type=type_name, channel=channel)
        .values_list("enabled", flat=True)
        .first()
    )
    return is_enabled(registry.get_type(type_name), channel, stored)
