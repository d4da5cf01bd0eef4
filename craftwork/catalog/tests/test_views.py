import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog.models import (
    AvailabilityException,
    AvailabilityRule,
    Gig,
    GigImage,
    GigStatus,
    MentorSettings,
    MentorshipOffering,
)
from craftwork.profiles.tests.factories import FreelancerProfileFactory

from .factories import GigFactory, GigImageFactory, OfferingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    client.user = seller
    return client


def test_url_names():
    assert reverse("catalog:gig-list") == "/gigs/"
    assert reverse("catalog:gig-mine") == "/gigs/mine/"
    assert reverse("mentorship:offering-list") == "/mentors/"
    assert reverse("mentorship:availability") == "/mentors/me/availability/"


# --- public pages -------------------------------------------------------------------------------------


def test_catalog_page_lists_active_gigs_with_constant_queries(
    client, django_assert_max_num_queries
):
    visible = GigFactory(active=True, title="Logo with a story")
    GigImageFactory(gig=visible)
    GigFactory(title="Hidden draft")
    url = "/gigs/?category=design-creative&ordering=price&q=logo"
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Logo with a story" in content and "Hidden draft" not in content
    assert 'data-testid="gig-card"' in content and "/media/" in content
    for _ in range(15):
        GigImageFactory(gig=GigFactory(active=True, title="Another logo"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_catalog_price_filter_takes_major_units(client):
    cheap = GigFactory(active=True, title="Cheap one", packages=1)  # 50.00
    GigFactory(
        active=True,
        title="Dear one",
        packages=[{"tier": "basic", "name": "B", "price": 90000, "delivery_days": 3}],
    )
    content = client.get("/gigs/?price_to=60").content.decode()
    assert cheap.title in content and "Dear one" not in content
    bad = client.get("/gigs/?price_from=-5&ordering=nonsense")
    assert bad.status_code == 200  # the form shows the errors; the page still renders


def test_gig_page_shows_packages_seller_and_inert_markdown(client):
    profile = FreelancerProfileFactory(published=True, headline="Brand designer", skills=2)
    gig = GigFactory(
        active=True,
        seller=profile.user,
        description="<script>alert('x')</script><img src=x onerror=alert(1)> **Bold**",
    )
    gig.faqs.create(question="Do you do print?", answer="Yes.")
    content = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert 'data-testid="package-table"' in content and 'data-testid="package-cards"' in content
    assert "$120.00" in content and "Premium" in content
    assert (
        "Brand designer" in content
        and reverse("profiles:freelancer-detail", args=[profile.pk]) in content
    )
    assert "Do you do print?" in content
    assert "<script>alert" not in content and "onerror" not in content
    assert "<strong>Bold</strong>" in content


def test_unpublished_gigs_are_404_except_for_the_owner_and_staff(client, seller):
    draft = GigFactory(seller=seller)
    assert client.get(f"/gigs/{draft.pk}/").status_code == 404
    assert client.get(f"/gigs/{uuid.uuid4()}/").status_code == 404
    client.force_login(seller)
    assert client.get(f"/gigs/{draft.pk}/").status_code == 200
    client.force_login(StaffFactory())
    assert "staff-remove-link" in client.get(f"/gigs/{draft.pk}/").content.decode()


# --- the seller's pages -------------------------------------------------------------------------------


def test_clients_see_how_to_become_a_seller(client):
    client.force_login(UserFactory())
    response = client.get("/gigs/new/")
    assert response.status_code == 403
    assert "freelancer-role-required" in response.content.decode()


def test_create_then_manage_then_publish(seller_client):
    response = seller_client.post(
        "/gigs/new/",
        {
            "title": "I will fix your Django app",
            "category": "backend-development",
            "skills": ["django", "python"],
            "tags": "django, bugs",
        },
    )
    gig = Gig.objects.get(seller=seller_client.user)
    assert response.status_code == 302 and response["Location"] == f"/gigs/{gig.pk}/manage/"
    assert gig.tags == ["django", "bugs"]
    page = seller_client.get(f"/gigs/{gig.pk}/manage/").content.decode()
    assert "a description or a gallery image" in page
    packages = {
        "currency": "EUR",
        "basic-offered": "on",
        "basic-name": "Quick fix",
        "basic-price": "49.50",
        "basic-delivery_days": "2",
        "basic-revisions": "1",
        "basic-included": "One bug\nA test for it\n",
        "standard-name": "",
        "premium-name": "",
    }
    response = seller_client.post(f"/gigs/{gig.pk}/manage/packages/", packages)
    assert response.status_code == 302
    gig.refresh_from_db()
    assert (gig.min_price, gig.currency) == (4950, "EUR")
    assert gig.packages.get().included == ["One bug", "A test for it"]
    seller_client.post(
        f"/gigs/{gig.pk}/manage/",
        {
            "title": gig.title,
            "category": "backend-development",
            "description": "Fast and tested.",
            "tags": "",
        },
    )
    response = seller_client.post(f"/gigs/{gig.pk}/manage/publish/", follow=True)
    assert "Your gig is live" in response.content.decode()
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    seller_client.post(f"/gigs/{gig.pk}/manage/pause/")
    gig.refresh_from_db()
    assert gig.status == GigStatus.PAUSED


def test_bad_package_input_is_shown_next_to_the_field(seller_client):
    gig = GigFactory(seller=seller_client.user, packages=1)
    response = seller_client.post(
        f"/gigs/{gig.pk}/manage/packages/",
        {
            "currency": "USD",
            "basic-offered": "on",
            "basic-name": "B",
            "basic-price": "0",
            "basic-delivery_days": "2",
        },
    )
    assert response.status_code == 400
    assert "id_basic-price_errors" in response.content.decode()
    huge = seller_client.post(
        f"/gigs/{gig.pk}/manage/packages/",
        {
            "currency": "USD",
            "basic-offered": "on",
            "basic-name": "B",
            "basic-price": "99999999",
            "basic-delivery_days": "2",
        },
    )
    assert huge.status_code == 400
    missing = seller_client.post(
        f"/gigs/{gig.pk}/manage/packages/", {"currency": "USD", "basic-offered": "on"}
    )
    assert missing.status_code == 400
    assert gig.packages.get().price == 5000


def test_another_sellers_gig_pages_are_404(seller_client, png_upload):
    gig = GigFactory(active=True)
    for url in (
        "manage/",
        "manage/packages/",
        "manage/extras/",
        "manage/publish/",
        "manage/pause/",
        "manage/delete/",
        "manage/images/",
    ):
        method = seller_client.get if url == "manage/" else seller_client.post
        assert method(f"/gigs/{gig.pk}/{url}").status_code == 404, url
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE and Gig.objects.filter(pk=gig.pk).exists()


def test_image_upload_refuses_files_that_are_not_images(seller_client, fake_image, png_upload):
    gig = GigFactory(seller=seller_client.user)
    response = seller_client.post(f"/gigs/{gig.pk}/manage/images/", {"image": fake_image})
    assert response.status_code == 400
    assert "not a valid image" in response.content.decode()
    assert not GigImage.objects.exists()
    response = seller_client.post(
        f"/gigs/{gig.pk}/manage/images/", {"image": png_upload(), "caption": "Cover"}
    )
    assert response.status_code == 302 and gig.images.count() == 1
    image = gig.images.get()
    seller_client.post(f"/gigs/{gig.pk}/manage/images/{image.pk}/delete/")
    assert not gig.images.exists()


def formset_data(prefix, rows, initial=0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_rows_editors_save_and_show_errors(seller_client):
    gig = GigFactory(seller=seller_client.user)
    empty_row = {"title": "", "price": "", "extra_days": ""}
    extras = formset_data(
        "extras", [{"title": "Rush delivery", "price": "20.00", "extra_days": "0"}, empty_row]
    )
    assert seller_client.post(f"/gigs/{gig.pk}/manage/extras/", extras).status_code == 302
    assert gig.extras.get().price == 2000
    # The saved row comes back as initial data; saving it unchanged keeps it.
    unchanged = formset_data(
        "extras", [{"title": "Rush delivery", "price": "20.00", "extra_days": "0"}], initial=1
    )
    assert seller_client.post(f"/gigs/{gig.pk}/manage/extras/", unchanged).status_code == 302
    assert gig.extras.count() == 1
    removed = formset_data(
        "extras",
        [{"title": "Rush delivery", "price": "20.00", "extra_days": "0", "DELETE": "on"}],
        initial=1,
    )
    seller_client.post(f"/gigs/{gig.pk}/manage/extras/", removed)
    assert not gig.extras.exists()
    one_choice = formset_data(
        "requirements",
        [{"question": "Style?", "kind": "choice", "choices": "Only one", "required": "on"}],
    )
    response = seller_client.post(f"/gigs/{gig.pk}/manage/requirements/", one_choice)
    assert response.status_code == 400
    assert "at least two choices" in response.content.decode()
    faqs = formset_data("faqs", [{"question": "Q?", "answer": "A."}])
    assert seller_client.post(f"/gigs/{gig.pk}/manage/faqs/", faqs).status_code == 302
    assert gig.faqs.count() == 1


def test_my_gigs_page(seller_client):
    GigFactory(seller=seller_client.user, title="Mine")
    GigFactory(title="Not mine")
    content = seller_client.get("/gigs/mine/").content.decode()
    assert "Mine" in content and "Not mine" not in content


def test_staff_removal_page(client, seller):
    gig = GigFactory(active=True, seller=seller)
    client.force_login(seller)
    assert (
        client.post(f"/gigs/{gig.pk}/remove/", {"reason": "x"}).status_code == 302
    )  # to admin login
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    client.force_login(StaffFactory())
    assert client.post(f"/gigs/{gig.pk}/remove/", {"reason": ""}).status_code == 200
    response = client.post(f"/gigs/{gig.pk}/remove/", {"reason": "Misleading"})
    assert response.status_code == 302
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED and gig.removed_reason == "Misleading"


# --- mentorship pages -------------------------------------------------------------------------------


def test_offering_page_groups_slots_by_day_in_the_viewers_zone(client):
    offering = OfferingFactory(
        availability={
            "timezone": "Europe/Madrid",
            "rules": [(d, "09:00", "10:00") for d in range(7)],
        }
    )
    response = client.get(f"/mentors/sessions/{offering.pk}/?tz=Asia/Tokyo")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Times are shown in Asia/Tokyo" in content
    assert content.count('data-testid="slot-day"') >= 13
    assert ">17:00<" in content or ">16:00<" in content  # 09:00 Madrid is 16:00/17:00 in Tokyo
    guest_bad_zone = client.get(f"/mentors/sessions/{offering.pk}/?tz=Not/AZone").content.decode()
    assert "Times are shown in UTC" in guest_bad_zone


def test_signed_in_viewers_see_their_own_zone(client):
    offering = OfferingFactory()
    client.force_login(UserFactory(timezone="America/New_York"))
    assert (
        "Times are shown in America/New_York"
        in client.get(f"/mentors/sessions/{offering.pk}/").content.decode()
    )


def test_offering_list_and_inactive_offerings(client):
    visible = OfferingFactory(topic="System design interview")
    hidden = OfferingFactory(topic="Secret session", active=False)
    content = client.get("/mentors/").content.decode()
    assert visible.topic in content and hidden.topic not in content
    assert client.get(f"/mentors/sessions/{hidden.pk}/").status_code == 404
    assert client.get("/mentors/?category=does-not-exist").status_code == 200


def test_mentor_creates_an_offering_and_edits_availability(seller_client):
    response = seller_client.post(
        "/mentors/me/",
        {
            "topic": "Career chat",
            "duration_minutes": "30",
            "price": "25.00",
            "currency": "USD",
            "cancellation_policy": "strict",
            "active": "on",
            "category": "",
        },
    )
    offering = MentorshipOffering.objects.get(mentor=seller_client.user)
    assert response.status_code == 302 and offering.price == 2500
    assert offering.cancellation_policy == "strict"
    page = seller_client.get(f"/mentors/sessions/{offering.pk}/").content.decode()
    assert "Strict cancellation: Free cancellation up to 24 hours before; later, nothing" in page
    bad = seller_client.post(
        "/mentors/me/", {"topic": "Free", "duration_minutes": "30", "price": "0", "currency": "USD"}
    )
    assert bad.status_code == 400 and MentorshipOffering.objects.count() == 1
    data = {
        "timezone": "Europe/Madrid",
        "buffer_minutes": "15",
        "min_notice_hours": "12",
        "horizon_days": "30",
        **formset_data(
            "rules",
            [
                {"weekday": "0", "start_time": "09:00", "end_time": "12:00"},
                {"weekday": "2", "start_time": "", "end_time": ""},
            ],
        ),  # an unused row
    }
    assert seller_client.post("/mentors/me/availability/", data).status_code == 302
    assert MentorSettings.objects.get(mentor=seller_client.user).timezone == "Europe/Madrid"
    assert AvailabilityRule.objects.filter(mentor=seller_client.user).count() == 1
    overlapping = {
        **data,
        "buffer_minutes": "30",
        **formset_data(
            "rules",
            [
                {"weekday": "0", "start_time": "09:00", "end_time": "12:00"},
                {"weekday": "0", "start_time": "11:00", "end_time": "13:00"},
            ],
        ),
    }
    response = seller_client.post("/mentors/me/availability/", overlapping)
    assert response.status_code == 400 and "overlap" in response.content.decode()
    half_filled = {
        **data,
        **formset_data("rules", [{"weekday": "1", "start_time": "09:00", "end_time": ""}]),
    }
    response = seller_client.post("/mentors/me/availability/", half_filled)
    assert response.status_code == 400 and "Give both times" in response.content.decode()
    assert AvailabilityRule.objects.filter(mentor=seller_client.user).count() == 1
    assert (
        MentorSettings.objects.get(mentor=seller_client.user).buffer_minutes == 15
    )  # all or nothing
    page = seller_client.get("/mentors/me/availability/").content.decode()
    assert "09:00\u201312:00" in page  # an en dash between the times


def test_exceptions_on_the_calendar(seller_client):
    tomorrow = datetime.now(UTC).date() + timedelta(days=2)
    assert (
        seller_client.post(
            "/mentors/me/availability/exceptions/", {"date": tomorrow.isoformat()}
        ).status_code
        == 302
    )
    row = AvailabilityException.objects.get(mentor=seller_client.user)
    assert row.is_day_off
    response = seller_client.post(
        "/mentors/me/availability/exceptions/",
        {"date": tomorrow.isoformat(), "start_time": "10:00"},
    )
    assert response.status_code == 400
    past = seller_client.post("/mentors/me/availability/exceptions/", {"date": "2020-01-01"})
    assert past.status_code == 400
    other = FreelancerFactory()
    foreign = AvailabilityException.objects.create(mentor=other, date=tomorrow)
    assert (
        seller_client.post(f"/mentors/me/availability/exceptions/{foreign.pk}/delete/").status_code
        == 404
    )
    assert (
        seller_client.post(f"/mentors/me/availability/exceptions/{row.pk}/delete/").status_code
        == 302
    )
    assert list(AvailabilityException.objects.all()) == [foreign]


def test_another_mentors_offering_edit_is_404(seller_client):
    offering = OfferingFactory()
    assert seller_client.get(f"/mentors/me/sessions/{offering.pk}/").status_code == 404
    response = seller_client.post(f"/mentors/me/sessions/{offering.pk}/", {"topic": "Mine"})
    assert response.status_code == 404
    offering.refresh_from_db()
    assert offering.topic != "Mine"


def test_mentor_dashboard_lists_booked_sessions_in_the_mentor_zone(seller_client):
    from craftwork.catalog import services

    offering = OfferingFactory(
        mentor=seller_client.user, availability={"timezone": "Europe/Madrid"}
    )
    client_user = UserFactory()
    madrid = ZoneInfo("Europe/Madrid")
    day = datetime.now(madrid).date() + timedelta(days=3)
    start = datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=madrid)
    services.slot_reserve(offering=offering, start=start, client=client_user, actor=client_user)
    content = seller_client.get("/mentors/me/").content.decode()
    assert 'data-testid="mentor-reservations"' in content and "10:00" in content


def test_admin_lists_gigs_and_removes_through_the_service(client):
    from craftwork.accounts.models import User
    from craftwork.core.models import AuditLog

    admin = User.objects.create_superuser("root@example.com", "pw-long-enough-1", first_name="Root")
    gig = GigFactory(active=True)
    client.force_login(admin)
    assert client.get("/admin/catalog/gig/").status_code == 200
    assert client.get(f"/admin/catalog/gig/{gig.pk}/change/").status_code == 200
    response = client.post(
        "/admin/catalog/gig/", {"action": "remove_gigs", "_selected_action": [str(gig.pk)]}
    )
    assert response.status_code == 302
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    assert AuditLog.objects.filter(action="catalog.gig_removed", actor=admin).exists()
    for path in ("category", "mentorshipoffering", "slotreservation", "availabilityrule"):
        assert client.get(f"/admin/catalog/{path}/").status_code == 200
