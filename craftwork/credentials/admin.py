from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Credential, CredentialEvent, DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    """Staff configure which documents freelancers may upload and which fields each needs."""

    list_display = [
        "name",
        "kind",
        "issuer_required",
        "issue_date_required",
        "expiry_applies",
        "number_required",
        "active",
        "position",
    ]
    list_editable = ["active", "position"]
    list_filter = ["kind", "active", "expiry_applies"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Types in use are protected by the database; retire them with "active" instead.
        return obj is None or not obj.credentials.exists()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Credentials change only through the review pages (services); the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "document_type", "status", "expiry_date", "submitted_at"]
    list_filter = ["status", "document_type__kind", "document_type"]
    search_fields = ["title", "issuer", "owner__email"]
    list_select_related = ["owner", "document_type"]
    exclude = ["skills"]
    readonly_fields = ["review_link"]

    @admin.display(description=_("Review"))
    def review_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("credentials:staff-review", args=[obj.pk]),
            _("Open the review page (document, history, decision)"),
        )


@admin.register(CredentialEvent)
class CredentialEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "credential", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    list_select_related = ["credential", "actor"]
    search_fields = ["credential__title", "actor__email"]
