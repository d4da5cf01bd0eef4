"""Messages can be flagged by the people in the conversation; moderators hide, restore or
remove them through this app's services (registered with craftwork.moderation)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Message, Participant

KIND = "message"


def _visible(message, user) -> bool:
    """Only participants can see (and so flag) a message, and only while it is shown."""
    if not getattr(user, "is_authenticated", False) or not message.is_shown:
        return False
    return Participant.objects.filter(conversation_id=message.conversation_id, user=user).exists()


def _describe(message) -> str:
    text = " ".join((message.body or "").split())
    if len(text) > 200:
        text = text[:199] + "…"
    count = message.attachments.count()
    if count:
        text = f"{text} [+{count} file(s)]".strip()
    return text


def _url(message) -> str:
    return reverse("messaging:conversation", args=[message.conversation_id]) + f"#m-{message.pk}"


def _hide(message, *, actor, reason):
    from .services import message_hide

    message_hide(message=message, actor=actor, reason=reason or "")


def _restore(message, *, actor, reason):
    from .services import message_restore

    message_restore(message=message, actor=actor, reason=reason or "")


def _remove(message, *, actor, reason):
    from .services import message_remove

    message_remove(message=message, actor=actor, reason=reason or "")


def register() -> bool:
    """Register the "message" kind when the moderation app is there; True when registered."""
    try:
        from craftwork.moderation.registry import register_flaggable
    except ImportError:  # moderation not installed
        return False
    register_flaggable(
        KIND,
        model=Message,
        author=lambda message: message.author,
        describe=_describe,
        url=_url,
        visible=_visible,
        hide=_hide,
        restore=_restore,
        remove=_remove,
        label=_("Message"),
    )
    return True
