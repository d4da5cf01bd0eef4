"""The shop's pages: guests and signed-in buyers, checkout through the sandbox, orders, staff."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from craftwork.catalog.tests.factories import GigFactory
from craftwork.commerce import selectors, services
from craftwork.commerce.context_processors import cart as cart_context
from craftwork.commerce.models import Cart, CartLine, Checkout, CheckoutStatus, WishlistItem
from craftwork.commerce.session import SESSION_KEY
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .conftest import add, pay, slot_ref, start

pytestmark = pytest.mark.django_db


def add_form(package, **extra):
    return {"kind": "gig_package", "ref": str(package.pk), **extra}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def log_in(client, user):
    response = client.post("/accounts/login/", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


# --- cart pages ------------------------------------------------------------------------------------


def test_a_guest_adds_to_the_cart_and_comes_back_to_the_gig(client, package):
    gig_url = f"/gigs/{package.gig.pk}/"
    response = client.post("/shop/cart/add/", add_form(package, quantity=2, next=gig_url))
    assert response.status_code == 302 and response["Location"] == gig_url
    cart = Cart.objects.get(pk=client.session[SESSION_KEY])
    assert cart.user is None and selectors.cart_count(cart) == 2
    page = client.get("/shop/cart/")
    content = page.content.decode()
    assert 'data-testid="cart-line"' in content
    assert "$100.00" in content and "Log in to check out" in content
    assert "Save for later" not in content  # guests cannot save


def test_an_unsafe_next_is_ignored(client, package):
    response = client.post("/shop/cart/add/", add_form(package, next="https://evil.example/"))
    assert response["Location"] == "/shop/cart/"


@pytest.mark.parametrize(
    "form",
    [
        {"kind": "gig_package", "ref": "6f1c7a52-8a3e-4d55-9d1e-2b1c4f0e9a10"},
        {"kind": "wine", "ref": "x"},
        {"kind": "gig_package", "ref": "x", "quantity": "lots"},
        {"kind": "gig_package", "ref": "x", "quantity": "0"},
        {},
    ],
)
def test_bad_adds_show_a_message_and_change_nothing(client, form):
    response = client.post("/shop/cart/add/", form, follow=True)
    assert response.status_code == 200
    assert any(m for m in messages_of(response))
    assert not CartLine.objects.exists()


def test_login_merges_the_guest_cart(client, buyer, cart, package, offering):
    add(cart, buyer, package, quantity=9)
    client.post("/shop/cart/add/", add_form(package, quantity=5))
    client.post("/shop/cart/add/", {"kind": "session_slot", "ref": slot_ref(offering)})
    guest_cart_id = client.session[SESSION_KEY]
    response = client.post(
        "/accounts/login/",
        {"email": buyer.email, "password": DEFAULT_PASSWORD, "next": "/shop/cart/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/shop/cart/"
    assert any("quantity is now 10" in m for m in messages_of(response))
    assert not Cart.objects.filter(pk=guest_cart_id).exists()
    assert SESSION_KEY not in client.session
    assert selectors.cart_count(cart) == 11


def test_signed_in_cart_actions(client, buyer, cart, package):
    client.force_login(buyer)
    line = add(cart, buyer, package)
    client.post(f"/shop/cart/lines/{line.pk}/", {"quantity": "3"})
    line.refresh_from_db()
    assert line.quantity == 3
    bad = client.post(f"/shop/cart/lines/{line.pk}/", {"quantity": "-1"}, follow=True)
    assert messages_of(bad) and CartLine.objects.get().quantity == 3
    too_many = client.post(f"/shop/cart/lines/{line.pk}/", {"quantity": "11"}, follow=True)
    assert any("from 1 to 10" in m for m in messages_of(too_many))
    client.post(f"/shop/cart/lines/{line.pk}/save/")
    assert not CartLine.objects.exists() and WishlistItem.objects.count() == 1
    line = add(cart, buyer, package)
    client.post(f"/shop/cart/lines/{line.pk}/remove/")
    assert not CartLine.objects.exists()


def test_other_peoples_lines_are_404(client, buyer, cart, package):
    line = add(cart, buyer, package)
    client.force_login(UserFactory())
    assert client.post(f"/shop/cart/lines/{line.pk}/", {"quantity": "2"}).status_code == 404
    assert client.post(f"/shop/cart/lines/{line.pk}/remove/").status_code == 404
    assert client.post(f"/shop/cart/lines/{line.pk}/save/").status_code == 404
    client.logout()
    assert client.post(f"/shop/cart/lines/{line.pk}/remove/").status_code == 404
    assert CartLine.objects.count() == 1


def test_get_is_not_allowed_on_actions(client, package):
    assert client.get("/shop/cart/add/").status_code == 405


# --- saved items -------------------------------------------------------------------------------------


def test_saved_items_pages(client, buyer, package):
    assert client.get("/shop/saved/").status_code == 302  # to the login page
    client.force_login(buyer)
    client.post("/shop/saved/add/", add_form(package))
    item = WishlistItem.objects.get()
    content = client.get("/shop/saved/").content.decode()
    assert 'data-testid="wishlist-item"' in content and "$50.00" in content
    client.post(f"/shop/saved/{item.pk}/move/")
    assert not WishlistItem.objects.exists() and CartLine.objects.count() == 1
    client.post("/shop/saved/add/", add_form(package))
    item = WishlistItem.objects.get()
    client.force_login(UserFactory())
    assert client.post(f"/shop/saved/{item.pk}/remove/").status_code == 404
    assert client.post(f"/shop/saved/{item.pk}/move/").status_code == 404
    client.force_login(buyer)
    client.post(f"/shop/saved/{item.pk}/remove/")
    assert not WishlistItem.objects.exists()


def test_saving_your_own_gig_is_refused_with_a_message(client, package):
    client.force_login(package.gig.seller)
    response = client.post("/shop/saved/add/", add_form(package), follow=True)
    assert any("your own" in m for m in messages_of(response))


# --- checkout -----------------------------------------------------------------------------------------


@pytest.fixture
def filled(cart, buyer, package, offering):
    add(cart, buyer, package)
    add(cart, buyer, "session_slot", slot_ref(offering))
    return cart


def review_form(client):
    content = client.get("/shop/checkout/").content.decode()
    attempt = re.search(r'name="attempt" value="([^"]+)"', content).group(1)
    version = re.search(r'name="version" value="([^"]+)"', content).group(1)
    return {"attempt": attempt, "version": version}, content


def test_guests_log_in_to_check_out(client, package):
    client.post("/shop/cart/add/", add_form(package))
    response = client.get("/shop/checkout/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_checkout_review_confirm_pay_and_confirmation(client, buyer, filled, reconciled):
    client.force_login(buyer)
    form, content = review_form(client)
    assert "Confirm and pay $115.50" in content
    response = client.post("/shop/checkout/", form)
    checkout = Checkout.objects.get()
    assert response.status_code == 302
    assert response["Location"] == checkout.payment.checkout_url
    # A double submit goes to the same payment.
    assert client.post("/shop/checkout/", form)["Location"] == checkout.payment.checkout_url
    assert Payment.objects.count() == 1

    testing.pay(checkout.payment)
    done = client.get(f"/shop/checkout/{checkout.pk}/done/")
    assert done["Location"] == f"/shop/checkout/{checkout.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert "Thank you! Your order is confirmed" in page
    assert page.count('data-testid="contract-link"') == 2
    assert 'data-testid="receipt-link"' in page
    assert "$115.50" in page
    orders = client.get("/shop/orders/").content.decode()
    assert orders.count('data-testid="order-row"') == 2
    assert f"/shop/checkout/{checkout.pk}/" in orders
    assert client.get("/shop/cart/").context["summary"].is_empty
    assert client.get("/shop/checkouts/").content.decode().count('data-testid="checkout-row"') == 1


def test_a_changed_price_sends_the_buyer_back_to_the_review(client, buyer, filled, package):
    client.force_login(buyer)
    form, _content = review_form(client)
    package.price = 5200
    package.save(update_fields=["price"])
    response = client.post("/shop/checkout/", form, follow=True)
    assert response.redirect_chain[-1][0] == "/shop/checkout/"
    assert any("$52.00" in m for m in messages_of(response))
    assert not Payment.objects.exists()
    form, content = review_form(client)
    assert "Confirm and pay $117.60" in content
    assert client.post("/shop/checkout/", form).status_code == 302
    assert Payment.objects.count() == 1


def test_a_tampered_form_is_refused(client, buyer, filled):
    client.force_login(buyer)
    response = client.post("/shop/checkout/", {"attempt": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == "/shop/checkout/"
    assert not Payment.objects.exists()


def test_an_empty_cart_has_no_checkout(client, buyer):
    client.force_login(buyer)
    assert client.get("/shop/checkout/")["Location"] == "/shop/cart/"


def test_declined_card_keeps_the_cart(client, buyer, filled):
    client.force_login(buyer)
    form, _content = review_form(client)
    client.post("/shop/checkout/", form)
    checkout = Checkout.objects.get()
    pending = client.get(f"/shop/checkout/{checkout.pk}/").content.decode()
    assert "Waiting for your payment" in pending
    testing.pay(checkout.payment, testing.DECLINED)
    page = client.get(f"/shop/checkout/{checkout.pk}/done/", follow=True).content.decode()
    assert "The payment did not go through" in page and "declined" in page
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.FAILED
    cart_page = client.get("/shop/cart/").content.decode()
    assert cart_page.count('data-testid="cart-line"') == 2


def test_cancel_and_pay_buttons(client, buyer, filled):
    client.force_login(buyer)
    checkout = start(filled, buyer)
    pay_now = client.post(f"/shop/checkout/{checkout.pk}/pay/")
    assert pay_now["Location"] == checkout.payment.checkout_url
    client.post(f"/shop/checkout/{checkout.pk}/cancel/")
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.CANCELLED
    assert client.post(f"/shop/checkout/{checkout.pk}/pay/")["Location"] == (
        f"/shop/checkout/{checkout.pk}/"
    )
    again = client.post(f"/shop/checkout/{checkout.pk}/cancel/", follow=True)
    assert again.status_code == 200


def test_other_peoples_checkouts_are_404(client, buyer, filled):
    checkout = start(filled, buyer)
    client.force_login(UserFactory())
    for url in ("", "done/"):
        assert client.get(f"/shop/checkout/{checkout.pk}/{url}").status_code == 404
    for url in ("pay/", "cancel/"):
        assert client.post(f"/shop/checkout/{checkout.pk}/{url}").status_code == 404
    assert client.get("/shop/staff/orders/").status_code == 404
    assert client.get(f"/shop/staff/orders/{checkout.pk}/").status_code == 404
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.PENDING


def test_staff_see_every_order(client, buyer, filled):
    checkout = pay(start(filled, buyer))
    client.force_login(StaffFactory())
    listing = client.get("/shop/staff/orders/?status=paid").content.decode()
    assert listing.count('data-testid="staff-order-row"') == 1
    assert (
        client.get("/shop/staff/orders/?status=pending")
        .content.decode()
        .count('data-testid="staff-order-row"')
        == 0
    )
    detail = client.get(f"/shop/staff/orders/{checkout.pk}/").content.decode()
    assert buyer.email in detail or str(buyer) in detail


def test_sales_page(client, buyer, filled, package):
    pay(start(filled, buyer))
    client.force_login(package.gig.seller)
    content = client.get("/shop/sales/").content.decode()
    assert content.count('data-testid="order-row"') == 1 and "Bea B." in content


# --- catalog pages: the buttons -------------------------------------------------------------------------


def test_gig_page_has_add_and_save_per_package(client, buyer, gig):
    content = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert content.count('data-testid="add-to-cart"') == 6  # table and cards, 3 packages
    assert 'data-testid="login-to-save"' in content
    client.force_login(buyer)
    content = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert content.count('data-testid="save"') == 6
    client.force_login(gig.seller)
    assert 'data-testid="add-to-cart"' not in client.get(f"/gigs/{gig.pk}/").content.decode()


def test_slot_picker_adds_a_slot(client, buyer, offering):
    client.force_login(buyer)
    page = client.get(f"/mentors/sessions/{offering.pk}/").content.decode()
    assert 'data-testid="slot-add"' in page and 'data-testid="slot-save"' in page
    ref = re.search(r'name="ref" value="([^"]+)"', page).group(1)
    client.post("/shop/cart/add/", {"kind": "session_slot", "ref": ref})
    assert CartLine.objects.get().kind == "session_slot"
    client.force_login(offering.mentor)
    assert (
        'data-testid="slot-add"'
        not in client.get(f"/mentors/sessions/{offering.pk}/").content.decode()
    )


# --- header count and query counts -----------------------------------------------------------------------


def test_header_cart_count(rf, buyer, cart, package, client):
    add(cart, buyer, package, quantity=3)
    request = rf.get("/")
    request.user = buyer
    request.session = {}
    assert str(cart_context(request)["cart_count"]) == "3"
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    guest = services.guest_cart_create()
    add(guest, None, package)
    request.session = {SESSION_KEY: str(guest.pk)}
    assert str(cart_context(request)["cart_count"]) == "1"
    request.session = {SESSION_KEY: "garbage"}
    assert not cart_context(request)["cart_count"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_cart_and_order_pages_do_not_grow_with_their_rows(client, buyer, cart):
    client.force_login(buyer)
    gig = GigFactory(active=True)
    add(cart, buyer, gig.packages.first())
    pay(start(cart, buyer))
    add(cart, buyer, gig.packages.first())
    services.wishlist_add(
        user=buyer, kind="gig_package", ref=str(gig.packages.last().pk), actor=buyer
    )
    urls = ("/shop/cart/", "/shop/orders/", "/shop/checkouts/", "/shop/saved/")
    small = {url: count_queries(client, url) for url in urls}
    for _ in range(3):
        for package in GigFactory(active=True).packages.all():
            add(cart, buyer, package)
            services.wishlist_add(user=buyer, kind="gig_package", ref=str(package.pk), actor=buyer)
    pay(start(cart, buyer))
    for _ in range(3):
        add(cart, buyer, GigFactory(active=True).packages.first())
    large = {url: count_queries(client, url) for url in urls}
    assert large == small
