"""The profile form: the profile's own fields plus repeatable sections (formsets) for work,
education, languages and links, and the skills as a grouped checklist.

Forms check types; the service (validation.py) checks the rules and its errors are shown
in place. Amounts are typed in major units and kept in minor units.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.profiles.languages import SPOKEN_LANGUAGE_CHOICES, LanguageLevel
from craftwork.profiles.models import Currency

from . import validation
from .models import FIRST_YEAR, LAST_YEAR, RemotePreference, SalaryPeriod, Visibility

MONTH_CHOICES = [
    ("", "—"),
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
SECTIONS = ("work", "education", "languages", "links")


def _year_field(label):
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "2020"}),
    )


def _month_field(label):
    return forms.TypedChoiceField(
        label=label, choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )


class TestIdsMixin:
    testid_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"{self.testid_prefix}{name}")


class ProfileForm(TestIdsMixin, forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=160,
        required=False,
        help_text=_("One line recruiters read first, e.g. “Backend engineer, 8 years in fintech”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=validation.MAX_SUMMARY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    desired_role = forms.CharField(
        label=_("Role you are looking for"), max_length=120, required=False
    )
    desired_salary = forms.DecimalField(
        label=_("Desired salary"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000000"),
        decimal_places=2,
        required=False,
    )
    desired_salary_currency = forms.ChoiceField(
        label=_("Currency"), choices=Currency.choices, initial=Currency.EUR
    )
    desired_salary_period = forms.ChoiceField(
        label=_("Per"), choices=SalaryPeriod.choices, initial=SalaryPeriod.YEAR
    )
    desired_location = forms.CharField(
        label=_("Where you want to work"), max_length=120, required=False
    )
    remote_preference = forms.ChoiceField(
        label=_("Remote work"), choices=RemotePreference.choices, initial=RemotePreference.ANY
    )
    visibility = forms.ChoiceField(
        label=_("Who can see your profile"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, skill_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = list(skill_choices)

    def profile_fields(self) -> dict:
        data = dict(self.cleaned_data)
        amount = data.pop("desired_salary")
        data["desired_salary_amount"] = None if amount is None else int(amount * 100)
        return data

    @staticmethod
    def initial_from(data: dict) -> dict:
        initial = {key: value for key, value in data.items() if key not in SECTIONS}
        amount = initial.pop("desired_salary_amount", None)
        initial["desired_salary"] = None if amount is None else Decimal(amount) / 100
        return initial


class WorkForm(TestIdsMixin, forms.Form):
    testid_prefix = "work-"
    title = forms.CharField(label=_("Job title"), max_length=120)
    employer = forms.CharField(label=_("Employer"), max_length=120, required=False)
    start_month = _month_field(_("From (month)"))
    start_year = _year_field(_("From (year)"))
    end_month = _month_field(_("To (month)"))
    end_year = _year_field(_("To (year)"))
    is_current = forms.BooleanField(label=_("I work here now"), required=False)
    description = forms.CharField(
        label=_("What you did"),
        max_length=validation.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EducationForm(TestIdsMixin, forms.Form):
    testid_prefix = "education-"
    school = forms.CharField(label=_("School"), max_length=160)
    degree = forms.CharField(label=_("Degree"), max_length=120, required=False)
    field = forms.CharField(label=_("Field of study"), max_length=120, required=False)
    start_year = _year_field(_("From (year)"))
    end_year = _year_field(_("To (year)"))


class LanguageForm(TestIdsMixin, forms.Form):
    testid_prefix = "language-"
    code = forms.ChoiceField(label=_("Language"), choices=[("", "—"), *SPOKEN_LANGUAGE_CHOICES])
    level = forms.ChoiceField(label=_("Level"), choices=LanguageLevel.choices)


class LinkForm(TestIdsMixin, forms.Form):
    testid_prefix = "link-"
    url = forms.CharField(
        label=_("Link"),
        max_length=validation.MAX_LINK_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )


class BaseSectionFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def _formset(form, limit):
    return forms.formset_factory(
        form,
        formset=BaseSectionFormSet,
        extra=0,
        can_delete=True,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )


WorkFormSet = _formset(WorkForm, validation.MAX_WORK)
EducationFormSet = _formset(EducationForm, validation.MAX_EDUCATION)
LanguageFormSet = _formset(LanguageForm, validation.MAX_LANGUAGES)
LinkFormSet = _formset(LinkForm, validation.MAX_LINKS)
FORMSETS = {
    "work": WorkFormSet,
    "education": EducationFormSet,
    "languages": LanguageFormSet,
    "links": LinkFormSet,
}


class CVUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Your CV"),
        help_text=_("PDF or Word (.docx), 10 MB and 20 pages at most."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,application/pdf", "data-testid": "cv-file"}
        ),
    )
