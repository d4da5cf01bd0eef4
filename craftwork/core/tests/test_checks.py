"""``check --deploy`` refuses the embedded defaults when DJANGO_ENV=production."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Error, run_checks

from craftwork.core import checks


class SharedCache(LocMemCache):
    """Stands in for a shared cache (Redis) without a server; only its dotted path matters."""


SHARED_CACHE = f"{__name__}.SharedCache"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}


@pytest.fixture
def production(settings):
    """A production configuration with every service real."""
    settings.DJANGO_ENV = "production"
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.ALLOW_SANDBOX_PAYMENTS = False
    settings.CACHES = {"default": {"BACKEND": SHARED_CACHE}}
    settings.EMAIL_BACKEND = SMTP
    settings.SMS_BACKEND = "twilio"
    settings.CELERY_BROKER_URL = "redis://redis.internal:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CHANNEL_LAYERS = REDIS_LAYER
    return settings


def ids() -> list[str]:
    return [message.id for message in checks.check_production_services()]


def test_a_production_configuration_passes(production):
    assert ids() == []


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("PAYMENTS_PROVIDER", "sandbox", checks.SANDBOX_PAYMENTS),
        (
            "CACHES",
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            checks.PROCESS_LOCAL_CACHE,
        ),
        (
            "CACHES",
            {
                "default": {"BACKEND": SHARED_CACHE},
                "sessions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
            },
            checks.PROCESS_LOCAL_CACHE,
        ),
        (
            "CACHES",
            {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}},
            checks.PROCESS_LOCAL_CACHE,
        ),
        (
            "EMAIL_BACKEND",
            "django.core.mail.backends.filebased.EmailBackend",
            checks.LOCAL_EMAIL_BACKEND,
        ),
        (
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend",
            checks.LOCAL_EMAIL_BACKEND,
        ),
        (
            "EMAIL_BACKEND",
            "django.core.mail.backends.locmem.EmailBackend",
            checks.LOCAL_EMAIL_BACKEND,
        ),
        ("SMS_BACKEND", "console", checks.CONSOLE_SMS),
        ("CELERY_BROKER_URL", "sqlite://", checks.LOCAL_CELERY_BROKER),
        ("CELERY_BROKER_URL", "filesystem://", checks.LOCAL_CELERY_BROKER),
        ("CELERY_BROKER_URL", "memory://", checks.LOCAL_CELERY_BROKER),
        ("CELERY_TASK_ALWAYS_EAGER", True, checks.EAGER_CELERY),
        (
            "CHANNEL_LAYERS",
            {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
            checks.IN_MEMORY_CHANNEL_LAYER,
        ),
    ],
)
def test_each_embedded_default_is_an_error_in_production(production, name, value, expected):
    setattr(production, name, value)
    errors = checks.check_production_services()
    assert [error.id for error in errors] == [expected]
    assert all(isinstance(error, Error) and error.hint for error in errors)


def test_a_staging_site_may_allow_the_sandbox_explicitly(production):
    production.PAYMENTS_PROVIDER = "sandbox"
    production.ALLOW_SANDBOX_PAYMENTS = True
    assert ids() == []


def test_amqp_broker_is_accepted(production):
    production.CELERY_BROKER_URL = "amqp://guest@rabbit:5672//"
    assert ids() == []


def test_outside_production_the_embedded_defaults_are_fine(production):
    production.DJANGO_ENV = "development"
    production.PAYMENTS_PROVIDER = "sandbox"
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    production.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    production.SMS_BACKEND = "console"
    production.CELERY_BROKER_URL = "filesystem://"
    production.CELERY_TASK_ALWAYS_EAGER = True
    assert ids() == []


def test_the_checks_run_with_deploy_only(production):
    production.PAYMENTS_PROVIDER = "sandbox"
    deploy = [m.id for m in run_checks(include_deployment_checks=True)]
    assert checks.SANDBOX_PAYMENTS in deploy
    assert checks.SANDBOX_PAYMENTS not in [m.id for m in run_checks()]
