"""Every write of the accounts app: sign-up, verification, login, passwords, settings, organizations."""

import hashlib
import secrets
import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from craftwork.core.audit import audit
from craftwork.core.context import current_ip
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.core.files import reencode_image, validate_image
from craftwork.staffroles import access

from . import lockout, selectors, tasks
from .authentication import (
    FAMILY_CLAIM,
    VERSION_CLAIM,
    revoke_access_token,
    revoke_family_access_tokens,
)
from .errors import (
    AccountLocked,
    AccountProtected,
    ExpiredToken,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidToken,
    TooManyAttempts,
)
from .models import Membership, Organization, OrganizationInvitation, TokenFamily, User
from .tokens import (
    TokenStatus,
    email_verification_token,
    hash_invitation_token,
    login_link_token,
    new_invitation_token,
)

ROLE_FIELDS = {User.View.CLIENT: "is_client", User.View.FREELANCER: "is_freelancer"}
VERIFICATION_RESEND_COOLDOWN_SECONDS = 60
PASSWORD_RESET_EMAILS_PER_HOUR = 3  # also sign-up notices: mail a stranger can make someone get
AVATAR_MAX_SIZE = (512, 512)
_PASSWORD_CHECK = ModelBackend()  # Django's check: hashes even for unknown emails (timing)

# --- validation helpers -----------------------------------------------------------


def _field_errors(errors: dict) -> ValidationFailed:
    return ValidationFailed(
        details={field: [str(m) for m in messages] for field, messages in errors.items()}
    )


def _normalized_email(email, errors: dict, field: str = "email") -> str:
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(email)
        if len(email) > 254:
            raise DjangoValidationError(_("Enter a valid email address."))
    except DjangoValidationError:
        errors[field] = [_("Enter a valid email address.")]
    return email


def _model_field_errors(instance, fields: list[str], errors: dict) -> None:
    """Run the model's own field validation (max length, choices, blank) on ``fields``."""
    exclude = [f.name for f in instance._meta.fields if f.name not in fields]
    try:
        instance.clean_fields(exclude=exclude)
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _password_errors(password, user, errors: dict, field: str) -> None:
    if not isinstance(password, str) or not password:
        errors[field] = [_("Enter a password.")]
        return
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        errors[field] = list(exc.messages)


def _clean_roles(roles, errors: dict) -> set[str]:
    roles = set(roles or ())
    if not roles:
        errors["roles"] = [_("Choose at least one: hire, work, or both.")]
    elif not roles <= set(ROLE_FIELDS):
        errors["roles"] = [_("Unknown role.")]
    return roles


def _timezone_errors(value, errors: dict) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        errors["timezone"] = [_("Choose a valid time zone.")]


def _on_commit(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


# --- sign-up and email verification -------------------------------------------------


def user_signup(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str = "",
    roles,
    language: str = "en",
    timezone: str = "UTC",
) -> User | None:
    """Create an account and email it a verification link.

    For an address that has an account already nothing is created and its owner is emailed
    instead ("someone tried to sign up with your address"); the result is None, and callers
    answer exactly as for a new account, so sign-up does not tell who is registered.
    """
    errors: dict = {}
    email = _normalized_email(email, errors)
    roles = _clean_roles(roles, errors)
    user = User(
        email=email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        language=language,
        timezone=timezone,
        active_view=User.View.CLIENT if User.View.CLIENT in roles else User.View.FREELANCER,
        **{field: role in roles for role, field in ROLE_FIELDS.items()},
    )
    _model_field_errors(user, ["first_name", "last_name", "language", "timezone"], errors)
    _password_errors(password, user, errors, "password")
    if errors:
        raise _field_errors(errors)
    user.set_password(password)  # hashed either way: the answer takes as long for both
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # a concurrent sign-up with the same email won the race
                existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            _signup_with_existing_email(existing)
            return None
        audit(actor=user, action="signup", target=user, details={"roles": sorted(roles)})
        publish(
            "accounts.user_signed_up",
            payload={"user_id": str(user.pk), "roles": sorted(roles)},
            actor=user,
        )
        _on_commit(tasks.send_verification_email, str(user.pk))
    return user


def _signup_with_existing_email(user: User) -> None:
    audit(actor=None, action="signup_existing_email", target=user)
    if user.is_active and _within_hourly_email_budget(f"accounts:signup-notice:{user.pk}"):
        _on_commit(tasks.send_signup_attempt_email, str(user.pk))


def _within_hourly_email_budget(key: str) -> bool:
    """Bound the mail a stranger can make someone receive."""
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:
        sent = 1
    return sent <= PASSWORD_RESET_EMAILS_PER_HOUR


def user_verify_email(*, uidb64: str, token: str) -> User:
    user = selectors.active_user_from_uid(uidb64)
    status = email_verification_token.status(user, token) if user else TokenStatus.INVALID
    if status is not TokenStatus.VALID:
        if user is not None and user.email_verified:
            raise Conflict(_("Your email address is already verified."), code="already_verified")
        raise ExpiredToken() if status is TokenStatus.EXPIRED else InvalidToken()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_verified:  # a double submit that lost the race
            raise Conflict(_("Your email address is already verified."), code="already_verified")
        user.email_verified_at = dj_timezone.now()
        user.save(update_fields=["email_verified_at", "updated_at"])
        audit(actor=user, action="email_verified", target=user, details={"email": user.email})
        publish("accounts.email_verified", payload={"user_id": str(user.pk)}, actor=user)
    return user


def user_resend_verification(*, actor: User) -> None:
    if actor.email_verified:
        raise Conflict(_("Your email address is already verified."), code="already_verified")
    if not cache.add(
        f"accounts:verify-resend:{actor.pk}", 1, timeout=VERIFICATION_RESEND_COOLDOWN_SECONDS
    ):
        raise TooManyAttempts(
            _("We just sent you an email. Please wait a minute before asking again."),
            code="resend_too_soon",
            retry_after=VERIFICATION_RESEND_COOLDOWN_SECONDS,
        )
    _on_commit(tasks.send_verification_email, str(actor.pk))


# --- login, logout, API tokens -----------------------------------------------------


def user_login(*, email: str, password: str, ip: str | None = None) -> User:
    """The one password check: the web form, the API token, the admin login and the
    authentication backend (anything calling ``authenticate()``) all come here.

    Pauses come from craftwork.accounts.lockout. Failures are audited outside any transaction so
    the record survives the refusal.
    """
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    ip = ip if ip is not None else current_ip.get()
    pause = lockout.current_pause(email, ip)
    if pause:
        details = {"email": email, "reason": "paused", "scope": pause.scope.value}
        audit(actor=None, action="login_failed", details=details)
        raise _paused(pause)
    user = _PASSWORD_CHECK.authenticate(None, username=email, password=password)
    if user is None:
        _login_failed(email, ip)
    lockout.record_success(email, ip)
    return _signed_in(user, method="password")


def _paused(pause: lockout.Pause) -> TooManyAttempts:
    if pause.scope is lockout.Scope.ACCOUNT:
        return AccountProtected(retry_after=pause.seconds)
    if pause.scope is lockout.Scope.SOURCE:
        return TooManyAttempts(retry_after=pause.seconds)
    return AccountLocked(retry_after=pause.seconds)


def _signed_in(user: User, *, method: str) -> User:
    with transaction.atomic():
        user.last_login = dj_timezone.now()
        user.save(update_fields=["last_login"])
        audit(actor=user, action="login", target=user, details={"method": method})
    return user


def _login_failed(email: str, ip: str | None):
    count = lockout.record_failure(email, ip)
    known = User.objects.filter(email__iexact=email).first() if email else None
    audit(
        actor=None,
        action="login_failed",
        target=known,
        details={"email": email, "reason": "bad_credentials"},
    )
    if count.pause is None:
        raise InvalidCredentials()
    details = {
        "email": email,
        "scope": count.pause.scope.value,
        "failures": count.for_email,
        "failures_from_ip": count.for_email_and_ip,
        "seconds": count.pause.seconds,
    }
    with transaction.atomic():
        audit(actor=None, action="lockout", target=known, details=details)
        if count.pause.scope is lockout.Scope.ACCOUNT and known is not None and known.is_active:
            _on_commit(tasks.send_login_link_email, str(known.pk))
    raise _paused(count.pause)


def user_login_with_link(*, uidb64: str, token: str, ip: str | None = None) -> User:
    """Sign in with the one-time link emailed when the account's password sign-in was paused.

    The link lifts the pause. Signing in changes last_login, which spends the link; the row lock
    makes two clicks on one link sign in once.
    """
    user = selectors.active_user_from_uid(uidb64)
    status = login_link_token.status(user, token) if user else TokenStatus.INVALID
    if status is TokenStatus.EXPIRED:
        raise ExpiredToken()
    if status is not TokenStatus.VALID:
        raise InvalidToken()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not login_link_token.check_token(user, token):
            raise InvalidToken()
        _signed_in(user, method="link")
    lockout.clear(user.email, ip if ip is not None else current_ip.get())
    return user


def token_pair_for(user: User, *, family: TokenFamily | None = None) -> dict:
    """A new access + refresh pair: a sign-in starts a token family, a rotation continues one."""
    with transaction.atomic():
        if family is None:
            family = TokenFamily.objects.create(user=user)
        refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = str(family.pk)
    refresh[VERSION_CLAIM] = user.token_version
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _refresh_token(raw: str) -> RefreshToken:
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc), details={"refresh": [str(exc)]}) from exc


def _refresh_claims(raw: str) -> UntypedToken:
    """A refresh token checked for signature, expiry and type, but not the blacklist: a used one
    must be recognised as such."""
    try:
        token = UntypedToken(raw)
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc), details={"refresh": [str(exc)]}) from exc
    if token.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or not token.get("jti"):
        raise InvalidRefreshToken()
    return token


def token_refresh(*, refresh: str) -> dict:
    """Rotate: the refresh token sent is blacklisted and a new pair of its family is issued.

    A refresh token used twice means two parties hold it: its whole family is revoked (every
    refresh and access token of that sign-in) and both are refused. The family row is locked,
    so concurrent uses of one family run one after the other.
    """
    claims = _refresh_claims(refresh)
    with transaction.atomic():
        family = _locked_family(claims)
        reused = BlacklistedToken.objects.filter(token__jti=claims["jti"]).exists()
        if reused and family is not None and family.revoked_at is None:
            _revoke_family(family, actor=None, reason="refresh_token_reused")
        refused = reused or (family is not None and family.revoked_at is not None)
        pair = None if refused else _rotate(refresh, claims, family)
    if pair is None:  # raised after the commit: the revocation must stay
        raise InvalidRefreshToken()
    return pair


def _locked_family(claims) -> TokenFamily | None:
    family_id = claims.get(FAMILY_CLAIM)
    if family_id is None:  # issued before token families: lock its own row instead
        # order_by(): the default ordering joins the user table, which FOR UPDATE refuses.
        list(OutstandingToken.objects.select_for_update().filter(jti=claims["jti"]).order_by())
        return None
    try:
        family = TokenFamily.objects.select_for_update().filter(pk=family_id).first()
    except (ValueError, DjangoValidationError):
        family = None
    if family is None or str(family.user_id) != str(claims.get("user_id")):
        raise InvalidRefreshToken()
    return family


def _rotate(raw: str, claims, family: TokenFamily | None) -> dict:
    user = User.objects.filter(pk=claims.get("user_id"), is_active=True).first()
    if user is None:
        raise InvalidRefreshToken(_("No active account found for the given token."))
    if claims.get(VERSION_CLAIM, 0) != user.token_version:  # the password changed since
        raise InvalidRefreshToken()
    RefreshToken(raw, verify=False).blacklist()  # verified by _refresh_claims
    return token_pair_for(user, family=family)


def _revoke_family(family: TokenFamily, *, actor: User | None, reason: str) -> None:
    family.revoked_at = dj_timezone.now()
    family.save(update_fields=["revoked_at", "updated_at"])
    revoke_family_access_tokens(family.pk)
    details = {"family": str(family.pk), "reason": reason}
    audit(actor=actor, action="token_family_revoked", target=family.user, details=details)


def user_logout(*, actor: User, refresh: str | None = None, access_token=None) -> None:
    """End a session: revoke the refresh token's family (its refresh and access tokens) and deny
    the access token that asked, until it expires."""
    if refresh is not None:
        token = _refresh_token(refresh)
        if str(token.get("user_id")) != str(actor.pk):
            raise InvalidRefreshToken(
                details={"refresh": [_("This token belongs to another account.")]}
            )
        with transaction.atomic():
            family = _locked_family(token)
            token.blacklist()
            if family is not None and family.revoked_at is None:
                _revoke_family(family, actor=actor, reason="logout")
    if access_token is not None:
        revoke_access_token(access_token)
    audit(actor=actor, action="logout", target=actor, details={"api": refresh is not None})


def _end_api_sessions(user: User) -> None:
    """Every JWT of the user stops working: a new token version, refresh tokens blacklisted.
    The caller saves ``token_version``."""
    user.token_version += 1
    now = dj_timezone.now()
    TokenFamily.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=now, blacklistedtoken__isnull=True
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


# --- WebSocket tickets ------------------------------------------------------------------

WEBSOCKET_TICKET_PREFIX = "accounts:ws-ticket:"


def _ticket_key(ticket: str) -> str:
    return WEBSOCKET_TICKET_PREFIX + hashlib.sha256(ticket.encode()).hexdigest()


def websocket_ticket_issue(*, actor: User) -> dict:
    """A short-lived, single-use ticket that opens a WebSocket as ``actor`` (``?ticket=...``).

    A socket URL lands in access logs, so it carries this instead of a JWT. Tickets live in the
    cache: Redis in production, shared by every worker (a local-memory cache only works with one
    process).
    """
    ticket = secrets.token_urlsafe(32)
    value = {"user": str(actor.pk), "version": actor.token_version}
    cache.set(_ticket_key(ticket), value, timeout=settings.WEBSOCKET_TICKET_SECONDS)
    return {"ticket": ticket, "expires_in": settings.WEBSOCKET_TICKET_SECONDS}


def websocket_ticket_redeem(*, ticket) -> User | None:
    """The user a ticket was issued to, once; None for an unknown, spent or expired ticket.

    Of two sockets racing with one ticket only one gets it: deleting the key is atomic and says
    whether this call removed it.
    """
    if not isinstance(ticket, str) or not 20 <= len(ticket) <= 100:
        return None
    key = _ticket_key(ticket)
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    user = User.objects.filter(pk=value["user"], is_active=True).first()
    if user is None or user.token_version != value["version"]:  # the password changed since
        return None
    return user


# --- passwords -------------------------------------------------------------------


def user_change_password(*, actor: User, old_password: str, new_password: str) -> User:
    """Also ends every API session (all their tokens) and every other web session (Django's
    session hash follows the password); the caller keeps its web session
    (update_session_auth_hash) or gets a new token pair."""
    if not isinstance(old_password, str) or not actor.check_password(old_password):
        message = _("Your current password is not correct.")
        raise ValidationFailed(message, code="wrong_password", details={"old_password": [message]})
    errors: dict = {}
    _password_errors(new_password, actor, errors, "new_password")
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.set_password(new_password)
        _end_api_sessions(user)
        user.save(update_fields=["password", "token_version", "updated_at"])
        audit(actor=user, action="password_changed", target=user)
    actor.password, actor.token_version = user.password, user.token_version
    return user


def password_reset_request(*, email: str) -> None:
    """Email a reset link if the account exists. The caller's answer never depends on that."""
    email = email.strip().lower() if isinstance(email, str) else ""
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not _within_hourly_email_budget(f"accounts:pwreset:{user.pk}"):
        return
    with transaction.atomic():
        audit(actor=None, action="password_reset_requested", target=user)
        _on_commit(tasks.send_password_reset_email, str(user.pk))


def password_reset_confirm(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from an emailed link; the link then stops working (the hash changes)."""
    user = selectors.user_for_password_reset_link(uidb64, token)
    if user is None:
        raise InvalidToken(
            _("This password reset link is invalid or has expired. Please ask for a new one.")
        )
    errors: dict = {}
    _password_errors(new_password, user, errors, "new_password")
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        _end_api_sessions(user)
        fields = ["password", "token_version", "updated_at"]
        if user.email_verified_at is None:  # the link reached the mailbox: the address is theirs
            user.email_verified_at = dj_timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        audit(actor=user, action="password_reset", target=user)
    lockout.clear(user.email, current_ip.get())
    return user


# --- staff: suspension and verification ---------------------------------------------


def _clean_staff_reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 500 or "\x00" in reason:
        message = _("Give a reason (at most 500 characters).")
        raise ValidationFailed(message, code="reason_required", details={"reason": [message]})
    return reason


def _lock_other_user(actor, user: User) -> User:
    if str(user.pk) == str(actor.pk):
        raise PermissionDenied(_("Staff cannot do this to their own account."))
    return User.objects.select_for_update().get(pk=user.pk)


def user_suspend(*, actor, user: User, reason: str) -> User:
    """Staff stop someone using the site: web sessions end (an inactive user is signed out on
    the next request), every API token stops working, and they are told why by email."""
    access.require(actor, access.USERS_SUSPEND)
    reason = _clean_staff_reason(reason)
    with transaction.atomic():
        locked = _lock_other_user(actor, user)
        if not locked.is_active:
            raise InvalidTransition(_("This account is already suspended."), code="suspended")
        locked.is_active = False
        _end_api_sessions(locked)
        locked.save(update_fields=["is_active", "token_version", "updated_at"])
        audit(actor=actor, action="user_suspended", target=locked, details={"reason": reason})
        _on_commit(tasks.send_account_status_email, str(locked.pk), "suspended", reason)
    return locked


def user_reinstate(*, actor, user: User, reason: str) -> User:
    access.require(actor, access.USERS_SUSPEND)
    reason = _clean_staff_reason(reason)
    with transaction.atomic():
        locked = _lock_other_user(actor, user)
        if locked.is_active:
            raise InvalidTransition(_("This account is not suspended."), code="not_suspended")
        locked.is_active = True
        locked.save(update_fields=["is_active", "updated_at"])
        audit(actor=actor, action="user_reinstated", target=locked, details={"reason": reason})
        _on_commit(tasks.send_account_status_email, str(locked.pk), "reinstated", reason)
    return locked


def user_mark_verified(*, actor, user: User) -> User:
    """Staff confirm the email address of an account (support checked it with the person).
    A no-op for an address already verified."""
    access.require(actor, access.USERS_VERIFY)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.email_verified_at is None:
            locked.email_verified_at = dj_timezone.now()
            locked.save(update_fields=["email_verified_at", "updated_at"])
            audit(actor=actor, action="user_verified_by_staff", target=locked)
    return locked


# --- settings, roles, view, avatar ----------------------------------------------------

SETTINGS_FIELDS = ("first_name", "last_name", "timezone", "language")


def user_update_settings(
    *,
    actor: User,
    first_name: str | None = None,
    last_name: str | None = None,
    timezone: str | None = None,
    language: str | None = None,
) -> User:
    """Change the given settings; ``None`` leaves a setting as it is."""
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "timezone": timezone,
        "language": language,
    }
    changes = {
        field: value.strip() if isinstance(value, str) else value
        for field, value in values.items()
        if value is not None
    }
    if not changes:
        return actor
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        for field, value in changes.items():
            setattr(user, field, value)
        errors: dict = {}
        _model_field_errors(user, list(changes), errors)
        if "timezone" in changes and "timezone" not in errors:
            _timezone_errors(user.timezone, errors)
        if errors:
            raise _field_errors(errors)
        user.save(update_fields=[*changes, "updated_at"])
    for field, value in changes.items():
        setattr(actor, field, value)
    return user


def user_set_roles(*, actor: User, roles) -> User:
    """Add the given roles. Roles are only ever added: removing one would orphan contracts."""
    errors: dict = {}
    roles = _clean_roles(roles, errors)
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        added = sorted(role for role in roles if not getattr(user, ROLE_FIELDS[role]))
        if not added:
            return user
        for role in added:
            setattr(user, ROLE_FIELDS[role], True)
            audit(actor=user, action="role_added", target=user, details={"role": role})
            publish(
                "accounts.role_added", payload={"user_id": str(user.pk), "role": role}, actor=user
            )
        user.save(update_fields=[ROLE_FIELDS[role] for role in added] + ["updated_at"])
    for role in added:
        setattr(actor, ROLE_FIELDS[role], True)
    return user


def user_switch_view(*, actor: User, view: str) -> User:
    if view not in ROLE_FIELDS:
        raise ValidationFailed(details={"view": [_("Choose client or freelancer.")]})
    if not getattr(actor, ROLE_FIELDS[view]):
        message = _("Add this role to your account before switching to it.")
        raise ValidationFailed(message, code="role_not_held", details={"view": [message]})
    if actor.active_view != view:
        actor.active_view = view
        actor.save(update_fields=["active_view", "updated_at"])
    return actor


def user_set_avatar(*, actor: User, upload) -> User:
    """Store a re-encoded copy of the image: no metadata, nothing appended to the upload."""
    try:
        validate_image(upload)
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.message, code=exc.code, details={"avatar": [exc.message]}
        ) from exc
    image = reencode_image(upload, max_size=AVATAR_MAX_SIZE, name=uuid.uuid4().hex)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old_name = user.avatar.name
        user.avatar.save(image.name, image, save=False)
        user.save(update_fields=["avatar", "updated_at"])
        _delete_file_on_commit(old_name)
    actor.avatar = user.avatar
    return user


def user_remove_avatar(*, actor: User) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old_name = user.avatar.name
        user.avatar = ""
        user.save(update_fields=["avatar", "updated_at"])
        _delete_file_on_commit(old_name)
    actor.avatar = user.avatar
    return user


def _delete_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


# --- organizations --------------------------------------------------------------------

Role = Membership.Role


def _lock_organization(pk) -> Organization:
    return Organization.objects.select_for_update().get(pk=pk)


def _role_in(organization: Organization, user: User) -> str:
    """The actor's role, or 404 for someone outside the organization."""
    role = (
        Membership.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise NotFound()
    return role


def _require_manager(role: str) -> None:
    if role not in Membership.MANAGER_ROLES:
        raise PermissionDenied(_("Only owners and admins can manage this organization."))


def _require_owner_for(role_involved: str, actor_role: str) -> None:
    if role_involved == Role.OWNER and actor_role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can grant, change or remove the owner role."))


def _ensure_another_owner(organization: Organization, membership: Membership) -> None:
    others = Membership.objects.filter(organization=organization, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise Conflict(
            _("An organization needs at least one owner. Make someone else an owner first."),
            code="last_owner",
        )


def _clean_role(role, errors: dict, field: str = "role") -> None:
    if role not in Role.values:
        errors[field] = [_("Choose one of the workspace roles.")]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:140].strip("-") or "organization"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def organization_create(*, actor: User, name: str, website: str = "") -> Organization:
    organization = Organization(name=(name or "").strip(), website=(website or "").strip())
    errors: dict = {}
    _model_field_errors(organization, ["name", "website"], errors)
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        for _attempt in range(3):
            organization.slug = _unique_slug(organization.name)
            try:
                with transaction.atomic():
                    organization.save()
                break
            except IntegrityError:  # another request took the slug in between
                continue
        else:
            raise Conflict(_("Please try again."), code="slug_taken")
        Membership.objects.create(organization=organization, user=actor, role=Role.OWNER)
        audit(
            actor=actor,
            action="organization_created",
            target=organization,
            details={"name": organization.name},
        )
        publish(
            "accounts.organization_created",
            payload={"organization_id": str(organization.pk), "owner_id": str(actor.pk)},
            actor=actor,
        )
    return organization


def organization_update(
    *, actor: User, organization: Organization, name: str | None = None, website: str | None = None
) -> Organization:
    changes = {
        field: value.strip()
        for field, value in {"name": name, "website": website}.items()
        if isinstance(value, str)
    }
    with transaction.atomic():
        locked = _lock_organization(organization.pk)
        _require_manager(_role_in(locked, actor))
        if not changes:
            return locked
        for field, value in changes.items():
            setattr(locked, field, value)
        errors: dict = {}
        _model_field_errors(locked, list(changes), errors)
        if errors:
            raise _field_errors(errors)
        locked.save(update_fields=[*changes, "updated_at"])
        audit(
            actor=actor,
            action="organization_updated",
            target=locked,
            details={"fields": sorted(changes)},
        )
    return locked


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    errors: dict = {}
    _clean_role(role, errors)
    if errors:
        raise _field_errors(errors)
    with transaction.atomic():
        organization = _lock_organization(membership.organization_id)
        actor_role = _role_in(organization, actor)
        membership = Membership.objects.select_for_update().get(
            pk=membership.pk, organization=organization
        )
        _require_manager(actor_role)
        _require_owner_for(membership.role, actor_role)
        _require_owner_for(role, actor_role)
        if membership.role == role:
            return membership
        if membership.role == Role.OWNER:
            _ensure_another_owner(organization, membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        details = {
            "organization": str(organization.pk),
            "user": str(membership.user_id),
            "from": previous,
            "to": role,
        }
        audit(actor=actor, action="member_role_changed", target=membership, details=details)
        publish("accounts.member_role_changed", payload=details, actor=actor)
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Managers remove members; anyone may leave. The last owner can do neither."""
    with transaction.atomic():
        organization = _lock_organization(membership.organization_id)
        actor_role = _role_in(organization, actor)
        membership = Membership.objects.select_for_update().get(
            pk=membership.pk, organization=organization
        )
        leaving = membership.user_id == actor.pk
        if not leaving:
            _require_manager(actor_role)
            _require_owner_for(membership.role, actor_role)
        if membership.role == Role.OWNER:
            _ensure_another_owner(organization, membership)
        details = {
            "organization": str(organization.pk),
            "user": str(membership.user_id),
            "role": membership.role,
            "left": leaving,
        }
        membership.delete()
        audit(actor=actor, action="member_removed", target=organization, details=details)
        publish("accounts.member_removed", payload=details, actor=actor)


def organization_invite(
    *, actor: User, organization: Organization, email: str, role: str = Role.RECRUITER
) -> OrganizationInvitation:
    errors: dict = {}
    email = _normalized_email(email, errors)
    _clean_role(role, errors)
    if errors:
        raise _field_errors(errors)
    now = dj_timezone.now()
    with transaction.atomic():
        organization = _lock_organization(organization.pk)
        actor_role = _role_in(organization, actor)
        _require_manager(actor_role)
        _require_owner_for(role, actor_role)
        if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
            raise Conflict(_("This person is already a member."), code="already_member")
        pending = OrganizationInvitation.objects.filter(
            organization=organization,
            email__iexact=email,
            status=OrganizationInvitation.Status.PENDING,
        )
        pending.filter(expires_at__lte=now).update(
            status=OrganizationInvitation.Status.EXPIRED, updated_at=now
        )
        if pending.exists():
            raise Conflict(
                _("This address already has a pending invitation."), code="already_invited"
            )
        token = new_invitation_token()
        invitation = OrganizationInvitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            invited_by=actor,
            token_hash=hash_invitation_token(token),
            expires_at=now + timedelta(days=settings.ORGANIZATION_INVITATION_DAYS),
        )
        audit(
            actor=actor,
            action="invitation_sent",
            target=invitation,
            details={"organization": str(organization.pk), "email": email, "role": role},
        )
        invitee = User.objects.filter(email__iexact=email).first()
        language = invitee.language if invitee else actor.language
        _on_commit(tasks.send_invitation_email, str(invitation.pk), token, language)
    return invitation


def invitation_accept(*, actor: User, token: str) -> Membership:
    token_hash = hash_invitation_token(token) if isinstance(token, str) and token else ""
    found = (
        OrganizationInvitation.objects.filter(token_hash=token_hash).only("organization_id").first()
    )
    if found is None:
        raise NotFound(_("This invitation does not exist."), code="invitation_not_found")
    with transaction.atomic():
        organization = _lock_organization(found.organization_id)
        invitation = OrganizationInvitation.objects.select_for_update().get(pk=found.pk)
        _check_acceptable(invitation, actor)
        if Membership.objects.filter(organization=organization, user=actor).exists():
            raise Conflict(
                _("You are already a member of this organization."), code="already_member"
            )
        membership = Membership.objects.create(
            organization=organization, user=actor, role=invitation.role
        )
        invitation.status = OrganizationInvitation.Status.ACCEPTED
        invitation.accepted_by = actor
        invitation.save(update_fields=["status", "accepted_by", "updated_at"])
        details = {
            "organization": str(organization.pk),
            "user": str(actor.pk),
            "role": invitation.role,
        }
        audit(actor=actor, action="invitation_accepted", target=invitation, details=details)
        publish("accounts.member_joined", payload=details, actor=actor)
    return membership


def _check_acceptable(invitation: OrganizationInvitation, actor: User) -> None:
    status = OrganizationInvitation.Status
    if invitation.status == status.REVOKED:
        raise ValidationFailed(_("This invitation was withdrawn."), code="invitation_revoked")
    if invitation.status == status.ACCEPTED:
        raise Conflict(_("This invitation has already been accepted."), code="invitation_used")
    if invitation.is_expired:
        raise ValidationFailed(
            _("This invitation has expired. Ask for a new one."), code="invitation_expired"
        )
    if invitation.email.lower() != actor.email.lower():
        raise PermissionDenied(
            _(
                "This invitation was sent to another email address. Sign in with that address to accept it."
            ),
            code="invitation_email_mismatch",
        )


def invitation_revoke(*, actor: User, invitation: OrganizationInvitation) -> OrganizationInvitation:
    with transaction.atomic():
        organization = _lock_organization(invitation.organization_id)
        _require_manager(_role_in(organization, actor))
        invitation = OrganizationInvitation.objects.select_for_update().get(
            pk=invitation.pk, organization=organization
        )
        if invitation.status != OrganizationInvitation.Status.PENDING:
            raise InvalidTransition(
                _("Only a pending invitation can be withdrawn."), code="invitation_not_pending"
            )
        invitation.status = OrganizationInvitation.Status.REVOKED
        invitation.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action="invitation_revoked",
            target=invitation,
            details={"organization": str(organization.pk), "email": invitation.email},
        )
    return invitation
