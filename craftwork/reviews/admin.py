"""Staff read every review here, private notes included; changes go through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError

from . import services
from .models import RatingStats, Review, ReviewPhoto


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    fields = ["position", "image", "thumbnail", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _moderation_action(service, description):
    def action(modeladmin, request, queryset):
        done = 0
        for review in queryset:
            try:
                service(review=review, actor=request.user, reason=str(description))
                done += 1
            except DomainError as error:
                modeladmin.message_user(request, f"{review.pk}: {error.message}", messages.ERROR)
        modeladmin.message_user(request, _("%(count)d reviews changed.") % {"count": done})

    action.short_description = description
    action.__name__ = f"action_{service.__name__}"
    return action


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = [
        "contract",
        "author",
        "subject",
        "author_role",
        "overall",
        "status",
        "moderation",
        "published_at",
    ]
    list_filter = ["status", "moderation", "author_role", "overall"]
    search_fields = ["author__email", "subject__email", "contract__title", "text", "private_note"]
    list_select_related = ["contract", "author", "subject"]
    inlines = [ReviewPhotoInline]
    actions = [
        _moderation_action(services.review_hide, _("Hide (leaves the statistics)")),
        _moderation_action(services.review_restore, _("Restore")),
        _moderation_action(services.review_remove, _("Remove for good")),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RatingStats)
class RatingStatsAdmin(admin.ModelAdmin):
    list_display = ["subject_type", "subject_id", "count", "sum_overall", "updated_at"]
    list_filter = ["subject_type"]
    search_fields = ["subject_id"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
