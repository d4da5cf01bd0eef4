"""What the console keeps of its own: one row per person per day they used the site, the
source of daily/weekly/monthly active users (``last_login`` only holds the latest sign-in, and
an API token is used for weeks without signing in again)."""

from django.conf import settings
from django.db import models


class DailyActivity(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "user"], name="console_activity_once_a_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.day}"
