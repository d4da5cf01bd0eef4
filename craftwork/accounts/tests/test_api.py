from datetime import timedelta
from io import BytesIO

import jwt
import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from craftwork.accounts import services
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
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
PASSWORD_CHANGE = "/api/v1/auth/password/change/"
RESET = "/api/v1/auth/password/reset/"
RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"
ME = "/api/v1/me/"
AVATAR = "/api/v1/me/avatar/"
SWITCH = "/api/v1/me/switch-view/"
ROLES = "/api/v1/me/roles/"
ORGS = "/api/v1/organizations/"
ACCEPT = "/api/v1/invitations/accept/"


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def signup_body(**overrides):
    body = {
        "email": "ada@example.com",
        "password": STRONG_PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "roles": ["client"],
    }
    body.update(overrides)
    return body


def bearer(client: APIClient, access: str) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def login(api_client, user, password=DEFAULT_PASSWORD):
    response = api_client.post(TOKEN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def png_bytes():
    buffer = BytesIO()
    Image.new("RGB", (40, 40), (0, 90, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "me.png"
    return buffer


# --- signup & verification -------------------------------------------------------------------


class TestSignup:
    def test_signup_then_verify(self, api_client, committed):
        with committed():
            response = api_client.post(
                SIGNUP, signup_body(email="Ada@Example.com", roles=["client", "freelancer"])
            )
        assert response.status_code == 202, response.content
        assert set(response.json()) == {"detail"}
        user = User.objects.get(email="ada@example.com")
        assert user.is_client and user.is_freelancer and not user.email_verified
        uid, token = verification_parts(last_mail_to("ada@example.com"))
        verified = api_client.post(VERIFY, {"uid": uid, "token": token})
        assert verified.status_code == 200 and verified.json()["email_verified"] is True
        assert_error(api_client.post(VERIFY, {"uid": uid, "token": token}), 409, "already_verified")

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"email": "nope"}, "email"),
            ({"password": "123"}, "password"),
            ({"roles": []}, "roles"),
            ({"roles": ["staff"]}, "roles"),
            ({"roles": "client"}, "roles"),
            ({"first_name": "x" * 10_000}, "first_name"),
            ({"email": "a" * 300 + "@example.com"}, "email"),
            ({"password": "p" * 10_000}, "password"),
            ({"first_name": ["Ada"]}, "first_name"),
            ({"first_name": {"x": 1}}, "first_name"),
            ({"language": "xx"}, "language"),
            ({"timezone": "Nowhere/City"}, "timezone"),
            ({"timezone": "t" * 100}, "timezone"),
        ],
    )
    def test_bad_input(self, api_client, overrides, field):
        error = assert_error(api_client.post(SIGNUP, signup_body(**overrides)), 400, None)
        assert field in error["details"]
        assert not User.objects.exists()

    def test_unknown_fields_are_rejected(self, api_client):
        error = assert_error(
            api_client.post(SIGNUP, signup_body(is_staff=True)), 400, "validation_error"
        )
        assert error["details"]["is_staff"][0]
        assert not User.objects.exists()

    def test_missing_fields(self, api_client):
        error = assert_error(api_client.post(SIGNUP, {}), 400, "validation_error")
        assert {"email", "password", "first_name", "roles"} <= set(error["details"])

    def test_not_an_object(self, api_client):
        assert_error(api_client.post(SIGNUP, ["a", "b"]), 400, "validation_error")

    @pytest.mark.parametrize(
        "body", [{"uid": "x", "token": "1-2"}, {"uid": "", "token": ""}, {"uid": 5}]
    )
    def test_verify_with_garbage(self, api_client, body):
        assert_error(api_client.post(VERIFY, body), 400)

    def test_resend_requires_auth_and_has_cooldown(self, api_client, committed):
        user = UserFactory(email_verified_at=None)
        assert_error(api_client.post(RESEND), 401, "not_authenticated")
        api_client.force_authenticate(user)
        with committed():
            assert api_client.post(RESEND).status_code == 202
        assert len(mail.outbox) == 1
        response = api_client.post(RESEND)
        assert_error(response, 429, "resend_too_soon")
        assert int(response["Retry-After"]) > 0


# --- tokens, lockout, logout -------------------------------------------------------------------


class TestTokens:
    def test_token_pair_works_on_me(self, api_client, user):
        pair = login(api_client, user)
        assert set(pair) == {"access", "refresh"}
        me = bearer(APIClient(), pair["access"]).get(ME)
        assert me.status_code == 200 and me.json()["email"] == user.email
        assert AuditLog.objects.filter(action="login", actor=user).count() == 1

    def test_bad_credentials(self, api_client, user):
        assert_error(
            api_client.post(TOKEN, {"email": user.email, "password": "nope"}),
            401,
            "invalid_credentials",
        )
        assert_error(
            api_client.post(TOKEN, {"email": "ghost@example.com", "password": "nope"}),
            401,
            "invalid_credentials",
        )
        assert AuditLog.objects.filter(action="login_failed").count() == 2

    def test_token_input_is_strict(self, api_client, user):
        error = assert_error(
            api_client.post(
                TOKEN, {"email": user.email, "password": DEFAULT_PASSWORD, "username": "x"}
            ),
            400,
        )
        assert "username" in error["details"]
        assert_error(
            api_client.post(TOKEN, {"email": user.email, "password": "p" * 5000}),
            400,
            "validation_error",
        )

    def test_brute_force_locks_the_account(self, api_client, user, settings):
        settings.LOGIN_FAILURE_LIMIT = 3
        for _ in range(2):
            assert_error(api_client.post(TOKEN, {"email": user.email, "password": "guess"}), 401)
        locked = api_client.post(TOKEN, {"email": user.email, "password": "guess"})
        error = assert_error(locked, 429, "account_locked")
        assert int(locked["Retry-After"]) == settings.LOGIN_BACKOFF_SECONDS
        assert error["details"]["retry_after_seconds"] == settings.LOGIN_BACKOFF_SECONDS
        right = api_client.post(TOKEN, {"email": user.email, "password": DEFAULT_PASSWORD})
        assert_error(right, 429, "account_locked")
        assert AuditLog.objects.filter(action="lockout").count() == 1

    def test_refresh_rotates_and_old_refresh_is_dead(self, api_client, user):
        pair = login(api_client, user)
        rotated = api_client.post(REFRESH, {"refresh": pair["refresh"]})
        assert rotated.status_code == 200
        new = rotated.json()
        assert set(new) == {"access", "refresh"} and new["refresh"] != pair["refresh"]
        assert api_client.post(REFRESH, {"refresh": new["refresh"]}).status_code == 200
        assert_error(api_client.post(REFRESH, {"refresh": pair["refresh"]}), 401, "token_not_valid")

    def test_refresh_with_access_token_or_garbage(self, api_client, user):
        pair = login(api_client, user)
        assert_error(api_client.post(REFRESH, {"refresh": pair["access"]}), 401, "token_not_valid")
        assert_error(api_client.post(REFRESH, {"refresh": "garbage"}), 401, "token_not_valid")
        assert_error(api_client.post(REFRESH, {"refresh": "x" * 5000}), 400, "validation_error")
        assert_error(api_client.post(REFRESH, {}), 400, "validation_error")

    def test_logout_revokes_refresh_and_access(self, api_client, user):
        pair = login(api_client, user)
        client = bearer(APIClient(), pair["access"])
        assert client.post(LOGOUT, {"refresh": pair["refresh"]}).status_code == 204
        assert_error(client.get(ME), 401, "token_revoked")
        assert_error(api_client.post(REFRESH, {"refresh": pair["refresh"]}), 401, "token_not_valid")
        assert AuditLog.objects.filter(action="logout", actor=user).exists()

    def test_logout_with_another_users_refresh(self, api_client, user, freelancer):
        mine, theirs = login(api_client, user), login(APIClient(), freelancer)
        response = bearer(APIClient(), mine["access"]).post(LOGOUT, {"refresh": theirs["refresh"]})
        assert_error(response, 401, "token_not_valid")
        assert api_client.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200

    def test_expired_access_token(self, user):
        token = AccessToken.for_user(user)
        token.set_exp(from_time=timezone.now() - timedelta(hours=2), lifetime=timedelta(minutes=5))
        assert_error(bearer(APIClient(), str(token)).get(ME), 401, "token_not_valid")

    def test_forged_access_token(self, user, settings):
        token = AccessToken.for_user(user)
        forged = jwt.encode(
            dict(token.payload), "not-the-signing-key-but-long-enough-for-hs256", algorithm="HS256"
        )
        assert_error(bearer(APIClient(), forged).get(ME), 401, "token_not_valid")
        header, payload, signature = str(token).split(".")
        tampered = f"{header}.{payload}.{signature[::-1]}"
        assert_error(bearer(APIClient(), tampered).get(ME), 401, "token_not_valid")

    def test_password_change_returns_fresh_tokens_and_kills_old_ones(self, api_client, user):
        pair = login(api_client, user)
        client = bearer(APIClient(), pair["access"])
        bad = client.post(
            PASSWORD_CHANGE, {"old_password": "wrong", "new_password": STRONG_PASSWORD}
        )
        assert_error(bad, 400, "wrong_password")
        weak = client.post(PASSWORD_CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": "1"})
        assert "new_password" in assert_error(weak, 400)["details"]
        ok = client.post(
            PASSWORD_CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": STRONG_PASSWORD}
        )
        assert ok.status_code == 200
        assert_error(client.get(ME), 401, "token_revoked")
        assert_error(api_client.post(REFRESH, {"refresh": pair["refresh"]}), 401, "token_not_valid")
        assert bearer(APIClient(), ok.json()["access"]).get(ME).status_code == 200
        assert login(APIClient(), user, STRONG_PASSWORD)


class TestPasswordReset:
    def test_same_answer_for_known_and_unknown_email(self, api_client, user, committed):
        with committed():
            known = api_client.post(RESET, {"email": user.email})
            unknown = api_client.post(RESET, {"email": "ghost@example.com"})
        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()
        assert [m.to for m in mail.outbox] == [[user.email]]

    def test_confirm_then_login(self, api_client, user, committed):
        with committed():
            api_client.post(RESET, {"email": user.email})
        uid, token = reset_parts(last_mail_to(user.email))
        body = {"uid": uid, "token": token, "new_password": STRONG_PASSWORD}
        assert api_client.post(RESET_CONFIRM, body).status_code == 204
        assert_error(api_client.post(RESET_CONFIRM, body), 400, "invalid_token")
        login(api_client, user, STRONG_PASSWORD)

    @pytest.mark.parametrize(
        "body,code",
        [
            ({"uid": "MTIz", "token": "abc-def", "new_password": STRONG_PASSWORD}, "invalid_token"),
            ({"uid": "MTIz", "token": "abc-def"}, "validation_error"),
            (
                {"uid": "MTIz", "token": "t" * 500, "new_password": STRONG_PASSWORD},
                "validation_error",
            ),
        ],
    )
    def test_confirm_bad_input(self, api_client, body, code):
        assert_error(api_client.post(RESET_CONFIRM, body), 400, code)

    def test_malformed_email(self, api_client):
        assert "email" in assert_error(api_client.post(RESET, {"email": "nope"}), 400)["details"]


class TestScopedThrottles:
    def test_auth_scope_limits_token_requests(self, api_client, user, monkeypatch):
        from craftwork.core.api.throttling import ScopedRateThrottle

        monkeypatch.setattr(
            ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute", "signup": "1/minute"}
        )
        for _ in range(2):
            api_client.post(TOKEN, {"email": user.email, "password": DEFAULT_PASSWORD})
        blocked = api_client.post(TOKEN, {"email": user.email, "password": DEFAULT_PASSWORD})
        assert_error(blocked, 429, "throttled")
        assert blocked["X-RateLimit-Limit"] == "2"
        api_client.post(SIGNUP, signup_body())
        assert_error(api_client.post(SIGNUP, signup_body(email="b@example.com")), 429, "throttled")


# --- me --------------------------------------------------------------------------------------------


class TestMe:
    def test_requires_auth(self, api_client):
        assert_error(api_client.get(ME), 401, "not_authenticated")

    def test_update(self, auth_client):
        response = auth_client.patch(
            ME, {"first_name": "Grace", "timezone": "America/New_York", "language": "es"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["first_name"], body["timezone"], body["language"]) == (
            "Grace",
            "America/New_York",
            "es",
        )

    @pytest.mark.parametrize(
        "body,field",
        [
            ({"email": "new@example.com"}, "email"),
            ({"is_staff": True}, "is_staff"),
            ({"is_freelancer": True}, "is_freelancer"),
            ({"first_name": ""}, "first_name"),
            ({"first_name": "x" * 81}, "first_name"),
            ({"timezone": "Mars/Base"}, "timezone"),
            ({"language": 7}, "language"),
            ({"first_name": None}, "first_name"),
        ],
    )
    def test_bad_updates_change_nothing(self, auth_client, body, field):
        before = User.objects.values().get(pk=auth_client.user.pk)
        assert field in assert_error(auth_client.patch(ME, body), 400)["details"]
        after = User.objects.values().get(pk=auth_client.user.pk)
        assert {k: v for k, v in after.items() if k != "updated_at"} == {
            k: v for k, v in before.items() if k != "updated_at"
        }

    def test_switch_view(self, auth_client):
        error = assert_error(auth_client.post(SWITCH, {"view": "freelancer"}), 400, "role_not_held")
        assert "view" in error["details"]
        assert auth_client.post(ROLES, {"role": "freelancer"}).json()["roles"] == [
            "client",
            "freelancer",
        ]
        assert (
            auth_client.post(SWITCH, {"view": "freelancer"}).json()["active_view"] == "freelancer"
        )
        assert_error(auth_client.post(SWITCH, {"view": "admin"}), 400, "validation_error")
        assert_error(auth_client.post(ROLES, {"role": "admin"}), 400, "validation_error")
        assert AuditLog.objects.filter(action="role_added").count() == 1

    def test_avatar_upload_and_delete(self, auth_client):
        response = auth_client.post(AVATAR, {"avatar": png_bytes()}, format="multipart")
        assert response.status_code == 200, response.content
        assert response.json()["avatar"].endswith(".jpg")
        deleted = auth_client.delete(AVATAR)
        assert deleted.status_code == 200 and deleted.json()["avatar"] is None

    def test_avatar_rejects_non_images_and_json(self, auth_client):
        fake = BytesIO(b"GIF89a-not-really")
        fake.name = "x.gif"
        error = assert_error(
            auth_client.post(AVATAR, {"avatar": fake}, format="multipart"), 400, "invalid_image"
        )
        assert "avatar" in error["details"]
        assert_error(auth_client.post(AVATAR, {"avatar": "x"}, format="json"), 415)
        assert_error(auth_client.post(AVATAR, {}, format="multipart"), 400, "validation_error")
        assert not User.objects.get(pk=auth_client.user.pk).avatar


# --- organizations ------------------------------------------------------------------------------------


def org_url(organization, suffix=""):
    return f"{ORGS}{organization.pk}/{suffix}"


class TestOrganizations:
    def test_create_list_retrieve_update(self, auth_client):
        created = auth_client.post(ORGS, {"name": "Acme", "website": "https://acme.test"})
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["my_role"] == "owner" and body["member_count"] == 1 and body["slug"] == "acme"
        OrganizationFactory()  # not mine
        listing = auth_client.get(ORGS).json()
        assert [o["id"] for o in listing["results"]] == [body["id"]]
        organization = Organization.objects.get(pk=body["id"])
        assert auth_client.get(org_url(organization)).json()["name"] == "Acme"
        patched = auth_client.patch(org_url(organization), {"name": "Acme Inc"})
        assert patched.status_code == 200 and patched.json()["name"] == "Acme Inc"

    @pytest.mark.parametrize(
        "body,field",
        [
            ({}, "name"),
            ({"name": "x" * 151}, "name"),
            ({"name": "A", "website": "javascript:alert(1)"}, "website"),
            ({"name": "A", "slug": "mine"}, "slug"),
        ],
    )
    def test_create_bad_input(self, auth_client, body, field):
        assert field in assert_error(auth_client.post(ORGS, body), 400)["details"]
        assert not Organization.objects.exists()

    def test_another_users_organization_is_404_and_unchanged(self, auth_client, org_with_roles):
        organization, *_ = org_with_roles
        assert_error(auth_client.get(org_url(organization)), 404, "not_found")
        assert_error(auth_client.patch(org_url(organization), {"name": "Mine"}), 404)
        assert_error(auth_client.get(org_url(organization, "members/")), 404)
        assert_error(
            auth_client.post(org_url(organization, "invitations/"), {"email": "x@example.com"}), 404
        )
        assert Organization.objects.get(pk=organization.pk).name == "Acme"

    def test_member_cannot_update_or_invite(self, api_client, org_with_roles):
        organization, _owner, _admin, member = org_with_roles
        api_client.force_authenticate(member)
        assert_error(
            api_client.patch(org_url(organization), {"name": "Mine"}), 403, "permission_denied"
        )
        assert_error(
            api_client.post(org_url(organization, "invitations/"), {"email": "x@example.com"}), 403
        )
        assert_error(api_client.get(org_url(organization, "invitations/")), 403)
        assert api_client.get(org_url(organization, "members/")).status_code == 200
        assert not OrganizationInvitation.objects.exists()

    def test_members_role_change_and_removal(self, api_client, org_with_roles):
        organization, owner, admin, member = org_with_roles
        api_client.force_authenticate(owner)
        members = api_client.get(org_url(organization, "members/")).json()["results"]
        assert {m["user"]["id"] for m in members} == {str(owner.pk), str(admin.pk), str(member.pk)}
        owner_membership = Membership.objects.get(user=owner)
        member_membership = Membership.objects.get(user=member)
        demote_self = api_client.patch(
            org_url(organization, f"members/{owner_membership.pk}/"), {"role": "admin"}
        )
        assert_error(demote_self, 409, "last_owner")
        promoted = api_client.patch(
            org_url(organization, f"members/{member_membership.pk}/"), {"role": "admin"}
        )
        assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
        assert_error(
            api_client.patch(
                org_url(organization, f"members/{member_membership.pk}/"), {"role": "god"}
            ),
            400,
        )
        assert_error(
            api_client.patch(
                org_url(organization, f"members/{member_membership.pk}/"), {"role": "admin", "x": 1}
            ),
            400,
        )
        assert (
            api_client.delete(org_url(organization, f"members/{member_membership.pk}/")).status_code
            == 204
        )
        assert not Membership.objects.filter(pk=member_membership.pk).exists()

    def test_membership_of_another_organization_is_404(self, api_client, org_with_roles):
        organization, owner, *_ = org_with_roles
        stranger = MembershipFactory()
        api_client.force_authenticate(owner)
        url = org_url(organization, f"members/{stranger.pk}/")
        assert_error(api_client.patch(url, {"role": "admin"}), 404)
        assert_error(api_client.delete(url), 404)
        assert Membership.objects.filter(pk=stranger.pk, role="recruiter").exists()

    def test_invite_list_accept_revoke(self, api_client, org_with_roles, committed):
        organization, _owner, admin, _member = org_with_roles
        api_client.force_authenticate(admin)
        with committed():
            created = api_client.post(
                org_url(organization, "invitations/"), {"email": "new@example.com"}
            )
        assert created.status_code == 201, created.content
        assert created.json()["role"] == "recruiter" and "token" not in created.json()
        owner_invite = api_client.post(
            org_url(organization, "invitations/"), {"email": "o@example.com", "role": "owner"}
        )
        assert_error(owner_invite, 403)
        listing = api_client.get(org_url(organization, "invitations/")).json()["results"]
        assert [i["email"] for i in listing] == ["new@example.com"]
        token = invitation_token(last_mail_to("new@example.com"))

        stranger = APIClient()
        stranger.force_authenticate(UserFactory(email="other@example.com"))
        assert_error(stranger.post(ACCEPT, {"token": token}), 403, "invitation_email_mismatch")

        invitee = APIClient()
        invitee.force_authenticate(UserFactory(email="new@example.com"))
        assert_error(invitee.post(ACCEPT, {"token": "bogus"}), 404, "invitation_not_found")
        accepted = invitee.post(ACCEPT, {"token": token})
        assert accepted.status_code == 200 and accepted.json()["my_role"] == "recruiter"
        assert_error(invitee.post(ACCEPT, {"token": token}), 409, "invitation_used")

        with committed():
            second = api_client.post(
                org_url(organization, "invitations/"), {"email": "late@example.com"}
            ).json()
        assert (
            api_client.delete(org_url(organization, f"invitations/{second['id']}/")).status_code
            == 204
        )
        assert_error(api_client.delete(org_url(organization, f"invitations/{second['id']}/")), 409)
        late = APIClient()
        late.force_authenticate(UserFactory(email="late@example.com"))
        assert_error(
            late.post(ACCEPT, {"token": invitation_token(last_mail_to("late@example.com"))}), 400
        )

    def test_expired_invitation(self, api_client, org_with_roles, committed):
        organization, owner, *_ = org_with_roles
        api_client.force_authenticate(owner)
        with committed():
            api_client.post(org_url(organization, "invitations/"), {"email": "new@example.com"})
        OrganizationInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        invitee = APIClient()
        invitee.force_authenticate(UserFactory(email="new@example.com"))
        token = invitation_token(last_mail_to("new@example.com"))
        assert_error(invitee.post(ACCEPT, {"token": token}), 400, "invitation_expired")

    def test_revoke_another_organizations_invitation_is_404(
        self, api_client, org_with_roles, committed
    ):
        organization, owner, *_ = org_with_roles
        other_owner = UserFactory()
        with committed():
            other = services.organization_create(actor=other_owner, name="Other")
            invitation = services.organization_invite(
                actor=other_owner, organization=other, email="z@example.com"
            )
        api_client.force_authenticate(owner)
        assert_error(api_client.delete(org_url(organization, f"invitations/{invitation.pk}/")), 404)
        invitation.refresh_from_db()
        assert invitation.status == "pending"


class TestQueryCounts:
    def test_organization_list(self, auth_client, django_assert_max_num_queries):
        for index in range(15):
            organization = OrganizationFactory(name=f"Org {index}")
            MembershipFactory(organization=organization, user=auth_client.user, role="owner")
            MembershipFactory(organization=organization)
        with django_assert_max_num_queries(3):
            response = auth_client.get(ORGS)
        assert len(response.json()["results"]) == 15
        assert all(o["member_count"] == 2 for o in response.json()["results"])

    def test_member_list(self, auth_client, django_assert_max_num_queries):
        organization = OrganizationFactory()
        MembershipFactory(organization=organization, user=auth_client.user, role="owner")
        for _ in range(15):
            MembershipFactory(organization=organization)
        with django_assert_max_num_queries(4):
            response = auth_client.get(org_url(organization, "members/"))
        assert len(response.json()["results"]) == 16

    def test_invitation_list(self, auth_client, django_assert_max_num_queries, committed):
        organization = services.organization_create(actor=auth_client.user, name="Acme")
        with committed():
            for index in range(12):
                services.organization_invite(
                    actor=auth_client.user, organization=organization, email=f"p{index}@example.com"
                )
        with django_assert_max_num_queries(5):
            response = auth_client.get(org_url(organization, "invitations/"))
        assert len(response.json()["results"]) == 12


def test_schema_documents_the_endpoints(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/organizations/{id}/members/",
        "/api/v1/me/avatar/",
    ]:
        assert path in text
