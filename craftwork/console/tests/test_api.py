import uuid

import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory

from .factories import staff

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_overview_api_for_finance():
    response = api(staff("finance")).get(
        "/api/v1/console/overview/", {"start": "2026-01-01", "end": "2026-01-31"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-01-31"}
    assert body["previous"] == {"start": "2025-12-01", "end": "2025-12-31"}
    assert "payments_succeeded" in body["counts"]
    assert len(body["trends"]["signups"]) == 31


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-01", "end": "2026-01-01"},
        {"start": "yesterday"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"unknown": "1"},
    ],
)
def test_overview_api_refuses_bad_periods(params):
    response = api(staff("finance")).get("/api/v1/console/overview/", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_overview_api_permissions():
    assert APIClient().get("/api/v1/console/overview/").status_code == 401
    assert api(UserFactory()).get("/api/v1/console/overview/").status_code == 403
    assert api(staff("support")).get("/api/v1/console/overview/").status_code == 403


def test_bulk_api():
    target = UserFactory()
    ts = api(staff("trust_safety"))
    url = "/api/v1/console/users/bulk/"
    assert ts.post(url, {"action": "suspend", "ids": ["nope"], "reason": "x"}).status_code == 400
    assert ts.post(url, {"action": "suspend", "ids": [], "reason": "x"}).status_code == 400
    assert ts.post(url, {"action": "suspend", "ids": [str(target.pk)]}).status_code == 400
    assert ts.post(url, {"action": "explode", "ids": [str(target.pk)]}).status_code == 400
    assert ts.post("/api/v1/console/widgets/bulk/", {}).status_code == 404
    too_many = [str(uuid.uuid4()) for _ in range(201)]
    assert ts.post(url, {"action": "verify", "ids": too_many}).status_code == 400
    response = ts.post(
        url, {"action": "suspend", "ids": [str(target.pk), str(uuid.uuid4())], "reason": "Spam"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["done"] == [str(target.pk)]
    assert len(body["failed"]) == 1
    target.refresh_from_db()
    assert not target.is_active
    refused = api(staff("finance")).post(
        url, {"action": "reinstate", "ids": [str(target.pk)], "reason": "x"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "staff_permission_denied"
