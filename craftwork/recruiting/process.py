"""The lifecycles of openings and applications as transition tables (data, like the contract
processes; ``manage.py render_processes`` draws them into docs/processes.md).

``apply`` is the only code that changes an opening's or an application's ``status``: it checks
the actor's role, the source state and the guards, writes the state, appends the history row
(applications), audits and publishes the event. Callers (the services) have locked the row and
decided the actor's role: ``team`` (a workspace member whose role allows it), ``candidate``
(the applicant) or ``system`` (timers: knockout auto-reject; an accepted offer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from craftwork.core.audit import audit
from craftwork.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.events import publish

from .models import (
    Application,
    ApplicationEvent,
    Offer,
    OfferStatus,
    Opening,
    OpeningStatus,
    StageKind,
)

TEAM, CANDIDATE, SYSTEM = "team", "candidate", "system"


@dataclass(frozen=True)
class Timer:
    description: str


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    guards: tuple[Callable, ...] = ()
    label: str = ""
    event: str | None = None
    note_required: bool = False
    timer: Timer | None = None
    doc: str = ""
    money_effect: str = ""


@dataclass
class Process:
    name: str
    states: list[str]
    transitions: list[Transition]
    description: str = ""
    entry_states: tuple[str, ...] = ()
    initial: str = ""
    _by_name: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.initial = self.initial or self.states[0]
        self._by_name = {t.name: t for t in self.transitions}
        for t in self.transitions:
            if t.target not in self.states or not set(t.sources) <= set(self.states):
                raise ValueError(f"{t.name} uses a state outside process {self.name}")

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise InvalidTransition(
                _("Unknown action."), code="unknown_transition", details={"transition": str(name)}
            ) from None

    @property
    def terminal_states(self) -> list[str]:
        return [s for s in self.states if not any(s in t.sources for t in self.transitions)]

    def transition_to(self, source: str, target: str) -> Transition | None:
        """The transition the table has from ``source`` to ``target`` (a board move)."""
        for t in self.transitions:
            if source in t.sources and t.target == target:
                return t
        return None


def _opening_has_positions_left(opening):
    if opening.hired_count >= opening.positions:
        return "positions_filled", _("Every position of this opening is filled.")
    return None


def _positions_left(application):
    return _opening_has_positions_left(application.opening)


OS = OpeningStatus
OPENING_PROCESS = Process(
    name="opening",
    states=[OS.DRAFT, OS.OPEN, OS.PAUSED, OS.CLOSED],
    description=(
        "An employment opening of a workspace. Only an `open` opening takes applications and "
        "shows on the careers page and in the job search; `paused` hides it without losing "
        "its applications; `closed` is final (the system closes it when an accepted offer "
        "fills the last position)."
    ),
    transitions=[
        Transition("publish", (OS.DRAFT,), OS.OPEN, frozenset({TEAM}), label=_("Publish"),
                   event="recruiting.opening_published"),
        Transition("pause", (OS.OPEN,), OS.PAUSED, frozenset({TEAM}), label=_("Pause")),
        Transition("resume", (OS.PAUSED,), OS.OPEN, frozenset({TEAM}),
                   guards=(_opening_has_positions_left,), label=_("Reopen")),
        Transition("close", (OS.DRAFT, OS.OPEN, OS.PAUSED), OS.CLOSED, frozenset({TEAM, SYSTEM}),
                   label=_("Close"), event="recruiting.opening_closed",
                   doc="system: when accepted offers fill every position"),
    ],
)  # fmt: skip

S = StageKind
_LIVE = (S.APPLIED, S.SCREENING, S.INTERVIEW, S.OFFER)
APPLICATION_PROCESS = Process(
    name="application",
    states=[S.APPLIED, S.SCREENING, S.INTERVIEW, S.OFFER, S.HIRED, S.REJECTED, S.WITHDRAWN],
    description=(
        "An application moves between the workspace's pipeline stages; each stage has one of "
        "these kinds, and a move is allowed when the table has a row from the current kind to "
        "the target stage's kind (two stages of one kind: the `next_*` rows)."
    ),
    transitions=[
        Transition("screen", (S.APPLIED,), S.SCREENING, frozenset({TEAM}), label=_("Screen")),
        Transition("next_screening", (S.SCREENING,), S.SCREENING, frozenset({TEAM}),
                   label=_("Next screening stage")),
        Transition("interview", (S.APPLIED, S.SCREENING), S.INTERVIEW, frozenset({TEAM}),
                   label=_("Interview")),
        Transition("next_interview", (S.INTERVIEW,), S.INTERVIEW, frozenset({TEAM}),
                   label=_("Next interview stage")),
        Transition("back_to_screening", (S.INTERVIEW, S.OFFER), S.SCREENING, frozenset({TEAM}),
                   label=_("Back to screening")),
        Transition("offer", (S.INTERVIEW,), S.OFFER, frozenset({TEAM}), label=_("Make an offer")),
        Transition("back_to_interview", (S.OFFER,), S.INTERVIEW, frozenset({TEAM}),
                   label=_("Back to interviews")),
        Transition("hire", (S.OFFER,), S.HIRED, frozenset({TEAM, SYSTEM}), label=_("Hire"),
                   guards=(_positions_left,),
                   event="recruiting.application_hired",
                   doc="fills a position; the last one closes the opening"),
        Transition("reject", _LIVE, S.REJECTED, frozenset({TEAM, SYSTEM}), label=_("Reject"),
                   note_required=True, event="recruiting.application_rejected",
                   timer=Timer("knockout answers: the opening's knockout delay after applying"),
                   doc="the reason is kept; the candidate gets the email template"),
        Transition("withdraw", _LIVE, S.WITHDRAWN, frozenset({CANDIDATE}),
                   label=_("Withdraw"), event="recruiting.application_withdrawn"),
    ],
)  # fmt: skip


def _offer_not_expired(offer):
    if offer.expires_at <= timezone.now():
        return "offer_expired", _("This offer has expired.")
    return None


OF = OfferStatus
OFFER_PROCESS = Process(
    name="offer",
    states=[OF.DRAFT, OF.APPROVED, OF.SENT, OF.ACCEPTED, OF.DECLINED, OF.EXPIRED, OF.WITHDRAWN],
    description=(
        "An offer on an application in the offer stage. A hiring manager (or owner/admin) "
        "approves the draft, a recruiter sends it, the candidate accepts or declines it in the "
        "web before it expires. Accepting hires the application (system move), which closes "
        "the opening when every position is filled."
    ),
    transitions=[
        Transition("approve", (OF.DRAFT,), OF.APPROVED, frozenset({TEAM}), label=_("Approve"),
                   doc="permission offer.approve"),
        Transition("send", (OF.APPROVED,), OF.SENT, frozenset({TEAM}), label=_("Send"),
                   event="recruiting.offer_sent", doc="fills the letter's variables"),
        Transition("accept", (OF.SENT,), OF.ACCEPTED, frozenset({CANDIDATE}),
                   guards=(_offer_not_expired,), label=_("Accept"),
                   event="recruiting.offer_accepted", doc="application → hired"),
        Transition("decline", (OF.SENT,), OF.DECLINED, frozenset({CANDIDATE}),
                   label=_("Decline"), event="recruiting.offer_declined"),
        Transition("expire", (OF.SENT,), OF.EXPIRED, frozenset({SYSTEM}), label=_("Expire"),
                   timer=Timer("at expires_at")),
        Transition("withdraw", (OF.DRAFT, OF.APPROVED, OF.SENT), OF.WITHDRAWN,
                   frozenset({TEAM}), label=_("Withdraw")),
    ],
)  # fmt: skip


PROCESSES = {Opening: OPENING_PROCESS, Application: APPLICATION_PROCESS, Offer: OFFER_PROCESS}


def process_for(obj) -> Process:
    return PROCESSES[type(obj)]


def refusal(obj, transition: Transition, *, role: str):
    if role not in transition.actors:
        return "not_allowed", _("You are not allowed to do this.")
    if obj.status not in transition.sources:
        return "invalid_transition", _("This move is not possible from the current stage.")
    for guard in transition.guards:
        problem = guard(obj)
        if problem:
            return problem
    return None


def available(obj, *, role: str) -> list[Transition]:
    return [t for t in process_for(obj).transitions if refusal(obj, t, role=role) is None]


def _raise(problem, obj, transition_name):
    code, message = problem
    error = PermissionDenied if code == "not_allowed" else InvalidTransition
    raise error(message, code=code, details={"status": obj.status, "transition": transition_name})


def apply_opening(opening: Opening, name: str, *, role: str, actor, note: str = "") -> str:
    transition = OPENING_PROCESS.get(name)
    problem = refusal(opening, transition, role=role)
    if problem:
        _raise(problem, opening, name)
    previous, now = opening.status, timezone.now()
    opening.status = transition.target
    update = ["status", "updated_at"]
    if transition.target == OS.OPEN and not opening.published_at:
        opening.published_at = now
        update.append("published_at")
    if transition.target == OS.CLOSED:
        opening.closed_at = now
        update.append("closed_at")
    opening.save(update_fields=update)
    details = {"from": previous, "to": transition.target, "role": role, "note": note[:500]}
    audit(actor=_person(actor), action=f"recruiting.opening_{name}", target=opening,
          details=details)  # fmt: skip
    if transition.event:
        publish(transition.event, payload=_opening_payload(opening), actor=_person(actor))
    return previous


OFFER_STAMPS = {OF.APPROVED: "approved_at", OF.SENT: "sent_at", OF.ACCEPTED: "answered_at",
                OF.DECLINED: "answered_at"}  # fmt: skip


def apply_offer(offer: Offer, name: str, *, role: str, actor, note: str = "") -> str:
    transition = OFFER_PROCESS.get(name)
    problem = refusal(offer, transition, role=role)
    if problem:
        _raise(problem, offer, name)
    previous = offer.status
    offer.status = transition.target
    update = ["status", "updated_at"]
    stamp = OFFER_STAMPS.get(transition.target)
    if stamp:
        setattr(offer, stamp, timezone.now())
        update.append(stamp)
    offer.save(update_fields=update)
    audit(actor=_person(actor), action=f"recruiting.offer_{name}", target=offer,
          details={"from": previous, "to": transition.target, "note": note[:500]})  # fmt: skip
    if transition.event:
        payload = {**application_payload(offer.application), "offer_id": str(offer.pk)}
        publish(transition.event, payload=payload, actor=_person(actor))
    return previous


def apply_application(
    application: Application, stage, *, role: str, actor, note: str = ""
) -> Transition:
    """Move a locked application to ``stage`` (a stage of its workspace) along the table."""
    transition = APPLICATION_PROCESS.transition_to(application.status, stage.kind)
    if transition is None:
        problem = ("invalid_transition", _("The pipeline does not allow this move."))
        raise InvalidTransition(
            problem[1],
            code="invalid_transition",
            details={"from": application.status, "to": stage.kind},
        )
    if stage.pk == application.stage_id:
        raise InvalidTransition(_("The application is already in this stage."), code="same_stage")
    problem = refusal(application, transition, role=role)
    if problem:
        _raise(problem, application, transition.name)
    note = (note or "").strip()
    if transition.note_required and not note:
        message = _("Say why (the reason is kept with the application).")
        raise ValidationFailed(message, code="reason_required", details={"reason": [message]})
    previous_stage, previous = application.stage, application.status
    now = timezone.now()
    application.stage, application.status, application.stage_entered_at = stage, stage.kind, now
    update = ["stage", "status", "stage_entered_at", "updated_at"]
    if stage.kind in (S.HIRED, S.REJECTED, S.WITHDRAWN):
        application.decided_at, application.reason = now, note
        application.knockout_due_at = None
        update += ["decided_at", "reason", "knockout_due_at"]
    application.save(update_fields=update)
    person = _person(actor)
    ApplicationEvent.objects.create(
        application=application, actor=person, transition=transition.name,
        from_stage=previous_stage.name, to_stage=stage.name, from_status=previous,
        to_status=stage.kind, note=note,
    )  # fmt: skip
    audit(
        actor=person,
        action=f"recruiting.application_{transition.name}",
        target=application,
        details={"from": previous_stage.name, "to": stage.name, "role": role},
    )
    if transition.event:
        publish(transition.event, payload=application_payload(application), actor=person)
    return transition


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _opening_payload(opening) -> dict:
    return {
        "opening_id": str(opening.pk),
        "opening_title": opening.title,
        "organization_id": str(opening.organization_id),
    }


def application_payload(application) -> dict:
    return {
        **_opening_payload(application.opening),
        "application_id": str(application.pk),
        "candidate_id": str(application.candidate_id),
        "status": application.status,
    }
