"""Gig services: the rules, the states, and every kind of bad input."""

import pytest
from django.core.files.storage import default_storage

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog import services
from craftwork.catalog.models import MAX_PRICE_MINOR, Gig, GigImage, GigPackage, GigStatus
from craftwork.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent

from .factories import GigFactory, category

pytestmark = pytest.mark.django_db


def package(tier="basic", **overrides) -> dict:
    data = {
        "tier": tier,
        "name": tier.title(),
        "description": "What you get.",
        "price": 4900,
        "currency": "USD",
        "delivery_days": 3,
        "revisions": 2,
        "included": ["Source file", "Commercial use"],
    }
    data.update(overrides)
    return data


def new_gig(seller, **overrides):
    fields = {
        "title": "I will design a logo",
        "category": "logo-brand-identity",
        "description": "Three concepts.",
        "skills": ["logo-design"],
        "tags": ["Logo", "brand  identity"],
    }
    fields.update(overrides)
    return services.gig_create(actor=seller, **fields)


# --- create and update ---------------------------------------------------------------------------


def test_create_makes_a_draft_with_skills_and_normalised_tags(seller):
    gig = new_gig(seller)
    assert gig.status == GigStatus.DRAFT and gig.seller == seller
    assert gig.category.slug == "logo-brand-identity"
    assert list(gig.skills.values_list("slug", flat=True)) == ["logo-design"]
    assert gig.tags == ["logo", "brand identity"]
    assert AuditLog.objects.filter(action="catalog.gig_created", object_id=str(gig.pk)).exists()


def test_only_freelancers_sell(db):
    client = UserFactory(is_freelancer=False)
    with pytest.raises(PermissionDenied) as error:
        new_gig(client)
    assert error.value.code == "not_freelancer"
    assert not Gig.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": 42}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"category": "no-such-category"}, "category"),
        ({"skills": ["no-such-skill"]}, "skills"),
        ({"skills": [f"s{n}" for n in range(11)]}, "skills"),
        ({"tags": ["ok", "<script>"]}, "tags"),
        ({"tags": [f"tag{n}" for n in range(9)]}, "tags"),
        ({"title": "nul\x00byte"}, "title"),
    ],
)
def test_create_refuses_bad_input(seller, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        new_gig(seller, **overrides)
    assert field in error.value.details
    assert not Gig.objects.exists()


def test_update_changes_fields_and_is_owner_only(seller):
    gig = new_gig(seller)
    services.gig_update(actor=seller, gig=gig, title="A better title", skills=["figma"])
    gig.refresh_from_db()
    assert gig.title == "A better title"
    assert list(gig.skills.values_list("slug", flat=True)) == ["figma"]
    with pytest.raises(NotFound):
        services.gig_update(actor=FreelancerFactory(), gig=gig, title="Hijacked")
    with pytest.raises(ValidationFailed):
        services.gig_update(actor=seller, gig=gig, seller="someone")  # unknown field
    gig.refresh_from_db()
    assert gig.title == "A better title"


def test_an_active_gig_cannot_lose_both_description_and_images(seller):
    gig = GigFactory(seller=seller, active=True)
    with pytest.raises(ValidationFailed) as error:
        services.gig_update(actor=seller, gig=gig, description="")
    assert error.value.code == "gig_incomplete"
    gig.refresh_from_db()
    assert gig.description


# --- packages --------------------------------------------------------------------------------------


def test_packages_set_keeps_ids_per_tier_and_the_price_summary(seller):
    gig = new_gig(seller)
    first = services.gig_packages_set(
        actor=seller,
        gig=gig,
        packages=[package("basic", price=3000), package("premium", price=9000, delivery_days=1)],
    )
    gig.refresh_from_db()
    assert (gig.min_price, gig.min_delivery_days, gig.currency) == (3000, 1, "USD")
    basic_id = first[0].pk
    second = services.gig_packages_set(
        actor=seller, gig=gig, packages=[package("basic", price=3500, currency="EUR")]
    )
    gig.refresh_from_db()
    assert second[0].pk == basic_id, "a tier keeps its id (carts point at it)"
    assert list(gig.packages.values_list("tier", flat=True)) == ["basic"]
    assert (gig.min_price, gig.currency) == (3500, "EUR")


@pytest.mark.parametrize(
    ("packages", "code_or_field"),
    [
        ([package(price=0)], "packages"),
        ([package(price=-100)], "packages"),
        ([package(price=MAX_PRICE_MINOR + 1)], "packages"),
        ([package(price=10**30)], "packages"),
        ([package(price="12.00")], "packages"),
        ([package(price=12.5)], "packages"),
        ([package(price=True)], "packages"),
        ([package(delivery_days=0)], "packages"),
        ([package(delivery_days=91)], "packages"),
        ([package(revisions=-1)], "packages"),
        ([package(currency="XYZ")], "packages"),
        ([package(tier="gold")], "packages"),
        ([package(included=["x" * 81])], "packages"),
        ([package(included=[f"item {n}" for n in range(11)])], "packages"),
        ([package("basic"), package("basic")], "duplicate_tier"),
        ([package("basic"), package("standard", currency="EUR")], "mixed_currencies"),
        (
            [package("basic"), package("standard"), package("premium"), package("basic")],
            "too_many_packages",
        ),
        ("not a list", "packages"),
        ([{"tier": "basic"}], "packages"),
        ([package(extra_field=1)], "packages"),
    ],
)
def test_packages_bad_input_changes_nothing(seller, packages, code_or_field):
    gig = GigFactory(seller=seller, packages=1)
    before = list(GigPackage.objects.filter(gig=gig).values_list("pk", "price"))
    with pytest.raises(ValidationFailed) as error:
        services.gig_packages_set(actor=seller, gig=gig, packages=packages)
    assert error.value.code == code_or_field or code_or_field in error.value.details
    assert list(GigPackage.objects.filter(gig=gig).values_list("pk", "price")) == before


def test_more_than_three_packages_is_refused(seller):
    gig = GigFactory(seller=seller, packages=0)
    with pytest.raises(ValidationFailed) as error:
        services.gig_packages_set(
            actor=seller,
            gig=gig,
            packages=[
                package("basic"),
                package("standard"),
                package("premium"),
                package("premium"),
            ],
        )
    assert error.value.code == "too_many_packages"
    assert not GigPackage.objects.filter(gig=gig).exists()


def test_an_active_gig_keeps_a_package(seller):
    gig = GigFactory(seller=seller, active=True)
    with pytest.raises(ValidationFailed) as error:
        services.gig_packages_set(actor=seller, gig=gig, packages=[])
    assert error.value.code == "package_required"
    assert gig.packages.count() == 3


def test_another_sellers_gig_is_not_found_and_unchanged(seller):
    gig = GigFactory(packages=1)
    with pytest.raises(NotFound):
        services.gig_packages_set(actor=seller, gig=gig, packages=[package(price=1)])
    with pytest.raises(NotFound):
        services.gig_publish(actor=seller, gig=gig)
    assert gig.packages.get().price == 5000
    gig.refresh_from_db()
    assert gig.status == GigStatus.DRAFT


# --- extras, requirements, FAQ ---------------------------------------------------------------------------


def test_extras_requirements_and_faq_replace_their_rows(seller):
    gig = GigFactory(seller=seller, currency="EUR", packages=[package(currency="EUR")])
    services.gig_extras_set(
        actor=seller, gig=gig, extras=[{"title": "Express", "price": 2000, "extra_days": 0}]
    )
    services.gig_requirements_set(
        actor=seller,
        gig=gig,
        requirements=[
            {"question": "Your brand name?", "kind": "text", "required": True},
            {"question": "Style?", "kind": "choice", "choices": ["Modern", "Classic"]},
        ],
    )
    services.gig_faq_set(actor=seller, gig=gig, faqs=[{"question": "Files?", "answer": "SVG."}])
    assert [(e.title, e.currency) for e in gig.extras.all()] == [("Express", "EUR")]
    assert [r.kind for r in gig.requirements.all()] == ["text", "choice"]
    assert gig.requirements.get(kind="choice").choices == ["Modern", "Classic"]
    services.gig_faq_set(actor=seller, gig=gig, faqs=[])
    assert not gig.faqs.exists()


@pytest.mark.parametrize(
    ("call", "rows"),
    [
        ("gig_extras_set", [{"title": "Free?", "price": 0}]),
        ("gig_extras_set", [{"title": "Huge", "price": MAX_PRICE_MINOR + 1}]),
        ("gig_extras_set", [{"title": f"x{n}", "price": 100} for n in range(9)]),
        ("gig_requirements_set", [{"question": "Pick", "kind": "choice", "choices": ["one"]}]),
        ("gig_requirements_set", [{"question": "", "kind": "text"}]),
        ("gig_requirements_set", [{"question": "Q", "kind": "file"}]),
        ("gig_faq_set", [{"question": "Q?"}]),
        ("gig_faq_set", [{"question": "Q?", "answer": "a" * 1001}]),
    ],
)
def test_rows_bad_input(seller, call, rows):
    gig = GigFactory(seller=seller)
    keyword = {"gig_extras_set": "extras", "gig_requirements_set": "requirements"}.get(call, "faqs")
    with pytest.raises(ValidationFailed):
        getattr(services, call)(actor=seller, gig=gig, **{keyword: rows})
    assert not gig.extras.exists() and not gig.requirements.exists() and not gig.faqs.exists()


# --- gallery ------------------------------------------------------------------------------------------


def test_image_is_reencoded_with_a_thumbnail(seller, png_upload):
    gig = GigFactory(seller=seller)
    image = services.gig_image_add(actor=seller, gig=gig, upload=png_upload(), caption="Cover")
    assert image.image.name.endswith(".jpg") and image.thumbnail.name.endswith(".jpg")
    assert default_storage.exists(image.image.name) and default_storage.exists(image.thumbnail.name)


def test_a_file_that_is_not_an_image_is_refused(seller, fake_image):
    gig = GigFactory(seller=seller)
    with pytest.raises(ValidationFailed) as error:
        services.gig_image_add(actor=seller, gig=gig, upload=fake_image)
    assert error.value.code == "invalid_image"
    assert not GigImage.objects.exists()


def test_at_most_six_images_and_files_are_cleaned_up(seller, png_upload):
    gig = GigFactory(seller=seller)
    for _ in range(6):
        services.gig_image_add(actor=seller, gig=gig, upload=png_upload())
    files_before = sorted(default_storage.listdir("gigs/thumbs/")[0])
    with pytest.raises(ValidationFailed) as error:
        services.gig_image_add(actor=seller, gig=gig, upload=png_upload())
    assert error.value.code == "too_many_images"
    assert gig.images.count() == 6
    assert sorted(default_storage.listdir("gigs/thumbs/")[0]) == files_before


def test_removing_an_image_deletes_its_files(
    seller, png_upload, django_capture_on_commit_callbacks
):
    gig = GigFactory(seller=seller)
    image = services.gig_image_add(actor=seller, gig=gig, upload=png_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.gig_image_remove(actor=seller, gig=gig, image_id=image.pk)
    assert not default_storage.exists(image.image.name)
    with pytest.raises(NotFound):
        services.gig_image_remove(actor=seller, gig=gig, image_id=image.pk)


# --- lifecycle ----------------------------------------------------------------------------------------


def test_publish_needs_a_package_and_an_image_or_description(seller, png_upload):
    gig = GigFactory(seller=seller, packages=0, description="")
    with pytest.raises(ValidationFailed) as error:
        services.gig_publish(actor=seller, gig=gig)
    assert error.value.code == "gig_incomplete"
    assert len(error.value.details["missing"]) == 2
    services.gig_packages_set(actor=seller, gig=gig, packages=[package()])
    with pytest.raises(ValidationFailed):
        services.gig_publish(actor=seller, gig=gig)
    services.gig_image_add(actor=seller, gig=gig, upload=png_upload())
    published = services.gig_publish(actor=seller, gig=gig)
    assert published.status == GigStatus.ACTIVE and published.published_at
    assert OutboxEvent.objects.filter(name="catalog.gig_published").count() == 1
    services.gig_publish(actor=seller, gig=gig)  # twice is a no-op
    assert OutboxEvent.objects.filter(name="catalog.gig_published").count() == 1


def test_active_and_paused_go_back_and_forth(seller):
    gig = GigFactory(seller=seller, active=True)
    assert services.gig_pause(actor=seller, gig=gig).status == GigStatus.PAUSED
    assert services.gig_pause(actor=seller, gig=gig).status == GigStatus.PAUSED
    assert services.gig_publish(actor=seller, gig=gig).status == GigStatus.ACTIVE


def test_a_draft_cannot_be_paused(seller):
    gig = GigFactory(seller=seller)
    with pytest.raises(InvalidTransition):
        services.gig_pause(actor=seller, gig=gig)


def test_only_never_published_drafts_can_be_deleted(seller):
    draft = GigFactory(seller=seller)
    services.gig_delete(actor=seller, gig=draft)
    assert not Gig.objects.filter(pk=draft.pk).exists()
    paused = GigFactory(seller=seller, paused=True)
    with pytest.raises(InvalidTransition):
        services.gig_delete(actor=seller, gig=paused)


def test_staff_remove_with_a_reason_audited_and_final(seller):
    gig = GigFactory(seller=seller, active=True)
    staff = StaffFactory()
    with pytest.raises(NotFound):
        services.gig_remove(actor=seller, gig=gig, reason="I want to")
    with pytest.raises(ValidationFailed):
        services.gig_remove(actor=staff, gig=gig, reason="   ")
    removed = services.gig_remove(actor=staff, gig=gig, reason="Copied portfolio images.")
    assert removed.status == GigStatus.REMOVED and removed.removed_reason
    log = AuditLog.objects.get(action="catalog.gig_removed")
    assert log.actor == staff and log.details["reason"] == "Copied portfolio images."
    event = OutboxEvent.objects.get(name="catalog.gig_removed")
    assert event.payload["seller_id"] == str(seller.pk)
    for call in (services.gig_publish, services.gig_pause):
        with pytest.raises(InvalidTransition) as error:
            call(actor=seller, gig=gig)
        assert error.value.code == "gig_removed"
    with pytest.raises(InvalidTransition):
        services.gig_update(actor=seller, gig=gig, title="Back again")
    with pytest.raises(InvalidTransition):
        services.gig_remove(actor=staff, gig=gig, reason="Twice")


def test_rating_is_only_set_through_its_service(seller):
    gig = GigFactory(seller=seller, active=True)
    assert gig.rating_average is None and gig.rating_count is None
    services.gig_rating_update(gig_id=gig.pk, average="4.666", count=3)
    gig.refresh_from_db()
    assert str(gig.rating_average) == "4.67" and gig.rating_count == 3
    for bad in ("0.5", "5.01", "abc"):
        with pytest.raises(ValidationFailed):
            services.gig_rating_update(gig_id=gig.pk, average=bad, count=1)
    services.gig_rating_update(gig_id=gig.pk, average=None, count=0)
    gig.refresh_from_db()
    assert gig.rating_average is None and gig.rating_count is None


def test_categories_sync_is_idempotent_and_matches_the_taxonomy():
    from craftwork.profiles.models import Skill, SkillCategory

    counts = services.categories_sync()
    assert counts["created"] == 0 and counts["updated"] > 60
    roots = {c.slug for c in category("logo-brand-identity").__class__.objects.filter(parent=None)}
    assert roots == set(SkillCategory.objects.values_list("slug", flat=True))
    from craftwork.catalog.categories import SUBCATEGORIES

    skill_slugs = set(Skill.objects.values_list("slug", flat=True))
    for children in SUBCATEGORIES.values():
        assert len(children) >= 5
        for _slug, _name, _description, skills in children:
            assert set(skills) <= skill_slugs
