"""Web forms: they parse what the browser sends; the services and the process decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError, ValidationFailed
from craftwork.core.money import Money

from .deliveries import MAX_FILES, MAX_MESSAGE_LENGTH
from .models import ContractState
from .process import MAX_NOTE_LENGTH


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


class DateInput(forms.DateInput):
    input_type = "date"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ContractFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ContractState.choices]
    )
    role = forms.ChoiceField(
        label=_("My role"),
        required=False,
        choices=[
            ("", _("Client or freelancer")),
            ("client", _("Client")),
            ("provider", _("Freelancer")),
        ],
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.001"), max_digits=15, decimal_places=3
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, currency: str, **kwargs):
        self.currency = currency
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}

    def clean_amount(self):
        try:
            return Money.from_decimal(self.cleaned_data["amount"], self.currency)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc


class DeliveryForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the client"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Up to %(count)d PDF or image files.") % {"count": MAX_FILES},
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the dispute about?"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The milestone's money stays in escrow until our team decides."),
    )
    evidence_text = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Files"), required=False, help_text=_("Up to 5 PDF or image files.")
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > 5:
            raise forms.ValidationError(_("Attach at most 5 files."))
        return files


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TimeLogForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24, initial=1)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    description = forms.CharField(label=_("What did you work on?"), max_length=500)

    def clean(self):
        cleaned = super().clean()
        hours, minutes = cleaned.get("hours"), cleaned.get("minutes")
        if hours is not None and minutes is not None:
            total = hours * 60 + minutes
            if not 1 <= total <= 24 * 60:
                raise forms.ValidationError(_("Between 1 minute and 24 hours."))
            cleaned["total_minutes"] = total
        return cleaned

    @classmethod
    def initial_for(cls, log) -> dict:
        return {
            "date": log.date,
            "hours": log.minutes // 60,
            "minutes": log.minutes % 60,
            "description": log.description,
        }

    def add_domain_error(self, error: DomainError) -> None:
        details = dict(error.details or {})
        if "minutes" in details:  # the service speaks of total minutes; show it on the hours
            details["hours"] = details.pop("minutes")
        apply_domain_error(self, DomainError(error.message, code=error.code, details=details))


# --- gig orders and sessions ----------------------------------------------------------------------


class RequirementsForm(forms.Form):
    """The seller's questions, as snapshotted on the order (one field per question)."""

    def __init__(self, *args, requirements: list[dict], **kwargs):
        from .workflows.gig import MAX_ANSWER_LENGTH

        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for index, question in enumerate(requirements):
            required = bool(question.get("required"))
            if question.get("kind") == "choice":
                choices = [(choice, choice) for choice in question.get("choices", [])]
                if not required:
                    choices = [("", _("No answer")), *choices]
                field = forms.ChoiceField(
                    label=question["question"],
                    choices=choices,
                    required=required,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.CharField(
                    label=question["question"],
                    required=required,
                    max_length=MAX_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[self.field_name(index)] = field

    @staticmethod
    def field_name(index: int) -> str:
        return f"answer_{index}"

    def answers(self) -> dict:
        return {
            str(question["id"]): self.cleaned_data.get(self.field_name(index)) or ""
            for index, question in enumerate(self.requirements)
        }

    def add_domain_error(self, error: DomainError) -> None:
        """The service names fields ``answers.<question id>``: show them on the questions."""
        names = {
            f"answers.{question['id']}": self.field_name(index)
            for index, question in enumerate(self.requirements)
        }
        details = {names.get(key, key): value for key, value in (error.details or {}).items()}
        apply_domain_error(self, DomainError(error.message, code=error.code, details=details))


class SessionLocationForm(forms.Form):
    meeting_url = forms.URLField(
        label=_("Video call link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Only the client and you can see it."),
    )
    meeting_place = forms.CharField(label=_("Or a place to meet"), required=False, max_length=300)
