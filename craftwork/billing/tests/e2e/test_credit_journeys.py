"""Browser journey: a freelancer spends credits on a bid and gets them back when the job is
cancelled; the pricing page and the credit history explain it."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory
from craftwork.billing.defaults import ensure_defaults
from craftwork.jobs.models import Proposal
from craftwork.jobs.tests.factories import JobFactory
from craftwork.payments.reconciliation import reconcile
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded(live_server):
    ensure_defaults()  # a transactional test before this one may have flushed the seeded plans
    yield
    report = reconcile()
    assert report.ok, report.problems


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def credit_balance(page) -> str:
    page.goto("/billing/credits/")
    return page.get_by_test_id("credit-balance").inner_text()


def test_bid_with_credits_and_get_them_back_when_the_job_is_cancelled(phone_page, reference_data):
    page = phone_page
    page.goto("/pricing/")
    expect(page.get_by_test_id("plan-freelancer-basic")).to_contain_text("10 credits every month")
    expect(page.get_by_test_id("credit-prices")).to_contain_text("Submitting a proposal")
    assert_fits_phone(page)

    ada = FreelancerFactory(first_name="Ada", email="ada@example.com")
    job = JobFactory(title="Booking API for climbing gyms")
    log_in(page, ada)
    assert credit_balance(page) == "10"

    page.goto(f"/jobs/{job.pk}/")
    form = page.get_by_test_id("proposal-form")
    form.get_by_label("Your price (USD)").fill("450")
    form.get_by_label("Estimated duration (days)").fill("10")
    form.get_by_label("Cover letter").fill("I built two booking systems in Django last year.")
    page.get_by_test_id("submit-proposal").click()
    page.wait_for_url(re.compile(r"/jobs/proposals/[0-9a-f-]{36}/$"))
    assert Proposal.objects.filter(job=job, freelancer=ada).exists()
    assert credit_balance(page) == "8"
    history = page.get_by_test_id("credit-history")
    expect(history).to_contain_text("Submitting a proposal")
    expect(history).to_contain_text("Monthly credits of the Freelancer Basic plan")
    assert_fits_phone(page)

    log_in(page, job.client)
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_test_id("cancel-job").first.click()
    page.wait_for_load_state()

    log_in(page, ada)
    assert credit_balance(page) == "10"
    expect(page.get_by_test_id("credit-history")).to_contain_text("The job was cancelled.")
