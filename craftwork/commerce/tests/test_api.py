"""The shop API: every action, bad input, other people's ids, replays, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.catalog.tests.factories import GigFactory
from craftwork.commerce import services
from craftwork.commerce.models import CartLine, Checkout, CheckoutStatus, WishlistItem
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .conftest import add, pay, slot_ref, start

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"
WISHLIST = "/api/v1/wishlist/"
CHECKOUTS = "/api/v1/checkouts/"
REVIEW = "/api/v1/checkouts/review/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def add_body(package, quantity=1):
    return {"kind": "gig_package", "ref": str(package.pk), "quantity": quantity}


def error(response):
    return response.json()["error"]


# --- cart --------------------------------------------------------------------------------------


def test_cart_add_change_remove(buyer_api, package):
    assert buyer_api.get(CART).json()["lines"] == []
    created = buyer_api.post(LINES, add_body(package, 2))
    assert created.status_code == 201, created.content
    line = created.json()
    assert line["quantity"] == 2 and line["max_quantity"] == 10
    assert line["unit_price"] == {"amount": "50.00", "amount_minor": 5000, "currency": "USD"}
    assert line["breakdown"]["subtotal"]["amount_minor"] == 10_000
    assert line["breakdown"]["client_fee"]["amount_minor"] == 500
    assert line["seller"]["name"]
    again = buyer_api.post(LINES, add_body(package))
    assert again.status_code == 200 and again.json()["quantity"] == 3

    cart = buyer_api.get(CART).json()
    assert cart["count"] == 3 and cart["currency"] == "USD" and cart["max_lines"] == 50
    assert cart["totals"]["total"]["amount_minor"] == 15_750
    assert cart["open_checkout"] is None

    url = f"{LINES}{line['id']}/"
    assert buyer_api.patch(url, {"quantity": 5}).json()["quantity"] == 5
    assert buyer_api.delete(url).status_code == 204
    assert buyer_api.get(CART).json()["count"] == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"ref": "x"}, "kind"),
        ({"kind": "gig", "ref": "x"}, "kind"),
        ({"kind": "gig_package"}, "ref"),
        ({"kind": "gig_package", "ref": "x" * 201}, "ref"),
        ({"kind": "gig_package", "ref": "x", "quantity": 0}, "quantity"),
        ({"kind": "gig_package", "ref": "x", "quantity": -3}, "quantity"),
        ({"kind": "gig_package", "ref": "x", "quantity": "lots"}, "quantity"),
        ({"kind": "gig_package", "ref": "x", "quantity": 10**12}, "quantity"),
        ({"kind": "gig_package", "ref": "x", "price": 1}, "price"),
    ],
)
def test_bad_add_input_is_a_validation_error(buyer_api, body, field):
    response = buyer_api.post(LINES, body)
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    assert field in error(response)["details"]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    "ref", ["not-a-uuid", "6f1c7a52-8a3e-4d55-9d1e-2b1c4f0e9a10", "6f1c7a52@yesterday"]
)
def test_unknown_items_are_not_found(buyer_api, ref):
    response = buyer_api.post(LINES, {"kind": "gig_package", "ref": ref})
    assert response.status_code == 404
    assert error(response)["code"] == "purchasable_not_found"


def test_domain_refusals(buyer_api, buyer, package, offering):
    own = client_for(package.gig.seller).post(LINES, add_body(package))
    assert (own.status_code, error(own)["code"]) == (403, "own_item")
    too_many = buyer_api.post(LINES, add_body(package, 11))
    assert (too_many.status_code, error(too_many)["code"]) == (400, "invalid_quantity")
    paused = GigFactory(paused=True)
    response = buyer_api.post(LINES, add_body(paused.packages.first()))
    assert (response.status_code, error(response)["code"]) == (400, "gig_paused")
    past = buyer_api.post(LINES, {"kind": "session_slot", "ref": slot_ref(offering, days=-2)})
    assert (past.status_code, error(past)["code"]) == (400, "slot_in_past")
    assert buyer_api.post(LINES, add_body(package)).status_code == 201
    euro = GigFactory(active=True, currency="EUR")
    mixed = buyer_api.post(LINES, add_body(euro.packages.first()))
    assert (mixed.status_code, error(mixed)["code"]) == (400, "cart_currency_mismatch")


def test_bad_quantity_changes(buyer_api, buyer, cart, package):
    line = add(cart, buyer, package)
    url = f"{LINES}{line.pk}/"
    for quantity in (0, -1, "two", None, 10**9):
        assert buyer_api.patch(url, {"quantity": quantity}).status_code == 400
    assert buyer_api.patch(url, {"quantity": 11}).json()["error"]["code"] == "invalid_quantity"
    assert buyer_api.patch(url, {}).status_code == 400
    line.refresh_from_db()
    assert line.quantity == 1


def test_other_peoples_lines_are_not_found(buyer, cart, package):
    line = add(cart, buyer, package)
    stranger = client_for(UserFactory())
    url = f"{LINES}{line.pk}/"
    assert stranger.patch(url, {"quantity": 2}).status_code == 404
    assert stranger.delete(url).status_code == 404
    assert stranger.post(f"{url}save-for-later/").status_code == 404
    assert CartLine.objects.get().quantity == 1


def test_anonymous_is_refused(api_client):
    assert api_client.get(CART).status_code == 401
    assert api_client.post(CHECKOUTS, {}).status_code == 401


# --- wishlist ---------------------------------------------------------------------------------


def test_wishlist_save_move_remove(buyer_api, buyer, cart, package, gig):
    saved = buyer_api.post(WISHLIST, {"kind": "gig_package", "ref": str(package.pk)})
    assert saved.status_code == 201
    item_id = saved.json()["id"]
    assert len(buyer_api.get(WISHLIST).json()["results"]) == 1
    moved = buyer_api.post(f"{WISHLIST}{item_id}/move-to-cart/")
    assert moved.status_code == 200 and moved.json()["ref"] == str(package.pk)
    assert len(buyer_api.get(WISHLIST).json()["results"]) == 0
    premium = gig.packages.get(tier="premium")
    item = buyer_api.post(WISHLIST, {"kind": "gig_package", "ref": str(premium.pk)}).json()
    assert buyer_api.delete(f"{WISHLIST}{item['id']}/").status_code == 204
    line = CartLine.objects.get()
    later = buyer_api.post(f"{LINES}{line.pk}/save-for-later/")
    assert later.status_code == 201 and not CartLine.objects.exists()


def test_wishlist_bad_input_and_strangers(buyer_api, buyer, package):
    assert buyer_api.post(WISHLIST, {"kind": "gig_package"}).status_code == 400
    assert buyer_api.post(WISHLIST, {"kind": "x", "ref": "y"}).status_code == 400
    assert buyer_api.post(WISHLIST, {"kind": "gig_package", "ref": "zzz"}).status_code == 404
    item = services.wishlist_add(user=buyer, kind="gig_package", ref=str(package.pk), actor=buyer)
    stranger = client_for(UserFactory())
    assert stranger.delete(f"{WISHLIST}{item.pk}/").status_code == 404
    assert stranger.post(f"{WISHLIST}{item.pk}/move-to-cart/").status_code == 404
    assert WishlistItem.objects.count() == 1


# --- checkout -----------------------------------------------------------------------------------


@pytest.fixture
def filled(cart, buyer, package, offering):
    add(cart, buyer, package)
    add(cart, buyer, "session_slot", slot_ref(offering))
    return cart


def test_review_then_start_then_pay(buyer_api, filled, reconciled):
    review = buyer_api.get(REVIEW).json()
    assert review["changed"] is False and len(review["lines"]) == 2
    assert review["totals"]["total"]["amount_minor"] == 11_000 + 550
    started = buyer_api.post(
        CHECKOUTS, {"version": review["version"]}, HTTP_IDEMPOTENCY_KEY="key-0001-abcdef"
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["status"] == "pending"
    assert body["payment"]["checkout_url"].startswith("http://testserver/payments/sandbox/")
    assert [line["status"] for line in body["lines"]] == ["pending", "pending"]
    assert body["lines"][0]["contract_id"] is None

    checkout = Checkout.objects.get()
    testing.pay(checkout.payment)
    detail = buyer_api.get(f"{CHECKOUTS}{checkout.pk}/").json()
    assert detail["status"] == "paid"
    assert {line["status"] for line in detail["lines"]} == {"fulfilled"}
    assert (
        detail["lines"][0]["contract_url"]
        == f"/api/v1/contracts/{detail['lines'][0]['contract_id']}/"
    )
    assert detail["receipt_url"].endswith(".pdf")
    orders = buyer_api.get("/api/v1/orders/").json()
    assert len(orders["results"]) == 2
    assert {order["checkout_id"] for order in orders["results"]} == {str(checkout.pk)}
    assert buyer_api.get(CART).json()["count"] == 0


def test_replayed_start_never_charges_twice(buyer_api, filled):
    first = buyer_api.post(CHECKOUTS, {}, HTTP_IDEMPOTENCY_KEY="same-key-12345")
    replay = buyer_api.post(CHECKOUTS, {}, HTTP_IDEMPOTENCY_KEY="same-key-12345")
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    other_key = buyer_api.post(CHECKOUTS, {}, HTTP_IDEMPOTENCY_KEY="another key with spaces!")
    assert other_key.status_code == 200 and other_key.json()["id"] == first.json()["id"]
    no_key = buyer_api.post(CHECKOUTS, {})
    assert no_key.status_code == 200 and no_key.json()["id"] == first.json()["id"]
    assert Payment.objects.count() == 1
    reused = buyer_api.post(CHECKOUTS, {"version": "x"}, HTTP_IDEMPOTENCY_KEY="same-key-12345")
    assert reused.status_code == 422  # the same key with another body


def test_a_change_is_a_409_with_the_changes(buyer_api, filled, package):
    package.price = 5900
    package.save(update_fields=["price"])
    refused = buyer_api.post(CHECKOUTS, {})
    assert refused.status_code == 409
    err = error(refused)
    assert err["code"] == "cart_changed"
    assert "$59.00" in err["details"]["changes"][0]
    assert not Payment.objects.exists()
    confirmed = buyer_api.post(CHECKOUTS, {"version": err["details"]["version"]})
    assert confirmed.status_code == 201
    assert confirmed.json()["subtotal"]["amount_minor"] == 11_900


def test_checkout_bad_input(buyer_api, cart, buyer, package):
    assert error(buyer_api.post(CHECKOUTS, {}))["code"] == "cart_empty"
    add(cart, buyer, package)
    assert buyer_api.post(CHECKOUTS, {"version": "v" * 65}).status_code == 400
    assert buyer_api.post(CHECKOUTS, {"total": 1}).status_code == 400
    assert buyer_api.post(CHECKOUTS, {"version": "stale"}).status_code == 409
    assert not Payment.objects.exists()


def test_other_peoples_checkouts_are_not_found(filled, buyer):
    checkout = start(filled, buyer)
    stranger = client_for(UserFactory())
    assert stranger.get(f"{CHECKOUTS}{checkout.pk}/").status_code == 404
    assert stranger.post(f"{CHECKOUTS}{checkout.pk}/cancel/").status_code == 404
    assert len(stranger.get(CHECKOUTS).json()["results"]) == 0
    checkout.refresh_from_db()
    assert checkout.status == CheckoutStatus.PENDING


def test_declined_payment_then_cancel(buyer_api, filled, buyer):
    checkout = start(filled, buyer)
    testing.pay(checkout.payment, testing.DECLINED)
    detail = buyer_api.get(f"{CHECKOUTS}{checkout.pk}/").json()
    assert detail["status"] == "failed"
    assert buyer_api.get(CART).json()["count"] == 2
    again = start(filled, buyer)
    cancelled = buyer_api.post(f"{CHECKOUTS}{again.pk}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    paid = pay(start(filled, buyer))
    refused = buyer_api.post(f"{CHECKOUTS}{paid.pk}/cancel/")
    assert (refused.status_code, error(refused)["code"]) == (409, "invalid_transition")


def test_sales_and_staff_lists(filled, buyer, package):
    pay(start(filled, buyer))
    seller = client_for(package.gig.seller)
    sales = seller.get("/api/v1/sales/").json()
    assert len(sales["results"]) == 1 and sales["results"][0]["checkout_id"] is None
    assert sales["results"][0]["buyer"]["name"] == "Bea B."
    assert seller.get("/api/v1/staff/checkouts/").status_code == 404
    staff = client_for(StaffFactory())
    listed = staff.get("/api/v1/staff/checkouts/?status=paid").json()
    assert len(listed["results"]) == 1 and listed["results"][0]["buyer_email"] == buyer.email
    assert len(staff.get("/api/v1/staff/checkouts/?status=pending").json()["results"]) == 0
    assert staff.get("/api/v1/staff/checkouts/?status=bogus").status_code == 400


# --- query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_cart_and_lists_do_not_grow_with_their_rows(buyer_api, buyer, cart):
    gig = GigFactory(active=True)
    add(cart, buyer, gig.packages.get(tier="basic"))
    services.wishlist_add(
        user=buyer, kind="gig_package", ref=str(gig.packages.get(tier="basic").pk), actor=buyer
    )
    pay(start(cart, buyer))
    add(cart, buyer, gig.packages.get(tier="basic"))
    small = {
        url: count_queries(buyer_api, url) for url in (CART, WISHLIST, CHECKOUTS, "/api/v1/orders/")
    }

    for _ in range(4):
        other = GigFactory(active=True)
        for package in other.packages.all():
            add(cart, buyer, package)
            services.wishlist_add(user=buyer, kind="gig_package", ref=str(package.pk), actor=buyer)
    pay(start(cart, buyer))
    for _ in range(3):
        add(cart, buyer, GigFactory(active=True).packages.first())
    large = {url: count_queries(buyer_api, url) for url in small}
    assert large == small
    assert small[CART] <= 6


def test_sales_and_staff_lists_query_counts(buyer, cart):
    seller_gig = GigFactory(active=True)
    add(cart, buyer, seller_gig.packages.first())
    pay(start(cart, buyer))
    seller = client_for(seller_gig.seller)
    staff = client_for(StaffFactory())
    small = (
        count_queries(seller, "/api/v1/sales/"),
        count_queries(staff, "/api/v1/staff/checkouts/"),
    )
    for package in seller_gig.packages.all()[1:]:
        other_buyer = UserFactory()
        other_cart = services.cart_for_user(user=other_buyer)
        add(other_cart, other_buyer, package)
        pay(start(other_cart, other_buyer))
    large = (
        count_queries(seller, "/api/v1/sales/"),
        count_queries(staff, "/api/v1/staff/checkouts/"),
    )
    assert large == small


def test_paused_gig_in_the_cart_shows_its_problem_after_review(buyer_api, cart, buyer, package):
    add(cart, buyer, package)
    package.gig.status = GigStatus.PAUSED
    package.gig.save(update_fields=["status"])
    review = buyer_api.get(REVIEW).json()
    assert review["lines"][0]["buyable"] is False and review["lines"][0]["problem"] == "gig_paused"
    assert review["totals"] is None
    assert buyer_api.post(CHECKOUTS, {}).status_code == 409
    assert buyer_api.get(CART).json()["lines"][0]["problem"] == "gig_paused"
