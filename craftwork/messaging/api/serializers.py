"""Input and output shapes of the messaging API (outputs are also the WebSocket payloads)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..contexts import START_KINDS
from ..models import MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_LENGTH, ConversationKind
from ..realtime import display_name

MESSAGE_STATES = ["visible", "deleted", "hidden", "removed"]


class UserBrief(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class AttachmentOutput(serializers.Serializer):
    """Documents the shape; ``attachment_payload`` builds it."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`pdf` or `jpg` (images are re-encoded as JPEG).")
    size = serializers.IntegerField(help_text="Bytes.")
    is_image = serializers.BooleanField()
    url = serializers.CharField(help_text="Download (participants only).")
    thumbnail_url = serializers.CharField(allow_null=True, help_text="Images only.")


_DATETIME = serializers.DateTimeField()


def _iso(value):
    return _DATETIME.to_representation(value) if value else None


def attachment_payload(attachment, message) -> dict:
    url = reverse(
        "messaging-api:attachment", args=[message.conversation_id, message.pk, attachment.pk]
    )
    return {
        "id": str(attachment.pk),
        "name": attachment.original_name,
        "kind": attachment.kind,
        "size": attachment.size,
        "is_image": attachment.is_image,
        "url": url,
        "thumbnail_url": f"{url}?thumbnail=1" if attachment.thumbnail else None,
    }


def message_payload(message) -> dict:
    """The message as the API and the WebSocket show it (built by hand: a chat serialises a lot
    of these, and this is several times cheaper than the field-by-field serializer)."""
    shown = message.is_shown
    return {
        "id": str(message.pk),
        "conversation": str(message.conversation_id),
        "seq": message.seq,
        "author": {"id": str(message.author_id), "name": display_name(message.author)},
        "state": message.state,
        "body": message.body if shown else "",
        "body_html": message.body_html if shown else "",
        "edited": message.edited_at is not None,
        "edited_at": _iso(message.edited_at),
        "created_at": _iso(message.created_at),
        "attachments": [attachment_payload(a, message) for a in message.attachments.all()]
        if shown
        else [],
    }


class MessageOutput(serializers.Serializer):
    """A message. Deleted and moderated messages keep their place (``seq``) but carry no text
    and no attachments; ``state`` says why. (The fields document the shape for the schema;
    ``message_payload`` builds it.)"""

    id = serializers.UUIDField()
    conversation = serializers.UUIDField(source="conversation_id")
    seq = serializers.IntegerField(help_text="Position in the conversation, from 1, gap-free.")
    author = UserBrief()
    state = serializers.ChoiceField(choices=MESSAGE_STATES)
    body = serializers.SerializerMethodField(help_text="Markdown as written.")
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML of the markdown.")
    edited = serializers.SerializerMethodField()
    edited_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attachments = serializers.SerializerMethodField()

    def get_body(self, message) -> str:
        return message.body if message.is_shown else ""

    def get_body_html(self, message) -> str:
        return message.body_html if message.is_shown else ""

    def get_edited(self, message) -> bool:
        return message.edited_at is not None

    @extend_schema_field(AttachmentOutput(many=True))
    def get_attachments(self, message):
        return message_payload(message)["attachments"]

    def to_representation(self, instance):
        return message_payload(instance)


class ParticipantOutput(serializers.Serializer):
    user = UserBrief()
    role = serializers.CharField()
    last_read_seq = serializers.IntegerField(help_text="Read receipts: read up to this seq.")
    last_read_at = serializers.DateTimeField(allow_null=True)


class ContextOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConversationKind.choices)
    title = serializers.CharField()
    job_id = serializers.UUIDField(allow_null=True)
    contract_id = serializers.UUIDField(allow_null=True)


def _context(conversation) -> dict:
    return {
        "kind": conversation.kind,
        "title": conversation.title,
        "job_id": conversation.job_id,
        "contract_id": conversation.contract_id,
    }


class LastMessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    seq = serializers.IntegerField()
    author = UserBrief()
    state = serializers.CharField(help_text="As a message's `state`.")
    preview = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConversationListOutput(serializers.Serializer):
    """One inbox row (built from the viewer's participation)."""

    id = serializers.UUIDField(source="conversation.id")
    context = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    last_seq = serializers.IntegerField(source="conversation.last_seq")
    unread_count = serializers.IntegerField(source="unread")
    read_only = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="conversation.created_at")

    @extend_schema_field(ContextOutput)
    def get_context(self, row):
        return ContextOutput(_context(row.conversation)).data

    @extend_schema_field(UserBrief(many=True))
    def get_participants(self, row):
        users = [p.user for p in row.conversation.participants.all()]
        return UserBrief(users, many=True).data

    @extend_schema_field(LastMessageOutput(allow_null=True))
    def get_last_message(self, row):
        message = row.conversation.last_message
        if message is None:
            return None
        preview = " ".join(message.body.split())[:140] if message.is_shown else ""
        if message.is_shown and not preview:
            preview = str(_("(attachment)"))
        return LastMessageOutput(
            {
                "id": message.pk,
                "seq": message.seq,
                "author": message.author,
                "state": message.state,
                "preview": preview,
                "created_at": message.created_at,
            }
        ).data

    def get_read_only(self, row) -> bool:
        from ..services import write_refusal

        members = list(row.conversation.participants.all())
        return write_refusal(row.conversation, row, members) is not None


class ConversationDetailOutput(serializers.Serializer):
    id = serializers.UUIDField()
    context = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    last_seq = serializers.IntegerField()
    unread_count = serializers.SerializerMethodField()
    read_only = serializers.SerializerMethodField()
    websocket = serializers.SerializerMethodField(help_text="Path of the live socket.")
    created_at = serializers.DateTimeField()

    @extend_schema_field(ContextOutput)
    def get_context(self, conversation):
        return ContextOutput(_context(conversation)).data

    @extend_schema_field(ParticipantOutput(many=True))
    def get_participants(self, conversation):
        return ParticipantOutput(conversation.participants_list, many=True).data

    def get_unread_count(self, conversation) -> int:
        return self.context.get("unread_count", 0)

    def get_read_only(self, conversation) -> bool:
        from ..selectors import read_only_for

        return read_only_for(conversation, conversation.me)

    def get_websocket(self, conversation) -> str:
        return f"/ws/conversations/{conversation.pk}/"


class ConversationStartInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=START_KINDS)
    id = serializers.UUIDField(
        help_text="The job, proposal or contract (team: any contract of it)."
    )
    with_user = serializers.UUIDField(
        required=False,
        help_text="kind=job, as the job's client: the freelancer to write to.",
    )


class MessagePageOutput(serializers.Serializer):
    results = MessageOutput(many=True, help_text="Oldest first.")
    has_older = serializers.BooleanField()
    has_newer = serializers.BooleanField()
    older_cursor = serializers.IntegerField(
        allow_null=True, help_text="Pass as `before` to load the page before this one."
    )


class SearchOutput(serializers.Serializer):
    results = MessageOutput(many=True, help_text="Newest first.")
    has_older = serializers.BooleanField()
    older_cursor = serializers.IntegerField(allow_null=True)


class MessageCreateInput(StrictSerializer):
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Markdown, at most {MAX_MESSAGE_LENGTH} characters.",
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        max_length=MAX_ATTACHMENTS_PER_MESSAGE,
        help_text="multipart/form-data only: up to 5 PDFs or images.",
    )


class MessageEditInput(StrictSerializer):
    body = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Markdown, at most {MAX_MESSAGE_LENGTH} characters.",
    )


class MarkReadInput(StrictSerializer):
    seq = serializers.IntegerField(
        required=False, min_value=0, help_text="Read up to this message (default: all)."
    )


class MarkReadOutput(serializers.Serializer):
    last_read_seq = serializers.IntegerField()
    unread_total = serializers.IntegerField()


class UnreadOutput(serializers.Serializer):
    total = serializers.IntegerField()
    conversations = serializers.DictField(
        child=serializers.IntegerField(), help_text="Conversation id → unread messages (non-zero)."
    )
