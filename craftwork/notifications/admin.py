from django.contrib import admin

from .models import (
    Delivery,
    DigestPreference,
    Notification,
    NotificationPreference,
    SentReminder,
    UserPhone,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "recipient", "created_at", "read_at")
    list_filter = ("type",)
    search_fields = ("title", "recipient__email", "event_id")
    raw_id_fields = ("recipient",)
    readonly_fields = (
        "recipient", "type", "title", "body", "link", "event_id", "shown_in_app", "read_at", "created_at",
    )  # fmt: skip
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "status", "attempts", "sent_at", "updated_at")
    list_filter = ("channel", "status")
    readonly_fields = ("notification", "channel", "status", "attempts", "last_error", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "channel", "enabled")
    list_filter = ("channel", "enabled")
    search_fields = ("user__email", "type")
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False  # users choose; the admin only looks

    def has_add_permission(self, request):
        return False


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "daily", "last_sent_on")
    readonly_fields = ("user", "daily", "last_sent_on")

    def has_add_permission(self, request):
        return False


@admin.register(UserPhone)
class UserPhoneAdmin(admin.ModelAdmin):
    list_display = ("user", "number", "verified_at")
    search_fields = ("user__email", "number")
    fields = ("user", "number", "verified_at", "code_sent_at", "code_attempts")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "created_at")
    list_filter = ("name",)
    search_fields = ("key",)
    readonly_fields = ("name", "key", "created_at")

    def has_add_permission(self, request):
        return False
