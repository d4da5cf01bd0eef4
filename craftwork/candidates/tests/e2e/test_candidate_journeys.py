"""A candidate uploads a CV, sees the form pre-filled, corrects a field, confirms, and the
profile shows it — at desktop size, then the same profile on a phone."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.candidates.models import CVStatus, CVUpload
from craftwork.web.tests.e2e.browser import assert_fits_phone

from ..documents import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_upload_a_cv_correct_the_draft_and_confirm(page, phone_page, reference_data):
    candidate = UserFactory(first_name="Lucía", language="en")
    log_in(page, candidate)
    page.get_by_test_id("account-menu").click()  # "My CV" lives in the account menu
    page.get_by_test_id("nav-candidate").first.click()
    page.wait_for_url(re.compile(r"/candidates/me/$"))
    page.get_by_test_id("cv-file").set_input_files(str(FIXTURES / "07-es-pdf-one-column.pdf"))
    page.get_by_test_id("cv-upload").click()
    page.wait_for_url(re.compile(r"/candidates/me/cvs/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("cv-parsed-notice")).to_be_visible()

    # The form arrives pre-filled with what the parser read.
    first_title = page.get_by_test_id("work-title").first
    expect(first_title).not_to_have_value("")
    expect(page.get_by_test_id("work-employer").first).not_to_have_value("")
    expect(page.get_by_test_id("skill-python")).to_be_checked()

    # Correct one field and add a link with the no-JavaScript "add" button.
    first_title.fill("Lead Backend Engineer")
    page.get_by_test_id("add-link").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("work-title").first).to_have_value("Lead Backend Engineer")
    page.get_by_test_id("link-url").last.fill("https://ana.example.dev")
    page.locator("input[name=visibility][value=applications]").check()
    page.get_by_test_id("candidate-save").click()
    page.wait_for_url(re.compile(r"/candidates/me/$"))

    expect(page.get_by_test_id("work-item").first).to_contain_text("Lead Backend Engineer")
    expect(page.get_by_test_id("profile-visibility")).to_have_text("Companies I apply to")
    expect(page.get_by_test_id("current-cv")).to_be_visible()
    assert "https://ana.example.dev" in page.content()
    assert CVUpload.objects.get(owner=candidate).status == CVStatus.CONFIRMED

    log_in(phone_page, candidate)
    phone_page.goto("/candidates/me/edit/")
    expect(phone_page.get_by_test_id("work-title").first).to_have_value("Lead Backend Engineer")
    assert_fits_phone(phone_page)
    phone_page.goto("/candidates/me/")
    assert_fits_phone(phone_page)


def test_a_scanned_cv_says_so_and_the_candidate_fills_the_form(page, reference_data):
    candidate = UserFactory(language="en")
    log_in(page, candidate)
    page.goto("/candidates/me/")
    page.get_by_test_id("cv-file").set_input_files(str(FIXTURES / "25-scanned-no-text.pdf"))
    page.get_by_test_id("cv-upload").click()
    expect(page.get_by_test_id("cv-no-text")).to_be_visible()
    page.get_by_test_id("add-work").click()
    page.wait_for_load_state()
    page.get_by_test_id("work-title").first.fill("Accountant")
    page.get_by_test_id("work-employer").first.fill("Initech")
    page.get_by_test_id("work-start_year").first.fill("2015")
    page.get_by_test_id("work-end_year").first.fill("2020")
    page.get_by_test_id("candidate-save").click()
    page.wait_for_url(re.compile(r"/candidates/me/$"))
    expect(page.get_by_test_id("work-item")).to_contain_text("Accountant · Initech")
