"""The kinds moderation registers itself: gigs, jobs and freelancer profiles.

What hide / restore / remove do to each (always through the owning app's services):

=========  ==========================================  ==========================================
kind       hide (and an automatic hold)                 restore / remove
=========  ==========================================  ==========================================
gig        ``catalog.gig_hide``: status "removed", the  ``catalog.gig_reinstate`` (back to active)
           seller cannot edit or publish it             / ``gig_hide`` (stays down for good)
job        no state change in jobs: moderation's        restore: nothing to undo / remove:
           ``HiddenItem`` row takes it out of the       ``jobs.job_remove`` (an open job is closed,
           public lists and pages (jobs selectors)      its live proposals declined)
           and stops new proposals
profile    ``profiles.freelancer_profile_hide``         ``profiles.freelancer_profile_restore``
           (unpublished; publishing again is refused    / ``freelancer_profile_hide``
           while moderation keeps it hidden)
=========  ==========================================  ==========================================
"""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import NotFound

from .registry import register_flaggable


def _excerpt(*parts) -> str:
    text = " — ".join(str(p).strip() for p in parts if p and str(p).strip())
    return Truncator(" ".join(text.split())).chars(280)


def _visible_through(selector):
    def visible(obj, user) -> bool:
        try:
            selector(obj, user)
        except NotFound:
            return False
        return True

    return visible


# --- gigs ----------------------------------------------------------------------------------------


def gig_text(gig) -> str:
    return "\n\n".join([gig.title, gig.description, " ".join(gig.tags or [])])


def _register_gig() -> None:
    from craftwork.catalog import selectors, services
    from craftwork.catalog.models import Gig

    register_flaggable(
        "gig",
        model=Gig,
        label=_("Gig"),
        author=lambda gig: gig.seller,
        describe=lambda gig: _excerpt(gig.title, gig.description),
        url=lambda gig: reverse("catalog:gig-detail", args=[gig.pk]),
        visible=_visible_through(
            lambda gig, user: selectors.public_gig_detail(gig.pk, viewer=user)
        ),
        hide=lambda gig, *, actor, reason: services.gig_hide(actor=actor, gig=gig, reason=reason),
        restore=lambda gig, *, actor, reason: services.gig_reinstate(
            actor=actor, gig=gig, reason=reason
        ),
        remove=lambda gig, *, actor, reason: services.gig_hide(actor=actor, gig=gig, reason=reason),
        text=gig_text,
    )


# --- jobs ----------------------------------------------------------------------------------------


def job_text(job) -> str:
    return "\n\n".join([job.title, job.description])


def _nothing(obj, *, actor, reason) -> None:
    """Jobs have no hidden state of their own: moderation's HiddenItem row is the state."""


def _register_job() -> None:
    from craftwork.jobs import selectors, services
    from craftwork.jobs.models import Job

    register_flaggable(
        "job",
        model=Job,
        label=_("Job"),
        author=lambda job: job.client,
        describe=lambda job: _excerpt(job.title, job.description),
        url=lambda job: reverse("jobs:detail", args=[job.pk]),
        visible=_visible_through(lambda job, user: selectors.job_for_viewer(user, job.pk)),
        hide=_nothing,
        restore=_nothing,
        remove=lambda job, *, actor, reason: services.job_remove(
            actor=actor, job=job, reason=reason
        ),
        text=job_text,
    )


# --- freelancer profiles --------------------------------------------------------------------------


def profile_text(profile) -> str:
    return "\n\n".join([profile.headline, profile.bio])


def _register_profile() -> None:
    from craftwork.profiles import selectors, services
    from craftwork.profiles.models import FreelancerProfile

    def hide(profile, *, actor, reason):
        services.freelancer_profile_hide(actor=actor, profile=profile, reason=reason)

    register_flaggable(
        "profile",
        model=FreelancerProfile,
        label=_("Profile"),
        author=lambda profile: profile.user,
        describe=lambda profile: _excerpt(profile.headline, profile.bio),
        url=lambda profile: reverse("profiles:freelancer-detail", args=[profile.pk]),
        visible=_visible_through(
            lambda profile, user: selectors.public_freelancer_detail(profile.pk, viewer=user)
        ),
        hide=hide,
        restore=lambda profile, *, actor, reason: services.freelancer_profile_restore(
            actor=actor, profile=profile, reason=reason
        ),
        remove=hide,
        text=profile_text,
    )


def register() -> None:
    _register_gig()
    _register_job()
    _register_profile()
