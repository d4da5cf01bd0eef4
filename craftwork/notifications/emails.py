"""Notification emails and SMS texts, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import registry, tokens

SITE_NAME = "Craftwork"
SMS_MAX_CHARS = 320


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def unsubscribe_url(user, type_name: str) -> str:
    token = tokens.unsubscribe_token(user, type_name)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def _send(*, to: str, template: str, context: dict, language: str, unsubscribe: str) -> None:
    """Render notifications/email/<template>{_subject.txt,.txt,.html} in ``language`` and send."""
    with translation.override(language):
        context = {
            "site_name": SITE_NAME,
            "site_url": settings.SITE_URL,
            "LANGUAGE_CODE": language,
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute(reverse("notifications:preferences")),
            **context,
        }
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    headers = {
        # RFC 8058 one-click unsubscribe: mail clients POST to the link without a session.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Content-Language": language,
    }
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def send_notification_email(notification, address: str) -> None:
    user = notification.recipient
    registration = registry.get_type(notification.type)
    _send(
        to=address,
        template="notification",
        context={
            "user": user,
            "notification": notification,
            "link": absolute(notification.link) if notification.link else "",
            "type_label": registration.label if registration else notification.type,
        },
        language=user.language,
        unsubscribe=unsubscribe_url(user, notification.type),
    )


def send_digest_email(user, notifications: list, total: int) -> None:
    _send(
        to=user.email,
        template="digest",
        context={
            "user": user,
            "notifications": [(n, absolute(n.link) if n.link else "") for n in notifications],
            "total": total,
            "more": total - len(notifications),
            "list_url": absolute(reverse("notifications:list")),
        },
        language=user.language,
        unsubscribe=unsubscribe_url(user, tokens.DIGEST),
    )


def notification_sms_text(notification) -> str:
    with translation.override(notification.recipient.language):
        parts = [f"{SITE_NAME}: {notification.title}"]
        if notification.link:
            parts.append(absolute(notification.link))
        text = " ".join(parts)
    return text[:SMS_MAX_CHARS]


def phone_code_sms_text(user, code: str) -> str:
    with translation.override(user.language):
        return _("Your %(site)s verification code is %(code)s. It expires in 10 minutes.") % {
            "site": SITE_NAME,
            "code": code,
        }
