from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from ..models import (
    DECISION_REASON_MAX_LENGTH,
    REASON_MAX_LENGTH,
    BlockedTerm,
    Case,
    Decision,
    Flag,
    FlagReason,
)
from ..screening import reason_label

CASE_ACTIONS = [
    (Decision.Action.HIDE, Decision.Action.HIDE.label),
    (Decision.Action.RESTORE, Decision.Action.RESTORE.label),
    (Decision.Action.REMOVE, Decision.Action.REMOVE.label),
    (Decision.Action.DISMISS, Decision.Action.DISMISS.label),
]


@extend_schema_field(OpenApiTypes.STR)
class StringChoiceField(serializers.ChoiceField):
    """A choice documented as a plain string listing its values (no shared enum component)."""

    def __init__(self, *, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in choices)
        kwargs.setdefault("help_text", _("One of: %(values)s.") % {"values": values})
        super().__init__(choices=choices, **kwargs)


# --- input ---------------------------------------------------------------------------------------


class FlagCreateInput(StrictSerializer):
    kind = serializers.CharField(max_length=30, help_text=_("gig, job, profile, review, message"))
    object_id = serializers.CharField(max_length=64)
    reason = StringChoiceField(choices=FlagReason.choices)
    details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Required when the reason is “other”."),
    )


class DecisionInput(StrictSerializer):
    action = StringChoiceField(choices=CASE_ACTIONS)
    reason = serializers.CharField(max_length=DECISION_REASON_MAX_LENGTH)
    notify_flaggers = serializers.BooleanField(required=False, default=True)


class ReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=DECISION_REASON_MAX_LENGTH)


class ReopenInput(StrictSerializer):
    kind = serializers.CharField(max_length=30)
    object_id = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=DECISION_REASON_MAX_LENGTH)


class BlockedTermInput(StrictSerializer):
    kind = StringChoiceField(choices=BlockedTerm.Kind.choices, required=False)
    term = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- output --------------------------------------------------------------------------------------


class OwnFlagOutput(serializers.ModelSerializer):
    reason = StringChoiceField(choices=FlagReason.choices)
    status = StringChoiceField(choices=Flag.Status.choices)
    summary = serializers.CharField(source="case.summary")
    url = serializers.CharField(source="case.url")

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "object_id",
            "reason",
            "details",
            "status",
            "summary",
            "url",
            "created_at",
            "resolved_at",
        ]


class StaffFlagOutput(serializers.ModelSerializer):
    reason = StringChoiceField(choices=FlagReason.choices)
    status = StringChoiceField(choices=Flag.Status.choices)
    reporter_id = serializers.UUIDField()
    reporter_email = serializers.EmailField(source="reporter.email")

    class Meta:
        model = Flag
        fields = [
            "id",
            "reason",
            "details",
            "status",
            "reporter_id",
            "reporter_email",
            "created_at",
            "resolved_at",
        ]


class DecisionOutput(serializers.ModelSerializer):
    action = StringChoiceField(choices=Decision.Action.choices)
    case_id = serializers.UUIDField()
    flag_id = serializers.UUIDField(allow_null=True)
    actor_id = serializers.UUIDField(allow_null=True)
    author_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "case_id",
            "kind",
            "object_id",
            "action",
            "reason",
            "actor_id",
            "author_id",
            "flag_id",
            "created_at",
        ]


class AuthorDecisionOutput(serializers.ModelSerializer):
    """What the author of a moderated item sees of the decision."""

    action = StringChoiceField(choices=Decision.Action.choices)
    summary = serializers.CharField(source="case.summary")
    url = serializers.CharField(source="case.url")

    class Meta:
        model = Decision
        fields = ["id", "kind", "object_id", "action", "reason", "summary", "url", "created_at"]


class ReasonCountOutput(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


class CaseOutput(serializers.ModelSerializer):
    status = StringChoiceField(choices=Case.Status.choices)
    author_id = serializers.UUIDField(allow_null=True)
    author_email = serializers.SerializerMethodField()
    open_flags = serializers.SerializerMethodField()
    flag_reasons = serializers.SerializerMethodField()
    hold_reason_labels = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "kind",
            "object_id",
            "status",
            "summary",
            "url",
            "author_id",
            "author_email",
            "held",
            "hold_reasons",
            "hold_reason_labels",
            "hold_matches",
            "flag_count",
            "open_flags",
            "flag_reasons",
            "decision",
            "decision_reason",
            "created_at",
            "last_activity_at",
            "closed_at",
        ]

    def get_author_email(self, case) -> str | None:
        return case.author.email if case.author_id else None

    def get_open_flags(self, case) -> int:
        value = getattr(case, "open_flags", None)
        if value is None:
            value = case.flags.filter(status=Flag.Status.OPEN).count()
        return value

    @extend_schema_field(ReasonCountOutput(many=True))
    def get_flag_reasons(self, case) -> list:
        counts = self.context.get("reason_counts", {}).get(case.pk, [])
        return [{"reason": label, "count": count} for label, count in counts]

    def get_hold_reason_labels(self, case) -> list[str]:
        return [reason_label(code) for code in case.hold_reasons]


class CaseDetailOutput(CaseOutput):
    flags = serializers.SerializerMethodField()
    item_history = serializers.SerializerMethodField()
    author_history = serializers.SerializerMethodField()
    hidden = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta(CaseOutput.Meta):
        fields = [
            *CaseOutput.Meta.fields,
            "text",
            "flags",
            "item_history",
            "author_history",
            "hidden",
        ]

    def get_text(self, case) -> str:
        return self.context.get("text", "")

    @extend_schema_field(StaffFlagOutput(many=True))
    def get_flags(self, case):
        return StaffFlagOutput(self.context["flags"], many=True).data

    @extend_schema_field(DecisionOutput(many=True))
    def get_item_history(self, case):
        return DecisionOutput(self.context["item_history"], many=True).data

    @extend_schema_field(DecisionOutput(many=True))
    def get_author_history(self, case):
        return DecisionOutput(self.context["author_history"], many=True).data

    def get_hidden(self, case) -> bool:
        return self.context["hidden"] is not None


class BlockedTermOutput(serializers.ModelSerializer):
    kind = StringChoiceField(choices=BlockedTerm.Kind.choices)

    class Meta:
        model = BlockedTerm
        fields = ["id", "kind", "term", "note", "is_active", "created_at"]
