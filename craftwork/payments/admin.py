"""Staff see the ledger but never edit it: corrections are new transactions posted by services."""

from django.contrib import admin

from . import services
from .models import (
    Chargeback,
    Dispute,
    FeeSchedule,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentLine,
    Payout,
    PayoutMethod,
    PendingEarning,
    Receipt,
    Refund,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount", "currency", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "currency",
        "owner",
        "reference",
        "balance",
        "allow_negative",
        "created_at",
    )
    list_filter = ("kind", "currency")
    search_fields = ("reference", "owner__email")
    list_select_related = ("owner",)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "reference", "idempotency_key", "created_by")
    list_filter = ("kind",)
    search_fields = ("reference", "idempotency_key")
    list_select_related = ("created_by",)
    inlines = [EntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "amount", "currency", "transaction")
    list_filter = ("currency", "account__kind")
    list_select_related = ("account", "transaction")


@admin.register(PendingEarning)
class PendingEarningAdmin(ReadOnlyAdmin):
    list_display = ("user", "amount_minor", "currency", "available_at", "cleared_at")
    list_filter = ("currency",)
    list_select_related = ("user",)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "amount_minor", "currency", "status", "settled_at")
    list_filter = ("status", "currency")
    list_select_related = ("user",)


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = (
        "category_slug",
        "currency",
        "platform_fee_bps",
        "client_fee_bps",
        "client_fee_min_minor",
    )

    def save_model(self, request, obj, form, change):
        services.fee_schedule_save(schedule=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        # Removing a row silently changes every later price; set the rates instead.
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "payer",
        "amount_minor",
        "currency",
        "status",
        "purpose",
        "reference",
    )
    list_filter = ("status", "provider", "currency", "purpose")
    search_fields = ("reference", "escrow_ref", "payer__email", "provider_intent_id")
    list_select_related = ("payer",)


@admin.register(PaymentLine)
class PaymentLineAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "payment",
        "position",
        "reference",
        "escrow_ref",
        "amount_minor",
        "client_fee_minor",
        "currency",
        "fulfillment_error",
    )
    search_fields = ("reference", "escrow_ref")
    list_select_related = ("payment",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "payment",
        "amount_minor",
        "client_fee_minor",
        "currency",
        "status",
        "origin",
    )
    list_filter = ("status", "origin")
    list_select_related = ("payment",)


@admin.register(Chargeback)
class ChargebackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "provider_dispute_id", "amount_minor", "currency", "status")
    list_filter = ("status",)


@admin.register(PayoutMethod)
class PayoutMethodAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "status", "holder_name", "account_last4")
    list_filter = ("kind", "status")
    list_select_related = ("user",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "provider", "type", "event_id", "status", "attempts")
    list_filter = ("provider", "status", "type")
    search_fields = ("event_id", "object_id")


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject_ref", "amount_minor", "currency", "status", "outcome")
    list_filter = ("status", "outcome")
    search_fields = ("subject_ref", "escrow_ref")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("display_number", "created_at", "owner", "amount_minor", "currency")
    list_filter = ("series", "year")
    list_select_related = ("owner",)
