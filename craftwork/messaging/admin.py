from django.contrib import admin

from .models import Conversation, Message, MessageAttachment, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user", "contract"]
    readonly_fields = ["last_read_seq", "last_read_at", "joined_at"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "last_seq", "last_message_at", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "key"]
    raw_id_fields = ["job", "contract", "client", "last_message"]
    readonly_fields = ["key", "last_seq", "last_message_at"]
    inlines = [ParticipantInline]


class AttachmentInline(admin.TabularInline):
    model = MessageAttachment
    extra = 0
    fields = ["original_name", "kind", "size"]
    readonly_fields = fields
    can_delete = False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages change through the services (moderation hides them)."""

    list_display = [
        "conversation",
        "seq",
        "author",
        "created_at",
        "edited_at",
        "deleted_at",
        "moderation",
    ]
    list_filter = ["moderation"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["conversation", "author"]
    readonly_fields = [
        "conversation",
        "seq",
        "author",
        "body",
        "body_html",
        "edited_at",
        "deleted_at",
        "moderation",
    ]
    inlines = [AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
