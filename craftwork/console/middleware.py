"""Counts a person as active on a day the first time they make a request that day: one insert
a day at most, remembered in the cache so later requests cost a cache read."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import DailyActivity


class ActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF copies the API-authenticated user onto the Django request, so this sees both.
        user = getattr(request, "user", None)
        if (
            settings.CONSOLE_RECORD_ACTIVITY
            and getattr(user, "is_authenticated", False)
            and response.status_code < 500
        ):
            record_activity(user.pk)
        return response


def record_activity(user_id, *, day=None) -> None:
    day = day or timezone.now().date()
    key = f"console:active:{day.isoformat()}:{user_id}"
    if cache.get(key):
        return
    DailyActivity.objects.bulk_create(
        [DailyActivity(user_id=user_id, day=day)], ignore_conflicts=True
    )
    cache.set(key, 1, 60 * 60 * 26)
