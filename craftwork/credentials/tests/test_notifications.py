"""The passport's events become notifications for the document's owner."""

import datetime

import pytest

from craftwork.core.models import OutboxEvent
from craftwork.credentials import services
from craftwork.credentials.models import Credential
from craftwork.notifications import handlers
from craftwork.notifications.models import Notification

from .factories import make_credential

pytestmark = pytest.mark.django_db


def notify(event_name):
    event = OutboxEvent.objects.filter(name=event_name).latest("created_at")
    handlers.notify_for_event(event)
    return event


@pytest.mark.parametrize(
    ("status", "event_name", "type_name", "words"),
    [
        ("approved", "credentials.approved", "credential_approved", "verified"),
        ("rejected", "credentials.rejected", "credential_rejected", "not accepted"),
        (
            "revision_requested",
            "credentials.revision_requested",
            "credential_revision_requested",
            "new version",
        ),
        ("expired", "credentials.expired", "credential_expired", "expired"),
    ],
)
def test_decisions_and_expiry_notify_the_owner(
    owner, status, event_name, type_name, words, django_capture_on_commit_callbacks
):
    credential = make_credential(status, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        notify(event_name)
    notification = Notification.objects.get(recipient=owner, type=type_name)
    assert words in notification.title and credential.title in notification.title
    assert notification.link == f"/credentials/{credential.pk}/"


def test_expiry_reminder_notifies_the_owner(owner, django_capture_on_commit_callbacks):
    credential = make_credential("approved", owner=owner)
    Credential.objects.filter(pk=credential.pk).update(expiry_date=datetime.date(2030, 1, 31))
    services.credential_reminders_send(today=datetime.date(2030, 1, 24))
    with django_capture_on_commit_callbacks(execute=True):
        notify("credentials.expiring")
    notification = Notification.objects.get(recipient=owner, type="credential_expiring")
    assert "expires in 7 days" in notification.title
    assert "2030-01-31" in notification.body
