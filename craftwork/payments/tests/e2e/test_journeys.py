"""Paying in a real browser on the sandbox's hosted card page."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.payments import selectors
from craftwork.payments.models import Payment
from craftwork.payments.reconciliation import reconcile
from craftwork.web.tests.e2e.browser import assert_fits_phone

from ..conftest import start_payment
from ..factories import usd

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    yield
    report = reconcile()
    assert report.ok, report.problems


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def fill_card(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Maya Client")
    page.get_by_test_id("card-submit").click()


def test_client_pays_with_a_test_card_on_a_phone(phone_page):
    page = phone_page
    client = UserFactory()
    payment = start_payment(client)
    log_in(page, client)
    page.goto(f"/payments/{payment.pk}/")
    expect(page.get_by_test_id("fee-total")).to_have_text("$105.00", use_inner_text=True)
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    expect(page.get_by_test_id("checkout-total")).to_have_text("$105.00", use_inner_text=True)
    assert_fits_phone(page)
    fill_card(page, "4242 4242 4242 4242")
    page.wait_for_url(re.compile(rf"/payments/{payment.pk}/return/$"))
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    page.goto("/wallet/")
    expect(page.get_by_test_id("in-escrow")).to_have_text("$100.00", use_inner_text=True)


def test_declined_card_then_authentication_challenge(page):
    client = UserFactory()
    payment = start_payment(client)
    log_in(page, client)
    page.goto(payment.checkout_url)
    fill_card(page, "4000 0000 0000 0002")
    expect(page.get_by_test_id("decline")).to_have_text(
        "Your card was declined.", use_inner_text=True
    )
    fill_card(page, "4242 4242 4242 4241")
    expect(page.get_by_text("Your card number is invalid.")).to_be_visible()
    fill_card(page, "4000 0025 0000 3155")
    page.wait_for_url(re.compile(r"/payments/sandbox/authenticate/"))
    expect(page.get_by_test_id("challenge")).to_be_visible()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(rf"/payments/{payment.pk}/return/$"))
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_failed_authentication_shows_the_error(page):
    client = UserFactory()
    payment = start_payment(client)
    log_in(page, client)
    page.goto(payment.checkout_url)
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Fail authentication").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    expect(page.get_by_test_id("decline")).to_contain_text(
        "unable to authenticate", use_inner_text=True
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
