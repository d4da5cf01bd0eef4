"""What the contract page shows: items with the actions allowed now, the timeline, the forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import funding, selectors, services
from .forms import DeliveryForm, DisputeForm, MilestoneForm, NoteForm, TimeLogForm
from .models import MilestoneState, TimesheetState, state_label
from .order_presentation import order_context
from .process import registered_processes

CREATION_LABELS = {
    "create": gettext_lazy("Contract created"),
    "propose": gettext_lazy("Milestone proposed"),
}
ROLE_LABELS = {
    "client": gettext_lazy("client"),
    "provider": gettext_lazy("freelancer"),
    "staff": gettext_lazy("staff"),
    "system": gettext_lazy("automatic"),
}


@dataclass
class Action:
    """One transition button (with a note box when a note is required)."""

    subject: str
    subject_id: str
    name: str
    label: str
    style: str
    note_required: bool
    form: NoteForm | None = None

    @property
    def key(self) -> str:
        return f"{self.subject_id}-{self.name}"


@dataclass
class Item:
    obj: object
    actions: list = field(default_factory=list)
    can_fund: bool = False
    can_pay: bool = False
    can_edit: bool = False
    delivery_form: DeliveryForm | None = None
    dispute_form: DisputeForm | None = None
    dispute_url: str = ""


def _actions(subject, obj, transitions, forms) -> tuple[list[Action], set]:
    actions, special = [], set()
    for transition in transitions:
        if not transition.generic:
            special.add(transition.name)  # rendered as its own form (files, evidence)
            continue
        key = f"transition:{obj.pk}:{transition.name}"
        actions.append(
            Action(
                subject=subject,
                subject_id=str(obj.pk),
                name=transition.name,
                label=str(transition.label or transition.name),
                style=transition.style,
                note_required=transition.note_required,
                form=forms.get(key) or (NoteForm() if transition.note_required else None),
            )
        )
    return actions, special


def detail_context(request, contract, forms: dict) -> dict:
    user = request.user
    allowed = selectors.available_actions(contract, user)
    contract_actions, _unused = _actions("contract", contract, allowed.contract, forms)
    milestones = []
    for milestone in contract.milestones.all():
        transitions = allowed.milestones[milestone.pk]
        milestones.append(_milestone_item(milestone, transitions, allowed, forms, user))
    timesheets = []
    for timesheet in contract.timesheets.all():
        actions, _unused = _actions("timesheet", timesheet, allowed.timesheets[timesheet.pk], forms)
        timesheets.append(Item(timesheet, actions, can_pay=timesheet.pk in allowed.payable))
    return {
        **order_context(request, contract, forms, allowed),
        "contract": contract,
        "role": contract.role_of(user),
        "other_party": contract.other_party(user),
        "contract_actions": contract_actions,
        "milestones": milestones,
        "timesheets": timesheets,
        "time_logs": _time_logs(contract, allowed) if contract.kind == "hourly" else [],
        "week_minutes": selectors.week_minutes(contract) if contract.kind == "hourly" else {},
        "timeline": timeline(contract),
        "can_propose_milestone": allowed.can_propose_milestone,
        "can_log_time": allowed.can_log_time,
        "milestone_form": forms.get("milestone") or MilestoneForm(currency=contract.currency),
        "timelog_form": forms.get("timelog") or _new_timelog_form(contract),
        "attempt": funding.new_attempt(),
        "fragment_url": reverse("contracts:detail", args=[contract.pk]) + "?fragment=live",
    }


def _milestone_item(milestone, transitions, allowed, forms, user) -> Item:
    actions, special = _actions("milestone", milestone, transitions, forms)
    item = Item(
        milestone,
        actions,
        can_fund=milestone.pk in allowed.fundable,
        can_edit=milestone.state == MilestoneState.PROPOSED and milestone.proposed_by_id == user.pk,
    )
    prefix = f"id_{milestone.pk}_%s"
    if "submit" in special:
        item.delivery_form = forms.get(f"delivery:{milestone.pk}") or DeliveryForm(auto_id=prefix)
    if "dispute" in special:
        dispute_prefix = f"id_dispute_{milestone.pk}_%s"
        item.dispute_form = forms.get(f"dispute:{milestone.pk}") or DisputeForm(
            auto_id=dispute_prefix
        )
    if milestone.dispute_ref:
        item.dispute_url = reverse("payments:dispute-detail", args=[milestone.dispute_ref])
    return item


def _new_timelog_form(contract) -> TimeLogForm | None:
    if contract.kind != "hourly":
        return None
    return TimeLogForm(
        initial={"date": services.provider_today(contract), "hours": 1, "minutes": 0}
    )


def _time_logs(contract, allowed) -> list:
    editable_states = {TimesheetState.OPEN, TimesheetState.REJECTED}
    logs = list(selectors.time_logs(contract)[:200])
    for log in logs:
        log.editable = allowed.can_log_time and log.timesheet.state in editable_states
    return logs


@dataclass
class TimelineEntry:
    when: object
    who: str
    role: str
    label: str
    subject: str
    from_label: str
    to_label: str
    note: str


def timeline(contract) -> list[TimelineEntry]:
    titles = {m.pk: m.title for m in contract.milestones.all()}
    weeks = {t.pk: t.week_start for t in contract.timesheets.all()}
    entries = []
    for event in contract.history.all():
        subject = ""
        if event.subject == "milestone":
            subject = _("Milestone “%(title)s”") % {"title": titles.get(event.subject_id, "")}
        elif event.subject == "timesheet":
            subject = _("Timesheet, week of %(week)s") % {"week": weeks.get(event.subject_id, "")}
        entries.append(
            TimelineEntry(
                when=event.created_at,
                who=str(event.actor) if event.actor else _("Craftwork"),
                role=str(ROLE_LABELS.get(event.actor_role, event.actor_role)),
                label=transition_label(contract, event.subject, event.transition),
                subject=subject,
                from_label=state_label(event.subject, event.from_state) if event.from_state else "",
                to_label=state_label(event.subject, event.to_state),
                note=event.note,
            )
        )
    return entries


def transition_label(contract, subject: str, name: str) -> str:
    if name in CREATION_LABELS:
        return str(CREATION_LABELS[name])
    processes = registered_processes()
    keys = [contract.kind] if subject == "contract" else [f"{contract.kind}.{subject}", subject]
    for key in keys:
        process = processes.get(key)
        if process is not None:
            for transition in process.transitions:
                if transition.name == name:
                    return str(transition.label or name)
    return name
