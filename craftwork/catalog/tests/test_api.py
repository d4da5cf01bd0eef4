import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog import selectors, services
from craftwork.catalog.models import Gig, GigImage, GigPackage, GigStatus, MentorshipOffering

from .factories import GigFactory, OfferingFactory, category

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/gigs/"
MINE_URL = "/api/v1/me/gigs/"


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def package(tier="basic", **overrides) -> dict:
    data = {
        "tier": tier,
        "name": tier.title(),
        "price": 4900,
        "currency": "USD",
        "delivery_days": 3,
    }
    data.update(overrides)
    return data


# --- public list ----------------------------------------------------------------------------------


def test_list_is_public_and_shows_only_active_gigs(api_client):
    active = GigFactory(active=True)
    GigFactory()  # draft
    GigFactory(paused=True)
    GigFactory(active=True, seller=FreelancerFactory(is_active=False))
    removed = GigFactory(active=True)
    Gig.objects.filter(pk=removed.pk).update(status=GigStatus.REMOVED)
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 1 and ids(response) == [str(active.pk)]
    card = body["results"][0]
    assert card["starting_price"] == {"amount": "50.00", "amount_minor": 5000, "currency": "USD"}
    assert card["min_delivery_days"] == 3
    assert card["rating_average"] is None and card["rating_count"] is None
    assert card["category"]["slug"] == "logo-brand-identity"
    assert card["seller"]["name"].startswith(active.seller.first_name)
    assert "email" not in str(card)


def test_list_query_count_is_constant(api_client, django_assert_max_num_queries):
    def measure(url):
        with django_assert_max_num_queries(6) as queries:
            response = api_client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries)

    filtered = "?category=design-creative&min_price=100&max_delivery_days=7&verified=true&q=logo"
    for _ in range(3):
        GigFactory(active=True)
    small, small_filtered = measure(LIST_URL), measure(LIST_URL + filtered)
    for _ in range(25):
        GigFactory(active=True)
    assert measure(LIST_URL) == small
    assert measure(LIST_URL + filtered) == small_filtered


def test_category_filter_includes_subcategories(api_client):
    logo = GigFactory(active=True, category=category("logo-brand-identity"))
    ui = GigFactory(active=True, category=category("ui-ux-design"))
    code = GigFactory(active=True, category=category("backend-development"))
    assert set(ids(api_client.get(LIST_URL + "?category=design-creative"))) == {
        str(logo.pk),
        str(ui.pk),
    }
    assert ids(api_client.get(LIST_URL + "?category=ui-ux-design")) == [str(ui.pk)]
    assert ids(api_client.get(LIST_URL + "?category=software-development")) == [str(code.pk)]


def test_price_delivery_and_rating_filters(api_client):
    cheap = GigFactory(active=True, packages=[package(price=1500, delivery_days=1)])
    dear = GigFactory(active=True, packages=[package(price=90000, delivery_days=14)])
    rated = GigFactory(active=True, packages=[package(price=5000, delivery_days=5)])
    services.gig_rating_update(gig_id=rated.pk, average=Decimal("4.8"), count=12)
    services.gig_rating_update(gig_id=dear.pk, average=Decimal("3.9"), count=2)
    assert ids(api_client.get(LIST_URL + "?max_price=2000")) == [str(cheap.pk)]
    assert ids(api_client.get(LIST_URL + "?min_price=60000")) == [str(dear.pk)]
    assert set(ids(api_client.get(LIST_URL + "?max_delivery_days=7"))) == {
        str(cheap.pk),
        str(rated.pk),
    }
    assert ids(api_client.get(LIST_URL + "?min_rating=4.5")) == [str(rated.pk)]
    by_price = ids(api_client.get(LIST_URL + "?ordering=price"))
    assert by_price == [str(cheap.pk), str(rated.pk), str(dear.pk)]
    assert ids(api_client.get(LIST_URL + "?ordering=-price"))[0] == str(dear.pk)
    assert ids(api_client.get(LIST_URL + "?ordering=rating")) == [
        str(rated.pk),
        str(dear.pk),
        str(cheap.pk),  # no rating: last, never invented
    ]


def test_relevance_puts_title_matches_first(api_client):
    in_description = GigFactory(active=True, title="Brand kit", description="Includes a mascot.")
    in_title = GigFactory(active=True, title="Mascot design for teams", description="Fun.")
    GigFactory(active=True, title="Unrelated", description="Nothing here.")
    assert ids(api_client.get(LIST_URL + "?q=mascot")) == [str(in_title.pk), str(in_description.pk)]
    newest = ids(api_client.get(LIST_URL + "?q=mascot&ordering=newest"))
    assert set(newest) == {str(in_title.pk), str(in_description.pk)}


def test_verified_filter_needs_email_and_credential_when_installed(api_client, monkeypatch):
    verified = GigFactory(active=True)
    unverified_email = GigFactory(active=True, seller=FreelancerFactory(email_verified_at=None))
    monkeypatch.setattr(
        selectors,
        "_verified_badges_function",
        lambda: lambda user_ids: {verified.seller_id: ["passport"]},
    )
    response = api_client.get(LIST_URL + "?verified=true")
    assert ids(response) == [str(verified.pk)]
    assert response.json()["results"][0]["seller"]["verified"] is True
    monkeypatch.setattr(selectors, "_verified_badges_function", lambda: None)
    assert ids(api_client.get(LIST_URL + "?verified=true")) == [str(verified.pk)]
    assert str(unverified_email.pk) in ids(api_client.get(LIST_URL))


@pytest.mark.parametrize(
    "query",
    [
        "?min_price=-1",
        "?ordering=cheapest",
        "?category=no-such",
        "?max_delivery_days=0",
        "?min_rating=9",
    ],
)
def test_bad_filters_are_a_validation_error(api_client, query):
    response = api_client.get(LIST_URL + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_page_size_is_capped(api_client):
    response = api_client.get(LIST_URL + "?page_size=1000")
    assert response.status_code == 200


# --- public detail and CORS ------------------------------------------------------------------------------


def test_detail_shows_packages_and_renders_markdown_inert(api_client):
    gig = GigFactory(
        active=True, description="Hi <script>alert(1)</script> **bold** [x](javascript:alert(1))"
    )
    response = api_client.get(f"{LIST_URL}{gig.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [p["tier"] for p in body["packages"]] == ["basic", "standard", "premium"]
    assert body["packages"][1]["price"]["amount_minor"] == 12000
    html = body["description_html"]
    assert "<script" not in html and "javascript:" not in html and "<strong>bold</strong>" in html


@pytest.mark.parametrize("state", ["draft", "paused", "removed", "missing"])
def test_detail_of_a_gig_that_is_not_public_is_404(api_client, state):
    gig_id = uuid.uuid4()
    if state != "missing":
        gig = GigFactory(status=state)
        gig_id = gig.pk
    response = api_client.get(f"{LIST_URL}{gig_id}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_cors_is_controlled_by_the_allowed_origins_setting(api_client, settings):
    GigFactory(active=True)
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example"]
    settings.CORS_ALLOW_ALL_ORIGINS = False
    allowed = api_client.get(LIST_URL, HTTP_ORIGIN="https://partner.example")
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example"
    assert "Access-Control-Allow-Credentials" not in allowed
    other = api_client.get(LIST_URL, HTTP_ORIGIN="https://evil.example")
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other
    preflight = api_client.options(
        LIST_URL,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://partner.example"
    settings.CORS_ALLOW_ALL_ORIGINS = True
    anyone = api_client.get(LIST_URL, HTTP_ORIGIN="https://anyone.example")
    assert anyone["Access-Control-Allow-Origin"] == "*"


# --- the seller's endpoints ------------------------------------------------------------------------------


def test_create_update_packages_and_publish(seller_api):
    created = seller_api.post(
        MINE_URL,
        {"title": "I will review your API", "category": "apis-integrations", "skills": ["python"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    gig_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["publish_missing"]
    refused = seller_api.post(f"{MINE_URL}{gig_id}/publish/")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "gig_incomplete"
    patched = seller_api.patch(f"{MINE_URL}{gig_id}/", {"description": "Thorough."}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "Thorough."
    packages = seller_api.put(
        f"{MINE_URL}{gig_id}/packages/",
        {"packages": [package("basic"), package("premium", price=9900)]},
        format="json",
    )
    assert packages.status_code == 200, packages.json()
    assert packages.json()["starting_price"]["amount_minor"] == 4900
    published = seller_api.post(f"{MINE_URL}{gig_id}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "active"
    assert seller_api.post(f"{MINE_URL}{gig_id}/pause/").json()["status"] == "paused"


@pytest.mark.parametrize(
    "packages",
    [
        [package("basic"), package("standard"), package("premium"), package("basic")],
        [package(price=0)],
        [package(price=-1)],
        [package(price=10_000_001)],
        [package(price=10**20)],
        [package(price="cheap")],
        [package(delivery_days=0)],
        [{**package(), "seller": "me"}],
    ],
)
def test_package_bad_input_is_400_and_changes_nothing(seller_api, packages):
    gig = GigFactory(seller=seller_api.user, packages=1)
    response = seller_api.put(
        f"{MINE_URL}{gig.pk}/packages/", {"packages": packages}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert list(GigPackage.objects.filter(gig=gig).values_list("price", flat=True)) == [5000]


def test_another_sellers_gig_is_404_everywhere_and_unchanged(seller_api, png_upload):
    gig = GigFactory(active=True)
    base = f"{MINE_URL}{gig.pk}/"
    calls = [
        seller_api.get(base),
        seller_api.patch(base, {"title": "Mine now"}, format="json"),
        seller_api.delete(base),
        seller_api.post(base + "pause/"),
        seller_api.post(base + "publish/"),
        seller_api.put(base + "packages/", {"packages": [package(price=1)]}, format="json"),
        seller_api.put(base + "extras/", {"extras": []}, format="json"),
        seller_api.put(base + "requirements/", {"requirements": []}, format="json"),
        seller_api.put(base + "faqs/", {"faqs": []}, format="json"),
        seller_api.post(base + "images/", {"image": png_upload()}, format="multipart"),
    ]
    assert [response.status_code for response in calls] == [404] * len(calls)
    gig.refresh_from_db()
    assert (gig.title, gig.status, gig.min_price) != ("Mine now", GigStatus.PAUSED, 1)
    assert gig.status == GigStatus.ACTIVE and gig.packages.count() == 3
    assert not GigImage.objects.exists()


def test_only_freelancers_and_signed_in_users(api_client):
    data = {"title": "x", "category": "seo-services"}
    assert api_client.post(MINE_URL, data, format="json").status_code == 401
    response = api_for(UserFactory()).post(MINE_URL, data, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_freelancer"


def test_images_upload_and_refuse_non_images(seller_api, png_upload, fake_image):
    gig = GigFactory(seller=seller_api.user)
    bad = seller_api.post(f"{MINE_URL}{gig.pk}/images/", {"image": fake_image}, format="multipart")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_image"
    good = seller_api.post(
        f"{MINE_URL}{gig.pk}/images/",
        {"image": png_upload(), "caption": "Cover"},
        format="multipart",
    )
    assert good.status_code == 201
    image_id = good.json()["id"]
    assert good.json()["thumbnail_url"].startswith("http://testserver/media/")
    assert seller_api.delete(f"{MINE_URL}{gig.pk}/images/{image_id}/").status_code == 204
    assert seller_api.delete(f"{MINE_URL}{gig.pk}/images/{image_id}/").status_code == 404


def test_extras_requirements_faqs_endpoints(seller_api):
    gig = GigFactory(seller=seller_api.user)
    base = f"{MINE_URL}{gig.pk}/"
    extras = seller_api.put(
        base + "extras/", {"extras": [{"title": "Rush", "price": 1000}]}, format="json"
    )
    assert extras.status_code == 200 and extras.json()["extras"][0]["price"]["amount_minor"] == 1000
    requirements = seller_api.put(
        base + "requirements/",
        {"requirements": [{"question": "Colours?", "kind": "choice", "choices": ["Red", "Blue"]}]},
        format="json",
    )
    assert requirements.status_code == 200
    one_choice = seller_api.put(
        base + "requirements/",
        {"requirements": [{"question": "Colours?", "kind": "choice", "choices": ["Red"]}]},
        format="json",
    )
    assert one_choice.status_code == 400
    faqs = seller_api.put(
        base + "faqs/", {"faqs": [{"question": "Q?", "answer": "A."}]}, format="json"
    )
    assert faqs.status_code == 200 and faqs.json()["faqs"][0]["answer"] == "A."
    too_many = seller_api.put(
        base + "faqs/", {"faqs": [{"question": "Q?", "answer": "A."}] * 11}, format="json"
    )
    assert too_many.status_code == 400


def test_my_gigs_lists_every_state_with_constant_queries(seller_api, django_assert_max_num_queries):
    for trait in ({}, {"active": True}, {"paused": True}):
        GigFactory(seller=seller_api.user, **trait)
    GigFactory()  # someone else's
    with django_assert_max_num_queries(5) as few:
        response = seller_api.get(MINE_URL)
    assert len(response.json()["results"]) == 3
    for _ in range(10):
        GigFactory(seller=seller_api.user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(seller_api.get(MINE_URL).json()["results"]) == 13


def test_staff_remove_endpoint(seller_api):
    gig = GigFactory(active=True)
    url = f"{LIST_URL}{gig.pk}/remove/"
    assert seller_api.post(url, {"reason": "spam"}, format="json").status_code == 403
    staff = api_for(StaffFactory())
    assert staff.post(url, {}, format="json").status_code == 400
    response = staff.post(url, {"reason": "Spam"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "removed"
    assert staff.post(url, {"reason": "Again"}, format="json").status_code == 409
    assert (
        staff.post(f"{LIST_URL}{uuid.uuid4()}/remove/", {"reason": "x"}, format="json").status_code
        == 404
    )


def test_categories_tree(api_client):
    response = api_client.get("/api/v1/categories/")
    assert response.status_code == 200
    roots = response.json()
    assert len(roots) == 11
    design = next(root for root in roots if root["slug"] == "design-creative")
    assert {"logo-brand-identity", "ui-ux-design"} <= {
        child["slug"] for child in design["children"]
    }


# --- mentorship ---------------------------------------------------------------------------------------


def test_offering_slots_in_the_requested_zone(api_client):
    """A Monday 09:00-10:00 in Madrid, asked for in New York: the week after next, so it is inside
    the booking horizon and outside the notice period whatever the date and hour of the run."""
    from django.utils import timezone

    madrid, new_york = ZoneInfo("Europe/Madrid"), ZoneInfo("America/New_York")
    today = timezone.now().astimezone(madrid).date()
    monday = today + timedelta(days=7 - today.weekday() + 7)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=madrid).replace(hour=9)
    start_utc = start.astimezone(UTC)
    offering = OfferingFactory(
        availability={"timezone": "Europe/Madrid", "rules": [(0, "09:00", "10:00")]}
    )
    url = f"/api/v1/mentorship/offerings/{offering.pk}/slots/"
    week = f"?start={monday}&end={monday + timedelta(days=6)}&tz=America/New_York"
    response = api_client.get(url + week)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["timezone"] == "America/New_York"
    assert [slot["start"] for slot in body["slots"]] == [start_utc.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert body["slots"][0]["local_start"].startswith(start.astimezone(new_york).isoformat())
    assert body["slots"][0]["ref"] == f"{offering.pk}@{start_utc.isoformat()}"


@pytest.mark.parametrize(
    "query",
    [
        "?tz=Nowhere/City",
        "?start=2027-01-10&end=2027-01-01",
        "?start=tomorrow",
        "?start=2027-01-01&end=2027-06-01",
        "?color=red",
    ],
)
def test_slots_bad_queries(api_client, query):
    offering = OfferingFactory()
    response = api_client.get(f"/api/v1/mentorship/offerings/{offering.pk}/slots/{query}")
    assert response.status_code == 400


def test_inactive_offering_is_not_public(api_client):
    offering = OfferingFactory(active=False)
    assert api_client.get(f"/api/v1/mentorship/offerings/{offering.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/mentorship/offerings/{offering.pk}/slots/").status_code == 404
    assert len(api_client.get("/api/v1/mentorship/offerings/").json()["results"]) == 0


def test_mentor_manages_offerings_settings_and_availability(seller_api):
    created = seller_api.post(
        "/api/v1/me/mentorship/offerings/",
        {"topic": "Mock interview", "duration_minutes": 45, "price": 8000, "currency": "GBP"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    offering_id = created.json()["id"]
    assert (
        seller_api.patch(
            f"/api/v1/me/mentorship/offerings/{offering_id}/", {"price": 0}, format="json"
        ).status_code
        == 400
    )
    assert (
        seller_api.patch(
            f"/api/v1/me/mentorship/offerings/{offering_id}/",
            {"duration_minutes": 50},
            format="json",
        ).status_code
        == 400
    )
    settings_response = seller_api.patch(
        "/api/v1/me/mentorship/settings/",
        {"timezone": "Europe/Madrid", "buffer_minutes": 10},
        format="json",
    )
    assert settings_response.json()["timezone"] == "Europe/Madrid"
    rules = seller_api.put(
        "/api/v1/me/mentorship/availability/",
        {"rules": [{"weekday": 1, "start_time": "09:00", "end_time": "13:00"}]},
        format="json",
    )
    assert rules.status_code == 200
    assert rules.json() == {
        "timezone": "Europe/Madrid",
        "rules": [{"weekday": 1, "start_time": "09:00", "end_time": "13:00"}],
    }
    overlap = seller_api.put(
        "/api/v1/me/mentorship/availability/",
        {
            "rules": [
                {"weekday": 1, "start_time": "09:00", "end_time": "13:00"},
                {"weekday": 1, "start_time": "12:00", "end_time": "14:00"},
            ]
        },
        format="json",
    )
    assert overlap.status_code == 400 and overlap.json()["error"]["code"] == "overlapping_windows"
    day_off = seller_api.post(
        "/api/v1/me/mentorship/exceptions/", {"date": "2099-01-01"}, format="json"
    )
    assert day_off.status_code == 400  # beyond a year
    tomorrow_in_madrid = datetime.now(ZoneInfo("Europe/Madrid")).date() + timedelta(days=1)
    exception = seller_api.post(
        "/api/v1/me/mentorship/exceptions/", {"date": str(tomorrow_in_madrid)}, format="json"
    )
    assert exception.status_code == 201 and exception.json()["day_off"] is True
    exception_id = exception.json()["id"]
    assert len(seller_api.get("/api/v1/me/mentorship/exceptions/").json()) == 1
    other = api_for(FreelancerFactory())
    assert other.delete(f"/api/v1/me/mentorship/exceptions/{exception_id}/").status_code == 404
    assert other.get(f"/api/v1/me/mentorship/offerings/{offering_id}/").status_code == 404
    assert (
        other.patch(
            f"/api/v1/me/mentorship/offerings/{offering_id}/", {"topic": "Mine"}, format="json"
        ).status_code
        == 404
    )
    assert MentorshipOffering.objects.get(pk=offering_id).topic == "Mock interview"
    assert seller_api.delete(f"/api/v1/me/mentorship/exceptions/{exception_id}/").status_code == 204


def test_reservation_lists(seller_api, frozen):
    offering = OfferingFactory(mentor=seller_api.user)
    client = UserFactory()
    start = datetime(2026, 5, 5, 10, tzinfo=UTC)
    with frozen(datetime(2026, 5, 4, tzinfo=UTC)):
        services.slot_reserve(offering=offering, start=start, client=client, actor=client)
        mine = seller_api.get("/api/v1/me/mentorship/reservations/").json()
        bookings = api_for(client).get("/api/v1/me/mentorship/bookings/").json()
    assert len(mine["results"]) == 1 and mine["results"][0]["offering"]["topic"] == offering.topic
    assert (
        len(bookings["results"]) == 1 and bookings["results"][0]["start"] == "2026-05-05T10:00:00Z"
    )


def test_offering_list_query_count_is_constant(api_client, django_assert_max_num_queries):
    for _ in range(3):
        OfferingFactory(category=category("career-interviews"))
    url = "/api/v1/mentorship/offerings/?category=mentorship-coaching"
    with django_assert_max_num_queries(4) as few:
        assert len(api_client.get(url).json()["results"]) == 3
    for _ in range(15):
        OfferingFactory(category=category("career-interviews"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(url).json()["results"]) == 18


def test_unknown_offering_category_is_a_validation_error(api_client):
    response = api_client.get("/api/v1/mentorship/offerings/?category=nope")
    assert response.status_code == 400 and "category" in response.json()["error"]["details"]


def test_mentor_sets_the_cancellation_policy_and_clients_see_it(seller_api, api_client):
    created = seller_api.post(
        "/api/v1/me/mentorship/offerings/",
        {
            "topic": "Salary negotiation",
            "duration_minutes": 30,
            "price": 4000,
            "currency": "USD",
            "cancellation_policy": "flexible",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    offering_id = created.json()["id"]
    assert created.json()["cancellation_policy"] == "flexible"
    refused = seller_api.patch(
        f"/api/v1/me/mentorship/offerings/{offering_id}/",
        {"cancellation_policy": "generous"},
        format="json",
    )
    assert refused.status_code == 400
    assert "cancellation_policy" in refused.json()["error"]["details"]
    public = api_client.get(f"/api/v1/mentorship/offerings/{offering_id}/").json()
    assert public["cancellation_policy"] == "flexible"
    assert public["cancellation_summary"] == "Free cancellation until the session starts."
