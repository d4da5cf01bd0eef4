"""Demo data for moderation: a few user reports and one gig held by screening.

``seed_moderation(rng, *, flags=6) -> dict`` — called from ``craftwork/web/demo.py`` after the
marketplace (it needs public gigs, jobs and profiles). Idempotent: it does nothing when any
moderation case exists. Everything goes through the real services.
"""

from django.contrib.auth import get_user_model

from craftwork.core.errors import DomainError

from . import services
from .handlers import screen_and_hold
from .models import Case, FlagReason

DEMO_DOMAIN = "demo.craftwork.local"
DETAILS = {
    FlagReason.SCAM: "Asked me to pay by bank transfer outside Craftwork.",
    FlagReason.SPAM: "Same text posted many times.",
    FlagReason.FAKE: "The portfolio images belong to another studio.",
    FlagReason.INAPPROPRIATE: "",
}
HELD_LINE = "\n\nFaster on WhatsApp: +34 612 345 678 (I give a discount outside the platform)."


def seed_moderation(rng, *, flags: int = 6) -> dict:
    from craftwork.catalog import services as catalog_services
    from craftwork.catalog.models import Gig, GigStatus
    from craftwork.jobs.models import Job, JobStatus, Visibility
    from craftwork.profiles.models import FreelancerProfile

    report = {"flags": 0, "held": 0}
    if Case.objects.exists():
        return report
    reporters = list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=False, email__iendswith=f"@{DEMO_DOMAIN}")
        .order_by("email")[:12]
    )
    gigs = list(Gig.objects.filter(status=GigStatus.ACTIVE).order_by("pk")[:6])
    jobs = list(
        Job.objects.filter(status=JobStatus.OPEN, visibility=Visibility.PUBLIC).order_by("pk")[:2]
    )
    profiles = list(FreelancerProfile.objects.filter(is_published=True).order_by("pk")[:2])
    if not reporters or not gigs:
        return report

    targets = [("gig", g) for g in gigs[1:4]] + [("job", j) for j in jobs[:1]]
    targets += [("profile", p) for p in profiles[:1]]
    reasons = list(DETAILS)
    for index in range(flags):
        kind, obj = targets[index % len(targets)]
        reporter = reporters[(index * 5) % len(reporters)]
        reason = reasons[index % len(reasons)]
        try:
            services.flag_create(
                actor=reporter,
                kind=kind,
                object_id=str(obj.pk),
                reason=reason,
                details=DETAILS[reason],
            )
        except DomainError:
            continue  # own content or already reported by this demo user
        report["flags"] += 1

    held = gigs[0]
    try:
        held = catalog_services.gig_update(
            actor=held.seller, gig=held, description=held.description + HELD_LINE
        )
    except DomainError:
        return report
    from .targets import gig_text

    # The event handler would do this after commit; doing it here keeps the demo independent of
    # a running worker (hold_for_moderation is idempotent if the handler runs as well).
    if screen_and_hold(kind="gig", obj=held, text=gig_text(held)) is not None:
        report["held"] = 1
    return report
