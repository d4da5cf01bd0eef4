"""Every write on contracts. State changes go through ``process.apply``; these services add
the data around them (contracts, proposed milestones, time logs) with the same rules:
keyword arguments, an explicit actor, one transaction, rows locked contract first."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish
from craftwork.core.money import Money
from craftwork.payments.fees import check_chargeable

from . import process
from .deliveries import MAX_MESSAGE_LENGTH, validate_files
from .funding import milestone_fund_start, timesheet_pay_start
from .models import (
    Contract,
    ContractEvent,
    ContractState,
    Milestone,
    MilestoneState,
    Source,
    TimeLog,
    Timesheet,
    TimesheetState,
)
from .process import SYSTEM, apply
from .terms import MAX_TITLE_LENGTH, ContractTerms, check_price
from .workflows.common import ensure_open

__all__ = [
    "contract_cancel",
    "contract_create",
    "contract_transition",
    "milestone_approve",
    "milestone_dispute",
    "milestone_fund_start",
    "milestone_propose",
    "milestone_request_changes",
    "milestone_submit",
    "milestone_update",
    "run_due_timers",
    "timelog_create",
    "timelog_delete",
    "timelog_update",
    "timesheet_approve",
    "timesheet_pay_start",
    "timesheet_reject",
    "timesheet_submit",
]

MAX_DESCRIPTION_LENGTH = 20_000
MAX_TIMELOG_DESCRIPTION = 500
MINUTES_PER_DAY = 24 * 60
OPEN_FOR_LOGS = {TimesheetState.OPEN, TimesheetState.REJECTED}


# --- contracts ------------------------------------------------------------------------------


def contract_create(
    *,
    source: str,
    source_ref: str,
    client,
    provider,
    organization=None,
    title: str,
    description: str = "",
    terms: ContractTerms,
    actor,
    contract_id: uuid.UUID | None = None,
    initial_state: str | None = None,
) -> Contract:
    """Create a contract from accepted terms (a proposal, an invitation, a gig order, a booking).

    Fixed-price contracts get their milestones from the terms (or one milestone for the whole
    amount) already agreed, awaiting funding. One contract per (source, source_ref).

    ``contract_id`` lets a caller fix the id in advance, e.g. a checkout that pays into
    ``contract:<id>`` before the contract exists. ``initial_state`` must be one of the
    process's initial or entry states (e.g. a gig order created already paid)."""
    _check_creation(source, source_ref, client, provider, title, description, actor)
    terms = _with_defaults(terms).validate()
    contract_process = process.registered_processes().get(terms.kind)
    if contract_process is None:
        raise ValidationFailed(
            _("This kind of contract is not available yet."),
            code="no_process",
            details={"kind": terms.kind},
        )
    if organization is not None:
        _check_organization(organization, client)
    try:
        with transaction.atomic():
            contract = _insert_contract(
                contract_id,
                source,
                source_ref,
                client,
                provider,
                organization,
                title,
                description,
                terms,
                _initial_state(contract_process, initial_state),
            )
            _create_initial_milestones(contract, terms)
            _record_creation(contract, actor)
    except IntegrityError as exc:
        if Contract.objects.filter(source=source, source_ref=source_ref).exists():
            raise _already_exists() from exc
        raise
    return contract


def _check_creation(source, source_ref, client, provider, title, description, actor) -> None:
    errors = {}
    if source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    if not isinstance(source_ref, str) or not source_ref or len(source_ref) > 200:
        errors["source_ref"] = [_("A reference of 1 to 200 characters.")]
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [_("A title of 1 to 200 characters.")]
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [_("At most 20000 characters.")]
    if errors:
        raise ValidationFailed(details=errors)
    if client.pk == provider.pk:
        raise ValidationFailed(_("You cannot hire yourself."), code="self_hire")
    if actor is not SYSTEM and actor.pk not in (client.pk, provider.pk) and not actor.is_staff:
        raise PermissionDenied(_("Only the parties create their contract."))
    if Contract.objects.filter(source=source, source_ref=source_ref).exists():
        raise _already_exists()


def _already_exists() -> Conflict:
    return Conflict(_("A contract already exists for this."), code="contract_exists")


def _with_defaults(terms: ContractTerms) -> ContractTerms:
    if not isinstance(terms, ContractTerms):
        raise TypeError("terms must be a ContractTerms")
    if terms.review_window_days is None:
        from dataclasses import replace

        return replace(terms, review_window_days=settings.CONTRACT_REVIEW_WINDOW_DAYS)
    return terms


def _check_organization(organization, client) -> None:
    from craftwork.accounts.selectors import organizations_for

    if not organizations_for(client).filter(pk=organization.pk).exists():
        raise PermissionDenied(
            _("The client is not a member of this organization."), code="not_org_member"
        )


def _initial_state(contract_process, requested: str | None) -> str:
    if requested is None:
        return contract_process.initial
    if requested not in (contract_process.initial, *contract_process.entry_states):
        raise ValueError(f"{requested!r} is not an entry state of {contract_process.name}")
    return requested


def _insert_contract(
    contract_id,
    source,
    source_ref,
    client,
    provider,
    organization,
    title,
    description,
    terms: ContractTerms,
    initial_state: str,
) -> Contract:
    total = terms.total
    extra = {"id": contract_id} if contract_id is not None else {}
    return Contract.objects.create(
        **extra,
        source=source,
        source_ref=source_ref,
        client=client,
        provider=provider,
        organization=organization,
        title=title.strip(),
        description=description,
        kind=terms.kind,
        currency=terms.currency,
        amount_minor=total.minor if total is not None else None,
        hourly_rate_minor=terms.hourly_rate.minor if terms.hourly_rate else None,
        weekly_limit_minutes=terms.weekly_limit_minutes,
        platform_fee_bps=terms.platform_fee_bps,
        cancellation_policy=terms.cancellation_policy,
        review_window_days=terms.review_window_days,
        revisions_allowed=terms.revisions_allowed,
        delivery_days=terms.delivery_days,
        category_slug=terms.category_slug or "",
        state=initial_state,
    )


def _create_initial_milestones(contract: Contract, terms: ContractTerms) -> None:
    planned = list(terms.milestones)
    if not planned and terms.kind == "fixed":
        due = None
        if terms.delivery_days:
            due = timezone.localdate() + timedelta(days=terms.delivery_days)
        planned = [(contract.title, terms.amount, due)]
    for position, (title, amount, due) in enumerate(planned, start=1):
        Milestone.objects.create(
            contract=contract,
            position=position,
            title=title.strip(),
            amount_minor=amount.minor,
            currency=contract.currency,
            due_date=due,
            state=MilestoneState.PENDING_FUNDING,
        )


def _record_creation(contract: Contract, actor) -> None:
    user = None if actor is SYSTEM else actor
    role = process.roles_of(contract, actor)
    ContractEvent.objects.create(
        contract=contract,
        subject="contract",
        subject_id=contract.pk,
        transition="create",
        from_state="",
        to_state=contract.state,
        actor=user,
        actor_role=role[0] if role else "system",
        data={"source": contract.source, "source_ref": contract.source_ref},
    )
    payload = process.event_payload(contract, source=contract.source, state=contract.state)
    audit(actor=user, action="contracts.contract.create", target=contract, details=payload)
    publish("contracts.created", payload=payload, actor=user)
    process.notify_parties_on_commit(contract)


def contract_transition(*, obj, transition: str, actor, note: str = "", **params):
    """Run any transition the actor may run now on a contract, milestone or timesheet."""
    return apply(obj, transition, actor=actor, note=note, **params)


def contract_cancel(*, contract: Contract, actor, reason: str) -> Contract:
    """Cancel with a reason; the process decides who may, when, and what is refunded."""
    return apply(contract, "cancel", actor=actor, note=reason)


def run_due_timers(*, now=None) -> int:
    """Auto-approvals whose review window has passed (the scheduler's job; safe to repeat)."""
    return process.run_due_timers(now=now)


# --- milestones -----------------------------------------------------------------------------


def _clean_milestone_fields(contract, title, amount, due_date, description) -> dict:
    errors = {}
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [_("A title of 1 to 200 characters.")]
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [_("At most 20000 characters.")]
    if due_date is not None and (not isinstance(due_date, date) or due_date < timezone.localdate()):
        errors["due_date"] = [_("A date that is not in the past.")]
    if errors:
        raise ValidationFailed(details=errors)
    check_price(amount, contract.currency)
    check_chargeable(amount, contract.category_slug or None)
    return {
        "title": title.strip(),
        "amount_minor": amount.minor,
        "due_date": due_date,
        "description": description,
    }


def milestone_propose(
    *, contract: Contract, title: str, amount: Money, due_date=None, description: str = "", actor
) -> Milestone:
    """Either party proposes one more milestone; the other agrees (or declines) before funding."""
    fields = _clean_milestone_fields(contract, title, amount, due_date, description)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.role_of(actor) is None:
            raise PermissionDenied(_("Only the parties propose milestones."))
        if contract.kind != "fixed" or not process.has_process("milestone"):
            raise InvalidTransition(_("This contract has no milestones."), code="no_milestones")
        ensure_open(contract)
        position = (contract.milestones.aggregate(m=Max("position"))["m"] or 0) + 1
        milestone = Milestone.objects.create(
            contract=contract,
            position=position,
            currency=contract.currency,
            proposed_by=actor,
            state=MilestoneState.PROPOSED,
            **fields,
        )
        _record_item_created(contract, milestone, actor, "propose")
        payload = process.event_payload(contract, milestone, proposed_by_id=str(actor.pk))
        publish("contracts.milestone_proposed", payload=payload, actor=actor)
    return milestone


def _record_item_created(contract, item, actor, transition: str) -> None:
    ContractEvent.objects.create(
        contract=contract,
        subject=item.subject_name,
        subject_id=item.pk,
        transition=transition,
        from_state="",
        to_state=item.state,
        actor=actor,
        actor_role=contract.role_of(actor) or "staff",
    )
    audit(actor=actor, action=f"contracts.{item.subject_name}.{transition}", target=item)
    process.notify_parties_on_commit(contract)


def milestone_update(
    *, milestone: Milestone, actor, title=None, amount=None, due_date=None, description=None
) -> Milestone:
    """Edit a proposed milestone (its proposer only). Agreed terms are never edited."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if contract.role_of(actor) is None:
            raise PermissionDenied(_("Only the parties edit milestones."))
        if milestone.state != MilestoneState.PROPOSED:
            raise InvalidTransition(
                _("Agreed milestones cannot be changed; propose a new one instead."),
                code="terms_locked",
            )
        if milestone.proposed_by_id != actor.pk:
            raise PermissionDenied(_("Only the party who proposed it edits a milestone."))
        ensure_open(contract)
        fields = _clean_milestone_fields(
            contract,
            milestone.title if title is None else title,
            milestone.amount if amount is None else amount,
            milestone.due_date if due_date is None else due_date,
            milestone.description if description is None else description,
        )
        for name, value in fields.items():
            setattr(milestone, name, value)
        milestone.save(update_fields=[*fields, "updated_at"])
        audit(
            actor=actor,
            action="contracts.milestone.update",
            target=milestone,
            details={"amount_minor": milestone.amount_minor},
        )
        process.notify_parties_on_commit(contract)
    return milestone


def milestone_submit(*, milestone: Milestone, message: str, files=(), actor) -> Milestone:
    """The freelancer delivers: a message and up to ten files (PDF or images)."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(details={"message": [_("At most 5000 characters.")]})
    validate_files(files)
    return apply(milestone, "submit", actor=actor, note=message, files=list(files or []))


def milestone_approve(*, milestone: Milestone, actor) -> Milestone:
    return apply(milestone, "approve", actor=actor)


def milestone_request_changes(*, milestone: Milestone, note: str, actor) -> Milestone:
    return apply(milestone, "request_changes", actor=actor, note=note)


def milestone_dispute(
    *, milestone: Milestone, reason: str, actor, evidence_text: str = "", files=()
) -> Milestone:
    return apply(
        milestone,
        "dispute",
        actor=actor,
        note=reason,
        evidence_text=evidence_text,
        files=list(files or []),
    )


# --- time logs ------------------------------------------------------------------------------


def provider_today(contract: Contract) -> date:
    return timezone.now().astimezone(_zone(contract.provider.timezone)).date()


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _clean_log(contract, log_date, minutes, description) -> dict:
    errors = {}
    code = "validation_error"
    if not isinstance(log_date, date):
        errors["date"] = [_("A date is required.")]
    elif log_date > provider_today(contract):
        errors["date"] = [_("Time cannot be logged in the future.")]
        code = "future_time_log"
    elif log_date < contract.created_at.astimezone(_zone(contract.provider.timezone)).date():
        errors["date"] = [_("The contract did not exist yet on that day.")]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        errors["minutes"] = [_("Between 1 and 1440 minutes.")]
    if not isinstance(description, str) or not description.strip():
        errors["description"] = [_("Describe the work done.")]
    elif len(description) > MAX_TIMELOG_DESCRIPTION:
        errors["description"] = [_("At most 500 characters.")]
    if errors:
        raise ValidationFailed(code=code, details=errors)
    return {"date": log_date, "minutes": minutes, "description": description.strip()}


def _lock_hourly(contract, actor) -> Contract:
    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=contract.pk)
    )
    if actor.pk != contract.provider_id:
        raise PermissionDenied(_("Only the freelancer logs time."), code="not_provider")
    if contract.kind != "hourly":
        raise InvalidTransition(_("Time is logged on hourly contracts."), code="not_hourly")
    if contract.state not in (ContractState.ACTIVE, ContractState.IN_PROGRESS):
        raise InvalidTransition(
            _("This contract is %(state)s.") % {"state": contract.get_state_display()},
            code="contract_closed",
        )
    return contract


def _editable_timesheet(contract, log_date: date) -> Timesheet:
    timesheet, _created = Timesheet.objects.get_or_create(
        contract=contract,
        week_start=week_start_of(log_date),
        defaults={"currency": contract.currency, "state": TimesheetState.OPEN},
    )
    timesheet = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
    if timesheet.state not in OPEN_FOR_LOGS:
        raise InvalidTransition(
            _("The timesheet of that week was already submitted."), code="timesheet_locked"
        )
    return timesheet


def _check_limits(contract, timesheet, log_date, minutes, exclude=None) -> None:
    week = TimeLog.objects.filter(timesheet=timesheet).exclude(pk=exclude)
    week_total = (week.aggregate(t=Sum("minutes"))["t"] or 0) + minutes
    if week_total > contract.weekly_limit_minutes:
        left = max(0, contract.weekly_limit_minutes - (week_total - minutes))
        raise ValidationFailed(
            _("This goes over the weekly limit of %(hours)s hours (%(left)d minutes left).")
            % {"hours": f"{contract.weekly_limit_minutes / 60:g}", "left": left},
            code="weekly_limit_exceeded",
            details={"minutes": [_("%(left)d minutes left this week.") % {"left": left}]},
        )
    day_total = (week.filter(date=log_date).aggregate(t=Sum("minutes"))["t"] or 0) + minutes
    if day_total > MINUTES_PER_DAY:
        raise ValidationFailed(
            _("A day has 24 hours."),
            code="day_limit_exceeded",
            details={"minutes": [_("More than 24 hours on one day.")]},
        )


def timelog_create(*, contract: Contract, date, minutes: int, description: str, actor) -> TimeLog:
    """Log time on an hourly contract (the freelancer, in their own time zone's days)."""
    with transaction.atomic():
        contract = _lock_hourly(contract, actor)
        fields = _clean_log(contract, date, minutes, description)
        timesheet = _editable_timesheet(contract, fields["date"])
        _check_limits(contract, timesheet, fields["date"], fields["minutes"])
        log = TimeLog.objects.create(contract=contract, timesheet=timesheet, **fields)
        audit(
            actor=actor,
            action="contracts.timelog.create",
            target=log,
            details={"minutes": log.minutes, "date": str(log.date)},
        )
        if contract.state == ContractState.ACTIVE:
            apply(contract, "start", actor=SYSTEM)
        process.notify_parties_on_commit(contract)
    return log


def timelog_update(*, log: TimeLog, actor, date=None, minutes=None, description=None) -> TimeLog:
    with transaction.atomic():
        contract = _lock_hourly(log.contract, actor)
        log = TimeLog.objects.select_for_update().get(pk=log.pk, contract=contract)
        fields = _clean_log(
            contract,
            log.date if date is None else date,
            log.minutes if minutes is None else minutes,
            log.description if description is None else description,
        )
        _editable_timesheet(contract, log.date)  # the week it leaves must be editable too
        timesheet = _editable_timesheet(contract, fields["date"])
        _check_limits(contract, timesheet, fields["date"], fields["minutes"], exclude=log.pk)
        for name, value in fields.items():
            setattr(log, name, value)
        log.timesheet = timesheet
        log.save(update_fields=[*fields, "timesheet", "updated_at"])
        audit(
            actor=actor,
            action="contracts.timelog.update",
            target=log,
            details={"minutes": log.minutes, "date": str(log.date)},
        )
        process.notify_parties_on_commit(contract)
    return log


def timelog_delete(*, log: TimeLog, actor) -> None:
    with transaction.atomic():
        contract = _lock_hourly(log.contract, actor)
        log = TimeLog.objects.select_for_update().get(pk=log.pk, contract=contract)
        _editable_timesheet(contract, log.date)
        audit(
            actor=actor,
            action="contracts.timelog.delete",
            target=log,
            details={"minutes": log.minutes, "date": str(log.date)},
        )
        log.delete()
        process.notify_parties_on_commit(contract)


# --- timesheets -----------------------------------------------------------------------------


def timesheet_submit(*, timesheet: Timesheet, actor) -> Timesheet:
    return apply(timesheet, "submit", actor=actor)


def timesheet_approve(*, timesheet: Timesheet, actor) -> Timesheet:
    return apply(timesheet, "approve", actor=actor)


def timesheet_reject(*, timesheet: Timesheet, comment: str, actor) -> Timesheet:
    return apply(timesheet, "reject", actor=actor, note=comment)
