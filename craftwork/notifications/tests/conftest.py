import pytest
from django.utils.translation import get_language, gettext

from craftwork.core import events
from craftwork.notifications import push, registry, reminders, sms

from .pushservice import LocalPushService

TEST_EVENT = "tests.something_happened"
URGENT_EVENT = "tests.something_urgent"


@pytest.fixture(autouse=True)
def _clean_registries_and_outboxes():
    saved = registry.snapshot()
    saved_reminders = reminders.registered()
    sms.outbox.clear()
    yield
    registry.restore(saved)
    for name in set(reminders.registered()) - set(saved_reminders):
        reminders.unregister(name)
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit work (dispatch, deliveries, pushes) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _recipients(event):
    return event.payload.get("user_ids", [])


@pytest.fixture
def test_type():
    """A plain type: in-app and email by default. Its title says which language was active."""
    return registry.notify_on(
        TEST_EVENT,
        type="something_happened",
        recipients=_recipients,
        title=lambda event, user: f"{gettext('Yes')} [{get_language()}]",
        body=lambda event, user: f"Body for {user.first_name}",
        link=lambda event, user: event.payload.get("link", "/dashboard/"),
        label="Something happened",
    )


@pytest.fixture
def urgent_type():
    return registry.notify_on(
        URGENT_EVENT,
        type="something_urgent",
        recipients=_recipients,
        title="Act now",
        link="/dashboard/",
        urgent=True,
    )


@pytest.fixture
def fire(committed):
    """Publish an event for ``users`` and run everything that follows from it."""

    def fire(users, *, name=TEST_EVENT, actor=None, **payload):
        with committed():
            return events.publish(
                name, payload={"user_ids": [str(u.pk) for u in users], **payload}, actor=actor
            )

    return fire


@pytest.fixture
def vapid(settings):
    """Web Push on, with fresh keys, to push services on 127.0.0.1 (``push_service``)."""
    keys = push.generate_vapid_keys()
    settings.WEBPUSH_VAPID_PUBLIC_KEY = keys.public_key
    settings.WEBPUSH_VAPID_PRIVATE_KEY = keys.private_key
    settings.WEBPUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.WEBPUSH_ALLOW_HTTP_ENDPOINTS = True
    return keys


@pytest.fixture
def push_service():
    with LocalPushService() as service:
        yield service
