"""Fixed-price contracts: the contract process and the milestone process.

The contract's state summarises its milestones. A milestone transition ends with
``sync_contract``, which moves the contract (as SYSTEM) along the path its milestones imply:
funded -> active, submitted with nothing else in progress -> delivered, changes requested or
another milestone funded -> in progress, every milestone settled -> completed, a milestone
disputed -> disputed (everything frozen until staff resolve it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from craftwork.core.errors import InvalidTransition, PermissionDenied
from craftwork.core.money import Money

from .. import escrow
from ..models import ContractState as C
from ..models import Milestone
from ..models import MilestoneState as M
from ..process import SYSTEM, Process, Timer, Transition, apply, money_effect
from . import common

WORKING = {M.FUNDED, M.CHANGES_REQUESTED}
HELD = WORKING | {M.SUBMITTED}  # money is in escrow for these
OPEN = {M.PROPOSED, M.PENDING_FUNDING, M.DISPUTED} | HELD
PAID = {M.RELEASED, M.SPLIT}
# Share of a funded, unreleased milestone refunded when the client cancels after work started.
POLICY_REFUND_BPS = {"flexible": 10_000, "moderate": 5_000, "strict": 0}


# --- guards -----------------------------------------------------------------------------------


def not_the_proposer(ctx) -> None:
    """The other party answers a proposed milestone."""
    if ctx.obj.proposed_by_id == getattr(ctx.actor, "pk", None):
        raise PermissionDenied(
            _("The other party has to answer a milestone you proposed."), code="own_proposal"
        )


def the_proposer(ctx) -> None:
    """Only whoever proposed a milestone withdraws it."""
    if ctx.obj.proposed_by_id != getattr(ctx.actor, "pk", None):
        raise PermissionDenied(
            _("Only the party who proposed this milestone can withdraw it."), code="not_proposer"
        )


def revisions_left(ctx) -> None:
    """Changes may be requested while the agreed number of revisions is not used up."""
    allowed = ctx.contract.revisions_allowed
    if allowed is not None and ctx.obj.revision_count >= allowed:
        raise InvalidTransition(
            _("All %(count)d agreed revisions have been used.") % {"count": allowed},
            code="no_revisions_left",
        )


def no_submitted_milestone(ctx) -> None:
    """A delivery waiting for review is approved, changed or disputed first."""
    if ctx.contract.milestones.filter(state=M.SUBMITTED).exists():
        raise InvalidTransition(
            _("A delivery is waiting for review: approve it, ask for changes or open a dispute."),
            code="delivery_pending_review",
        )


# --- effects ----------------------------------------------------------------------------------


@money_effect("Client's payment lands in the contract escrow (posted by payments checkout)")
def record_funding(ctx) -> None:
    milestone = ctx.obj
    milestone.funding_payment_ref = str(ctx.params.get("payment_ref", ""))[:64]
    milestone.save(update_fields=["funding_payment_ref"])


def create_delivery(ctx) -> None:
    from ..deliveries import delivery_create

    delivery_create(
        ctx.obj, submitted_by=ctx.actor, message=ctx.note, files=ctx.params.get("files")
    )


@money_effect(
    "Escrow → freelancer: what the milestone holds (its amount, less any refund made outside "
    "the contract flow) less the platform fee (once per milestone)"
)
def release_milestone(ctx) -> None:
    milestone, contract = ctx.obj, ctx.contract
    amount = escrow.held(contract, milestone)
    if amount.is_positive:
        escrow.release(
            contract, amount, key=f"release:{milestone.ref}", actor=ctx.actor, item=milestone
        )
    milestone.released_minor = amount.minor
    milestone.save(update_fields=["released_minor"])


def count_revision(ctx) -> None:
    ctx.obj.revision_count += 1
    ctx.obj.save(update_fields=["revision_count"])


@money_effect("Milestone escrow frozen: a payments dispute is opened for its amount")
def open_dispute(ctx) -> None:
    from .. import disputes

    dispute = disputes.open_for(
        ctx.contract, ctx.obj, actor=ctx.actor, reason=ctx.note, **ctx.params
    )
    ctx.obj.dispute_ref = str(dispute.pk)
    ctx.obj.save(update_fields=["dispute_ref"])


@money_effect("Moved by staff's dispute decision in payments (release, refund or split)")
def record_resolution(ctx) -> None:
    milestone = ctx.obj
    milestone.released_minor = int(ctx.params.get("to_provider_minor") or 0)
    milestone.refunded_minor = int(ctx.params.get("to_client_minor") or 0)
    milestone.save(update_fields=["released_minor", "refunded_minor"])


def cancellation_shares(contract, amount: Money, *, cancelled_by: str) -> tuple[Money, Money]:
    """``(to_client, to_provider)`` for one funded milestone of a cancelled contract."""
    if contract.started_at is None or cancelled_by != "client":
        return amount, Money.zero(amount.currency)
    refund_bps = POLICY_REFUND_BPS[contract.cancellation_policy]
    if refund_bps in (0, 10_000):
        full, none = amount, Money.zero(amount.currency)
        return (full, none) if refund_bps else (none, full)
    to_client, to_provider = amount.allocate([refund_bps, 10_000 - refund_bps])
    return to_client, to_provider


@money_effect("Funded milestone: refund to the client and/or release per the cancellation rules")
def cancel_milestone(ctx) -> None:
    milestone, contract = ctx.obj, ctx.contract
    if ctx.from_state not in WORKING:
        return  # nothing of this milestone is in escrow
    to_client, to_provider = cancellation_shares(
        contract,
        escrow.held(contract, milestone),
        cancelled_by=ctx.params.get("cancelled_by", "staff"),
    )
    escrow.settle(
        contract,
        to_provider=to_provider,
        to_client=to_client,
        key=f"cancel:{milestone.ref}",
        reason=ctx.note or "contract cancelled",
        actor=ctx.actor,
        item=milestone,
    )
    milestone.refunded_minor, milestone.released_minor = to_client.minor, to_provider.minor
    milestone.save(update_fields=["refunded_minor", "released_minor"])


@money_effect(
    "Every funded, unreleased milestone is settled: full refund before work starts or when the "
    "freelancer or staff cancel; when the client cancels after work started, refund by policy "
    "(flexible 100 %, moderate 50 %, strict 0 %), the rest released to the freelancer"
)
def cancel_contract(ctx) -> None:
    escrow.lock(ctx.contract, refunds=True)  # once for every milestone settled below
    common.mark_cancelled(ctx)
    milestones = ctx.contract.milestones.filter(state__in=OPEN - {M.DISPUTED, M.SUBMITTED})
    for milestone in milestones.order_by("position"):
        apply(milestone, "cancel", actor=SYSTEM, note=ctx.note, cancelled_by=ctx.role, now=ctx.now)


# --- the contract follows its milestones ------------------------------------------------------

PATHS = {
    (C.PENDING_FUNDING, C.ACTIVE): ["fund"],
    (C.ACTIVE, C.IN_PROGRESS): ["start"],
    (C.ACTIVE, C.DELIVERED): ["start", "deliver"],
    (C.IN_PROGRESS, C.DELIVERED): ["deliver"],
    (C.DELIVERED, C.IN_PROGRESS): ["resume"],
    (C.IN_PROGRESS, C.COMPLETED): ["complete"],
    (C.DELIVERED, C.COMPLETED): ["complete"],
    (C.ACTIVE, C.DISPUTED): ["dispute"],
    (C.IN_PROGRESS, C.DISPUTED): ["dispute"],
    (C.DELIVERED, C.DISPUTED): ["dispute"],
    (C.DISPUTED, C.IN_PROGRESS): ["dispute_continue"],
    (C.DISPUTED, C.COMPLETED): ["dispute_complete"],
    (C.DISPUTED, C.CANCELLED): ["dispute_cancel"],
}


def desired_contract_state(current: str, started: bool, states: set[str]) -> str:
    if current in common.CLOSED:
        return current
    if M.DISPUTED in states:
        return C.DISPUTED
    if states and not states & OPEN:
        if states & PAID:
            return C.COMPLETED
        return C.CANCELLED if current == C.DISPUTED else current
    if M.SUBMITTED in states and not states & WORKING:
        return C.DELIVERED
    if started or M.SUBMITTED in states or current in (C.IN_PROGRESS, C.DELIVERED, C.DISPUTED):
        return C.IN_PROGRESS
    if states & HELD:
        return C.ACTIVE
    return current


def sync_contract(ctx) -> None:
    contract = ctx.contract
    states = set(Milestone.objects.filter(contract=contract).values_list("state", flat=True))
    target = desired_contract_state(contract.state, contract.started_at is not None, states)
    for name in PATHS.get((contract.state, target), []):
        apply(contract, name, actor=SYSTEM, now=ctx.now)


# --- the tables ---------------------------------------------------------------------------------

T = Transition
PARTIES = {"client", "provider"}
REVIEW_TIMER = Timer(
    delay=common.review_window,
    description="review window (contract review_window_days, default 14) after submission",
)

milestone_process = Process(
    name="milestone",
    subject="milestone",
    description=(
        "A fixed-price milestone: proposed by either party and agreed by the other (or agreed "
        "with the contract), funded into escrow through checkout, delivered, reviewed, paid."
    ),
    states=[s.value for s in M],
    initial=M.PROPOSED,
    entry_states=(M.PENDING_FUNDING,),
    transitions=[
        T("agree", [M.PROPOSED], M.PENDING_FUNDING, PARTIES,
          guards=(common.contract_open, not_the_proposer), label=_lazy("Agree"),
          event="contracts.milestone_agreed", style="primary"),
        T("decline", [M.PROPOSED], M.DECLINED, PARTIES,
          guards=(common.contract_open, not_the_proposer), label=_lazy("Decline"),
          event="contracts.milestone_declined"),
        T("withdraw", [M.PROPOSED], M.CANCELLED, PARTIES,
          guards=(the_proposer,), label=_lazy("Withdraw")),
        T("remove", [M.PENDING_FUNDING], M.CANCELLED, PARTIES,
          guards=(common.contract_open,), label=_lazy("Remove (not funded)"),
          then=(sync_contract,), style="danger"),
        T("fund", [M.PENDING_FUNDING], M.FUNDED, {"system"}, effect=record_funding,
          label=_lazy("Funded"), event="contracts.funded", then=(sync_contract,)),
        T("submit", [M.FUNDED, M.CHANGES_REQUESTED], M.SUBMITTED, {"provider"},
          guards=(common.contract_started_or_funded,), effect=create_delivery,
          note_required=True, label=_lazy("Submit work"), event="contracts.milestone_submitted",
          then=(sync_contract,), style="primary", generic=False),
        T("approve", [M.SUBMITTED], M.RELEASED, {"client"}, guards=(common.contract_open,),
          effect=release_milestone, label=_lazy("Approve and pay"),
          event="contracts.milestone_approved", then=(sync_contract,), style="primary"),
        T("auto_approve", [M.SUBMITTED], M.RELEASED, {"system"}, guards=(common.contract_open,),
          effect=release_milestone, timer=REVIEW_TIMER, label=_lazy("Approved automatically"),
          event="contracts.milestone_approved", then=(sync_contract,)),
        T("request_changes", [M.SUBMITTED], M.CHANGES_REQUESTED, {"client"},
          guards=(common.contract_open, revisions_left), effect=count_revision,
          note_required=True, label=_lazy("Request changes"),
          event="contracts.revision_requested", then=(sync_contract,)),
        T("dispute", sorted(HELD), M.DISPUTED, PARTIES,
          guards=(common.contract_open,), effect=open_dispute,
          note_required=True, label=_lazy("Open a dispute"), then=(sync_contract,),
          style="danger", generic=False),
        T("resolve_release", [M.DISPUTED], M.RELEASED, {"system"}, effect=record_resolution,
          label=_lazy("Dispute resolved: paid"), then=(sync_contract,)),
        T("resolve_refund", [M.DISPUTED], M.REFUNDED, {"system"}, effect=record_resolution,
          label=_lazy("Dispute resolved: refunded"), then=(sync_contract,)),
        T("resolve_split", [M.DISPUTED], M.SPLIT, {"system"}, effect=record_resolution,
          label=_lazy("Dispute resolved: split"), then=(sync_contract,)),
        T("cancel", [M.PROPOSED, M.PENDING_FUNDING, *sorted(WORKING)], M.CANCELLED, {"system"},
          effect=cancel_milestone, label=_lazy("Cancelled with the contract")),
        *common.outside_money_transitions(
            sorted(HELD), frozen=M.DISPUTED, resumed=M.FUNDED, refunded=M.REFUNDED,
            on_freeze=lambda ctx: common.record_chargeback(ctx, ctx.obj), then=(sync_contract,),
        ),
    ],
)  # fmt: skip

fixed_process = Process(
    name="fixed",
    description=(
        "A fixed-price contract; its state follows its milestones (`sync_contract`). "
        "Cancellation (client, freelancer or staff; not while a delivery awaits review or a "
        "dispute is open): unfunded milestones are cancelled; each funded, unreleased "
        "milestone is refunded in full when the work has not started (`start` never ran) or "
        "when the freelancer or staff cancel; when the client cancels after the work started, "
        "the refund follows the contract's policy: flexible 100 %, moderate 50 % (the other "
        "50 % is released to the freelancer less the platform fee; an odd minor unit goes to "
        "the client), strict 0 % (all released)."
    ),
    states=[C.PENDING_FUNDING, C.ACTIVE, C.IN_PROGRESS, C.DELIVERED, C.COMPLETED,
            C.CANCELLED, C.DISPUTED],
    initial=C.PENDING_FUNDING,
    transitions=[
        T("fund", [C.PENDING_FUNDING], C.ACTIVE, {"system"}, label=_lazy("Funded")),
        T("start", [C.ACTIVE], C.IN_PROGRESS, {"provider", "system"}, effect=common.mark_started,
          label=_lazy("Start work"), event="contracts.started", style="primary"),
        T("deliver", [C.IN_PROGRESS], C.DELIVERED, {"system"}, label=_lazy("Delivered")),
        T("resume", [C.DELIVERED], C.IN_PROGRESS, {"system"}, label=_lazy("Back in progress")),
        T("complete", [C.IN_PROGRESS, C.DELIVERED], C.COMPLETED, {"system"},
          effect=common.mark_completed, label=_lazy("Completed"), event="contracts.completed"),
        T("cancel", [C.PENDING_FUNDING, C.ACTIVE, C.IN_PROGRESS], C.CANCELLED,
          {"client", "provider", "staff"}, guards=(no_submitted_milestone,),
          effect=cancel_contract, note_required=True, label=_lazy("Cancel contract"),
          event="contracts.cancelled", style="danger"),
        T("dispute", [C.ACTIVE, C.IN_PROGRESS, C.DELIVERED], C.DISPUTED, {"system"},
          label=_lazy("Disputed"), event="contracts.disputed"),
        T("dispute_continue", [C.DISPUTED], C.IN_PROGRESS, {"system"},
          label=_lazy("Dispute resolved, work continues"), event="contracts.dispute_resolved"),
        T("dispute_complete", [C.DISPUTED], C.COMPLETED, {"system"},
          effect=common.mark_completed, label=_lazy("Dispute resolved, completed"),
          event="contracts.completed"),
        T("dispute_cancel", [C.DISPUTED], C.CANCELLED, {"system"}, effect=common.mark_cancelled,
          label=_lazy("Dispute resolved, cancelled"), event="contracts.cancelled"),
    ],
)  # fmt: skip
