"""Scheduled reminders, declared by the domain apps next to their notification types.

In ``craftwork/<app>/notifications.py``::

    from craftwork.notifications.reminders import Due, reminder

    @reminder("contracts.milestone_approval_reminder")
    def milestones_awaiting_approval(now):
        for milestone in Milestone.objects.filter(status="delivered", delivered_at__lte=now - timedelta(days=3)):
            yield Due(key=f"milestone:{milestone.pk}:{milestone.delivered_at:%Y%m%d%H%M}",
                      payload={"contract_id": ..., "client_id": ..., "milestone_id": str(milestone.pk)})

    notify_on("contracts.milestone_approval_reminder", type="milestone_awaiting_approval", ...)

Every few minutes a beat task calls each finder with the current time. Each ``Due`` whose key was
never published before becomes an event (its payload plus ``reminder_key``), which ``notify_on``
turns into notifications. Keys are remembered forever, so a finder may return the same item on
every run (prefer "reminder time has passed and not done yet" to narrow time windows: a run
that was missed then still reminds). Finders only read; they must not write.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Due:
    key: str  # unique for this occurrence of this reminder, at most 200 characters
    payload: dict = field(default_factory=dict)


_finders: dict[str, Callable[[datetime], Iterable[Due]]] = {}


def reminder(event_name: str):
    """Decorator: ``finder(now) -> iterable of Due`` publishes ``event_name`` for each new key."""

    def register(finder):
        _finders[event_name] = finder
        return finder

    return register


def registered() -> dict[str, Callable[[datetime], Iterable[Due]]]:
    return dict(_finders)


def unregister(event_name: str) -> None:
    _finders.pop(event_name, None)
