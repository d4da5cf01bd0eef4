"""Web Push: subscriptions (API and page), delivery to every device, gone devices, the dev keys."""

import base64
import json
import stat

import pytest
from django.core.management import call_command
from django.urls import reverse

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.notifications import handlers, push, services
from craftwork.notifications.models import Delivery, Notification, PushSubscription

from .conftest import TEST_EVENT
from .pushservice import BrowserKeys

pytestmark = pytest.mark.django_db
Status = Delivery.Status
API = "/api/v1/notifications/push-devices/"


def subscribe(user, endpoint, browser=None) -> tuple[PushSubscription, BrowserKeys]:
    browser = browser or BrowserKeys()
    subscription = services.push_subscription_save(
        actor=user, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth
    )
    return subscription, browser


def jwt_claims(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def body(payload: dict) -> dict:
    return {"endpoint": payload["endpoint"], "keys": payload["keys"]}


class TestDelivery:
    def test_every_device_gets_the_notification_encrypted_to_its_own_keys(
        self, vapid, push_service, test_type, fire
    ):
        user = UserFactory()
        _laptop, laptop_keys = subscribe(user, push_service.endpoint("laptop"))
        _phone, phone_keys = subscribe(user, push_service.endpoint("phone"))
        fire([user])

        notification = Notification.objects.get(recipient=user)
        assert notification.deliveries.get(channel="push").status == Status.SENT
        by_path = {message.path: message for message in push_service.received}
        assert set(by_path) == {"/push/laptop", "/push/phone"}
        for path, keys in (("/push/laptop", laptop_keys), ("/push/phone", phone_keys)):
            message = by_path[path]
            payload = json.loads(keys.decrypt(message.body))
            assert payload == {
                "title": notification.title,
                "body": f"Body for {user.first_name}",
                "url": reverse("notifications:open", args=[notification.pk]),
                "tag": str(notification.pk),
            }
            assert message.headers["content-encoding"] == "aes128gcm"
            assert int(message.headers["ttl"]) > 0
            authorization = message.headers["authorization"]
            assert authorization.startswith("vapid ")
            assert f"k={vapid.public_key}" in authorization
            assert jwt_claims(authorization)["aud"] == push_service.base_url
        assert PushSubscription.objects.filter(user=user, last_sent_at__isnull=False).count() == 2

    def test_a_device_the_browser_dropped_is_removed_and_the_rest_still_get_it(
        self, vapid, push_service, test_type, fire
    ):
        user = UserFactory()
        subscribe(user, push_service.endpoint("gone"))
        subscribe(user, push_service.endpoint("alive"))
        push_service.status_for["/push/gone"] = 410
        fire([user])
        assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
            push_service.endpoint("alive")
        ]
        assert Delivery.objects.get(channel="push").status == Status.SENT

    def test_a_push_service_that_fails_is_retried_and_the_device_gets_it_once(
        self, vapid, push_service, test_type
    ):
        user = UserFactory()
        subscribe(user, push_service.endpoint("busy"))
        event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(user.pk)]})
        handlers.notify_for_event(event)  # not committed: the delivery task is not queued
        delivery = Delivery.objects.get(channel="push")
        push_service.status_for["/push/busy"] = 503
        with pytest.raises(services.DeliveryFailed) as failed:
            services.delivery_send(delivery_id=delivery.pk)
        assert failed.value.retry is True
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
        assert "503" in delivery.last_error

        push_service.status_for["/push/busy"] = 201
        services.delivery_send(delivery_id=delivery.pk)
        services.delivery_send(delivery_id=delivery.pk)  # a duplicate task: nothing more is sent
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
        assert [m.path for m in push_service.received] == ["/push/busy", "/push/busy"]

    def test_when_the_last_device_is_gone_the_delivery_fails_for_good(
        self, vapid, push_service, test_type, fire
    ):
        user = UserFactory()
        subscribe(user, push_service.endpoint("gone"))
        push_service.status_for["/push/gone"] = 404
        fire([user])
        delivery = Delivery.objects.get(channel="push")
        assert delivery.status == Status.FAILED
        assert not PushSubscription.objects.exists()

    def test_turning_the_push_column_off_sends_nothing(self, vapid, push_service, test_type, fire):
        user = UserFactory()
        subscribe(user, push_service.endpoint("laptop"))
        services.preferences_update(actor=user, changes=[("something_happened", "push", False)])
        fire([user])
        assert Delivery.objects.get(channel="push").status == Status.SKIPPED_BY_PREFERENCE
        assert push_service.received == []

    def test_people_without_a_device_get_no_push_delivery(self, vapid, test_type, fire):
        user = UserFactory()
        fire([user])
        assert not Delivery.objects.filter(channel="push").exists()

    def test_an_endpoint_that_is_no_longer_allowed_is_never_posted_to(
        self, vapid, push_service, settings, test_type, fire
    ):
        user = UserFactory()
        subscribe(user, push_service.endpoint("laptop"))
        settings.WEBPUSH_SERVICE_HOSTS = ["fcm.googleapis.com"]
        fire([user])
        assert push_service.received == []
        assert not PushSubscription.objects.exists()


class TestSubscriptionsApi:
    def payload(self, endpoint, browser=None):
        browser = browser or BrowserKeys()
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
        }

    def test_subscribe_list_and_stop(self, vapid, auth_client, user):
        response = auth_client.post(API, self.payload("http://127.0.0.1:9/push/a"), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["public_key"] == vapid.public_key
        [device] = body["devices"]
        assert device["endpoint_host"] == "127.0.0.1"
        assert "endpoint" not in device  # the capability URL is not echoed back
        assert AuditLog.objects.filter(action="notifications.push_subscribed").count() == 1

        again = auth_client.post(API, self.payload("http://127.0.0.1:9/push/a"), format="json")
        assert len(again.json()["devices"]) == 1

        assert auth_client.delete(f"{API}{device['id']}/").status_code == 204
        assert auth_client.get(API).json()["devices"] == []

    def test_someone_elses_device_is_not_found_and_stays(self, vapid, auth_client):
        other, _keys = subscribe(UserFactory(), "http://127.0.0.1:9/push/other")
        response = auth_client.delete(f"{API}{other.pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert PushSubscription.objects.filter(pk=other.pk).exists()

    def test_a_browser_that_changed_hands_moves_to_the_new_account(self, vapid, auth_client, user):
        browser = BrowserKeys()
        subscribe(UserFactory(), "http://127.0.0.1:9/push/shared", browser)
        response = auth_client.post(
            API, self.payload("http://127.0.0.1:9/push/shared", browser), format="json"
        )
        assert response.status_code == 201
        assert PushSubscription.objects.get().user == user

    @pytest.mark.parametrize(
        "endpoint",
        [
            "http://169.254.169.254/latest/meta-data/",  # an internal address: never POSTed to
            "https://evil.example.com/push/1",
            "https://user:pw@127.0.0.1/push/1",
            "ftp://127.0.0.1/push/1",
        ],
    )
    def test_only_known_push_services_are_accepted(self, vapid, auth_client, endpoint):
        response = auth_client.post(API, self.payload(endpoint), format="json")
        assert response.status_code == 400
        assert not PushSubscription.objects.exists()

    def test_plain_http_needs_the_setting(self, vapid, settings, auth_client):
        settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = False
        response = auth_client.post(API, self.payload("http://127.0.0.1:9/push/a"), format="json")
        assert response.status_code == 400
        assert "endpoint" in response.json()["error"]["details"]

    @pytest.mark.parametrize(
        "keys",
        [
            {"p256dh": "not base64 !!", "auth": BrowserKeys().auth},
            {"p256dh": base64.urlsafe_b64encode(b"\x04" + b"1" * 10).decode(), "auth": "AAAA"},
            {"p256dh": BrowserKeys().p256dh, "auth": "c2hvcnQ"},
            {"p256dh": BrowserKeys().p256dh},
            {"p256dh": BrowserKeys().p256dh, "auth": BrowserKeys().auth, "extra": 1},
            {"p256dh": 12, "auth": ["x"]},
        ],
    )
    def test_bad_keys_are_refused(self, vapid, auth_client, keys):
        payload = {"endpoint": "http://127.0.0.1:9/push/a", "keys": keys}
        response = auth_client.post(API, payload, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"]
        assert not PushSubscription.objects.exists()

    def test_without_keys_push_is_off(self, settings, auth_client):
        settings.WEBPUSH_VAPID_PUBLIC_KEY = settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
        settings.WEBPUSH_KEY_FILE = None
        assert auth_client.get(API).json() == {"public_key": None, "devices": []}
        response = auth_client.post(
            API, self.payload("https://fcm.googleapis.com/x"), format="json"
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "push_not_configured"

    def test_old_devices_beyond_the_limit_are_dropped(self, vapid, settings, user):
        settings.WEBPUSH_MAX_DEVICES = 2
        for name in ("one", "two", "three"):
            subscribe(user, f"http://127.0.0.1:9/push/{name}")
        endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
        assert endpoints == {"http://127.0.0.1:9/push/two", "http://127.0.0.1:9/push/three"}

    def test_anonymous_is_refused(self, vapid, api_client):
        assert api_client.get(API).status_code in (401, 403)


class TestPreferencesPage:
    def test_lists_my_devices_and_stops_one_without_javascript(self, vapid, client, user):
        mine, _keys = subscribe(user, "http://127.0.0.1:9/push/mine")
        other, _keys = subscribe(UserFactory(), "http://127.0.0.1:9/push/other")
        client.force_login(user)
        page = client.get(reverse("notifications:preferences")).content.decode()
        assert 'data-testid="push-section"' in page
        assert f'data-public-key="{vapid.public_key}"' in page
        assert reverse("notifications:push-device-remove", args=[mine.pk]) in page

        foreign = client.post(reverse("notifications:push-device-remove", args=[other.pk]))
        assert foreign.status_code == 404
        response = client.post(reverse("notifications:push-device-remove", args=[mine.pk]))
        assert response.status_code == 302
        assert list(PushSubscription.objects.all()) == [other]


class TestKeys:
    def test_development_keys_are_made_once_and_kept_private(self, settings, tmp_path):
        settings.WEBPUSH_VAPID_PUBLIC_KEY = settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
        settings.WEBPUSH_KEY_FILE = tmp_path / "keys" / "vapid.json"
        first = push.vapid_keys()
        assert first is not None
        assert push.vapid_keys() == first
        mode = stat.S_IMODE(settings.WEBPUSH_KEY_FILE.stat().st_mode)
        assert mode & 0o077 == 0
        assert len(push.b64url_decode(first.public_key)) == 65
        assert len(push.b64url_decode(first.private_key)) == 32

    def test_the_command_prints_a_usable_pair(self, capsys, settings):
        call_command("webpush_keys")
        lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
        settings.WEBPUSH_VAPID_PUBLIC_KEY = lines["WEBPUSH_VAPID_PUBLIC_KEY"]
        settings.WEBPUSH_VAPID_PRIVATE_KEY = lines["WEBPUSH_VAPID_PRIVATE_KEY"]
        assert push.is_configured()
        assert push.key_valid(lines["WEBPUSH_VAPID_PUBLIC_KEY"], push.P256DH_BYTES)
