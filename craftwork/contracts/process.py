"""The declarative process engine: the only way a contract, milestone or timesheet changes state.

A ``Process`` is data: its states and a table of ``Transition`` rows (name, source states,
target, allowed actor roles, guards, money effect, optional timer). ``apply`` runs one
transition:

1. in one database transaction, lock the contract row and then the item row (always this
   order, so two transitions never deadlock on each other);
2. check the actor's role (``PermissionDenied``), the source state (``InvalidTransition``),
   a due timer for timed system transitions, the note, and every guard; any refusal raises
   before anything is written;
3. write the new state (and the next timer), run the effect (ledger calls) in the same
   transaction, append a ``ContractEvent`` row, audit, publish the domain event, run the
   follow-ups (e.g. the contract follows its milestones), and on commit push
   ``contract_changed`` to both parties.

Roles: ``client`` and ``provider`` are the contract's parties, ``staff`` any staff user,
``system`` the ``SYSTEM`` actor (payment fulfillment, timers, dispute resolutions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from craftwork.core.audit import audit
from craftwork.core.db import retry_on_conflict
from craftwork.core.errors import DomainError, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish

logger = logging.getLogger(__name__)

ROLES = ("client", "provider", "staff", "system")
MAX_NOTE_LENGTH = 5000


class _SystemActor:
    """The platform itself (scheduler, payment fulfillment, dispute resolution)."""

    pk = None
    is_authenticated = False
    is_staff = False

    def __repr__(self):
        return "SYSTEM"

    def __str__(self):
        return "system"


SYSTEM = _SystemActor()


def money_effect(description: str):
    """Mark an effect function as moving money; ``description`` goes to docs/processes.md."""

    def mark(effect):
        effect.money = description
        return effect

    return mark


@dataclass(frozen=True)
class Timer:
    """Fire the transition as ``system`` once ``delay(obj)`` has passed since the state was entered.

    ``delay(obj)`` may also return an aware datetime (fire at that moment, e.g. some hours after a
    booked session ends) or None (no timer for this object, e.g. an order already delivered once).
    """

    delay: Callable[[object], timedelta | datetime | None]
    description: str


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    guards: tuple[Callable[[Context], None], ...] = ()
    effect: Callable[[Context], None] | None = None
    timer: Timer | None = None
    label: str = ""
    event: str | None = None
    note_required: bool = False
    then: tuple[Callable[[Context], None], ...] = ()
    style: str = "secondary"  # the button: "primary", "secondary" or "danger"
    # False: the page renders a dedicated form (e.g. a delivery with files) instead of a button.
    generic: bool = True
    # A note for docs/processes.md: what the table's other columns do not say.
    doc: str = ""

    def __post_init__(self):
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "actors", frozenset(self.actors))
        unknown = set(self.actors) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown actor roles {unknown} in {self.name}")

    @property
    def money_effect(self) -> str:
        return getattr(self.effect, "money", "") if self.effect else ""


@dataclass
class Process:
    name: str
    states: list[str]
    transitions: list[Transition] = field(default_factory=list)
    subject: str = "contract"
    initial: str | None = None
    description: str = ""
    # Other states an object may be created in (e.g. milestones agreed with the contract).
    entry_states: tuple[str, ...] = ()

    def __post_init__(self):
        self.initial = self.initial or self.states[0]
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate transition names in process {self.name}")
        for t in self.transitions:
            if t.target not in self.states or not set(t.sources) <= set(self.states):
                raise ValueError(f"transition {t.name} uses a state outside process {self.name}")
        self._by_name = {t.name: t for t in self.transitions}

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise InvalidTransition(
                _("Unknown action."), code="unknown_transition", details={"transition": str(name)}
            ) from None

    def timed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.timer and state in t.sources]

    @property
    def terminal_states(self) -> list[str]:
        return [s for s in self.states if not any(s in t.sources for t in self.transitions)]


@dataclass
class Context:
    """What guards, effects and follow-ups see; ``obj`` and ``contract`` are the locked rows."""

    obj: object
    contract: object
    actor: object
    role: str
    transition: Transition
    process: Process
    note: str
    params: dict
    now: datetime
    from_state: str = ""

    @property
    def is_contract(self) -> bool:
        return self.obj is self.contract


# --- registry -------------------------------------------------------------------------------

_registry: dict[str, Process] = {}


def register_process(kind: str, process: Process) -> Process:
    """Register the process of a contract kind ("fixed", ...) or an item ("milestone", ...).

    An item process may be registered per contract kind as "<kind>.<subject>" (e.g.
    "gig.milestone"); it wins over the plain "<subject>" one for contracts of that kind."""
    _registry[kind] = process
    return process


def registered_processes() -> dict[str, Process]:
    return dict(sorted(_registry.items()))


def has_process(key: str) -> bool:
    return key in _registry


def process_for(obj) -> Process:
    subject = obj.subject_name
    if subject == "contract":
        key_options = [obj.kind]
    else:
        key_options = [f"{obj.contract.kind}.{subject}", subject]
    for key in key_options:
        if key in _registry:
            return _registry[key]
    raise InvalidTransition(
        _("This contract type has no process."), code="no_process", details={"kind": key_options[0]}
    )


# --- roles ------------------------------------------------------------------------------------


def roles_of(contract, actor) -> list[str]:
    if actor is SYSTEM:
        return ["system"]
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    roles = []
    if actor.pk == contract.client_id:
        roles.append("client")
    if actor.pk == contract.provider_id:
        roles.append("provider")
    if actor.is_staff:
        roles.append("staff")
    return roles


def _role_for(contract, actor, transition: Transition) -> str:
    for role in roles_of(contract, actor):
        if role in transition.actors:
            return role
    raise PermissionDenied(
        _("You are not allowed to do this on this contract."),
        code="transition_not_allowed",
        details={"transition": transition.name},
    )


# --- apply ------------------------------------------------------------------------------------


@retry_on_conflict
def apply(obj, transition_name: str, *, actor, note: str = "", now=None, **params):
    """Run one transition on a contract or one of its items; return ``obj`` updated in place."""
    if actor is None:
        raise TypeError("apply() needs an actor (a user or process.SYSTEM)")
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed(
            _("The note is too long (5000 characters at most)."),
            code="note_too_long",
            details={"note": [_("5000 characters at most.")]},
        )
    now = now or timezone.now()
    with transaction.atomic():
        contract, locked = _lock(obj)
        process = process_for(locked)
        transition = process.get(transition_name)
        role = _role_for(contract, actor, transition)
        ctx = Context(locked, contract, actor, role, transition, process, note, params, now)
        check(ctx)
        _move(ctx)
        if transition.effect:
            transition.effect(ctx)
        _record(ctx)
        for followup in transition.then:
            followup(ctx)
    _copy_state(locked, obj)
    return obj


def check(ctx: Context) -> None:
    """Source state, timer, note, guards: raise a DomainError, write nothing."""
    transition, obj = ctx.transition, ctx.obj
    if obj.state not in transition.sources:
        raise InvalidTransition(
            _("This action is not possible while the %(subject)s is %(state)s.")
            % {"subject": _subject_label(obj), "state": obj.get_state_display()},
            code="invalid_state",
            details={"transition": transition.name, "state": obj.state},
        )
    if transition.timer and ctx.role == "system" and not _timer_due(obj, ctx.now):
        raise InvalidTransition(_("Not due yet."), code="timer_not_due")
    if transition.note_required and not ctx.note:
        raise ValidationFailed(
            _("Please add a note explaining why."),
            code="note_required",
            details={"note": [_("This field is required.")]},
        )
    for guard in transition.guards:
        guard(ctx)


def _timer_due(obj, now) -> bool:
    return obj.timer_due_at is not None and obj.timer_due_at <= now


def _lock(obj):
    from .models import Contract

    contract = Contract.objects.select_for_update().get(pk=_contract_id(obj))
    if obj.subject_name == "contract":
        return contract, contract
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    locked.contract = contract
    return contract, locked


def _contract_id(obj):
    return obj.pk if obj.subject_name == "contract" else obj.contract_id


def _move(ctx: Context) -> None:
    obj = ctx.obj
    ctx.from_state = obj.state
    obj.state = ctx.transition.target
    obj.state_changed_at = ctx.now
    obj.timer_due_at = next_timer(ctx.process, obj, ctx.now)
    obj.save(update_fields=["state", "state_changed_at", "timer_due_at", "updated_at"])


def next_timer(process: Process, obj, now) -> datetime | None:
    due = []
    for transition in process.timed_from(obj.state):
        when = transition.timer.delay(obj)
        if when is None:
            continue
        due.append(when if isinstance(when, datetime) else now + when)
    return min(due) if due else None


def _record(ctx: Context) -> None:
    from .models import ContractEvent

    obj, contract, transition = ctx.obj, ctx.contract, ctx.transition
    actor = ctx.actor if ctx.actor is not SYSTEM else None
    ContractEvent.objects.create(
        contract=contract,
        subject=obj.subject_name,
        subject_id=obj.pk,
        transition=transition.name,
        from_state=ctx.from_state,
        to_state=obj.state,
        actor=actor,
        actor_role=ctx.role,
        note=ctx.note,
        data=ctx.params.get("history_data", {}),
        created_at=ctx.now,
    )
    payload = event_payload(contract, obj, transition=transition.name, role=ctx.role)
    payload.update(from_state=ctx.from_state, to_state=obj.state)
    audit(
        actor=actor,
        action=f"contracts.{obj.subject_name}.{transition.name}",
        target=obj,
        details=payload,
    )
    if transition.event:
        publish(transition.event, payload=payload, actor=actor)
    notify_parties_on_commit(contract)


def event_payload(contract, obj=None, **extra) -> dict:
    payload = {
        "contract_id": str(contract.pk),
        "client_id": str(contract.client_id),
        "provider_id": str(contract.provider_id),
        "title": contract.title,
    }
    if obj is not None and obj is not contract:
        payload[f"{obj.subject_name}_id"] = str(obj.pk)
        payload["subject"] = obj.subject_name
        payload["subject_title"] = str(obj)
    payload.update(extra)
    return payload


def notify_parties_on_commit(contract) -> None:
    from craftwork.core.realtime import push_to_user

    data = {"contract_id": str(contract.pk)}
    parties = (contract.client_id, contract.provider_id)

    def push():
        for user_id in parties:
            push_to_user(user_id, "contract_changed", data)

    transaction.on_commit(push)


def _copy_state(source, target) -> None:
    """The caller's instance sees what the transition wrote (follow-ups may have moved the
    contract too, so a cached contract is re-read)."""
    if source is not target:
        for field_ in source._meta.concrete_fields:
            setattr(target, field_.attname, getattr(source, field_.attname))
    if target.subject_name != "contract" and "contract" in target._state.fields_cache:
        target.contract.refresh_from_db()


def _subject_label(obj) -> str:
    return {
        "contract": _("contract"),
        "milestone": _("milestone"),
        "timesheet": _("timesheet"),
    }.get(obj.subject_name, obj.subject_name)


# --- what may happen now ----------------------------------------------------------------------


def available_transitions(obj, actor) -> list[Transition]:
    """The transitions ``actor`` may run on ``obj`` right now (role, state and guards checked)."""
    try:
        process = process_for(obj)
    except DomainError:
        return []
    contract = obj if obj.subject_name == "contract" else obj.contract
    roles = roles_of(contract, actor)
    allowed = []
    for transition in process.transitions:
        role = next((r for r in roles if r in transition.actors), None)
        if role is None or obj.state not in transition.sources:
            continue
        ctx = Context(obj, contract, actor, role, transition, process, "", {}, timezone.now())
        try:
            for guard in transition.guards:
                guard(ctx)
        except DomainError:
            continue
        allowed.append(transition)
    return allowed


# --- timers -------------------------------------------------------------------------------------


def subject_models() -> list:
    from .models import ProcessSubject

    return [m for m in _concrete_subclasses(ProcessSubject) if not m._meta.abstract]


def _concrete_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _concrete_subclasses(sub)


def run_due_timers(*, now=None, limit: int = 500) -> int:
    """Fire every timed transition that is due (as SYSTEM). Safe to run twice or in parallel:
    each firing re-checks state and due time under the row lock."""
    now = now or timezone.now()
    fired = 0
    for model in subject_models():
        due = model.objects.filter(timer_due_at__lte=now).order_by("timer_due_at")
        for pk in list(due.values_list("pk", flat=True)[:limit]):
            fired += fire_timer(model, pk, now=now)
    return fired


def fire_timer(model, pk, *, now) -> bool:
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return False
    for transition in process_for(obj).timed_from(obj.state):
        try:
            apply(obj, transition.name, actor=SYSTEM, now=now)
        except DomainError as exc:
            logger.info("timer %s on %s %s not fired: %s", transition.name, model.__name__, pk, exc)
            continue
        return True
    return False
