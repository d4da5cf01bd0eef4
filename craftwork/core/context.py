"""Per-request context that services may read without taking the request (client IP for the audit log)."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
current_user_agent: ContextVar[str] = ContextVar("current_user_agent", default="")


def client_ip(request) -> str | None:
    """The client's address, for throttles, lockouts, sign-up limits and the audit log."""
    return client_ip_from(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def client_ip_from_scope(scope) -> str | None:
    """The same for a WebSocket (ASGI scope): the peer address and the forwarded header."""
    peer = (scope.get("client") or (None,))[0]
    forwarded = b",".join(
        value for name, value in scope.get("headers", []) if name.lower() == b"x-forwarded-for"
    )
    return client_ip_from(peer, forwarded.decode("latin-1"))


def client_ip_from(remote_addr: str | None, forwarded: str) -> str | None:
    """The right-most address that no trusted proxy vouches for.

    Each of the TRUSTED_PROXY_HOPS proxies in front of the app appends the address it got the
    request from to X-Forwarded-For; everything further left was written by the client and can
    be anything. With no trusted proxies the header is ignored.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    chain = [part.strip() for part in forwarded.split(",")] if hops and forwarded else []
    chain.append(remote_addr or "")
    # A chain shorter than the configured hops (a request that skipped a proxy): take the
    # left-most address we have, as DRF's NUM_PROXIES does.
    candidate = chain[-min(hops + 1, len(chain))]
    return _valid_ip(candidate) or _valid_ip(remote_addr)


def _valid_ip(value: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    return str(address).split("%")[0]  # no IPv6 zone: the database's inet type refuses it
