"""Transactional emails of the accounts app, rendered in the recipient's language (text + HTML)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .tokens import email_verification_token, encode_uid, login_link_token, password_reset_token


def site_link(url_name: str, *args) -> str:
    return settings.SITE_URL + reverse(url_name, args=args)


def send_templated_email(*, to: str, template: str, context: dict, language: str) -> None:
    """Render accounts/email/<template>_subject.txt, .txt and .html in ``language`` and send."""
    with translation.override(language):
        context = {
            "site_name": "Craftwork",
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
            **context,
        }
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        text = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_verification_email(user) -> None:
    link = site_link(
        "accounts:verify-email", encode_uid(user), email_verification_token.make_token(user)
    )
    hours = settings.EMAIL_VERIFICATION_TIMEOUT // 3600
    send_templated_email(
        to=user.email,
        template="verify_email",
        context={"user": user, "link": link, "hours": hours},
        language=user.language,
    )


def send_password_reset_email(user) -> None:
    link = site_link(
        "accounts:password-reset-confirm", encode_uid(user), password_reset_token.make_token(user)
    )
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    send_templated_email(
        to=user.email,
        template="password_reset",
        context={"user": user, "link": link, "hours": hours},
        language=user.language,
    )


def send_signup_attempt_email(user) -> None:
    send_templated_email(
        to=user.email,
        template="signup_attempt",
        context={
            "user": user,
            "login_link": site_link("accounts:login"),
            "reset_link": site_link("accounts:password-reset"),
        },
        language=user.language,
    )


def send_login_link_email(user) -> None:
    link = site_link("accounts:login-link", encode_uid(user), login_link_token.make_token(user))
    send_templated_email(
        to=user.email,
        template="login_link",
        context={"user": user, "link": link, "minutes": settings.LOGIN_LINK_TIMEOUT // 60},
        language=user.language,
    )


def send_invitation_email(invitation, token: str, *, language: str) -> None:
    send_templated_email(
        to=invitation.email,
        template="invitation",
        context={
            "invitation": invitation,
            "organization": invitation.organization,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": site_link("accounts:invitation-accept", token),
            "days": settings.ORGANIZATION_INVITATION_DAYS,
        },
        language=language,
    )


def send_account_status_email(user, *, status: str, reason: str) -> None:
    send_templated_email(
        to=user.email,
        template=f"account_{status}",
        context={"user": user, "reason": reason},
        language=user.language,
    )
