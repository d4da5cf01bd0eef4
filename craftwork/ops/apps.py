from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: metrics, request ids and structured logs, error tracking, backups."""

    name = "craftwork.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from . import celery_signals, checks  # noqa: F401 - connects signals, registers checks
