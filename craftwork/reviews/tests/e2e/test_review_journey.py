"""Both parties review a completed contract on a phone-sized screen: the first waits for the
other side, the second's submission publishes both, the reviews show on the profile, and the
reviewed freelancer responds in public."""

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.reviews.models import DIMENSIONS, Review
from craftwork.reviews.tests.factories import completed_contract
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def fill_review(page, role: str, stars: str, text: str):
    form = page.get_by_test_id("review-form")
    for name in ("overall", *DIMENSIONS[role]):
        form.get_by_test_id(f"rating-{name}").get_by_label(stars).check()
    form.get_by_label("Your review").fill(text)
    form.get_by_label("Private note to Craftwork (optional)").fill(f"note from the {role}")
    page.get_by_test_id("review-submit").click()
    page.wait_for_load_state()


def test_both_sides_review_then_the_freelancer_responds(phone_page):
    page = phone_page
    contract = completed_contract(title="Garden shed roof")
    client, freelancer = contract.client, contract.provider
    profile = FreelancerProfileFactory(user=freelancer, published=True)

    log_in(page, client)
    page.goto(f"/contracts/{contract.pk}/")
    expect(page.get_by_test_id("review-prompt")).to_have_attribute("data-state", "write")
    page.get_by_test_id("review-link").click()
    page.wait_for_load_state()
    assert_fits_phone(page)
    fill_review(page, "client", "5: Excellent", "Dry roof, tidy site, great work.")
    expect(page.get_by_test_id("review-waiting")).to_be_visible()
    expect(page.get_by_test_id("review-waiting")).to_contain_text(
        "Waiting for the other side", use_inner_text=True
    )
    page.goto(f"/freelancers/{profile.pk}/")
    assert "Dry roof" not in page.content()

    log_in(page, freelancer)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_test_id("review-link").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("other-submitted")).to_be_visible()
    assert "Dry roof" not in page.content()
    fill_review(page, "provider", "4: Good", "Clear brief and paid on time.")
    expect(page.get_by_test_id("review-published")).to_be_visible()
    expect(page.get_by_test_id("their-review")).to_contain_text(
        "Dry roof, tidy site", use_inner_text=True
    )
    assert "note from the client" not in page.content()
    assert_fits_phone(page)

    page.goto(f"/freelancers/{profile.pk}/")
    reviews = page.get_by_test_id("profile-reviews")
    assert "Dry roof, tidy site" in reviews.inner_text()
    expect(page.get_by_test_id("rating-average")).to_have_text("5.0", use_inner_text=True)
    page.goto(f"/reviews/users/{client.pk}/?as=client")
    expect(page.get_by_test_id("public-reviews")).to_contain_text(
        "Clear brief and paid on time.", use_inner_text=True
    )

    page.goto(f"/freelancers/{profile.pk}/")
    page.get_by_test_id("open-response").click()
    page.get_by_test_id("response-text").fill("Thank you, it was a pleasure!")
    page.get_by_test_id("response-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("review-response")).to_contain_text(
        "it was a pleasure", use_inner_text=True
    )
    expect(page.get_by_test_id("open-response")).to_have_count(0)
    assert_fits_phone(page)

    assert set(Review.objects.values_list("status", flat=True)) == {"published"}
