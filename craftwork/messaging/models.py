"""Conversations about a job, a contract or a contract team; their participants and messages.

Every message has a per-conversation sequence number (``seq``), handed out under the
conversation's row lock. Read state is one pointer per participant (``last_read_seq``): unread
messages are the others' messages above it, so counts are one indexed range per conversation.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel

MAX_MESSAGE_LENGTH = 5_000
MAX_ATTACHMENTS_PER_MESSAGE = 5


class ConversationKind(models.TextChoices):
    JOB = "job", _("Job")
    CONTRACT = "contract", _("Contract")
    TEAM = "team", _("Contract team")


class ParticipantRole(models.TextChoices):
    CLIENT = "client", _("Client")
    FREELANCER = "freelancer", _("Freelancer")


class ModerationState(models.TextChoices):
    VISIBLE = "", _("Visible")
    HIDDEN = "hidden", _("Hidden by moderation")
    REMOVED = "removed", _("Removed by moderation")


def private_storage():
    """No public URL: attachments are streamed by a view that checks the reader takes part."""
    return storages["private"]


def attachment_path(instance, filename: str) -> str:
    """A random name with the extension of the type checked at upload (thumbnails are JPEGs
    of image attachments, "jpg" too), never the client's."""
    return f"messaging/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.kind}"


class Conversation(BaseModel):
    kind = models.CharField(max_length=10, choices=ConversationKind.choices)
    # One conversation per context: "job:<job>:<freelancer>", "contract:<contract>", "team:<job>".
    key = models.CharField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-created_at"]

    def __str__(self):
        return self.title


class Participant(models.Model):
    id = models.BigAutoField(primary_key=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversation_memberships"
    )
    role = models.CharField(max_length=12, choices=ParticipantRole.choices)
    # The contract that makes a freelancer part of a contract or team conversation: they may
    # write while it is open (the client, while any is open).
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_read_seq = models.PositiveBigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="messaging_one_participation"
            ),
        ]
        indexes = [models.Index(fields=["user", "conversation"], name="messaging_part_user_idx")]

    def __str__(self):
        return f"{self.user} in {self.conversation}"


class Message(BaseModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent"
    )
    # Markdown as written; the sanitised HTML is rendered once, when it is written.
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleting is soft: the row (and its text, for moderation) stays; nobody is shown it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    moderation = models.CharField(
        max_length=10, choices=ModerationState.choices, default="", blank=True
    )

    class Meta:
        ordering = ["conversation_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="messaging_unique_seq"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="messaging_seq_positive"),
        ]
        indexes = [
            models.Index(fields=["conversation", "updated_at"], name="messaging_msg_changed_idx"),
        ]

    def __str__(self):
        return f"#{self.seq} in {self.conversation_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_moderated(self) -> bool:
        return bool(self.moderation)

    @property
    def is_shown(self) -> bool:
        """Whether participants see its text and attachments."""
        return not self.is_deleted and not self.is_moderated

    @property
    def state(self) -> str:
        if self.moderation:
            return self.moderation
        return "deleted" if self.is_deleted else "visible"


class MessageAttachment(BaseModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(
        storage=private_storage, upload_to=attachment_path, max_length=200, blank=True
    )
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # "pdf" or an image extension
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind != "pdf"
