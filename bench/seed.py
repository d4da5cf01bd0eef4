"""Seed the bench database, then count each scenario's queries once.

Runs in a subprocess with the bench server's environment (``python -m bench.seed``), so Django
is set up against the bench database only. Writes one JSON document: the context the scenarios'
path factories read (ids picked from the seeded rows), the query counts, and dataset facts.

Rows are bulk-inserted, not created through the services: this is a fixture of tens of
thousands of rows and only its shape matters. A feature that benchmarks its own endpoints
appends a seeder to ``SEEDERS``: a function taking keyword arguments ``freelancers`` (the
``--freelancers`` scale; size other rows from it), ``rng`` (seeded, so runs are repeatable),
``password_hash`` (one shared hash of ``LOGIN_PASSWORD``) and ``context`` (what the earlier
seeders returned, read-only), and returning the context entries its scenarios read.
"""

import argparse
import json
import os
import random
import sys
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

LOGIN_EMAIL = "bench@craftwork.local"
LOGIN_PASSWORD = "bench-login-Passw0rd-2024"
BATCH_SIZE = 1000
SEED = 20240601

# (city, country, latitude, longitude, currency, local language, weight)
PLACES = [
    ("New York", "US", 40.7128, -74.0060, "USD", "en", 9),
    ("San Francisco", "US", 37.7749, -122.4194, "USD", "en", 6),
    ("Chicago", "US", 41.8781, -87.6298, "USD", "en", 5),
    ("Austin", "US", 30.2672, -97.7431, "USD", "en", 4),
    ("Seattle", "US", 47.6062, -122.3321, "USD", "en", 4),
    ("London", "GB", 51.5074, -0.1278, "GBP", "en", 6),
    ("Manchester", "GB", 53.4808, -2.2426, "GBP", "en", 2),
    ("Berlin", "DE", 52.5200, 13.4050, "EUR", "de", 4),
    ("Munich", "DE", 48.1351, 11.5820, "EUR", "de", 2),
    ("Madrid", "ES", 40.4168, -3.7038, "EUR", "es", 4),
    ("Barcelona", "ES", 41.3874, 2.1686, "EUR", "es", 3),
    ("Paris", "FR", 48.8566, 2.3522, "EUR", "fr", 3),
    ("Mexico City", "MX", 19.4326, -99.1332, "MXN", "es", 4),
    ("Guadalajara", "MX", 20.6597, -103.3496, "MXN", "es", 2),
    ("Toronto", "CA", 43.6532, -79.3832, "CAD", "en", 3),
    ("Vancouver", "CA", 49.2827, -123.1207, "CAD", "en", 2),
    ("Sydney", "AU", -33.8688, 151.2093, "AUD", "en", 2),
    ("Buenos Aires", "AR", -34.6037, -58.3816, "USD", "es", 2),
    ("Bangalore", "IN", 12.9716, 77.5946, "USD", "hi", 3),
    ("Warsaw", "PL", 52.2297, 21.0122, "EUR", "pl", 2),
]
FIRST_NAMES = [
    "Ana", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera",
]  # fmt: skip
LAST_NAMES = [
    "Garcia", "Smith", "Müller", "Rossi", "Dubois", "Kowalski", "Tanaka", "Silva", "Novak",
    "Jensen", "Okafor", "Patel", "Ivanova", "Lopez", "Brown", "Kim",
]  # fmt: skip
SENIORITY = ["Junior", "Experienced", "Senior", "Lead", "Certified", "Freelance"]
WORK_MODES = [("remote", 5), ("both", 3), ("onsite", 2)]
AVAILABILITY = [("available", 6), ("limited", 3), ("unavailable", 1)]
PROFICIENCY = [("beginner", 1), ("intermediate", 4), ("advanced", 4), ("expert", 2)]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed_login_user(
    *, freelancers: int, rng: random.Random, password_hash: str, context: dict
) -> dict:
    """The one known account the login scenario signs in as (and whose token auth scenarios send)."""
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from craftwork.accounts.models import User

    user = User.objects.create(
        email=LOGIN_EMAIL,
        first_name="Bench",
        last_name="User",
        password=password_hash,
        is_client=True,
        email_verified_at=timezone.now(),
    )
    return {
        "login_email": LOGIN_EMAIL,
        "login_password": LOGIN_PASSWORD,
        "login_user_id": str(user.pk),
        "access_token": str(AccessToken.for_user(user)),
    }


def seed_freelancers(
    *, freelancers: int, rng: random.Random, password_hash: str, context: dict
) -> dict:
    """Freelancers with published profiles and 3-6 skills each, spread over places and categories."""
    from django.db import transaction

    from craftwork.profiles.models import Skill

    categories: dict = {}
    for skill in Skill.objects.select_related("category").order_by("category__position", "slug"):
        categories.setdefault(skill.category.slug, []).append(skill)
    if not categories:
        raise SystemExit(
            "No skills in the bench database: the profiles taxonomy migration did not run."
        )
    # Earlier categories are more popular, so a few skills are common and most are rare.
    category_weights = [1 / (rank + 1) for rank in range(len(categories))]
    profile_ids: list[str] = []
    skill_uses: Counter = Counter()
    with transaction.atomic():
        for start in range(0, freelancers, BATCH_SIZE):
            count = min(BATCH_SIZE, freelancers - start)
            ids, uses = _seed_batch(start, count, rng, password_hash, categories, category_weights)
            profile_ids.extend(ids)
            skill_uses.update(uses)
    popular_skill = skill_uses.most_common(1)[0][0]
    return {
        "freelancer_ids": rng.sample(profile_ids, len(profile_ids)),
        "popular_skill_slug": popular_skill,
    }


def _seed_batch(start, count, rng, password_hash, categories, category_weights):
    from django.utils import timezone

    from craftwork.accounts.models import User
    from craftwork.profiles.models import FreelancerProfile, FreelancerSkill

    now = timezone.now()
    users, profiles, profile_skills, uses = [], [], [], []
    for number in range(start, start + count):
        user = User(
            email=f"freelancer{number}@bench.craftwork.local",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=password_hash,
            is_freelancer=True,
            active_view="freelancer",
            email_verified_at=now,
        )
        skills = _pick_skills(rng, categories, category_weights)
        profile = _profile(user, skills[0], rng, now)
        users.append(user)
        profiles.append(profile)
        for position, skill in enumerate(skills):
            proficiency = _weighted(rng, PROFICIENCY)
            profile_skills.append(
                FreelancerSkill(
                    profile=profile, skill=skill, proficiency=proficiency, position=position
                )
            )
            uses.append(skill.slug)
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    FreelancerProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    FreelancerSkill.objects.bulk_create(profile_skills, batch_size=BATCH_SIZE)
    return [str(profile.pk) for profile in profiles], uses


def _pick_skills(rng, categories, category_weights):
    slugs = list(categories)
    main = categories[rng.choices(slugs, weights=category_weights)[0]]
    return rng.sample(main, min(len(main), rng.randint(3, 6)))


def _profile(user, lead_skill, rng, now):
    from craftwork.profiles.models import FreelancerProfile

    city, country, lat, lon, currency, language, _weight = rng.choices(
        PLACES, weights=[p[-1] for p in PLACES]
    )[0]
    work_mode = _weighted(rng, WORK_MODES)
    languages = [{"code": "en", "level": "fluent" if language != "en" else "native"}]
    if language != "en":
        languages.insert(0, {"code": language, "level": "native"})
    published_at = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
    return FreelancerProfile(
        user=user,
        headline=f"{rng.choice(SENIORITY)} {lead_skill.name} specialist",
        bio=_bio(user, lead_skill, city, rng),
        hourly_rate=rng.randrange(1500, 15000, 250),
        currency=currency,
        languages=languages,
        city=city,
        country=country,
        latitude=_jitter(lat, rng),
        longitude=_jitter(lon, rng),
        work_mode=work_mode,
        service_radius_km=rng.choice([10, 25, 50, 100]) if work_mode != "remote" else None,
        availability=_weighted(rng, AVAILABILITY),
        hours_per_week=rng.choice([10, 20, 30, 40]),
        is_published=True,
        published_at=published_at,
    )


def _bio(user, lead_skill, city, rng) -> str:
    years = rng.randint(2, 20)
    return (
        f"Hi, I'm {user.first_name}. I have worked with **{lead_skill.name}** for {years} years, "
        f"mostly for small companies and startups around {city} and remotely.\n\n"
        "I care about clear communication, realistic estimates and work that is easy to hand over. "
        "Recent projects include migrations, audits, new features and long-term maintenance.\n\n"
        "- Fixed-price or hourly\n- Weekly progress reports\n- Happy to start with a small paid trial"
    )


def _jitter(value: float, rng: random.Random) -> Decimal:
    return Decimal(f"{value + rng.uniform(-0.2, 0.2):.6f}")


SEEDERS = [seed_login_user, seed_freelancers]


def _area_seeders() -> list:
    """Seeders declared by each area in ``bench/areas/<area>.py`` (a ``SEEDERS`` list); an
    area module imports Django only inside its seeder functions."""
    import importlib
    import pkgutil

    # Areas import bench.scenarios, which imports the areas: load it first, or an area imported
    # from here would still be half-initialised when bench.scenarios reads its SCENARIOS.
    import bench.scenarios  # noqa: F401
    from bench import areas

    found = []
    for module in sorted(pkgutil.iter_modules(areas.__path__), key=lambda m: m.name):
        found.extend(getattr(importlib.import_module(f"bench.areas.{module.name}"), "SEEDERS", []))
    return found


SEEDERS.extend(_area_seeders())

# How deep the "-deep" list scenarios start: this many rows into the list (or half of it).
DEEP_ROWS = 5000
DEEP_LISTS = {
    "freelancer-list-deep": "/api/v1/freelancers/",
    "gig-list-deep": "/api/v1/gigs/",
    "jobs-list-deep": "/api/v1/jobs/",
}


def seed_deep_pages(*, freelancers, rng, password_hash, context) -> dict:
    """The path of a page ``DEEP_ROWS`` rows into each public API list: the ``next`` links
    followed from the first page (a cursor is opaque, so this is how a client gets there)."""
    from urllib.parse import urlsplit

    from django.test import Client

    from bench.server import HOST

    client, paths = Client(HTTP_HOST=HOST), {}
    for name, first in DEEP_LISTS.items():
        path, seen = f"{first}?page_size=100", 0
        while seen < DEEP_ROWS:
            body = client.get(path).json()
            seen += len(body["results"])
            if not body.get("next"):
                break
            parts = urlsplit(body["next"])
            path = f"{parts.path}?{parts.query}"
        # The scenario reads a normal page (20 rows) at that position.
        paths[name] = path.replace("page_size=100", "page_size=20")
    return {"deep_paths": paths}


SEEDERS.append(seed_deep_pages)


def dataset_facts() -> dict:
    from craftwork.accounts.models import User
    from craftwork.profiles.models import FreelancerProfile, FreelancerSkill, Skill

    return {
        "users": User.objects.count(),
        "freelancer_profiles": FreelancerProfile.objects.filter(is_published=True).count(),
        "freelancer_skills": FreelancerSkill.objects.count(),
        "skills": Skill.objects.count(),
    }


def database_facts() -> dict:
    import sqlite3

    from django.db import connection

    if connection.vendor == "sqlite":
        return {"engine": "sqlite", "version": f"SQLite {sqlite3.sqlite_version}"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split(" (")[0]
    return {"engine": connection.vendor, "version": f"PostgreSQL {version}"}


def _analyze() -> None:
    """Give the planner statistics of the bulk-loaded tables before anything is measured, as
    autovacuum would in production within minutes. Without them PostgreSQL guessed 15,700 rows
    for a 20-job skill prefetch (53 real) and started a parallel plan that cost 30-45 ms."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    parser.add_argument("--freelancers", type=int, required=True)
    parser.add_argument("--scenarios", nargs="*", default=[])
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from bench.querycount import count_queries
    from bench.scenarios import by_name

    rng = random.Random(SEED)
    password_hash = make_password(LOGIN_PASSWORD)
    context: dict = {}
    for seeder in SEEDERS:
        context.update(
            seeder(
                freelancers=args.freelancers, rng=rng, password_hash=password_hash, context=context
            )
        )
    _analyze()
    document = {
        "context": context,
        "dataset": dataset_facts(),
        "database": database_facts(),
        "probes": count_queries(by_name(args.scenarios), context),
    }
    args.output.write_text(json.dumps(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
