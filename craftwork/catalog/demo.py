"""Catalog demo data: gigs and mentorship sessions for the existing demo freelancers.

Everything goes through the services. Idempotent: a freelancer who already sells gigs gets no new
ones, and a mentor with session types gets none either. ``rng`` makes every run build the same
catalog. Run ``craftwork.web.demo.seed`` first (it creates the demo freelancers).
"""

import random
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from craftwork.profiles import selectors as profile_selectors
from craftwork.web.demo import DEMO_DOMAIN, _demo_image

from . import selectors, services
from .categories import SUBCATEGORIES
from .demo_content import (
    CATEGORY_PACKAGES,
    DESCRIPTION_OPENINGS,
    DESCRIPTION_STEPS,
    EXTRAS,
    FAQS,
    GENERAL_TOPICS,
    GIG_TITLES,
    MENTOR_TOPICS,
    PACKAGE_DESCRIPTIONS,
    PACKAGE_NAMES,
    REQUIREMENTS,
)
from .models import Gig, MentorshipOffering

GIGS_PER_SELLER = 3
MENTORS = 20
TIERS = ("basic", "standard", "premium")
MENTOR_FIRST_CATEGORIES = ("mentorship-coaching", "tutoring-education")


def seed_catalog(rng: random.Random, *, images: bool = True, mentors: int = MENTORS) -> Counter:
    """Gigs for every demo freelancer and mentorship sessions for ``mentors`` of them."""
    report: Counter = Counter()
    sellers = _demo_freelancers()
    for index, (seller, category_slug, currency) in enumerate(sellers):
        if Gig.objects.filter(seller=seller).exists():
            continue
        for number in range(GIGS_PER_SELLER):
            _seed_gig(
                rng, seller, category_slug, currency, index * GIGS_PER_SELLER + number, images
            )
            report["gigs"] += 1
    for seller, category_slug, currency in _mentor_candidates(sellers)[:mentors]:
        if MentorshipOffering.objects.filter(mentor=seller).exists():
            continue
        _seed_mentor(rng, seller, category_slug, currency)
        report["mentors"] += 1
    return report


def _demo_freelancers() -> list[tuple]:
    """(user, skill category slug, currency) of every demo freelancer with a profile and skills."""
    users = (
        get_user_model()
        .objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_freelancer=True, is_active=True)
        .order_by("email")
    )
    found = []
    for user in users:
        profile = profile_selectors.own_freelancer_profile(user=user)
        rows = list(profile.profile_skills.all()) if profile else []
        if rows:
            found.append((user, rows[0].skill.category.slug, profile.currency))
    return found


def _mentor_candidates(sellers: list[tuple]) -> list[tuple]:
    first = [s for s in sellers if s[1] in MENTOR_FIRST_CATEGORIES]
    return first + [s for s in sellers if s[1] not in MENTOR_FIRST_CATEGORIES]


# --- gigs ------------------------------------------------------------------------------------------


def _seed_gig(rng, seller, category_slug, currency, index, images) -> Gig:
    slug, _name, _description, skills = rng.choice(SUBCATEGORIES[category_slug])
    title = rng.choice(GIG_TITLES[slug])
    description = "\n\n".join([rng.choice(DESCRIPTION_OPENINGS), rng.choice(DESCRIPTION_STEPS)])
    gig = services.gig_create(
        actor=seller,
        title=title,
        category=slug,
        description=description,
        skills=rng.sample(skills, k=min(len(skills), 3)),
        tags=_tags(title),
    )
    services.gig_packages_set(
        actor=seller, gig=gig, packages=_packages(rng, category_slug, currency)
    )
    gig.refresh_from_db()
    if index % 2 == 0:
        base = gig.min_price
        services.gig_extras_set(
            actor=seller,
            gig=gig,
            extras=[
                {
                    "title": title_,
                    "price": max(100, int(base * share) // 100 * 100),
                    "extra_days": days,
                }
                for title_, share, days in rng.sample(EXTRAS, 2)
            ],
        )
    services.gig_requirements_set(actor=seller, gig=gig, requirements=REQUIREMENTS[: 1 + index % 3])
    services.gig_faq_set(
        actor=seller, gig=gig, faqs=[{"question": q, "answer": a} for q, a in FAQS[: 1 + index % 3]]
    )
    if images and index % 4 == 0:
        services.gig_image_add(actor=seller, gig=gig, upload=_demo_image(rng, title), caption=title)
    if index % 10 != 9:  # one in ten stays a draft
        services.gig_publish(actor=seller, gig=gig)
        if index % 15 == 14:
            services.gig_pause(actor=seller, gig=gig)
    return gig


STOP_WORDS = {"your", "with", "from", "that", "this", "into", "will", "every", "their", "them"}


def _tags(title: str) -> list[str]:
    words = [word.strip(",.'()").lower() for word in title.split()[3:]]
    return [w for w in words if len(w) > 3 and w.isalpha() and w not in STOP_WORDS][:3]


def _packages(rng, category_slug, currency) -> list[dict]:
    (low, high), items = CATEGORY_PACKAGES[category_slug]
    base = rng.randrange(low, high + 1)
    tiers = TIERS[: rng.choice([1, 2, 3, 3, 3])]
    days = rng.choice([2, 3, 5, 7])
    return [
        {
            "tier": tier,
            "name": rng.choice(PACKAGE_NAMES[tier]),
            "description": PACKAGE_DESCRIPTIONS[tier],
            "price": base * (1, 2, 4)[position] * 100,
            "currency": currency,
            "delivery_days": (days, days + 2, max(1, days - 1))[position],
            "revisions": (1, 2, 5)[position],
            "included": items[: 2 + position],
        }
        for position, tier in enumerate(tiers)
    ]


# --- mentors ------------------------------------------------------------------------------------------


def _seed_mentor(rng, mentor, category_slug, currency) -> None:
    profile = profile_selectors.own_freelancer_profile(user=mentor)
    services.mentor_settings_update(
        actor=mentor,
        timezone=(profile.timezone if profile else mentor.timezone) or "UTC",
        buffer_minutes=rng.choice([0, 10, 15]),
        min_notice_hours=rng.choice([4, 12, 24]),
        horizon_days=rng.choice([30, 60]),
    )
    services.availability_rules_set(actor=mentor, rules=_weekly_rules(rng))
    for position, topic in enumerate(
        rng.sample(MENTOR_TOPICS.get(category_slug, GENERAL_TOPICS), k=rng.choice([1, 2]))
    ):
        services.offering_create(
            actor=mentor,
            topic=topic,
            description="A focused one-to-one video call. Bring your questions; you leave with next steps.",
            category=_mentor_category(rng, category_slug),
            duration_minutes=(60, 30, 45)[position % 3],
            price=rng.randrange(30, 150) * 100,
            currency=currency,
            cancellation_policy=("moderate", "flexible", "strict")[position % 3],
        )
    tz = selectors.mentor_settings_for(mentor).tzinfo
    day_off = timezone.now().astimezone(tz).date() + timedelta(days=rng.randrange(3, 12))
    services.availability_exception_add(actor=mentor, date=day_off)


def _weekly_rules(rng) -> list[dict]:
    mornings = rng.random() < 0.7
    rules = []
    for weekday in range(5):
        if mornings:
            rules.append({"weekday": weekday, "start_time": "09:00", "end_time": "12:00"})
        rules.append({"weekday": weekday, "start_time": "14:00", "end_time": "17:30"})
    if rng.random() < 0.4:
        rules.append({"weekday": 5, "start_time": "10:00", "end_time": "13:00"})
    return rules


def _mentor_category(rng, category_slug) -> str:
    return rng.choice(SUBCATEGORIES[category_slug])[0]
