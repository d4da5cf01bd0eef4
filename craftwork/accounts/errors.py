"""Errors of the accounts domain, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError, ValidationFailed


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status_code = 401
    default_message = _("The email address or password is not correct.")


class TooManyAttempts(DomainError):
    """Refused for a while; ``retry_after`` says how many seconds."""

    code = "too_many_attempts"
    status_code = 429
    default_message = _("Too many attempts. Please try again later.")

    def __init__(self, message=None, *, retry_after: int, code: str | None = None):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, code=code, details={"retry_after_seconds": self.retry_after})


class AccountLocked(TooManyAttempts):
    code = "account_locked"
    default_message = _(
        "Too many failed sign-in attempts. This account is locked for a while; try again later "
        "or reset your password."
    )


class AccountProtected(TooManyAttempts):
    """Too many failures on the account from everywhere: only the emailed link gets in for now."""

    code = "account_protected"
    default_message = _(
        "Too many failed sign-in attempts on this account. Signing in with the password is "
        "paused for a while. If the address has an account, we emailed it a link to sign in."
    )


class InvalidToken(ValidationFailed):
    code = "invalid_token"
    default_message = _("This link is invalid or has already been used.")


class ExpiredToken(ValidationFailed):
    code = "token_expired"
    default_message = _("This link has expired. Please ask for a new one.")


class InvalidRefreshToken(DomainError):
    """A refresh token that is malformed, forged, expired or already used (blacklisted)."""

    code = "token_not_valid"
    status_code = 401
    default_message = _("Token is invalid or expired.")
