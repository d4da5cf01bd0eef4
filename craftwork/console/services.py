"""Staff actions of the console. Each goes through the owning app's service, one item at a time
(each in its own transaction), after the console's permission gate; the console audits the batch
and the service audits each item."""

import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from craftwork.accounts import services as accounts_services
from craftwork.catalog.models import Gig
from craftwork.catalog.services import gigs as gig_services
from craftwork.core.audit import audit
from craftwork.core.errors import DomainError, NotFound, ValidationFailed
from craftwork.jobs.models import Job
from craftwork.jobs.services import jobs as job_services
from craftwork.staffroles import access

MAX_BULK = 200


@dataclass(frozen=True)
class Action:
    kind: str
    name: str
    permission: str
    needs_reason: bool


ACTIONS = {
    ("users", "verify"): Action("users", "verify", access.USERS_VERIFY, False),
    ("users", "suspend"): Action("users", "suspend", access.USERS_SUSPEND, True),
    ("users", "reinstate"): Action("users", "reinstate", access.USERS_SUSPEND, True),
    ("jobs", "unpublish"): Action("jobs", "unpublish", access.LISTINGS_UNPUBLISH, True),
    ("gigs", "unpublish"): Action("gigs", "unpublish", access.LISTINGS_UNPUBLISH, True),
}


def actions_for(kind: str, actor) -> list[str]:
    return [
        name
        for (k, name), action in ACTIONS.items()
        if k == kind and access.staff_can(actor, action.permission)
    ]


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _clean_ids(ids) -> list[uuid.UUID]:
    if not isinstance(ids, list | tuple) or not ids:
        raise ValidationFailed(details={"ids": [_("Choose at least one row.")]})
    if len(ids) > MAX_BULK:
        message = _("At most %(count)d rows at once.") % {"count": MAX_BULK}
        raise ValidationFailed(details={"ids": [message]})
    cleaned = []
    for value in ids:
        try:
            cleaned.append(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationFailed(details={"ids": [_("Unknown row.")]}) from None
    return list(dict.fromkeys(cleaned))


def _one(action: Action, actor, pk, reason: str) -> None:
    if action.kind == "users":
        user = get_user_model().objects.filter(pk=pk).first()
        if user is None:
            raise NotFound(_("User not found."))
        if action.name == "verify":
            accounts_services.user_mark_verified(actor=actor, user=user)
        elif action.name == "suspend":
            accounts_services.user_suspend(actor=actor, user=user, reason=reason)
        else:
            accounts_services.user_reinstate(actor=actor, user=user, reason=reason)
    elif action.kind == "jobs":
        job = Job.objects.filter(pk=pk).first()
        if job is None:
            raise NotFound(_("Job not found."))
        job_services.job_remove(actor=actor, job=job, reason=reason)
    else:
        gig = Gig.objects.filter(pk=pk).first()
        if gig is None:
            raise NotFound(_("Gig not found."))
        gig_services.gig_remove(actor=actor, gig=gig, reason=reason)


def bulk_apply(*, actor, kind: str, action: str, ids, reason: str = "") -> BulkResult:
    """Apply ``action`` to each of ``ids``; what one item refuses does not stop the others."""
    spec = ACTIONS.get((kind, action))
    if spec is None:
        raise ValidationFailed(details={"action": [_("Choose an action.")]})
    access.require(actor, spec.permission)
    reason = reason.strip() if isinstance(reason, str) else ""
    if spec.needs_reason and not reason:
        raise ValidationFailed(
            _("Give a reason."), code="reason_required", details={"reason": [_("Give a reason.")]}
        )
    if len(reason) > 500 or "\x00" in reason:
        raise ValidationFailed(details={"reason": [_("At most 500 characters.")]})
    result = BulkResult()
    for pk in _clean_ids(ids):
        try:
            _one(spec, actor, pk, reason)
        except DomainError as exc:
            result.failed.append((str(pk), exc.message))
        else:
            result.done.append(str(pk))
    with transaction.atomic():
        audit(
            actor=actor,
            action="console.bulk_action",
            details={
                "kind": kind,
                "action": action,
                "reason": reason,
                "done": result.done,
                "failed": [pk for pk, _message in result.failed],
            },
        )
    return result


def record_export(*, actor, kind: str, filters: dict) -> None:
    access.require(actor, access.EXPORT)
    audit(actor=actor, action="console.export", details={"kind": kind, "filters": filters})


def record_user_viewed(*, actor, user) -> None:
    audit(actor=actor, action="console.user_viewed", target=user)


def record_messages_read(*, actor, user) -> None:
    access.require(actor, access.MESSAGES_READ)
    audit(actor=actor, action="console.messages_read", target=user)
