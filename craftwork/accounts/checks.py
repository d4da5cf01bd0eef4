"""Deploy checks of the accounts app."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = ("LocMemCache", "DummyCache")


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    """Login pauses, revoked tokens and WebSocket tickets live in the cache: with one cache per
    process each worker keeps its own, so a guesser spread over workers is not paused, a revoked
    token still works on another worker, and a ticket fails on any worker but its issuer's."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(PER_PROCESS_CACHES):
        return [
            checks.Warning(
                "The default cache is per process; login protection, token revocation and "
                "WebSocket tickets need a shared one.",
                hint="Set REDIS_URL.",
                id="accounts.W001",
            )
        ]
    return []
