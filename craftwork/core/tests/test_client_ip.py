"""The client address comes from REMOTE_ADDR and only the X-Forwarded-For hops of trusted proxies."""

import pytest
from django.test import RequestFactory

from craftwork.core.context import client_ip, client_ip_from, client_ip_from_scope
from craftwork.core.models import AuditLog
from craftwork.core.tests.aio import run_async

PUBLIC = "/api/v1/test/public/"


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "hops,remote,forwarded,expected",
    [
        (0, "10.0.0.7", "1.2.3.4", "10.0.0.7"),  # no proxy: the header is the client's own words
        (0, "10.0.0.7", None, "10.0.0.7"),
        (1, "10.0.0.7", "1.2.3.4", "1.2.3.4"),
        (1, "10.0.0.7", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the spoofed left part is ignored
        (2, "10.0.0.7", "6.6.6.6, 1.2.3.4, 172.16.0.2", "1.2.3.4"),
        (2, "10.0.0.7", "1.2.3.4", "1.2.3.4"),  # shorter than the hops: the left-most we have
        (1, "10.0.0.7", None, "10.0.0.7"),
        (1, "10.0.0.7", "not-an-ip", "10.0.0.7"),  # garbage never reaches the audit log
        (1, "10.0.0.7", "1.2.3.4:5678", "10.0.0.7"),
        (1, "10.0.0.7", "2001:DB8::1", "2001:db8::1"),
        (0, "", None, None),
    ],
)
def test_trusts_only_the_configured_proxy_hops(settings, hops, remote, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request_from(remote, forwarded)) == expected


def test_websocket_scope_uses_the_same_rule(settings):
    scope = {"client": ("10.0.0.7", 5555), "headers": [(b"x-forwarded-for", b"6.6.6.6, 1.2.3.4")]}
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip_from_scope(scope) == "10.0.0.7"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip_from_scope(scope) == "1.2.3.4"
    assert client_ip_from_scope({}) is None


def test_zone_of_an_ipv6_address_is_dropped(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip_from("fe80::1%eth0", "") == "fe80::1"


@pytest.mark.django_db
@pytest.mark.urls("craftwork.core.tests.urls")
def test_a_varying_header_does_not_escape_the_api_throttle(api_client, monkeypatch, settings):
    from craftwork.core.api.throttling import ScopedRateThrottle

    settings.TRUSTED_PROXY_HOPS = 0
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    statuses = [
        api_client.get(PUBLIC, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


@pytest.mark.django_db
@pytest.mark.urls("craftwork.core.tests.urls")
def test_behind_one_proxy_clients_are_told_apart_by_the_address_it_adds(
    api_client, monkeypatch, settings
):
    from craftwork.core.api.throttling import ScopedRateThrottle

    settings.TRUSTED_PROXY_HOPS = 1
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "1/minute"})

    def get(forwarded):
        return api_client.get(PUBLIC, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get("9.9.9.1, 203.0.113.5"), get("9.9.9.2, 203.0.113.5")] == [200, 429]
    assert get("203.0.113.6") == 200


@pytest.mark.django_db
def test_the_audit_log_records_the_real_address(api_client, user, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    api_client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": "wrong-password"},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AuditLog.objects.get(action="login_failed").ip_address == "192.0.2.10"


def test_a_socket_runs_with_its_client_address_for_the_audit_log(settings):

    from craftwork.core.context import current_ip
    from craftwork.core.websocket import ClientAddressMiddleware

    settings.TRUSTED_PROXY_HOPS = 0
    seen = []

    async def inner(scope, receive, send):
        seen.append(current_ip.get())

    scope = {"type": "websocket", "client": ("192.0.2.44", 1234), "headers": []}
    run_async(lambda: ClientAddressMiddleware(inner)(scope, None, None))
    assert seen == ["192.0.2.44"]
    assert current_ip.get() is None
