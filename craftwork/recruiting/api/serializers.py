"""Input serializers check shapes and types (unknown fields are refused); the services check
the rules. Salaries are integers in minor units of ``salary_currency``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.markdown import render_markdown
from craftwork.profiles.models import Currency, Skill

from .. import selectors
from ..models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TITLE_LENGTH,
    EmploymentType,
    QuestionKind,
    Recommendation,
    SalaryPeriod,
    Seniority,
    StageKind,
    Workplace,
)

MINOR = _("Minor units (cents) of salary_currency.")

# --- input -----------------------------------------------------------------------------------


class WorkspaceCreateInput(StrictSerializer):
    name = serializers.CharField(max_length=150)
    website = serializers.URLField(required=False, allow_blank=True)


class StageInput(StrictSerializer):
    name = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=[StageKind.SCREENING, StageKind.INTERVIEW])
    position = serializers.IntegerField(required=False, min_value=0, max_value=999)


class QuestionInput(StrictSerializer):
    prompt = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=20
    )
    required = serializers.BooleanField(required=False, default=True)
    knockout = serializers.DictField(
        required=False,
        help_text=_(
            'Disqualifying answers: yes_no {"answer": bool}, choice {"choices": [...]}, '
            'number {"min": n, "max": n} (the accepted range).'
        ),
    )


class OpeningFieldsInput(StrictSerializer):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH)
    description = serializers.CharField(max_length=MAX_DESCRIPTION_LENGTH, help_text=_("Markdown."))
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    seniority = serializers.ChoiceField(choices=Seniority.choices, required=False)
    location = serializers.CharField(max_length=150, required=False, allow_blank=True)
    workplace = serializers.ChoiceField(choices=Workplace.choices, required=False)
    salary_min = serializers.IntegerField(required=False, allow_null=True, help_text=MINOR)
    salary_max = serializers.IntegerField(required=False, allow_null=True, help_text=MINOR)
    salary_currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    salary_period = serializers.ChoiceField(choices=SalaryPeriod.choices, required=False)
    salary_visible = serializers.BooleanField(required=False)
    positions = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    knockout_delay_hours = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=720
    )
    skills = serializers.SlugRelatedField(
        slug_field="slug", queryset=Skill.objects.all(), many=True, required=False
    )
    questions = QuestionInput(many=True, required=False, max_length=20)
    hiring_team = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=50,
        help_text=_("User ids of workspace members."),
    )  # fmt: skip


class OpeningCreateInput(OpeningFieldsInput):
    publish = serializers.BooleanField(default=False)


class ApplyInput(StrictSerializer):
    answers = serializers.DictField(
        required=False, help_text=_("Question id → answer (string, boolean or number).")
    )
    cover_letter = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True
    )


class MoveInput(StrictSerializer):
    stage = serializers.UUIDField()
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, required=False, allow_blank=True)
    candidate_message = serializers.CharField(
        max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True,
        help_text=_("Rejections: emailed to the candidate; {name}, {opening}, {company} are filled in."),
    )  # fmt: skip


class BulkMoveInput(MoveInput):
    applications = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=200
    )


class RecruitingReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH, required=False, allow_blank=True)


class NoteInput(StrictSerializer):
    body = serializers.CharField(max_length=MAX_NOTE_LENGTH)


class ScorecardInput(StrictSerializer):
    ratings = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=4))
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    comment = serializers.CharField(max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True)


# --- output ----------------------------------------------------------------------------------


class WorkspaceOutput(serializers.Serializer):
    id = serializers.UUIDField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    slug = serializers.CharField(source="organization.slug")
    role = serializers.CharField()


class StageOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()
    kind = serializers.CharField()
    position = serializers.IntegerField()


class QuestionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    prompt = serializers.CharField()
    kind = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()


class TeamQuestionOutput(QuestionOutput):
    knockout = serializers.DictField()


class CompanyOutput(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class OpeningCardOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    title = serializers.CharField()
    company = CompanyOutput(source="organization")
    department = serializers.CharField()
    employment_type = serializers.CharField()
    seniority = serializers.CharField()
    location = serializers.CharField()
    workplace = serializers.CharField()
    salary = serializers.SerializerMethodField()
    skills = serializers.SerializerMethodField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_salary(self, opening) -> dict | None:
        if not opening.salary_visible and not self.context.get("team"):
            return None
        if opening.salary_min is None and opening.salary_max is None:
            return None
        return {
            "min": opening.salary_min,
            "max": opening.salary_max,
            "currency": opening.salary_currency,
            "period": opening.salary_period,
            "visible": opening.salary_visible,
        }

    def get_skills(self, opening) -> list[str]:
        return [skill.slug for skill in opening.skills.all()]


class OpeningDetailOutput(OpeningCardOutput):
    description = serializers.CharField()
    description_html = serializers.SerializerMethodField()
    positions = serializers.IntegerField()
    questions = QuestionOutput(many=True, source="questions.all")

    def get_description_html(self, opening) -> str:
        return render_markdown(opening.description)


class TeamOpeningOutput(OpeningDetailOutput):
    questions = TeamQuestionOutput(many=True, source="questions.all")
    hired_count = serializers.IntegerField()
    knockout_delay_hours = serializers.IntegerField(allow_null=True)
    hiring_team = serializers.SerializerMethodField()

    def get_hiring_team(self, opening) -> list[str]:
        return [str(user.pk) for user in opening.hiring_team.all()]


class TeamOpeningRowOutput(OpeningCardOutput):
    application_count = serializers.IntegerField()
    live_count = serializers.IntegerField()


class CandidateOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class ApplicationRowOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    opening = serializers.UUIDField(source="opening_id")
    candidate = CandidateOutput()
    stage = StageOutput()
    status = serializers.CharField()
    match_score = serializers.IntegerField()
    matched_skills = serializers.ListField(child=serializers.CharField())
    missing_skills = serializers.ListField(child=serializers.CharField())
    knocked_out = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    stage_entered_at = serializers.DateTimeField(allow_null=True)


class ApplicationDetailOutput(ApplicationRowOutput):
    answers = serializers.DictField()
    cover_letter = serializers.CharField()
    reason = serializers.CharField()
    has_cv = serializers.SerializerMethodField()

    def get_has_cv(self, application) -> bool:
        return bool(application.cv)


class MatchOutput(serializers.Serializer):
    application = serializers.UUIDField(source="pk")
    candidate = CandidateOutput()
    score = serializers.IntegerField(source="match_score")
    matched_skills = serializers.ListField(child=serializers.CharField())
    missing_skills = serializers.ListField(child=serializers.CharField())


class BulkMoveOutput(serializers.Serializer):
    moved = serializers.ListField(child=serializers.UUIDField())
    refused = serializers.DictField()


class NoteOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    author = serializers.CharField(source="author.get_full_name")
    body = serializers.CharField()
    mentions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_mentions(self, note) -> list[str]:
        return [str(user.pk) for user in note.mentions.all()]


class ScorecardOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    author = serializers.CharField(source="author.get_full_name")
    ratings = serializers.DictField(child=serializers.IntegerField())
    recommendation = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ScorecardsOutput(serializers.Serializer):
    submitted_own = serializers.BooleanField()
    scorecards = ScorecardOutput(many=True)


class MyApplicationOutput(serializers.Serializer):
    """What the candidate sees: never the team's stage names, notes or scores."""

    id = serializers.UUIDField(source="pk")
    opening = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_text = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_opening(self, application) -> dict:
        opening = application.opening
        return {"id": str(opening.pk), "title": opening.title,
                "company": opening.organization.name}  # fmt: skip

    def get_status_text(self, application) -> str:
        return selectors.plain_status(application)


class OfferInput(StrictSerializer):
    salary = serializers.IntegerField(min_value=1, help_text=MINOR)
    currency = serializers.ChoiceField(choices=Currency.choices)
    period = serializers.ChoiceField(choices=SalaryPeriod.choices)
    start_date = serializers.DateField()
    expires_at = serializers.DateTimeField()
    template = serializers.CharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_blank=True,
        help_text=_("Markdown; {name}, {opening}, {company}, {salary}, {start_date} and "
                    "{expires} are filled in when the offer is sent."),
    )  # fmt: skip


class OfferOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    application = serializers.UUIDField(source="application_id")
    status = serializers.CharField()
    salary = serializers.IntegerField()
    currency = serializers.CharField()
    period = serializers.CharField()
    start_date = serializers.DateField()
    expires_at = serializers.DateTimeField()
    template = serializers.CharField()
    letter = serializers.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)


class CandidateOfferOutput(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    status = serializers.CharField()
    salary = serializers.IntegerField()
    currency = serializers.CharField()
    period = serializers.CharField()
    start_date = serializers.DateField()
    expires_at = serializers.DateTimeField()
    letter_html = serializers.SerializerMethodField()

    def get_letter_html(self, offer) -> str:
        return render_markdown(offer.letter)
