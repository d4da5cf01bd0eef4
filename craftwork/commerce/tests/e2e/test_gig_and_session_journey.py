"""One cart, two kinds of order, in real browsers: a client browses gigs, adds a package and a
mentorship slot to the cart, pays once with a sandbox card, answers the seller's questions,
receives a delivery, asks for a revision and accepts; the mentor sees the booked session and
both parties are reminded a day before it starts."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory, UserFactory
from craftwork.catalog import services as catalog
from craftwork.catalog.tests.factories import GigFactory, OfferingFactory
from craftwork.commerce.models import Checkout
from craftwork.commerce.tests.conftest import slot_ref, slot_start
from craftwork.contracts.models import Contract, SessionBooking
from craftwork.core.tests.documents import pdf_bytes
from craftwork.notifications import services as notifications
from craftwork.notifications.models import Notification
from craftwork.payments.models import Payment
from craftwork.payments.reconciliation import reconcile
from craftwork.payments.selectors import escrow_balance
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server, reference_data):
    settings.SITE_URL = live_server.url
    yield
    report = reconcile()
    assert report.ok, report.problems


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def fill_card(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Bea Buyer")
    page.get_by_test_id("card-submit").click()


def state(page) -> str:
    return page.get_by_test_id("contract-state").get_attribute("data-state")


def open_contract(page, contract) -> str:
    page.goto(f"/contracts/{contract.pk}/")
    return state(page)


def deliver(page, message: str, filename: str):
    form = page.get_by_test_id("deliver-form")
    form.get_by_label("Message to the client").fill(message)
    form.get_by_label("Files").set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_test_id("deliver").click()
    page.wait_for_load_state()


def test_one_payment_for_a_gig_package_and_a_session_then_delivery_and_reminders(phone_page, page):
    client_page, seller_page = phone_page, page
    buyer = UserFactory(first_name="Bea", last_name="Buyer")
    seller = FreelancerFactory(first_name="Sam", last_name="Seller")
    mentor = FreelancerFactory(first_name="Mia", last_name="Mentor")
    gig = GigFactory(active=True, seller=seller, title="I will paint a watercolour shopfront")
    catalog.gig_requirements_set(
        actor=seller, gig=gig, requirements=[{"question": "What is your shop called?"}]
    )
    offering = OfferingFactory(mentor=mentor, topic="Portfolio review")
    start = slot_start(days=2, hour=10)

    # 1. Browse, add a package and a free slot; the cart has both lines and the fees.
    log_in(client_page, buyer)
    client_page.goto("/gigs/?q=watercolour")
    client_page.get_by_test_id("gig-card-link").first.click()
    client_page.wait_for_url(re.compile(rf"/gigs/{gig.pk}/$"))
    basic = client_page.get_by_test_id("package-cards").get_by_test_id("package-buy-basic")
    basic.get_by_test_id("add-to-cart").click()
    client_page.wait_for_url(re.compile(rf"/gigs/{gig.pk}/$"))

    client_page.goto(f"/mentors/sessions/{offering.pk}/")
    slot = client_page.locator(f'[data-slot-ref="{slot_ref(offering, days=2, hour=10)}"]')
    slot.get_by_test_id("slot-add").click()
    client_page.wait_for_url(re.compile(rf"/mentors/sessions/{offering.pk}/"))

    client_page.goto("/shop/cart/")
    expect(client_page.get_by_test_id("cart-line")).to_have_count(2)
    totals = client_page.get_by_test_id("cart-totals")
    assert totals.get_by_test_id("client-fee").inner_text() == "$5.50"  # 5 % of 50 + 60
    expect(totals.get_by_test_id("total")).to_have_text("$115.50", use_inner_text=True)
    assert_fits_phone(client_page)

    # 2. One checkout, one card payment, two orders.
    client_page.get_by_test_id("go-to-checkout").click()
    client_page.wait_for_url(re.compile(r"/shop/checkout/$"))
    expect(client_page.get_by_test_id("review-line")).to_have_count(2)
    client_page.get_by_test_id("confirm-and-pay").click()
    client_page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    expect(client_page.get_by_test_id("checkout-total")).to_have_text(
        "$115.50", use_inner_text=True
    )
    fill_card(client_page, "4242 4242 4242 4242")
    client_page.wait_for_url(re.compile(r"/payments/.+/return/$"))
    client_page.get_by_test_id("continue").click()
    client_page.wait_for_url(re.compile(r"/shop/checkout/[0-9a-f-]+/$"))
    expect(client_page.get_by_test_id("checkout")).to_have_attribute("data-status", "paid")
    lines = client_page.get_by_test_id("order-line")
    expect(lines).to_have_count(2)
    assert [lines.nth(i).get_attribute("data-status") for i in range(2)] == ["fulfilled"] * 2
    expect(client_page.get_by_test_id("contract-link")).to_have_count(2)
    expect(client_page.get_by_test_id("order-total")).to_have_text("$115.50", use_inner_text=True)
    assert_fits_phone(client_page)

    checkout = Checkout.objects.get(buyer=buyer)
    payment = Payment.objects.get()
    assert checkout.payment_id == payment.pk
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.lines.count() == 2
    order = Contract.objects.get(client=buyer, source="gig_order")
    session = Contract.objects.get(client=buyer, source="session_booking")
    assert order.provider == seller and session.provider == mentor
    assert SessionBooking.objects.get(contract=session).starts_at == start

    # 3. Requirements, delivery, revision, second delivery, acceptance.
    assert open_contract(client_page, order) == "awaiting_requirements"
    form = client_page.get_by_test_id("requirements-form")
    form.get_by_label("What is your shop called?").fill("Paper & Pine")
    client_page.get_by_test_id("submit-requirements").click()
    client_page.wait_for_load_state()
    assert state(client_page) == "in_progress"

    log_in(seller_page, seller)
    assert open_contract(seller_page, order) == "in_progress"
    expect(seller_page.get_by_test_id("answers")).to_contain_text(
        "Paper & Pine", use_inner_text=True
    )
    deliver(seller_page, "First sketch", "shopfront-v1.pdf")
    assert state(seller_page) == "delivered"

    assert open_contract(client_page, order) == "delivered"
    assert client_page.get_by_test_id("delivery-file").first.inner_text() == "shopfront-v1.pdf"
    client_page.get_by_test_id("open-request_revision").click()
    revision = client_page.get_by_test_id("action-request_revision")
    revision.get_by_role("textbox").fill("More green, please")
    revision.get_by_role("button").click()
    client_page.wait_for_load_state()
    assert state(client_page) == "in_progress"

    assert open_contract(seller_page, order) == "in_progress"
    deliver(seller_page, "Greener version", "shopfront-v2.pdf")
    expect(seller_page.get_by_test_id("gig-delivery")).to_have_count(2)

    assert open_contract(client_page, order) == "delivered"
    client_page.get_by_test_id("action-accept").get_by_role("button").click()
    client_page.wait_for_load_state()
    assert state(client_page) == "completed"
    order.refresh_from_db()
    assert order.state == "completed"
    assert escrow_balance(order.escrow_ref, "USD").minor == 0

    # 4. The mentor finds the booked session, its time and where to meet.
    log_in(seller_page, mentor)
    seller_page.goto("/contracts/")
    seller_page.get_by_role("link", name="Portfolio review").click()
    seller_page.wait_for_url(re.compile(rf"/contracts/{session.pk}/$"))
    assert state(seller_page) == "scheduled"
    when = seller_page.get_by_test_id("session-time")
    assert "10 a.m." in when.inner_text() and "(UTC)" in when.inner_text()
    assert when.locator("time").get_attribute("datetime") == start.isoformat()
    location = seller_page.get_by_test_id("location-form")
    location.get_by_label("Or a place to meet").fill("Café Central, Main Street")
    seller_page.get_by_test_id("save-location").click()
    seller_page.wait_for_load_state()
    expect(seller_page.get_by_test_id("session-location")).to_contain_text(
        "Café Central", use_inner_text=True
    )

    assert notifications.reminders_run(now=start - timedelta(hours=23)) == 1
    reminders = Notification.objects.filter(type="session_reminder")
    assert {n.recipient for n in reminders} == {buyer, mentor}
    assert {n.link for n in reminders} == {f"/contracts/{session.pk}/"}
    assert notifications.reminders_run(now=start - timedelta(hours=22)) == 0
