"""Web forms: they parse what the browser sends and mirror the document type's rules; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError
from craftwork.profiles.models import SkillCategory

from . import process
from .models import (
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

FILE_ACCEPT = (
    "application/pdf,image/jpeg,image/png,image/webp,image/gif,.pdf,.jpg,.jpeg,.png,.webp,.gif"
)
SCORE_CHOICES = [("", "—")] + [(value, str(value)) for value in range(MIN_SCORE, MAX_SCORE + 1)]


def apply_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    placed = False
    for field, messages in (error.details or {}).items():
        if field in form.fields:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


def skill_choices():
    return [
        (category.name, [(skill.slug, skill.name) for skill in category.skills.all()])
        for category in SkillCategory.objects.prefetch_related("skills").order_by(
            "position", "name"
        )
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TypeChoiceForm(forms.Form):
    """Step one of an upload: which kind of document (the next step shows the fields it needs)."""

    type = forms.ChoiceField(label=_("Document type"))

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Choose a document type"))] + [
            (doc_type.slug, doc_type.name) for doc_type in document_types
        ]
        self.fields["type"].widget.attrs["data-testid"] = "credential-type"


class CredentialFieldsForm(forms.Form):
    """The fields of a credential, shown and required as its document type says."""

    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        help_text=_(
            "For example “Level 3 Electrical Installation”. Defaults to the document type."
        ),
    )
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=MAX_ISSUER_LENGTH,
        help_text=_("The authority, school or company that issued the document."),
    )
    number = forms.CharField(label=_("Document number"), max_length=MAX_NUMBER_LENGTH)
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput())
    expiry_date = forms.DateField(label=_("Expiry date"), widget=DateInput())
    skills = forms.MultipleChoiceField(
        label=_("Skills it proves"),
        required=False,
        help_text=_("Up to %(max)d. Hold Ctrl (or ⌘) to choose several.")
        % {"max": MAX_SKILLS_PER_CREDENTIAL},
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    file = forms.FileField(
        label=_("Document"),
        help_text=_("A PDF or a photo (JPEG, PNG, WebP or GIF)."),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )

    def __init__(self, *args, document_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_type = document_type
        self.fields["issuer"].required = document_type.issuer_required
        self.fields["number"].required = document_type.number_required
        self.fields["issue_date"].required = document_type.issue_date_required
        if document_type.expiry_applies:
            self.fields["expiry_date"].required = True
        else:
            del self.fields["expiry_date"]
        self.fields["skills"].choices = skill_choices()
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"credential-{name}")

    def clean_skills(self):
        skills = self.cleaned_data["skills"]
        if len(skills) > MAX_SKILLS_PER_CREDENTIAL:
            raise forms.ValidationError(
                _("Link at most %(max)d skills.") % {"max": MAX_SKILLS_PER_CREDENTIAL}
            )
        return skills

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("note", None)
        return {
            **{name: data.get(name) for name in ("title", "issuer", "number", "issue_date")},
            "expiry_date": data.get("expiry_date"),
            "skills": data.get("skills") or [],
        }


class ResubmitForm(CredentialFieldsForm):
    note = forms.CharField(
        label=_("Note for the reviewer"),
        max_length=MAX_NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, credential: Credential) -> dict:
        return {
            "title": credential.title,
            "issuer": credential.issuer,
            "number": credential.number,
            "issue_date": credential.issue_date,
            "expiry_date": credential.expiry_date,
            "skills": [skill.slug for skill in credential.skills.all()],
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve: the document is genuine and relevant")),
            ("request_revision", _("Ask for a new version")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes for the freelancer"),
        max_length=MAX_NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to reject or to request a revision."),
    )
    authenticity = forms.TypedChoiceField(
        label=_("Authenticity"), choices=SCORE_CHOICES, coerce=int, empty_value=None
    )
    relevance = forms.TypedChoiceField(
        label=_("Relevance"), choices=SCORE_CHOICES, coerce=int, empty_value=None
    )
    quality = forms.TypedChoiceField(
        label=_("Quality"), choices=SCORE_CHOICES, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"decision-{name}")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("reject", "request_revision") and not cleaned.get("notes"):
            self.add_error("notes", _("Tell the freelancer what is wrong or missing."))
        return cleaned


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Under review")), ("all", _("Any status"))]
        + [(value, label) for value, label in Credential.Status.choices if value != "under_review"],
    )
    document_type = forms.ChoiceField(label=_("Document type"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *DocumentKind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, document_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [("", _("Any type"))] + [
            (doc_type.slug, doc_type.name) for doc_type in document_types
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": Credential.Status.UNDER_REVIEW}
        data = self.cleaned_data
        status = data["status"] or Credential.Status.UNDER_REVIEW
        return {
            "status": None if status == "all" else status,
            "document_type": data["document_type"] or None,
            "kind": data["kind"] or None,
            "q": data["q"] or None,
        }


class HistoryFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[("", _("Any change")), ("created", process.CREATED_LABEL)]
        + [(name, transition.label) for name, transition in process.TRANSITIONS.items()],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
