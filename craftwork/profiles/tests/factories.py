"""Factories for profiles. The seeded taxonomy (migration 0002) is present in every test database,
so ``FreelancerProfileFactory(skills=3)`` picks real skills; ``skills=["python", "django"]`` picks by slug.
"""

from decimal import Decimal
from io import BytesIO

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.profiles.models import (
    Availability,
    ClientProfile,
    FreelancerProfile,
    FreelancerSkill,
    PortfolioImage,
    PortfolioItem,
    Proficiency,
    Skill,
    SkillCategory,
    WorkMode,
)

CITIES = [
    ("Madrid", "ES", Decimal("40.416775"), Decimal("-3.703790")),
    ("Mexico City", "MX", Decimal("19.432608"), Decimal("-99.133209")),
    ("Austin", "US", Decimal("30.267153"), Decimal("-97.743057")),
    ("Toronto", "CA", Decimal("43.653225"), Decimal("-79.383186")),
    ("London", "GB", Decimal("51.507351"), Decimal("-0.127758")),
    ("Berlin", "DE", Decimal("52.520008"), Decimal("13.404954")),
    ("Sydney", "AU", Decimal("-33.868820"), Decimal("151.209290")),
    ("Buenos Aires", "AR", Decimal("-34.603722"), Decimal("-58.381592")),
]


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color=(31, 111, 92)) -> bytes:
    """A real, small image file in ``fmt``."""
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test category {n}")
    slug = factory.Sequence(lambda n: f"test-category-{n}")
    position = 100


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    category = factory.SubFactory(SkillCategoryFactory)
    name = factory.Sequence(lambda n: f"Test skill {n}")
    slug = factory.Sequence(lambda n: f"test-skill-{n}")


class FreelancerProfileFactory(factory.django.DjangoModelFactory):
    """A filled-in, unpublished profile. ``published=True`` publishes it; ``skills=`` adds skills."""

    class Meta:
        model = FreelancerProfile
        skip_postgeneration_save = True

    class Params:
        place = factory.Iterator(CITIES)
        published = factory.Trait(
            is_published=True, published_at=factory.LazyFunction(timezone.now)
        )

    user = factory.SubFactory(FreelancerFactory)
    headline = factory.Faker("job")
    bio = factory.Faker("paragraph", nb_sentences=4)
    hourly_rate = factory.Iterator([2500, 4000, 6500, 9000, 12000])
    currency = "USD"
    languages = factory.LazyFunction(lambda: [{"code": "en", "level": "fluent"}])
    city = factory.LazyAttribute(lambda o: o.place[0])
    country = factory.LazyAttribute(lambda o: o.place[1])
    latitude = factory.LazyAttribute(lambda o: o.place[2])
    longitude = factory.LazyAttribute(lambda o: o.place[3])
    work_mode = WorkMode.REMOTE
    availability = Availability.AVAILABLE
    hours_per_week = 30

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        if isinstance(extracted, int):
            skills = list(Skill.objects.order_by("slug")[:extracted])
        else:
            skills = [Skill.objects.get(slug=slug) for slug in extracted]
        FreelancerSkill.objects.bulk_create(
            FreelancerSkill(
                profile=obj, skill=skill, proficiency=Proficiency.ADVANCED, position=index
            )
            for index, skill in enumerate(skills)
        )


class FreelancerSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FreelancerSkill

    profile = factory.SubFactory(FreelancerProfileFactory)
    skill = factory.SubFactory(SkillFactory)
    proficiency = Proficiency.ADVANCED


class PortfolioItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioItem

    profile = factory.SubFactory(FreelancerProfileFactory)
    title = factory.Faker("catch_phrase")
    description = factory.Faker("paragraph")
    link = "https://example.com/work"


class PortfolioImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortfolioImage

    item = factory.SubFactory(PortfolioItemFactory)
    image = factory.LazyFunction(
        lambda: ContentFile(image_bytes("JPEG", (320, 240)), name="work.jpg")
    )
    thumbnail = factory.LazyFunction(
        lambda: ContentFile(image_bytes("JPEG", (160, 120)), name="work-thumb.jpg")
    )
    caption = factory.Faker("sentence", nb_words=4)


class ClientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientProfile

    user = factory.SubFactory(UserFactory)
    company_name = factory.Faker("company")
    billing_name = factory.Faker("name")
    billing_address_line1 = factory.Faker("street_address")
    billing_city = factory.Faker("city")
    billing_postal_code = "28001"
    billing_country = "ES"
    billing_email = factory.LazyAttribute(lambda o: o.user.email)
