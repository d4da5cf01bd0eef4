"""Staff see contracts read-only; the one write is cancelling through the process."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from craftwork.core.errors import DomainError

from . import services
from .models import Contract, ContractEvent, GigOrder, Milestone, SessionBooking, Timesheet


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = [
        "position",
        "title",
        "amount_minor",
        "currency",
        "state",
        "revision_count",
        "due_date",
    ]
    readonly_fields = fields


class TimesheetInline(ReadOnlyInline):
    model = Timesheet
    fields = ["week_start", "state", "minutes", "amount_minor", "currency"]
    readonly_fields = fields


class ReadOnlyStacked(admin.StackedInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GigOrderInline(ReadOnlyStacked):
    model = GigOrder
    fields = [
        "gig_title",
        "package_name",
        "quantity",
        "delivery_days",
        "revisions_allowed",
        "revision_count",
        "answers",
        "answered_at",
        "due_at",
        "late_at",
        "first_delivered_at",
        "delivered_at",
        "dispute_ref",
    ]
    readonly_fields = fields


class SessionBookingInline(ReadOnlyStacked):
    model = SessionBooking
    fields = [
        "topic",
        "starts_at",
        "ends_at",
        "mentor_timezone",
        "meeting_url",
        "meeting_place",
        "absent_party",
        "absence_reported_at",
        "confirmed_at",
        "dispute_ref",
    ]
    readonly_fields = fields


class HistoryInline(ReadOnlyInline):
    model = ContractEvent
    fields = [
        "created_at",
        "subject",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "actor_role",
        "note",
    ]
    readonly_fields = fields


@admin.action(description=gettext_lazy("Cancel (full refund of unreleased escrow)"))
def cancel_contracts(modeladmin, request, queryset):
    done = 0
    for contract in queryset:
        try:
            services.contract_cancel(
                contract=contract, actor=request.user, reason=_("Cancelled by Craftwork staff.")
            )
            done += 1
        except DomainError as error:
            messages.error(request, f"{contract}: {error.message}")
    if done:
        messages.success(request, _("%(count)d contract(s) cancelled.") % {"count": done})


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "state", "client", "provider", "created_at"]
    list_filter = ["kind", "state", "source"]
    search_fields = ["title", "client__email", "provider__email", "source_ref"]
    list_select_related = ["client", "provider"]
    inlines = [
        GigOrderInline,
        SessionBookingInline,
        MilestoneInline,
        TimesheetInline,
        HistoryInline,
    ]
    actions = [cancel_contracts]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
