"""Web forms check shapes; the services check the rules (a refusal is put on the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError
from craftwork.core.money import currency_info
from craftwork.profiles.models import Currency, Skill

from .models import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TITLE_LENGTH,
    SCORECARD_CRITERIA,
    EmploymentType,
    QuestionKind,
    Recommendation,
    SalaryPeriod,
    Seniority,
    StageKind,
    Workplace,
)

MAX_FORM_QUESTIONS = 5


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the fields it names, or on the form."""
    placed = False
    for key, messages in (exc.details or {}).items():
        field = str(key).split(".")[0].split("[")[0]
        if field in form.fields and isinstance(messages, list):
            for message in messages:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class OpeningForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    description = forms.CharField(
        label=_("Description"), max_length=MAX_DESCRIPTION_LENGTH, widget=forms.Textarea,
        help_text=_("Markdown is supported."),
    )  # fmt: skip
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    employment_type = forms.ChoiceField(label=_("Employment type"), choices=EmploymentType.choices)
    seniority = forms.ChoiceField(label=_("Seniority"), choices=Seniority.choices,
                                  initial=Seniority.MID)  # fmt: skip
    workplace = forms.ChoiceField(label=_("Workplace"), choices=Workplace.choices)
    location = forms.CharField(label=_("Location"), max_length=150, required=False)
    salary_min = forms.IntegerField(label=_("Salary from"), required=False, min_value=1,
                                    help_text=_("Whole units, e.g. 45000."))  # fmt: skip
    salary_max = forms.IntegerField(label=_("Salary up to"), required=False, min_value=1)
    salary_currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices,
                                        initial=Currency.EUR)  # fmt: skip
    salary_period = forms.ChoiceField(label=_("Per"), choices=SalaryPeriod.choices)
    salary_visible = forms.BooleanField(label=_("Show the salary to candidates"), required=False,
                                        initial=True)  # fmt: skip
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=1000, initial=1)
    knockout_delay_hours = forms.IntegerField(
        label=_("Reject knockout answers automatically after (hours)"), required=False,
        min_value=0, max_value=720, initial=24, help_text=_("Empty: never automatically."),
    )  # fmt: skip
    skills = forms.ModelMultipleChoiceField(
        label=_("Key skills"), queryset=Skill.objects.all(), required=False, to_field_name="slug",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_FORM_QUESTIONS):
            self.fields[f"q{i}_prompt"] = forms.CharField(
                label=_("Question %(n)d") % {"n": i + 1}, max_length=300, required=False
            )
            self.fields[f"q{i}_kind"] = forms.ChoiceField(
                label=_("Answer type"), choices=QuestionKind.choices, required=False
            )
            self.fields[f"q{i}_choices"] = forms.CharField(
                label=_("Choices (one per line)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"q{i}_knockout"] = forms.CharField(
                label=_("Knockout answer"), required=False, max_length=300,
                help_text=_('Yes/no: "yes" or "no" (the disqualifying answer); choice: the '
                            'disqualifying options, one per line; number: the minimum, e.g. 2.'))  # fmt: skip

    def question_rows(self):
        return [
            [self[f"q{i}_{part}"] for part in ("prompt", "kind", "choices", "knockout")]
            for i in range(MAX_FORM_QUESTIONS)
        ]

    def questions(self) -> list[dict]:
        """The typed questions for the service (its rules check them again)."""
        data, rows = self.cleaned_data, []
        for i in range(MAX_FORM_QUESTIONS):
            prompt = data.get(f"q{i}_prompt", "").strip()
            if not prompt:
                continue
            kind = data.get(f"q{i}_kind") or QuestionKind.TEXT
            choices = [c.strip() for c in data.get(f"q{i}_choices", "").splitlines() if c.strip()]
            raw = data.get(f"q{i}_knockout", "").strip()
            knockout: dict = {}
            if raw and kind == QuestionKind.YES_NO:
                knockout = {"answer": raw.lower() in ("yes", "sí", "si", "true")}
            elif raw and kind == QuestionKind.CHOICE:
                knockout = {"choices": [c.strip() for c in raw.splitlines() if c.strip()]}
            elif raw and kind == QuestionKind.NUMBER:
                try:
                    knockout = {"min": int(raw)}
                except ValueError:
                    knockout = {"min": raw}  # the service refuses it with a message
            elif raw:
                knockout = {"answer": raw}
            rows.append({"prompt": prompt, "kind": kind, "choices": choices,
                         "knockout": knockout, "required": True})  # fmt: skip
        return rows

    def opening_fields(self) -> dict:
        """The fields for the service, salaries in minor units of the chosen currency."""
        data = dict(self.cleaned_data)
        factor = 10 ** currency_info(data.get("salary_currency") or "EUR").exponent
        for key in [k for k in data if k.startswith("q") and "_" in k and k[1].isdigit()]:
            data.pop(key)
        data.pop("publish", None)
        for key in ("salary_min", "salary_max"):
            if data.get(key) is not None:
                data[key] = data[key] * factor
        return data


class ApplyForm(forms.Form):
    """The opening's screening questions as fields, named by question id."""

    cover_letter = forms.CharField(label=_("A note to the team (optional)"), required=False,
                                   max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(
                                       attrs={"rows": 4}))  # fmt: skip
    cv = forms.FileField(label=_("CV (PDF)"), required=False)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            name = f"answer_{question.pk}"
            if question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect
                )
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(choices=[(c, c) for c in question.choices])
            elif question.kind == QuestionKind.NUMBER:
                field = forms.CharField(max_length=20)  # typed and checked by the service
            else:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
            field.label, field.required = question.prompt, question.required
            self.fields[name] = field
        self.questions = list(questions)

    def answers(self) -> dict:
        out = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"answer_{question.pk}")
            if value not in (None, ""):
                out[str(question.pk)] = value
        return out


class MoveForm(forms.Form):
    stage = forms.UUIDField(label=_("Move to"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=MAX_REASON_LENGTH)


class BulkForm(forms.Form):
    applications = forms.MultipleChoiceField(required=True)  # choices set per opening
    stage = forms.UUIDField(label=_("Move the selected to"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=MAX_REASON_LENGTH)
    candidate_message = forms.CharField(
        label=_("Email to the candidates (rejections)"), required=False, max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("{name}, {opening} and {company} are filled in for each candidate."),
    )  # fmt: skip


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note for the team"), max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Private to the team. @email or @FirstName notifies a teammate."),
    )  # fmt: skip


class ScorecardForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=MAX_NOTE_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SCORECARD_CRITERIA:
            self.fields[f"rating_{name}"] = forms.TypedChoiceField(
                label=label, coerce=int, choices=[(i, str(i)) for i in range(1, 5)],
                widget=forms.RadioSelect)  # fmt: skip

    def ratings(self) -> dict:
        return {name: self.cleaned_data[f"rating_{name}"] for name, _label in SCORECARD_CRITERIA}


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Step"), choices=[
        (StageKind.SCREENING, StageKind.SCREENING.label),
        (StageKind.INTERVIEW, StageKind.INTERVIEW.label),
    ])  # fmt: skip


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=MAX_REASON_LENGTH
    )


class OfferForm(forms.Form):
    salary = forms.IntegerField(label=_("Salary"), min_value=1, help_text=_("Whole units."))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="EUR")
    period = forms.ChoiceField(label=_("Per"), choices=SalaryPeriod.choices)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"})
    )
    template = forms.CharField(
        label=_("Letter"), max_length=MAX_DESCRIPTION_LENGTH, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. {name}, {opening}, {company}, {salary}, {start_date} and {expires} are filled in."),
    )  # fmt: skip

    def offer_fields(self) -> dict:
        from datetime import datetime, time

        from django.utils import timezone

        data = self.cleaned_data
        factor = 10 ** currency_info(data["currency"]).exponent
        # The deadline is the end of the chosen day in the recruiter's time zone.
        expires = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59)))
        return {
            "salary": data["salary"] * factor, "currency": data["currency"],
            "period": data["period"], "start_date": data["start_date"], "expires_at": expires,
            "template": data["template"],
        }  # fmt: skip


class OfferAnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=MAX_REASON_LENGTH
    )


class GuestApplyForm(ApplyForm):
    """Applying without an account: name, email and a password for the account that the
    verification email activates, and a CV."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cv"].required = True
        order = ["first_name", "last_name", "email", "password", "cv"]
        self.order_fields(order + [name for name in self.fields if name not in order])
