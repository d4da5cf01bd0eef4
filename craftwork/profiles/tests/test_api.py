import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.profiles.models import FreelancerProfile, PortfolioImage, PortfolioItem, Skill

from .factories import FreelancerProfileFactory, PortfolioImageFactory, PortfolioItemFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/freelancers/"
ME_URL = "/api/v1/me/freelancer-profile/"


def ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


def published(**kwargs):
    kwargs.setdefault("skills", 2)
    return FreelancerProfileFactory(published=True, **kwargs)


# --- Public list ---------------------------------------------------------------------------------


def test_list_is_public_and_shows_only_published_profiles_of_active_users(api_client):
    visible = published()
    FreelancerProfileFactory(skills=2)  # draft
    published(user=FreelancerFactory(is_active=False))
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 1
    card = body["results"][0]
    assert card["id"] == str(visible.pk)
    assert card["name"] == visible.display_name
    assert card["hourly_rate"] == visible.hourly_rate and card["currency"] == "USD"
    assert len(card["skills"]) == 2 and {"slug", "name", "proficiency"} <= set(card["skills"][0])
    assert "latitude" not in card and "email" not in str(card)


def test_list_query_count_is_constant(api_client, django_assert_max_num_queries):
    def measure(url):
        with django_assert_max_num_queries(5) as queries:
            response = api_client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries), response.json()

    filtered = "?skill=python&category=software-development&near=40.4,-3.7&radius_km=500"
    for _ in range(5):
        published(
            skills=["python", "django", "sql"], place=("Madrid", "ES", "40.416775", "-3.703790")
        )
    small, small_body = measure(LIST_URL)
    small_filtered, _body = measure(LIST_URL + filtered)
    for _ in range(25):
        published(
            skills=["python", "django", "sql"], place=("Madrid", "ES", "40.416775", "-3.703790")
        )
    large, large_body = measure(LIST_URL)
    large_filtered, filtered_body = measure(LIST_URL + filtered)
    sizes = [len(body["results"]) for body in (small_body, large_body, filtered_body)]
    assert sizes == [5, 20, 20]  # a page of 20; the next page is a link, not a count
    assert small_body["next"] is None and large_body["next"] and filtered_body["next"]
    assert all(len(row["skills"]) == 3 for row in large_body["results"])
    assert (large, large_filtered) == (small, small_filtered)


def test_filters(api_client):
    madrid = published(
        place=("Madrid", "ES", "40.416775", "-3.703790"),
        hourly_rate=3000,
        work_mode="both",
        skills=["plumbing", "electrical-work"],
        headline="Licensed plumber",
    )
    austin = published(
        place=("Austin", "US", "30.267153", "-97.743057"),
        hourly_rate=9000,
        work_mode="remote",
        availability="limited",
        skills=["python", "django"],
        headline="Backend engineer",
    )
    assert ids(api_client.get(LIST_URL, {"skill": "plumbing"})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL + "?skill=python&skill=django")) == {str(austin.pk)}
    assert ids(api_client.get(LIST_URL + "?skill=python&skill=plumbing")) == set()
    assert ids(api_client.get(LIST_URL, {"category": "home-services"})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL, {"country": "US"})) == {str(austin.pk)}
    assert ids(api_client.get(LIST_URL, {"city": "madrid"})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL, {"min_rate": 5000})) == {str(austin.pk)}
    assert ids(api_client.get(LIST_URL, {"max_rate": 5000})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL, {"work_mode": "onsite"})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL, {"work_mode": "remote"})) == {
        str(madrid.pk),
        str(austin.pk),
    }
    assert ids(api_client.get(LIST_URL, {"availability": "limited"})) == {str(austin.pk)}
    assert ids(api_client.get(LIST_URL, {"q": "plumber"})) == {str(madrid.pk)}
    assert ids(api_client.get(LIST_URL, {"q": austin.user.last_name})) >= {str(austin.pk)}
    rates = [
        row["hourly_rate"]
        for row in api_client.get(LIST_URL, {"ordering": "-rate"}).json()["results"]
    ]
    assert rates == [9000, 3000]


def test_near_filter_uses_real_distance(api_client):
    madrid = published(place=("Madrid", "ES", "40.416775", "-3.703790"))
    toledo = published(place=("Toledo", "ES", "39.862832", "-4.027323"))  # ~68 km from Madrid
    published(place=("Barcelona", "ES", "41.385064", "2.173404"))  # ~505 km
    response = api_client.get(LIST_URL, {"near": "40.4168,-3.7038", "radius_km": 100})
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [str(madrid.pk), str(toledo.pk)]  # nearest first
    assert rows[0]["distance_km"] < 1 and 60 < rows[1]["distance_km"] < 75
    assert ids(api_client.get(LIST_URL, {"near": "40.4168,-3.7038", "radius_km": 10})) == {
        str(madrid.pk)
    }


@pytest.mark.parametrize(
    "params",
    [
        {"skill": "no-such-skill"},
        {"category": "nope"},
        {"near": "200,10"},
        {"near": "banana"},
        {"radius_km": 100_000},
        {"min_rate": "cheap"},
        {"work_mode": "teleport"},
        {"country": "ZZ"},
        {"ordering": "random"},
        {"q": "x" * 500},
    ],
)
def test_bad_filters_are_a_validation_error(api_client, params):
    response = api_client.get(LIST_URL, params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


# --- Public detail -------------------------------------------------------------------------------------


def test_detail_shows_skills_portfolio_languages_and_safe_bio(api_client):
    profile = published(
        bio="**Hi** <script>alert(1)</script>", languages=[{"code": "es", "level": "native"}]
    )
    item = PortfolioItemFactory(profile=profile)
    PortfolioImageFactory(item=item)
    response = api_client.get(f"{LIST_URL}{profile.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["languages"] == [{"code": "es", "name": "Spanish", "level": "native"}]
    assert body["portfolio"][0]["images"][0]["thumbnail_url"].startswith("http://testserver/media/")
    assert "<strong>Hi</strong>" in body["bio_html"] and "<script>" not in body["bio_html"]


def test_detail_of_draft_or_unknown_profile_is_404(api_client):
    draft = FreelancerProfileFactory()
    for pk in (draft.pk, uuid.uuid4()):
        response = api_client.get(f"{LIST_URL}{pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


# --- Taxonomy ------------------------------------------------------------------------------------------


def test_skills_and_categories_are_public(api_client):
    response = api_client.get("/api/v1/skills/", {"category": "home-services", "page_size": 100})
    assert response.status_code == 200
    slugs = {row["slug"] for row in response.json()["results"]}
    assert {"plumbing", "hvac", "carpentry"} <= slugs and "python" not in slugs
    assert [
        row["slug"] for row in api_client.get("/api/v1/skills/", {"q": "plumb"}).json()["results"]
    ] == ["plumbing"]
    categories = api_client.get("/api/v1/skill-categories/").json()
    assert (
        len(categories) >= 10 and sum(len(c["skills"]) for c in categories) == Skill.objects.count()
    )


# --- My freelancer profile --------------------------------------------------------------------------------


def test_my_profile_requires_login(api_client):
    assert api_client.get(ME_URL).status_code in (401, 403)


def test_my_profile_is_created_on_first_get(freelancer_api):
    response = freelancer_api.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["is_published"] is False
    assert FreelancerProfile.objects.filter(user=freelancer_api.user).exists()


def test_client_only_user_is_told_to_add_the_role(auth_client):
    response = auth_client.get(ME_URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_freelancer"


def test_patch_my_profile(owner_api, profile):
    response = owner_api.patch(
        ME_URL,
        {
            "headline": "Electrician",
            "hourly_rate": 4500,
            "latitude": 19.43260812345,
            "longitude": -99.133209,
            "languages": [{"code": "es", "level": "native"}],
            "work_mode": "onsite",
            "service_radius_km": 25,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "Electrician" and body["hourly_rate_display"] == "$45.00"
    assert body["latitude"] == "19.432608"
    profile.refresh_from_db()
    assert profile.service_radius_km == 25


@pytest.mark.parametrize(
    "payload",
    [
        {"hourly_rate": 0},
        {"hourly_rate": -5},
        {"hourly_rate": 10**12},
        {"hourly_rate": "lots"},
        {"latitude": 200},
        {"longitude": "east"},
        {"headline": "x" * 5000},
        {"bio": "x" * 20_001},
        {"headline": ["a", "list"]},
        {"hours_per_week": 100},
        {"languages": [{"code": "en", "level": "fluent", "extra": True}]},
        {"languages": "en"},
        {"is_published": True},
        {"user": str(uuid.uuid4())},
        {"timezone": "Nowhere/City"},
    ],
)
def test_patch_rejects_bad_input_and_changes_nothing(owner_api, profile, payload):
    before = FreelancerProfile.objects.filter(pk=profile.pk).values().get()
    response = owner_api.patch(ME_URL, payload, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(payload) & set(error["details"])
    assert FreelancerProfile.objects.filter(pk=profile.pk).values().get() == before


def test_patch_rejects_a_non_object_body(owner_api):
    response = owner_api.patch(ME_URL, ["headline"], format="json")
    assert response.status_code == 400


def test_put_skills(owner_api, profile):
    url = ME_URL + "skills/"
    response = owner_api.put(
        url,
        {
            "skills": [
                {"skill": "hvac", "proficiency": "expert"},
                {"skill": "plumbing", "proficiency": "advanced"},
            ]
        },
    )
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()] == ["hvac", "plumbing"]
    response = owner_api.put(
        url, {"skills": [{"skill": "unicorn-taming", "proficiency": "expert"}]}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "unknown_skill"
    too_many = [
        {"skill": slug, "proficiency": "expert"}
        for slug in Skill.objects.values_list("slug", flat=True)[:31]
    ]
    assert owner_api.put(url, {"skills": too_many}).status_code == 400
    assert (
        owner_api.put(
            url, {"skills": [{"skill": "hvac", "proficiency": "expert", "x": 1}]}
        ).status_code
        == 400
    )
    assert list(profile.profile_skills.values_list("skill__slug", flat=True)) == [
        "hvac",
        "plumbing",
    ]


def test_publish_and_unpublish_endpoints(owner_api, profile, api_client):
    response = owner_api.post(ME_URL + "publish/")
    assert response.status_code == 200 and response.json()["is_published"] is True
    assert api_client.get(f"{LIST_URL}{profile.pk}/").status_code == 200
    response = owner_api.post(ME_URL + "unpublish/")
    assert response.json()["is_published"] is False
    assert api_client.get(f"{LIST_URL}{profile.pk}/").status_code == 404


def test_publish_incomplete_profile_explains_why(freelancer_api):
    response = freelancer_api.post(ME_URL + "publish/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "profile_incomplete"


# --- Portfolio -----------------------------------------------------------------------------------------------


def test_portfolio_crud(owner_api, profile):
    response = owner_api.post(
        "/api/v1/me/portfolio/", {"title": "Bathroom tiling", "link": "https://example.com"}
    )
    assert response.status_code == 201
    item_id = response.json()["id"]
    url = f"/api/v1/me/portfolio/{item_id}/"
    assert owner_api.get(url).json()["title"] == "Bathroom tiling"
    assert (
        owner_api.patch(url, {"description": "Before and after"}).json()["description"]
        == "Before and after"
    )
    assert len(owner_api.get("/api/v1/me/portfolio/").json()) == 1
    assert owner_api.delete(url).status_code == 204
    assert not PortfolioItem.objects.exists()


def test_portfolio_rejects_unknown_fields_and_bad_links(owner_api):
    assert (
        owner_api.post("/api/v1/me/portfolio/", {"title": "x", "profile": "someone"}).status_code
        == 400
    )
    assert (
        owner_api.post(
            "/api/v1/me/portfolio/", {"title": "x", "link": "javascript:alert(1)"}
        ).status_code
        == 400
    )
    assert owner_api.post("/api/v1/me/portfolio/", {}).status_code == 400
    assert not PortfolioItem.objects.exists()


def test_another_users_portfolio_item_is_404_and_unchanged(freelancer_api, profile, png_upload):
    item = PortfolioItemFactory(profile=profile, title="Mine")
    image = PortfolioImageFactory(item=item)
    url = f"/api/v1/me/portfolio/{item.pk}/"
    assert freelancer_api.get(url).status_code == 404
    assert freelancer_api.patch(url, {"title": "Stolen"}).status_code == 404
    assert freelancer_api.delete(url).status_code == 404
    assert (
        freelancer_api.post(
            url + "images/", {"image": png_upload()}, format="multipart"
        ).status_code
        == 404
    )
    assert freelancer_api.delete(f"{url}images/{image.pk}/").status_code == 404
    item.refresh_from_db()
    assert item.title == "Mine" and item.images.count() == 1


def test_image_upload_and_delete(owner_api, profile, png_upload):
    item = PortfolioItemFactory(profile=profile)
    url = f"/api/v1/me/portfolio/{item.pk}/images/"
    response = owner_api.post(url, {"image": png_upload(), "caption": "After"}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["caption"] == "After" and body["image_url"].endswith(".jpg")
    assert owner_api.get(f"/api/v1/me/portfolio/{item.pk}/").json()["images"][0]["id"] == body["id"]
    assert owner_api.delete(f"{url}{body['id']}/").status_code == 204
    assert not PortfolioImage.objects.exists()


def test_fake_and_oversized_images_are_refused(owner_api, profile, png_upload, settings):
    item = PortfolioItemFactory(profile=profile)
    url = f"/api/v1/me/portfolio/{item.pk}/images/"
    fake = SimpleUploadedFile(
        "shell.png", b"<?php system($_GET['c']); ?>", content_type="image/png"
    )
    response = owner_api.post(url, {"image": fake}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_image"
    settings.MAX_IMAGE_UPLOAD_BYTES = 200
    response = owner_api.post(url, {"image": png_upload(size=(500, 500))}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "file_too_large"
    response = owner_api.post(url, {"caption": "no file"}, format="multipart")
    assert response.status_code == 400
    assert not PortfolioImage.objects.exists()


# --- Client profile ----------------------------------------------------------------------------------------------


def test_client_profile_get_and_patch(auth_client):
    url = "/api/v1/me/client-profile/"
    assert auth_client.get(url).json()["billing_email"] == auth_client.user.email
    response = auth_client.patch(
        url, {"company_name": "Acme", "billing_country": "CA", "vat_id": "ca 123 456 789"}
    )
    assert response.status_code == 200
    assert response.json()["vat_id"] == "CA123456789"
    assert auth_client.patch(url, {"billing_email": "nope"}).status_code == 400
    assert auth_client.patch(url, {"company_name": "x", "owner": "y"}).status_code == 400
    assert auth_client.patch(url, {"billing_country": "ZZ"}).status_code == 400
    assert auth_client.get(url).json()["company_name"] == "Acme"


def test_client_profile_requires_login(api_client):
    assert api_client.get("/api/v1/me/client-profile/").status_code in (401, 403)


def test_urls_are_named():
    assert reverse("profiles-api:freelancer-list") == LIST_URL
    assert reverse("profiles-api:my-freelancer-profile") == ME_URL


def test_a_second_user_sees_only_their_own_portfolio(freelancer_api, profile):
    PortfolioItemFactory(profile=profile)
    assert freelancer_api.get("/api/v1/me/portfolio/").json() == []


def test_schema_documents_the_endpoints(api_client):
    import yaml

    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/freelancers/" in paths and "/api/v1/me/portfolio/{id}/images/" in paths
    params = {p["name"] for p in paths["/api/v1/freelancers/"]["get"]["parameters"]}
    assert {"q", "skill", "near", "radius_km", "min_rate"} <= params


def test_inactive_user_cannot_be_listed_even_if_published(api_client):
    profile = published()
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])
    assert api_client.get(f"{LIST_URL}{profile.pk}/").status_code == 404


def test_client_user_can_browse(auth_client):
    published()
    assert len(auth_client.get(LIST_URL).json()["results"]) == 1


def test_freelancer_role_check_does_not_leak_for_new_user(api_client):
    user = UserFactory(is_freelancer=False)
    api_client.force_authenticate(user)
    assert api_client.post(ME_URL + "publish/").status_code == 403
