"""Staff in a real browser: filter payments and export them; a support agent asks for a refund."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.payments.models import Payment

from ..factories import staff
from ..seed import pay

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def test_finance_filters_payments_and_exports_a_csv(page):
    payer = UserFactory(email="payer@example.com")
    paid = pay(payer, 10_000)
    declined = pay(payer, 2_500, card="4000000000000002")
    log_in(page, staff("finance"))
    page.get_by_role("link", name="Console").first.click()
    expect(page.get_by_role("heading", name="Staff console")).to_be_visible()
    expect(page.get_by_test_id("figure-gmv-USD")).to_contain_text("$100.00")
    page.get_by_test_id("console-nav-payments").click()
    page.get_by_label("Status").select_option("failed")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("result-count")).to_have_text("1 row")
    expect(page.get_by_test_id("console-table")).to_contain_text("25.00")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == [str(declined.pk)]
    assert rows[1][8] == "failed"
    assert str(paid.pk) not in text


def test_a_support_agent_is_refused_a_refund(page):
    payment = pay(UserFactory(), 10_000)
    log_in(page, staff("support"))
    page.goto(reverse("payments:staff-payment", args=[payment.pk]))
    page.get_by_label("Amount to refund").fill("20.00")
    page.get_by_label("Reason").fill("The client asked")
    page.get_by_test_id("refund-submit").click()
    expect(page.get_by_text("You are not allowed to do this.")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not payment.refunds.exists()
