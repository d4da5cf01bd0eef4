"""Input serializers check shapes and types (unknown fields refused); the services check the rules.

Output serializers read only what the selectors loaded. File links point at the permission-checked
download endpoint: documents never have a public URL.
"""

from django.urls import reverse
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer

from .. import process
from ..models import (
    MAX_ISSUER_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_NUMBER_LENGTH,
    MAX_SCORE,
    MAX_SKILLS_PER_CREDENTIAL,
    MAX_TITLE_LENGTH,
    MIN_SCORE,
    Credential,
    DocumentKind,
)

# --- Input --------------------------------------------------------------------------------------


class _CredentialFieldsInput(StrictSerializer):
    title = serializers.CharField(max_length=MAX_TITLE_LENGTH, required=False, allow_blank=True)
    issuer = serializers.CharField(max_length=MAX_ISSUER_LENGTH, required=False, allow_blank=True)
    number = serializers.CharField(max_length=MAX_NUMBER_LENGTH, required=False, allow_blank=True)
    issue_date = serializers.DateField(required=False, allow_null=True)
    expiry_date = serializers.DateField(required=False, allow_null=True)
    skills = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        max_length=MAX_SKILLS_PER_CREDENTIAL,
        help_text="Skill slugs or ids (repeat the field in multipart forms).",
    )
    file = serializers.FileField(help_text="A PDF or an image (JPEG, PNG, WebP, GIF).")


class CredentialCreateInput(_CredentialFieldsInput):
    document_type = serializers.SlugField(max_length=100, help_text="A document type's slug.")


class CredentialResubmitInput(_CredentialFieldsInput):
    note = serializers.CharField(max_length=MAX_NOTES_LENGTH, required=False, allow_blank=True)


class CredentialDecisionInput(StrictSerializer):
    decision = serializers.ChoiceField(choices=list(process.DECISIONS))
    notes = serializers.CharField(
        max_length=MAX_NOTES_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Required to reject or to request a revision; the freelancer reads them.",
    )
    authenticity = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
    relevance = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
    quality = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)


# --- Output -------------------------------------------------------------------------------------


class DocumentTypeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    description = serializers.CharField()
    issuer_required = serializers.BooleanField()
    issue_date_required = serializers.BooleanField()
    expiry_applies = serializers.BooleanField(help_text="When true, an expiry date is required.")
    number_required = serializers.BooleanField()


class DocumentTypeBriefOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()


class CredentialSkillOutput(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()


def _file_url(context, credential_pk, version=None) -> str:
    url = reverse("credentials-api:file", args=[credential_pk])
    if version is not None:
        url += f"?version={version}"
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class CredentialFileVersionOutput(serializers.Serializer):
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj) -> str:
        return _file_url(self.context, obj.credential_id, obj.version)


class CredentialHistoryOutput(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class CredentialOutput(serializers.Serializer):
    id = serializers.UUIDField()
    document_type = DocumentTypeBriefOutput()
    title = serializers.CharField()
    issuer = serializers.CharField()
    number = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    expiry_date = serializers.DateField(allow_null=True)
    skills = CredentialSkillOutput(many=True, source="skills.all")
    status = serializers.ChoiceField(choices=Credential.Status.choices)
    is_verified = serializers.BooleanField()
    current_version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_notes = serializers.CharField()
    can_resubmit = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    def get_can_resubmit(self, obj) -> bool:
        return obj.status in process.TRANSITIONS["resubmit"].sources

    def get_file_url(self, obj) -> str:
        return _file_url(self.context, obj.pk)


class CredentialDetailOutput(CredentialOutput):
    versions = CredentialFileVersionOutput(many=True, source="files.all")
    history = CredentialHistoryOutput(many=True, source="events.all")


class CredentialPersonOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class StaffCredentialHistoryOutput(CredentialHistoryOutput):
    actor = CredentialPersonOutput(allow_null=True)
    authenticity_score = serializers.IntegerField(allow_null=True)
    relevance_score = serializers.IntegerField(allow_null=True)
    quality_score = serializers.IntegerField(allow_null=True)


class StaffCredentialOutput(CredentialOutput):
    owner = CredentialPersonOutput()
    authenticity_score = serializers.IntegerField(allow_null=True)
    relevance_score = serializers.IntegerField(allow_null=True)
    quality_score = serializers.IntegerField(allow_null=True)


class StaffCredentialDetailOutput(StaffCredentialOutput):
    reviewed_by = CredentialPersonOutput(allow_null=True)
    versions = CredentialFileVersionOutput(many=True, source="files.all")
    history = StaffCredentialHistoryOutput(many=True, source="events.all")


class PublicCredentialOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    document_type = DocumentTypeBriefOutput()
    issuer = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    expiry_date = serializers.DateField(allow_null=True)
    skills = CredentialSkillOutput(many=True, source="skills.all")
    verified_at = serializers.DateTimeField(source="reviewed_at")
