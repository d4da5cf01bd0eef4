"""Factories for the catalog. The category tree (migration 0002) is in every test database.

``GigFactory()`` is a draft with three packages (basic/standard/premium) and the denormalised
price summary filled in; ``GigFactory(active=True)`` is published; ``packages=1`` or a list of
package dicts chooses them; ``packages=0`` makes none.

``OfferingFactory()`` is a bookable 60-minute session of a mentor available every day 09:00-17:00
UTC, no notice, no buffer. ``availability={"timezone": "Europe/Madrid", "rules": [(6, "09:00",
"12:00")], "min_notice_hours": 0, "buffer_minutes": 15}`` changes any of it.
"""

from datetime import time

import factory
from django.core.files.base import ContentFile
from django.db.models import Min
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.catalog.models import (
    AvailabilityRule,
    Category,
    Gig,
    GigImage,
    GigPackage,
    GigStatus,
    MentorSettings,
    MentorshipOffering,
)
from craftwork.profiles.tests.factories import image_bytes

DEFAULT_PACKAGES = [
    {"tier": "basic", "name": "Basic", "price": 5000, "delivery_days": 5, "revisions": 1},
    {"tier": "standard", "name": "Standard", "price": 12000, "delivery_days": 4, "revisions": 2},
    {"tier": "premium", "name": "Premium", "price": 25000, "delivery_days": 3, "revisions": 5},
]
TIER_POSITION = {"basic": 0, "standard": 1, "premium": 2}


def category(slug: str = "logo-brand-identity") -> Category:
    return Category.objects.get(slug=slug)


def refresh_price_summary(gig: Gig) -> Gig:
    summary = gig.packages.aggregate(price=Min("price"), days=Min("delivery_days"))
    currency = gig.packages.values_list("currency", flat=True).first() or gig.currency
    Gig.objects.filter(pk=gig.pk).update(
        min_price=summary["price"], min_delivery_days=summary["days"], currency=currency
    )
    gig.refresh_from_db()
    return gig


class GigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gig
        skip_postgeneration_save = True

    class Params:
        active = factory.Trait(
            status=GigStatus.ACTIVE, published_at=factory.LazyFunction(timezone.now)
        )
        paused = factory.Trait(
            status=GigStatus.PAUSED, published_at=factory.LazyFunction(timezone.now)
        )

    seller = factory.SubFactory(FreelancerFactory)
    title = factory.Sequence(lambda n: f"I will design a memorable logo, take {n}")
    description = "A **clear** process: brief, three concepts, revisions, final files."
    category = factory.LazyFunction(category)
    tags = factory.LazyFunction(lambda: ["logo", "branding"])
    status = GigStatus.DRAFT

    @factory.post_generation
    def packages(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            rows = DEFAULT_PACKAGES
        elif isinstance(extracted, int):
            rows = DEFAULT_PACKAGES[:extracted]
        else:
            rows = extracted
        for row in rows:
            values = {"currency": obj.currency, "included": ["Source files"], **row}
            GigPackage.objects.create(gig=obj, position=TIER_POSITION[values["tier"]], **values)
        refresh_price_summary(obj)


class GigPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GigPackage

    gig = factory.SubFactory(GigFactory, packages=0)
    tier = "basic"
    name = "Basic"
    price = 5000
    currency = "USD"
    delivery_days = 3
    revisions = 1


class GigImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GigImage

    gig = factory.SubFactory(GigFactory)
    image = factory.LazyFunction(
        lambda: ContentFile(image_bytes("JPEG", (320, 200)), name="gig.jpg")
    )
    thumbnail = factory.LazyFunction(
        lambda: ContentFile(image_bytes("JPEG", (160, 100)), name="gig-thumb.jpg")
    )


def _clock(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorshipOffering
        skip_postgeneration_save = True

    mentor = factory.SubFactory(FreelancerFactory)
    topic = factory.Sequence(lambda n: f"Career chat {n}")
    description = "We look at where you are and where you want to be."
    duration_minutes = 60
    price = 6000
    currency = "USD"
    active = True

    @factory.post_generation
    def availability(obj, create, extracted, **kwargs):
        if not create:
            return
        options = {
            "timezone": "UTC",
            "buffer_minutes": 0,
            "min_notice_hours": 0,
            "horizon_days": 60,
            "rules": [(day, "09:00", "17:00") for day in range(7)],
            **(extracted or {}),
        }
        rules = options.pop("rules")
        MentorSettings.objects.update_or_create(mentor=obj.mentor, defaults=options)
        AvailabilityRule.objects.filter(mentor=obj.mentor).delete()
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(
                mentor=obj.mentor, weekday=day, start_time=_clock(start), end_time=_clock(end)
            )
            for day, start, end in rules
        )
