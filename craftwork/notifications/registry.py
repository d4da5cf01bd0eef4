"""Notification types, declared by each domain app in its own ``craftwork/<app>/notifications.py``.

    from craftwork.notifications.registry import notify_on

    notify_on(
        "contracts.milestone_submitted",
        type="milestone_submitted",
        recipients=lambda event: [event.payload["client_id"]],
        title=lambda event, user: _("A milestone was submitted"),
        body=lambda event, user: ...,              # optional: a string or a callable
        link=lambda event, user: reverse(...),     # optional: a path on this site
        urgent=False,                              # urgent types may also go out by SMS
        label=_("Milestone submitted"),            # optional: the name on the preferences page
    )

``recipients(event)`` returns user ids (or users). The event's actor is left out (nobody is told
about what they did themselves) unless ``include_actor=True``. ``title``, ``body`` and ``link``
are called once per recipient with the recipient's language active.

``default_channels`` are the channels a user gets until they change their preferences; by default
in-app, email and web push (push reaches only the devices a user turned it on for), plus SMS for
urgent types. SMS is only offered for urgent types.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
PUSH = "push"
CHANNELS = (IN_APP, EMAIL, PUSH, SMS)
EVERYDAY_CHANNELS = (IN_APP, EMAIL, PUSH)
TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

Text = str | Callable | None


@dataclass(frozen=True)
class NotificationType:
    event_name: str
    type: str
    recipients: Callable
    title: Text
    body: Text
    link: Text
    urgent: bool
    default_channels: frozenset
    label: object
    include_actor: bool

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels a user may choose for this type."""
        return CHANNELS if self.urgent else EVERYDAY_CHANNELS

    def render(self, part: str, event, user) -> str:
        value = getattr(self, part)
        if callable(value):
            value = value(event, user)
        return "" if value is None else str(value)


# (event name, type) -> registration; several events may feed one type.
_registrations: dict[tuple[str, str], NotificationType] = {}


def notify_on(
    event_name: str,
    *,
    type: str,
    recipients: Callable[..., Iterable],
    title: Text,
    body: Text = "",
    link: Text = "",
    urgent: bool = False,
    default_channels: Iterable[str] | None = None,
    label=None,
    include_actor: bool = False,
) -> NotificationType:
    if not TYPE_NAME.match(type or ""):
        raise ImproperlyConfigured(f"Notification type {type!r} must match {TYPE_NAME.pattern}.")
    channels = _default_channels(type, urgent, default_channels)
    registration = NotificationType(
        event_name=event_name,
        type=type,
        recipients=recipients,
        title=title,
        body=body,
        link=link,
        urgent=bool(urgent),
        default_channels=channels,
        label=label or type.replace("_", " ").capitalize(),
        include_actor=include_actor,
    )
    _check_consistent(registration)
    _registrations[(event_name, type)] = registration
    return registration


def _default_channels(type_name: str, urgent: bool, requested) -> frozenset:
    if requested is None:
        return frozenset(CHANNELS if urgent else EVERYDAY_CHANNELS)
    channels = frozenset(requested)
    unknown = channels - set(CHANNELS)
    if unknown:
        raise ImproperlyConfigured(f"Unknown channels {sorted(unknown)} for {type_name!r}.")
    if SMS in channels and not urgent:
        raise ImproperlyConfigured(f"SMS is only for urgent types; {type_name!r} is not urgent.")
    return channels


def _check_consistent(registration: NotificationType) -> None:
    """One type, one meaning: every event feeding a type agrees on urgency and defaults."""
    for (event_name, type_name), other in _registrations.items():
        if type_name != registration.type or event_name == registration.event_name:
            continue
        if (other.urgent, other.default_channels) != (
            registration.urgent,
            registration.default_channels,
        ):
            raise ImproperlyConfigured(
                f"Type {type_name!r} is registered with different urgency or channels "
                f"for {event_name!r} and {registration.event_name!r}."
            )


def for_event(event_name: str) -> list[NotificationType]:
    return [reg for (name, _type), reg in _registrations.items() if name == event_name]


def types() -> list[NotificationType]:
    """One registration per type (the first declared), in declaration order."""
    seen: dict[str, NotificationType] = {}
    for registration in _registrations.values():
        seen.setdefault(registration.type, registration)
    return list(seen.values())


def get_type(type_name: str) -> NotificationType | None:
    return next((reg for reg in types() if reg.type == type_name), None)


def snapshot() -> dict:
    """For tests: the current registrations, to give back to ``restore`` afterwards."""
    return dict(_registrations)


def restore(saved: dict) -> None:
    _registrations.clear()
    _registrations.update(saved)
