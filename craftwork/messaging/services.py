"""Every write of the messaging app: starting conversations, sending, editing, deleting,
reading, and moderation. Web pages, the API and the WebSocket all call these.

Lock order: the conversation row, then the message row. A message's ``seq`` is handed out
under the conversation's lock, so numbers are gap-free and in commit order.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish
from craftwork.core.files import check_document, download_name, make_thumbnail, reencode_image

from . import contexts, presence, realtime
from . import text as markdown
from .models import (
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_MESSAGE_LENGTH,
    Conversation,
    ConversationKind,
    Message,
    MessageAttachment,
    ModerationState,
    Participant,
    ParticipantRole,
)

EDIT_WINDOW = timedelta(minutes=15)
MAX_IMAGE_SIDE = 2400
THUMBNAIL_SIZE = (320, 320)
MESSAGE_RECEIVED_EVENT = "messaging.message_received"


class RateLimited(DomainError):
    code = "rate_limited"
    status_code = 429
    default_message = gettext_lazy("You are sending messages too fast.")


def send_rate_per_minute() -> int:
    """``MESSAGING_SEND_RATE_PER_MINUTE`` from the settings, else the environment, else 30."""
    configured = getattr(settings, "MESSAGING_SEND_RATE_PER_MINUTE", None)
    if configured is None:
        configured = os.environ.get("MESSAGING_SEND_RATE_PER_MINUTE") or 30
    return int(configured)


# --- conversations ----------------------------------------------------------------------------


def conversation_for_context(*, kind: str, obj, actor, with_user=None) -> Conversation:
    """The conversation about ``obj`` (a Job, Proposal or Contract; "team": a Contract), created
    when ``actor`` may start it. ``with_user``: the freelancer a client writes to about a job."""
    return conversation_start(kind=kind, obj=obj, actor=actor, with_user=with_user)[0]


def conversation_start(*, kind: str, obj, actor, with_user=None) -> tuple[Conversation, bool]:
    """Like ``conversation_for_context``; also says whether the conversation is new."""
    _require_user(actor)
    context = contexts.resolve(kind=kind, obj=obj, actor=actor, with_user=with_user)
    existing = Conversation.objects.filter(key=context.key).first()
    if existing is not None:
        if context.kind == ConversationKind.TEAM:
            team_sync(conversation=existing, members=context.members)
        if Participant.objects.filter(conversation=existing, user=actor).exists():
            return existing, False
    if context.refusal is not None:
        raise context.refusal
    if existing is not None:  # a member who is not in it yet (the team sync added them)
        raise NotFound(_("Conversation not found."), code="conversation_not_found")
    return _create(context, actor)


def _create(context: contexts.Context, actor) -> tuple[Conversation, bool]:
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=context.kind,
                key=context.key,
                title=context.title,
                job=context.job,
                contract=context.contract,
                client=context.client,
            )
            Participant.objects.bulk_create(
                Participant(
                    conversation=conversation,
                    user=member.user,
                    role=member.role,
                    contract=member.contract,
                )
                for member in context.members
            )
            audit(
                actor=actor,
                action="messaging.conversation_started",
                target=conversation,
                details={"kind": context.kind, "key": context.key},
            )
    except IntegrityError:
        # Someone started the same conversation at the same moment: theirs is the one.
        return Conversation.objects.get(key=context.key), False
    return conversation, True


def team_sync(*, conversation: Conversation, members) -> int:
    """Add freelancers hired on the job since the team conversation started; returns how many."""
    with transaction.atomic():
        current = {
            p.user_id: p
            for p in Participant.objects.select_for_update(of=("self",))
            .filter(conversation=conversation)
            .select_related("contract")
        }
        added = 0
        for member in members:
            participant = current.get(member.user.pk)
            if participant is None:
                Participant.objects.create(
                    conversation=conversation,
                    user=member.user,
                    role=member.role,
                    contract=member.contract,
                )
                added += 1
            elif member.contract is not None and participant.contract_id != member.contract.pk:
                participant.contract = member.contract
                participant.save(update_fields=["contract"])
    return added


def team_sync_for_contract(contract) -> int:
    """A contract was created: if its job has a team conversation, its freelancer joins it."""
    job = contexts.job_of_contract(contract)
    if job is None:
        return 0
    conversation = Conversation.objects.filter(key=f"team:{job.pk}").first()
    if conversation is None:
        return 0
    members = contexts.team_members(job, contexts.team_contracts(job))
    return team_sync(conversation=conversation, members=members)


# --- who may write ------------------------------------------------------------------------------


def _require_user(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Log in first."), code="not_authenticated")


def _participant(conversation, actor) -> Participant:
    _require_user(actor)
    participant = (
        Participant.objects.filter(conversation_id=conversation.pk, user=actor)
        .select_related("contract")
        .first()
    )
    if participant is None:
        raise NotFound(_("Conversation not found."), code="conversation_not_found")
    return participant


def write_refusal(conversation: Conversation, participant: Participant, participants=None):
    """Why ``participant`` may not write in ``conversation`` now (a Conflict), or None.

    Job conversations close with the job (closed or cancelled); contract and team
    conversations when the contracts finish (completed or cancelled): the history stays readable.
    """
    if conversation.kind == ConversationKind.JOB:
        job = conversation.job
        if job is None or job.status in contexts.CLOSED_JOB_STATUSES:
            return _read_only(_("The job is closed: this conversation is read-only."))
        return None
    if participant.role == ParticipantRole.CLIENT:
        if participants is None:
            participants = Participant.objects.filter(conversation_id=conversation.pk)
            participants = participants.select_related("contract")
        open_contract = any(
            p.contract is not None and p.contract.state not in contexts.FINISHED_CONTRACT_STATES
            for p in participants
        )
    else:
        open_contract = (
            participant.contract is not None
            and participant.contract.state not in contexts.FINISHED_CONTRACT_STATES
        )
    if not open_contract:
        return _read_only(_("The contract has ended: this conversation is read-only."))
    return None


def _read_only(message) -> Conflict:
    return Conflict(message, code="conversation_read_only")


def check_rate(actor) -> None:
    """At most ``MESSAGING_SEND_RATE_PER_MINUTE`` messages a minute per user (fixed window)."""
    limit = send_rate_per_minute()
    window = int(time.time() // 60)
    key = f"messaging:send-rate:{actor.pk}:{window}"
    cache.add(key, 0, 90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 90)
        count = 1
    if count > limit:
        raise RateLimited(
            _("You are sending messages too fast. Wait a moment and try again."),
            details={"limit_per_minute": limit, "retry_after_seconds": 60 - int(time.time()) % 60},
        )


# --- text and files ----------------------------------------------------------------------------


def clean_body(body) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise ValidationFailed(_("The message must be text."), details={"body": [_("Send text.")]})
    if "\x00" in body:
        raise ValidationFailed(
            _("The message contains characters that are not allowed."),
            code="invalid_text",
            details={"body": [_("Null characters are not allowed.")]},
        )
    text = body.strip()
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(
            _("A message has at most %(n)d characters.") % {"n": MAX_MESSAGE_LENGTH},
            code="message_too_long",
            details={"body": [_("At most %(n)d characters.") % {"n": MAX_MESSAGE_LENGTH}]},
        )
    return text


def _empty() -> ValidationFailed:
    return ValidationFailed(
        _("Write a message or attach a file."),
        code="empty_message",
        details={"body": [_("Write a message or attach a file.")]},
    )


def prepare_attachments(uploads) -> list[dict]:
    """Validate every upload by its content (PDF or image) before anything is written; images
    are re-encoded (metadata and appended bytes dropped) and get a thumbnail."""
    uploads = [upload for upload in (uploads or []) if upload is not None]
    if len(uploads) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ValidationFailed(
            _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many_attachments",
            details={
                "attachments": [_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_MESSAGE}]
            },
        )
    return [_prepare(upload) for upload in uploads]


def _prepare(upload) -> dict:
    if not hasattr(upload, "read") or not hasattr(upload, "size"):
        raise ValidationFailed(_("Send a file."), details={"attachments": [_("Send a file.")]})
    try:
        document = check_document(upload)
    except ValidationFailed as error:
        raise ValidationFailed(
            _("Attach a PDF or an image (JPEG, PNG, WebP or GIF): %(error)s")
            % {"error": error.message},
            code=error.code,
            details={"attachments": [error.message]},
        ) from error
    if document.kind == "pdf":
        upload.seek(0)
        return {
            "content": upload, "stored_name": document.stored_name, "kind": "pdf",
            "size": document.size, "original_name": document.original_name, "thumbnail": None,
        }  # fmt: skip
    content = reencode_image(upload, max_size=(MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), name="image")
    return {
        "content": content, "stored_name": "image.jpg", "kind": "jpg", "size": content.size,
        "original_name": download_name(document.original_name, "jpg"),
        "thumbnail": make_thumbnail(content, size=THUMBNAIL_SIZE, name="thumb"),
    }  # fmt: skip


# --- messages ----------------------------------------------------------------------------------


def message_send(*, conversation: Conversation, actor, body: str = "", files=()) -> Message:
    """Post a message (markdown text, and/or up to 5 files) as ``actor``."""
    _require_user(actor)
    text = clean_body(body)
    prepared = prepare_attachments(files)
    if not text and not prepared:
        raise _empty()
    check_rate(actor)
    written: list = []
    try:
        message, locked, attachments, away = _send_locked(
            conversation, actor, text, prepared, written
        )
    except BaseException:
        for storage, name in written:  # a refused or failed send leaves no files behind
            storage.delete(name)
        raise
    message.author = actor
    message.conversation = locked
    _cache_attachments(message, attachments)
    transaction.on_commit(lambda: realtime.on_message_created(message, recipient_ids=away))
    return message


def _send_locked(conversation, actor, text, prepared, written):
    with transaction.atomic():
        locked = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("job")
            .filter(pk=conversation.pk)
            .order_by()
            .first()
        )
        participants = list(
            Participant.objects.filter(conversation_id=conversation.pk)
            .select_related("contract")
            .order_by()
        )
        me = next((p for p in participants if p.user_id == actor.pk), None)
        if locked is None or me is None:  # a stranger learns nothing (404)
            raise NotFound(_("Conversation not found."), code="conversation_not_found")
        refusal = write_refusal(locked, me, participants)
        if refusal is not None:
            raise refusal
        previous_seq = locked.last_seq
        locked.last_seq += 1
        message = Message.objects.create(
            conversation=locked,
            seq=locked.last_seq,
            author=actor,
            body=text,
            body_html=markdown.render(text),
        )
        attachments = [_store_attachment(message, item, written) for item in prepared]
        locked.last_message = message
        locked.last_message_at = message.created_at
        locked.save(update_fields=["last_seq", "last_message", "last_message_at", "updated_at"])
        Participant.objects.filter(pk=me.pk).update(
            last_read_seq=locked.last_seq, last_read_at=message.created_at
        )
        others = [p.user_id for p in participants if p.user_id != actor.pk]
        looking = presence.viewing(locked.pk, others)
        _publish_received(locked, message, actor, participants, previous_seq, attachments, looking)
    # Who has the conversation open reads the message there (and then gets the new total on
    # "read"); the others' header badges get the new total now.
    away = [user_id for user_id in others if user_id not in looking]
    return message, locked, attachments, away


def _cache_attachments(message: Message, attachments: list) -> None:
    """As if prefetched: the push after commit serialises them without a query."""
    cached = MessageAttachment.objects.filter(message=message)
    cached._result_cache = list(attachments)
    cached._prefetch_done = True
    message._prefetched_objects_cache = {"attachments": cached}


def _store_attachment(message: Message, prepared: dict, written: list) -> MessageAttachment:
    attachment = MessageAttachment(
        message=message,
        original_name=prepared["original_name"],
        kind=prepared["kind"],
        size=prepared["size"],
    )
    attachment.file.save(prepared["stored_name"], prepared["content"], save=False)
    written.append((attachment.file.storage, attachment.file.name))
    if prepared["thumbnail"] is not None:
        attachment.thumbnail.save("thumb.jpg", prepared["thumbnail"], save=False)
        written.append((attachment.thumbnail.storage, attachment.thumbnail.name))
    attachment.save()
    return attachment


def _publish_received(
    conversation, message, actor, participants, previous_seq, attachments, looking
):
    """Notify only who had read everything before this message (one notification per unread
    burst, not one per message) and does not have the conversation open right now."""
    caught_up = [
        p.user_id for p in participants if p.user_id != actor.pk and p.last_read_seq >= previous_seq
    ]
    notify_ids = [str(user_id) for user_id in caught_up if user_id not in looking]
    if not notify_ids:
        return
    preview = message.body[:140] if message.body else ""
    publish(
        MESSAGE_RECEIVED_EVENT,
        payload={
            "conversation_id": str(conversation.pk),
            "message_id": str(message.pk),
            "seq": message.seq,
            "author_id": str(actor.pk),
            "author_name": realtime.display_name(actor),
            "title": conversation.title,
            "kind": conversation.kind,
            "preview": preview,
            "attachments": len(attachments),
            "recipient_ids": notify_ids,
        },
        actor=actor,
    )


def _lock_message(message: Message, actor) -> tuple[Conversation, Participant, Message]:
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    participant = _participant(conversation, actor)
    locked = Message.objects.select_for_update().get(pk=message.pk)
    return conversation, participant, locked


def _check_own_and_shown(message: Message, actor) -> None:
    if message.author_id != actor.pk:
        raise PermissionDenied(_("You can only change your own messages."), code="not_author")
    if message.is_moderated:
        raise Conflict(_("This message was hidden by moderation."), code="message_moderated")


def message_edit(*, message: Message, actor, body: str) -> Message:
    """Change the text of one's own message within 15 minutes of sending it (marked "edited")."""
    _participant(message.conversation, actor)
    text = clean_body(body)
    with transaction.atomic():
        conversation, participant, locked = _lock_message(message, actor)
        _check_own_and_shown(locked, actor)
        if locked.is_deleted:
            raise Conflict(_("This message was deleted."), code="message_deleted")
        if timezone.now() - locked.created_at > EDIT_WINDOW:
            raise Conflict(
                _("Messages can be edited for %(minutes)d minutes after sending.")
                % {"minutes": int(EDIT_WINDOW.total_seconds() // 60)},
                code="edit_window_passed",
            )
        refusal = write_refusal(conversation, participant)
        if refusal is not None:
            raise refusal
        if not text and not locked.attachments.exists():
            raise _empty()
        if text == locked.body:
            return locked
        locked.body = text
        locked.body_html = markdown.render(text)
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
        audit(actor=actor, action="messaging.message_edited", target=locked)
    updated = _for_push(locked)
    transaction.on_commit(lambda: realtime.on_message_updated(updated))
    return updated


def message_delete(*, message: Message, actor) -> Message:
    """Delete one's own message: it shows as "message deleted"; deleting twice changes nothing."""
    _participant(message.conversation, actor)
    with transaction.atomic():
        conversation, participant, locked = _lock_message(message, actor)
        _check_own_and_shown(locked, actor)
        if locked.is_deleted:
            return _for_push(locked)
        refusal = write_refusal(conversation, participant)
        if refusal is not None:
            raise refusal
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at", "updated_at"])
        audit(actor=actor, action="messaging.message_deleted", target=locked)
        others = _others(conversation, actor)
    updated = _for_push(locked)
    transaction.on_commit(lambda: realtime.on_message_updated(updated, recipient_ids=others))
    return updated


def _others(conversation, actor) -> list:
    return list(
        Participant.objects.filter(conversation=conversation)
        .exclude(user=actor)
        .values_list("user_id", flat=True)
    )


def _for_push(message: Message) -> Message:
    return (
        Message.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
    )


def conversation_mark_read(*, conversation: Conversation, actor, seq: int | None = None) -> int:
    """Move ``actor``'s read pointer up to ``seq`` (default: the newest message); it never moves
    back. Returns the pointer. Tells the other participants (read receipts) when it moved."""
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        raise ValidationFailed(
            _("Give the number of the last message read."),
            details={"seq": [_("A whole number, 0 or more.")]},
        )
    loaded = getattr(conversation, "me", None)
    if loaded is not None and loaded.user_id == getattr(actor, "pk", None):
        # Loaded for this request by selectors.conversation_for_participant: up to what it showed.
        participant, last_seq = loaded, conversation.last_seq
    else:
        participant = _participant(conversation, actor)
        last_seq = (
            Conversation.objects.filter(pk=conversation.pk).values_list("last_seq", flat=True).get()
        )
    target = min(seq if seq is not None else last_seq, last_seq)
    if target <= participant.last_read_seq:
        return participant.last_read_seq
    moved = Participant.objects.filter(pk=participant.pk, last_read_seq__lt=target).update(
        last_read_seq=target, last_read_at=timezone.now()
    )
    if moved:
        transaction.on_commit(lambda: realtime.on_read(conversation.pk, user=actor, seq=target))
    return target


# --- moderation (called through the moderation registry) ----------------------------------------


def _moderate(message: Message, *, state: str, actor, reason: str, action: str) -> Message:
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.moderation == ModerationState.REMOVED and state != ModerationState.REMOVED:
            raise Conflict(_("This message was removed."), code="message_removed")
        if locked.moderation == state:
            return locked
        locked.moderation = state
        locked.save(update_fields=["moderation", "updated_at"])
        audit(actor=actor, action=action, target=locked, details={"reason": reason[:500]})
    updated = _for_push(locked)
    transaction.on_commit(lambda: realtime.on_message_updated(updated))
    return updated


def message_hide(*, message: Message, actor, reason: str = "") -> Message:
    """Moderation: participants see "hidden by moderation" instead of the message."""
    return _moderate(
        message, state=ModerationState.HIDDEN, actor=actor, reason=reason,
        action="messaging.message_hidden",
    )  # fmt: skip


def message_restore(*, message: Message, actor, reason: str = "") -> Message:
    return _moderate(
        message, state=ModerationState.VISIBLE, actor=actor, reason=reason,
        action="messaging.message_restored",
    )  # fmt: skip


def message_remove(*, message: Message, actor, reason: str = "") -> Message:
    """Moderation, for good: the message stays hidden and cannot be restored."""
    return _moderate(
        message, state=ModerationState.REMOVED, actor=actor, reason=reason,
        action="messaging.message_removed",
    )  # fmt: skip
