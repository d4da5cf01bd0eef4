"""Carts, wishlists and checkouts.

A cart line and a wishlist item point at something purchasable (``kind`` + ``ref``, resolved by
``craftwork.catalog.purchasable.purchasable_for``) and keep a snapshot of what the buyer saw
(title, unit price, seller). The snapshot is what the cart shows; the checkout re-reads the
catalog and tells the buyer about every difference before anything is charged.

A checkout is one attempt to pay for the cart: its lines copy the cart lines with the price
charged, each with the contract id allocated in advance (the payment funds ``contract:<id>``).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from craftwork.core.models import BaseModel
from craftwork.core.money import CURRENCY_CHOICES, Money, money_property

MAX_CART_LINES = 50
MAX_WISHLIST_ITEMS = 200
MAX_REF_LENGTH = 200
# An open checkout holds its session slots this long; then the payment is cancelled.
CHECKOUT_TTL_MINUTES = 30
# A guest's cart is forgotten after this many days without a change.
GUEST_CART_TTL_DAYS = 30


class ItemKind(models.TextChoices):
    GIG_PACKAGE = "gig_package", _("Gig package")
    SESSION_SLOT = "session_slot", _("Session")


class Cart(BaseModel):
    """One per signed-in user (kept across logins); a guest's cart has no user and is found
    through the id the guest's session keeps."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commerce_cart",
    )

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        indexes = [models.Index(fields=["user", "updated_at"], name="commerce_cart_user_upd")]

    def __str__(self):
        return f"cart {self.pk} ({self.user or 'guest'})"


class ItemSnapshot(BaseModel):
    """What the buyer saw of a purchasable when they added it."""

    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    ref = models.CharField(max_length=MAX_REF_LENGTH)
    title = models.CharField(max_length=300)
    image_url = models.CharField(max_length=500, blank=True)
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category_slug = models.CharField(max_length=100, blank=True)
    unit_price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    unit_price = money_property("unit_price_minor")

    @property
    def item_url(self) -> str:
        """The gig or session page the item comes from."""
        details = self.details or {}
        try:
            if self.kind == ItemKind.GIG_PACKAGE and details.get("gig_id"):
                return reverse("catalog:gig-detail", args=[details["gig_id"]])
            if self.kind == ItemKind.SESSION_SLOT and details.get("offering_id"):
                return reverse("mentorship:offering-detail", args=[details["offering_id"]])
        except NoReverseMatch:
            pass
        return ""

    @property
    def starts_at(self) -> datetime | None:
        """A session's start (aware), for display."""
        start = (self.details or {}).get("start")
        try:
            return datetime.fromisoformat(start) if start else None
        except (TypeError, ValueError):
            return None


class CartLine(ItemSnapshot):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    quantity = models.PositiveSmallIntegerField(default=1)
    max_quantity = models.PositiveSmallIntegerField(default=1)
    # The last problem the buyer was told about (a stable code such as "gig_paused"); empty
    # while the item can be bought. A change of it is a change the buyer confirms again.
    problem = models.CharField(max_length=50, blank=True)
    problem_message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "kind", "ref"], name="commerce_cart_line_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=models.F("max_quantity")),
                name="commerce_cart_line_quantity",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_minor__gt=0), name="commerce_cart_line_price"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.title}"

    @property
    def subtotal(self) -> Money:
        return Money(self.unit_price_minor * self.quantity, self.currency)


class WishlistItem(ItemSnapshot):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "ref"], name="commerce_wishlist_once"),
        ]

    def __str__(self):
        return self.title


class CheckoutStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


CLOSED_UNPAID = (CheckoutStatus.FAILED, CheckoutStatus.CANCELLED, CheckoutStatus.EXPIRED)


class Checkout(BaseModel):
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts"
    )
    cart = models.ForeignKey(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkouts"
    )
    status = models.CharField(
        max_length=10, choices=CheckoutStatus.choices, default=CheckoutStatus.PENDING
    )
    # The one-time token of the page (or the API's Idempotency-Key) that started it.
    attempt = models.CharField(max_length=100)
    # The cart as reviewed (lines, quantities, prices, availability): the same cart started
    # again while this checkout is open reuses it instead of charging twice.
    fingerprint = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    subtotal_minor = models.BigIntegerField()
    client_fee_minor = models.BigIntegerField(default=0)
    payment = models.OneToOneField(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commerce_checkout",
    )
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "attempt"], name="commerce_checkout_attempt_once"
            ),
            models.UniqueConstraint(
                fields=["cart"],
                condition=Q(status="pending"),
                name="commerce_one_open_checkout_per_cart",
            ),
            models.CheckConstraint(
                condition=Q(subtotal_minor__gt=0, client_fee_minor__gte=0),
                name="commerce_checkout_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="commerce_checkout_buyer"),
            models.Index(fields=["status", "expires_at"], name="commerce_checkout_due"),
        ]

    def __str__(self):
        return f"checkout {self.pk} ({self.status})"

    @property
    def reference(self) -> str:
        return f"checkout:{self.pk}"

    subtotal = money_property("subtotal_minor")

    client_fee = money_property("client_fee_minor")

    total = money_property("subtotal_minor", "client_fee_minor")

    @property
    def is_open(self) -> bool:
        return self.status == CheckoutStatus.PENDING


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    FULFILLED = "fulfilled", _("Ordered")
    REFUNDED = "refunded", _("Could not be ordered, refunded")
    CANCELLED = "cancelled", _("Not bought")


class CheckoutLine(ItemSnapshot):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    cart_line_id = models.UUIDField(null=True, blank=True)
    quantity = models.PositiveSmallIntegerField()
    amount_minor = models.BigIntegerField()  # unit price x quantity: what the seller's side gets
    client_fee_minor = models.BigIntegerField(default=0)
    platform_fee_minor = models.BigIntegerField(default=0)
    # Allocated at checkout: the payment funds ``contract:<contract_id>`` for this line.
    contract_id = models.UUIDField(unique=True)
    reservation = models.ForeignKey(
        "catalog.SlotReservation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["checkout", "position"]
        verbose_name = _("checkout line")
        verbose_name_plural = _("checkout lines")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout", "position"], name="commerce_checkout_line_position"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, amount_minor__gt=0, client_fee_minor__gte=0),
                name="commerce_checkout_line_amounts",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.title}"

    @property
    def reference(self) -> str:
        return f"checkout-line:{self.pk}"

    @property
    def escrow_ref(self) -> str:
        return f"contract:{self.contract_id}"

    amount = money_property("amount_minor")

    client_fee = money_property("client_fee_minor")

    total = money_property("amount_minor", "client_fee_minor")

    platform_fee = money_property("platform_fee_minor")

    @property
    def provider_net(self) -> Money:
        return Money(self.amount_minor - self.platform_fee_minor, self.currency)
