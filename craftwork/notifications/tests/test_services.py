"""Reading, preferences, unsubscribe tokens, the mobile number, reminders."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.audit import AuditLog
from craftwork.core.errors import NotFound, PermissionDenied, ValidationFailed
from craftwork.core.models import OutboxEvent
from craftwork.notifications import registry, reminders, selectors, services, sms, tokens
from craftwork.notifications.models import (
    DigestPreference,
    Notification,
    NotificationPreference,
    SentReminder,
    UserPhone,
)

from .factories import NotificationFactory, UserPhoneFactory

pytestmark = pytest.mark.django_db


class TestReading:
    def test_mark_read_sets_the_time_once(self, user):
        notification = NotificationFactory(recipient=user)
        first = services.notification_mark_read(actor=user, notification=notification)
        again = services.notification_mark_read(actor=user, notification=notification)
        assert first.read_at is not None
        assert again.read_at == first.read_at

    def test_another_users_notification_cannot_be_marked(self, user):
        foreign = NotificationFactory()
        with pytest.raises(NotFound):
            services.notification_mark_read(actor=user, notification=foreign)
        foreign.refresh_from_db()
        assert foreign.read_at is None
        with pytest.raises(NotFound):
            selectors.notification_for_recipient(user, foreign.pk)
        with pytest.raises(NotFound):
            selectors.notification_for_recipient(user, "not-a-uuid")

    def test_mark_all_read_only_touches_mine(self, user):
        mine = NotificationFactory.create_batch(3, recipient=user)
        NotificationFactory(recipient=user, read_at=timezone.now())
        other = NotificationFactory()
        assert services.notifications_mark_all_read(actor=user) == 3
        assert services.notifications_mark_all_read(actor=user) == 0
        assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
        other.refresh_from_db()
        assert other.read_at is None

    def test_unread_count_ignores_hidden_and_read(self, user):
        NotificationFactory.create_batch(2, recipient=user)
        NotificationFactory(recipient=user, shown_in_app=False)
        NotificationFactory(recipient=user, read_at=timezone.now())
        NotificationFactory()
        assert selectors.unread_count(user) == 2
        assert list(selectors.notifications_for(user, unread=False)) != []


class TestPreferences:
    def test_defaults_follow_the_registry(self, user, test_type, urgent_type):
        rows = {row["type"]: row for row in selectors.preference_matrix(user)}
        assert rows["something_happened"]["channels"] == {
            "in_app": True,
            "email": True,
            "push": True,
        }
        assert rows["something_urgent"]["channels"] == {
            "in_app": True,
            "email": True,
            "push": True,
            "sms": True,
        }
        assert rows["something_urgent"]["available_channels"] == ["in_app", "email", "push", "sms"]

    def test_only_choices_that_differ_from_the_default_are_stored(self, user, test_type):
        services.preferences_update(
            actor=user,
            changes=[
                ("something_happened", "in_app", True),
                ("something_happened", "email", False),
            ],
            daily_digest=True,
        )
        stored = list(NotificationPreference.objects.values_list("type", "channel", "enabled"))
        assert stored == [("something_happened", "email", False)]
        assert DigestPreference.objects.get(user=user).daily is True
        log = AuditLog.objects.get(action="notifications.preferences_updated")
        assert log.details["changes"] == [
            ["something_happened", "email", False],
            ["@digest", "email", True],
        ]
        services.preferences_update(actor=user, changes=[("something_happened", "email", True)])
        assert NotificationPreference.objects.get().enabled is True

    def test_unknown_type_or_channel_changes_nothing(self, user, test_type):
        for changes in (
            [("nope", "email", False)],
            [("something_happened", "sms", True)],  # not urgent: no SMS
            [("something_happened", "pigeon", True)],
            [("something_happened", "email", False), ("nope", "email", False)],
        ):
            with pytest.raises(ValidationFailed) as error:
                services.preferences_update(actor=user, changes=changes, daily_digest=True)
            assert error.value.code == "invalid_preferences"
        assert not NotificationPreference.objects.exists()
        assert not DigestPreference.objects.filter(daily=True).exists()

    def test_sms_needs_a_verified_phone(self, user, urgent_type):
        with pytest.raises(ValidationFailed):
            services.preferences_update(actor=user, changes=[("something_urgent", "sms", True)])
        UserPhoneFactory(user=user)
        services.preferences_update(actor=user, changes=[("something_urgent", "sms", False)])
        services.preferences_update(actor=user, changes=[("something_urgent", "sms", True)])
        assert NotificationPreference.objects.get().enabled is True

    def test_registry_refuses_bad_declarations(self):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            registry.notify_on("x.y", type="Bad Name", recipients=list, title="t")
        with pytest.raises(ImproperlyConfigured):
            registry.notify_on(
                "x.y", type="calm", recipients=list, title="t", default_channels=["sms"]
            )
        with pytest.raises(ImproperlyConfigured):
            registry.notify_on(
                "x.y", type="calm", recipients=list, title="t", default_channels=["fax"]
            )
        registry.notify_on("x.y", type="shared", recipients=list, title="t")
        with pytest.raises(ImproperlyConfigured):
            registry.notify_on("x.z", type="shared", recipients=list, title="t", urgent=True)


class TestUnsubscribe:
    def test_turns_off_email_for_that_type_only(self, user, test_type, urgent_type):
        token = tokens.unsubscribe_token(user, "something_happened")
        target = services.unsubscribe_with_token(token=token)
        assert (target.user, target.type) == (user, "something_happened")
        assert list(NotificationPreference.objects.values_list("type", "channel", "enabled")) == [
            ("something_happened", "email", False)
        ]
        services.unsubscribe_with_token(token=token)  # a second click changes nothing
        assert NotificationPreference.objects.count() == 1
        assert AuditLog.objects.filter(action="notifications.unsubscribed", actor=user).exists()

    def test_digest_token_turns_off_the_digest(self, user):
        DigestPreference.objects.create(user=user, daily=True)
        services.unsubscribe_with_token(token=tokens.unsubscribe_token(user, tokens.DIGEST))
        assert DigestPreference.objects.get(user=user).daily is False

    @pytest.mark.parametrize(
        "forge",
        [
            lambda user: "garbage",
            lambda user: "",
            lambda user: "x" * 600,
            lambda user: tokens.unsubscribe_token(user, "something_happened")[:-2] + "xx",
            # Right payload, signed for something else.
            lambda user: signing.dumps(
                {"u": str(user.pk), "t": "something_happened"}, salt="other"
            ),
            # Payload edited to point at the user, keeping another user's signature.
            lambda user: _swap_payload(user),
            lambda user: tokens.unsubscribe_token(user, "no_such_type"),
            lambda user: signing.dumps({"u": "not-a-uuid", "t": "x"}, salt=tokens.SALT),
            lambda user: signing.dumps(["list"], salt=tokens.SALT),
        ],
    )
    def test_forged_tokens_fail_and_change_nothing(self, user, test_type, forge):
        with pytest.raises(ValidationFailed) as error:
            services.unsubscribe_with_token(token=forge(user))
        assert error.value.code == "invalid_unsubscribe_link"
        assert not NotificationPreference.objects.exists()

    def test_another_signed_in_users_link_is_refused(self, user, test_type):
        other = UserFactory()
        token = tokens.unsubscribe_token(other, "something_happened")
        with pytest.raises(PermissionDenied):
            services.unsubscribe_with_token(token=token, actor=user)
        assert not NotificationPreference.objects.exists()

    def test_deactivated_accounts_links_fail(self, user, test_type):
        token = tokens.unsubscribe_token(user, "something_happened")
        user.is_active = False
        user.save(update_fields=["is_active"])
        with pytest.raises(ValidationFailed):
            services.unsubscribe_with_token(token=token)


def _swap_payload(user) -> str:
    victim_token = tokens.unsubscribe_token(UserFactory(), "something_happened")
    signer_payload = signing.dumps({"u": str(user.pk), "t": "something_happened"}, salt=tokens.SALT)
    return signer_payload.split(":")[0] + ":" + victim_token.split(":", 1)[1]


class TestPhone:
    def code_of_last_sms(self) -> str:
        return sms.outbox[-1].body.split("code is ")[1][:6]

    def test_set_then_verify(self, user, committed):
        with committed():
            phone = services.phone_set(actor=user, number="+34 612-345 (678)")
        assert phone.number == "+34612345678"
        assert not phone.is_verified
        assert sms.outbox[-1].to == "+34612345678"
        code = self.code_of_last_sms()
        assert code not in phone.code_hash
        assert services.phone_verify(actor=user, code=code).is_verified
        assert UserPhone.objects.get(user=user).code_hash == ""

    def test_the_code_goes_out_in_the_users_language(self, committed, monkeypatch):
        from django.utils.translation import get_language

        from craftwork.notifications import emails

        monkeypatch.setattr(emails, "_", lambda message: f"[{get_language()}] {message}")
        user = UserFactory(language="es")
        with committed():
            services.phone_set(actor=user, number="+34612345678")
        assert sms.outbox[-1].body.startswith("[es] Your Craftwork verification code is ")

    @pytest.mark.parametrize(
        "number", ["612345678", "+0123456789", "+12", "+1" + "2" * 20, "", "+34abc12345"]
    )
    def test_bad_numbers_are_refused(self, user, number):
        with pytest.raises(ValidationFailed) as error:
            services.phone_set(actor=user, number=number)
        assert error.value.details["number"]
        assert not UserPhone.objects.exists()

    def test_wrong_codes_count_and_then_lock(self, user, committed):
        with committed():
            services.phone_set(actor=user, number="+34612345678")
        code = self.code_of_last_sms()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(services.PHONE_CODE_MAX_TRIES):
            with pytest.raises(ValidationFailed) as error:
                services.phone_verify(actor=user, code=wrong)
            assert error.value.code == "wrong_code"
        assert UserPhone.objects.get(user=user).code_attempts == services.PHONE_CODE_MAX_TRIES
        with pytest.raises(ValidationFailed) as error:
            services.phone_verify(actor=user, code=code)
        assert error.value.code == "too_many_attempts"
        assert not UserPhone.objects.get(user=user).is_verified

    def test_expired_codes_fail(self, user, committed):
        with committed():
            services.phone_set(actor=user, number="+34612345678")
        UserPhone.objects.filter(user=user).update(
            code_sent_at=timezone.now() - services.PHONE_CODE_TTL - timedelta(seconds=1)
        )
        with pytest.raises(ValidationFailed) as error:
            services.phone_verify(actor=user, code=self.code_of_last_sms())
        assert error.value.code == "code_expired"

    def test_codes_cannot_be_requested_in_a_burst(self, user):
        services.phone_set(actor=user, number="+34612345678")
        with pytest.raises(services.TooManyRequests):
            services.phone_set(actor=user, number="+34699999999")
        assert UserPhone.objects.get(user=user).number == "+34612345678"

    def test_hourly_cap_on_codes(self, user):
        for n in range(services.PHONE_CODES_PER_HOUR):
            services.phone_set(actor=user, number=f"+3461234567{n}")
            UserPhone.objects.filter(user=user).update(
                code_sent_at=timezone.now() - timedelta(minutes=2)
            )
        with pytest.raises(services.TooManyRequests):
            services.phone_set(actor=user, number="+34699999999")

    def test_changing_the_number_needs_a_new_verification(self, user):
        UserPhoneFactory(user=user, number="+34612345678", code_sent_at=None)
        assert services.phone_set(actor=user, number="+34612345678").is_verified  # same: no-op
        assert not services.phone_set(actor=user, number="+34699999999").is_verified

    def test_a_code_for_an_old_number_is_not_sent(self, user):
        phone = services.phone_set(actor=user, number="+34612345678")
        services.send_phone_code(phone_id=phone.pk, code="123456")  # not the stored code
        assert sms.outbox == []

    def test_verify_without_a_phone_and_remove(self, user):
        with pytest.raises(NotFound):
            services.phone_verify(actor=user, code="123456")
        UserPhoneFactory(user=user)
        services.phone_remove(actor=user)
        services.phone_remove(actor=user)
        assert not UserPhone.objects.exists()


class TestReminders:
    def test_each_due_item_is_published_once(self, user, test_type):
        registry.notify_on(
            "tests.reminder",
            type="reminder",
            recipients=lambda e: [e.payload["user_id"]],
            title="Soon",
        )
        due_now = [reminders.Due(key="session:1:24h", payload={"user_id": str(user.pk)})]
        reminders.reminder("tests.reminder")(lambda now: due_now)
        assert services.reminders_run() == 1
        assert services.reminders_run() == 0
        event = OutboxEvent.objects.get(name="tests.reminder")
        assert event.payload == {"user_id": str(user.pk), "reminder_key": "session:1:24h"}
        assert SentReminder.objects.count() == 1

    def test_a_broken_finder_does_not_stop_the_others(self):
        def broken(now):
            raise RuntimeError("boom")

        reminders.reminder("tests.broken")(broken)
        reminders.reminder("tests.fine")(lambda now: [reminders.Due(key="k")])
        assert services.reminders_run() == 1
        assert OutboxEvent.objects.filter(name="tests.fine").count() == 1

    def test_a_run_that_loses_the_race_skips_quietly(self, monkeypatch):
        SentReminder.objects.create(name="tests.race", key="k")
        # As if the other run committed "k" after this one looked: the unique key decides.
        monkeypatch.setattr(
            SentReminder.objects, "filter", lambda **kw: SentReminder.objects.none()
        )
        reminders.reminder("tests.race")(
            lambda now: [reminders.Due(key="k"), reminders.Due(key="k2")]
        )
        assert services.reminders_run() == 1
        assert not OutboxEvent.objects.filter(name="tests.race", payload__reminder_key="k").exists()
