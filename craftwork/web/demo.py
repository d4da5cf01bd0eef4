"""Demo data: a coherent marketplace built through the real services.

Idempotent: users are keyed by email, so running it twice adds nothing. Random
choices come from a seeded generator, so every run builds the same world.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from unittest import mock

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from faker import Faker
from PIL import Image, ImageDraw

from craftwork.accounts import services as account_services
from craftwork.accounts.models import User
from craftwork.accounts.tokens import email_verification_token, encode_uid
from craftwork.profiles import services as profile_services
from craftwork.profiles.models import Skill

from .demo_content import (
    BIO_ENDS,
    BIO_MIDDLES,
    CATEGORY_PROFILES,
    CITIES,
    COMPANY_SUFFIXES,
    LANGUAGE_SETS,
    PALETTE,
)

DEMO_PASSWORD = "market-demo-2026"
DEMO_DOMAIN = "demo.craftwork.local"
DEMO_LOGINS = [
    ("staff", f"staff@{DEMO_DOMAIN}"),
    ("client", f"client@{DEMO_DOMAIN}"),
    ("freelancer", f"freelancer@{DEMO_DOMAIN}"),
    ("both roles", f"both@{DEMO_DOMAIN}"),
]
DEMO_HASH_ITERATIONS = 20_000
PROFICIENCIES = ["intermediate", "advanced", "advanced", "expert"]


@dataclass
class SeedReport:
    created: dict = field(
        default_factory=lambda: {"clients": 0, "freelancers": 0, "staff": 0, "organizations": 0}
    )
    extra: dict = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] += count


def database_is_empty() -> bool:
    return not User.objects.exists()


def seed(
    *,
    clients: int = 50,
    freelancers: int = 100,
    images: bool = True,
    marketplace: bool = True,
    stdout=None,
) -> SeedReport:
    """People and profiles; with ``marketplace`` also jobs, gigs, mentors and contracts."""
    with _fast_demo_password_hashing(), _side_effects_now_and_unmailed():
        return _seed(
            clients=clients,
            freelancers=freelancers,
            images=images,
            marketplace=marketplace,
            stdout=stdout,
        )


@contextmanager
def _side_effects_now_and_unmailed():
    """Seeding runs every task in this process as it is queued, so no backlog is left for the
    worker (event handlers, notifications and sandbox webhooks are done when seeding ends), and
    mail to the invented demo addresses is dropped instead of burying real mail in var/mail."""
    from celery import current_app
    from django.test import override_settings

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        current_app.conf.task_always_eager = eager


@contextmanager
def _fast_demo_password_hashing():
    """Demo accounts share one published password, so the full PBKDF2 work factor (~0.5 s a user)
    buys nothing while seeding. The iteration count is stored in each hash: Django still verifies
    these, and re-hashes with the full count at the user's first login (hasher.must_update)."""
    with mock.patch.object(PBKDF2PasswordHasher, "iterations", DEMO_HASH_ITERATIONS):
        yield


def _seed(*, clients, freelancers, images, marketplace, stdout) -> SeedReport:
    rng = random.Random(2026)
    fake = Faker(["en_US", "en_GB", "es_ES"])
    fake.seed_instance(2026)
    report = SeedReport()
    _seed_named_accounts(rng, report, images=images)
    for index in range(freelancers):
        _seed_freelancer(rng, fake, index, report, images=images)
        if stdout and (index + 1) % 25 == 0:
            stdout.write(f"  freelancers: {index + 1}/{freelancers}")
    for index in range(clients):
        _seed_client(rng, fake, index, report)
    if marketplace:
        _seed_marketplace(
            rng, fake, report, images=images, stdout=stdout, jobs=min(120, 2 * clients + 10)
        )
    return report


def _seed_marketplace(rng, fake, report, *, images, stdout, jobs):
    """Jobs, gigs and mentors, contracts and credentials, each app through its own services."""
    from craftwork.catalog.demo import seed_catalog
    from craftwork.contracts.demo import seed_contracts, seed_orders
    from craftwork.credentials.demo import seed_credentials
    from craftwork.jobs.demo import seed_jobs
    from craftwork.messaging.demo import seed_messages
    from craftwork.moderation.demo import seed_moderation
    from craftwork.notifications.demo import spread_notifications
    from craftwork.reviews.demo import seed_reviews

    steps = [
        ("jobs", lambda: seed_jobs(rng, fake, count=jobs)),
        ("gigs and mentors", lambda: seed_catalog(rng, images=images)),
        ("gig orders and sessions", lambda: seed_orders(rng)),
        ("contracts", lambda: seed_contracts(rng)),
        ("reviews", lambda: seed_reviews(rng)),
        ("messages", lambda: seed_messages(rng)),
        ("credentials", lambda: seed_credentials(rng)),
        ("moderation", lambda: seed_moderation(rng)),
        ("notification times", lambda: spread_notifications(rng)),
    ]
    for label, step in steps:
        if stdout:
            stdout.write(f"  {label} ...")
        report.extra[label] = step()


# --- people ------------------------------------------------------------------------


def _signup(email, *, first_name, last_name, roles, language="en", timezone="UTC") -> User | None:
    """Create and verify a user, or return None when the email exists already (idempotency)."""
    if User.objects.filter(email__iexact=email).exists():
        return None
    user = account_services.user_signup(
        email=email,
        password=DEMO_PASSWORD,
        first_name=first_name,
        last_name=last_name,
        roles=roles,
        language=language,
        timezone=timezone,
    )
    account_services.user_verify_email(
        uidb64=encode_uid(user), token=email_verification_token.make_token(user)
    )
    user.refresh_from_db()
    return user


def _seed_named_accounts(rng, report, *, images):
    staff_email = DEMO_LOGINS[0][1]
    if not User.objects.filter(email__iexact=staff_email).exists():
        User.objects.create_superuser(
            staff_email, DEMO_PASSWORD, first_name="Sam", last_name="Staff"
        )
        report.add("staff")
    client = _signup(DEMO_LOGINS[1][1], first_name="Olivia", last_name="Bennett", roles={"client"})
    if client:
        _fill_client(client, company="Bennett Home & Garden", city=CITIES[0])
        account_services.organization_create(
            actor=client, name="Bennett Home & Garden", website="https://bennett.example.com"
        )
        report.add("clients")
        report.add("organizations")
    freelancer = _signup(
        DEMO_LOGINS[2][1],
        first_name="Mateo",
        last_name="García",
        roles={"freelancer"},
        language="es",
        timezone="Europe/Madrid",
    )
    if freelancer:
        _fill_freelancer(
            rng, freelancer, "software-development", CITIES[12], headline_index=1, images=images
        )
        report.add("freelancers")
    both = _signup(
        DEMO_LOGINS[3][1], first_name="Priya", last_name="Shah", roles={"client", "freelancer"}
    )
    if both:
        _fill_freelancer(rng, both, "design-creative", CITIES[10], headline_index=1, images=images)
        _fill_client(both, company="Shah Design Studio", city=CITIES[10])
        report.add("freelancers")


def _seed_freelancer(rng, fake, index, report, *, images):
    first, last = fake.first_name(), fake.last_name()
    email = f"freelancer{index + 1:03d}@{DEMO_DOMAIN}"
    city = rng.choice(CITIES)
    language = "es" if city[1] in {"ES", "MX", "AR", "CO"} and rng.random() < 0.6 else "en"
    user = _signup(
        email,
        first_name=first,
        last_name=last,
        roles={"freelancer"},
        language=language,
        timezone=city[4],
    )
    if user is None:
        return
    category = list(CATEGORY_PROFILES)[index % len(CATEGORY_PROFILES)]
    # Most profiles are published; a few are drafts, as in any real marketplace.
    _fill_freelancer(
        rng, user, category, city, images=images and index % 3 == 0, publish=index % 12 != 11
    )
    report.add("freelancers")


def _seed_client(rng, fake, index, report):
    first, last = fake.first_name(), fake.last_name()
    email = f"client{index + 1:03d}@{DEMO_DOMAIN}"
    city = rng.choice(CITIES)
    user = _signup(email, first_name=first, last_name=last, roles={"client"}, timezone=city[4])
    if user is None:
        return
    company = f"{last} {rng.choice(COMPANY_SUFFIXES)}" if index % 2 == 0 else ""
    _fill_client(user, company=company, city=city)
    report.add("clients")
    if company and index % 5 == 0:
        account_services.organization_create(actor=user, name=company)
        report.add("organizations")


# --- profiles ----------------------------------------------------------------------


def _fill_client(user, *, company, city):
    profile = profile_services.client_profile_get_or_create(user=user)
    profile_services.client_profile_update(
        actor=user,
        profile=profile,
        company_name=company,
        billing_name=company or user.get_full_name(),
        billing_address_line1=f"{10 + len(user.last_name) * 7} Market Street",
        billing_city=city[0],
        billing_postal_code="10001",
        billing_country=city[1],
        billing_email=user.email,
    )


def _fill_freelancer(rng, user, category, city, *, images, headline_index=None, publish=True):
    content = CATEGORY_PROFILES[category]
    headlines = content["headlines"]
    headline = headlines[
        headline_index if headline_index is not None else rng.randrange(len(headlines))
    ]
    low, high = content["rates"]
    profile = profile_services.freelancer_profile_get_or_create(user=user)
    with transaction.atomic():
        profile_services.freelancer_profile_update(
            actor=user,
            profile=profile,
            headline=headline,
            bio="\n\n".join([content["intro"], *rng.sample(BIO_MIDDLES, 2), rng.choice(BIO_ENDS)]),
            hourly_rate=rng.randrange(low, high + 1) * 100,
            currency=city[5],
            languages=rng.choice(LANGUAGE_SETS),
            city=city[0],
            country=city[1],
            latitude=city[2],
            longitude=city[3],
            work_mode="onsite" if content["on_site"] else rng.choice(["remote", "remote", "both"]),
            service_radius_km=rng.choice([10, 15, 25, 40]) if content["on_site"] else None,
            availability=rng.choice(["available", "available", "limited", "unavailable"]),
            hours_per_week=rng.choice([10, 20, 30, 40]),
            timezone=city[4],
        )
        skills = list(Skill.objects.filter(category__slug=category).values_list("slug", flat=True))
        chosen = rng.sample(skills, k=min(len(skills), rng.randint(3, 6)))
        profile_services.freelancer_skills_set(
            actor=user,
            profile=profile,
            skills=[(slug, rng.choice(PROFICIENCIES)) for slug in chosen],
        )
        for position, title in enumerate(rng.sample(content["portfolio"], k=2)):
            item = profile_services.portfolio_item_create(
                actor=user,
                profile=profile,
                title=title,
                description=f"{title}: scope, approach and results, delivered for a returning client.",
                link=f"https://portfolio.example.com/{user.pk.hex[:8]}/{position + 1}",
            )
            if images:
                profile_services.portfolio_image_add(
                    actor=user, item=item, upload=_demo_image(rng, title), caption=title
                )
        if publish:
            profile_services.freelancer_profile_publish(actor=user, profile=profile)


def _demo_image(rng, title: str) -> SimpleUploadedFile:
    """A simple generated cover image (a gradient with the title), run through the real upload path."""
    width, height = 800, 500
    start, end = rng.sample(PALETTE, 2)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        ratio = x / width
        colour = tuple(int(start[i] + (end[i] - start[i]) * ratio) for i in range(3))
        draw.line([(x, 0), (x, height)], fill=colour)
    draw.text((40, height - 80), title[:60], fill=(255, 255, 255))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
