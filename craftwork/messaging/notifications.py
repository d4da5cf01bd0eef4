"""The "new message" notification (autodiscovered by craftwork.notifications).

``messaging.message_received`` is published only for recipients who had read everything
before the message and do not have the conversation open (see services._publish_received):
one notification per burst of unread messages, none while you are looking.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on


def _recipients(event) -> list:
    return list(event.payload.get("recipient_ids", []))


def _title(event, user) -> str:
    return _("New message from %(name)s") % {"name": event.payload.get("author_name", "")}


def _body(event, user) -> str:
    preview = event.payload.get("preview", "")
    if preview:
        return preview
    return _("Sent an attachment.") if event.payload.get("attachments") else ""


def _link(event, user) -> str:
    return reverse("messaging:conversation", args=[event.payload["conversation_id"]])


notify_on(
    "messaging.message_received",
    type="message_received",
    label=gettext_lazy("New message"),
    recipients=_recipients,
    title=_title,
    body=_body,
    link=_link,
)
