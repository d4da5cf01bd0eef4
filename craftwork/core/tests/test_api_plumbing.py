from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.core.models import AuditLog, IdempotencyRecord

pytestmark = [pytest.mark.django_db, pytest.mark.urls("craftwork.core.tests.urls")]
CHARGE = "/api/v1/test/charge/"
STAMP = "/api/v1/test/stamp/"


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


class TestErrorFormat:
    def test_validation_error_lists_fields(self, auth_client):
        error = assert_error(
            auth_client.post(CHARGE, {"amount": "many"}, format="json"), 400, "validation_error"
        )
        assert "amount" in error["details"]

    def test_missing_field(self, auth_client):
        error = assert_error(auth_client.post(CHARGE, {}, format="json"), 400, "validation_error")
        assert error["details"]["amount"]

    def test_malformed_json(self, auth_client):
        response = auth_client.post(CHARGE, "{not json", content_type="application/json")
        assert_error(response, 400, "parse_error")

    def test_not_authenticated(self, api_client):
        assert_error(
            api_client.post(CHARGE, {"amount": 1}, format="json"), 401, "not_authenticated"
        )

    def test_domain_errors_keep_their_code_and_status(self, auth_client):
        assert_error(
            auth_client.post(CHARGE, {"amount": 999}, format="json"), 409, "amount_conflict"
        )
        error = assert_error(
            auth_client.post(CHARGE, {"amount": 998}, format="json"), 400, "not_today"
        )
        assert error["details"] == {"amount": ["no"]}

    def test_method_not_allowed(self, auth_client):
        assert_error(auth_client.get(CHARGE), 405, "method_not_allowed")

    def test_unknown_api_url_is_json_404(self, api_client):
        assert_error(api_client.get("/api/v1/nope/"), 404, "not_found")

    def test_server_error_is_json(self, api_client):
        api_client.raise_request_exception = False
        assert_error(api_client.get("/api/v1/test/boom/"), 500, "server_error")

    def test_huge_body_is_refused_before_parsing(self, auth_client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        response = auth_client.post(CHARGE, {"amount": 1, "note": "x" * 5000}, format="json")
        assert_error(response, 413, "payload_too_large")
        assert not AuditLog.objects.exists()


class TestIdempotency:
    def test_same_key_same_body_replays_the_first_response(self, auth_client):
        first = auth_client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        second = auth_client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second["Idempotent-Replayed"] == "true"
        assert AuditLog.objects.filter(action="test.charge").count() == 1

    def test_same_key_other_body_is_refused(self, auth_client):
        auth_client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
        response = auth_client.post(CHARGE, {"amount": 6}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
        assert_error(response, 422, "idempotency_key_reused")
        assert AuditLog.objects.filter(action="test.charge").count() == 1

    def test_without_key_every_request_runs(self, auth_client):
        auth_client.post(CHARGE, {"amount": 5}, format="json")
        auth_client.post(CHARGE, {"amount": 5}, format="json")
        assert AuditLog.objects.filter(action="test.charge").count() == 2

    def test_keys_are_per_user(self, auth_client, api_client, freelancer):
        auth_client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
        api_client.force_authenticate(freelancer)
        api_client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
        assert AuditLog.objects.filter(action="test.charge").count() == 2

    def test_failed_request_releases_the_key(self, auth_client):
        bad = auth_client.post(CHARGE, {"amount": 999}, format="json", HTTP_IDEMPOTENCY_KEY="k3")
        assert bad.status_code == 409
        assert not IdempotencyRecord.objects.filter(key="k3").exists()

    def test_request_in_progress_conflicts(self, auth_client):
        IdempotencyRecord.objects.create(
            user=auth_client.user,
            key="busy",
            method="POST",
            path=CHARGE,
            request_hash=_fingerprint(5),
        )
        response = auth_client.post(
            CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
        )
        assert_error(response, 409, "idempotency_in_progress")

    def test_overlong_key(self, auth_client):
        response = auth_client.post(
            CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300
        )
        assert_error(response, 400, "validation_error")


class TestIdempotentAnswers:
    """The stored answer is the rendered one, and no claim outlives its request."""

    def post(self, client, body, key="s1"):
        client.raise_request_exception = False
        return client.post(STAMP, body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    def test_an_answer_with_a_datetime_is_stored_and_replayed(self, auth_client):
        first = self.post(auth_client, {})
        again = self.post(auth_client, {})
        assert first.status_code == again.status_code == 201, first.content
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        assert AuditLog.objects.filter(action="test.stamp").count() == 1

    def test_a_crash_after_the_write_rolls_back_and_gives_the_key_up(self, auth_client):
        assert self.post(auth_client, {"fail": True}).status_code == 500
        assert not AuditLog.objects.filter(action="test.stamp").exists()
        assert not IdempotencyRecord.objects.filter(key="s1").exists()
        assert self.post(auth_client, {"fail": True}).status_code == 500  # not 409 for ever

    def test_a_lapsed_claim_is_taken_over(self, auth_client, settings):
        record = IdempotencyRecord.objects.create(
            user=auth_client.user,
            key="s1",
            method="POST",
            path=STAMP,
            request_hash=_hash(STAMP, {}),
        )
        assert_error(self.post(auth_client, {}), 409, "idempotency_in_progress")
        lease = timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS + 1)
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - lease)
        assert self.post(auth_client, {}).status_code == 201
        assert self.post(auth_client, {})["Idempotent-Replayed"] == "true"
        assert AuditLog.objects.filter(action="test.stamp").count() == 1

    def test_a_request_that_lost_its_claim_rolls_back(self, auth_client):
        assert_error(self.post(auth_client, {"steal": True}), 409, "idempotency_in_progress")
        assert not AuditLog.objects.filter(action="test.stamp").exists()


def _hash(path, data):
    import hashlib
    import json

    body = json.dumps({"data": data, "files": {}}, sort_keys=True)
    return hashlib.sha256(f"POST\n{path}\n{body}".encode()).hexdigest()


def _fingerprint(amount):
    import hashlib
    import json

    body = json.dumps({"data": {"amount": amount}, "files": {}}, sort_keys=True)
    return hashlib.sha256(f"POST\n{CHARGE}\n{body}".encode()).hexdigest()


class TestThrottling:
    def test_headers_count_down_and_429_has_retry_after(self, api_client, monkeypatch):
        from craftwork.core.api.throttling import ScopedRateThrottle

        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
        remaining = [
            api_client.get("/api/v1/test/public/")["X-RateLimit-Remaining"] for _ in range(3)
        ]
        assert remaining == ["2", "1", "0"]
        blocked = api_client.get("/api/v1/test/public/")
        error = assert_error(blocked, 429, "throttled")
        assert int(blocked["Retry-After"]) > 0
        assert blocked["X-RateLimit-Limit"] == "3"
        assert error["details"]["retry_after_seconds"] > 0


class TestPagination:
    def test_page_size_is_capped(self):
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from craftwork.core.api.pagination import StandardPagination

        paginator = StandardPagination()
        request = Request(APIRequestFactory().get("/x/", {"page_size": 1000}))
        page = paginator.paginate_queryset(list(range(500)), request)
        assert len(page) == 100
        default = paginator.paginate_queryset(
            list(range(500)), Request(APIRequestFactory().get("/x/"))
        )
        assert len(default) == 20


class TestHealth:
    def test_health(self, client):
        assert client.get("/health/").json() == {"status": "ok"}

    def test_ready_checks_database_and_cache(self, client):
        body = client.get("/ready/").json()
        assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}

    def test_ready_reports_a_broken_cache(self, client, monkeypatch):
        from django.core.cache import cache as default_cache

        def broken(*args, **kwargs):
            raise ConnectionError("down")

        monkeypatch.setattr(default_cache, "set", broken)
        response = client.get("/ready/")
        assert response.status_code == 503
        assert response.json()["checks"]["cache"].startswith("error")
