"""JWT authentication that also honours access tokens revoked at logout."""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

REVOKED_PREFIX = "jwt-revoked:"


def revoke_access_token(token) -> None:
    """Deny an access token until it would have expired anyway (the cache is Redis in production)."""
    import time

    ttl = max(1, int(token["exp"] - time.time()))
    cache.set(REVOKED_PREFIX + str(token["jti"]), True, ttl)


def is_access_token_revoked(token) -> bool:
    return bool(cache.get(REVOKED_PREFIX + str(token.get("jti"))))


class RevocableJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if is_access_token_revoked(token):
            raise InvalidToken({"detail": _("Token has been revoked."), "code": "token_revoked"})
        return token
