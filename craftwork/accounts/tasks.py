"""Thin tasks: load by id, send. Safe to run twice (a second email is harmless)."""

from celery import shared_task

from . import emails
from .models import OrganizationInvitation, User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_verification_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True, email_verified_at__isnull=True).first()
    if user is not None:
        emails.send_verification_email(user)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.send_password_reset_email(user)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_signup_attempt_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.send_signup_attempt_email(user)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_login_link_email(user_id: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.send_login_link_email(user)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: str, token: str, language: str) -> None:
    invitation = (
        OrganizationInvitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id, status=OrganizationInvitation.Status.PENDING)
        .first()
    )
    if invitation is not None:
        emails.send_invitation_email(invitation, token, language=language)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_status_email(user_id: str, status: str, reason: str) -> None:
    """Told whatever the account's state now (a suspended account is inactive)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None and status in ("suspended", "reinstated"):
        emails.send_account_status_email(user, status=status, reason=reason)
