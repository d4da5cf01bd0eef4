"""Ending sessions: refresh token reuse revokes its family; a password change ends the others."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from craftwork.accounts import services
from craftwork.accounts.errors import InvalidRefreshToken
from craftwork.accounts.models import TokenFamily
from craftwork.accounts.tests.conftest import STRONG_PASSWORD
from craftwork.accounts.tests.factories import DEFAULT_PASSWORD
from craftwork.core.models import AuditLog

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
PASSWORD_CHANGE = "/api/v1/auth/password/change/"


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def code(response):
    return response.status_code, response.json().get("error", {}).get("code")


class TestRefreshTokenFamilies:
    def test_reusing_a_rotated_refresh_token_revokes_its_whole_family(self, user):
        first = services.token_pair_for(user)
        second = services.token_refresh(refresh=first["refresh"])
        third = services.token_refresh(refresh=second["refresh"])
        other_device = services.token_pair_for(user)

        with pytest.raises(InvalidRefreshToken):  # a stolen copy of the first token comes back
            services.token_refresh(refresh=first["refresh"])

        with pytest.raises(InvalidRefreshToken):  # the newest token of the family is dead too
            services.token_refresh(refresh=third["refresh"])
        assert code(bearer(third["access"]).get(ME)) == (401, "token_revoked")
        assert code(bearer(second["access"]).get(ME)) == (401, "token_revoked")
        # Another sign-in is another family: untouched.
        assert bearer(other_device["access"]).get(ME).status_code == 200
        assert services.token_refresh(refresh=other_device["refresh"])["access"]
        row = AuditLog.objects.get(action="token_family_revoked")
        assert row.details["reason"] == "refresh_token_reused"
        assert TokenFamily.objects.filter(user=user, revoked_at__isnull=False).count() == 1

    def test_reuse_over_the_api(self, api_client, user):
        first = services.token_pair_for(user)
        rotated = api_client.post(REFRESH, {"refresh": first["refresh"]}).json()
        assert code(api_client.post(REFRESH, {"refresh": first["refresh"]})) == (
            401,
            "token_not_valid",
        )
        assert code(api_client.post(REFRESH, {"refresh": rotated["refresh"]})) == (
            401,
            "token_not_valid",
        )
        assert code(bearer(rotated["access"]).get(ME)) == (401, "token_revoked")

    def test_logout_ends_the_whole_family(self, user):
        first = services.token_pair_for(user)
        second = services.token_refresh(refresh=first["refresh"])
        response = bearer(second["access"]).post(LOGOUT, {"refresh": second["refresh"]})
        assert response.status_code == 204
        assert code(bearer(first["access"]).get(ME)) == (401, "token_revoked")
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=second["refresh"])

    def test_a_token_from_before_families_still_rotates_once(self, user):
        legacy = RefreshToken.for_user(user)  # no family and no version claim
        assert bearer(str(legacy.access_token)).get(ME).status_code == 200
        pair = services.token_refresh(refresh=str(legacy))
        assert RefreshToken(pair["refresh"])["fam"]
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=str(legacy))
        assert services.token_refresh(refresh=pair["refresh"])["access"]


class TestPasswordChangeEndsOtherSessions:
    def test_api_change_kills_other_sessions_access_tokens(self, user):
        mine, theirs = services.token_pair_for(user), services.token_pair_for(user)
        response = bearer(mine["access"]).post(
            PASSWORD_CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": STRONG_PASSWORD}
        )
        assert response.status_code == 200
        assert code(bearer(theirs["access"]).get(ME)) == (401, "token_revoked")
        with pytest.raises(InvalidRefreshToken):
            services.token_refresh(refresh=theirs["refresh"])
        fresh = response.json()
        assert bearer(fresh["access"]).get(ME).status_code == 200
        assert services.token_refresh(refresh=fresh["refresh"])["access"]

    def test_web_change_ends_other_web_and_api_sessions_but_keeps_this_one(self, user):
        this_browser, other_browser = Client(), Client()
        for browser in (this_browser, other_browser):
            browser.post(
                reverse("accounts:login"), {"email": user.email, "password": DEFAULT_PASSWORD}
            )
        api = services.token_pair_for(user)
        response = this_browser.post(
            reverse("accounts:password-change"),
            {
                "old_password": DEFAULT_PASSWORD,
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert this_browser.get(reverse("accounts:settings")).status_code == 200
        assert other_browser.get(reverse("accounts:settings")).status_code == 302  # to login
        assert code(bearer(api["access"]).get(ME)) == (401, "token_revoked")

    def test_password_reset_ends_every_api_session(self, user):
        pair = services.token_pair_for(user)
        from craftwork.accounts.tokens import encode_uid, password_reset_token

        services.password_reset_confirm(
            uidb64=encode_uid(user),
            token=password_reset_token.make_token(user),
            new_password=STRONG_PASSWORD,
        )
        assert code(bearer(pair["access"]).get(ME)) == (401, "token_revoked")


def test_deploy_check_asks_for_a_shared_cache():
    from django.test import override_settings

    from craftwork.accounts.checks import shared_cache

    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    with override_settings(CACHES=local):
        assert [message.id for message in shared_cache()] == ["accounts.W001"]
    with override_settings(CACHES=redis):
        assert shared_cache() == []
