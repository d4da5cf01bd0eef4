"""Admin: blocked terms are edited through the services; cases, flags and decisions are read-only
(staff decide in the moderation queue, /moderation/queue/)."""

from django.contrib import admin

from . import services
from .models import BlockedTerm, Case, Decision, Flag, HiddenItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "is_active", "note", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["term", "note"]
    fields = ["kind", "term", "note"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def save_model(self, request, obj, form, change):
        created = services.blocked_term_add(
            actor=request.user, term=obj.term, kind=obj.kind, note=obj.note
        )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.blocked_term_remove(actor=request.user, term_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for term in queryset:
            services.blocked_term_remove(actor=request.user, term_id=term.pk)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "status", "held", "flag_count", "decision", "created_at"]
    list_filter = ["status", "kind", "held", "decision"]
    search_fields = ["object_id", "summary", "author__email"]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "reason", "status", "reporter", "created_at"]
    list_filter = ["status", "reason", "kind"]
    search_fields = ["object_id", "reporter__email"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "action", "actor", "author", "created_at"]
    list_filter = ["action", "kind"]
    search_fields = ["object_id", "reason", "author__email"]


@admin.register(HiddenItem)
class HiddenItemAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "final", "created_at"]
    list_filter = ["kind", "final"]
