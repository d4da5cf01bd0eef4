"""Cache backends that count hits and misses (craftwork_cache_gets_total)."""

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from .metrics import cache_requests

_MISSING = object()


class _CountingMixin:
    metrics_backend = "cache"

    def get(self, key, default=None, version=None):
        value = super().get(key, _MISSING, version=version)
        hit = value is not _MISSING
        cache_requests.labels(self.metrics_backend, "hit" if hit else "miss").inc()
        return value if hit else default


class CountingRedisCache(_CountingMixin, RedisCache):
    metrics_backend = "redis"

    def get_many(self, keys, version=None):
        # One round trip for many keys (Django's base get_many calls get(), counted there).
        keys = list(keys)
        found = super().get_many(keys, version=version)
        if found:
            cache_requests.labels(self.metrics_backend, "hit").inc(len(found))
        if len(keys) > len(found):
            cache_requests.labels(self.metrics_backend, "miss").inc(len(keys) - len(found))
        return found


class CountingLocMemCache(_CountingMixin, LocMemCache):
    metrics_backend = "locmem"
