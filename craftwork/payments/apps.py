from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "craftwork.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "payments-pending-to-available",
            {"task": "craftwork.payments.tasks.release_matured_earnings", "schedule": 15 * 60},
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "payments-retry-webhook-events",
            {"task": "craftwork.payments.tasks.retry_webhook_events", "schedule": 60},
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "payments-decide-unanswered-disputes",
            {"task": "craftwork.payments.tasks.decide_unanswered_disputes", "schedule": 60 * 60},
        )
