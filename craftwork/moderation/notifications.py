"""Notification types of moderation (autodiscovered by craftwork.notifications).

- ``moderation_decision``: the author of an item staff hid, removed, or restored after an
  automatic hold — with the decision and the reason staff wrote;
- ``moderation_held``: the author of an item screening held for review;
- ``moderation_report_outcome``: the users who flagged an item, when staff chose to tell them.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.notifications.registry import notify_on

from .registry import get_flaggable, is_registered


def _kind_label(event) -> str:
    kind = event.payload.get("kind", "")
    return str(get_flaggable(kind).label).lower() if is_registered(kind) else kind


def _decision_title(event, user) -> str:
    kind = _kind_label(event)
    summary = event.payload.get("summary", "")[:80]
    action = event.payload.get("action")
    if action == "remove":
        text = _("Our moderators removed your %(kind)s “%(summary)s”")
    elif action == "restore":
        text = _("Your %(kind)s “%(summary)s” is visible again")
    else:
        text = _("Our moderators hid your %(kind)s “%(summary)s”")
    return text % {"kind": kind, "summary": summary}


def _decision_link(event, user) -> str:
    return reverse("moderation:decision", args=[event.payload["decision_id"]])


notify_on(
    "moderation.decision_made",
    type="moderation_decision",
    label=gettext_lazy("Moderators acted on something I published"),
    recipients=lambda event: [event.payload["author_id"]] if event.payload.get("author_id") else [],
    title=_decision_title,
    body=lambda event, user: _("Reason: %(reason)s") % {"reason": event.payload.get("reason", "")},
    link=_decision_link,
)

notify_on(
    "moderation.held",
    type="moderation_held",
    label=gettext_lazy("Something I published is held for review"),
    recipients=lambda event: [event.payload["author_id"]] if event.payload.get("author_id") else [],
    title=lambda event, user: (
        _("Your %(kind)s “%(summary)s” is held for review")
        % {"kind": _kind_label(event), "summary": event.payload.get("summary", "")[:80]}
    ),
    body=lambda event, user: _(
        "It looks like it contains contact or payment details, which must stay on the platform. "
        "It is hidden until our moderators review it."
    ),
    link=lambda event, user: event.payload.get("url", ""),
    include_actor=True,  # the author's own edit triggered the hold: they must still be told
)


def _outcome_body(event, user) -> str:
    if event.payload.get("action") in ("hide", "remove"):
        return _("Thank you: our moderators took action.")
    return _("Our moderators reviewed it and took no action.")


notify_on(
    "moderation.decision_made",
    type="moderation_report_outcome",
    label=gettext_lazy("Outcome of my reports"),
    recipients=lambda event: event.payload.get("flagger_ids", []),
    title=lambda event, user: _("Your report was reviewed"),
    body=_outcome_body,
    link=lambda event, user: reverse("moderation:my-flags"),
)
