"""Per-request context that services may read without taking the request (client IP for the audit log)."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
current_user_agent: ContextVar[str] = ContextVar("current_user_agent", default="")


def client_ip(request) -> str | None:
    # REMOTE_ADDR is the load balancer in production; trust only its first X-Forwarded-For hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45] or None
    return request.META.get("REMOTE_ADDR")
