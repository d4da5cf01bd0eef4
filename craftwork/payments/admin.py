"""Staff see the ledger but never edit it: corrections are new transactions posted by services."""

from django.contrib import admin

from . import services
from .models import (
    FeeSchedule,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PendingEarning,
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
