"""From a published event to notifications and deliveries: idempotency, recipients, preferences."""

import pytest
from django.core import mail

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core import events
from craftwork.core.models import OutboxEvent
from craftwork.notifications import handlers, registry, services, sms
from craftwork.notifications.models import Delivery, Notification, NotificationPreference

from .conftest import TEST_EVENT, URGENT_EVENT
from .factories import UserPhoneFactory

pytestmark = pytest.mark.django_db

Status = Delivery.Status


def deliveries_of(notification) -> dict:
    return {d.channel: d for d in notification.deliveries.all()}


class TestIdempotency:
    def test_one_event_makes_one_notification_and_one_email(self, test_type, fire):
        user = UserFactory()
        fire([user])
        notification = Notification.objects.get(recipient=user)
        assert notification.type == "something_happened"
        assert notification.body == f"Body for {user.first_name}"
        assert [m.to for m in mail.outbox] == [[user.email]]
        assert {c: d.status for c, d in deliveries_of(notification).items()} == {
            "in_app": Status.SENT,
            "email": Status.SENT,
        }

    def test_dispatching_the_same_event_twice_notifies_once(self, test_type, committed):
        user = UserFactory()
        with committed():
            event = events.publish(TEST_EVENT, payload={"user_ids": [str(user.pk)]})
        # As if the first dispatch's status update were lost: the outbox runs the handlers again.
        OutboxEvent.objects.filter(pk=event.pk).update(status=OutboxEvent.Status.FAILED)
        with committed():
            events.dispatch(event.pk)
        assert OutboxEvent.objects.get(pk=event.pk).attempts == 2
        assert Notification.objects.filter(recipient=user).count() == 1
        assert Delivery.objects.count() == 2
        assert len(mail.outbox) == 1

    def test_running_the_handler_twice_notifies_once(self, test_type, committed):
        users = [UserFactory(), UserFactory()]
        event = OutboxEvent.objects.create(
            name=TEST_EVENT, payload={"user_ids": [str(u.pk) for u in users]}
        )
        with committed():
            handlers.notify_for_event(event)
        with committed():
            handlers.notify_for_event(event)
        assert Notification.objects.count() == 2
        assert len(mail.outbox) == 2

    def test_a_new_recipient_on_a_rerun_is_added_without_repeating_the_others(
        self, test_type, committed
    ):
        first, second = UserFactory(), UserFactory()
        event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(first.pk)]})
        with committed():
            handlers.notify_for_event(event)
        event.payload["user_ids"].append(str(second.pk))
        with committed():
            handlers.notify_for_event(event)
        assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
            [first.pk, second.pk]
        )
        assert len(mail.outbox) == 2

    def test_the_database_refuses_a_duplicate(self, test_type):
        user = UserFactory()
        event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(user.pk)]})
        handlers.notify_for_event(event)
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(
                recipient=user, type="something_happened", title="again", event_id=event.pk
            )

    def test_a_delivery_already_sent_is_not_sent_again(self, test_type, fire):
        user = UserFactory()
        fire([user])
        email = Delivery.objects.get(channel="email")
        services.delivery_send(delivery_id=email.pk)
        services.delivery_send(delivery_id=email.pk)
        assert len(mail.outbox) == 1
        email.refresh_from_db()
        assert email.attempts == 1


class TestRecipients:
    def test_the_actor_is_not_told_about_their_own_action(self, test_type, fire):
        actor, other = UserFactory(), UserFactory()
        fire([actor, other], actor=actor)
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other.pk]

    def test_include_actor_keeps_the_actor(self, fire):
        actor = UserFactory()
        registry.notify_on(
            TEST_EVENT,
            type="self_note",
            recipients=lambda e: e.payload["user_ids"],
            title="Done",
            include_actor=True,
        )
        fire([actor], actor=actor)
        assert Notification.objects.filter(recipient=actor, type="self_note").exists()

    def test_inactive_unknown_and_malformed_recipients_are_skipped(self, test_type, committed):
        active, inactive = UserFactory(), UserFactory(is_active=False)
        ids = [
            str(active.pk),
            str(inactive.pk),
            "not-a-uuid",
            None,
            "00000000-0000-0000-0000-000000000000",
        ]
        with committed():
            events.publish(TEST_EVENT, payload={"user_ids": ids})
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [active.pk]

    def test_recipients_may_be_user_objects_and_repeat(self, committed):
        user = UserFactory()
        registry.notify_on(
            TEST_EVENT, type="objects", recipients=lambda e: [user, user, user.pk], title="Hi"
        )
        with committed():
            events.publish(TEST_EVENT, payload={})
        assert Notification.objects.filter(recipient=user).count() == 1

    def test_events_without_a_declared_type_notify_nobody(self, test_type, committed):
        UserFactory()
        with committed():
            events.publish("tests.nobody_cares", payload={})
        assert not Notification.objects.exists()

    def test_two_types_for_one_event_make_two_notifications(self, test_type, fire):
        registry.notify_on(
            TEST_EVENT, type="second_kind", recipients=lambda e: e.payload["user_ids"], title="2"
        )
        user = UserFactory()
        fire([user])
        assert sorted(Notification.objects.values_list("type", flat=True)) == [
            "second_kind",
            "something_happened",
        ]

    def test_a_failing_declaration_fails_the_event_for_a_retry(self, committed):
        def broken(event):
            raise KeyError("client_id")

        registry.notify_on(TEST_EVENT, type="broken", recipients=broken, title="x")
        event = OutboxEvent.objects.create(name=TEST_EVENT, payload={})
        with pytest.raises(KeyError):
            events.dispatch(event.pk)
        assert OutboxEvent.objects.get(pk=event.pk).status == OutboxEvent.Status.FAILED


class TestContent:
    @pytest.mark.parametrize(
        ("link", "stored"),
        [
            ("/contracts/1/", "/contracts/1/"),
            ("http://127.0.0.1:8000/jobs/", "http://127.0.0.1:8000/jobs/"),
            ("https://evil.example/phish", ""),
            ("//evil.example/phish", ""),
            ("javascript:alert(1)", ""),
            ("/" + "a" * 600, ""),
        ],
    )
    def test_links_stay_on_this_site(self, test_type, fire, link, stored):
        fire([UserFactory()], link=link)
        assert Notification.objects.get().link == stored

    def test_titles_are_one_line_and_bounded(self, fire):
        registry.notify_on(
            TEST_EVENT,
            type="long_title",
            recipients=lambda e: e.payload["user_ids"],
            title=lambda e, u: "A\nvery   long\ttitle " + "x" * 500,
            body=None,
        )
        fire([UserFactory()])
        notification = Notification.objects.get()
        assert notification.title.startswith("A very long title x")
        assert len(notification.title) == 200
        assert notification.body == ""

    def test_title_and_body_are_rendered_in_each_recipients_language(self, test_type, fire):
        english, spanish = UserFactory(language="en"), UserFactory(language="es")
        fire([english, spanish])
        assert Notification.objects.get(recipient=english).title == "Yes [en]"
        assert Notification.objects.get(recipient=spanish).title == "Sí [es]"


class TestPreferences:
    def test_email_off_is_recorded_as_skipped_and_nothing_is_sent(self, test_type, fire):
        user = UserFactory()
        NotificationPreference.objects.create(
            user=user, type="something_happened", channel="email", enabled=False
        )
        fire([user])
        notification = Notification.objects.get()
        assert notification.shown_in_app
        assert deliveries_of(notification)["email"].status == Status.SKIPPED_BY_PREFERENCE
        assert mail.outbox == []

    def test_in_app_off_hides_it_but_email_still_goes(self, test_type, fire):
        user = UserFactory()
        NotificationPreference.objects.create(
            user=user, type="something_happened", channel="in_app", enabled=False
        )
        fire([user])
        notification = Notification.objects.get()
        assert not notification.shown_in_app
        assert deliveries_of(notification)["in_app"].status == Status.SKIPPED_BY_PREFERENCE
        assert len(mail.outbox) == 1

    def test_one_users_choice_does_not_affect_another(self, test_type, fire):
        quiet, loud = UserFactory(), UserFactory()
        NotificationPreference.objects.create(
            user=quiet, type="something_happened", channel="email", enabled=False
        )
        fire([quiet, loud])
        assert [m.to for m in mail.outbox] == [[loud.email]]

    def test_a_preference_changed_before_sending_is_honoured(self, test_type, committed):
        user = UserFactory()
        event = OutboxEvent.objects.create(name=TEST_EVENT, payload={"user_ids": [str(user.pk)]})
        handlers.notify_for_event(event)  # no commit: the email task has not run yet
        services.preferences_update(actor=user, changes=[("something_happened", "email", False)])
        email = Delivery.objects.get(channel="email")
        services.delivery_send(delivery_id=email.pk)
        email.refresh_from_db()
        assert email.status == Status.SKIPPED_BY_PREFERENCE
        assert mail.outbox == []

    def test_unverified_email_address_is_skipped(self, test_type, fire):
        user = UserFactory(email_verified_at=None)
        fire([user])
        assert Delivery.objects.get(channel="email").status == Status.SKIPPED_NO_ADDRESS
        assert mail.outbox == []

    def test_non_urgent_types_have_no_sms_delivery(self, test_type, fire):
        user = UserFactory()
        UserPhoneFactory(user=user)
        fire([user])
        assert set(Delivery.objects.values_list("channel", flat=True)) == {"in_app", "email"}
        assert sms.outbox == []

    def test_urgent_types_text_a_verified_phone(self, urgent_type, fire):
        user = UserFactory()
        phone = UserPhoneFactory(user=user)
        fire([user], name=URGENT_EVENT)
        assert [(m.to, m.body) for m in sms.outbox] == [
            (phone.number, "Craftwork: Act now http://127.0.0.1:8000/dashboard/")
        ]
        assert Delivery.objects.get(channel="sms").status == Status.SENT

    def test_urgent_types_without_a_verified_phone_are_skipped_for_sms(self, urgent_type, fire):
        unverified, without = UserFactory(), UserFactory()
        UserPhoneFactory(user=unverified, verified_at=None)
        fire([unverified, without], name=URGENT_EVENT)
        statuses = set(Delivery.objects.filter(channel="sms").values_list("status", flat=True))
        assert statuses == {Status.SKIPPED_NO_ADDRESS}
        assert sms.outbox == []
        assert len(mail.outbox) == 2

    def test_sms_turned_off_is_honoured(self, urgent_type, fire):
        user = UserFactory()
        UserPhoneFactory(user=user)
        services.preferences_update(actor=user, changes=[("something_urgent", "sms", False)])
        fire([user], name=URGENT_EVENT)
        assert Delivery.objects.get(channel="sms").status == Status.SKIPPED_BY_PREFERENCE
        assert sms.outbox == []

    def test_default_channels_can_leave_email_off(self, fire):
        registry.notify_on(
            TEST_EVENT,
            type="in_app_only",
            recipients=lambda e: e.payload["user_ids"],
            title="Quiet",
            default_channels=["in_app"],
        )
        fire([UserFactory()])
        assert Delivery.objects.get(channel="email").status == Status.SKIPPED_BY_PREFERENCE
        assert mail.outbox == []
