"""Staff can read jobs, proposals and invitations; changes go through the services only."""

from django.contrib import admin

from .models import Job, JobAttachment, JobInvitation, Proposal, ProposalAttachment


class ReadOnlyAdmin(admin.ModelAdmin):
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


class JobAttachmentInline(ReadOnlyInline):
    model = JobAttachment
    fields = ["original_name", "kind", "size", "created_at"]
    readonly_fields = fields


class ProposalAttachmentInline(ReadOnlyInline):
    model = ProposalAttachment
    fields = ["original_name", "kind", "size", "created_at"]
    readonly_fields = fields


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = [
        "title", "client", "category", "budget_type", "location_type", "status", "visibility",
        "openings", "hired_count", "published_at",
    ]  # fmt: skip
    list_filter = ["status", "visibility", "budget_type", "location_type", "category"]
    search_fields = ["title", "client__email"]
    list_select_related = ["client", "category"]
    inlines = [JobAttachmentInline]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "job",
        "freelancer",
        "status",
        "amount",
        "hourly_rate",
        "currency",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["job__title", "freelancer__email"]
    list_select_related = ["job", "freelancer"]
    inlines = [ProposalAttachmentInline]


@admin.register(JobInvitation)
class JobInvitationAdmin(ReadOnlyAdmin):
    list_display = ["job", "freelancer", "role", "status", "expires_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["job__title", "freelancer__email", "role"]
    list_select_related = ["job", "freelancer"]
