"""The one event handler: every declared notification type of an event becomes notifications."""

from craftwork.core.events import subscribe

from . import registry, services


@subscribe("*")
def notify_for_event(event) -> None:
    for registration in registry.for_event(event.name):
        services.notifications_create_for_event(event=event, registration=registration)
