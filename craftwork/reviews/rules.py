"""Who may review what, and until when; and the seams to the apps reviews depend on.

Eligibility is computed from the contract's state, not from an event: a contract in state
``completed`` may be reviewed by each party until ``completed_at + REVIEW_WINDOW_DAYS``. So
contracts completed before this app existed, or whose event was delivered late, behave the
same. The "please review" notification rides on the ``contracts.completed`` event
(``notifications.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

logger = logging.getLogger(__name__)

COMPLETED = "completed"


def review_window_days() -> int:
    return int(getattr(settings, "REVIEW_WINDOW_DAYS", 14))


def reminder_days_before() -> int:
    return int(getattr(settings, "REVIEW_REMINDER_DAYS_BEFORE", 3))


def completed_moment(contract) -> datetime | None:
    if contract.state != COMPLETED:
        return None
    return contract.completed_at or contract.state_changed_at


def window_closes_at(contract) -> datetime | None:
    moment = completed_moment(contract)
    return None if moment is None else moment + timedelta(days=review_window_days())


def window_open(contract, now) -> bool:
    closes = window_closes_at(contract)
    return closes is not None and now < closes


def gig_id_for(contract):
    """The gig a gig order was placed for, or None (other contracts, or before orders exist)."""
    if contract.kind != "gig":
        return None
    try:
        from craftwork.contracts.orders import gig_id_of
    except ImportError:
        return None
    try:
        return gig_id_of(contract)
    except Exception:  # a missing snapshot must not stop a review; the gig just isn't rated
        logger.warning("contract %s: no gig id", contract.pk, exc_info=True)
        return None


# --- Moderation seams (the moderation app is optional: without it nothing is held) --------------


@dataclass(frozen=True)
class Screening:
    held: bool
    reasons: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()


def screen(text: str, *, review=None) -> Screening:
    """Screen what the author wrote (``craftwork.moderation.screening.screen_text``); a text staff
    already restored for this review is not held again."""
    if not text:
        return Screening(held=False)
    try:
        from craftwork.moderation.screening import screen_text
        from craftwork.moderation.services import was_approved
    except ImportError:
        return Screening(held=False)
    if review is not None and was_approved(kind="review", object_id=review.pk, text=text):
        return Screening(held=False)
    result = screen_text(text)
    return Screening(
        held=bool(result.held),
        reasons=tuple(result.reasons or ()),
        matches=tuple(getattr(result, "matches", ()) or ()),
    )


def hold(review, screening: Screening, *, actor=None) -> None:
    """Put a held review in the moderation queue (when the moderation app offers one).

    ``hide=False``: an unpublished review is already out of view; staff restore it through the
    queue, which calls ``services.review_restore``."""
    try:
        from craftwork.moderation.services import hold_for_moderation
    except ImportError:
        return
    hold_for_moderation(
        kind="review",
        obj=review,
        reasons=list(screening.reasons),
        matches=screening.matches,
        text=review.text,
        actor=actor,
        hide=False,
    )
