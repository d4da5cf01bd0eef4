"""Shop scenarios, as the bench user (JWT): the cart, adding to it, the checkout review, starting
a checkout, and "My orders".

The seeder buys from the gigs ``bench/areas/catalog.py`` seeded (it runs first): a few paid
checkouts through the sandbox (so "My orders" has a page of contracts), then a cart of
``CART_LINES`` packages for the checkout scenarios plus the line ``cart-add`` keeps adding to
(its quantity stops at the package's maximum, so every request answers 200).

``checkout-start``: the first request (the query-count probe) creates the checkout and its
payment (201); the requests under load find that open checkout for the same cart and return it
(200): the path a double submit or a second tab takes, which must never charge twice.
"""

from bench.areas.catalog import selected
from bench.scenarios import Scenario

CART_LINES = 5
PAID_CHECKOUTS = 5
LINES_PER_PAID_CHECKOUT = 4
NAMES = ("cart", "cart-add", "checkout-review", "checkout-start", "orders")


def seed_shop(*, freelancers: int, rng, password_hash: str, context: dict) -> dict:
    if not selected(*NAMES) or "basic_package_ids" not in context:
        return {}
    from craftwork.accounts.models import User
    from craftwork.commerce import services
    from craftwork.payments import testing

    buyer = User.objects.get(pk=context["login_user_id"])
    cart = services.cart_for_user(user=buyer)
    packages = iter(context["basic_package_ids"])

    def fill(count: int) -> None:
        for _ in range(count):
            services.cart_add(
                cart=cart, kind="gig_package", ref=next(packages), quantity=1, actor=buyer
            )

    for _ in range(PAID_CHECKOUTS):
        fill(LINES_PER_PAID_CHECKOUT)
        checkout, _created = services.checkout_start(cart=cart, actor=buyer)
        testing.pay(checkout.payment)
        services.checkout_sync(checkout=checkout)
    fill(CART_LINES)
    add_ref = next(packages)
    fill_line, _created = services.cart_add(
        cart=cart, kind="gig_package", ref=add_ref, quantity=1, actor=buyer
    )
    return {"cart_add_package_id": str(fill_line.ref)}


def _add_body(context) -> dict:
    return {"kind": "gig_package", "ref": context["cart_add_package_id"], "quantity": 1}


SCENARIOS = [
    Scenario(
        name="cart",
        path="/api/v1/cart/",
        auth=True,
        description="The bench user's cart (6 lines) with a fee breakdown per line (API).",
    ),
    Scenario(
        name="cart-add",
        method="POST",
        path="/api/v1/cart/lines/",
        body=_add_body,
        auth=True,
        description="Add a gig package already in the cart (re-read from the catalog; 200).",
    ),
    Scenario(
        name="checkout-review",
        path="/api/v1/checkouts/review/",
        auth=True,
        description="Re-validate every cart line against the catalog, price it (API).",
    ),
    Scenario(
        name="orders",
        path="/api/v1/orders/",
        auth=True,
        description="My orders: the contracts of 20 gigs bought through checkouts (API).",
    ),
    Scenario(
        name="checkout-start",
        method="POST",
        path="/api/v1/checkouts/",
        body={},
        expected_status=201,
        auth=True,
        description="Start a checkout (first request: one split payment, 201); then the "
        "same cart again: re-validated, the open checkout returned (200), never a 2nd charge.",
    ),
]
SEEDERS = [seed_shop]
