from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.errors import NotFound, PermissionDenied, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.profiles import services
from craftwork.profiles.models import (
    MAX_HOURLY_RATE_MINOR,
    ClientProfile,
    FreelancerProfile,
    FreelancerSkill,
    PortfolioImage,
    PortfolioItem,
    Skill,
    SkillCategory,
)
from craftwork.profiles.taxonomy import TAXONOMY

from .factories import (
    ClientProfileFactory,
    FreelancerProfileFactory,
    PortfolioImageFactory,
    PortfolioItemFactory,
)

pytestmark = pytest.mark.django_db


# --- Lazy creation -------------------------------------------------------------------------


def test_profile_is_created_on_first_access_and_reused():
    user = FreelancerFactory(timezone="Europe/Madrid")
    first = services.freelancer_profile_get_or_create(user=user)
    second = services.freelancer_profile_get_or_create(user=user)
    assert first.pk == second.pk
    assert first.timezone == "Europe/Madrid"
    assert FreelancerProfile.objects.filter(user=user).count() == 1
    assert AuditLog.objects.filter(action="profiles.freelancer_profile_created").count() == 1


def test_a_client_without_the_freelancer_role_gets_no_profile():
    user = UserFactory()
    with pytest.raises(PermissionDenied) as error:
        services.freelancer_profile_get_or_create(user=user)
    assert error.value.code == "not_freelancer"
    assert not FreelancerProfile.objects.exists()


# --- Update ----------------------------------------------------------------------------------


def test_owner_updates_fields_and_the_change_is_audited(profile):
    services.freelancer_profile_update(
        actor=profile.user,
        profile=profile,
        headline="  Senior Django developer  ",
        hourly_rate=8500,
        currency="EUR",
        country="es",
        latitude="40.4168",
        longitude=-3.7038,
        languages=[{"code": "es", "level": "native"}, {"code": "en", "level": "fluent"}],
        hours_per_week=40,
        timezone="Europe/Madrid",
    )
    profile.refresh_from_db()
    assert profile.headline == "Senior Django developer"
    assert (profile.hourly_rate, profile.currency, profile.country) == (8500, "EUR", "ES")
    assert profile.latitude == Decimal("40.416800") and profile.longitude == Decimal("-3.703800")
    assert profile.languages[0] == {"code": "es", "level": "native"}
    entry = AuditLog.objects.get(action="profiles.freelancer_profile_updated")
    assert "hourly_rate" in entry.details["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hourly_rate", 0),
        ("hourly_rate", -100),
        ("hourly_rate", MAX_HOURLY_RATE_MINOR + 1),
        ("hourly_rate", "5000"),
        ("hourly_rate", 12.5),
        ("hourly_rate", True),
        ("hourly_rate", None),
        ("latitude", 200),
        ("longitude", "-181"),
        ("latitude", "north"),
        ("hours_per_week", 81),
        ("hours_per_week", -1),
        ("service_radius_km", 10_000),
        ("currency", "BTC"),
        ("country", "XX"),
        ("work_mode", "teleport"),
        ("availability", "always"),
        ("timezone", "Mars/Olympus"),
        ("headline", "x" * 121),
        ("headline", 42),
        ("bio", "x" * 10_001),
        ("languages", [{"code": "xx", "level": "native"}]),
        ("languages", [{"code": "en", "level": "godlike"}]),
        ("languages", [{"code": "en", "level": "fluent"}, {"code": "en", "level": "basic"}]),
        ("languages", "en"),
        ("languages", [{"code": "en", "level": "fluent", "extra": 1}]),
        ("is_published", True),
        ("user", None),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(profile, field, value):
    before = FreelancerProfile.objects.filter(pk=profile.pk).values().get()
    with pytest.raises(ValidationFailed) as error:
        services.freelancer_profile_update(actor=profile.user, profile=profile, **{field: value})
    assert field in error.value.details
    assert FreelancerProfile.objects.filter(pk=profile.pk).values().get() == before


def test_latitude_without_longitude_is_refused():
    profile = FreelancerProfileFactory(latitude=None, longitude=None)
    with pytest.raises(ValidationFailed):
        services.freelancer_profile_update(actor=profile.user, profile=profile, latitude="10")
    services.freelancer_profile_update(
        actor=profile.user, profile=profile, latitude="10", longitude="20"
    )
    profile.refresh_from_db()
    assert profile.latitude == Decimal("10")


def test_another_user_cannot_update_a_profile(profile):
    intruder = FreelancerFactory()
    with pytest.raises(NotFound):
        services.freelancer_profile_update(actor=intruder, profile=profile, headline="Hacked")
    profile.refresh_from_db()
    assert profile.headline != "Hacked"


def test_update_without_changes_writes_no_audit(profile):
    services.freelancer_profile_update(
        actor=profile.user, profile=profile, headline=profile.headline
    )
    assert not AuditLog.objects.filter(action="profiles.freelancer_profile_updated").exists()


# --- Publishing ------------------------------------------------------------------------------


def test_publish_and_unpublish(profile):
    services.freelancer_profile_publish(actor=profile.user, profile=profile)
    profile.refresh_from_db()
    assert profile.is_published and profile.published_at
    assert OutboxEvent.objects.filter(name="profiles.freelancer_published").count() == 1
    services.freelancer_profile_publish(actor=profile.user, profile=profile)  # double submit: no-op
    assert OutboxEvent.objects.filter(name="profiles.freelancer_published").count() == 1
    services.freelancer_profile_unpublish(actor=profile.user, profile=profile)
    profile.refresh_from_db()
    assert not profile.is_published


def test_publish_needs_headline_rate_and_a_skill():
    profile = FreelancerProfileFactory(headline="", hourly_rate=None)
    with pytest.raises(ValidationFailed) as error:
        services.freelancer_profile_publish(actor=profile.user, profile=profile)
    assert error.value.code == "profile_incomplete"
    assert len(error.value.details["missing"]) == 3
    profile.refresh_from_db()
    assert not profile.is_published


def test_staff_may_unpublish_but_not_publish(profile):
    staff = StaffFactory()
    services.freelancer_profile_publish(actor=profile.user, profile=profile)
    services.freelancer_profile_unpublish(actor=staff, profile=profile, reason="spam")
    profile.refresh_from_db()
    assert not profile.is_published
    assert AuditLog.objects.get(action="profiles.freelancer_profile_unpublished").details[
        "by_staff"
    ]
    with pytest.raises(NotFound):
        services.freelancer_profile_publish(actor=staff, profile=profile)


def test_another_freelancer_cannot_unpublish(profile):
    services.freelancer_profile_publish(actor=profile.user, profile=profile)
    with pytest.raises(NotFound):
        services.freelancer_profile_unpublish(actor=FreelancerFactory(), profile=profile)
    profile.refresh_from_db()
    assert profile.is_published


# --- Skills -----------------------------------------------------------------------------------


def test_skills_set_replaces_in_order_by_slug_or_id(profile):
    react = Skill.objects.get(slug="react")
    rows = services.freelancer_skills_set(
        actor=profile.user,
        profile=profile,
        skills=[(str(react.pk), "expert"), ("django", "advanced"), ("plumbing", "beginner")],
    )
    assert [(row.skill.slug, row.proficiency) for row in rows] == [
        ("react", "expert"),
        ("django", "advanced"),
        ("plumbing", "beginner"),
    ]
    assert not profile.profile_skills.filter(skill__slug__in=["python", "postgresql"]).exists()
    assert AuditLog.objects.filter(action="profiles.freelancer_skills_set").exists()


def test_skills_set_keeps_rows_for_skills_that_stay(profile):
    kept = profile.profile_skills.get(skill__slug="django")
    services.freelancer_skills_set(
        actor=profile.user, profile=profile, skills=[("django", "expert")]
    )
    kept.refresh_from_db()
    assert kept.proficiency == "expert"


@pytest.mark.parametrize(
    ("skills", "code"),
    [
        ([("no-such-skill", "expert")], "unknown_skill"),
        ([("python", "guru")], "validation_error"),
        ([("python", "expert"), ("python", "beginner")], "duplicate_skill"),
        ([("x" * 500, "expert")], "validation_error"),
        ("python", "validation_error"),
        ([("python",)], "validation_error"),
    ],
)
def test_bad_skill_lists_change_nothing(profile, skills, code):
    before = list(profile.profile_skills.values_list("skill__slug", "proficiency"))
    with pytest.raises(ValidationFailed) as error:
        services.freelancer_skills_set(actor=profile.user, profile=profile, skills=skills)
    assert error.value.code == code
    assert list(profile.profile_skills.values_list("skill__slug", "proficiency")) == before


def test_at_most_thirty_skills(profile):
    slugs = list(Skill.objects.values_list("slug", flat=True)[:31])
    with pytest.raises(ValidationFailed) as error:
        services.freelancer_skills_set(
            actor=profile.user, profile=profile, skills=[(s, "expert") for s in slugs]
        )
    assert error.value.code == "too_many_skills"
    services.freelancer_skills_set(
        actor=profile.user, profile=profile, skills=[(s, "expert") for s in slugs[:30]]
    )
    assert profile.profile_skills.count() == 30


def test_another_user_cannot_set_skills(profile):
    with pytest.raises(NotFound):
        services.freelancer_skills_set(
            actor=FreelancerFactory(), profile=profile, skills=[("react", "expert")]
        )
    assert profile.profile_skills.count() == 3


# --- Taxonomy -------------------------------------------------------------------------------------


def test_migration_seeded_the_taxonomy():
    assert SkillCategory.objects.count() >= 10
    assert Skill.objects.count() >= 150
    assert Skill.objects.filter(slug="plumbing", category__slug="home-services").exists()
    assert Skill.objects.filter(
        slug="career-coaching", category__slug="mentorship-coaching"
    ).exists()


def test_taxonomy_sync_is_idempotent_and_repairs_names():
    Skill.objects.filter(slug="python").update(name="Pyhton")
    first = services.skills_taxonomy_sync()
    assert first["skills_created"] == 0 and first["categories_created"] == 0
    assert Skill.objects.get(slug="python").name == "Python"
    counts = (SkillCategory.objects.count(), Skill.objects.count())
    services.skills_taxonomy_sync()
    assert (SkillCategory.objects.count(), Skill.objects.count()) == counts
    assert Skill.objects.count() == sum(len(category[4]) for category in TAXONOMY)


def test_taxonomy_sync_prunes_only_unused_extra_skills(profile):
    extra_category = SkillCategory.objects.create(name="Old", slug="old")
    Skill.objects.create(category=extra_category, name="Unused", slug="unused-old-skill")
    used = Skill.objects.create(category=extra_category, name="Used", slug="used-old-skill")
    FreelancerSkill.objects.create(profile=profile, skill=used, proficiency="expert")
    counts = services.skills_taxonomy_sync(prune=True)
    assert counts["skills_pruned"] == 1
    assert not Skill.objects.filter(slug="unused-old-skill").exists()
    assert Skill.objects.filter(slug="used-old-skill").exists()


def test_sync_skills_command(capsys):
    from django.core.management import call_command

    call_command("sync_skills")
    assert "Skills taxonomy synced" in capsys.readouterr().out


# --- Portfolio --------------------------------------------------------------------------------------


def test_portfolio_item_create_update_delete(profile):
    item = services.portfolio_item_create(
        actor=profile.user,
        profile=profile,
        title="Kitchen remodel",
        link="https://example.com/kitchen",
    )
    services.portfolio_item_update(
        actor=profile.user, item=item, title="Kitchen remodel 2024", position=3
    )
    item.refresh_from_db()
    assert (item.title, item.position) == ("Kitchen remodel 2024", 3)
    services.portfolio_item_delete(actor=profile.user, item=item)
    assert not PortfolioItem.objects.filter(pk=item.pk).exists()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"profiles.portfolio_item_created", "profiles.portfolio_item_deleted"} <= actions


@pytest.mark.parametrize(
    "fields",
    [
        {"title": ""},
        {"title": "x" * 121},
        {"title": "ok", "link": "javascript:alert(1)"},
        {"title": "ok", "link": "not a url"},
        {"title": "ok", "owner": "someone"},
        {"description": "no title"},
    ],
)
def test_bad_portfolio_items_are_refused(profile, fields):
    with pytest.raises(ValidationFailed):
        services.portfolio_item_create(actor=profile.user, profile=profile, **fields)
    assert not PortfolioItem.objects.exists()


def test_another_users_portfolio_item_is_not_found_and_unchanged(profile):
    item = PortfolioItemFactory(profile=profile, title="Mine")
    intruder = FreelancerFactory()
    with pytest.raises(NotFound):
        services.portfolio_item_update(actor=intruder, item=item, title="Theirs")
    with pytest.raises(NotFound):
        services.portfolio_item_delete(actor=intruder, item=item)
    intruder_profile = services.freelancer_profile_get_or_create(user=intruder)
    with pytest.raises(NotFound):
        services.portfolio_item_create(
            actor=profile.user, profile=intruder_profile, title="Planted"
        )
    item.refresh_from_db()
    assert item.title == "Mine"
    assert PortfolioItem.objects.count() == 1


def test_image_is_reencoded_with_a_thumbnail(profile, png_upload):
    item = PortfolioItemFactory(profile=profile)
    image = services.portfolio_image_add(
        actor=profile.user, item=item, upload=png_upload(size=(2400, 1200)), caption="Before"
    )
    assert image.image.name.endswith(".jpg") and image.thumbnail.name.endswith(".jpg")
    assert (image.image.width, image.image.height) == (1600, 800)
    assert max(image.thumbnail.width, image.thumbnail.height) <= 400
    assert default_storage.exists(image.image.name)


def test_fake_image_is_refused(profile):
    item = PortfolioItemFactory(profile=profile)
    fake = SimpleUploadedFile("evil.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
    with pytest.raises(ValidationFailed) as error:
        services.portfolio_image_add(actor=profile.user, item=item, upload=fake)
    assert error.value.code == "invalid_image"
    assert not PortfolioImage.objects.exists()


def test_oversized_image_is_refused(profile, png_upload, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    item = PortfolioItemFactory(profile=profile)
    with pytest.raises(ValidationFailed) as error:
        services.portfolio_image_add(
            actor=profile.user, item=item, upload=png_upload(size=(400, 400))
        )
    assert error.value.code == "file_too_large"
    assert not PortfolioImage.objects.exists()


def test_at_most_eight_images_per_item(profile, png_upload):
    item = PortfolioItemFactory(profile=profile)
    PortfolioImageFactory.create_batch(8, item=item)
    with pytest.raises(ValidationFailed) as error:
        services.portfolio_image_add(actor=profile.user, item=item, upload=png_upload())
    assert error.value.code == "too_many_images"
    assert item.images.count() == 8


def test_image_removal_deletes_files(profile, png_upload, django_capture_on_commit_callbacks):
    item = PortfolioItemFactory(profile=profile)
    image = services.portfolio_image_add(actor=profile.user, item=item, upload=png_upload())
    names = [image.image.name, image.thumbnail.name]
    with pytest.raises(NotFound):
        services.portfolio_image_remove(actor=FreelancerFactory(), item=item, image_id=image.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_image_remove(actor=profile.user, item=item, image_id=image.pk)
    assert not PortfolioImage.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_image_of_another_item_is_not_found(profile, png_upload):
    item = PortfolioItemFactory(profile=profile)
    other_image = PortfolioImageFactory()
    with pytest.raises(NotFound):
        services.portfolio_image_remove(actor=profile.user, item=item, image_id=other_image.pk)
    assert PortfolioImage.objects.filter(pk=other_image.pk).exists()


# --- Client profile ---------------------------------------------------------------------------------


def test_client_profile_is_created_with_the_account_email():
    user = UserFactory(email="buyer@example.com")
    profile = services.client_profile_get_or_create(user=user)
    assert profile.billing_email == "buyer@example.com"
    assert services.client_profile_get_or_create(user=user).pk == profile.pk


def test_client_profile_update_normalises_values():
    profile = ClientProfileFactory()
    services.client_profile_update(
        actor=profile.user,
        profile=profile,
        vat_id="es b-1234.5678",
        billing_country="mx",
        billing_email="Billing@Example.COM",
    )
    profile.refresh_from_db()
    assert (profile.vat_id, profile.billing_country, profile.billing_email) == (
        "ESB12345678",
        "MX",
        "billing@example.com",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("billing_email", "not-an-email"),
        ("billing_country", "ZZ"),
        ("vat_id", "<script>"),
        ("billing_postal_code", "!!"),
        ("company_name", "x" * 151),
        ("is_staff", True),
    ],
)
def test_client_profile_bad_values(field, value):
    profile = ClientProfileFactory()
    with pytest.raises(ValidationFailed):
        services.client_profile_update(actor=profile.user, profile=profile, **{field: value})


def test_another_user_cannot_update_a_client_profile():
    profile = ClientProfileFactory(company_name="Acme")
    with pytest.raises(NotFound):
        services.client_profile_update(actor=UserFactory(), profile=profile, company_name="Evil")
    profile.refresh_from_db()
    assert profile.company_name == "Acme"
    assert ClientProfile.objects.count() == 1
