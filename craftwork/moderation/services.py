"""Every write of moderation: flags, automatic holds, staff decisions, blocked terms.

Lock order: the moderated item's row (in ``case_decide`` and in a hiding
``hold_for_moderation``, so that a staff decision and an automatic hold, or an owning service
that holds inside its own transaction, cannot deadlock), then the open ``Case`` of the item,
then its flags. The owning app's hide/restore/remove lock that same item row again (a no-op).
"""

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.events import publish

from . import registry
from .models import (
    DECISION_REASON_MAX_LENGTH,
    REASON_MAX_LENGTH,
    BlockedTerm,
    Case,
    Decision,
    Flag,
    FlagReason,
    HiddenItem,
)
from .screening import invalidate_blocked_terms, reason_label

logger = logging.getLogger(__name__)

DEFAULT_FLAGS_PER_HOUR = 20
ACTIONS = (Decision.Action.HIDE, Decision.Action.RESTORE, Decision.Action.REMOVE)
CASE_ACTIONS = (*ACTIONS, Decision.Action.DISMISS)


class RateLimited(DomainError):
    code = "rate_limited"
    status_code = 429
    default_message = _("Too many reports in a short time. Please try again later.")


def flags_per_hour() -> int:
    return int(getattr(settings, "MODERATION_FLAGS_PER_HOUR", DEFAULT_FLAGS_PER_HOUR))


def _require_staff(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_staff):
        raise PermissionDenied()


def item_summary(entry, obj) -> str:
    try:
        return str(entry.describe(obj) or "")[:300]
    except Exception:  # the queue must still open when describe() fails on odd data
        logger.exception("describe() failed for %s", entry.kind)
        return ""


def item_url(entry, obj) -> str:
    try:
        return str(entry.url(obj) or "")[:500]
    except Exception:
        logger.exception("url() failed for %s", entry.kind)
        return ""


def text_hash(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest() if text else ""


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _is_uuid(value) -> bool:
    return _as_uuid(value) is not None


def _mark_hidden(case: Case, *, reason: str, final: bool = False) -> None:
    HiddenItem.objects.update_or_create(
        kind=case.kind,
        object_id=case.object_id,
        defaults={
            "object_uuid": _as_uuid(case.object_id),
            "case": case,
            "reason": reason,
            "final": final,
        },
    )


def _unmark_hidden(case: Case) -> None:
    HiddenItem.objects.filter(kind=case.kind, object_id=case.object_id).delete()


def _open_case(*, entry, obj, author) -> tuple[Case, bool]:
    """The item's open case, locked; created when there is none (safe under a race)."""
    object_id = str(obj.pk)
    case = (
        Case.objects.select_for_update()
        .filter(kind=entry.kind, object_id=object_id, status=Case.Status.OPEN)
        .first()
    )
    if case is not None:
        return case, False
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                kind=entry.kind,
                object_id=object_id,
                author=author if getattr(author, "pk", None) else None,
                summary=item_summary(entry, obj),
                url=item_url(entry, obj),
                last_activity_at=now,
            )
        return case, True
    except IntegrityError:  # another flag/hold opened it at the same moment
        case = Case.objects.select_for_update().get(
            kind=entry.kind, object_id=object_id, status=Case.Status.OPEN
        )
        return case, False


# --- flags -----------------------------------------------------------------------------------


def _clean_flag_input(reason, details) -> tuple[str, str]:
    if not isinstance(reason, str) or reason not in FlagReason.values:
        raise ValidationFailed(details={"reason": [_("Choose one of the listed reasons.")]})
    if details is None:
        details = ""
    if not isinstance(details, str):
        raise ValidationFailed(details={"details": [_("Enter text.")]})
    details = details.strip()
    if len(details) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            details={
                "details": [_("At most %(max)d characters, please.") % {"max": REASON_MAX_LENGTH}]
            }
        )
    if reason == FlagReason.OTHER and not details:
        raise ValidationFailed(details={"details": [_("Tell us what is wrong.")]})
    return reason, details


def _check_rate(actor) -> None:
    since = timezone.now() - timedelta(hours=1)
    if Flag.objects.filter(reporter=actor, created_at__gte=since).count() >= flags_per_hour():
        raise RateLimited()


def flag_create(*, actor, kind, object_id, reason, details: str = "") -> Flag:
    """``actor`` reports an item they can see. One open flag per user and item; several
    flags on an item group into its one open case."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    reason, details = _clean_flag_input(reason, details)
    entry = registry.get_flaggable(kind)
    obj = registry.object_for(kind, object_id, user=actor)
    author = entry.author_of(obj)
    if author is not None and getattr(author, "pk", author) == actor.pk:
        raise PermissionDenied(_("You cannot report your own content."), code="own_content")
    _check_rate(actor)
    with transaction.atomic():
        case, _created = _open_case(entry=entry, obj=obj, author=author)
        if Flag.objects.filter(
            reporter=actor, kind=kind, object_id=str(obj.pk), status=Flag.Status.OPEN
        ).exists():
            raise Conflict(_("You have already reported this."), code="already_flagged")
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    case=case,
                    kind=kind,
                    object_id=str(obj.pk),
                    reporter=actor,
                    reason=reason,
                    details=details,
                )
        except IntegrityError:  # a double submit that raced past the check above
            raise Conflict(_("You have already reported this."), code="already_flagged") from None
        case.flag_count = F("flag_count") + 1
        case.last_activity_at = timezone.now()
        case.summary = item_summary(entry, obj) or case.summary
        case.save(update_fields=["flag_count", "last_activity_at", "summary", "updated_at"])
        case.refresh_from_db(fields=["flag_count"])
        audit(
            actor=actor,
            action="moderation.flag_created",
            target=flag,
            details={"kind": kind, "object_id": str(obj.pk), "reason": reason},
        )
        publish(
            "moderation.flag_created",
            payload={
                "flag_id": str(flag.pk),
                "case_id": str(case.pk),
                "kind": kind,
                "object_id": str(obj.pk),
                "reason": reason,
                "flag_count": case.flag_count,
            },
            actor=actor,
        )
    return flag


# --- automatic holds ---------------------------------------------------------------------------


def hold_for_moderation(
    *, kind, obj, reasons, actor=None, matches=(), text: str = "", hide: bool = True
) -> Case:
    """Put ``obj`` in the queue because screening held it, and keep it out of public view.

    Idempotent (events are delivered at least once): an open case of the item is reused and
    its reasons merged. With ``hide`` (default) the registered ``hide(obj, actor=None,
    reason=...)`` runs — ``actor=None`` means the system; it must be idempotent. Pass
    ``hide=False`` when the caller already keeps the item out of view itself.

    ``text`` (the screened text) lets a staff "restore" stick: the same text is not held again.
    """
    entry = registry.get_flaggable(kind)
    reasons = [str(r) for r in (reasons or ())] or ["screening"]
    digest = text_hash(text)
    with transaction.atomic():
        if hide:
            _lock_target(entry, obj.pk)  # the item first, then its case: as case_decide does
        case, created = _open_case(entry=entry, obj=obj, author=entry.author_of(obj))
        merged = list(dict.fromkeys([*case.hold_reasons, *reasons]))
        merged_matches = list(dict.fromkeys([*case.hold_matches, *(str(m) for m in matches)]))[:20]
        was_held = case.held
        case.held = True
        case.hold_reasons = merged
        case.hold_matches = merged_matches
        case.text_hash = digest or case.text_hash
        case.summary = item_summary(entry, obj) or case.summary
        case.url = item_url(entry, obj) or case.url
        case.last_activity_at = timezone.now()
        case.save(
            update_fields=[
                "held",
                "hold_reasons",
                "hold_matches",
                "text_hash",
                "summary",
                "url",
                "last_activity_at",
                "updated_at",
            ]
        )
        if hide:
            label = ", ".join(reason_label(r) for r in merged)
            note = _("Held for review: %(reasons)s") % {"reasons": label}
            entry.hide(obj, actor=None, reason=note)
            _mark_hidden(case, reason=note)
        if not was_held or created:
            audit(
                actor=actor,
                action="moderation.held",
                target=case,
                details={"kind": kind, "object_id": str(obj.pk), "reasons": merged},
            )
            publish(
                "moderation.held",
                payload={
                    "case_id": str(case.pk),
                    "kind": kind,
                    "object_id": str(obj.pk),
                    "author_id": str(case.author_id) if case.author_id else None,
                    "summary": case.summary,
                    "url": case.url,
                    "reasons": merged,
                },
                actor=actor,
            )
    return case


def was_approved(*, kind, object_id, text: str) -> bool:
    """Staff restored this exact text of the item after a hold: do not hold it again."""
    digest = text_hash(text)
    if not digest:
        return False
    return Case.objects.filter(
        kind=kind,
        object_id=str(object_id),
        status=Case.Status.CLOSED,
        decision=Decision.Action.RESTORE,
        text_hash=digest,
    ).exists()


# --- staff decisions ---------------------------------------------------------------------------


def _clean_decision_reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed(
            _("Write the reason for this decision."),
            code="reason_required",
            details={"reason": [_("This field is required.")]},
        )
    reason = reason.strip()
    if len(reason) > DECISION_REASON_MAX_LENGTH:
        raise ValidationFailed(
            details={
                "reason": [
                    _("At most %(max)d characters, please.") % {"max": DECISION_REASON_MAX_LENGTH}
                ]
            }
        )
    return reason


def _lock_target(entry, object_id):
    """Lock the moderated row first (see the module docstring); None when it is gone."""
    try:
        pk = entry.model._meta.pk.to_python(object_id)
    except Exception:
        return None
    return entry.model._default_manager.select_for_update().filter(pk=pk).first()


def _lock_case(case_id) -> Case:
    try:
        case = Case.objects.select_for_update().filter(pk=case_id).first()
    except Exception:  # malformed id
        case = None
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def case_decide(*, actor, case_id, action, reason, notify_flaggers: bool = True) -> Decision:
    """Staff close an open case: hide, restore or remove the item (through the owning app's
    services), or dismiss the flags. The author is told about hide/remove (and about a restore
    after an automatic hold); flaggers are told the outcome when ``notify_flaggers``."""
    _require_staff(actor)
    if action not in CASE_ACTIONS:
        raise ValidationFailed(details={"action": [_("Choose hide, restore, remove or dismiss.")]})
    reason = _clean_decision_reason(reason)
    peek = (
        Case.objects.filter(pk=case_id).values("kind", "object_id").first()
        if _is_uuid(case_id)
        else None
    )
    if peek is None:
        raise NotFound(_("Case not found."))
    entry = registry.get_flaggable(peek["kind"])
    with transaction.atomic():
        obj = _lock_target(entry, peek["object_id"])
        case = _lock_case(case_id)
        if not case.is_open:
            raise Conflict(_("This case was already decided."), code="case_closed")
        if action == Decision.Action.DISMISS and case.held:
            raise InvalidTransition(
                _("Held content stays hidden until you restore, hide or remove it."),
                code="held_needs_decision",
            )
        was_hidden = HiddenItem.objects.filter(kind=case.kind, object_id=case.object_id).exists()
        _record_visibility(case, entry=entry, obj=obj, action=action, reason=reason)
        decision = _close_case(case, action=action, reason=reason, actor=actor)
        # The owning app acts last: a restore republishes the item, and screening (which runs
        # in this transaction) must already see the closed case that approved its text.
        if obj is not None and action in ACTIONS:
            getattr(entry, action)(obj, actor=actor, reason=reason)
        _announce(case, decision, notify_flaggers=notify_flaggers, was_hidden=was_hidden)
    return decision


def _record_visibility(case: Case, *, entry, obj, action, reason) -> None:
    if action == Decision.Action.HIDE:
        _mark_hidden(case, reason=reason)
    elif action == Decision.Action.REMOVE:
        _mark_hidden(case, reason=reason, final=True)
    elif action == Decision.Action.RESTORE:
        _unmark_hidden(case)
        if entry.text is not None and obj is not None:
            # The text staff approved: screening will not hold it again (see was_approved).
            case.text_hash = text_hash(entry.text(obj))
            case.save(update_fields=["text_hash", "updated_at"])


def _close_case(case: Case, *, action, reason, actor) -> Decision:
    now = timezone.now()
    flag_status = (
        Flag.Status.UPHELD
        if action in (Decision.Action.HIDE, Decision.Action.REMOVE)
        else Flag.Status.DISMISSED
    )
    open_flags = list(case.flags.select_for_update().filter(status=Flag.Status.OPEN))
    for flag in open_flags:
        flag.status = flag_status
        flag.resolved_at = now
        flag.save(update_fields=["status", "resolved_at", "updated_at"])
    case.status = Case.Status.CLOSED
    case.decision = action
    case.decision_reason = reason
    case.closed_at = now
    case.closed_by = actor
    case.last_activity_at = now
    case.save(
        update_fields=[
            "status",
            "decision",
            "decision_reason",
            "closed_at",
            "closed_by",
            "last_activity_at",
            "updated_at",
        ]
    )
    decision = Decision.objects.create(
        case=case,
        kind=case.kind,
        object_id=case.object_id,
        action=action,
        reason=reason,
        actor=actor,
        author_id=case.author_id,
    )
    audit(
        actor=actor,
        action="moderation.case_decided",
        target=case,
        details={
            "kind": case.kind,
            "object_id": case.object_id,
            "action": action,
            "reason": reason,
            "flags": [str(f.pk) for f in open_flags],
        },
    )
    case._resolved_flags = open_flags  # for _announce
    return decision


def _announce(
    case: Case, decision: Decision, *, notify_flaggers: bool, was_hidden: bool = False
) -> None:
    """The author hears about hide/remove, and about a restore of something that was hidden
    (held or hidden earlier); a dismissal concerns only the reporters."""
    flags = getattr(case, "_resolved_flags", [])
    tell_author = decision.action in (Decision.Action.HIDE, Decision.Action.REMOVE) or (
        decision.action == Decision.Action.RESTORE and (case.held or was_hidden)
    )
    publish(
        "moderation.decision_made",
        payload={
            "case_id": str(case.pk),
            "decision_id": str(decision.pk),
            "kind": case.kind,
            "object_id": case.object_id,
            "action": decision.action,
            "reason": decision.reason,
            "summary": case.summary,
            "url": case.url,
            "held": case.held,
            "author_id": str(case.author_id) if case.author_id and tell_author else None,
            "flagger_ids": sorted({str(f.reporter_id) for f in flags}) if notify_flaggers else [],
        },
        actor=decision.actor,
    )


def flag_dismiss(*, actor, flag_id, reason) -> Decision:
    """Staff dismiss one flag without acting on the item. When it was the case's last open flag
    and nothing is held, the case closes as dismissed."""
    _require_staff(actor)
    reason = _clean_decision_reason(reason)
    flag = Flag.objects.filter(pk=flag_id).only("case_id").first() if _is_uuid(flag_id) else None
    if flag is None:
        raise NotFound(_("Flag not found."))
    with transaction.atomic():
        case = _lock_case(flag.case_id)
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != Flag.Status.OPEN or not case.is_open:
            raise Conflict(_("This flag was already handled."), code="flag_closed")
        flag.status = Flag.Status.DISMISSED
        flag.resolved_at = timezone.now()
        flag.save(update_fields=["status", "resolved_at", "updated_at"])
        decision = Decision.objects.create(
            case=case,
            kind=case.kind,
            object_id=case.object_id,
            action=Decision.Action.DISMISS_FLAG,
            reason=reason,
            actor=actor,
            author_id=case.author_id,
            flag=flag,
        )
        audit(
            actor=actor,
            action="moderation.flag_dismissed",
            target=flag,
            details={"case": str(case.pk), "reason": reason},
        )
        remaining = case.flags.filter(status=Flag.Status.OPEN).exists()
        if not remaining and not case.held:
            _close_case(case, action=Decision.Action.DISMISS, reason=reason, actor=actor)
            _announce(case, decision, notify_flaggers=False)
        else:
            case.last_activity_at = timezone.now()
            case.save(update_fields=["last_activity_at", "updated_at"])
    return decision


def case_reopen(*, actor, kind, object_id, reason) -> Case:
    """Staff open a new case for an item (e.g. to restore something hidden earlier)."""
    _require_staff(actor)
    reason = _clean_decision_reason(reason)
    entry = registry.get_flaggable(kind)
    obj = registry.load_object(kind, object_id)
    hidden = HiddenItem.objects.filter(kind=kind, object_id=str(obj.pk)).first()
    if hidden is not None and hidden.final:
        raise Conflict(_("This item was removed for good."), code="removed")
    with transaction.atomic():
        case, created = _open_case(entry=entry, obj=obj, author=entry.author_of(obj))
        if not created:
            raise Conflict(_("This item already has an open case."), code="case_open")
        audit(
            actor=actor,
            action="moderation.case_reopened",
            target=case,
            details={"kind": kind, "object_id": str(obj.pk), "reason": reason},
        )
    return case


# --- blocked terms -----------------------------------------------------------------------------


def _invalidate_terms() -> None:
    # Now (this request sees its own change) and after commit (a reader in between may have
    # cached the old list).
    invalidate_blocked_terms()
    transaction.on_commit(invalidate_blocked_terms)


def blocked_term_add(*, actor, term, kind=BlockedTerm.Kind.WORD, note: str = "") -> BlockedTerm:
    _require_staff(actor)
    if kind not in BlockedTerm.Kind.values:
        raise ValidationFailed(details={"kind": [_("Choose word or domain.")]})
    if not isinstance(term, str) or not term.strip():
        raise ValidationFailed(details={"term": [_("This field is required.")]})
    term = " ".join(term.strip().lower().split())
    if len(term) > 100 or len(note or "") > 200:
        raise ValidationFailed(details={"term": [_("At most 100 characters, please.")]})
    if kind == BlockedTerm.Kind.DOMAIN:
        term = term.removeprefix("https://").removeprefix("http://").removeprefix("www.")
        if " " in term or "." not in term:
            raise ValidationFailed(details={"term": [_("Enter a domain such as pay.example.")]})
    with transaction.atomic():
        existing = BlockedTerm.objects.select_for_update().filter(kind=kind, term=term).first()
        if existing is not None:
            if existing.is_active:
                raise Conflict(_("This term is already blocked."), code="term_exists")
            existing.is_active = True
            existing.note = note or existing.note
            existing.save(update_fields=["is_active", "note", "updated_at"])
            blocked = existing
        else:
            blocked = BlockedTerm.objects.create(kind=kind, term=term, note=note, created_by=actor)
        audit(actor=actor, action="moderation.term_blocked", target=blocked, details={"term": term})
        _invalidate_terms()
    return blocked


def blocked_term_remove(*, actor, term_id) -> None:
    _require_staff(actor)
    with transaction.atomic():
        blocked = (
            BlockedTerm.objects.select_for_update().filter(pk=term_id).first()
            if _is_uuid(term_id)
            else None
        )
        if blocked is None:
            raise NotFound()
        blocked.is_active = False
        blocked.save(update_fields=["is_active", "updated_at"])
        audit(
            actor=actor,
            action="moderation.term_unblocked",
            target=blocked,
            details={"term": blocked.term},
        )
        _invalidate_terms()
