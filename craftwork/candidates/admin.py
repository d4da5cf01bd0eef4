from django.contrib import admin

from .models import CandidateProfile, CVUpload, Education, WorkExperience


class WorkInline(admin.TabularInline):
    model = WorkExperience
    extra = 0
    readonly_fields = [f.name for f in WorkExperience._meta.fields]
    can_delete = False


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0
    readonly_fields = [f.name for f in Education._meta.fields]
    can_delete = False


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    """Read-only: candidates change their own profile through the services."""

    list_display = ["user", "headline", "visibility", "updated_at"]
    list_filter = ["visibility", "remote_preference"]
    search_fields = ["user__email", "headline"]
    inlines = [WorkInline, EducationInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(CVUpload)
class CVUploadAdmin(admin.ModelAdmin):
    list_display = ["original_name", "owner", "kind", "status", "text_found", "created_at"]
    list_filter = ["status", "kind", "text_found"]
    search_fields = ["owner__email", "original_name"]
    readonly_fields = [f.name for f in CVUpload._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
