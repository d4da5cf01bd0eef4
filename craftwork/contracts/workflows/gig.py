"""Gig orders: the contract process of a gig bought through checkout.

The contract is created already paid (the checkout line's amount is in the escrow
``contract:<uuid>``, see ``craftwork.contracts.orders``). Its ``GigOrder`` row keeps the package
snapshot, the seller's questions and the buyer's answers, and the delivery clock:

1. ``awaiting_requirements``: the buyer answers the seller's questions (required ones must be
   answered; text is cleaned and limited, a choice must be one of the choices). Orders of a gig
   without questions start directly ``in_progress``.
2. ``in_progress``: the clock runs from the answers: ``due_at = answered_at + delivery_days``.
   Not delivered by then, the order is marked ``late`` by a timer (only before the first
   delivery: revisions have no deadline), and the buyer may cancel it for a full refund.
3. ``delivered``: the buyer accepts (escrow released to the seller less the platform fee) or
   asks for a revision while the package's revisions last. Without an answer, the order is
   completed automatically after ``GIG_AUTO_COMPLETE_DAYS`` (default 3, snapshotted as the
   contract's review window when the order is created).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from craftwork.core.errors import InvalidTransition, ValidationFailed
from craftwork.core.money import Money

from .. import escrow
from ..deliveries import MAX_MESSAGE_LENGTH, store_files, validate_files
from ..models import ContractState as C
from ..models import GigDelivery, GigDeliveryFile, GigOrder
from ..process import Process, Timer, Transition, money_effect
from . import common
from .fixed import cancellation_shares

MAX_ANSWER_LENGTH = 2000

# --- answers ------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Unicode-normalised text without control characters (newlines and tabs kept)."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def clean_answers(requirements: list[dict], answers) -> list[dict]:
    """The buyer's answers, one per question in the questions' order; raise ValidationFailed
    (details keyed ``answers.<question id>``) for unknown questions, missing required answers,
    text that is too long or a choice that is not offered."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationFailed(
            _("Answer the questions."),
            code="invalid_answers",
            details={"answers": [_("A mapping of question id to answer.")]},
        )
    known = {str(q["id"]): q for q in requirements}
    errors: dict[str, list[str]] = {}
    codes = set()
    for key in answers:
        if str(key) not in known:
            errors[f"answers.{str(key)[:60]}"] = [_("There is no such question.")]
            codes.add("invalid_answers")
    cleaned = []
    for question in requirements:
        qid = str(question["id"])
        code, problem, text = _check_answer(question, answers.get(qid, ""))
        if problem:
            errors[f"answers.{qid}"] = [problem]
            codes.add(code)
        cleaned.append({"id": qid, "question": question["question"], "answer": text})
    if errors:
        raise ValidationFailed(
            _("Some answers are missing or not valid."),
            code="answers_missing" if codes == {"answers_missing"} else "invalid_answers",
            details=errors,
        )
    return cleaned


def _check_answer(question: dict, value) -> tuple[str, str, str]:
    """``(code, problem, cleaned text)``; no problem: empty code and problem."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        return "invalid_answers", str(_("Answer with text.")), ""
    too_long = _("At most %(count)d characters.") % {"count": MAX_ANSWER_LENGTH}
    if len(value) > 2 * MAX_ANSWER_LENGTH:  # do not even clean a huge payload
        return "invalid_answers", str(too_long), ""
    text = clean_text(value)
    if not text:
        if question.get("required"):
            return "answers_missing", str(_("This question needs an answer.")), ""
        return "", "", ""
    if len(text) > MAX_ANSWER_LENGTH:
        return "invalid_answers", str(too_long), ""
    if question.get("kind") == "choice" and text not in question.get("choices", []):
        return "invalid_answers", str(_("Choose one of the options.")), ""
    return "", "", text


# --- helpers ------------------------------------------------------------------------------------


def order_of(ctx) -> GigOrder:
    """The contract's order row, locked (after the contract row: the engine's order)."""
    return GigOrder.objects.select_for_update().get(contract=ctx.contract)


def order_ref(contract) -> str:
    return f"gig:{contract.pk}"


def late_delay(contract):
    """Late once ``delivery_days`` have passed since the clock started, unless delivered once."""
    order = GigOrder.objects.filter(contract=contract).only("first_delivered_at").first()
    if order is None or order.first_delivered_at is not None or not contract.delivery_days:
        return None
    return timedelta(days=contract.delivery_days)


def auto_complete_delay(contract) -> timedelta:
    """The contract's review window holds GIG_AUTO_COMPLETE_DAYS as it was at the order."""
    return timedelta(days=contract.review_window_days)


# --- guards -------------------------------------------------------------------------------------


def revisions_left(ctx) -> None:
    """The package's revisions are not used up."""
    order = GigOrder.objects.get(contract=ctx.contract)
    if order.revision_count >= order.revisions_allowed:
        raise InvalidTransition(
            _("All %(count)d revisions of this package have been used.")
            % {"count": order.revisions_allowed},
            code="no_revisions_left",
            details={"revisions_allowed": order.revisions_allowed},
        )


def never_delivered(ctx) -> None:
    """Only an order with no delivery yet becomes late."""
    order = GigOrder.objects.get(contract=ctx.contract)
    if order.first_delivered_at is not None:
        raise InvalidTransition(_("The order was delivered."), code="already_delivered")


def buyer_uses_cancel_late(ctx) -> None:
    """A late order is cancelled by the buyer with ``cancel_late`` (full refund)."""
    if ctx.role == "client" and ctx.contract.state == C.LATE:
        raise InvalidTransition(
            _("The order is late: cancel it with a full refund instead."),
            code="use_cancel_late",
        )


# --- effects ------------------------------------------------------------------------------------


def record_answers(ctx) -> None:
    order = order_of(ctx)
    order.answers = clean_answers(order.requirements, ctx.params.get("answers"))
    order.answered_at = ctx.now
    order.due_at = ctx.now + timedelta(days=order.delivery_days)
    order.save(update_fields=["answers", "answered_at", "due_at", "updated_at"])
    common.mark_started(ctx)


def record_late(ctx) -> None:
    order = order_of(ctx)
    order.late_at = ctx.now
    order.save(update_fields=["late_at", "updated_at"])


def create_delivery(ctx) -> None:
    order = order_of(ctx)
    checked = validate_files(ctx.params.get("files"))
    delivery = GigDelivery.objects.create(
        order=order,
        submitted_by=ctx.actor,
        message=ctx.note[:MAX_MESSAGE_LENGTH],
        number=order.deliveries.count() + 1,
    )
    store_files(GigDeliveryFile, checked, delivery=delivery)
    order.delivered_at = ctx.now
    order.first_delivered_at = order.first_delivered_at or ctx.now
    order.save(update_fields=["delivered_at", "first_delivered_at", "updated_at"])


def count_revision(ctx) -> None:
    order = order_of(ctx)
    order.revision_count += 1
    order.save(update_fields=["revision_count", "updated_at"])


@money_effect("Escrow → seller: the order amount less the platform fee (once per order)")
def release_order(ctx) -> None:
    contract = ctx.contract
    amount = escrow.held(contract)
    if amount.is_positive:
        escrow.release(contract, amount, key=f"release:{order_ref(contract)}", actor=ctx.actor)
    common.mark_completed(ctx)


@money_effect("Escrow → buyer: the whole order amount is refunded")
def refund_late_order(ctx) -> None:
    contract = ctx.contract
    amount = escrow.held(contract)
    if amount.is_positive:
        escrow.refund(
            contract,
            amount,
            key=f"refund:{order_ref(contract)}",
            reason=ctx.note or "late order cancelled",
            actor=ctx.actor,
        )
    common.mark_cancelled(ctx)


def cancel_shares(contract, role: str) -> tuple[Money, Money]:
    """``(to_buyer, to_seller)`` of what the order still holds when ``role`` cancels (the
    fixed-price rules)."""
    return cancellation_shares(contract, escrow.held(contract), cancelled_by=role)


@money_effect(
    "Full refund before the clock started (no answers yet) or when the seller or staff cancel; "
    "when the buyer cancels after it started, refund by policy (flexible 100 %, moderate 50 %, "
    "strict 0 %), the rest released to the seller less the platform fee"
)
def cancel_order(ctx) -> None:
    contract = ctx.contract
    to_client, to_provider = cancel_shares(contract, ctx.role)
    escrow.settle(
        contract,
        to_provider=to_provider,
        to_client=to_client,
        key=f"cancel:{order_ref(contract)}",
        reason=ctx.note or "order cancelled",
        actor=ctx.actor,
    )
    common.mark_cancelled(ctx)


@money_effect("The order amount is frozen: a payments dispute is opened for it")
def open_dispute(ctx) -> None:
    common.open_contract_dispute(ctx, order_of(ctx))


# --- the table ----------------------------------------------------------------------------------

NOTES = {  # the Notes column of docs/processes.md
    "submit_requirements": (
        "Answers are cleaned (control characters removed, NFC) and limited to 2000 characters; "
        "every required question needs one (`answers_missing`), a choice must be offered "
        "(`invalid_answers`). Sets `answered_at`, `due_at = answered_at + delivery days` and "
        "`started_at`"
    ),
    "mark_late": (
        "Only before the first delivery: a revision has no deadline. Shows the Late badge; the "
        "buyer may now `cancel_late`"
    ),
    "deliver": (
        "The note is the delivery message; up to 10 PDF or image files checked by content. Starts "
        "the auto-complete timer"
    ),
    "auto_complete": "Same money effect and key as `accept`: a race releases once",
    "request_revision": (
        "Counted on the order; refused with `no_revisions_left` once the package's revisions are "
        "used. Back to `in_progress` without a lateness timer"
    ),
    "cancel_late": (
        "The buyer's remedy for a late order (`use_cancel_late` refuses the policy-based `cancel` "
        "then)"
    ),
    "cancel": "Not from `delivered` (answer the delivery first) nor `disputed`",
    "dispute": "Subject `contract:<uuid>`; the whole amount is frozen, every timer stops",
}

T = Transition
PARTIES = {"client", "provider"}
LATE_TIMER = Timer(
    delay=late_delay,
    description="delivery days after the requirements were answered, unless delivered once",
)
AUTO_COMPLETE_TIMER = Timer(
    delay=auto_complete_delay,
    description="GIG_AUTO_COMPLETE_DAYS (default 3) after a delivery, snapshotted per order",
)

gig_process = Process(
    name="gig",
    description=(
        "A gig order, created already paid by checkout (`craftwork.contracts.orders."
        "gig_order_create`): the package, the seller's questions and the delivery days are "
        "snapshotted on the order. The buyer answers the questions (`submit_requirements`; "
        "required questions must be answered, at most 2000 characters each, choices must be "
        "offered ones); a gig without questions starts `in_progress` directly. The clock starts "
        "then: `due_at = answered_at + delivery days` (the quantity does not change it). Not "
        "delivered by `due_at`, the order is marked `late` (`mark_late`, only before the first "
        "delivery) and the buyer may `cancel_late` for a full refund; the seller may still "
        "deliver. A delivery (message and up to 10 PDF or image files) is accepted, or sent "
        "back with `request_revision` while the package's revisions last (then refused with "
        "`no_revisions_left`); without an answer it is completed automatically after "
        "`GIG_AUTO_COMPLETE_DAYS`. Cancellation (`cancel`: buyer, seller or staff; not while a "
        "delivery awaits the buyer or a dispute is open) follows the fixed-price rules: a full "
        "refund before the clock started or when the seller or staff cancel; when the buyer "
        "cancels after it started, the refund follows the contract's policy (flexible 100 %, "
        "moderate 50 % with an odd minor unit to the buyer, strict 0 %), the rest released to "
        "the seller less the platform fee. A dispute freezes the whole amount until staff "
        "decide in payments (`resolve_*`)."
    ),
    states=[C.AWAITING_REQUIREMENTS, C.IN_PROGRESS, C.LATE, C.DELIVERED, C.COMPLETED,
            C.CANCELLED, C.DISPUTED],
    initial=C.AWAITING_REQUIREMENTS,
    entry_states=(C.IN_PROGRESS,),
    transitions=[
        T("submit_requirements", [C.AWAITING_REQUIREMENTS], C.IN_PROGRESS, {"client"},
          effect=record_answers, label=_lazy("Requirements submitted"),
          doc=NOTES["submit_requirements"],
          event="contracts.gig_requirements_submitted", style="primary", generic=False),
        T("mark_late", [C.IN_PROGRESS], C.LATE, {"system"}, guards=(never_delivered,),
          doc=NOTES["mark_late"],
          effect=record_late, timer=LATE_TIMER, label=_lazy("Marked late"),
          event="contracts.gig_late"),
        T("deliver", [C.IN_PROGRESS, C.LATE], C.DELIVERED, {"provider"},
          effect=create_delivery, note_required=True, label=_lazy("Deliver"),
          doc=NOTES["deliver"],
          event="contracts.gig_delivered", style="primary", generic=False),
        T("accept", [C.DELIVERED], C.COMPLETED, {"client"}, effect=release_order,
          label=_lazy("Accept delivery"), event="contracts.completed", style="primary"),
        T("auto_complete", [C.DELIVERED], C.COMPLETED, {"system"}, effect=release_order,
          timer=AUTO_COMPLETE_TIMER, label=_lazy("Completed automatically"),
          doc=NOTES["auto_complete"],
          event="contracts.completed"),
        T("request_revision", [C.DELIVERED], C.IN_PROGRESS, {"client"},
          guards=(revisions_left,), effect=count_revision, note_required=True,
          label=_lazy("Request a revision"), event="contracts.gig_revision_requested",
          doc=NOTES["request_revision"]),
        T("cancel_late", [C.LATE], C.CANCELLED, {"client"}, effect=refund_late_order,
          label=_lazy("Cancel the late order (full refund)"), event="contracts.cancelled",
          style="danger",
          doc=NOTES["cancel_late"]),
        T("cancel", [C.AWAITING_REQUIREMENTS, C.IN_PROGRESS, C.LATE], C.CANCELLED,
          {"client", "provider", "staff"}, guards=(buyer_uses_cancel_late,),
          doc=NOTES["cancel"],
          effect=cancel_order, note_required=True, label=_lazy("Cancel order"),
          event="contracts.cancelled", style="danger"),
        T("dispute", [C.IN_PROGRESS, C.LATE, C.DELIVERED], C.DISPUTED, PARTIES,
          effect=open_dispute, note_required=True, label=_lazy("Open a dispute"),
          doc=NOTES["dispute"],
          event="contracts.disputed", style="danger"),
        *common.dispute_resolutions(),
        *common.outside_money_transitions(
            [C.AWAITING_REQUIREMENTS, C.IN_PROGRESS, C.LATE, C.DELIVERED], frozen=C.DISPUTED,
            resumed=C.IN_PROGRESS, refunded=C.CANCELLED,
            on_freeze=lambda ctx: common.record_chargeback(ctx, order_of(ctx)),
            on_refunded=common.mark_cancelled,
        ),
    ],
)  # fmt: skip
