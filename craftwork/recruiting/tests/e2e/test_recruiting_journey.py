"""Recruiting in the browser: a recruiter creates a company workspace, switches to it in the
header, posts an opening with a knockout screening question; a candidate finds it among the
company jobs and applies; the team moves the application across the board to the offer stage
with the buttons (no JavaScript needed), drafts, approves and sends an offer; the candidate
accepts it in the web and is hired, which closes the opening. The public pages fit a phone."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.recruiting.models import Application, Opening
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def _patient_on_a_busy_machine():
    """The shared CI machine is sometimes loaded far past its cores: wait longer, never fail
    for slowness alone."""
    expect.set_options(timeout=60_000)
    yield
    expect.set_options(timeout=5_000)


def slow(page):
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    return page


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def test_recruiter_hires_a_candidate_end_to_end(page, reference_data):
    slow(page)
    recruiter = UserFactory(first_name="Olivia", last_name="Owner", email="olivia@example.com")
    candidate = UserFactory(first_name="Ada", last_name="Okafor", email="ada@example.com")

    # The recruiter creates the workspace and switches to it with one click in the header.
    log_in(page, recruiter)
    page.goto("/accounts/organizations/")
    page.locator("#id_name").fill("Acme Robotics")
    page.get_by_test_id("organization-create-submit").click()
    page.get_by_test_id("account-menu").click()  # the workspace switch lives in the account menu
    page.get_by_test_id("switch-workspace").click()
    page.wait_for_url(re.compile(r"/w/acme-robotics/$"))

    # ... and posts an opening with a knockout question.
    page.get_by_test_id("new-opening").click()
    page.locator("#id_title").fill("Robotics engineer")
    page.locator("#id_description").fill("Build **robots** with us.")
    page.locator("#id_location").fill("Madrid")
    page.locator("#id_salary_min").fill("45000")
    page.locator("#id_salary_max").fill("60000")
    page.locator("#id_skills").select_option(["python"])
    page.locator("#id_q0_prompt").fill("Can you work in the EU?")
    page.locator("#id_q0_kind").select_option("yes_no")
    page.locator("#id_q0_knockout").fill("no")
    page.locator("#id_publish").check()
    page.get_by_test_id("opening-save").click()
    expect(page.get_by_test_id("opening-status")).to_have_text("Open")
    opening = Opening.objects.get()

    # The candidate finds it among the company jobs and applies with one click.
    log_in(page, candidate)
    page.goto("/openings/?workplace=remote")
    page.get_by_role("link", name="Robotics engineer").click()
    page.get_by_label("Yes").check()
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("plain-status")).to_have_text("We received your application.")
    application = Application.objects.get()
    assert application.knocked_out is False

    # The team moves it across the board with the buttons, to interview and then offer.
    log_in(page, recruiter)
    board = f"/w/acme-robotics/openings/{opening.pk}/"
    page.goto(board)
    for stage in ("Interview", "Offer"):
        card = page.get_by_test_id("card").filter(has_text="Ada Okafor")
        card.get_by_test_id("card-move-stage").select_option(label=stage)
        card.get_by_test_id("card-move").click()
        expect(page.get_by_test_id(f"column-{stage.lower()}")).to_contain_text("Ada Okafor")

    # An illegal move is refused with a message and changes nothing.
    card = page.get_by_test_id("card").filter(has_text="Ada Okafor")
    card.get_by_test_id("card-move-stage").select_option(label="Applied")
    card.get_by_test_id("card-move").click()
    expect(page.locator(".messages")).to_contain_text("does not allow this move")
    expect(page.get_by_test_id("column-offer")).to_contain_text("Ada Okafor")

    # Offer: drafted, approved (the owner may approve), sent.
    page.get_by_test_id("card-name").filter(has_text="Ada Okafor").click()
    page.locator("#id_salary").fill("52000")
    page.locator("#id_start_date").fill((date.today() + timedelta(days=30)).isoformat())
    page.locator("#id_expires_on").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_test_id("offer-create").click()
    page.get_by_test_id("offer-approve").click()
    page.get_by_test_id("offer-send").click()
    expect(page.get_by_test_id("offer-status")).to_have_text("Sent")

    # The candidate accepts: hired, and the only position is filled.
    log_in(page, candidate)
    page.goto("/applications/")
    page.get_by_role("link", name="Robotics engineer").click()
    expect(page.get_by_test_id("my-offer")).to_contain_text("Robotics engineer")
    page.get_by_test_id("offer-accept").click()
    expect(page.get_by_test_id("plain-status")).to_have_text("You were hired. Congratulations!")
    opening.refresh_from_db()
    assert (opening.status, opening.hired_count) == ("closed", 1)


def test_public_pages_fit_a_phone(phone_page, reference_data):
    from craftwork.recruiting.tests.factories import make_opening, workspace_member

    slow(phone_page)
    member = workspace_member()
    opening = make_opening(member, title="Field technician with a very long title indeed")
    for url in (f"/c/{member.organization.slug}/", "/openings/", f"/openings/{opening.pk}/"):
        phone_page.goto(url)
        expect(phone_page.get_by_text("Field technician").first).to_be_visible()
        assert_fits_phone(phone_page)
