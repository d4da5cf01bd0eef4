"""Web forms: they parse what the browser sends; the services decide what is allowed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.accounts.models import timezone_choices
from craftwork.core.errors import DomainError
from craftwork.core.money import Money
from craftwork.core.policies import CancellationPolicy
from craftwork.profiles.models import Currency

from . import selectors
from .models import (
    MAX_BUFFER_MINUTES,
    MAX_DELIVERY_DAYS,
    MAX_EXTRA_DAYS,
    MAX_EXTRAS,
    MAX_FAQ,
    MAX_GIG_DESCRIPTION,
    MAX_GIG_TITLE,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    MAX_PRICE_MINOR,
    MAX_REQUIREMENTS,
    MAX_REVISIONS,
    PackageTier,
    RequirementKind,
    Weekday,
)

MAX_PRICE_MAJOR = Decimal(MAX_PRICE_MINOR) / 100
DURATION_CHOICES = [(minutes, _("%(minutes)d minutes") % {"minutes": minutes}) for minutes in (15, 30, 45, 60, 75, 90, 120, 180, 240)]  # fmt: skip


def apply_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    placed = False
    for field, messages in (error.details or {}).items():
        if field in form.fields and isinstance(messages, list | tuple):
            for message in messages:
                if isinstance(message, str):
                    form.add_error(field, message)
                    placed = True
    if not placed:
        form.add_error(None, error.message)


def to_minor(amount: Decimal, currency: str) -> int:
    return Money.from_decimal(amount, currency).minor


def to_major(minor: int | None, currency: str) -> Decimal | None:
    return None if minor is None else Money(minor, currency).to_decimal()


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def category_choices(*, blank: str | None = None) -> list:
    groups = [
        (str(root), [(root.slug, _("%(name)s (all)") % {"name": root})] + [(child.slug, str(child)) for child in root.children.all()])
        for root in selectors.category_tree()
    ]  # fmt: skip
    return ([("", blank)] if blank else []) + groups


def skill_choices() -> list:
    from craftwork.profiles import selectors as profile_selectors

    return [
        (str(category), [(skill.slug, skill.name) for skill in category.skills.all()])
        for category in profile_selectors.skill_categories_with_skills()
    ]


class TestIdsMixin:
    """Give every input a stable data-testid ("<prefix><field name>") for the browser journeys."""

    testid_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"{self.testid_prefix}{name}")


def price_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0.01"), max_value=MAX_PRICE_MAJOR, decimal_places=2
    )


# --- gigs ---------------------------------------------------------------------------------------


class GigForm(TestIdsMixin, forms.Form):
    testid_prefix = "gig-"

    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_GIG_TITLE,
        help_text=_("What you deliver, e.g. “I will design a logo for your brand”."),
    )
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_GIG_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is supported: **bold**, *italic*, lists and links."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Up to 10. Hold Ctrl (or ⌘) to pick several."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Up to 8, separated by commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("Choose a category")))
        self.fields["skills"].choices = skill_choices()

    @classmethod
    def initial_for(cls, gig) -> dict:
        return {
            "title": gig.title,
            "category": gig.category.slug,
            "description": gig.description,
            "skills": [skill.slug for skill in gig.skills.all()],
            "tags": ", ".join(gig.tags),
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [tag.strip() for tag in data["tags"].split(",") if tag.strip()]
        return data


class CurrencyForm(TestIdsMixin, forms.Form):
    testid_prefix = "packages-"

    currency = forms.ChoiceField(label=_("Currency of every package"), choices=Currency.choices)


class PackageForm(TestIdsMixin, forms.Form):
    offered = forms.BooleanField(label=_("Offer this package"), required=False)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    price = forms.DecimalField(
        label=_("Price"),
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE_MAJOR,
        decimal_places=2,
        required=False,
    )
    delivery_days = forms.IntegerField(
        label=_("Delivery (days)"), min_value=1, max_value=MAX_DELIVERY_DAYS, required=False
    )
    revisions = forms.IntegerField(
        label=_("Revisions"), min_value=0, max_value=MAX_REVISIONS, required=False, initial=1
    )
    included = forms.CharField(
        label=_("What is included"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line, up to 10."),
    )

    def __init__(self, *args, tier, **kwargs):
        self.tier = tier
        self.testid_prefix = f"package-{tier}-"
        super().__init__(*args, prefix=tier, **kwargs)

    @property
    def tier_label(self):
        return PackageTier(self.tier).label

    def clean(self):
        data = super().clean()
        if data.get("offered"):
            for name in ("name", "price", "delivery_days"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        return data

    def entry(self, currency: str) -> dict | None:
        data = self.cleaned_data
        if not data.get("offered"):
            return None
        return {
            "tier": self.tier,
            "name": data["name"],
            "description": data["description"],
            "price": to_minor(data["price"], currency),
            "currency": currency,
            "delivery_days": data["delivery_days"],
            "revisions": data["revisions"] or 0,
            "included": lines(data["included"]),
        }

    @staticmethod
    def initial_for(package) -> dict:
        if package is None:
            return {"revisions": 1}
        return {
            "offered": True,
            "name": package.name,
            "description": package.description,
            "price": to_major(package.price, package.currency),
            "delivery_days": package.delivery_days,
            "revisions": package.revisions,
            "included": "\n".join(package.included),
        }


def package_forms(gig, data=None) -> tuple[CurrencyForm, list[PackageForm]]:
    by_tier = {package.tier: package for package in gig.packages.all()}
    forms_ = [
        PackageForm(data, tier=tier, initial=PackageForm.initial_for(by_tier.get(tier)))
        for tier in PackageTier.values
    ]
    return CurrencyForm(data, initial={"currency": gig.currency}), forms_


class ExtraForm(TestIdsMixin, forms.Form):
    testid_prefix = "extra-"

    title = forms.CharField(label=_("Extra"), max_length=100)
    price = price_field(_("Price"))
    extra_days = forms.IntegerField(
        label=_("Extra days"), min_value=0, max_value=MAX_EXTRA_DAYS, required=False
    )


class RequirementForm(TestIdsMixin, forms.Form):
    testid_prefix = "requirement-"

    question = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Answer type"), choices=RequirementKind.choices, initial=RequirementKind.TEXT
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=1100,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For multiple choice: one per line."),
    )
    required = forms.BooleanField(label=_("The buyer must answer"), required=False, initial=True)


class FaqForm(TestIdsMixin, forms.Form):
    testid_prefix = "faq-"

    question = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(
        label=_("Answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class _RowsFormSet(forms.BaseFormSet):
    def row_forms(self) -> list:
        """The forms that hold a row to save: filled in and not marked for removal."""
        return [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.row_forms()]


def apply_rows_error(formset, error: DomainError, key: str) -> None:
    """Show a service's per-row refusal next to the row's fields, or above the rows."""
    row_errors = (error.details or {}).get(key)
    placed = False
    if isinstance(row_errors, list):
        for form, errors in zip(formset.row_forms(), row_errors, strict=False):
            for field, messages in (errors or {}).items() if isinstance(errors, dict) else []:
                target = field if field in form.fields else None
                for message in messages:
                    form.add_error(target, str(message))
                    placed = True
    if not placed:
        formset._non_form_errors = formset.error_class([error.message])


def _formset(form, maximum):
    return forms.formset_factory(
        form,
        formset=_RowsFormSet,
        extra=1,
        can_delete=True,
        max_num=maximum,
        absolute_max=maximum + 1,
        validate_max=True,
    )


ExtraFormSet = _formset(ExtraForm, MAX_EXTRAS)
RequirementFormSet = _formset(RequirementForm, MAX_REQUIREMENTS)
FaqFormSet = _formset(FaqForm, MAX_FAQ)


def extras_entries(formset, currency: str) -> list[dict]:
    return [
        {
            "title": row["title"],
            "price": to_minor(row["price"], currency),
            "extra_days": row.get("extra_days") or 0,
        }
        for row in formset.rows()
    ]


def requirement_entries(formset) -> list[dict]:
    return [
        {
            "question": row["question"],
            "kind": row["kind"],
            "choices": lines(row["choices"]) if row["kind"] == RequirementKind.CHOICE else [],
            "required": bool(row["required"]),
        }
        for row in formset.rows()
    ]


def faq_entries(formset) -> list[dict]:
    return [{"question": row["question"], "answer": row["answer"]} for row in formset.rows()]


class GigImageForm(TestIdsMixin, forms.Form):
    testid_prefix = "gig-image-"

    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG, WebP or GIF."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class GigRemoveForm(TestIdsMixin, forms.Form):
    testid_prefix = "remove-"

    reason = forms.CharField(
        label=_("Reason (the seller sees it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PriceRangeForm(TestIdsMixin, forms.Form):
    """The web catalog takes prices in major units; the API filter takes minor units."""

    testid_prefix = "filter-"

    price_from = forms.DecimalField(
        label=_("Min price"),
        min_value=0,
        max_value=MAX_PRICE_MAJOR,
        decimal_places=2,
        required=False,
    )
    price_to = forms.DecimalField(
        label=_("Max price"),
        min_value=0,
        max_value=MAX_PRICE_MAJOR,
        decimal_places=2,
        required=False,
    )

    def as_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        for field, name in (("price_from", "min_price"), ("price_to", "max_price")):
            if data.get(field) is not None:
                filters[name] = str(int(data[field] * 100))
        return filters


# --- mentorship -------------------------------------------------------------------------------------


class MentorSettingsForm(TestIdsMixin, forms.Form):
    testid_prefix = "mentor-"

    timezone = forms.ChoiceField(label=_("Your time zone"), choices=timezone_choices)
    buffer_minutes = forms.IntegerField(
        label=_("Break between sessions (minutes)"), min_value=0, max_value=MAX_BUFFER_MINUTES
    )
    min_notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"),
        min_value=0,
        max_value=MAX_NOTICE_HOURS,
        help_text=_("Clients cannot book sooner than this."),
    )
    horizon_days = forms.IntegerField(
        label=_("Bookable up to (days ahead)"), min_value=1, max_value=MAX_HORIZON_DAYS
    )


class RuleForm(TestIdsMixin, forms.Form):
    """One weekly window. A row without times is an unused row, whatever its day says."""

    testid_prefix = "rule-"

    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=Weekday.choices, coerce=int, initial=Weekday.MONDAY
    )
    start_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if bool(start) != bool(end) and not self.errors:
            raise forms.ValidationError(_("Give both times, or leave both empty."))
        return data


class _RulesFormSet(_RowsFormSet):
    def row_forms(self) -> list:
        return [form for form in super().row_forms() if form.cleaned_data.get("start_time")]

    def rows(self) -> list[dict]:
        return [
            {key: row[key] for key in ("weekday", "start_time", "end_time")}
            for row in super().rows()
        ]


RuleFormSet = forms.formset_factory(
    RuleForm,
    formset=_RulesFormSet,
    extra=2,
    can_delete=True,
    max_num=42,
    absolute_max=45,
    validate_max=True,
)


class ExceptionForm(TestIdsMixin, forms.Form):
    testid_prefix = "exception-"

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave both times empty for a day off."),
    )
    end_time = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("start_time")) != bool(data.get("end_time")):
            raise forms.ValidationError(
                _("Give both times for custom hours, or neither for a day off.")
            )
        return data


class OfferingForm(TestIdsMixin, forms.Form):
    testid_prefix = "offering-"

    topic = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(
        label=_("What the session covers"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    duration_minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60
    )
    price = price_field(_("Price per session"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    cancellation_policy = forms.ChoiceField(
        label=_("Cancellation policy"),
        choices=CancellationPolicy.choices,
        initial=CancellationPolicy.MODERATE,
        help_text=_(
            "Clients may always cancel for free up to 24 hours before. Later: flexible refunds "
            "everything, moderate half, strict nothing (you are paid the rest)."
        ),
    )
    active = forms.BooleanField(label=_("Clients can book it"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=str(_("No category")))

    @classmethod
    def initial_for(cls, offering) -> dict:
        return {
            "topic": offering.topic,
            "description": offering.description,
            "category": offering.category.slug if offering.category else "",
            "duration_minutes": offering.duration_minutes,
            "price": to_major(offering.price, offering.currency),
            "currency": offering.currency,
            "cancellation_policy": offering.cancellation_policy,
            "active": offering.active,
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["price"] = to_minor(data["price"], data["currency"])
        data["category"] = data["category"] or None
        return data


class TimezonePickerForm(forms.Form):
    tz = forms.ChoiceField(label=_("Show times in"), choices=timezone_choices, required=False)
