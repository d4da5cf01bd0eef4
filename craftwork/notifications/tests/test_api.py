import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.notifications import sms
from craftwork.notifications.models import DigestPreference, Notification, NotificationPreference

from .factories import NotificationFactory, UserPhoneFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications/"


class TestList:
    def test_lists_mine_newest_first_with_pagination(self, auth_client):
        user = auth_client.user
        older = NotificationFactory(recipient=user, title="Older")
        Notification.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - timezone.timedelta(hours=1)
        )
        newer = NotificationFactory(recipient=user, title="Newer", read_at=timezone.now())
        NotificationFactory(title="Someone else's")
        NotificationFactory(recipient=user, shown_in_app=False, title="Turned off in app")
        response = auth_client.get(BASE)
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == 2
        assert [item["title"] for item in body["results"]] == ["Newer", "Older"]
        item = body["results"][0]
        assert item["id"] == str(newer.pk)
        assert item["is_read"] is True
        assert set(item) == {
            "id",
            "type",
            "title",
            "body",
            "link",
            "is_read",
            "read_at",
            "created_at",
        }

    def test_unread_filter(self, auth_client):
        NotificationFactory(recipient=auth_client.user, title="Unread")
        NotificationFactory(recipient=auth_client.user, title="Read", read_at=timezone.now())
        titles = lambda query: [r["title"] for r in auth_client.get(BASE + query).json()["results"]]  # noqa: E731
        assert titles("?unread=true") == ["Unread"]
        assert titles("?unread=false") == ["Read"]
        response = auth_client.get(BASE + "?unread=maybe")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["unread"]

    def test_oversized_page_size_and_bad_cursor(self, auth_client):
        NotificationFactory.create_batch(3, recipient=auth_client.user)
        body = auth_client.get(BASE + "?page_size=1000").json()
        assert len(body["results"]) == 3
        assert auth_client.get(BASE + "?cursor=99").status_code == 400

    def test_query_count_does_not_grow_with_the_list(
        self, auth_client, django_assert_max_num_queries
    ):
        NotificationFactory.create_batch(2, recipient=auth_client.user)
        with django_assert_max_num_queries(3) as few:
            auth_client.get(BASE)
        NotificationFactory.create_batch(30, recipient=auth_client.user)
        with django_assert_max_num_queries(3) as many:
            auth_client.get(BASE + "?page_size=50")
        assert len(few.captured_queries) == len(many.captured_queries)

    def test_needs_authentication(self, api_client):
        for method, path in [
            ("get", BASE),
            ("get", BASE + "unread-count/"),
            ("post", BASE + "read-all/"),
            ("get", BASE + "preferences/"),
            ("post", f"{BASE}{uuid.uuid4()}/read/"),
        ]:
            assert getattr(api_client, method)(path).status_code == 401


class TestRead:
    def test_mark_one_read(self, auth_client):
        notification = NotificationFactory(recipient=auth_client.user)
        response = auth_client.post(f"{BASE}{notification.pk}/read/")
        assert response.status_code == 200
        assert response.json()["is_read"] is True
        assert auth_client.get(BASE + "unread-count/").json() == {"unread_count": 0}

    def test_another_users_id_is_404_and_nothing_changes(self, auth_client):
        foreign = NotificationFactory()
        response = auth_client.post(f"{BASE}{foreign.pk}/read/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        foreign.refresh_from_db()
        assert foreign.read_at is None
        assert auth_client.post(f"{BASE}{uuid.uuid4()}/read/").status_code == 404
        assert auth_client.post(f"{BASE}not-a-uuid/read/").status_code == 404

    def test_read_all(self, auth_client):
        NotificationFactory.create_batch(3, recipient=auth_client.user)
        other = NotificationFactory()
        response = auth_client.post(BASE + "read-all/")
        assert response.json() == {"marked": 3, "unread_count": 0}
        assert auth_client.post(BASE + "read-all/").json() == {"marked": 0, "unread_count": 0}
        other.refresh_from_db()
        assert other.read_at is None

    def test_unread_count(self, auth_client):
        NotificationFactory.create_batch(2, recipient=auth_client.user)
        NotificationFactory()
        assert auth_client.get(BASE + "unread-count/").json() == {"unread_count": 2}


class TestPreferences:
    def test_get_shows_every_type_with_defaults(self, auth_client, test_type, urgent_type):
        body = auth_client.get(BASE + "preferences/").json()
        rows = {row["type"]: row for row in body["types"]}
        assert rows["something_happened"]["channels"] == {
            "in_app": True,
            "email": True,
            "push": True,
        }
        assert rows["something_urgent"]["urgent"] is True
        assert rows["something_urgent"]["available_channels"] == ["in_app", "email", "push", "sms"]
        assert rows["something_happened"]["label"] == "Something happened"
        assert body["daily_digest"] is False
        assert body["phone"] is None
        # The types the apps declared are offered too.
        assert "organization_role_changed" in rows

    def test_put_changes_only_what_is_listed(self, auth_client, test_type):
        response = auth_client.put(
            BASE + "preferences/",
            {
                "preferences": [
                    {"type": "something_happened", "channel": "email", "enabled": False}
                ],
                "daily_digest": True,
            },
            format="json",
        )
        assert response.status_code == 200
        rows = {row["type"]: row for row in response.json()["types"]}
        assert rows["something_happened"]["channels"] == {
            "in_app": True,
            "email": False,
            "push": True,
        }
        assert response.json()["daily_digest"] is True
        response = auth_client.put(BASE + "preferences/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["daily_digest"] is True

    @pytest.mark.parametrize(
        "payload",
        [
            {"preferences": [{"type": "nope", "channel": "email", "enabled": False}]},
            {"preferences": [{"type": "something_happened", "channel": "sms", "enabled": True}]},
            {"preferences": [{"type": "something_happened", "channel": "fax", "enabled": True}]},
            {"preferences": [{"type": "something_happened", "channel": "email"}]},
            {
                "preferences": [
                    {"type": "something_happened", "channel": "email", "enabled": "perhaps"}
                ]
            },
            {"preferences": [{"type": "x" * 500, "channel": "email", "enabled": False}]},
            {"preferences": "everything off"},
            {
                "preferences": [
                    {"type": "something_happened", "channel": "email", "enabled": False, "x": 1}
                ]
            },
            {"daily_digest": "often"},
            {"digest": True},
        ],
    )
    def test_bad_input_is_refused_and_nothing_changes(self, auth_client, test_type, payload):
        response = auth_client.put(BASE + "preferences/", payload, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] in {"validation_error", "invalid_preferences"}
        assert not NotificationPreference.objects.exists()
        assert not DigestPreference.objects.filter(daily=True).exists()

    def test_too_many_changes_are_refused(self, auth_client, test_type):
        change = {"type": "something_happened", "channel": "email", "enabled": False}
        response = auth_client.put(
            BASE + "preferences/", {"preferences": [change] * 501}, format="json"
        )
        assert response.status_code == 400

    def test_sms_needs_a_verified_phone(self, auth_client, urgent_type):
        payload = {"preferences": [{"type": "something_urgent", "channel": "sms", "enabled": True}]}
        response = auth_client.put(BASE + "preferences/", payload, format="json")
        assert response.status_code == 400
        assert "something_urgent.sms" in response.json()["error"]["details"]


class TestPhone:
    def test_set_verify_and_remove(self, auth_client, django_capture_on_commit_callbacks):
        assert auth_client.get(BASE + "phone/").status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            response = auth_client.put(
                BASE + "phone/", {"number": "+34 612 345 678"}, format="json"
            )
        assert response.status_code == 200
        assert response.json() == {"number": "+34612345678", "verified": False, "verified_at": None}
        code = sms.outbox[-1].body.split("code is ")[1][:6]
        wrong = auth_client.post(BASE + "phone/verify/", {"code": "abc"}, format="json")
        assert wrong.status_code == 400
        assert wrong.json()["error"]["code"] == "wrong_code"
        response = auth_client.post(BASE + "phone/verify/", {"code": code}, format="json")
        assert response.status_code == 200
        assert response.json()["verified"] is True
        assert auth_client.get(BASE + "preferences/").json()["phone"]["verified"] is True
        assert auth_client.delete(BASE + "phone/").status_code == 204
        assert auth_client.get(BASE + "phone/").status_code == 404

    def test_bad_numbers_and_bursts(self, auth_client):
        response = auth_client.put(BASE + "phone/", {"number": "call me"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["details"]["number"]
        assert (
            auth_client.put(BASE + "phone/", {"number": "+34612345678"}, format="json").status_code
            == 200
        )
        response = auth_client.put(BASE + "phone/", {"number": "+34612345678"}, format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "too_many_requests"
        assert auth_client.put(BASE + "phone/", {}, format="json").status_code == 400

    def test_verify_without_a_phone(self, auth_client):
        response = auth_client.post(BASE + "phone/verify/", {"code": "123456"}, format="json")
        assert response.status_code == 404

    def test_phone_of_another_user_is_not_shown(self, auth_client):
        UserPhoneFactory(user=UserFactory())
        assert auth_client.get(BASE + "phone/").status_code == 404


def test_schema_documents_the_endpoints(auth_client):
    client = APIClient()
    client.force_authenticate(auth_client.user)
    schema = client.get("/api/schema/?format=json").json()
    for path in [
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/preferences/",
        "/api/v1/notifications/phone/",
        "/api/v1/notifications/phone/verify/",
    ]:
        assert path in schema["paths"], path
