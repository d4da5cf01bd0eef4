from django.contrib import admin

from . import credits
from .models import CreditCharge, CreditPrice, CreditWallet, Plan, PlanPrice, PlanVersion, Promotion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: staff look, the API and services change."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditPrice)
class CreditPriceAdmin(admin.ModelAdmin):
    list_display = ["action", "credits", "updated_by", "updated_at"]
    fields = ["action", "credits"]

    def get_readonly_fields(self, request, obj=None):
        return ["action"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # One write path: the service checks, audits and records who changed the price.
        saved = credits.credit_price_set(actor=request.user, action=obj.action, credits=obj.credits)
        obj.pk = saved.pk


class PlanPriceInline(admin.TabularInline):
    model = PlanPrice
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "audience", "is_free_tier", "is_public", "position"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    """A change of terms is a new version: POST /api/v1/plans/{slug}/versions/."""

    list_display = ["plan", "number", "trial_days", "credits_per_period", "created_at"]
    list_filter = ["plan"]
    inlines = [PlanPriceInline]


@admin.register(CreditWallet)
class CreditWalletAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "allowance", "period_start"]
    list_select_related = ["user", "organization"]


@admin.register(CreditCharge)
class CreditChargeAdmin(ReadOnlyAdmin):
    list_display = ["action", "reference", "credits", "refunded_at", "created_at"]
    list_filter = ["action"]


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ["subject", "owner", "starts_at", "ends_at"]
