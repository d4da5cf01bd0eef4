"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

import time

import pytest
from django.core import mail
from django.db import connection

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.models import OutboxEvent
from craftwork.core.tests.concurrency import race
from craftwork.notifications import handlers, services, tasks
from craftwork.notifications.models import Delivery, DigestPreference, Notification

from .conftest import TEST_EVENT
from .factories import NotificationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def slow_email(monkeypatch):
    """Sending takes a while, so racing workers overlap inside the send."""
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        time.sleep(0.3)
        return real_send(message, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)


def test_racing_workers_send_one_delivery_once(test_type, slow_email, monkeypatch):
    user = UserFactory()
    event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(user.pk)]})
    monkeypatch.setattr(tasks.deliver, "delay", lambda delivery_id: None)  # the race sends
    handlers.notify_for_event(event)
    delivery = Delivery.objects.get(channel="email")
    results = race(*[lambda: services.delivery_send(delivery_id=delivery.pk)] * 4)
    assert all(kind == "ok" for kind, _value in results)
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)


def test_racing_handlers_create_each_notification_once(test_type):
    users = [UserFactory() for _ in range(3)]
    event = OutboxEvent.objects.create(
        name=TEST_EVENT, payload={"user_ids": [str(u.pk) for u in users]}
    )
    results = race(*[lambda: handlers.notify_for_event(event)] * 4)
    assert all(kind == "ok" for kind, _value in results)
    assert Notification.objects.count() == 3
    assert Delivery.objects.count() == 6


def test_racing_digest_runs_send_one_digest(slow_email):
    user = UserFactory()
    DigestPreference.objects.create(user=user, daily=True)
    NotificationFactory(recipient=user)
    results = race(*[lambda: services.digest_send(user_id=user.pk)] * 3)
    assert sorted(value for _kind, value in results) == [False, False, True]
    assert len(mail.outbox) == 1
