"""Catalog journeys: a seller publishes a gig that a guest finds on a phone; a mentor opens their
calendar and a guest sees the free times in their own time zone."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory
from craftwork.catalog.models import Gig, GigStatus
from craftwork.web.tests.e2e.browser import assert_fits_phone

from ..factories import OfferingFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_seller_publishes_a_gig_and_a_guest_compares_packages_on_a_phone(
    page, phone_page, reference_data
):
    seller = FreelancerFactory(first_name="Lucía", language="en")
    log_in(page, seller)
    page.goto("/gigs/new/")
    page.get_by_test_id("gig-title").fill("I will design a logo for your bakery")
    page.get_by_test_id("gig-category").select_option("logo-brand-identity")
    page.get_by_test_id("gig-description").fill("Warm, hand-drawn logos. <script>alert(1)</script>")
    page.get_by_test_id("gig-create-submit").click()
    page.wait_for_url(re.compile(r"/gigs/[0-9a-f-]+/manage/$"))

    page.get_by_test_id("package-basic-offered").check()
    page.get_by_test_id("package-basic-name").fill("One concept")
    page.get_by_test_id("package-basic-price").fill("40.00")
    page.get_by_test_id("package-basic-delivery_days").fill("3")
    page.get_by_test_id("package-standard-offered").check()
    page.get_by_test_id("package-standard-name").fill("Three concepts")
    page.get_by_test_id("package-standard-price").fill("90.00")
    page.get_by_test_id("package-standard-delivery_days").fill("5")
    page.get_by_test_id("package-standard-included").fill("Three concepts\nVector files")
    page.get_by_test_id("packages-save").click()
    page.wait_for_load_state()
    page.get_by_test_id("gig-publish").click()
    page.wait_for_load_state()
    gig = Gig.objects.get(seller=seller)
    assert gig.status == GigStatus.ACTIVE and gig.min_price == 4000

    phone_page.goto("/gigs/?q=bakery")
    phone_page.get_by_test_id("gig-card-link").first.click()
    phone_page.wait_for_url(re.compile(rf"/gigs/{gig.pk}/$"))
    assert phone_page.get_by_test_id("package-table").is_hidden()
    cards = phone_page.get_by_test_id("package-cards")
    expect(cards).to_be_visible()
    assert "$90.00" in cards.inner_text() and "Vector files" in cards.inner_text()
    expect(phone_page.get_by_test_id("gig-description").locator("script")).to_have_count(0)
    assert_fits_phone(phone_page)


def test_mentor_sets_availability_and_a_guest_sees_slots_in_their_zone(
    page, phone_page, reference_data
):
    mentor = FreelancerFactory(language="en", timezone="Europe/Madrid")
    offering = OfferingFactory(mentor=mentor, topic="Portfolio review", availability={"rules": []})
    log_in(page, mentor)
    page.goto("/mentors/me/availability/")
    page.get_by_test_id("mentor-timezone").select_option("Europe/Madrid")
    page.get_by_test_id("mentor-min_notice_hours").fill("0")
    rows = page.get_by_test_id("rule-row")
    for index, weekday in enumerate(("0", "3")):
        rows.nth(index).get_by_test_id("rule-weekday").select_option(weekday)
        rows.nth(index).get_by_test_id("rule-start_time").fill("10:00")
        rows.nth(index).get_by_test_id("rule-end_time").fill("12:00")
    page.get_by_test_id("availability-save").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("week-grid")).to_contain_text("10:00", use_inner_text=True)

    phone_page.goto(f"/mentors/sessions/{offering.pk}/")
    phone_page.get_by_label("Show times in").select_option("America/New_York")
    phone_page.get_by_role("button", name="Show times").click()
    phone_page.wait_for_load_state()
    expect(phone_page.get_by_test_id("slots-timezone")).to_contain_text(
        "America/New_York", use_inner_text=True
    )
    times = phone_page.get_by_test_id("slot").all_inner_texts()
    assert times, "free slots are listed"
    # 10:00 and 11:00 in Madrid are 04:00/05:00 (or 05:00/06:00 around clock changes) in New York.
    assert set(times) <= {"04:00", "05:00", "06:00"}
    assert_fits_phone(phone_page)
