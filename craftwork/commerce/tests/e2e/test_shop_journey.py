"""Buying in a real browser: a guest fills a cart, logs in (the cart merges), pays on the
sandbox's card page and finds the order; a declined card keeps the cart."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from craftwork.catalog.tests.factories import GigFactory
from craftwork.commerce import selectors, services
from craftwork.commerce.models import Checkout, CheckoutStatus
from craftwork.contracts.models import Contract
from craftwork.payments.reconciliation import reconcile
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server, reference_data):
    settings.SITE_URL = live_server.url
    yield
    report = reconcile()
    assert report.ok, report.problems


def fill_card(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Bea Buyer")
    page.get_by_test_id("card-submit").click()


def test_guest_cart_login_checkout_pay_and_find_the_order(phone_page):
    page = phone_page
    gig = GigFactory(active=True, title="I will illustrate your book cover")
    buyer = UserFactory(first_name="Bea", last_name="Buyer")

    page.goto(f"/gigs/{gig.pk}/")
    basic = page.get_by_test_id("package-cards").get_by_test_id("package-buy-basic")
    basic.get_by_test_id("add-to-cart").click()
    page.wait_for_url(re.compile(rf"/gigs/{gig.pk}/$"))
    page.get_by_test_id("message-cart-link").click()
    page.wait_for_url(re.compile(r"/shop/cart/$"))
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.get_by_test_id("cart-totals").get_by_test_id("total")).to_have_text(
        "$52.50", use_inner_text=True
    )
    assert_fits_phone(page)

    page.get_by_test_id("go-to-checkout").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_test_id("login-email").fill(buyer.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/shop/checkout/$"))
    # The guest's cart is now the buyer's.
    assert selectors.cart_count(selectors.user_cart(buyer)) == 1
    expect(page.get_by_test_id("review-line")).to_have_count(1)
    assert_fits_phone(page)

    page.get_by_test_id("confirm-and-pay").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    expect(page.get_by_test_id("checkout-total")).to_have_text("$52.50", use_inner_text=True)
    fill_card(page, "4242 4242 4242 4242")
    page.wait_for_url(re.compile(r"/payments/.+/return/$"))
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(r"/shop/checkout/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_visible()
    expect(page.get_by_test_id("checkout")).to_have_attribute("data-status", "paid")
    expect(page.get_by_test_id("order-total")).to_have_text("$52.50", use_inner_text=True)
    expect(page.get_by_test_id("receipt-link")).to_be_visible()
    assert_fits_phone(page)

    page.get_by_test_id("contract-link").click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]+/$"))
    contract = Contract.objects.get(client=buyer)
    assert contract.source == "gig_order" and contract.provider == gig.seller

    page.goto("/shop/orders/")
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("I will illustrate your book cover", use_inner_text=True)
    page.goto("/shop/cart/")
    expect(page.get_by_test_id("cart-empty")).to_be_visible()


def test_a_declined_card_keeps_the_cart(page):
    gig = GigFactory(active=True)
    buyer = UserFactory()
    cart = services.cart_for_user(user=buyer)
    services.cart_add(
        cart=cart, kind="gig_package", ref=str(gig.packages.first().pk), quantity=1, actor=buyer
    )
    page.goto("/accounts/login/?next=/shop/cart/")
    page.get_by_test_id("login-email").fill(buyer.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/shop/cart/$"))

    page.get_by_test_id("go-to-checkout").click()
    page.wait_for_url(re.compile(r"/shop/checkout/$"))
    page.get_by_test_id("confirm-and-pay").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    fill_card(page, "4000 0000 0000 0002")
    expect(page.get_by_test_id("decline")).to_have_text(
        "Your card was declined.", use_inner_text=True
    )

    checkout = Checkout.objects.get(buyer=buyer)
    page.goto(f"/shop/checkout/{checkout.pk}/done/")
    page.wait_for_url(re.compile(rf"/shop/checkout/{checkout.pk}/$"))
    expect(page.get_by_role("heading", name="The payment did not go through")).to_be_visible()
    page.get_by_test_id("back-to-cart").click()
    page.wait_for_url(re.compile(r"/shop/cart/$"))
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.FAILED
    assert not Contract.objects.exists()
