"""Email content and language, retries with recorded attempts, the daily digest."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from craftwork.accounts.tests.factories import UserFactory
from craftwork.celery import app as celery_app
from craftwork.core.models import OutboxEvent
from craftwork.notifications import emails, handlers, services, sms, tasks
from craftwork.notifications.models import Delivery, DigestPreference, Notification

from .conftest import TEST_EVENT, URGENT_EVENT
from .factories import NotificationFactory, UserPhoneFactory

pytestmark = pytest.mark.django_db

Status = Delivery.Status


def pending_email_delivery(user) -> Delivery:
    event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(user.pk)]})
    handlers.notify_for_event(event)  # not committed: the email task is not queued
    return Delivery.objects.get(notification__recipient=user, channel="email")


class FlakySend:
    """Stands in for EmailMessage.send: fails ``failures`` times, then sends for real."""

    def __init__(self, monkeypatch, failures: int, error=OSError("SMTP connection refused")):
        from django.core.mail import EmailMultiAlternatives

        self.calls, self.failures, self.error = 0, failures, error
        real_send = EmailMultiAlternatives.send

        def send(message, fail_silently=False):
            self.calls += 1
            if self.calls <= self.failures:
                raise self.error
            return real_send(message, fail_silently)

        monkeypatch.setattr(EmailMultiAlternatives, "send", send)


class TestEmail:
    def test_email_has_text_html_link_and_one_click_unsubscribe(self, test_type, fire, client):
        user = UserFactory()
        fire([user], link="/contracts/abc/")
        message = mail.outbox[0]
        assert message.subject == "Yes [en]"
        assert "http://127.0.0.1:8000/contracts/abc/" in message.body
        html = message.alternatives[0][0]
        assert 'href="http://127.0.0.1:8000/contracts/abc/"' in html
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
        assert url in message.body
        assert url in html
        path = url.removeprefix("http://127.0.0.1:8000")
        # A mail client's one-click POST, with no session and no CSRF token.
        response = client.post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert user.notification_preferences.get(type="something_happened").enabled is False

    def test_spanish_recipient_gets_the_email_in_spanish(self, test_type, fire, monkeypatch):
        seen = []
        original = emails.render_to_string

        def spy(template, context=None, *args, **kwargs):
            seen.append((template, translation.get_language()))
            return original(template, context, *args, **kwargs)

        monkeypatch.setattr(emails, "render_to_string", spy)
        fire([UserFactory(language="es")])
        message = mail.outbox[0]
        assert message.subject == "Sí [es]"
        assert message.extra_headers["Content-Language"] == "es"
        assert '<html lang="es">' in message.alternatives[0][0]
        assert {language for _template, language in seen} == {"es"}
        assert {template for template, _language in seen} == {
            "notifications/email/notification_subject.txt",
            "notifications/email/notification.txt",
            "notifications/email/notification.html",
        }
        assert translation.get_language() == "en"  # the override did not leak

    def test_html_escapes_what_the_event_carried(self, fire):
        from craftwork.notifications import registry

        registry.notify_on(
            TEST_EVENT,
            type="escaped",
            recipients=lambda e: e.payload["user_ids"],
            title=lambda e, u: e.payload["title"],
            body=lambda e, u: e.payload["title"],
        )
        fire([UserFactory()], title="<script>alert(1)</script>")
        html = mail.outbox[0].alternatives[0][0]
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestRetries:
    def test_failed_attempts_are_recorded_then_it_succeeds(self, test_type, monkeypatch):
        user = UserFactory()
        delivery = pending_email_delivery(user)
        flaky = FlakySend(monkeypatch, failures=2)
        for attempt in (1, 2):
            with pytest.raises(services.DeliveryFailed) as failed:
                services.delivery_send(delivery_id=delivery.pk)
            assert failed.value.retry is True
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts) == (Status.PENDING, attempt)
            assert "SMTP connection refused" in delivery.last_error
        services.delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.SENT, 3)
        assert delivery.sent_at is not None
        assert flaky.calls == 3
        assert len(mail.outbox) == 1

    def test_the_task_retries_with_backoff_until_it_is_sent(self, test_type, monkeypatch, settings):
        delivery = pending_email_delivery(UserFactory())
        FlakySend(monkeypatch, failures=2)
        countdowns = []
        real_retry = tasks.deliver.retry

        def retry(*args, **kwargs):
            countdowns.append(kwargs.get("countdown"))
            return real_retry(*args, **kwargs)

        monkeypatch.setattr(tasks.deliver, "retry", retry)
        # Eager retries run inline only when eager errors are not propagated.
        monkeypatch.setattr(celery_app.conf, "task_eager_propagates", False)
        tasks.deliver.delay(str(delivery.pk))
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.SENT, 3)
        assert countdowns == [60, 120]
        assert len(mail.outbox) == 1

    def test_it_gives_up_after_the_last_attempt(self, test_type, monkeypatch):
        delivery = pending_email_delivery(UserFactory())
        FlakySend(monkeypatch, failures=100)
        for _ in range(services.MAX_ATTEMPTS):
            with pytest.raises(services.DeliveryFailed):
                services.delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.FAILED, services.MAX_ATTEMPTS)
        services.delivery_send(delivery_id=delivery.pk)  # a late duplicate task does nothing
        delivery.refresh_from_db()
        assert delivery.attempts == services.MAX_ATTEMPTS
        assert mail.outbox == []

    def test_permanent_sms_errors_are_not_retried(self, urgent_type, monkeypatch):
        user = UserFactory()
        UserPhoneFactory(user=user)
        event = OutboxEvent.objects.create(name=URGENT_EVENT, payload={"user_ids": [str(user.pk)]})
        handlers.notify_for_event(event)

        def refuse(*, to, body):
            raise sms.SmsError("Twilio 400: invalid number", permanent=True)

        monkeypatch.setattr(sms, "send_sms", refuse)
        delivery = Delivery.objects.get(channel="sms")
        with pytest.raises(services.DeliveryFailed) as failed:
            services.delivery_send(delivery_id=delivery.pk)
        assert failed.value.retry is False
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
        assert "invalid number" in delivery.last_error

    def test_the_task_swallows_a_final_failure(self, test_type, monkeypatch):
        delivery = pending_email_delivery(UserFactory())
        Delivery.objects.filter(pk=delivery.pk).update(attempts=services.MAX_ATTEMPTS - 1)
        FlakySend(monkeypatch, failures=1)
        tasks.deliver.delay(str(delivery.pk))
        delivery.refresh_from_db()
        assert delivery.status == Status.FAILED

    def test_stale_pending_deliveries_are_queued_again(self, test_type):
        delivery = pending_email_delivery(UserFactory())
        assert services.stale_pending_deliveries() == []
        Delivery.objects.filter(pk=delivery.pk).update(
            updated_at=timezone.now() - timedelta(hours=3)
        )
        assert tasks.requeue_stale_deliveries.delay().get() == 1
        delivery.refresh_from_db()
        assert delivery.status == Status.SENT
        assert len(mail.outbox) == 1
        assert services.stale_pending_deliveries(older_than=timedelta(0)) == []


class TestDigest:
    NOW = datetime(2030, 5, 10, 8, 0, tzinfo=UTC)

    @pytest.fixture
    def reader(self):
        user = UserFactory(language="en", timezone="UTC")
        DigestPreference.objects.create(user=user, daily=True)
        return user

    def add(self, user, *, hours_ago=1, read=False, shown=True, title="Proposal received"):
        notification = NotificationFactory(
            recipient=user, title=title, shown_in_app=shown, read_at=self.NOW if read else None
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=self.NOW - timedelta(hours=hours_ago)
        )
        return notification

    def test_summarises_unread_of_the_last_day_once_per_day(self, reader):
        self.add(reader, title="Fresh and unread")
        self.add(reader, title="Already read", read=True)
        self.add(reader, title="Too old", hours_ago=30)
        self.add(reader, title="Hidden in app", shown=False)
        assert services.digests_due(now=self.NOW) == [str(reader.pk)]
        assert services.digest_send(user_id=reader.pk, now=self.NOW) is True
        assert services.digest_send(user_id=reader.pk, now=self.NOW + timedelta(hours=5)) is False
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert "Fresh and unread" in message.body
        for absent in ("Already read", "Too old", "Hidden in app"):
            assert absent not in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert services.digests_due(now=self.NOW) == []
        assert services.digests_due(now=self.NOW + timedelta(days=1)) == [str(reader.pk)]

    def test_the_beat_task_is_safe_to_run_twice(self, reader, monkeypatch):
        self.add(reader)
        monkeypatch.setattr(timezone, "now", lambda: self.NOW)
        assert tasks.send_daily_digests.delay().get() == 1
        assert tasks.send_daily_digests.delay().get() == 0
        assert len(mail.outbox) == 1

    def test_waits_for_the_morning_in_the_users_time_zone(self, reader):
        reader.timezone = "America/Los_Angeles"  # 01:00 there at NOW
        reader.save(update_fields=["timezone"])
        self.add(reader)
        assert services.digests_due(now=self.NOW) == []
        assert services.digests_due(now=self.NOW + timedelta(hours=6)) == [str(reader.pk)]

    def test_nothing_unread_sends_nothing(self, reader):
        assert services.digest_send(user_id=reader.pk, now=self.NOW) is False
        assert mail.outbox == []

    def test_users_who_did_not_opt_in_get_none(self, reader):
        other = UserFactory()
        self.add(other)
        DigestPreference.objects.create(user=UserFactory(), daily=False)
        assert str(other.pk) not in services.digests_due(now=self.NOW)
        assert services.digest_send(user_id=other.pk, now=self.NOW) is False

    def test_a_failed_send_leaves_the_day_open_for_a_retry(self, reader, monkeypatch):
        self.add(reader)
        FlakySend(monkeypatch, failures=1)
        with pytest.raises(OSError):
            services.digest_send(user_id=reader.pk, now=self.NOW)
        assert DigestPreference.objects.get(user=reader).last_sent_on is None
        assert services.digest_send(user_id=reader.pk, now=self.NOW) is True

    def test_digest_is_in_the_users_language(self, reader):
        reader.language = "es"
        reader.save(update_fields=["language"])
        self.add(reader)
        services.digest_send(user_id=reader.pk, now=self.NOW)
        message = mail.outbox[0]
        assert message.extra_headers["Content-Language"] == "es"
        assert '<html lang="es">' in message.alternatives[0][0]
