"""Tokens carried by emailed links: email verification, password reset, sign-in links, organization
invitations."""

import enum
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode


class TokenStatus(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


class _ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """A signed link token that tells expired from invalid, with its own lifetime: the number of
    seconds in the setting that ``timeout_setting`` names (read at each check)."""

    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    def timeout_seconds(self) -> int:
        return getattr(settings, self.timeout_setting)

    def status(self, user, token) -> TokenStatus:
        if not (user and isinstance(token, str)):
            return TokenStatus.INVALID
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return TokenStatus.INVALID
        secrets_to_try = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in secrets_to_try
        ):
            return TokenStatus.INVALID
        if self._num_seconds(self._now()) - timestamp > self.timeout_seconds():
            return TokenStatus.EXPIRED
        return TokenStatus.VALID

    def check_token(self, user, token) -> bool:
        return self.status(user, token) is TokenStatus.VALID


class EmailVerificationTokenGenerator(_ExpiringTokenGenerator):
    """Valid for EMAIL_VERIFICATION_TIMEOUT; spent once the email is verified or changed."""

    key_salt = "craftwork.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}{user.email}{verified}{timestamp}"

    timeout_setting = "EMAIL_VERIFICATION_TIMEOUT"


class LoginLinkTokenGenerator(_ExpiringTokenGenerator):
    """The emailed one-time sign-in link: spent by any sign-in (last_login) or password change."""

    key_salt = "craftwork.accounts.tokens.LoginLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        last_login = "" if user.last_login is None else user.last_login.replace(tzinfo=None)
        return f"{user.pk}{user.password}{last_login}{user.email}{timestamp}"

    timeout_setting = "LOGIN_LINK_TIMEOUT"


email_verification_token = EmailVerificationTokenGenerator()
login_link_token = LoginLinkTokenGenerator()
password_reset_token = default_token_generator


def encode_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def decode_uid(uidb64) -> str | None:
    if not isinstance(uidb64, str) or len(uidb64) > 64:
        return None
    try:
        return force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
