from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from craftwork.accounts import lockout, selectors, services
from craftwork.accounts.errors import (
    AccountLocked,
    AccountProtected,
    InvalidCredentials,
    InvalidRefreshToken,
)
from craftwork.accounts.models import Membership, Organization, OrganizationInvitation, User
from craftwork.accounts.tests.conftest import (
    STRONG_PASSWORD,
    invitation_token,
    last_mail_to,
    reset_parts,
    verification_parts,
)
from craftwork.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from craftwork.accounts.tokens import (
    EmailVerificationTokenGenerator,
    encode_uid,
    hash_invitation_token,
)
from craftwork.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import AuditLog, OutboxEvent

pytestmark = pytest.mark.django_db


def actions(**filters):
    return list(AuditLog.objects.filter(**filters).order_by("id").values_list("action", flat=True))


def png_upload(name="photo.png", size=(64, 48), fmt="PNG"):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_now(monkeypatch, generator_class, seconds_ahead):
    later = datetime.now() + timedelta(seconds=seconds_ahead)
    monkeypatch.setattr(generator_class, "_now", lambda self: later)


# --- sign-up -------------------------------------------------------------------------


class TestSignup:
    def test_creates_the_user_with_roles_audit_event_and_verification_email(self, signup):
        user = signup(email="  Ada@Example.COM ", roles={"client", "freelancer"})
        assert user.email == "ada@example.com"
        assert user.is_client and user.is_freelancer
        assert user.active_view == User.View.CLIENT
        assert not user.email_verified
        assert user.check_password(STRONG_PASSWORD)
        assert actions(actor=user) == ["signup"]
        assert OutboxEvent.objects.filter(
            name="accounts.user_signed_up", payload__user_id=str(user.pk)
        ).exists()
        message = last_mail_to("ada@example.com")
        assert "/accounts/verify/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert "/accounts/verify/" in html

    def test_email_is_rendered_in_the_users_language(self, signup):
        signup(language="es")
        html = last_mail_to("ada@example.com").alternatives[0][0]
        assert '<html lang="es">' in html

    def test_freelancer_only_starts_in_the_freelancer_view(self, signup):
        user = signup(roles={"freelancer"})
        assert user.active_view == User.View.FREELANCER
        assert not user.is_client

    def test_duplicate_email_creates_nothing_case_insensitively(self, signup):
        first = signup(email="ada@example.com")
        assert signup(email="ADA@example.com") is None
        assert list(User.objects.values_list("pk", flat=True)) == [first.pk]

    @pytest.mark.parametrize(
        "email", ["not-an-email", "a@", "@example.com", "a b@example.com", "", None, 42]
    )
    def test_malformed_email(self, signup, email):
        with pytest.raises(ValidationFailed) as error:
            signup(email=email)
        assert "email" in error.value.details
        assert not User.objects.exists()
        assert not mail.outbox

    @pytest.mark.parametrize(
        "password", ["short1!", "password123", "12345678901234", "ada@example.com", ""]
    )
    def test_weak_password(self, signup, password):
        with pytest.raises(ValidationFailed) as error:
            signup(password=password)
        assert error.value.details["password"]
        assert not User.objects.exists()

    @pytest.mark.parametrize("roles", [set(), {"staff"}, None])
    def test_roles_are_required_and_known(self, signup, roles):
        with pytest.raises(ValidationFailed) as error:
            signup(roles=roles)
        assert "roles" in error.value.details

    def test_every_problem_is_reported_at_once(self, signup):
        with pytest.raises(ValidationFailed) as error:
            signup(email="bad", first_name="", password="1", language="xx", timezone="Mars/Base")
        assert set(error.value.details) >= {
            "email",
            "first_name",
            "password",
            "language",
            "timezone",
        }

    def test_huge_names_are_refused(self, signup):
        with pytest.raises(ValidationFailed) as error:
            signup(first_name="A" * 81, last_name="B" * 5000)
        assert {"first_name", "last_name"} <= set(error.value.details)


class TestEmailVerification:
    def test_link_verifies_once(self, signup):
        user = signup()
        uid, token = verification_parts(last_mail_to(user.email))
        verified = services.user_verify_email(uidb64=uid, token=token)
        assert verified.email_verified
        assert actions(action="email_verified") == ["email_verified"]
        with pytest.raises(Conflict) as error:
            services.user_verify_email(uidb64=uid, token=token)
        assert error.value.code == "already_verified"
        assert AuditLog.objects.filter(action="email_verified").count() == 1

    def test_forged_token(self, signup):
        user = signup()
        uid, token = verification_parts(last_mail_to(user.email))
        for forged in [token[:-1] + ("a" if token[-1] != "a" else "b"), "abc-def", "nodash", ""]:
            with pytest.raises(DomainError) as error:
                services.user_verify_email(uidb64=uid, token=forged)
            assert error.value.code == "invalid_token"
        user.refresh_from_db()
        assert not user.email_verified

    def test_token_of_another_user_does_not_verify_me(self, signup):
        first = signup(email="one@example.com")
        signup(email="two@example.com")
        _uid, token = verification_parts(last_mail_to("one@example.com"))
        other_uid = encode_uid(User.objects.get(email="two@example.com"))
        with pytest.raises(DomainError) as error:
            services.user_verify_email(uidb64=other_uid, token=token)
        assert error.value.code == "invalid_token"
        first.refresh_from_db()
        assert not first.email_verified

    @pytest.mark.parametrize(
        "uid", ["", "!!!", "x" * 100, encode_uid(type("U", (), {"pk": "not-a-uuid"})())]
    )
    def test_malformed_uid(self, signup, uid):
        user = signup()
        _uid, token = verification_parts(last_mail_to(user.email))
        with pytest.raises(DomainError) as error:
            services.user_verify_email(uidb64=uid, token=token)
        assert error.value.code == "invalid_token"

    def test_expired_token(self, signup, settings, monkeypatch):
        user = signup()
        uid, token = verification_parts(last_mail_to(user.email))
        fake_now(
            monkeypatch, EmailVerificationTokenGenerator, settings.EMAIL_VERIFICATION_TIMEOUT + 60
        )
        with pytest.raises(DomainError) as error:
            services.user_verify_email(uidb64=uid, token=token)
        assert error.value.code == "token_expired"
        user.refresh_from_db()
        assert not user.email_verified

    def test_token_dies_when_the_email_changes(self, signup):
        user = signup()
        uid, token = verification_parts(last_mail_to(user.email))
        User.objects.filter(pk=user.pk).update(email="new@example.com")
        with pytest.raises(DomainError) as error:
            services.user_verify_email(uidb64=uid, token=token)
        assert error.value.code == "invalid_token"

    def test_resend_sends_a_working_link_with_a_cooldown(self, signup, committed):
        user = signup()
        mail.outbox.clear()
        with committed():
            services.user_resend_verification(actor=user)
        uid, token = verification_parts(last_mail_to(user.email))
        with pytest.raises(DomainError) as error, committed():
            services.user_resend_verification(actor=user)
        assert error.value.code == "resend_too_soon"
        assert error.value.status_code == 429
        assert len(mail.outbox) == 1
        assert services.user_verify_email(uidb64=uid, token=token).email_verified

    def test_resend_when_already_verified(self, user):
        with pytest.raises(Conflict):
            services.user_resend_verification(actor=user)


# --- login and lockout ----------------------------------------------------------------


class TestLogin:
    def test_success_is_audited_and_sets_last_login(self, user):
        logged_in = services.user_login(
            email=user.email.upper(), password=DEFAULT_PASSWORD, ip="10.0.0.1"
        )
        assert logged_in == user
        user.refresh_from_db()
        assert user.last_login is not None
        assert actions(actor=user, action="login") == ["login"]

    @pytest.mark.parametrize("password", ["wrong-password", "", None])
    def test_bad_password(self, user, password):
        with pytest.raises(InvalidCredentials):
            services.user_login(email=user.email, password=password)
        row = AuditLog.objects.get(action="login_failed")
        assert row.details == {"email": user.email, "reason": "bad_credentials"}
        assert row.object_id == str(user.pk)

    def test_unknown_email_answers_like_a_bad_password(self, db):
        with pytest.raises(InvalidCredentials) as error:
            services.user_login(email="nobody@example.com", password="whatever-123")
        assert error.value.message == InvalidCredentials().message
        assert AuditLog.objects.filter(action="login_failed", object_id="").exists()

    def test_inactive_user_cannot_log_in(self, user):
        user.is_active = False
        user.save(update_fields=["is_active"])
        with pytest.raises(InvalidCredentials):
            services.user_login(email=user.email, password=DEFAULT_PASSWORD)

    def test_brute_force_pauses_the_email_from_that_address(self, user, settings):
        settings.LOGIN_FAILURE_LIMIT = 3
        for _ in range(2):
            with pytest.raises(InvalidCredentials):
                services.user_login(email=user.email, password="guess-123456", ip="10.0.0.1")
        with pytest.raises(AccountLocked) as error:
            services.user_login(email=user.email, password="guess-123456", ip="10.0.0.1")
        assert error.value.code == "account_locked"
        assert error.value.status_code == 429
        assert error.value.retry_after == settings.LOGIN_BACKOFF_SECONDS
        lock_row = AuditLog.objects.get(action="lockout")
        assert lock_row.details["failures_from_ip"] == 3
        assert lock_row.details["scope"] == "address"
        # The right password does not get through from that address while paused, in any case.
        with pytest.raises(AccountLocked):
            services.user_login(email=user.email.upper(), password=DEFAULT_PASSWORD, ip="10.0.0.1")
        assert not AuditLog.objects.filter(action="login").exists()

    def test_pause_ends_after_the_backoff(self, user, settings, monkeypatch):
        settings.LOGIN_FAILURE_LIMIT = 2
        for _ in range(2):
            with pytest.raises(DomainError):
                services.user_login(email=user.email, password="guess-123456")
        import time

        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + settings.LOGIN_BACKOFF_SECONDS + 1)
        assert lockout.current_pause(user.email, None) is None
        assert services.user_login(email=user.email, password=DEFAULT_PASSWORD) == user

    def test_failures_from_several_ips_add_up_to_the_account_ceiling(self, user, settings):
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 3
        for ip in ["1.1.1.1", "2.2.2.2"]:
            with pytest.raises(InvalidCredentials):
                services.user_login(email=user.email, password="guess-123456", ip=ip)
        with pytest.raises(AccountProtected):
            services.user_login(email=user.email, password="guess-123456", ip="3.3.3.3")
        row = AuditLog.objects.get(action="lockout")
        assert (row.details["failures"], row.details["failures_from_ip"]) == (3, 1)

    def test_success_resets_the_count(self, user, settings):
        settings.LOGIN_FAILURE_LIMIT = 3
        for _round in range(2):
            for _ in range(2):
                with pytest.raises(InvalidCredentials):
                    services.user_login(email=user.email, password="guess-123456")
            services.user_login(email=user.email, password=DEFAULT_PASSWORD)
        assert not AuditLog.objects.filter(action="lockout").exists()

    def test_unknown_emails_lock_too(self, db, settings):
        settings.LOGIN_FAILURE_LIMIT = 2
        with pytest.raises(InvalidCredentials):
            services.user_login(email="ghost@example.com", password="x-123456789")
        with pytest.raises(AccountLocked):
            services.user_login(email="ghost@example.com", password="x-123456789")


class TestTokens:
    def test_refresh_rotates_and_blacklists_the_old_token(self, user):
        pair = services.token_pair_for(user)
        rotated = services.token_refresh(refresh=pair["refresh"])
        assert rotated["refresh"] != pair["refresh"]
        assert BlacklistedToken.objects.count() == 1
        assert services.token_refresh(refresh=rotated["refresh"])["access"]

    def test_refresh_for_a_deactivated_user(self, user):
        pair = services.token_pair_for(user)
        User.objects.filter(pk=user.pk).update(is_active=False)
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=pair["refresh"])

    def test_logout_blacklists_refresh_and_revokes_access(self, user):
        from rest_framework_simplejwt.tokens import AccessToken

        from craftwork.accounts.authentication import is_access_token_revoked

        pair = services.token_pair_for(user)
        access = AccessToken(pair["access"])
        services.user_logout(actor=user, refresh=pair["refresh"], access_token=access)
        assert is_access_token_revoked(access)
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=pair["refresh"])
        assert actions(action="logout") == ["logout"]

    def test_logout_with_someone_elses_refresh_token(self, user, freelancer):
        pair = services.token_pair_for(freelancer)
        with pytest.raises(InvalidRefreshToken):
            services.user_logout(actor=user, refresh=pair["refresh"])
        assert not BlacklistedToken.objects.exists()


# --- passwords -------------------------------------------------------------------------


class TestPasswordChange:
    def test_changes_the_password_and_signs_out_api_sessions(self, user):
        pair = services.token_pair_for(user)
        services.user_change_password(
            actor=user, old_password=DEFAULT_PASSWORD, new_password=STRONG_PASSWORD
        )
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)
        assert actions(action="password_changed") == ["password_changed"]
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=pair["refresh"])

    def test_wrong_old_password(self, user):
        with pytest.raises(ValidationFailed) as error:
            services.user_change_password(
                actor=user, old_password="nope", new_password=STRONG_PASSWORD
            )
        assert error.value.code == "wrong_password"
        user.refresh_from_db()
        assert user.check_password(DEFAULT_PASSWORD)

    def test_weak_new_password(self, user):
        with pytest.raises(ValidationFailed) as error:
            services.user_change_password(
                actor=user, old_password=DEFAULT_PASSWORD, new_password="123"
            )
        assert error.value.details["new_password"]
        assert not AuditLog.objects.filter(action="password_changed").exists()


class TestPasswordReset:
    def request(self, committed, email):
        with committed():
            services.password_reset_request(email=email)

    def test_unknown_email_sends_nothing_and_raises_nothing(self, db, committed):
        self.request(committed, "nobody@example.com")
        assert mail.outbox == []

    def test_inactive_user_gets_nothing(self, user, committed):
        User.objects.filter(pk=user.pk).update(is_active=False)
        self.request(committed, user.email)
        assert mail.outbox == []

    def test_link_resets_once_and_verifies_the_email(self, committed, settings):
        settings.LOGIN_FAILURE_LIMIT = 1
        user = UserFactory(email_verified_at=None)
        with pytest.raises(AccountLocked):
            services.user_login(email=user.email, password="wrong-guess-1")
        self.request(committed, user.email.upper())
        uid, token = reset_parts(last_mail_to(user.email))
        services.password_reset_confirm(uidb64=uid, token=token, new_password=STRONG_PASSWORD)
        user.refresh_from_db()
        assert user.check_password(STRONG_PASSWORD)
        assert user.email_verified
        assert actions(action="password_reset") == ["password_reset"]
        assert (
            services.user_login(email=user.email, password=STRONG_PASSWORD) == user
        )  # lock lifted
        with pytest.raises(DomainError) as error:
            services.password_reset_confirm(
                uidb64=uid, token=token, new_password="another-long-pass-77"
            )
        assert error.value.code == "invalid_token"

    def test_forged_and_expired_tokens(self, user, committed, settings, monkeypatch):
        self.request(committed, user.email)
        uid, token = reset_parts(last_mail_to(user.email))
        with pytest.raises(DomainError) as error:
            services.password_reset_confirm(
                uidb64=uid, token=token + "x", new_password=STRONG_PASSWORD
            )
        assert error.value.code == "invalid_token"
        fake_now(monkeypatch, PasswordResetTokenGenerator, settings.PASSWORD_RESET_TIMEOUT + 60)
        with pytest.raises(DomainError) as error:
            services.password_reset_confirm(uidb64=uid, token=token, new_password=STRONG_PASSWORD)
        assert error.value.code == "invalid_token"
        user.refresh_from_db()
        assert user.check_password(DEFAULT_PASSWORD)

    def test_weak_new_password_keeps_the_link_usable(self, user, committed):
        self.request(committed, user.email)
        uid, token = reset_parts(last_mail_to(user.email))
        with pytest.raises(ValidationFailed) as error:
            services.password_reset_confirm(uidb64=uid, token=token, new_password="1234")
        assert error.value.details["new_password"]
        services.password_reset_confirm(uidb64=uid, token=token, new_password=STRONG_PASSWORD)

    def test_emails_per_hour_are_bounded(self, user, committed):
        for _ in range(5):
            self.request(committed, user.email)
        assert len(mail.outbox) == services.PASSWORD_RESET_EMAILS_PER_HOUR


# --- settings, roles, view, avatar ---------------------------------------------------------


class TestSettings:
    def test_update(self, user):
        services.user_update_settings(
            actor=user,
            first_name=" Grace ",
            last_name="Hopper",
            timezone="Europe/Madrid",
            language="es",
        )
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.timezone, user.language) == (
            "Grace",
            "Hopper",
            "Europe/Madrid",
            "es",
        )

    def test_none_leaves_fields_alone(self, user):
        before = user.last_name
        services.user_update_settings(actor=user, first_name="Grace")
        user.refresh_from_db()
        assert user.last_name == before

    @pytest.mark.parametrize(
        "changes,field",
        [
            ({"first_name": ""}, "first_name"),
            ({"first_name": "x" * 81}, "first_name"),
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"language": "klingon"}, "language"),
        ],
    )
    def test_invalid(self, user, changes, field):
        with pytest.raises(ValidationFailed) as error:
            services.user_update_settings(actor=user, **changes)
        assert field in error.value.details
        fresh = User.objects.get(pk=user.pk)
        assert fresh.first_name == user.first_name and fresh.timezone == "UTC"


class TestRolesAndView:
    def test_add_a_role(self, user):
        services.user_set_roles(actor=user, roles={"freelancer"})
        user.refresh_from_db()
        assert user.is_client and user.is_freelancer
        assert AuditLog.objects.get(action="role_added").details == {"role": "freelancer"}
        assert OutboxEvent.objects.filter(name="accounts.role_added").count() == 1

    def test_adding_a_held_role_changes_nothing(self, user):
        services.user_set_roles(actor=user, roles={"client"})
        assert not AuditLog.objects.filter(action="role_added").exists()

    @pytest.mark.parametrize("roles", [set(), {"admin"}])
    def test_invalid_roles(self, user, roles):
        with pytest.raises(ValidationFailed):
            services.user_set_roles(actor=user, roles=roles)

    def test_switch_view(self, user):
        services.user_set_roles(actor=user, roles={"freelancer"})
        services.user_switch_view(actor=user, view="freelancer")
        assert User.objects.get(pk=user.pk).active_view == "freelancer"

    def test_switch_to_a_role_you_do_not_have(self, user):
        with pytest.raises(ValidationFailed) as error:
            services.user_switch_view(actor=user, view="freelancer")
        assert error.value.code == "role_not_held"
        assert User.objects.get(pk=user.pk).active_view == "client"

    def test_switch_to_nonsense(self, user):
        with pytest.raises(ValidationFailed):
            services.user_switch_view(actor=user, view="staff")


class TestAvatar:
    def test_stores_a_reencoded_jpeg(self, user, committed):
        upload = png_upload()
        with committed():
            services.user_set_avatar(actor=user, upload=upload)
        user.refresh_from_db()
        assert user.avatar.name.endswith(".jpg")
        with default_storage.open(user.avatar.name) as stored:
            data = stored.read()
        assert data[:2] == b"\xff\xd8"  # JPEG, not the PNG bytes that were sent
        upload.seek(0)
        assert data != upload.read()

    def test_large_images_are_scaled_down(self, user):
        services.user_set_avatar(actor=user, upload=png_upload(size=(2000, 1000)))
        user.refresh_from_db()
        with default_storage.open(user.avatar.name) as stored, Image.open(stored) as image:
            assert max(image.size) <= services.AVATAR_MAX_SIZE[0]

    def test_replacing_deletes_the_old_file(self, user, committed):
        with committed():
            services.user_set_avatar(actor=user, upload=png_upload())
        first = User.objects.get(pk=user.pk).avatar.name
        with committed():
            services.user_set_avatar(actor=user, upload=png_upload())
        assert not default_storage.exists(first)
        with committed():
            services.user_remove_avatar(actor=user)
        assert not User.objects.get(pk=user.pk).avatar

    def test_not_an_image(self, user):
        fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
        with pytest.raises(ValidationFailed) as error:
            services.user_set_avatar(actor=user, upload=fake)
        assert error.value.code == "invalid_image"
        assert "avatar" in error.value.details
        assert not User.objects.get(pk=user.pk).avatar

    def test_too_large(self, user, settings):
        settings.MAX_IMAGE_UPLOAD_BYTES = 100
        with pytest.raises(ValidationFailed) as error:
            services.user_set_avatar(actor=user, upload=png_upload(size=(300, 300)))
        assert error.value.code == "file_too_large"


# --- organizations ----------------------------------------------------------------------------


class TestOrganizationCreateUpdate:
    def test_creator_becomes_owner(self, user):
        organization = services.organization_create(
            actor=user, name="Acme Builders", website="https://acme.test"
        )
        assert organization.slug == "acme-builders"
        assert Membership.objects.get(organization=organization).role == Membership.Role.OWNER
        assert actions(action="organization_created") == ["organization_created"]
        assert OutboxEvent.objects.filter(name="accounts.organization_created").exists()

    def test_slugs_stay_unique(self, user):
        first = services.organization_create(actor=user, name="Acme")
        second = services.organization_create(actor=user, name="ACME")
        assert (
            first.slug == "acme" and second.slug.startswith("acme-") and second.slug != first.slug
        )

    def test_name_without_latin_letters(self, user):
        assert services.organization_create(actor=user, name="株式会社").slug == "organization"

    @pytest.mark.parametrize(
        "data,field",
        [
            ({"name": ""}, "name"),
            ({"name": "x" * 151}, "name"),
            ({"name": "A", "website": "nope"}, "website"),
        ],
    )
    def test_invalid(self, user, data, field):
        with pytest.raises(ValidationFailed) as error:
            services.organization_create(actor=user, **data)
        assert field in error.value.details
        assert not Organization.objects.exists()

    def test_update_by_admin_member_outsider(self, org_with_roles, freelancer):
        organization, _owner, admin, member = org_with_roles
        services.organization_update(actor=admin, organization=organization, name="Acme 2")
        assert Organization.objects.get(pk=organization.pk).name == "Acme 2"
        with pytest.raises(PermissionDenied):
            services.organization_update(actor=member, organization=organization, name="Mine")
        with pytest.raises(NotFound):
            services.organization_update(actor=freelancer, organization=organization, name="Mine")
        assert Organization.objects.get(pk=organization.pk).name == "Acme 2"


class TestMembershipChanges:
    def membership(self, organization, user):
        return Membership.objects.get(organization=organization, user=user)

    def test_owner_promotes_and_audits(self, org_with_roles):
        organization, owner, _admin, member = org_with_roles
        changed = services.membership_change_role(
            actor=owner, membership=self.membership(organization, member), role="admin"
        )
        assert changed.role == "admin"
        row = AuditLog.objects.get(action="member_role_changed")
        assert row.details["from"] == "recruiter" and row.details["to"] == "admin"

    def test_admin_cannot_grant_or_touch_owner(self, org_with_roles):
        organization, owner, admin, member = org_with_roles
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=admin, membership=self.membership(organization, member), role="owner"
            )
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=admin, membership=self.membership(organization, owner), role="recruiter"
            )
        assert self.membership(organization, owner).role == "owner"

    def test_member_cannot_change_roles(self, org_with_roles):
        organization, _owner, admin, member = org_with_roles
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=member, membership=self.membership(organization, admin), role="recruiter"
            )

    def test_outsider_gets_not_found(self, org_with_roles, freelancer):
        organization, _owner, _admin, member = org_with_roles
        with pytest.raises(NotFound):
            services.membership_change_role(
                actor=freelancer, membership=self.membership(organization, member), role="admin"
            )

    def test_last_owner_cannot_be_demoted(self, org_with_roles):
        organization, owner, admin, _member = org_with_roles
        with pytest.raises(Conflict) as error:
            services.membership_change_role(
                actor=owner, membership=self.membership(organization, owner), role="admin"
            )
        assert error.value.code == "last_owner"
        services.membership_change_role(
            actor=owner, membership=self.membership(organization, admin), role="owner"
        )
        services.membership_change_role(
            actor=owner, membership=self.membership(organization, owner), role="admin"
        )
        assert self.membership(organization, owner).role == "admin"

    def test_invalid_role(self, org_with_roles):
        organization, owner, _admin, member = org_with_roles
        with pytest.raises(ValidationFailed):
            services.membership_change_role(
                actor=owner, membership=self.membership(organization, member), role="king"
            )

    def test_removal_rules(self, org_with_roles):
        organization, owner, admin, member = org_with_roles
        with pytest.raises(PermissionDenied):
            services.membership_remove(
                actor=member, membership=self.membership(organization, admin)
            )
        with pytest.raises(PermissionDenied):
            services.membership_remove(actor=admin, membership=self.membership(organization, owner))
        with pytest.raises(Conflict):
            services.membership_remove(actor=owner, membership=self.membership(organization, owner))
        services.membership_remove(actor=admin, membership=self.membership(organization, member))
        assert not Membership.objects.filter(organization=organization, user=member).exists()
        assert AuditLog.objects.get(action="member_removed").details["left"] is False

    def test_a_member_can_leave(self, org_with_roles):
        organization, _owner, _admin, member = org_with_roles
        services.membership_remove(actor=member, membership=self.membership(organization, member))
        assert AuditLog.objects.get(action="member_removed").details["left"] is True


class TestInvitations:
    def invite(self, committed, actor, organization, email="new@example.com", role="recruiter"):
        with committed():
            return services.organization_invite(
                actor=actor, organization=organization, email=email, role=role
            )

    def test_invite_and_accept(self, org_with_roles, committed):
        organization, _owner, admin, _member = org_with_roles
        invitation = self.invite(
            committed, admin, organization, email="New@Example.com", role="admin"
        )
        assert invitation.email == "new@example.com"
        message = last_mail_to("new@example.com")
        token = invitation_token(message)
        assert invitation.token_hash == hash_invitation_token(token) != token
        assert organization.name in message.subject
        invitee = UserFactory(email="NEW@example.com")
        membership = services.invitation_accept(actor=invitee, token=token)
        assert membership.role == "admin"
        invitation.refresh_from_db()
        assert invitation.status == "accepted" and invitation.accepted_by == invitee
        assert actions(action__startswith="invitation_") == [
            "invitation_sent",
            "invitation_accepted",
        ]
        with pytest.raises(Conflict) as error:
            services.invitation_accept(actor=invitee, token=token)
        assert error.value.code == "invitation_used"

    def test_member_cannot_invite_and_outsider_gets_404(
        self, org_with_roles, committed, freelancer
    ):
        organization, _owner, _admin, member = org_with_roles
        with pytest.raises(PermissionDenied):
            self.invite(committed, member, organization)
        with pytest.raises(NotFound):
            self.invite(committed, freelancer, organization)
        assert not OrganizationInvitation.objects.exists()
        assert mail.outbox == []

    def test_only_owners_invite_owners(self, org_with_roles, committed):
        organization, owner, admin, _member = org_with_roles
        with pytest.raises(PermissionDenied):
            self.invite(committed, admin, organization, role="owner")
        assert self.invite(committed, owner, organization, role="owner").role == "owner"

    def test_existing_member_and_pending_duplicate(self, org_with_roles, committed):
        organization, owner, _admin, member = org_with_roles
        with pytest.raises(Conflict) as error:
            self.invite(committed, owner, organization, email=member.email.upper())
        assert error.value.code == "already_member"
        self.invite(committed, owner, organization)
        with pytest.raises(Conflict) as error:
            self.invite(committed, owner, organization, email="NEW@example.com")
        assert error.value.code == "already_invited"

    def test_expired_invitation_can_be_renewed_but_not_accepted(self, org_with_roles, committed):
        organization, owner, _admin, _member = org_with_roles
        old = self.invite(committed, owner, organization)
        old_token = invitation_token(last_mail_to("new@example.com"))
        OrganizationInvitation.objects.filter(pk=old.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        invitee = UserFactory(email="new@example.com")
        with pytest.raises(ValidationFailed) as error:
            services.invitation_accept(actor=invitee, token=old_token)
        assert error.value.code == "invitation_expired"
        self.invite(committed, owner, organization)
        old.refresh_from_db()
        assert old.status == "expired"
        assert OrganizationInvitation.objects.filter(status="pending").count() == 1

    def test_invitation_for_another_email(self, org_with_roles, committed, user):
        organization, owner, _admin, _member = org_with_roles
        self.invite(committed, owner, organization)
        token = invitation_token(last_mail_to("new@example.com"))
        with pytest.raises(PermissionDenied) as error:
            services.invitation_accept(actor=user, token=token)
        assert error.value.code == "invitation_email_mismatch"
        assert not Membership.objects.filter(user=user).exists()

    def test_revoked_and_unknown(self, org_with_roles, committed):
        organization, owner, admin, member = org_with_roles
        invitation = self.invite(committed, admin, organization)
        token = invitation_token(last_mail_to("new@example.com"))
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(actor=member, invitation=invitation)
        services.invitation_revoke(actor=owner, invitation=invitation)
        with pytest.raises(DomainError) as error:
            services.invitation_revoke(actor=owner, invitation=invitation)
        assert error.value.code == "invitation_not_pending"
        invitee = UserFactory(email="new@example.com")
        with pytest.raises(ValidationFailed) as error:
            services.invitation_accept(actor=invitee, token=token)
        assert error.value.code == "invitation_revoked"
        for bogus in ["", "nope", "x" * 500, None]:
            with pytest.raises(NotFound):
                services.invitation_accept(actor=invitee, token=bogus)
        assert actions(action="invitation_revoked") == ["invitation_revoked"]

    def test_already_member_cannot_accept(self, org_with_roles, committed):
        organization, owner, _admin, _member = org_with_roles
        self.invite(committed, owner, organization)
        token = invitation_token(last_mail_to("new@example.com"))
        invitee = UserFactory(email="new@example.com")
        MembershipFactory(organization=organization, user=invitee)
        with pytest.raises(Conflict):
            services.invitation_accept(actor=invitee, token=token)


class TestSelectors:
    def test_organizations_for(self, org_with_roles, user):
        organization, owner, _admin, _member = org_with_roles
        OrganizationFactory()  # someone else's
        mine = list(selectors.organizations_for(owner))
        assert mine == [organization]
        assert mine[0].my_role == "owner" and mine[0].member_count == 3
        assert list(selectors.organizations_for(user)) == []

    @pytest.mark.parametrize("pk", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", 5])
    def test_foreign_or_bad_ids_are_not_found(self, org_with_roles, pk):
        _organization, owner, _admin, _member = org_with_roles
        with pytest.raises(NotFound):
            selectors.organization_for_member(owner, pk)

    def test_another_users_organization_is_not_found(self, org_with_roles, user):
        organization, *_ = org_with_roles
        with pytest.raises(NotFound):
            selectors.organization_for_member(user, organization.pk)

    def test_can_manage(self, org_with_roles, user):
        organization, owner, admin, member = org_with_roles
        assert selectors.can_manage_organization(owner, organization)
        assert selectors.can_manage_organization(admin, organization)
        assert not selectors.can_manage_organization(member, organization)
        assert not selectors.can_manage_organization(user, organization)

    def test_pending_invitations_hide_expired_and_revoked(self, org_with_roles, committed):
        organization, owner, *_ = org_with_roles
        with committed():
            live = services.organization_invite(
                actor=owner, organization=organization, email="a@example.com"
            )
            gone = services.organization_invite(
                actor=owner, organization=organization, email="b@example.com"
            )
            old = services.organization_invite(
                actor=owner, organization=organization, email="c@example.com"
            )
        services.invitation_revoke(actor=owner, invitation=gone)
        OrganizationInvitation.objects.filter(pk=old.pk).update(expires_at=timezone.now())
        assert list(selectors.pending_invitations(organization)) == [live]


def test_outstanding_tokens_are_recorded_for_each_login(user):
    services.token_pair_for(user)
    services.token_pair_for(user)
    assert OutstandingToken.objects.filter(user=user).count() == 2
