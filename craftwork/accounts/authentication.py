"""JWT authentication that also honours revocation: a logged-out access token, a revoked token
family (logout, refresh token reuse) and a password change (the user's token version)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

REVOKED_PREFIX = "jwt-revoked:"
REVOKED_FAMILY_PREFIX = "jwt-family-revoked:"
FAMILY_CLAIM = "fam"
VERSION_CLAIM = "ver"


def _access_lifetime_seconds() -> int:
    return int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds())


def revoke_access_token(token) -> None:
    """Deny an access token until it would have expired anyway (the cache is Redis in production)."""
    ttl = max(1, int(token["exp"] - time.time()))
    cache.set(REVOKED_PREFIX + str(token["jti"]), True, ttl)


def revoke_family_access_tokens(family_id) -> None:
    """Deny every access token of a token family; none outlives ACCESS_TOKEN_LIFETIME."""
    cache.set(REVOKED_FAMILY_PREFIX + str(family_id), True, _access_lifetime_seconds())


def is_access_token_revoked(token) -> bool:
    keys = [REVOKED_PREFIX + str(token.get("jti"))]
    if token.get(FAMILY_CLAIM):
        keys.append(REVOKED_FAMILY_PREFIX + str(token[FAMILY_CLAIM]))
    return any(cache.get_many(keys).values())


def _revoked() -> InvalidToken:
    return InvalidToken({"detail": _("Token has been revoked."), "code": "token_revoked"})


class RevocableJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if is_access_token_revoked(token):
            raise _revoked()
        return token

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        # Tokens from before token versions carry none: they count as version 0.
        if validated_token.get(VERSION_CLAIM, 0) != user.token_version:
            raise _revoked()
        return user
