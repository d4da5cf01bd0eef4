"""Factories for jobs. The seeded taxonomy (profiles migration 0002) is in every test database,
so ``JobFactory(skills=["python", "django"])`` picks real skills by slug.

    job = JobFactory()                              # open, public, fixed 500.00 USD
    job = JobFactory(hourly=True, onsite=True)      # hourly 40-60 USD, on-site in Madrid
    job = JobFactory(draft=True, invite_only=True)
    proposal = ProposalFactory(job=job)             # a live bid by a fresh freelancer
    invitation = JobInvitationFactory(job=job)
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.jobs.models import (
    BudgetType,
    InvitationStatus,
    Job,
    JobInvitation,
    JobStatus,
    LocationType,
    Proposal,
    ProposalStatus,
    Visibility,
)
from craftwork.profiles.models import Skill, SkillCategory

MADRID = (Decimal("40.416775"), Decimal("-3.703790"))


def category(slug: str = "software-development") -> SkillCategory:
    """A seeded category (recreated when a transactional test has flushed the taxonomy)."""
    found, _created = SkillCategory.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    return found


def skills(*slugs: str) -> list[Skill]:
    return list(Skill.objects.filter(slug__in=slugs))


def job_fields(**overrides) -> dict:
    """Valid keyword arguments for ``services.job_create`` (a remote, fixed-price job)."""
    values = {
        "title": "Build a booking API",
        "description": "We need a REST API for bookings, with tests and documentation.",
        "category": category(),
        "skills": skills("python", "django"),
        "budget_type": BudgetType.FIXED,
        "currency": "USD",
        "budget": 50_000,
    }
    values.update(overrides)
    return values


def hourly_fields(**overrides) -> dict:
    values = job_fields(
        budget_type=BudgetType.HOURLY,
        budget=None,
        hourly_rate_min=4_000,
        hourly_rate_max=6_000,
        hours_per_week=20,
    )
    values.update(overrides)
    return values


def onsite_fields(**overrides) -> dict:
    values = job_fields(
        title="Deep clean of a flat",
        description="Two-bedroom flat, kitchen and bathrooms included, supplies provided.",
        category=category("home-services"),
        skills=[],
        location_type=LocationType.ONSITE,
        address="Calle Mayor 1, Madrid",
        latitude=MADRID[0],
        longitude=MADRID[1],
        service_radius_km=10,
    )
    values.update(overrides)
    return values


class ClientFactory(UserFactory):
    is_client = True


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=JobStatus.DRAFT, published_at=None)
        hourly = factory.Trait(
            budget_type=BudgetType.HOURLY,
            budget=None,
            hourly_rate_min=4_000,
            hourly_rate_max=6_000,
            hours_per_week=20,
        )
        onsite = factory.Trait(
            location_type=LocationType.ONSITE,
            address="Calle Mayor 1, Madrid",
            latitude=MADRID[0],
            longitude=MADRID[1],
            service_radius_km=10,
        )
        invite_only = factory.Trait(visibility=Visibility.INVITE_ONLY)
        scheduled = factory.Trait(
            schedule_flexible=False,
            starts_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
            ends_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=9)),
        )

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Job number {n}")
    description = "A well described piece of work with clear deliverables."
    category = factory.LazyFunction(category)
    budget_type = BudgetType.FIXED
    currency = "USD"
    budget = 50_000
    status = JobStatus.OPEN
    visibility = Visibility.PUBLIC
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set(Skill.objects.filter(slug__in=extracted))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    job = factory.SubFactory(JobFactory)
    freelancer = factory.SubFactory(FreelancerFactory)
    status = ProposalStatus.SUBMITTED
    currency = factory.LazyAttribute(lambda o: o.job.currency)
    amount = factory.LazyAttribute(lambda o: 45_000 if o.job.is_fixed else None)
    hourly_rate = factory.LazyAttribute(lambda o: None if o.job.is_fixed else 5_000)
    duration_days = 14
    cover_letter = "I have built several booking systems and can start on Monday."


class JobInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobInvitation

    job = factory.SubFactory(JobFactory)
    freelancer = factory.SubFactory(FreelancerFactory)
    invited_by = factory.LazyAttribute(lambda o: o.job.client)
    role = "Lead developer"
    currency = factory.LazyAttribute(lambda o: o.job.currency)
    amount = factory.LazyAttribute(lambda o: 40_000 if o.job.is_fixed else None)
    hourly_rate = factory.LazyAttribute(lambda o: None if o.job.is_fixed else 5_000)
    weekly_hours = factory.LazyAttribute(lambda o: None if o.job.is_fixed else 10)
    status = InvitationStatus.PENDING
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
