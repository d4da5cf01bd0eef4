"""The foundation journeys: a freelancer signs up, verifies, fills the profile and sees it in
public; a client signs up; a weak password is explained on the page."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.models import User
from craftwork.profiles.models import FreelancerProfile
from craftwork.web.tests.e2e.browser import assert_fits_phone

from .browser import link_from_last_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "tile-kettle-orbit-57"


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def sign_up(page, *, email, first_name, role, password=PASSWORD):
    page.goto(f"/accounts/signup/?role={role}")
    page.get_by_test_id("signup-email").fill(email)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_test_id("signup-password").fill(password)
    page.get_by_test_id("signup-password-confirm").fill(password)
    page.get_by_test_id("signup-submit").click()


def test_freelancer_signs_up_verifies_fills_profile_and_sees_it_in_public(page, reference_data):
    sign_up(page, email="ada@example.com", first_name="Ada", role="freelancer")
    page.wait_for_url(re.compile(r"/accounts/verify/sent/$"))
    page.goto(link_from_last_email(r"/accounts/verify/"))
    assert User.objects.get(email="ada@example.com").email_verified

    page.goto("/me/profile/")
    page.get_by_label("Headline").fill("Licensed electrician for homes and small offices")
    page.locator("#id_bio").fill("Safe, tidy work. **Fully insured.** <script>alert(1)</script>")
    page.get_by_label("Hourly rate").fill("65.00")
    page.get_by_label("City").fill("Valencia")
    page.get_by_label("Country").select_option("ES")
    rows = page.get_by_test_id("skill-row")
    rows.nth(0).get_by_label("Skill", exact=True).select_option(label="Electrical Work")
    rows.nth(0).get_by_label("Proficiency").select_option("expert")
    page.get_by_test_id("profile-save").click()
    page.wait_for_load_state()
    page.get_by_test_id("publish-toggle").click()
    page.wait_for_load_state()

    profile = FreelancerProfile.objects.get(user__email="ada@example.com")
    assert profile.is_published and profile.hourly_rate == 6500

    page.goto(f"/freelancers/{profile.pk}/")
    expect(page.get_by_test_id("profile-headline")).to_contain_text(
        "Licensed electrician", use_inner_text=True
    )
    bio = page.get_by_test_id("profile-bio")
    expect(bio.locator("strong")).to_have_text("Fully insured.", use_inner_text=True)
    expect(bio.locator("script")).to_have_count(0)
    expect(page.get_by_test_id("profile-skills")).to_contain_text(
        "Electrical Work", use_inner_text=True
    )

    page.goto("/freelancers/?q=electrician")
    expect(page.get_by_test_id("freelancer-card")).to_have_count(1)


def test_client_signs_up_and_lands_on_the_client_dashboard(phone_page):
    sign_up(phone_page, email="bola@example.com", first_name="Bola", role="client")
    phone_page.wait_for_url(re.compile(r"/accounts/verify/sent/$"))
    user = User.objects.get(email="bola@example.com")
    assert user.is_client and not user.is_freelancer
    # Sign-up does not sign in (its answer must not tell a new address from a taken one); the
    # emailed link does, in the browser that signed up.
    phone_page.goto(link_from_last_email(r"/accounts/verify/"))
    phone_page.goto("/dashboard/")
    expect(phone_page.get_by_text("You are in your client view.")).to_be_visible()
    assert_fits_phone(phone_page)


def test_weak_password_is_explained_and_nothing_is_created(page):
    sign_up(page, email="weak@example.com", first_name="Wanda", role="client", password="12345678")
    error_text = page.locator(".errorlist").all_inner_texts()
    assert any(
        "too short" in text or "too common" in text or "numeric" in text for text in error_text
    )
    assert not User.objects.filter(email="weak@example.com").exists()
