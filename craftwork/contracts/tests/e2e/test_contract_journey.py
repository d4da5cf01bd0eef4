"""A fixed-price contract in the browser, on a phone-sized screen: the client funds the
milestone through the sandbox checkout, the freelancer delivers, the client asks for a
change, then approves; the money is released once and the ledger reconciles."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.payments.selectors import wallet_summary
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


def open_contract(page, contract):
    page.goto(f"/contracts/{contract.pk}/")
    return page.get_by_test_id("contract-state")


def test_fund_deliver_revise_approve(phone_page):
    page = phone_page
    contract = ContractFactory(title="Shop logo")
    client, freelancer = contract.client, contract.provider

    log_in(page, client)
    page.goto("/contracts/")
    page.get_by_role("link", name="Shop logo").click()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "pending_funding")
    page.get_by_test_id("fund-milestone").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Olivia Client")
    page.get_by_test_id("card-submit").click()
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(rf"/contracts/{contract.pk}/"))
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "active")

    log_in(page, freelancer)
    open_contract(page, contract)
    page.get_by_test_id("submit-form").get_by_label("Message to the client").fill("First version")
    page.get_by_test_id("submit-work").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "delivered")

    log_in(page, client)
    open_contract(page, contract)
    page.get_by_test_id("open-request_changes").click()
    page.get_by_test_id("action-request_changes").get_by_role("textbox").fill("Use the brand green")
    page.get_by_test_id("action-request_changes").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("milestone")).to_have_attribute("data-state", "changes_requested")

    log_in(page, freelancer)
    open_contract(page, contract)
    page.get_by_test_id("submit-form").get_by_label("Message to the client").fill("Now in green")
    page.get_by_test_id("submit-work").click()
    page.wait_for_load_state()

    log_in(page, client)
    open_contract(page, contract)
    page.get_by_test_id("action-approve").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "completed")
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Request changes" in timeline and "Approve and pay" in timeline
    assert_fits_phone(page)

    assert Contract.objects.get(pk=contract.pk).state == "completed"
    assert wallet_summary(freelancer, "USD").pending.minor == 45_000
    call_command("reconcile")


def test_hourly_week_logged_approved_and_paid(phone_page):
    from craftwork.contracts.tests.factories import HourlyContractFactory

    page = phone_page
    contract = HourlyContractFactory(title="Weekly bookkeeping")
    log_in(page, contract.provider)
    open_contract(page, contract)
    form = page.get_by_test_id("timelog-form")
    form.get_by_label("Hours").fill("1")
    form.get_by_label("Minutes").fill("30")
    form.get_by_label("What did you work on?").fill("Reconciled the accounts")
    page.get_by_test_id("log-time").click()
    page.wait_for_load_state()
    page.get_by_test_id("action-submit").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("timesheet")).to_have_attribute("data-state", "submitted")

    log_in(page, contract.client)
    open_contract(page, contract)
    assert_fits_phone(page)
    page.get_by_test_id("action-approve").get_by_role("button").click()
    page.wait_for_load_state()
    page.get_by_test_id("pay-timesheet").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Olivia Client")
    page.get_by_test_id("card-submit").click()
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(rf"/contracts/{contract.pk}/"))
    expect(page.get_by_test_id("timesheet")).to_have_attribute("data-state", "paid")
    assert wallet_summary(contract.provider, "USD").pending.minor == 6_750  # 75.00 less 10 %
    call_command("reconcile")
