"""Reads of moderation, scoped to what the viewer may see (staff for the queue)."""

import uuid
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from craftwork.core.errors import NotFound

from .models import Case, Decision, Flag, HiddenItem


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _require_staff(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        raise NotFound()


# --- for the owning apps ----------------------------------------------------------------------


def is_hidden(*, kind: str, object_id) -> bool:
    """Moderation keeps this item out of public view (held, hidden or removed)."""
    return HiddenItem.objects.filter(kind=kind, object_id=str(object_id)).exists()


def hidden_ids(kind: str):
    """A subquery of the hidden items' ids, for ``.exclude(pk__in=hidden_ids("job"))``."""
    return HiddenItem.objects.filter(kind=kind, object_uuid__isnull=False).values("object_uuid")


def hidden_item(*, kind: str, object_id) -> HiddenItem | None:
    return HiddenItem.objects.filter(kind=kind, object_id=str(object_id)).first()


# --- the flagger -------------------------------------------------------------------------------


def own_flags(user):
    return Flag.objects.filter(reporter=user).select_related("case").order_by("-created_at", "-id")


def open_flag_keys(user) -> set[tuple[str, str]]:
    """(kind, object_id) of the user's open flags, for the flag button (one query a page)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Flag.objects.filter(reporter=user, status=Flag.Status.OPEN).values_list("kind", "object_id")
    )


def decision_for_viewer(user, pk) -> Decision:
    """A decision as its item's author (who was told about it) or staff sees it."""
    pk = _uuid_or_none(pk)
    if pk is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Decision not found."))
    decision = Decision.objects.select_related("case").filter(pk=pk).first()
    if decision is None or not (user.is_staff or decision.author_id == user.pk):
        raise NotFound(_("Decision not found."))
    return decision


# --- staff --------------------------------------------------------------------------------------


def cases_for_staff(user, *, status: str = Case.Status.OPEN, kind: str = "", source: str = ""):
    _require_staff(user)
    cases = Case.objects.select_related("author", "closed_by")
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    if source == "held":
        cases = cases.filter(held=True)
    elif source == "flagged":
        cases = cases.filter(flag_count__gt=0)
    return cases.annotate(
        open_flags=Count("flags", filter=Q(flags__status=Flag.Status.OPEN))
    ).order_by("-held", "-last_activity_at", "-id")


def flag_reason_counts(cases) -> dict:
    """case id -> [(reason label, count), ...] of its flags, most frequent first (one query)."""
    ids = [case.pk for case in cases]
    rows = (
        Flag.objects.filter(case_id__in=ids)
        .values("case_id", "reason")
        .annotate(total=Count("id"))
        .order_by()
    )
    labels = dict(Flag._meta.get_field("reason").choices)
    counts: dict = defaultdict(Counter)
    for row in rows:
        counts[row["case_id"]][row["reason"]] += row["total"]
    return {
        case_id: [(str(labels.get(reason, reason)), n) for reason, n in counter.most_common()]
        for case_id, counter in counts.items()
    }


def case_for_staff(user, pk) -> Case:
    _require_staff(user)
    pk = _uuid_or_none(pk)
    case = Case.objects.select_related("author", "closed_by").filter(pk=pk).first() if pk else None
    if case is None:
        raise NotFound(_("Case not found."))
    return case


def case_flags(case: Case):
    return case.flags.select_related("reporter").order_by("-created_at", "-id")


def item_history(*, kind: str, object_id):
    """Every decision about one item, newest first."""
    return (
        Decision.objects.filter(kind=kind, object_id=str(object_id))
        .select_related("actor", "flag")
        .order_by("-created_at", "-id")
    )


def author_history(author, *, limit: int = 20):
    """The latest decisions about an author's content (their record with moderators)."""
    if author is None:
        return Decision.objects.none()
    return (
        Decision.objects.filter(author=author)
        .exclude(action=Decision.Action.DISMISS_FLAG)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def author_history_counts(author) -> dict:
    if author is None:
        return {}
    rows = (
        Decision.objects.filter(author=author)
        .values("action")
        .annotate(total=Count("id"))
        .order_by()
    )
    return {row["action"]: row["total"] for row in rows}


def decisions_for_staff(user, *, kind: str = "", object_id: str = ""):
    _require_staff(user)
    decisions = Decision.objects.select_related("actor", "author", "case")
    if kind:
        decisions = decisions.filter(kind=kind)
    if object_id:
        decisions = decisions.filter(object_id=str(object_id))
    return decisions.order_by("-created_at", "-id")


def blocked_terms_for_staff(user):
    from .models import BlockedTerm

    _require_staff(user)
    return BlockedTerm.objects.filter(is_active=True).select_related("created_by")


def case_id_is_valid(value) -> bool:
    try:
        Case._meta.pk.to_python(value)
    except DjangoValidationError:
        return False
    return value not in (None, "")


def flag_for_staff(user, pk) -> Flag:
    _require_staff(user)
    pk = _uuid_or_none(pk)
    flag = Flag.objects.filter(pk=pk).first() if pk else None
    if flag is None:
        raise NotFound(_("Flag not found."))
    return flag


def item_text(case: Case) -> str:
    """The item's current public text, for staff (when its kind declares ``text``)."""
    from .registry import get_flaggable, is_registered, load_object

    if not is_registered(case.kind):
        return ""
    entry = get_flaggable(case.kind)
    if entry.text is None:
        return ""
    try:
        return entry.text(load_object(case.kind, case.object_id))
    except NotFound:
        return ""
