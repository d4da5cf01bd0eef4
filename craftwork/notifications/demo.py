"""Demo data: the notifications the seeded marketplace produced, spread over the weeks it pretends
to have lasted. Seeding runs in a minute, so every notification would otherwise say "0 minutes ago"."""

from datetime import timedelta

from django.utils import timezone

from .models import Notification

SPREAD = timedelta(days=21)


def spread_notifications(rng) -> int:
    """Give each person's notifications distinct times over the last three weeks, in the order they
    were made (the last one stays the newest); older ones are marked read, as a person would have
    seen them. Deterministic for a seeded ``rng``; returns how many were moved."""
    now = timezone.now()
    moved = 0
    recipients = Notification.objects.order_by().values_list("recipient_id", flat=True).distinct()
    for recipient_id in sorted(recipients, key=str):
        notes = list(
            Notification.objects.filter(recipient_id=recipient_id).order_by("created_at", "pk")
        )
        # Uneven gaps that fit the three weeks, the newest between ten minutes and four hours ago.
        step = SPREAD.total_seconds() / (len(notes) + 1)
        when = now - timedelta(minutes=rng.randrange(10, 240))
        stamps = []
        for _note in notes:
            stamps.append(when)
            when -= timedelta(seconds=int(step * rng.uniform(0.3, 1.0)) + 60)
        for index, (note, stamp) in enumerate(zip(notes, reversed(stamps), strict=True)):
            read_at = note.read_at
            if read_at is None and index < len(notes) - 3:
                read_at = stamp + timedelta(hours=2)
            Notification.objects.filter(pk=note.pk).update(
                created_at=stamp, updated_at=stamp, read_at=read_at and min(read_at, now)
            )
            moved += 1
    return moved
