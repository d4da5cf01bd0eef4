"""Web forms: they parse what the browser sends (amounts in major units); the services decide
what is allowed. ``service_fields()`` turns cleaned data into the services' keyword arguments."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.money import Money
from craftwork.profiles.forms import TestIdsMixin, apply_domain_error
from craftwork.profiles.models import Currency, Skill, SkillCategory

from .models import (
    MAX_ATTACHMENTS_PER_JOB,
    MAX_ATTACHMENTS_PER_PROPOSAL,
    MAX_COVER_LETTER_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_DURATION_DAYS,
    MAX_FIXED_AMOUNT_MINOR,
    MAX_OPENINGS,
    MAX_RADIUS_KM,
    MAX_RATE_MINOR,
    MAX_TITLE_LENGTH,
    MAX_WEEKLY_HOURS,
    MIN_TITLE_LENGTH,
    BudgetType,
    LocationType,
    Visibility,
)
from .validation import MAX_ADDRESS_LENGTH, MAX_MESSAGE_LENGTH, MAX_REASON_LENGTH, MAX_ROLE_LENGTH

__all__ = ["apply_domain_error"]

MAX_FIXED_MAJOR = Decimal(MAX_FIXED_AMOUNT_MINOR) / 100
MAX_RATE_MAJOR = Decimal(MAX_RATE_MINOR) / 100
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _money_field(label, maximum, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=maximum,
        decimal_places=2,
        max_digits=12,
        required=False,
        **kwargs,
    )


def _minor(value, currency) -> int | None:
    return None if value is None else Money.from_decimal(value, currency).minor


def _major(minor, currency) -> Decimal | None:
    return None if minor is None else Money(minor, currency).to_decimal()


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, max_files: int, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = [single(item, initial) for item in data] if isinstance(data, list | tuple) else []
        if data and not isinstance(data, list | tuple):
            files = [single(data, initial)]
        files = [item for item in files if item]
        if len(files) > self.max_files:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": self.max_files})
        return files


class JobForm(TestIdsMixin, forms.Form):
    testid_prefix = "job-"

    title = forms.CharField(
        label=_("Title"), min_length=MIN_TITLE_LENGTH, max_length=MAX_TITLE_LENGTH
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What needs doing, deliverables, anything a bidder should know. Markdown works."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=SkillCategory.objects.order_by("position", "name"),
        to_field_name="slug",
        empty_label=_("Choose a category"),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Required skills"),
        queryset=Skill.objects.select_related("category").order_by("category__position", "name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ChoiceField(label=_("Post as"), required=False)
    budget_type = forms.ChoiceField(
        label=_("Budget type"), choices=BudgetType.choices, widget=forms.RadioSelect
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    budget = _money_field(_("Fixed budget"), MAX_FIXED_MAJOR)
    hourly_rate_min = _money_field(_("Minimum hourly rate"), MAX_RATE_MAJOR)
    hourly_rate_max = _money_field(_("Maximum hourly rate"), MAX_RATE_MAJOR)
    hours_per_week = forms.IntegerField(
        label=_("Estimated hours per week"), min_value=1, max_value=MAX_WEEKLY_HOURS, required=False
    )
    location_type = forms.ChoiceField(
        label=_("Where"), choices=LocationType.choices, widget=forms.RadioSelect
    )
    address = forms.CharField(label=_("Address"), max_length=MAX_ADDRESS_LENGTH, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), min_value=-90, max_value=90, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), min_value=-180, max_value=180, decimal_places=6, required=False
    )
    service_radius_km = forms.IntegerField(
        label=_("Service radius (km)"), min_value=1, max_value=MAX_RADIUS_KM, required=False
    )
    schedule_flexible = forms.BooleanField(
        label=_("The schedule is flexible"), required=False, initial=True
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), required=False, widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL]
    )
    openings = forms.IntegerField(
        label=_("Openings"), min_value=1, max_value=MAX_OPENINGS, initial=1,
        help_text=_("How many freelancers you will hire."),
    )  # fmt: skip
    visibility = forms.ChoiceField(
        label=_("Who can bid"), choices=Visibility.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, organizations=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Myself"))] + [
            (str(org.pk), org.name) for org in organizations
        ]
        self._organizations = {str(org.pk): org for org in organizations}
        if editing or not organizations:
            del self.fields["organization"]
        for name in ("budget", "hourly_rate_min", "hourly_rate_max"):
            self.fields[name].widget.attrs.setdefault("inputmode", "decimal")

    @classmethod
    def initial_for(cls, job) -> dict:
        names = [name for name in cls.base_fields if name not in ("skills", "organization")]
        initial = {name: getattr(job, name) for name in names}
        for name in ("budget", "hourly_rate_min", "hourly_rate_max"):
            initial[name] = _major(getattr(job, name), job.currency)
        initial["category"] = job.category.slug
        initial["skills"] = [skill.slug for skill in job.skills.all()]
        return initial

    def organization_choice(self):
        return self._organizations.get(self.cleaned_data.get("organization") or "")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        currency = data["currency"]
        fields = {
            name: data[name]
            for name in self.fields
            if name not in ("organization", "budget", "hourly_rate_min", "hourly_rate_max")
        }
        fields["skills"] = list(data["skills"])
        for name in ("budget", "hourly_rate_min", "hourly_rate_max"):
            fields[name] = _minor(data.get(name), currency)
        return fields


class JobCreateForm(JobForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        max_files=MAX_ATTACHMENTS_PER_JOB,
        help_text=_("PDFs or images, up to 10 files."),
    )

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields.pop("attachments", None)
        return fields


class ProposalForm(TestIdsMixin, forms.Form):
    testid_prefix = "proposal-"

    amount = _money_field(_("Your price"), MAX_FIXED_MAJOR)
    hourly_rate = _money_field(_("Your hourly rate"), MAX_RATE_MAJOR)
    duration_days = forms.IntegerField(
        label=_("Estimated duration (days)"), min_value=1, max_value=MAX_DURATION_DAYS
    )
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        max_length=MAX_COVER_LETTER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why you are a good fit and how you would approach the work."),
    )

    def __init__(self, *args, job, **kwargs):
        self.job = job
        super().__init__(*args, **kwargs)
        unused = "hourly_rate" if job.is_fixed else "amount"
        del self.fields[unused]
        price = "amount" if job.is_fixed else "hourly_rate"
        self.fields[price].required = True
        self.fields[price].label = f"{self.fields[price].label} ({job.currency})"

    @classmethod
    def initial_for(cls, proposal) -> dict:
        return {
            "amount": _major(proposal.amount, proposal.currency),
            "hourly_rate": _major(proposal.hourly_rate, proposal.currency),
            "duration_days": proposal.duration_days,
            "cover_letter": proposal.cover_letter,
        }

    def service_fields(self) -> dict:
        data = self.cleaned_data
        currency = self.job.currency
        return {
            "amount": _minor(data.get("amount"), currency),
            "hourly_rate": _minor(data.get("hourly_rate"), currency),
            "duration_days": data["duration_days"],
            "cover_letter": data["cover_letter"],
        }


class ProposalSubmitForm(ProposalForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        max_files=MAX_ATTACHMENTS_PER_PROPOSAL,
        help_text=_("Optional: up to 5 PDFs or images (samples, a plan)."),
    )

    def service_fields(self) -> dict:
        return {**super().service_fields(), "attachments": self.cleaned_data["attachments"]}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}),
        help_text=_("A PDF or an image."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=MAX_REASON_LENGTH, required=False
    )


class InvitationForm(TestIdsMixin, forms.Form):
    testid_prefix = "invitation-"

    job = forms.ChoiceField(label=_("Job"))
    role = forms.CharField(
        label=_("Role"),
        max_length=MAX_ROLE_LENGTH,
        help_text=_("For example: lead developer, designer, electrician."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    amount = _money_field(
        _("Proposed price (fixed-price jobs)"),
        MAX_FIXED_MAJOR,
        help_text=_("In the job's currency."),
    )
    hourly_rate = _money_field(
        _("Proposed hourly rate (hourly jobs)"),
        MAX_RATE_MAJOR,
        help_text=_("In the job's currency."),
    )
    weekly_hours = forms.IntegerField(
        label=_("Weekly hour limit (hourly jobs)"),
        min_value=1,
        max_value=MAX_WEEKLY_HOURS,
        required=False,
        help_text=_("Leave empty to use the job's estimate."),
    )

    def __init__(self, *args, jobs, **kwargs):
        super().__init__(*args, **kwargs)
        self._jobs = {str(job.pk): job for job in jobs}
        self.fields["job"].choices = [
            (str(job.pk), f"{job.title} ({job.get_budget_type_display()}, {job.currency})")
            for job in jobs
        ]

    def chosen_job(self):
        return self._jobs.get(self.cleaned_data.get("job") or "")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        job = self.chosen_job()
        fixed = job.is_fixed
        return {
            "role": data["role"],
            "message": data["message"],
            "amount": _minor(data.get("amount"), job.currency) if fixed else None,
            "hourly_rate": None if fixed else _minor(data.get("hourly_rate"), job.currency),
            "weekly_hours": None if fixed else data.get("weekly_hours"),
        }


class BudgetRangeForm(TestIdsMixin, forms.Form):
    """The web search takes budgets in major units; the filter takes minor units."""

    testid_prefix = "filter-"

    min_amount = forms.DecimalField(
        label=_("Min budget or rate"), min_value=0, max_value=MAX_FIXED_MAJOR, decimal_places=2,
        required=False,
    )  # fmt: skip
    max_amount = forms.DecimalField(
        label=_("Max budget or rate"), min_value=0, max_value=MAX_FIXED_MAJOR, decimal_places=2,
        required=False,
    )  # fmt: skip

    def as_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        for field, name in (("min_amount", "min_budget"), ("max_amount", "max_budget")):
            if data.get(field) is not None:
                filters[name] = str(int(data[field] * 100))
        return filters
