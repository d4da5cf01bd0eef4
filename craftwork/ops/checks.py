"""Deploy checks for operations: the metrics endpoint must not be open in production."""

from django.conf import settings
from django.core.checks import Warning, register

NO_METRICS_TOKEN = "craftwork.W101"


@register(deploy=True)
def check_metrics_token(app_configs=None, **kwargs):
    if not settings.PRODUCTION or settings.METRICS_TOKEN:
        return []
    return [
        Warning(
            "METRICS_TOKEN is not set: /metrics answers 401 to everyone, so nothing is scraped.",
            hint="Set METRICS_TOKEN and give Prometheus the same bearer token.",
            id=NO_METRICS_TOKEN,
        )
    ]
