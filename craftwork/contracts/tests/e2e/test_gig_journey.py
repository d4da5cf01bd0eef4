"""A gig order in the browser, on a phone-sized screen: paid through checkout (here: the escrow
funded and ``gig_order_create`` called as payments' fulfilment does), the buyer answers the
seller's questions, the seller delivers a file, the buyer asks for a revision, the seller
delivers again, the buyer accepts; the seller is paid once and the ledger reconciles."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import gig_order
from craftwork.core.tests.documents import pdf_bytes
from craftwork.payments.selectors import escrow_balance, wallet_summary
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


def open_contract(page, contract) -> str:
    page.goto(f"/contracts/{contract.pk}/")
    return page.get_by_test_id("contract-state").get_attribute("data-state")


def deliver(page, message: str, filename: str):
    form = page.get_by_test_id("deliver-form")
    form.get_by_label("Message to the client").fill(message)
    form.get_by_label("Files").set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_test_id("deliver").click()
    page.wait_for_load_state()


def test_requirements_delivery_revision_delivery_accept(phone_page, reference_data):
    page = phone_page
    contract = gig_order(
        requirements=[
            {"question": "What is your brand called?"},
            {"question": "Which style?", "kind": "choice", "choices": ["Modern", "Classic"]},
        ],
        price=12_000,
        revisions=2,
    )
    buyer, seller = contract.client, contract.provider

    log_in(page, buyer)
    page.goto("/contracts/")
    page.get_by_role("link", name=contract.title).click()
    assert page.get_by_test_id("contract-state").get_attribute("data-state") == (
        "awaiting_requirements"
    )
    form = page.get_by_test_id("requirements-form")
    form.get_by_label("What is your brand called?").fill("Acme Bakery")
    form.get_by_label("Modern").check()
    page.get_by_test_id("submit-requirements").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "in_progress")
    assert "counted from" not in page.get_by_test_id("due-at").inner_text()
    assert_fits_phone(page)

    log_in(page, seller)
    assert open_contract(page, contract) == "in_progress"
    expect(page.get_by_test_id("answers")).to_contain_text("Acme Bakery", use_inner_text=True)
    deliver(page, "First version", "logo-v1.pdf")
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "delivered")

    log_in(page, buyer)
    assert open_contract(page, contract) == "delivered"
    assert page.get_by_test_id("delivery-file").first.inner_text() == "logo-v1.pdf"
    page.get_by_test_id("open-request_revision").click()
    page.get_by_test_id("action-request_revision").get_by_role("textbox").fill("Warmer colours")
    page.get_by_test_id("action-request_revision").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "in_progress")
    assert page.get_by_test_id("revisions").inner_text().startswith("1 of 2")

    log_in(page, seller)
    open_contract(page, contract)
    deliver(page, "Second version, warmer", "logo-v2.pdf")
    expect(page.get_by_test_id("gig-delivery")).to_have_count(2)

    log_in(page, buyer)
    open_contract(page, contract)
    page.get_by_test_id("action-accept").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("contract-state")).to_have_attribute("data-state", "completed")
    timeline = page.get_by_test_id("timeline").inner_text()
    for label in ("Requirements submitted", "Deliver", "Request a revision", "Accept delivery"):
        assert label in timeline
    assert_fits_phone(page)

    contract = Contract.objects.get(pk=contract.pk)
    assert contract.state == "completed"
    assert escrow_balance(contract.escrow_ref, "USD").minor == 0
    assert wallet_summary(seller, "USD").pending.minor == 10_800  # 120.00 less the 10 % fee
    call_command("reconcile")
