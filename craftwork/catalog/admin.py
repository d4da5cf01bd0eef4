from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError

from . import services
from .models import (
    AvailabilityException,
    AvailabilityRule,
    Category,
    Gig,
    GigPackage,
    MentorSettings,
    MentorshipOffering,
    SlotReservation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Catalog data changes only through the services: staff read it here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    list_select_related = ["parent"]


class PackageInline(ReadOnlyInline):
    model = GigPackage
    fields = ["tier", "name", "price", "currency", "delivery_days", "revisions"]


@admin.register(Gig)
class GigAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "seller",
        "category",
        "status",
        "min_price",
        "currency",
        "published_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["title", "seller__email"]
    list_select_related = ["seller", "category"]
    inlines = [PackageInline]
    actions = ["remove_gigs"]

    @admin.action(description=_("Remove the selected gigs (reason: breaks the terms of service)"))
    def remove_gigs(self, request, queryset):
        removed = 0
        for gig in queryset:
            try:
                services.gig_remove(
                    actor=request.user, gig=gig, reason=str(_("It breaks the terms of service."))
                )
                removed += 1
            except DomainError as error:
                self.message_user(request, f"{gig}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(count)d gigs removed.") % {"count": removed})


@admin.register(MentorshipOffering)
class OfferingAdmin(ReadOnlyAdmin):
    list_display = ["topic", "mentor", "duration_minutes", "price", "currency", "active"]
    list_filter = ["active"]
    search_fields = ["topic", "mentor__email"]
    list_select_related = ["mentor"]


@admin.register(MentorSettings)
class MentorSettingsAdmin(ReadOnlyAdmin):
    list_display = ["mentor", "timezone", "buffer_minutes", "min_notice_hours", "horizon_days"]
    search_fields = ["mentor__email"]
    list_select_related = ["mentor"]


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(ReadOnlyAdmin):
    list_display = ["mentor", "weekday", "start_time", "end_time"]
    search_fields = ["mentor__email"]
    list_select_related = ["mentor"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(ReadOnlyAdmin):
    list_display = ["mentor", "date", "start_time", "end_time"]
    search_fields = ["mentor__email"]
    list_select_related = ["mentor"]


@admin.register(SlotReservation)
class SlotReservationAdmin(ReadOnlyAdmin):
    list_display = ["offering", "mentor", "client", "start", "end", "status"]
    list_filter = ["status"]
    search_fields = ["mentor__email", "client__email"]
    list_select_related = ["offering", "mentor", "client"]
