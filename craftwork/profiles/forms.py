"""Web forms: they parse what the browser sends; the services decide what is allowed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import timezone_choices
from craftwork.core.errors import DomainError
from craftwork.core.money import Money

from .countries import COUNTRY_CHOICES
from .languages import SPOKEN_LANGUAGE_CHOICES, LanguageLevel
from .models import (
    MAX_BIO_LENGTH,
    MAX_HOURLY_RATE_MINOR,
    MAX_HOURS_PER_WEEK,
    MAX_SERVICE_RADIUS_KM,
    MAX_SKILLS_PER_PROFILE,
    Availability,
    Currency,
    Proficiency,
    WorkMode,
)

BLANK_COUNTRY = [("", _("Choose a country"))]
MAX_RATE_MAJOR = Decimal(MAX_HOURLY_RATE_MINOR) / 100


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


class TestIdsMixin:
    """Give every input a stable data-testid ("<prefix><field name>") for the browser journeys."""

    testid_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"{self.testid_prefix}{name}")


class FreelancerProfileForm(TestIdsMixin, forms.Form):
    testid_prefix = "profile-"

    headline = forms.CharField(
        label=_("Headline"),
        max_length=120,
        required=False,
        help_text=_("One line clients see first."),
    )
    bio = forms.CharField(
        label=_("About you"),
        max_length=MAX_BIO_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is supported: **bold**, *italic*, lists and links."),
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"),
        min_value=Decimal("0.01"),
        max_value=MAX_RATE_MAJOR,
        decimal_places=2,
        required=False,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=BLANK_COUNTRY + COUNTRY_CHOICES, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        decimal_places=6,
        max_digits=9,
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        decimal_places=6,
        max_digits=9,
        required=False,
    )
    work_mode = forms.ChoiceField(label=_("Work mode"), choices=WorkMode.choices)
    service_radius_km = forms.IntegerField(
        label=_("Service radius (km)"), min_value=0, max_value=MAX_SERVICE_RADIUS_KM, required=False
    )
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), min_value=0, max_value=MAX_HOURS_PER_WEEK, required=False
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)

    def __init__(self, *args, profile, **kwargs):
        self.profile = profile
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, profile) -> dict:
        money = profile.hourly_rate_money
        names = [name for name in cls.base_fields if name != "hourly_rate"]
        return {
            **{name: getattr(profile, name) for name in names},
            "hourly_rate": money and money.to_decimal(),
        }

    def clean_hourly_rate(self):
        value = self.cleaned_data.get("hourly_rate")
        if value is None and self.profile.hourly_rate:
            raise forms.ValidationError(_("Enter your hourly rate."))
        return value

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        rate = fields.pop("hourly_rate")
        if rate is not None:
            fields["hourly_rate"] = Money.from_decimal(rate, fields["currency"]).minor
        return fields


class SkillRowForm(TestIdsMixin, forms.Form):
    testid_prefix = "skill-row-"

    skill = forms.ChoiceField(label=_("Skill"), required=False)
    proficiency = forms.ChoiceField(
        label=_("Proficiency"), choices=Proficiency.choices, initial=Proficiency.INTERMEDIATE
    )

    def __init__(self, *args, skill_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("Choose a skill")), *skill_choices]


class BaseSkillFormSet(forms.BaseFormSet):
    def entries(self) -> list[tuple[str, str]]:
        """(skill slug, proficiency) of every filled, not removed row, in order."""
        return [
            (form.cleaned_data["skill"], form.cleaned_data["proficiency"])
            for form in self.forms
            if form.cleaned_data.get("skill") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        slugs = [slug for slug, _proficiency in self.entries()]
        if len(slugs) != len(set(slugs)):
            raise forms.ValidationError(_("Each skill can be listed once."))
        if len(slugs) > MAX_SKILLS_PER_PROFILE:
            raise forms.ValidationError(
                _("List at most %(max)d skills.") % {"max": MAX_SKILLS_PER_PROFILE}
            )


SkillFormSet = forms.formset_factory(
    SkillRowForm,
    formset=BaseSkillFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_SKILLS_PER_PROFILE + 5,
    absolute_max=MAX_SKILLS_PER_PROFILE + 5,
    validate_max=True,
)


class LanguageRowForm(TestIdsMixin, forms.Form):
    testid_prefix = "language-row-"

    code = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Choose a language")), *SPOKEN_LANGUAGE_CHOICES],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=LanguageLevel.choices, initial=LanguageLevel.FLUENT
    )


class BaseLanguageFormSet(forms.BaseFormSet):
    def entries(self) -> list[dict]:
        return [
            {"code": form.cleaned_data["code"], "level": form.cleaned_data["level"]}
            for form in self.forms
            if form.cleaned_data.get("code") and not form.cleaned_data.get("DELETE")
        ]


LanguageFormSet = forms.formset_factory(
    LanguageRowForm,
    formset=BaseLanguageFormSet,
    extra=1,
    can_delete=True,
    max_num=15,
    absolute_max=15,
)


class PortfolioItemForm(TestIdsMixin, forms.Form):
    testid_prefix = "portfolio-"

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")


class PortfolioImageForm(TestIdsMixin, forms.Form):
    testid_prefix = "portfolio-image-"

    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ClientProfileForm(TestIdsMixin, forms.Form):
    testid_prefix = "client-"

    company_name = forms.CharField(label=_("Company name"), max_length=150, required=False)
    billing_name = forms.CharField(
        label=_("Billing name"),
        max_length=150,
        required=False,
        help_text=_("The name on invoices."),
    )
    billing_email = forms.EmailField(label=_("Billing email"), required=False)
    billing_address_line1 = forms.CharField(
        label=_("Address line 1"), max_length=200, required=False
    )
    billing_address_line2 = forms.CharField(
        label=_("Address line 2"), max_length=200, required=False
    )
    billing_city = forms.CharField(label=_("City"), max_length=100, required=False)
    billing_postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    billing_country = forms.ChoiceField(
        label=_("Country"), choices=BLANK_COUNTRY + COUNTRY_CHOICES, required=False
    )
    vat_id = forms.CharField(
        label=_("VAT / tax ID"), max_length=32, required=False, help_text=_("Optional.")
    )


class PriceRangeForm(TestIdsMixin, forms.Form):
    testid_prefix = "filter-"

    """The web search takes prices in major units; the API filter takes minor units."""

    min_price = forms.DecimalField(
        label=_("Min rate"), min_value=0, max_value=MAX_RATE_MAJOR, decimal_places=2, required=False
    )
    max_price = forms.DecimalField(
        label=_("Max rate"), min_value=0, max_value=MAX_RATE_MAJOR, decimal_places=2, required=False
    )

    def as_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        for field, name in (("min_price", "min_rate"), ("max_price", "max_rate")):
            if data.get(field) is not None:
                filters[name] = str(int(data[field] * 100))
        return filters
