from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from craftwork.accounts.models import Membership, Organization, OrganizationInvitation, User
from craftwork.accounts.tests.conftest import (
    STRONG_PASSWORD,
    invitation_token,
    last_mail_to,
    link_in,
)
from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db


def signup_form(**overrides):
    data = {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "roles": ["client"],
    }
    data.update(overrides)
    return data


def logged_in_user(client):
    from django.contrib.auth import get_user

    return get_user(client)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    client.user = user
    return client


class TestSignup:
    def test_page_preselects_the_role(self, client):
        page = client.get(reverse("accounts:signup") + "?role=freelancer").content.decode()
        assert 'data-testid="signup-role-freelancer" checked' in page
        assert 'data-testid="signup-role-client" checked' not in page
        assert 'data-testid="signup-submit"' in page
        assert "I want to hire" in page and "I want to work" in page

    def test_signup_asks_to_check_email_and_the_link_signs_this_browser_in(self, client, committed):
        with committed():
            response = client.post(
                reverse("accounts:signup"), signup_form(roles=["client", "freelancer"])
            )
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:verify-email-sent")
        user = User.objects.get(email="ada@example.com")
        assert user.is_client and user.is_freelancer
        assert not logged_in_user(client).is_authenticated
        page = client.get(response["Location"]).content.decode()
        assert "ada@example.com" in page and 'data-testid="verify-email-sent"' in page
        verify_path = link_in(last_mail_to("ada@example.com"), "/accounts/verify/")
        assert client.get(verify_path).status_code == 302
        user.refresh_from_db()
        assert user.email_verified
        assert logged_in_user(client) == user

    @pytest.mark.parametrize(
        "overrides,field,text",
        [
            ({"password2": "something-else-99"}, "password2", "do not match"),
            ({"password1": "12345678901", "password2": "12345678901"}, "password1", "numeric"),
            ({"roles": []}, "roles", "Choose at least one"),
            ({"email": "nope"}, "email", "valid email"),
            ({"first_name": "x" * 81}, "first_name", "at most 80"),
        ],
    )
    def test_errors_are_shown_next_to_fields(self, client, overrides, field, text):
        response = client.post(reverse("accounts:signup"), signup_form(**overrides))
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert text in response.content.decode()
        assert not User.objects.exists()
        assert not logged_in_user(client).is_authenticated

    def test_signed_in_users_are_sent_to_the_dashboard(self, signed_in):
        response = signed_in.get(reverse("accounts:signup"))
        assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")


class TestEmailVerification:
    def test_bad_link_shows_an_error(self, client):
        response = client.get(reverse("accounts:verify-email", args=["MTIz", "abc-def"]))
        assert response.status_code == 400
        assert 'data-testid="verify-error"' in response.content.decode()

    def test_resend(self, client, committed):
        user = UserFactory(email_verified_at=None)
        client.force_login(user)
        assert (
            'data-testid="verify-resend-submit"'
            in client.get(reverse("accounts:verify-email-resend")).content.decode()
        )
        with committed():
            response = client.post(reverse("accounts:verify-email-resend"))
        assert response["Location"] == reverse("accounts:verify-email-sent")
        assert len(mail.outbox) == 1
        again = client.post(reverse("accounts:verify-email-resend"), follow=True)
        assert "wait a minute" in again.content.decode()
        assert len(mail.outbox) == 1

    def test_resend_needs_login(self, client):
        response = client.get(reverse("accounts:verify-email-resend"))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


class TestLogin:
    def test_login_redirects_to_a_safe_next(self, client, user):
        response = client.post(
            reverse("accounts:login"),
            {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/accounts/settings/"},
        )
        assert response["Location"] == "/accounts/settings/"
        assert logged_in_user(client) == user
        assert AuditLog.objects.filter(action="login", actor=user).exists()

    def test_unsafe_next_is_ignored(self, client, user):
        response = client.post(
            reverse("accounts:login"),
            {"email": user.email, "password": DEFAULT_PASSWORD, "next": "https://evil.test/"},
        )
        assert response["Location"] == reverse("web:dashboard")

    def test_bad_credentials(self, client, user):
        response = client.post(
            reverse("accounts:login"), {"email": user.email, "password": "wrong"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="login-error"' in page and "not correct" in page
        assert not logged_in_user(client).is_authenticated

    def test_lockout_is_shown(self, client, user, settings):
        settings.LOGIN_FAILURE_LIMIT = 2
        client.post(reverse("accounts:login"), {"email": user.email, "password": "wrong"})
        response = client.post(
            reverse("accounts:login"), {"email": user.email, "password": "wrong"}
        )
        assert response.status_code == 429
        assert "locked" in response.content.decode()
        right = client.post(
            reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert right.status_code == 429
        assert not logged_in_user(client).is_authenticated

    def test_empty_and_huge_input(self, client):
        assert client.post(reverse("accounts:login"), {}).status_code == 200
        response = client.post(reverse("accounts:login"), {"email": "a" * 5000, "password": "b"})
        assert "email" in response.context["form"].errors
        assert not AuditLog.objects.filter(action="login_failed").exists()

    def test_logout_is_post_only(self, signed_in):
        assert signed_in.get(reverse("accounts:logout")).status_code == 405
        response = signed_in.post(reverse("accounts:logout"))
        assert response["Location"] == reverse("web:home")
        assert not logged_in_user(signed_in).is_authenticated
        assert AuditLog.objects.filter(action="logout").exists()

    def test_logout_needs_the_csrf_token(self, user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(reverse("accounts:logout")).status_code == 403
        assert logged_in_user(client) == user


class TestPasswords:
    def test_change_keeps_the_session(self, signed_in):
        url = reverse("accounts:password-change")
        wrong = signed_in.post(
            url,
            {
                "old_password": "x",
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD,
            },
        )
        assert "old_password" in wrong.context["form"].errors
        weak = signed_in.post(
            url, {"old_password": DEFAULT_PASSWORD, "new_password1": "123", "new_password2": "123"}
        )
        assert "new_password1" in weak.context["form"].errors
        ok = signed_in.post(
            url,
            {
                "old_password": DEFAULT_PASSWORD,
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD,
            },
        )
        assert ok["Location"] == reverse("accounts:settings")
        assert logged_in_user(signed_in) == signed_in.user
        assert User.objects.get(pk=signed_in.user.pk).check_password(STRONG_PASSWORD)

    def test_reset_flow(self, client, user, committed):
        with committed():
            response = client.post(reverse("accounts:password-reset"), {"email": user.email})
        assert response["Location"] == reverse("accounts:password-reset-done")
        with committed():
            unknown = client.post(
                reverse("accounts:password-reset"), {"email": "ghost@example.com"}
            )
        assert unknown["Location"] == response["Location"]
        path = link_in(last_mail_to(user.email), "/accounts/password/reset/")
        page = client.get(path)
        assert (
            page.status_code == 200
            and 'data-testid="password-reset-confirm-submit"' in page.content.decode()
        )
        mismatch = client.post(
            path, {"new_password1": STRONG_PASSWORD, "new_password2": "other-thing-77"}
        )
        assert "new_password2" in mismatch.context["form"].errors
        done = client.post(
            path, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}
        )
        assert done["Location"] == reverse("accounts:password-reset-complete")
        reused = client.get(path)
        assert (
            reused.status_code == 400
            and 'data-testid="password-reset-invalid"' in reused.content.decode()
        )
        assert (
            client.post(
                path, {"new_password1": "a-new-one-4567", "new_password2": "a-new-one-4567"}
            ).status_code
            == 400
        )
        assert User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)

    def test_forged_reset_link(self, client, user):
        response = client.get(reverse("accounts:password-reset-confirm", args=["MTIz", "abc-123"]))
        assert response.status_code == 400


class TestSettings:
    def test_page_and_update(self, signed_in):
        page = signed_in.get(reverse("accounts:settings"))
        assert page.status_code == 200 and 'data-testid="settings-submit"' in page.content.decode()
        response = signed_in.post(
            reverse("accounts:settings"),
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "timezone": "Europe/Madrid",
                "language": "es",
            },
        )
        assert response["Location"] == reverse("accounts:settings")
        user = User.objects.get(pk=signed_in.user.pk)
        assert (user.first_name, user.timezone, user.language) == ("Grace", "Europe/Madrid", "es")

    def test_invalid_update(self, signed_in):
        response = signed_in.post(
            reverse("accounts:settings"),
            {"first_name": "", "last_name": "", "timezone": "Mars/Base", "language": "en"},
        )
        assert response.status_code == 400
        assert {"first_name", "timezone"} <= set(response.context["settings_form"].errors)

    def test_avatar(self, signed_in):
        buffer = BytesIO()
        Image.new("RGB", (30, 30)).save(buffer, format="PNG")
        upload = SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")
        assert signed_in.post(reverse("accounts:avatar"), {"avatar": upload})[
            "Location"
        ] == reverse("accounts:settings")
        assert User.objects.get(pk=signed_in.user.pk).avatar.name.endswith(".jpg")
        assert (
            'data-testid="avatar-image"'
            in signed_in.get(reverse("accounts:settings")).content.decode()
        )
        bad = SimpleUploadedFile("b.png", b"not an image", content_type="image/png")
        response = signed_in.post(reverse("accounts:avatar"), {"avatar": bad})
        assert response.status_code == 400 and "avatar" in response.context["avatar_form"].errors
        signed_in.post(reverse("accounts:avatar-delete"))
        assert not User.objects.get(pk=signed_in.user.pk).avatar

    def test_add_role_and_switch_view(self, signed_in):
        refused = signed_in.post(
            reverse("accounts:switch-view"), {"view": "freelancer"}, follow=True
        )
        assert "Add this role" in refused.content.decode()
        assert User.objects.get(pk=signed_in.user.pk).active_view == "client"
        signed_in.post(reverse("accounts:role-add"), {"role": "freelancer"})
        assert User.objects.get(pk=signed_in.user.pk).is_freelancer
        response = signed_in.post(reverse("accounts:switch-view"), {"view": "freelancer"})
        assert response["Location"] == reverse("web:dashboard")
        assert User.objects.get(pk=signed_in.user.pk).active_view == "freelancer"

    def test_add_a_held_role_via_form(self, signed_in):
        response = signed_in.post(reverse("accounts:role-add"), {"role": "client"})
        assert response.status_code == 400

    def test_pages_need_login(self, client):
        for name in ["accounts:settings", "accounts:organizations", "accounts:password-change"]:
            response = client.get(reverse(name))
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


class TestOrganizations:
    def test_create_and_see(self, signed_in):
        response = signed_in.post(
            reverse("accounts:organizations"), {"name": "Acme", "website": ""}
        )
        organization = Organization.objects.get()
        assert response["Location"] == reverse(
            "accounts:organization-detail", args=[organization.pk]
        )
        page = signed_in.get(response["Location"]).content.decode()
        assert "Acme" in page and 'data-testid="invite-submit"' in page
        listing = signed_in.get(reverse("accounts:organizations")).content.decode()
        assert 'data-testid="organization-list"' in listing

    def test_invalid_create(self, signed_in):
        response = signed_in.post(reverse("accounts:organizations"), {"name": ""})
        assert response.status_code == 400 and "name" in response.context["form"].errors
        assert not Organization.objects.exists()

    def test_other_peoples_organization_is_404(self, signed_in, org_with_roles):
        organization, *_ = org_with_roles
        assert (
            signed_in.get(
                reverse("accounts:organization-detail", args=[organization.pk])
            ).status_code
            == 404
        )
        response = signed_in.post(
            reverse("accounts:organization-invite", args=[organization.pk]),
            {"email": "x@example.com", "role": "recruiter"},
        )
        assert response.status_code == 404
        assert not OrganizationInvitation.objects.exists()

    def test_member_sees_no_management_and_cannot_invite(self, client, org_with_roles):
        organization, _owner, _admin, member = org_with_roles
        client.force_login(member)
        page = client.get(
            reverse("accounts:organization-detail", args=[organization.pk])
        ).content.decode()
        assert 'data-testid="invite-submit"' not in page and 'data-testid="member-leave"' in page
        response = client.post(
            reverse("accounts:organization-invite", args=[organization.pk]),
            {"email": "x@example.com", "role": "recruiter"},
            follow=True,
        )
        assert "Only owners and admins" in response.content.decode()
        assert not OrganizationInvitation.objects.exists()

    def test_admin_inviting_an_owner_sees_the_refusal_on_the_form(self, client, org_with_roles):
        organization, _owner, admin, _member = org_with_roles
        client.force_login(admin)
        response = client.post(
            reverse("accounts:organization-invite", args=[organization.pk]),
            {"email": "x@example.com", "role": "owner"},
        )
        assert response.status_code == 403
        assert 'data-testid="invite-error"' in response.content.decode()
        assert not OrganizationInvitation.objects.exists()

    def test_invite_revoke_and_accept(self, client, org_with_roles, committed):
        organization, owner, *_ = org_with_roles
        client.force_login(owner)
        invite_url = reverse("accounts:organization-invite", args=[organization.pk])
        with committed():
            client.post(invite_url, {"email": "new@example.com", "role": "admin"})
            client.post(invite_url, {"email": "gone@example.com", "role": "recruiter"})
        gone = OrganizationInvitation.objects.get(email="gone@example.com")
        client.post(
            reverse("accounts:organization-invitation-revoke", args=[organization.pk, gone.pk])
        )
        gone.refresh_from_db()
        assert gone.status == "revoked"
        duplicate = client.post(invite_url, {"email": "NEW@example.com", "role": "recruiter"})
        assert duplicate.status_code == 400 and "pending invitation" in duplicate.content.decode()

        token = invitation_token(last_mail_to("new@example.com"))
        accept_url = reverse("accounts:invitation-accept", args=[token])
        anonymous = Client().get(accept_url)
        assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]

        wrong = Client()
        wrong.force_login(UserFactory(email="wrong@example.com"))
        assert 'data-testid="invitation-mismatch"' in wrong.get(accept_url).content.decode()
        refused = wrong.post(accept_url)
        assert (
            refused.status_code == 400
            and 'data-testid="invitation-error"' in refused.content.decode()
        )

        invitee_client = Client()
        invitee = UserFactory(email="new@example.com")
        invitee_client.force_login(invitee)
        assert (
            'data-testid="invitation-accept-submit"'
            in invitee_client.get(accept_url).content.decode()
        )
        accepted = invitee_client.post(accept_url)
        assert accepted["Location"] == reverse(
            "accounts:organization-detail", args=[organization.pk]
        )
        assert Membership.objects.get(organization=organization, user=invitee).role == "admin"
        assert invitee_client.post(accept_url).status_code == 400
        assert (
            Client().get(reverse("accounts:invitation-accept", args=["bogus"])).status_code == 302
        )
        assert (
            invitee_client.get(reverse("accounts:invitation-accept", args=["bogus"])).status_code
            == 404
        )

    def test_role_change_last_owner_and_removal(self, client, org_with_roles):
        organization, owner, _admin, member = org_with_roles
        client.force_login(owner)
        owner_membership = Membership.objects.get(user=owner)
        member_membership = Membership.objects.get(user=member)
        role_url = "accounts:organization-member-role"
        refused = client.post(
            reverse(role_url, args=[organization.pk, owner_membership.pk]),
            {"role": "recruiter"},
            follow=True,
        )
        assert "at least one owner" in refused.content.decode()
        assert Membership.objects.get(pk=owner_membership.pk).role == "owner"
        client.post(
            reverse(role_url, args=[organization.pk, member_membership.pk]), {"role": "admin"}
        )
        assert Membership.objects.get(pk=member_membership.pk).role == "admin"
        nonsense = client.post(
            reverse(role_url, args=[organization.pk, member_membership.pk]),
            {"role": "god"},
            follow=True,
        )
        assert "Choose one of the workspace roles" in nonsense.content.decode()
        client.post(
            reverse(
                "accounts:organization-member-remove", args=[organization.pk, member_membership.pk]
            )
        )
        assert not Membership.objects.filter(pk=member_membership.pk).exists()

    def test_member_leaves(self, client, org_with_roles):
        organization, _owner, _admin, member = org_with_roles
        client.force_login(member)
        membership = Membership.objects.get(user=member)
        response = client.post(
            reverse("accounts:organization-member-remove", args=[organization.pk, membership.pk])
        )
        assert response["Location"] == reverse("accounts:organizations")
        assert not Membership.objects.filter(pk=membership.pk).exists()

    def test_edit(self, client, org_with_roles):
        organization, _owner, admin, member = org_with_roles
        client.force_login(admin)
        client.post(
            reverse("accounts:organization-edit", args=[organization.pk]),
            {"name": "Renamed", "website": ""},
        )
        assert Organization.objects.get(pk=organization.pk).name == "Renamed"
        client.force_login(member)
        response = client.post(
            reverse("accounts:organization-edit", args=[organization.pk]),
            {"name": "Mine"},
            follow=True,
        )
        assert "Only owners and admins" in response.content.decode()
        assert Organization.objects.get(pk=organization.pk).name == "Renamed"
