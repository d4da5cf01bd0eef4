from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError

from . import services
from .models import (
    ClientProfile,
    FreelancerProfile,
    FreelancerSkill,
    PortfolioImage,
    PortfolioItem,
    Skill,
    SkillCategory,
)


class SkillInline(admin.TabularInline):
    model = Skill
    fields = ["name", "slug"]
    extra = 0


@admin.register(SkillCategory)
class SkillCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "icon"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category"]
    list_filter = ["category"]
    search_fields = ["name", "slug"]
    list_select_related = ["category"]
    prepopulated_fields = {"slug": ["name"]}


class OwnerDataAdmin(admin.ModelAdmin):
    """Data that belongs to its owner and changes only through the services: staff can read it."""

    def has_add_permission(self, request):
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


class FreelancerSkillInline(ReadOnlyInline):
    model = FreelancerSkill
    fields = ["skill", "proficiency", "position"]


class PortfolioItemInline(ReadOnlyInline):
    model = PortfolioItem
    fields = ["title", "link", "position"]
    show_change_link = True


@admin.register(FreelancerProfile)
class FreelancerProfileAdmin(OwnerDataAdmin):
    """Profiles belong to their owners: staff read them and may unpublish (moderation)."""

    list_display = [
        "user",
        "headline",
        "hourly_rate",
        "currency",
        "country",
        "city",
        "availability",
        "is_published",
    ]
    list_filter = ["is_published", "availability", "work_mode", "currency", "country"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "headline", "city"]
    list_select_related = ["user"]
    inlines = [FreelancerSkillInline, PortfolioItemInline]
    actions = ["unpublish_selected"]

    @admin.action(description=_("Unpublish selected profiles"))
    def unpublish_selected(self, request, queryset):
        count = 0
        for profile in queryset:
            try:
                services.freelancer_profile_unpublish(
                    actor=request.user, profile=profile, reason="admin action"
                )
                count += 1
            except DomainError as error:
                self.message_user(request, f"{profile}: {error.message}", messages.ERROR)
        self.message_user(request, _("%(count)d profiles unpublished.") % {"count": count})


class PortfolioImageInline(ReadOnlyInline):
    model = PortfolioImage
    fields = ["image", "thumbnail", "caption", "position"]


@admin.register(PortfolioItem)
class PortfolioItemAdmin(OwnerDataAdmin):
    list_display = ["title", "profile", "position", "created_at"]
    search_fields = ["title", "profile__user__email"]
    list_select_related = ["profile__user"]
    inlines = [PortfolioImageInline]


@admin.register(PortfolioImage)
class PortfolioImageAdmin(OwnerDataAdmin):
    list_display = ["item", "caption", "created_at"]
    list_select_related = ["item"]


@admin.register(ClientProfile)
class ClientProfileAdmin(OwnerDataAdmin):
    list_display = ["user", "company_name", "billing_name", "billing_country", "billing_email"]
    search_fields = ["user__email", "company_name", "billing_name", "billing_email", "vat_id"]
    list_filter = ["billing_country"]
    list_select_related = ["user"]
