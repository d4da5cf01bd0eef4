"""Input serializers check shapes and types (unknown fields are refused); the services check
the rules. Output serializers only read what the selectors already loaded.

Every amount is an integer in minor units (cents) of the job's currency.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.markdown import render_markdown
from craftwork.profiles.models import Currency, Skill, SkillCategory
from craftwork.reviews.api.serializers import RatingBriefOutput, user_rating_in_list

from .. import process
from ..models import (
    MAX_ATTACHMENTS_PER_PROPOSAL,
    MAX_COVER_LETTER_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_TITLE_LENGTH,
    BudgetType,
    LocationType,
    Visibility,
)
from ..selectors import bidder_summary
from ..validation import MAX_ADDRESS_LENGTH, MAX_MESSAGE_LENGTH, MAX_REASON_LENGTH, MAX_ROLE_LENGTH

MINOR_UNITS = _("Minor units (cents) of the job's currency.")

# --- input ------------------------------------------------------------------------------------


class JobFieldsInput(StrictSerializer):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH)
    description = serializers.CharField(max_length=MAX_DESCRIPTION_LENGTH, help_text=_("Markdown."))
    category = serializers.SlugRelatedField(slug_field="slug", queryset=SkillCategory.objects.all())
    skills = serializers.SlugRelatedField(
        slug_field="slug", queryset=Skill.objects.all(), many=True, required=False
    )
    budget_type = serializers.ChoiceField(choices=BudgetType.choices)
    currency = serializers.ChoiceField(choices=Currency.choices)
    budget = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Fixed-price budget. ") + MINOR_UNITS
    )
    hourly_rate_min = serializers.IntegerField(
        allow_null=True, required=False, help_text=MINOR_UNITS
    )
    hourly_rate_max = serializers.IntegerField(
        allow_null=True, required=False, help_text=MINOR_UNITS
    )
    hours_per_week = serializers.IntegerField(allow_null=True, required=False)
    location_type = serializers.ChoiceField(choices=LocationType.choices, required=False)
    address = serializers.CharField(max_length=MAX_ADDRESS_LENGTH, allow_blank=True, required=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, required=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, allow_null=True, required=False
    )
    service_radius_km = serializers.IntegerField(allow_null=True, required=False)
    schedule_flexible = serializers.BooleanField(required=False)
    starts_at = serializers.DateTimeField(allow_null=True, required=False)
    ends_at = serializers.DateTimeField(allow_null=True, required=False)
    openings = serializers.IntegerField(required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class JobCreateInput(JobFieldsInput):
    organization = serializers.UUIDField(
        allow_null=True, required=False, help_text=_("Post for this organization you belong to.")
    )
    publish = serializers.BooleanField(
        default=False, help_text=_("Open the job for proposals at once (default: a draft).")
    )


class JobReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, allow_blank=True, required=False)


class JobAttachmentInput(StrictSerializer):
    file = serializers.FileField(help_text=_("A PDF or an image (JPEG, PNG, WebP, GIF)."))


class ProposalInput(StrictSerializer):
    amount = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Fixed-price jobs. ") + MINOR_UNITS
    )
    hourly_rate = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Hourly jobs. ") + MINOR_UNITS
    )
    duration_days = serializers.IntegerField(help_text=_("Estimated duration in days."))
    cover_letter = serializers.CharField(max_length=MAX_COVER_LETTER_LENGTH)


class ProposalSubmitInput(ProposalInput):
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_ATTACHMENTS_PER_PROPOSAL,
        help_text=_("multipart/form-data only: up to 5 PDFs or images."),
    )


class JobInvitationInput(StrictSerializer):
    freelancer = serializers.UUIDField(
        help_text=_("The freelancer's public profile id (from /api/v1/freelancers/).")
    )
    role = serializers.CharField(max_length=MAX_ROLE_LENGTH)
    message = serializers.CharField(max_length=MAX_MESSAGE_LENGTH, allow_blank=True, required=False)
    amount = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Fixed-price jobs. ") + MINOR_UNITS
    )
    hourly_rate = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Hourly jobs. ") + MINOR_UNITS
    )
    weekly_hours = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("Hourly jobs: the weekly hour limit.")
    )


# --- output -----------------------------------------------------------------------------------


def _display(money) -> str | None:
    return money.format() if money else None


class JobNamedSlugOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class JobAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="original_name")
    kind = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        if hasattr(obj, "job_id"):
            path = reverse("jobs-api:job-attachment", args=[obj.job_id, obj.pk])
        else:
            path = reverse("jobs-api:proposal-attachment", args=[obj.proposal_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class JobCardOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    category = JobNamedSlugOutput()
    skills = JobNamedSlugOutput(many=True, source="skills.all")
    organization = serializers.CharField(source="organization.name", allow_null=True, default=None)
    budget_type = serializers.CharField()
    currency = serializers.CharField()
    budget = serializers.IntegerField(allow_null=True, help_text=MINOR_UNITS)
    hourly_rate_min = serializers.IntegerField(allow_null=True)
    hourly_rate_max = serializers.IntegerField(allow_null=True)
    hours_per_week = serializers.IntegerField(allow_null=True)
    budget_display = serializers.SerializerMethodField()
    location_type = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    service_radius_km = serializers.IntegerField(allow_null=True)
    distance_km = serializers.SerializerMethodField()
    schedule_flexible = serializers.BooleanField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    openings = serializers.IntegerField()
    openings_left = serializers.IntegerField()
    visibility = serializers.CharField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_budget_display(self, job) -> str:
        return job.budget_display

    def get_distance_km(self, job) -> float | None:
        distance = getattr(job, "distance_km", None)
        return None if distance is None else round(distance, 1)


class JobDetailOutput(JobCardOutput):
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    attachments = JobAttachmentOutput(many=True, source="attachments.all")
    client_name = serializers.SerializerMethodField()
    viewer = serializers.SerializerMethodField()

    def get_description_html(self, job) -> str:
        return str(render_markdown(job.description))

    def get_client_name(self, job) -> str:
        client = job.client
        return f"{client.first_name} {client.last_name[:1]}.".strip(" .") if client else ""

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "is_owner": {"type": "boolean"},
                "can_propose": {"type": "boolean"},
                "cannot_propose_code": {"type": "string", "nullable": True},
                "my_proposal_id": {"type": "string", "format": "uuid", "nullable": True},
                "my_invitation_id": {"type": "string", "format": "uuid", "nullable": True},
                "actions": {"type": "array", "items": {"type": "string"}},
            },
        }
    )
    def get_viewer(self, job) -> dict:
        return self.context.get("viewer", {})


class OwnJobOutput(JobCardOutput):
    hired_count = serializers.IntegerField()
    live_proposal_count = serializers.IntegerField()
    shortlisted_count = serializers.IntegerField()
    pending_invitation_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField()

    def get_actions(self, job) -> list[str]:
        return process.available_transitions(job, role=process.CLIENT)


class JobBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.CharField()
    budget_type = serializers.CharField()
    category = JobNamedSlugOutput()


class JobBidderOutput(serializers.Serializer):
    user_id = serializers.UUIDField()
    name = serializers.CharField()
    avatar_url = serializers.CharField(allow_null=True)
    email_verified = serializers.BooleanField()
    profile_id = serializers.UUIDField(
        allow_null=True, help_text=_("Set when the profile is public.")
    )
    headline = serializers.CharField()
    hourly_rate = serializers.SerializerMethodField()
    city = serializers.CharField()
    country = serializers.CharField()
    top_skills = serializers.ListField(child=serializers.CharField())

    def get_hourly_rate(self, summary) -> str | None:
        return _display(summary.hourly_rate)


class _PriceFields(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.IntegerField(allow_null=True, help_text=MINOR_UNITS)
    hourly_rate = serializers.IntegerField(allow_null=True, help_text=MINOR_UNITS)
    price_display = serializers.SerializerMethodField()

    def get_price_display(self, obj) -> str:
        return obj.price_display


class ProposalOutput(_PriceFields):
    id = serializers.UUIDField()
    job = JobBriefOutput()
    status = serializers.CharField()
    duration_days = serializers.IntegerField()
    cover_letter = serializers.CharField()
    attachments = JobAttachmentOutput(many=True, source="attachments.all")
    decline_reason = serializers.CharField()
    contract_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    actions = serializers.SerializerMethodField()

    def _role(self, proposal) -> str:
        user = self.context["request"].user
        return process.FREELANCER if proposal.freelancer_id == user.pk else process.CLIENT

    def get_actions(self, proposal) -> list[str]:
        return process.available_transitions(proposal, role=self._role(proposal))


class ProposalForClientOutput(ProposalOutput):
    bidder = serializers.SerializerMethodField()
    bidder_rating = serializers.SerializerMethodField()

    @extend_schema_field(JobBidderOutput)
    def get_bidder(self, proposal) -> dict:
        return JobBidderOutput(bidder_summary(proposal.freelancer)).data

    @extend_schema_field(RatingBriefOutput)
    def get_bidder_rating(self, proposal) -> dict:
        return user_rating_in_list(self, proposal.freelancer_id, key=lambda p: p.freelancer_id)


class JobInvitationOutput(_PriceFields):
    id = serializers.UUIDField()
    job = JobBriefOutput()
    role = serializers.CharField()
    message = serializers.CharField()
    weekly_hours = serializers.IntegerField(allow_null=True)
    status = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    contract_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    invited_by = serializers.SerializerMethodField()
    freelancer = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_status(self, invitation) -> str:
        return invitation.display_status

    def get_invited_by(self, invitation) -> str:
        user = invitation.invited_by
        return f"{user.first_name} {user.last_name[:1]}.".strip(" .")

    @extend_schema_field(JobBidderOutput(allow_null=True))
    def get_freelancer(self, invitation) -> dict | None:
        """The invitee's summary, for the client who sent it."""
        if invitation.freelancer_id == self.context["request"].user.pk:
            return None
        return JobBidderOutput(bidder_summary(invitation.freelancer)).data

    def get_actions(self, invitation) -> list[str]:
        user = self.context["request"].user
        role = process.FREELANCER if invitation.freelancer_id == user.pk else process.CLIENT
        return process.available_transitions(invitation, role=role)


class JobContractCreatedOutput(serializers.Serializer):
    contract_id = serializers.UUIDField()
    contract_url = serializers.CharField(allow_null=True)
