"""Staff see checkouts and carts read-only (the staff orders page is /shop/staff/orders/)."""

from django.contrib import admin

from .models import Cart, CartLine, Checkout, CheckoutLine


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CheckoutLineInline(ReadOnlyMixin, admin.TabularInline):
    model = CheckoutLine
    extra = 0
    fields = [
        "position",
        "kind",
        "title",
        "seller",
        "quantity",
        "amount_minor",
        "client_fee_minor",
        "currency",
        "contract_id",
        "status",
        "error",
    ]
    readonly_fields = fields


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "buyer",
        "status",
        "subtotal_minor",
        "client_fee_minor",
        "currency",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["buyer__email", "id"]
    list_select_related = ["buyer"]
    readonly_fields = [
        "buyer",
        "cart",
        "status",
        "attempt",
        "fingerprint",
        "currency",
        "subtotal_minor",
        "client_fee_minor",
        "payment",
        "expires_at",
        "paid_at",
        "closed_at",
        "close_reason",
    ]
    fields = readonly_fields
    inlines = [CheckoutLineInline]


class CartLineInline(ReadOnlyMixin, admin.TabularInline):
    model = CartLine
    extra = 0
    fields = ["kind", "title", "quantity", "unit_price_minor", "currency", "problem"]
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "user", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user"]
    readonly_fields = ["user"]
    inlines = [CartLineInline]
