"""DRF throttles that also report their state as X-RateLimit-* headers."""

from rest_framework import throttling

from craftwork.core.context import client_ip


class _RecordsRateLimit:
    def get_ident(self, request):
        # DRF's own get_ident trusts the whole X-Forwarded-For unless NUM_PROXIES is set.
        return client_ip(request) or ""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            self._record(request)
        return allowed

    def _record(self, request):
        remaining = self.num_requests - len(self.history)
        oldest = self.history[-1] if self.history else self.now
        reset = max(0, int(oldest + self.duration - self.now))
        django_request = getattr(request, "_request", request)
        current = getattr(django_request, "ratelimit_state", None)
        # Several throttles may apply; the headers show the tightest one.
        if current is None or remaining < current["remaining"]:
            django_request.ratelimit_state = {
                "limit": self.num_requests,
                "remaining": remaining,
                "reset": reset,
            }


class UserRateThrottle(_RecordsRateLimit, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_RecordsRateLimit, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(_RecordsRateLimit, throttling.ScopedRateThrottle):
    pass
