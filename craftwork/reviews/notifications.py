"""Notification types and the pending-review reminder (autodiscovered by the notifications app).

* ``review_requested``: a contract was completed — both parties are asked for a review (it rides
  on the contracts app's ``contracts.completed`` event, the actor included).
* ``review_received``: the other party submitted a review of you; write yours to read it (the
  review itself stays hidden until both are published).
* ``review_published``: the reviews of a contract are public.
* ``review_response``: the reviewed party answered your review.
* ``review_reminder``: a few days (REVIEW_REMINDER_DAYS_BEFORE, default 3) before the review
  period ends, each party who has not submitted a review yet is reminded once.
"""

from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on
from craftwork.notifications.reminders import Due, reminder

from . import rules

REMINDER_EVENT = "reviews.pending_reminder"
REMINDER_BATCH = 1000


def _contract_review_link(event, user) -> str:
    return reverse("reviews:contract", args=[event.payload["contract_id"]])


def _title(event) -> str:
    return event.payload.get("title", "")


notify_on(
    "contracts.completed",
    type="review_requested",
    label=gettext_lazy("A completed contract is ready for your review"),
    recipients=lambda event: [event.payload["client_id"], event.payload["provider_id"]],
    include_actor=True,
    title=lambda event, user: _("How did it go? Review %(title)s") % {"title": _title(event)},
    body=lambda event, user: _(
        "Reviews are double-blind: neither of you sees the other's review until both are "
        "written or the review period ends."
    ),
    link=_contract_review_link,
)

notify_on(
    "reviews.submitted",
    type="review_received",
    label=gettext_lazy("The other party reviewed you"),
    recipients=lambda event: [event.payload["subject_id"]],
    title=lambda event, user: _("You have been reviewed for %(title)s") % {"title": _title(event)},
    body=lambda event, user: _("Write your review to read theirs: both are published together."),
    link=_contract_review_link,
)

notify_on(
    "reviews.published",
    type="review_published",
    label=gettext_lazy("Reviews were published"),
    recipients=lambda event: [event.payload["client_id"], event.payload["provider_id"]],
    include_actor=True,
    title=lambda event, user: _("Reviews published for %(title)s") % {"title": _title(event)},
    body=lambda event, user: (
        _("You can now read the review of you and respond to it.")
        if str(user.pk) in event.payload.get("subject_ids", [])
        else _("Your review is now public.")
    ),
    link=_contract_review_link,
)

notify_on(
    "reviews.responded",
    type="review_response",
    label=gettext_lazy("Someone responded to your review"),
    recipients=lambda event: [event.payload["author_id"]],
    title=lambda event, user: (
        _("A response to your review of %(title)s") % {"title": _title(event)}
    ),
    link=_contract_review_link,
)


@reminder(REMINDER_EVENT)
def reviews_still_to_write(now):
    """Parties of contracts whose review period ends within the next few days, without a review."""
    from craftwork.contracts.models import Contract

    from .models import Review, ReviewStatus

    window = timedelta(days=rules.review_window_days())
    before = timedelta(days=rules.reminder_days_before())
    contracts = list(
        Contract.objects.filter(state=rules.COMPLETED)
        .annotate(opened=Coalesce("completed_at", "state_changed_at"))
        .filter(opened__gt=now - window, opened__lte=now - window + before)
        .order_by("opened")
        .values("pk", "title", "client_id", "provider_id", "opened")[:REMINDER_BATCH]
    )
    written = set(
        Review.objects.filter(
            Q(contract_id__in=[c["pk"] for c in contracts]),
            status__in=[ReviewStatus.SUBMITTED, ReviewStatus.PUBLISHED],
        ).values_list("contract_id", "author_id")
    )
    for contract in contracts:
        closes_at = contract["opened"] + window
        for user_id in (contract["client_id"], contract["provider_id"]):
            if (contract["pk"], user_id) in written:
                continue
            yield Due(
                key=f"review-reminder:{contract['pk']}:{user_id}",
                payload={
                    "contract_id": str(contract["pk"]),
                    "title": contract["title"],
                    "user_id": str(user_id),
                    "closes_at": closes_at.isoformat(),
                },
            )


def _closes(event) -> str:
    from django.utils import formats

    moment = parse_datetime(event.payload.get("closes_at", ""))
    return formats.date_format(moment, "DATE_FORMAT") if moment else ""


notify_on(
    REMINDER_EVENT,
    type="review_reminder",
    label=gettext_lazy("Reminder: a review still to write"),
    recipients=lambda event: [event.payload["user_id"]],
    title=lambda event, user: _("Still to review: %(title)s") % {"title": _title(event)},
    body=lambda event, user: _("The review period ends on %(date)s.") % {"date": _closes(event)},
    link=_contract_review_link,
)
