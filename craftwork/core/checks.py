"""Deploy checks: the embedded defaults must not reach production.

Every external part has an offline default (docs/architecture.md). Each is fine on one
machine and unsafe on a real site: sandbox payments take no money, a per-process cache
keeps lockouts, token revocations and throttles apart in every worker, mail written to
files and text messages written to the console never arrive, and the embedded SQLite or a
filesystem broker, an in-memory channel layer or eager tasks lose work between machines. With ``DJANGO_ENV=production``, ``check --deploy`` reports
each as an Error, so the deploy fails.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

SANDBOX_PAYMENTS = "craftwork.E001"
PROCESS_LOCAL_CACHE = "craftwork.E002"
LOCAL_EMAIL_BACKEND = "craftwork.E003"
LOCAL_CELERY_BROKER = "craftwork.E004"
IN_MEMORY_CHANNEL_LAYER = "craftwork.E005"
EAGER_CELERY = "craftwork.E006"
CONSOLE_SMS = "craftwork.E007"

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "craftwork.ops.cache.CountingLocMemCache",  # the local-memory default, counting hits
}
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
LOCAL_BROKER_SCHEMES = ("sqlite", "filesystem", "memory")
IN_MEMORY_CHANNEL_LAYERS = {"channels.layers.InMemoryChannelLayer"}


@register(Tags.security, deploy=True)
def check_production_services(app_configs=None, **kwargs) -> list[Error]:
    if getattr(settings, "DJANGO_ENV", "") != "production":
        return []
    return [
        *_payments(),
        *_caches(),
        *_email(),
        *_sms(),
        *_celery(),
        *_channel_layers(),
    ]


def _payments() -> list[Error]:
    if settings.PAYMENTS_PROVIDER != "sandbox" or settings.ALLOW_SANDBOX_PAYMENTS:
        return []
    return [
        Error(
            "PAYMENTS_PROVIDER is 'sandbox' in production: no real money is taken.",
            hint="Set PAYMENTS_PROVIDER=stripe with its keys, or ALLOW_SANDBOX_PAYMENTS=1 "
            "on a staging site that must not take money.",
            id=SANDBOX_PAYMENTS,
        )
    ]


def _caches() -> list[Error]:
    return [
        Error(
            f"CACHES[{alias!r}] uses {config.get('BACKEND')}, which is not shared between "
            "processes: login lockouts, token revocations and throttles would be per worker.",
            hint="Set REDIS_URL (or configure a shared cache such as Redis or Memcached).",
            id=PROCESS_LOCAL_CACHE,
        )
        for alias, config in settings.CACHES.items()
        if config.get("BACKEND") in PROCESS_LOCAL_CACHES
    ]


def _email() -> list[Error]:
    if settings.EMAIL_BACKEND not in LOCAL_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: mail would never leave the server.",
            hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST "
            "and its credentials (or another delivering backend).",
            id=LOCAL_EMAIL_BACKEND,
        )
    ]


def _sms() -> list[Error]:
    if settings.SMS_BACKEND != "console":
        return []
    return [
        Error(
            "SMS_BACKEND is 'console': text messages would only be written to the log.",
            hint="Set SMS_BACKEND=twilio with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
            "TWILIO_FROM_NUMBER (or another delivering backend).",
            id=CONSOLE_SMS,
        )
    ]


def _celery() -> list[Error]:
    errors = []
    scheme = str(settings.CELERY_BROKER_URL or "").split(":", 1)[0].lower()
    if scheme in LOCAL_BROKER_SCHEMES:
        errors.append(
            Error(
                f"CELERY_BROKER_URL uses the {scheme}:// transport: tasks stay on one machine "
                "(or in one process) and are lost with it.",
                hint="Set REDIS_URL, or CELERY_BROKER_URL to Redis or RabbitMQ (amqp://).",
                id=LOCAL_CELERY_BROKER,
            )
        )
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        errors.append(
            Error(
                "CELERY_TASK_ALWAYS_EAGER is on: tasks run inside the web request, without "
                "retries, and scheduled work has no worker.",
                hint="Unset CELERY_TASK_ALWAYS_EAGER and run Celery workers and beat.",
                id=EAGER_CELERY,
            )
        )
    return errors


def _channel_layers() -> list[Error]:
    return [
        Error(
            f"CHANNEL_LAYERS[{alias!r}] is in memory: real-time messages would not reach "
            "clients connected to another process.",
            hint="Set REDIS_URL (channels_redis).",
            id=IN_MEMORY_CHANNEL_LAYER,
        )
        for alias, config in getattr(settings, "CHANNEL_LAYERS", {}).items()
        if config.get("BACKEND") in IN_MEMORY_CHANNEL_LAYERS
    ]
