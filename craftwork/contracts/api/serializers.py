"""API input serializers (strict: unknown fields are refused) and output serializers."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.money import Money

from ..deliveries import MAX_FILES, MAX_MESSAGE_LENGTH
from ..process import MAX_NOTE_LENGTH
from ..terms import MAX_TITLE_LENGTH

# --- output -----------------------------------------------------------------------------------


class ContractMoneyOutput(serializers.Serializer):
    amount = serializers.CharField(help_text='Plain decimal, e.g. "12.34".')
    amount_minor = serializers.IntegerField()
    currency = serializers.CharField()


def money(value: Money | None) -> dict | None:
    return value.as_dict() if value is not None else None


class ContractPartyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="get_full_name")


class ContractListOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()
    source = serializers.CharField()
    state = serializers.CharField(
        help_text="pending_funding, active, in_progress, delivered, completed, cancelled or disputed."
    )
    state_label = serializers.CharField(source="get_state_display")
    my_role = serializers.SerializerMethodField(help_text="client or provider")
    client = ContractPartyOutput()
    provider = ContractPartyOutput()
    currency = serializers.CharField()
    amount = serializers.SerializerMethodField()
    hourly_rate = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_my_role(self, contract) -> str | None:
        return contract.role_of(self.context["request"].user)

    @extend_schema_field(ContractMoneyOutput(allow_null=True))
    def get_amount(self, contract):
        return money(contract.amount)

    @extend_schema_field(ContractMoneyOutput(allow_null=True))
    def get_hourly_rate(self, contract):
        return money(contract.hourly_rate)


class ContractTermsOutput(serializers.Serializer):
    kind = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.SerializerMethodField()
    hourly_rate = serializers.SerializerMethodField()
    weekly_limit_minutes = serializers.IntegerField(allow_null=True)
    platform_fee_bps = serializers.IntegerField()
    cancellation_policy = serializers.CharField()
    review_window_days = serializers.IntegerField()
    revisions_allowed = serializers.IntegerField(allow_null=True)
    delivery_days = serializers.IntegerField(allow_null=True)
    category_slug = serializers.CharField(allow_null=True)

    @extend_schema_field(ContractMoneyOutput(allow_null=True))
    def get_amount(self, terms):
        return money(terms.amount)

    @extend_schema_field(ContractMoneyOutput(allow_null=True))
    def get_hourly_rate(self, terms):
        return money(terms.hourly_rate)


class ContractDeliveryFileOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    file_type = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, stored) -> str:
        contract_id = stored.delivery.milestone.contract_id
        return self.context["request"].build_absolute_uri(
            reverse("contracts-api:file", args=[contract_id, stored.pk])
        )


class ContractDeliveryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    message = serializers.CharField()
    revision = serializers.IntegerField()
    submitted_by = serializers.UUIDField(source="submitted_by_id")
    created_at = serializers.DateTimeField()
    files = ContractDeliveryFileOutput(many=True, source="files.all")


class ContractMilestoneOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    position = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.SerializerMethodField()
    due_date = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    revision_count = serializers.IntegerField()
    proposed_by = serializers.UUIDField(source="proposed_by_id", allow_null=True)
    released = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    review_due_at = serializers.DateTimeField(source="timer_due_at", allow_null=True)
    deliveries = ContractDeliveryOutput(many=True, source="deliveries.all")

    @extend_schema_field(ContractMoneyOutput)
    def get_amount(self, milestone):
        return milestone.amount.as_dict()

    @extend_schema_field(ContractMoneyOutput)
    def get_released(self, milestone):
        return Money(milestone.released_minor, milestone.currency).as_dict()

    @extend_schema_field(ContractMoneyOutput)
    def get_refunded(self, milestone):
        return Money(milestone.refunded_minor, milestone.currency).as_dict()


class ContractTimesheetOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    logged_minutes = serializers.SerializerMethodField()
    minutes = serializers.IntegerField(help_text="Frozen when submitted.")
    amount = serializers.SerializerMethodField()
    reject_comment = serializers.CharField()
    review_due_at = serializers.DateTimeField(source="timer_due_at", allow_null=True)

    @extend_schema_field(OpenApiTypes.INT)
    def get_logged_minutes(self, timesheet) -> int:
        logged = getattr(timesheet, "logged", None)
        if logged is None:
            logged = sum(log.minutes for log in timesheet.time_logs.all())
        return logged or 0

    @extend_schema_field(ContractMoneyOutput)
    def get_amount(self, timesheet):
        return timesheet.amount.as_dict()


class ContractTimeLogOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    date = serializers.DateField()
    minutes = serializers.IntegerField()
    description = serializers.CharField()
    timesheet = serializers.UUIDField(source="timesheet_id")
    created_at = serializers.DateTimeField()


class ContractHistoryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    subject = serializers.CharField()
    subject_id = serializers.UUIDField()
    transition = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.UUIDField(source="actor_id", allow_null=True)
    actor_role = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ContractAvailableOutput(serializers.Serializer):
    contract = serializers.ListField(child=serializers.CharField())
    milestones = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    timesheets = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    fund_milestones = serializers.ListField(child=serializers.UUIDField())
    pay_timesheets = serializers.ListField(child=serializers.UUIDField())
    propose_milestone = serializers.BooleanField()
    log_time = serializers.BooleanField()
    set_session_location = serializers.BooleanField()


class ContractGigRequirementOutput(serializers.Serializer):
    id = serializers.CharField()
    question = serializers.CharField()
    kind = serializers.CharField(help_text="text or choice")
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()


class ContractGigAnswerOutput(serializers.Serializer):
    id = serializers.CharField(help_text="The question's id.")
    question = serializers.CharField()
    answer = serializers.CharField()


class ContractGigDeliveryFileOutput(ContractDeliveryFileOutput):
    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, stored) -> str:
        contract_id = stored.delivery.order.contract_id
        return self.context["request"].build_absolute_uri(
            reverse("contracts-api:gig-file", args=[contract_id, stored.pk])
        )


class ContractGigDeliveryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    number = serializers.IntegerField(help_text="1 for the first delivery, 2 after a revision...")
    message = serializers.CharField()
    submitted_by = serializers.UUIDField(source="submitted_by_id")
    created_at = serializers.DateTimeField()
    files = ContractGigDeliveryFileOutput(many=True, source="files.all")


class ContractGigOrderOutput(serializers.Serializer):
    gig_id = serializers.UUIDField()
    package_id = serializers.UUIDField()
    gig_title = serializers.CharField()
    package_tier = serializers.CharField()
    package_name = serializers.CharField()
    package_description = serializers.CharField()
    included = serializers.ListField(child=serializers.CharField())
    quantity = serializers.IntegerField()
    delivery_days = serializers.IntegerField()
    revisions_allowed = serializers.IntegerField()
    revision_count = serializers.IntegerField()
    revisions_left = serializers.IntegerField()
    requirements = ContractGigRequirementOutput(many=True)
    answers = ContractGigAnswerOutput(many=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="answered_at + delivery_days; null until answered."
    )
    late = serializers.SerializerMethodField(help_text="Not delivered by due_at.")
    late_at = serializers.DateTimeField(allow_null=True)
    first_delivered_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    auto_complete_at = serializers.SerializerMethodField(
        help_text="When a delivery is completed automatically (while delivered)."
    )
    dispute_id = serializers.CharField(source="dispute_ref")
    deliveries = ContractGigDeliveryOutput(many=True, source="deliveries.all")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_late(self, order) -> bool:
        return order.contract.state == "late" or (
            order.contract.state == "in_progress" and order.is_overdue
        )

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_auto_complete_at(self, order):
        contract = order.contract
        return contract.timer_due_at if contract.state == "delivered" else None


class ContractCancelPreviewOutput(serializers.Serializer):
    allowed = serializers.BooleanField()
    rule = serializers.CharField(help_text="free, policy, mentor, staff or started")
    message = serializers.CharField()
    to_client = ContractMoneyOutput()
    to_provider = ContractMoneyOutput(help_text="Released to the mentor, less the platform fee.")


class ContractSessionOutput(serializers.Serializer):
    reservation_id = serializers.UUIDField()
    offering_id = serializers.UUIDField()
    topic = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    mentor_timezone = serializers.CharField()
    meeting_url = serializers.CharField(help_text="Only the two parties see it.")
    meeting_place = serializers.CharField(help_text="Only the two parties see it.")
    absent_party = serializers.CharField(help_text='"", client or provider')
    absence_reported_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    next_timer_at = serializers.DateTimeField(
        source="contract.timer_due_at",
        allow_null=True,
        help_text="Automatic completion (scheduled) or refund (absence reported).",
    )
    dispute_id = serializers.CharField(source="dispute_ref")
    cancel_preview = serializers.SerializerMethodField(
        help_text="What cancelling now would do for the caller (null when they cannot)."
    )

    @extend_schema_field(ContractCancelPreviewOutput(allow_null=True))
    def get_cancel_preview(self, booking):
        preview = self.context.get("cancel_preview")
        return preview.as_dict() if preview is not None else None


class ContractDetailOutput(ContractListOutput):
    description = serializers.CharField()
    source_ref = serializers.CharField()
    organization = serializers.UUIDField(source="organization_id", allow_null=True)
    terms = ContractTermsOutput()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    milestones = ContractMilestoneOutput(many=True, source="milestones.all")
    timesheets = ContractTimesheetOutput(many=True, source="timesheets.all")
    history = ContractHistoryOutput(many=True, source="history.all")
    available_transitions = serializers.SerializerMethodField(
        help_text="What the caller may do right now: transition names per object, milestones "
        "to fund, timesheets to pay, and whether they may propose milestones or log time."
    )
    gig_order = serializers.SerializerMethodField(help_text="Gig orders only (else null).")
    session = serializers.SerializerMethodField(help_text="Sessions only (else null).")

    @extend_schema_field(ContractAvailableOutput)
    def get_available_transitions(self, contract):
        return self.context["actions"].as_dict()

    @extend_schema_field(ContractGigOrderOutput(allow_null=True))
    def get_gig_order(self, contract):
        order = self.context.get("gig_order")
        return ContractGigOrderOutput(order, context=self.context).data if order else None

    @extend_schema_field(ContractSessionOutput(allow_null=True))
    def get_session(self, contract):
        booking = self.context.get("session")
        return ContractSessionOutput(booking, context=self.context).data if booking else None


class ContractPaymentOutput(serializers.Serializer):
    payment_id = serializers.UUIDField(source="pk")
    status = serializers.CharField()
    checkout_url = serializers.CharField(help_text="Send the payer here to pay.")
    amount = serializers.SerializerMethodField()
    client_fee = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    @extend_schema_field(ContractMoneyOutput)
    def get_amount(self, payment):
        return payment.amount.as_dict()

    @extend_schema_field(ContractMoneyOutput)
    def get_client_fee(self, payment):
        return payment.client_fee.as_dict()

    @extend_schema_field(ContractMoneyOutput)
    def get_total(self, payment):
        return payment.total.as_dict()


# --- input ------------------------------------------------------------------------------------


class ContractTransitionInput(StrictSerializer):
    transition = serializers.CharField(max_length=50)
    note = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default=""
    )
    milestone = serializers.UUIDField(required=False, help_text="Run it on this milestone.")
    timesheet = serializers.UUIDField(required=False, help_text="Run it on this timesheet.")

    def validate(self, data):
        if "milestone" in data and "timesheet" in data:
            raise serializers.ValidationError("Give a milestone or a timesheet, not both.")
        return data


class ContractNoteInput(StrictSerializer):
    note = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default=""
    )


class ContractRequiredNoteInput(StrictSerializer):
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH)


class ContractCancelInput(StrictSerializer):
    reason = serializers.CharField(max_length=MAX_NOTE_LENGTH)


class ContractRejectInput(StrictSerializer):
    comment = serializers.CharField(max_length=MAX_NOTE_LENGTH)


class ContractDisputeInput(StrictSerializer):
    milestone = serializers.UUIDField()
    reason = serializers.CharField(max_length=MAX_NOTE_LENGTH)
    evidence_text = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )


class ContractMilestoneInput(StrictSerializer):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH)
    amount = serializers.CharField(
        max_length=40, help_text='A plain decimal in the contract currency, e.g. "250.00".'
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )


class ContractMilestoneUpdateInput(ContractMilestoneInput):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH, required=False)
    amount = serializers.CharField(max_length=40, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ContractSubmitInput(StrictSerializer):
    message = serializers.CharField(max_length=MAX_MESSAGE_LENGTH)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_FILES, default=list
    )


class ContractTimeLogInput(StrictSerializer):
    date = serializers.DateField()
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    description = serializers.CharField(max_length=500)


class ContractTimeLogUpdateInput(StrictSerializer):
    date = serializers.DateField(required=False)
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    description = serializers.CharField(max_length=500, required=False)


class ContractGigRequirementsInput(StrictSerializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000, trim_whitespace=False),
        help_text="Question id → answer (a choice question's answer is one of its choices).",
    )

    def validate_answers(self, value):
        if len(value) > 20:
            raise serializers.ValidationError("At most 20 answers.")
        return value


class ContractReasonInput(StrictSerializer):
    reason = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default=""
    )


class ContractSessionLocationInput(StrictSerializer):
    meeting_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="http(s) link."
    )
    meeting_place = serializers.CharField(max_length=300, required=False, allow_blank=True)
