"""Automatic screening of public texts, fed by the owning apps' domain events.

The hook: moderation subscribes (``core.events.subscribe``) to the events catalog, jobs and
profiles already publish when something becomes or stays public —

- ``catalog.gig_published``, ``catalog.gig_updated`` (title/description/tags changed);
- ``jobs.job_published``, ``jobs.job_updated`` (title/description changed);
- ``profiles.freelancer_published``, ``profiles.freelancer_updated`` (headline/bio changed).

The handlers run ``in_transaction``: inside the owning service's transaction, when the event is
published, so a held text is never public, not even for a moment. The handler reloads the item
(it sees the uncommitted change), screens its current text and, when held, calls
``services.hold_for_moderation`` (which hides it through the owning app's service). The owning
service reloads what the hold may have changed before it returns the item.

The same handlers run again after commit (events are delivered at least once), so:

- a repeated event finds the open case and merges into it (no second case, no second notice);
- a text staff already restored is not held again (``services.was_approved``);
- an item that is no longer public, or gone, is skipped.

If screening fails inside the transaction (a bug), the save still goes through and the
after-commit run screens it: the gap reopens only for that failure.
"""

import logging

from craftwork.core.errors import DomainError
from craftwork.core.events import subscribe

from . import services
from .screening import screen_text
from .targets import gig_text, job_text, profile_text

logger = logging.getLogger(__name__)

GIG_FIELDS = {"title", "description", "tags"}
JOB_FIELDS = {"title", "description"}
PROFILE_FIELDS = {"headline", "bio"}


def _relevant(event, fields: set) -> bool:
    changed = event.payload.get("fields")
    return changed is None or bool(fields & set(changed))


def screen_and_hold(*, kind: str, obj, text: str, actor=None):
    """Screen ``text`` of ``obj``; hold it when needed. Returns the case or None."""
    result = screen_text(text)
    if not result.held:
        return None
    if services.was_approved(kind=kind, object_id=obj.pk, text=text):
        return None
    try:
        return services.hold_for_moderation(
            kind=kind,
            obj=obj,
            reasons=result.reasons,
            matches=result.matches,
            text=text,
            actor=actor,
        )
    except DomainError:
        # The item changed under us (removed, deleted): nothing left to hold.
        logger.warning("could not hold %s %s", kind, obj.pk, exc_info=True)
        return None


def _actor(event):
    return event.actor if event.actor_id else None


def screen_gig_event(event) -> None:
    from craftwork.catalog.models import Gig, GigStatus

    if not _relevant(event, GIG_FIELDS):
        return
    gig = Gig.objects.filter(pk=event.payload.get("gig_id")).first()
    if gig is None or gig.status != GigStatus.ACTIVE:
        return
    screen_and_hold(kind="gig", obj=gig, text=gig_text(gig), actor=_actor(event))


def screen_job_event(event) -> None:
    from craftwork.jobs.models import Job, JobStatus

    if not _relevant(event, JOB_FIELDS):
        return
    job = Job.objects.filter(pk=event.payload.get("job_id")).first()
    if job is None or job.status != JobStatus.OPEN:
        return
    screen_and_hold(kind="job", obj=job, text=job_text(job), actor=_actor(event))


def screen_profile_event(event) -> None:
    from craftwork.profiles.models import FreelancerProfile

    if not _relevant(event, PROFILE_FIELDS):
        return
    profile = FreelancerProfile.objects.filter(pk=event.payload.get("profile_id")).first()
    if profile is None or not profile.is_published:
        return
    screen_and_hold(kind="profile", obj=profile, text=profile_text(profile), actor=_actor(event))


SUBSCRIPTIONS = {
    "catalog.gig_published": screen_gig_event,
    "catalog.gig_updated": screen_gig_event,
    "jobs.job_published": screen_job_event,
    "jobs.job_updated": screen_job_event,
    "profiles.freelancer_published": screen_profile_event,
    "profiles.freelancer_updated": screen_profile_event,
}


def connect() -> None:
    for name, handler in SUBSCRIPTIONS.items():
        subscribe(name, in_transaction=True)(handler)
