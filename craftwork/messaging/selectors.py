"""Reads, scoped to the conversations the user takes part in; any other id is NotFound (404).

Lists load in a fixed number of queries: the inbox is the user's participation rows with the
conversation, its last message and author, the context and an unread count (a correlated
COUNT over the others' messages above the read pointer), plus one query for the members.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from craftwork.core.errors import NotFound, ValidationFailed

from .models import Conversation, Message, MessageAttachment, Participant

DEFAULT_PAGE = 30
MAX_PAGE = 100
MAX_SEARCH_RESULTS = 50
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _not_found() -> NotFound:
    return NotFound(_("Conversation not found."), code="conversation_not_found")


def unread_subquery(user_id):
    """Unread messages of the participation row in the outer query (others', not deleted)."""
    unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation_id"),
            seq__gt=OuterRef("last_read_seq"),
            deleted_at__isnull=True,
        )
        .exclude(author_id=user_id)
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def _members() -> Prefetch:
    return Prefetch(
        "conversation__participants",
        queryset=Participant.objects.select_related("user", "contract").order_by("joined_at", "id"),
    )


def inbox(user, *, unread_only: bool = False) -> QuerySet[Participant]:
    """The user's conversations, most recent activity first: participation rows carrying the
    conversation (``row.conversation``), its last message and the unread count (``row.unread``)."""
    if not _signed_in(user):
        return Participant.objects.none()
    rows = (
        Participant.objects.filter(user=user)
        .select_related(
            "contract",
            "conversation",
            "conversation__job",
            "conversation__contract",
            "conversation__last_message",
            "conversation__last_message__author",
        )
        .prefetch_related(_members())
        .annotate(
            unread=unread_subquery(user.pk),
            activity=Coalesce("conversation__last_message_at", "conversation__created_at"),
        )
        .order_by("-activity", "-conversation_id")
    )
    if unread_only:
        rows = rows.filter(unread__gt=0)
    return rows


def _unread_messages(user):
    """The others' undeleted messages above the user's read pointer, over all conversations
    (one join: message -> participant row of the user)."""
    if hasattr(user, "is_authenticated"):
        if not user.is_authenticated:
            return Message.objects.none()
        user_id = user.pk
    else:
        user_id = user  # an id (pushes after commit know only the id)
    return (
        Message.objects.filter(
            conversation__participants__user_id=user_id,
            seq__gt=F("conversation__participants__last_read_seq"),
            deleted_at__isnull=True,
        )
        .exclude(author_id=user_id)
        .order_by()
    )


def unread_counts(user) -> dict:
    """{conversation id: unread messages} for the conversations with any (one query)."""
    rows = (
        _unread_messages(user)
        .values("conversation_id")
        .annotate(n=Count("pk"))
        .values_list("conversation_id", "n")
    )
    return dict(rows)


def unread_total(user) -> int:
    """All unread messages of the user (one COUNT)."""
    return _unread_messages(user).count()


def conversation_for_participant(user, pk) -> Conversation:
    """The conversation with its members (``participants_list``) and the viewer's own row
    (``me``); NotFound for anyone else."""
    if not _signed_in(user):
        raise _not_found()
    try:
        conversation = (
            Conversation.objects.filter(pk=pk, participants__user=user)
            .select_related("job", "contract")
            .prefetch_related(
                Prefetch(
                    "participants",
                    queryset=Participant.objects.select_related("user", "contract").order_by(
                        "joined_at", "id"
                    ),
                )
            )
            .first()
        )
    except (ValueError, DjangoValidationError):
        conversation = None
    if conversation is None:
        raise _not_found()
    conversation.participants_list = list(conversation.participants.all())
    conversation.me = next(p for p in conversation.participants_list if p.user_id == user.pk)
    return conversation


def is_participant(user, pk) -> bool:
    if not _signed_in(user):
        return False
    try:
        return Participant.objects.filter(conversation_id=pk, user=user).exists()
    except (ValueError, DjangoValidationError):
        return False


def _messages(conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation_id=conversation.pk)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.all()))
    )


def _bound(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(details={name: [_("A whole number.")]}) from exc
    if number < 0:
        raise ValidationFailed(details={name: [_("A whole number, 0 or more.")]})
    return number


def page_size(value, default: int = DEFAULT_PAGE) -> int:
    size = _bound(value, "limit")
    if size is None:
        return default
    if not 1 <= size <= MAX_PAGE:
        raise ValidationFailed(details={"limit": [_("Between 1 and %(n)d.") % {"n": MAX_PAGE}]})
    return size


@dataclass
class MessagePage:
    messages: list  # oldest first
    has_older: bool
    has_newer: bool

    @property
    def older_cursor(self) -> int | None:
        return self.messages[0].seq if self.messages and self.has_older else None

    @property
    def newest_seq(self) -> int | None:
        return self.messages[-1].seq if self.messages else None


def message_page(conversation, *, before=None, after=None, limit=None) -> MessagePage:
    """A page of messages by sequence number: the newest ``limit`` (default), the ones just
    ``before`` a seq (loading older history), or the ones ``after`` a seq (catching up)."""
    before, after = _bound(before, "before"), _bound(after, "after")
    size = page_size(limit)
    queryset = _messages(conversation)
    if after is not None:
        queryset = queryset.filter(seq__gt=after)
        if before is not None:
            queryset = queryset.filter(seq__lt=before)
        rows = list(queryset.order_by("seq")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size]
        has_older = bool(rows) and rows[0].seq > 1
        return MessagePage(messages=rows, has_older=has_older, has_newer=has_newer)
    if before is not None:
        queryset = queryset.filter(seq__lt=before)
    rows = list(queryset.order_by("-seq")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    rows.reverse()
    return MessagePage(messages=rows, has_older=has_older, has_newer=before is not None)


def changed_messages(conversation, *, since, up_to_seq: int) -> list[Message]:
    """Messages already shown (seq <= ``up_to_seq``) that were edited, deleted or moderated
    since ``since``."""
    if since is None:
        return []
    return list(
        _messages(conversation)
        .filter(seq__lte=up_to_seq, updated_at__gt=since)
        .order_by("seq")[:MAX_PAGE]
    )


def search(conversation, query, *, before=None, limit=None) -> MessagePage:
    """Messages whose text contains ``query`` (case-insensitive), newest first; deleted and
    moderated ones are never found."""
    text = (query or "").strip() if isinstance(query, str) else ""
    if not MIN_QUERY_LENGTH <= len(text) <= MAX_QUERY_LENGTH:
        raise ValidationFailed(
            _("Search for %(min)d to %(max)d characters.")
            % {"min": MIN_QUERY_LENGTH, "max": MAX_QUERY_LENGTH},
            code="bad_query",
            details={"q": [_("%(min)d to %(max)d characters.") % {"min": 2, "max": 200}]},
        )
    before = _bound(before, "before")
    size = page_size(limit, default=MAX_SEARCH_RESULTS)
    queryset = _messages(conversation).filter(
        body__icontains=text, deleted_at__isnull=True, moderation=""
    )
    if before is not None:
        queryset = queryset.filter(seq__lt=before)
    rows = list(queryset.order_by("-seq")[: size + 1])
    has_older = len(rows) > size
    return MessagePage(messages=rows[:size], has_older=has_older, has_newer=False)


def message_for_participant(user, conversation_pk, pk) -> Message:
    conversation = conversation_for_participant(user, conversation_pk)
    try:
        message = _messages(conversation).filter(pk=pk).first()
    except (ValueError, DjangoValidationError):
        message = None
    if message is None:
        raise NotFound(_("Message not found."), code="message_not_found")
    message.conversation = conversation
    return message


def attachment_for_participant(user, pk, *, conversation_pk=None, message_pk=None):
    """An attachment of a message the user can see (not deleted, not moderated)."""
    if not _signed_in(user):
        raise NotFound(_("Attachment not found."), code="attachment_not_found")
    scope = Q(message__conversation__participants__user=user)
    if conversation_pk is not None:
        scope &= Q(message__conversation_id=conversation_pk)
    if message_pk is not None:
        scope &= Q(message_id=message_pk)
    try:
        attachment = (
            MessageAttachment.objects.filter(scope, pk=pk)
            .select_related("message")
            .filter(message__deleted_at__isnull=True, message__moderation="")
            .first()
        )
    except (ValueError, DjangoValidationError):
        attachment = None
    if attachment is None:
        raise NotFound(_("Attachment not found."), code="attachment_not_found")
    return attachment


def seen_by(participants, message) -> list:
    """The other participants whose read pointer has reached ``message``."""
    return [
        p for p in participants if p.user_id != message.author_id and p.last_read_seq >= message.seq
    ]


def read_only_for(conversation, participant) -> bool:
    from .services import write_refusal

    participants = getattr(conversation, "participants_list", None)
    return write_refusal(conversation, participant, participants) is not None
