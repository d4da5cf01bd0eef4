import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.profiles import selectors
from craftwork.profiles.models import (
    ClientProfile,
    FreelancerProfile,
    PortfolioImage,
    PortfolioItem,
)

from .factories import FreelancerProfileFactory, PortfolioImageFactory, PortfolioItemFactory

pytestmark = pytest.mark.django_db

EDIT_URL = "/me/profile/"


@pytest.fixture
def owner_client(client, profile):
    client.force_login(profile.user)
    return client


def profile_form_data(profile, **overrides) -> dict:
    """What the edit page posts when the user changes nothing but ``overrides``."""
    data = {
        "headline": profile.headline,
        "bio": profile.bio,
        "hourly_rate": "65.00",
        "currency": profile.currency,
        "city": profile.city,
        "country": profile.country,
        "latitude": "",
        "longitude": "",
        "work_mode": profile.work_mode,
        "service_radius_km": "",
        "availability": profile.availability,
        "hours_per_week": "30",
        "timezone": "UTC",
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-0-code": "es",
        "languages-0-level": "native",
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-0-skill": "plumbing",
        "skills-0-proficiency": "expert",
        "skills-1-skill": "",
        "skills-1-proficiency": "intermediate",
    }
    data.update(overrides)
    return data


# --- Public pages ------------------------------------------------------------------------------


def test_url_names_used_by_the_base_template():
    assert reverse("profiles:freelancer-list") == "/freelancers/"
    assert reverse("profiles:freelancer-edit") == EDIT_URL
    assert reverse("profiles:portfolio") == "/me/portfolio/"
    assert reverse("profiles:client-edit") == "/me/client/"


def test_list_page_shows_cards_and_filters(client, django_assert_max_num_queries):
    plumber = FreelancerProfileFactory(
        published=True, skills=["plumbing"], headline="Emergency plumber"
    )
    coder = FreelancerProfileFactory(published=True, skills=["python"], headline="Python developer")
    for _ in range(3):
        FreelancerProfileFactory(published=True, skills=3)
    with django_assert_max_num_queries(8) as few:
        client.get("/freelancers/")
    for _ in range(20):
        FreelancerProfileFactory(published=True, skills=3)
    with django_assert_max_num_queries(8) as many:
        response = client.get("/freelancers/")
    # Not more queries with more rows (one fewer: the total is reused from the cache).
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="freelancer-card"') == 12  # first page
    response = client.get("/freelancers/", {"skill": "plumbing"})
    html = response.content.decode()
    assert "Emergency plumber" in html and "Python developer" not in html
    assert reverse("profiles:freelancer-detail", args=[plumber.pk]) in html
    response = client.get("/freelancers/", {"q": "python", "max_price": "1000"})
    assert "Python developer" in response.content.decode()
    assert str(coder.pk) in response.content.decode()


def test_list_page_pagination_keeps_filters(client):
    for _ in range(14):
        FreelancerProfileFactory(published=True, skills=["plumbing"])
    html = client.get("/freelancers/", {"skill": "plumbing"}).content.decode()
    assert "?skill=plumbing&amp;page=2" in html
    page_two = client.get("/freelancers/", {"skill": "plumbing", "page": 2}).content.decode()
    assert page_two.count('data-testid="freelancer-card"') == 2


def test_list_page_shows_filter_errors(client):
    response = client.get("/freelancers/", {"near": "999,999", "min_price": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "latitude,longitude" in html


def test_detail_page_renders_markdown_inertly(client):
    profile = FreelancerProfileFactory(
        published=True,
        skills=["carpentry"],
        bio="I build **decks**.\n\n<script>alert('x')</script><img src=x onerror=alert(1)>[click](javascript:alert(1))",
        languages=[{"code": "es", "level": "native"}],
    )
    item = PortfolioItemFactory(profile=profile, title="Cedar deck")
    PortfolioImageFactory(item=item)
    response = client.get(f"/freelancers/{profile.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>decks</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html
    assert "Carpentry" in html and "Spanish" in html and "Cedar deck" in html
    assert "/media/portfolio/" in html


def test_detail_of_a_draft_is_404_except_for_its_owner(client, profile):
    assert client.get(f"/freelancers/{profile.pk}/").status_code == 404
    client.force_login(FreelancerFactory())
    assert client.get(f"/freelancers/{profile.pk}/").status_code == 404
    client.force_login(profile.user)
    response = client.get(f"/freelancers/{profile.pk}/")
    assert (
        response.status_code == 200 and 'data-testid="preview-banner"' in response.content.decode()
    )
    assert client.get(f"/freelancers/{uuid.uuid4()}/").status_code == 404


def test_home_page_includes_featured_cards(client):
    FreelancerProfileFactory(published=True, skills=3, headline="Featured handyman")
    response = client.get("/")
    assert response.status_code == 200
    assert "Featured handyman" in response.content.decode()


# --- Edit page ----------------------------------------------------------------------------------


def test_edit_page_requires_login(client):
    response = client.get(EDIT_URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_client_without_freelancer_role_sees_how_to_add_it(client):
    client.force_login(UserFactory())
    for url in (EDIT_URL, "/me/portfolio/"):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert (
            'data-testid="freelancer-role-required"' in html
            and reverse("accounts:settings") in html
        )
    assert not FreelancerProfile.objects.exists()


def test_edit_page_creates_the_profile_lazily(client):
    user = FreelancerFactory()
    client.force_login(user)
    response = client.get(EDIT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("profile-save", "publish-toggle", "profile-headline", "add-skill-row"):
        assert f'data-testid="{testid}"' in html
    assert FreelancerProfile.objects.filter(user=user).exists()


def test_saving_the_profile_with_skills_and_languages(owner_client, profile):
    response = owner_client.post(EDIT_URL, profile_form_data(profile, headline="Master plumber"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Master plumber" and profile.hourly_rate == 6500
    assert profile.languages == [{"code": "es", "level": "native"}]
    assert list(profile.profile_skills.values_list("skill__slug", "proficiency")) == [
        ("plumbing", "expert")
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hourly_rate": "0"}, "greater than or equal to 0.01"),
        ({"hourly_rate": "-5"}, "greater than or equal to 0.01"),
        ({"hourly_rate": "99999999"}, "less than or equal to"),
        ({"hourly_rate": ""}, "Enter your hourly rate"),
        ({"latitude": "200", "longitude": "10"}, "less than or equal to 90"),
        ({"latitude": "10"}, "latitude and longitude"),
        ({"headline": "x" * 500}, "at most 120 characters"),
        ({"skills-1-skill": "plumbing"}, "Each skill can be listed once"),
        ({"skills-0-skill": "unicorn-taming"}, "Select a valid choice"),
        ({"hours_per_week": "200"}, "less than or equal to 80"),
    ],
)
def test_bad_profile_input_shows_errors_and_saves_nothing(
    owner_client, profile, overrides, message
):
    before = FreelancerProfile.objects.filter(pk=profile.pk).values().get()
    skills_before = list(profile.profile_skills.values_list("skill__slug", flat=True))
    response = owner_client.post(EDIT_URL, profile_form_data(profile, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FreelancerProfile.objects.filter(pk=profile.pk).values().get() == before
    assert list(profile.profile_skills.values_list("skill__slug", flat=True)) == skills_before


def test_too_many_skill_rows_are_refused(owner_client, profile):
    from craftwork.profiles.models import Skill

    slugs = list(Skill.objects.values_list("slug", flat=True)[:31])
    data = profile_form_data(profile, **{"skills-TOTAL_FORMS": "31"})
    for index, slug in enumerate(slugs):
        data[f"skills-{index}-skill"] = slug
        data[f"skills-{index}-proficiency"] = "advanced"
    response = owner_client.post(EDIT_URL, data)
    assert response.status_code == 200
    assert "at most 30 skills" in response.content.decode()
    assert profile.profile_skills.count() == 3


def test_add_skill_row_without_javascript_keeps_what_was_typed(owner_client, profile):
    data = profile_form_data(profile, headline="Typed but not saved", action="add_skill_row")
    response = owner_client.post(EDIT_URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="skill-row"') == 3
    assert "Typed but not saved" in html
    profile.refresh_from_db()
    assert profile.headline != "Typed but not saved"


def test_htmx_skill_row_fragment(owner_client):
    response = owner_client.get("/me/profile/skill-row/", {"index": 4}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="skills-4-skill"' in html and 'name="skills-4-DELETE"' in html
    assert '<option value="plumbing">Plumbing</option>' in html
    assert 'value="5" id="id_skills-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert "index=5" in html and "<html" not in html


def test_publish_toggle(owner_client, profile):
    response = owner_client.post("/me/profile/publish/", {"publish": "1"}, follow=True)
    assert "Your profile is published" in response.content.decode()
    profile.refresh_from_db()
    assert profile.is_published
    owner_client.post("/me/profile/publish/", {"publish": "0"})
    profile.refresh_from_db()
    assert not profile.is_published


def test_publish_of_incomplete_profile_shows_why(client):
    user = FreelancerFactory()
    client.force_login(user)
    response = client.post("/me/profile/publish/", {"publish": "1"}, follow=True)
    assert "Before publishing" in response.content.decode()
    assert not FreelancerProfile.objects.get(user=user).is_published


def test_publish_requires_post(owner_client):
    assert owner_client.get("/me/profile/publish/").status_code == 405


# --- Portfolio pages --------------------------------------------------------------------------------


def test_portfolio_create_edit_delete(owner_client, profile, png_upload):
    response = owner_client.post(
        "/me/portfolio/", {"title": "Garden makeover", "link": "example.com/garden"}
    )
    item = PortfolioItem.objects.get(profile=profile)
    assert response.status_code == 302 and response["Location"] == f"/me/portfolio/{item.pk}/"
    assert item.link == "https://example.com/garden"
    owner_client.post(
        f"/me/portfolio/{item.pk}/",
        {"title": "Garden makeover, 2024", "description": "", "link": ""},
    )
    item.refresh_from_db()
    assert item.title == "Garden makeover, 2024"
    response = owner_client.post(
        f"/me/portfolio/{item.pk}/images/", {"image": png_upload(), "caption": "After"}
    )
    assert response.status_code == 302
    page = owner_client.get(f"/me/portfolio/{item.pk}/").content.decode()
    assert 'data-testid="portfolio-image"' in page
    image = item.images.get()
    owner_client.post(f"/me/portfolio/{item.pk}/images/{image.pk}/delete/")
    assert not PortfolioImage.objects.exists()
    owner_client.post(f"/me/portfolio/{item.pk}/delete/")
    assert not PortfolioItem.objects.exists()


def test_portfolio_create_requires_a_title(owner_client):
    response = owner_client.post("/me/portfolio/", {"title": "", "link": "javascript:alert(1)"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not PortfolioItem.objects.exists()


def test_fake_and_oversized_images_show_an_error(owner_client, profile, png_upload, settings):
    item = PortfolioItemFactory(profile=profile)
    fake = SimpleUploadedFile("x.png", b"just text pretending", content_type="image/png")
    response = owner_client.post(f"/me/portfolio/{item.pk}/images/", {"image": fake})
    assert response.status_code == 200 and "not a valid image" in response.content.decode()
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    response = owner_client.post(
        f"/me/portfolio/{item.pk}/images/", {"image": png_upload(size=(300, 300))}
    )
    assert "too large" in response.content.decode()
    assert not PortfolioImage.objects.exists()


def test_another_users_portfolio_item_is_404_and_unchanged(client, profile, png_upload):
    item = PortfolioItemFactory(profile=profile, title="Mine")
    image = PortfolioImageFactory(item=item)
    client.force_login(FreelancerFactory())
    assert client.get(f"/me/portfolio/{item.pk}/").status_code == 404
    assert client.post(f"/me/portfolio/{item.pk}/", {"title": "Stolen"}).status_code == 404
    assert client.post(f"/me/portfolio/{item.pk}/delete/").status_code == 404
    assert (
        client.post(f"/me/portfolio/{item.pk}/images/", {"image": png_upload()}).status_code == 404
    )
    assert client.post(f"/me/portfolio/{item.pk}/images/{image.pk}/delete/").status_code == 404
    item.refresh_from_db()
    assert item.title == "Mine" and item.images.count() == 1


# --- Client page ---------------------------------------------------------------------------------------


def test_client_page_saves_billing_details(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/client/").status_code == 200
    response = client.post(
        "/me/client/",
        {
            "company_name": "Acme Ltd",
            "billing_name": "Acme Ltd",
            "billing_email": "ap@acme.test",
            "billing_address_line1": "1 Main St",
            "billing_city": "Leeds",
            "billing_postal_code": "LS1 1AA",
            "billing_country": "GB",
            "vat_id": "GB 123 4567 89",
        },
    )
    assert response.status_code == 302
    profile = ClientProfile.objects.get(user=user)
    assert profile.vat_id == "GB123456789" and profile.has_billing_address


def test_client_page_shows_service_errors_next_to_fields(client):
    client.force_login(UserFactory())
    response = client.post("/me/client/", {"billing_postal_code": "!!", "vat_id": "<b>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid postal code" in html and 'id="id_billing_postal_code_errors"' in html


# --- Completeness (dashboard) ----------------------------------------------------------------------------


def test_freelancer_completeness_counts_steps():
    user = FreelancerFactory()
    empty = selectors.freelancer_completeness(user)
    assert empty["percent"] == 0 and len(empty["steps"]) == 8
    profile = FreelancerProfileFactory(user=user, skills=3, published=True)
    PortfolioItemFactory(profile=profile)
    result = selectors.freelancer_completeness(user)
    assert result["percent"] == 88  # all but the avatar
    assert [step["done"] for step in result["steps"]].count(False) == 1
    assert all(step["url"].startswith("/") for step in result["steps"])


def test_client_completeness_counts_steps():
    user = UserFactory(email_verified_at=None)
    assert selectors.client_completeness(user)["percent"] == 0
    from .factories import ClientProfileFactory

    ClientProfileFactory(user=user)
    assert selectors.client_completeness(user)["percent"] == 60


def test_dashboard_renders_completeness(client):
    user = FreelancerFactory()
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert 'data-testid="completeness"' in response.content.decode()


def test_category_counts_only_published_profiles():
    FreelancerProfileFactory(published=True, skills=["plumbing", "carpentry"])
    FreelancerProfileFactory(skills=["plumbing"])
    counts = {c.slug: c.freelancer_count for c in selectors.skill_categories_with_counts()}
    assert counts["home-services"] == 1 and counts["software-development"] == 0


def test_public_freelancer_list_selector():
    from craftwork.core.errors import ValidationFailed

    plumber = FreelancerProfileFactory(published=True, skills=["plumbing"])
    FreelancerProfileFactory(published=True, skills=["python"])
    FreelancerProfileFactory(skills=["plumbing"])  # draft
    assert list(selectors.public_freelancer_list({"skill": "plumbing"})) == [plumber]
    assert list(selectors.public_freelancer_list({"skill": ["plumbing", "python"]})) == []
    assert selectors.public_freelancer_list().count() == 2
    with pytest.raises(ValidationFailed) as error:
        selectors.public_freelancer_list({"near": "north"})
    assert "near" in error.value.details
